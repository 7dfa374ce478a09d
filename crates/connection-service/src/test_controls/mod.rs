//! Test-double controls (`dataworks-server serve --test-controls`): for teams that run this
//! server inside their own test suites, as LocalStack or moto stand in for AWS.
//!
//! Off by default. When on, plain JSON endpoints under `/_test/` (no signature):
//! `POST /_test/reset`, `POST|GET|DELETE /_test/faults`, `DELETE /_test/faults/{id}`,
//! `GET|DELETE /_test/requests`. With a token (needed on a non-loopback listen address) every
//! `/_test/` request must carry `Authorization: Bearer TOKEN`. When off, `/_test/…` answers 404 in
//! the API's error envelope.
//!
//! The request log and the faults work for every operation alike: [`layer`] wraps the whole
//! generated RPC router (a middleware, not per-operation code), reads the `Action` the way the
//! router does, and sees every answer.

mod faults;
mod layer;
mod request_log;
mod routes;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;

use crate::store::Store;

pub use faults::{Fault, FaultSpec, Faults, DEFAULT_RETRY_AFTER_MS};
pub use request_log::{mask_parameter, Entry, RequestLog, CAPACITY};

/// `--test-controls`, `--test-controls-token` (or the config file's `test_controls`,
/// `test_controls_token`).
#[derive(Clone, Default)]
pub struct TestControlsSettings {
    pub enabled: bool,
    pub token: Option<String>,
}

impl std::fmt::Debug for TestControlsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestControlsSettings")
            .field("enabled", &self.enabled)
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl TestControlsSettings {
    /// Refuses controls without a token on an address other machines can reach: they let
    /// anyone erase every connection.
    pub fn check_listen(&self, address: SocketAddr) -> Result<(), String> {
        if self.enabled && self.token.is_none() && !address.ip().is_loopback() {
            return Err(format!(
                "--test-controls on the non-loopback address {address} needs \
                 --test-controls-token TOKEN (every /_test/ request must then carry \
                 Authorization: Bearer TOKEN)"
            ));
        }
        Ok(())
    }
}

/// The controls' state, shared by the routes and the middleware.
#[derive(Clone)]
pub struct TestControls {
    inner: Arc<Inner>,
}

struct Inner {
    settings: TestControlsSettings,
    store: Arc<dyn Store>,
    faults: Mutex<Faults>,
    log: Mutex<RequestLog>,
}

impl TestControls {
    pub fn new(settings: TestControlsSettings, store: Arc<dyn Store>) -> Self {
        Self {
            inner: Arc::new(Inner {
                settings,
                store,
                faults: Mutex::default(),
                log: Mutex::default(),
            }),
        }
    }

    pub fn enabled(&self) -> bool {
        self.inner.settings.enabled
    }

    fn faults(&self) -> MutexGuard<'_, Faults> {
        self.inner.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn log(&self) -> MutexGuard<'_, RequestLog> {
        self.inner.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The RPC router with the request log and faults around it when the controls are on,
    /// unchanged when they are off.
    pub fn wrap(&self, rpc: Router) -> Router {
        if !self.enabled() {
            return rpc;
        }
        rpc.layer(axum::middleware::from_fn_with_state(
            self.clone(),
            layer::record_and_inject,
        ))
    }

    /// The `/_test/` routes (404 in the API's envelope when the controls are off).
    pub fn router(&self) -> Router {
        routes::router(self.clone())
    }
}
