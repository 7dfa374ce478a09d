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
//! # Decisions beyond the bare algorithms
//!
//! - A parameter name repeated anywhere (query, body, or both) is `InvalidParameter` naming it.
//! - A body contributes parameters only with `Content-Type: application/x-www-form-urlencoded`;
//!   any body is still hashed for V3.
//! - v1 signs parameters only, so `Action` and `Version` must be parameters in a v1 request. In a
//!   V3 request, `host`, `x-acs-date`, `x-acs-signature-nonce`, `x-acs-content-sha256` (and
//!   `x-acs-security-token`, `x-acs-action`, `x-acs-version` when they carry the token or the
//!   target) must be in `SignedHeaders`; otherwise `IncompleteSignature`.
//! - The body is bound to a V3 signature twice: `x-acs-content-sha256` must equal the SHA-256
//!   of the bytes received, and the canonical request ends with that real hash.
//! - A nonce is stored only after the signature verifies (a forgery cannot burn it) and kept until
//!   its timestamp leaves the window (up to 30 minutes). A full in-memory store answers
//!   `Throttling` (503) rather than forget.
//! - The v1 `SignatureDoesNotMatch` message carries the server's string to sign, with the
//!   `SecurityToken` value masked as `***` (so tokens never reach answers or logs).
//! - XML lists: see [`answer`].
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
