//! The Alibaba Cloud RPC wire protocol ("ACS" / POP), shared by the generated client and the
//! generated server: it depends on `http`/`bytes` types only, never on a web framework.
//!
//! | module | what |
//! |---|---|
//! | [`params`] | the merged, decoded parameter set; `Action`/`Version` resolution |
//! | [`encoding`] | `pe()`, the signatures' percent-encoding |
//! | [`signature`] | v1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256) canonical strings and HMACs |
//! | [`signing`] | client side: API parameters -> signed query, headers, body |
//! | [`auth`] | server side: credential lookup, replay window, nonce store, [`auth::Verifier`] |
//! | [`answer`] | JSON/XML success bodies and the error envelope; request ids |
//! | [`error`] | [`AcsError`] and the common error codes |
//! | [`secret`] | redacted newtypes for secrets |
//!
//! A server handles a request like this:
//!
//! ```no_run
//! use acs_protocol::answer::{self, Format, RequestId};
//! use acs_protocol::auth::{CredentialLookup, IncomingRequest, NonceStore, Verifier};
//! use acs_protocol::params::{Params, RpcTarget};
//! use acs_protocol::AcsError;
//!
//! async fn handle<L: CredentialLookup, N: NonceStore>(
//!     verifier: &Verifier<L, N>,
//!     method: &http::Method,
//!     headers: &http::HeaderMap,
//!     query: Option<&str>,
//!     body: &[u8],
//! ) -> http::Response<bytes::Bytes> {
//!     let request_id = RequestId::new();
//!     let content_type = headers
//!         .get(http::header::CONTENT_TYPE)
//!         .and_then(|v| v.to_str().ok());
//!     let params = match Params::from_parts(query, content_type, body) {
//!         Ok(params) => params,
//!         Err(e) => return answer::render_error(&e, &request_id, "localhost", Format::Json),
//!     };
//!     let format = Format::from_params(&params);
//!     let checked = async {
//!         let target = RpcTarget::resolve(&params, headers)?;
//!         target.expect_version("2020-05-18")?;
//!         let request = IncomingRequest { method, headers, params: &params, body };
//!         let caller = verifier.verify(&request).await?;
//!         Ok::<_, AcsError>((target, caller))
//!     };
//!     match checked.await {
//!         Ok((target, _caller)) => {
//!             let body = serde_json::json!({ "Success": true, "Data": true });
//!             answer::render_success(&target.action, &request_id, &body, format)
//!         }
//!         Err(e) => answer::render_error(&e, &request_id, "localhost", format),
//!     }
//! }
//! ```
//!
//! See `tests/` for complete flows against the official SDKs' recorded requests.

pub mod answer;
pub mod auth;
pub mod encoding;
pub mod error;
pub mod params;
pub mod secret;
pub mod signature;
pub mod signing;

pub use error::AcsError;
