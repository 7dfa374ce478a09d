//! The runtime of generated server stubs (`dataworks-server-stub` is one): everything a server
//! does that no spec determines. Request reading (query ∪ form body, the body limit), the order
//! of protocol checks (signature first), format negotiation, the envelope answers for 404, 405,
//! 413, 408, parameter errors and panics, the deadline, the hooks, [`ServerConfig`], the
//! request contexts and the dispatch skeleton.
//!
//! Hand-written, like tonic under tonic-build's output: the generator (`crates/codegen`) writes
//! only what the spec determines. The API trait (one method per operation), the `Operation`
//! enum, the per-operation glue (decode the request -> call the trait -> encode the answer or the
//! typed error) and the route table: for RPC APIs an [`rpc::RpcService`] impl handed to
//! [`rpc::router`], for REST APIs handlers over [`rest::serve`] in a [`rest::Routes`] table.
//! Users of a generated stub never need to name this crate: the stub re-exports what they use.
//!
//! A generated RPC stub, in short:
//!
//! ```text
//! pub type ServerConfig<L, N> = acs_server::ServerConfig<Operation, Verifier<L, N>>;
//! pub fn router<T: MyApi, L, N>(api: Arc<T>, config: ServerConfig<L, N>) -> acs_server::Router {
//!     acs_server::rpc::router(Service(api), config)
//! }
//! impl<T: MyApi> acs_server::rpc::RpcService for Service<T> {
//!     type Operation = Operation;
//!     const SPEC: RpcSpec = RpcSpec { version: "2020-05-18", ... };
//!     fn operation(action: &str) -> Option<Operation> { Operation::from_action(action) }
//!     async fn call(&self, ctx: RequestContext, params: &Params) -> Result<HttpAnswer, AcsError> {
//!         match ctx.operation {
//!             Operation::DescribeThing => { /* from_params -> the trait -> answer */ }
//!         }
//!     }
//! }
//! ```

mod answer;
mod config;
mod hooks;
pub mod rest;
pub mod rpc;

pub use acs_protocol::answer::{Format, RequestId};
pub use acs_protocol::auth::{Caller, CredentialLookup, NonceStore, Verifier};
pub use acs_protocol::params::Params;
pub use acs_protocol::AcsError;
pub use answer::{business_error, guard, ErrorText, HttpAnswer, ProtocolErrors};
pub use axum::Router;
pub use config::{ServerConfig, DEFAULT_BODY_LIMIT, DEFAULT_TIMEOUT};
pub use hooks::{HooksFor, NoHooks, Outcome};

/// A generated `Operation` enum: copied into contexts, hooks and answer extensions (an outer
/// tower layer reads it with `response.extensions().get::<Operation>()`).
pub trait ApiOperation: Copy + Send + Sync + 'static {
    /// The wire name (the `Action`, or the REST operationId), for logs.
    fn name(self) -> &'static str;
}
