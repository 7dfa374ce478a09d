//! The connection operations as plain async methods: authorization in the documented order,
//! semantic checks, secrets sealed on the way in and masked on the way out.

pub mod error;
pub mod model;
mod service;
mod view;

pub use error::DomainError;
pub use model::{
    Caller, ConnectionPage, ConnectionStatus, ConnectionView, CreateConnection, ListConnections,
    NetworkTestResult, Role, TestNetworkConnection, UpdateConnection,
};
pub use service::{ConnectionService, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use view::java_time;
