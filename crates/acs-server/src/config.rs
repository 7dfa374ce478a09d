//! [`ServerConfig`]: how a generated router authenticates and bounds requests.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use acs_protocol::auth::Verifier;

use crate::hooks::{Bound, ErasedHooks, HooksFor, NoHooks};

/// Default [`ServerConfig::body_limit`]: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Default [`ServerConfig::timeout`]: 30 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How the router authenticates and bounds requests, for operations `O` (a generated stub
/// names it `ServerConfig<L, N>` for RPC, `ServerConfig` for REST).
pub struct ServerConfig<O, V = ()> {
    /// Authenticates every request before parameters are read or the trait is called
    /// (acs-protocol's `Verifier` for RPC APIs; `()` for REST APIs, which do not authenticate).
    pub verifier: V,
    /// `HostId` of error answers.
    pub host_id: String,
    /// Largest accepted body in bytes; larger ones are answered 413.
    pub body_limit: usize,
    /// Deadline for reading, authenticating and serving one request; past it, 408.
    pub timeout: Duration,
    /// Called before and after every operation (metrics, audit).
    pub(crate) hooks: Arc<dyn ErasedHooks<O>>,
}

impl<O: 'static, L, N> ServerConfig<O, Verifier<L, N>> {
    /// Defaults: host id `localhost`, [`DEFAULT_BODY_LIMIT`], [`DEFAULT_TIMEOUT`], [`NoHooks`].
    pub fn new(verifier: Verifier<L, N>) -> Self {
        Self::with_verifier(verifier)
    }
}

impl<O: 'static> ServerConfig<O, ()> {
    /// Defaults: host id `localhost`, [`DEFAULT_BODY_LIMIT`], [`DEFAULT_TIMEOUT`], [`NoHooks`].
    pub fn new() -> Self {
        Self::with_verifier(())
    }
}

impl<O: 'static> Default for ServerConfig<O, ()> {
    fn default() -> Self {
        Self::new()
    }
}

impl<O: 'static, V> ServerConfig<O, V> {
    fn with_verifier(verifier: V) -> Self {
        Self {
            verifier,
            host_id: String::from("localhost"),
            body_limit: DEFAULT_BODY_LIMIT,
            timeout: DEFAULT_TIMEOUT,
            hooks: Arc::new(NoHooks),
        }
    }

    /// Sets the `HostId` of error answers.
    #[must_use]
    pub fn with_host_id(mut self, host_id: impl Into<String>) -> Self {
        self.host_id = host_id.into();
        self
    }

    /// Sets the largest accepted body, in bytes.
    #[must_use]
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sets the per-request deadline.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the hooks called around every operation: anything implementing the generated
    /// stub's `OperationHooks` trait.
    #[must_use]
    pub fn with_hooks<H>(mut self, hooks: H) -> Self
    where
        H: Send + Sync + 'static,
        O: HooksFor<H>,
    {
        self.hooks = Arc::new(Bound(hooks));
        self
    }
}

impl<O, V: fmt::Debug> fmt::Debug for ServerConfig<O, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("verifier", &self.verifier)
            .field("host_id", &self.host_id)
            .field("body_limit", &self.body_limit)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
