//! Server side: authenticate a request before any business code runs.
//!
//! [`Verifier::verify`] detects the scheme, then checks in this order: parse -> timestamp window
//! (±15 minutes, exactly 15 accepted) -> credential lookup -> signature (constant-time) -> nonce.
//! The nonce is recorded last so that a forged request cannot burn a legitimate client's nonce.
//! Credentials and nonces come from pluggable async traits so that the service can keep them in
//! SQLite, PostgreSQL or Redis; time comes from a [`Clock`] so tests can pin it.

mod clock;
mod credentials;
mod nonce;
mod verifier;

pub use clock::{Clock, ManualClock, SystemClock};
pub use credentials::{Caller, Credential, CredentialLookup, LookupError};
pub use nonce::{InMemoryNonceStore, NonceOutcome, NonceStore, NonceStoreError};
pub use verifier::{IncomingRequest, Verifier, DEFAULT_WINDOW};
