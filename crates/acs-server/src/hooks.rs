//! Cross-cutting concerns per operation. A generated stub declares its own `OperationHooks`
//! trait (its methods name the stub's `Operation` enum, so implementers write plain methods) and
//! connects it here with one [`HooksFor`] impl; the runtime keeps the hooks type-erased.

use std::time::Duration;

use acs_protocol::answer::RequestId;

/// How an operation ended, for the hooks' `after`.
#[derive(Debug, Clone, Copy)]
pub struct Outcome<'a> {
    /// The answer's HTTP status.
    pub status: http::StatusCode,
    /// The answer's error `Code`, `None` on success.
    pub error_code: Option<&'a str>,
    /// Time from the request's arrival to the answer.
    pub latency: Duration,
}

/// Hooks that do nothing (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHooks;

/// Implemented by a generated `Operation` enum for every `H` that implements the stub's
/// `OperationHooks` trait: how the runtime calls hooks `H` for that operation.
pub trait HooksFor<H: ?Sized>: Sized {
    /// The request targets `operation`.
    fn before(hooks: &H, operation: Self, request_id: &RequestId);
    /// The answer to a request for `operation` is ready.
    fn after(hooks: &H, operation: Self, request_id: &RequestId, outcome: &Outcome<'_>);
}

/// Hooks with their operation type fixed, as [`crate::ServerConfig`] keeps them.
pub(crate) trait ErasedHooks<O>: Send + Sync {
    fn before(&self, operation: O, request_id: &RequestId);
    fn after(&self, operation: O, request_id: &RequestId, outcome: &Outcome<'_>);
}

/// Hooks `H` bound to the operation type that knows how to call them.
pub(crate) struct Bound<H>(pub(crate) H);

impl<O: HooksFor<H>, H: Send + Sync> ErasedHooks<O> for Bound<H> {
    fn before(&self, operation: O, request_id: &RequestId) {
        O::before(&self.0, operation, request_id)
    }

    fn after(&self, operation: O, request_id: &RequestId, outcome: &Outcome<'_>) {
        O::after(&self.0, operation, request_id, outcome)
    }
}

impl<O> ErasedHooks<O> for NoHooks {
    fn before(&self, _: O, _: &RequestId) {}

    fn after(&self, _: O, _: &RequestId, _: &Outcome<'_>) {}
}
