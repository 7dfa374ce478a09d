//! The connection operations as plain async methods: authorization in the documented order,
//! semantic checks, secrets sealed on the way in and masked on the way out.

mod data_sources;
pub mod error;
pub mod model;
mod service;
mod view;

pub use error::DomainError;
pub use model::{
    Caller, ConnectionPage, ConnectionStatus, ConnectionView, CreateConnection, ImportOutcome,
    ListConnections, NetworkTestResult, Role, SetDataSourceShare, ShareOutcome,
    TestNetworkConnection, UpdateConnection, UpdateDataSource,
};
pub use service::{ConnectionService, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use view::java_time;
