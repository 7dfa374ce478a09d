//! The runtime of generated clients. Alibaba Cloud RPC clients (the `dataworks-client` crate is
//! one) at the crate root: the builder, signing + sending, retries, transports (reqwest or an
//! in-process `tower::Service`), answer decoding and the error types. REST clients in [`rest`],
//! over the same transports, retries and errors, authenticated through the pluggable
//! [`auth::Authenticate`] (API keys, bearer, basic).
//!
//! Hand-written and spec-independent, like `progenitor-client` under progenitor's generated
//! clients: the generator (`crates/codegen`) writes only what comes from the spec (the client type
//! with one method per operation, the [`ApiInfo`] constants, docs and re-exports), and this crate
//! does the rest. Users of a generated crate never need to name this one: it re-exports what they
//! use under its own paths.
//!
//! # What a generated crate writes
//!
//! ```
//! use acs_client::{ApiClient, ApiInfo, Operation, Response};
//!
//! /// What `Client::builder().build()` makes: a wrapper, because methods can only be added to a
//! /// type of the generated crate.
//! #[derive(Clone, Debug)]
//! pub struct Client {
//!     runtime: acs_client::Client,
//! }
//!
//! impl ApiClient for Client {
//!     const API: &'static ApiInfo = &ApiInfo {
//!         version: "2014-05-26",
//!         endpoint_template: Some("https://ecs.{regionId}.aliyuncs.com"),
//!         region_variable: "regionId",
//!         user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
//!     };
//!
//!     fn from_runtime(runtime: acs_client::Client) -> Self {
//!         Client { runtime }
//!     }
//! }
//!
//! /// The spec's validation error (a generated crate uses its types crate's).
//! #[derive(Debug, thiserror::Error)]
//! #[error("{0}")]
//! pub struct ValidationError(String);
//!
//! pub type Error<E> = acs_client::Error<E, ValidationError>;
//! pub type ClientBuilder = acs_client::ClientBuilder<Client>;
//!
//! impl Client {
//!     pub fn builder() -> ClientBuilder {
//!         ClientBuilder::new()
//!     }
//!
//!     /// One operation: parameters in, the typed answer or the operation's typed error out.
//!     pub async fn describe_regions(
//!         &self,
//!         params: Vec<(&'static str, String)>,
//!     ) -> Result<Response<serde::de::IgnoredAny>, Error<String>> {
//!         static OPERATION: Operation = Operation {
//!             action: "DescribeRegions",
//!             method: http::Method::POST,
//!             idempotent: true,
//!             format_param: false,
//!             region_param: true,
//!         };
//!         self.runtime
//!             .call(&OPERATION, params, |_status, code, _message| code.to_owned())
//!             .await
//!     }
//! }
//!
//! let client = Client::builder()
//!     .region("cn-hangzhou")
//!     .access_key("id", "secret")
//!     .build()
//!     .unwrap();
//! assert_eq!(client.runtime.endpoint().to_string(), "https://ecs.cn-hangzhou.aliyuncs.com");
//! ```

mod api;
pub mod auth;
mod client;
mod config;
mod error;
pub mod rest;
mod retry;
mod transport;

pub use api::{ApiClient, ApiInfo};
pub use client::{Client, Operation};
pub use config::{
    ClientBuilder, Endpoint, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN,
};
pub use error::{BuildError, DecodeError, Error, RequestError, Response};
pub use retry::RetryPolicy;
pub use transport::{
    BoxError, ReqwestTransport, ServiceResponse, ServiceTransport, Transport, TransportError,
    TransportErrorKind, TransportFuture,
};

pub use acs_protocol::answer::Format;
pub use acs_protocol::secret::{AccessKeySecret, SecurityToken};
pub use acs_protocol::signature::SignatureVersion;
pub use acs_protocol::signing::{Credentials, SignRequest};
