//! What both router styles share: deadlines, body reading, the envelope answers, the mapping of
//! business errors and panics, and the end of every request (hooks, operation tag).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use acs_protocol::answer::{Format, RequestId};
use acs_protocol::params::Params;
use acs_protocol::AcsError;
use futures::FutureExt;

use crate::hooks::{ErasedHooks, Outcome};
use crate::ApiOperation;

/// An answer before it becomes an axum response.
pub type HttpAnswer = http::Response<bytes::Bytes>;

/// The code and message of a protocol error as the spec documents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorText {
    pub code: &'static str,
    pub message: &'static str,
}

/// The spec's codes for the answers the runtime gives on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtocolErrors {
    /// 413: the body is over [`crate::ServerConfig::body_limit`].
    pub too_large: ErrorText,
    /// 408: the request missed [`crate::ServerConfig::timeout`].
    pub timed_out: ErrorText,
}

/// Longest deadline honoured; larger timeouts are clamped (an `Instant` cannot overflow).
const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 3600);

pub(crate) fn deadline(started: Instant, timeout: Duration) -> tokio::time::Instant {
    tokio::time::Instant::from_std(started) + std::cmp::min(timeout, MAX_TIMEOUT)
}

impl ProtocolErrors {
    /// 413, with the spec's code for it.
    pub(crate) fn too_large(&self) -> AcsError {
        AcsError::new(
            http::StatusCode::PAYLOAD_TOO_LARGE,
            self.too_large.code,
            self.too_large.message,
        )
    }

    /// 408, with the spec's code for it.
    pub(crate) fn timed_out(&self) -> AcsError {
        AcsError::new(
            http::StatusCode::REQUEST_TIMEOUT,
            self.timed_out.code,
            self.timed_out.message,
        )
    }
}

/// Reads the whole body up to `limit` bytes.
pub(crate) async fn read_body(
    body: axum::body::Body,
    limit: usize,
    errors: &ProtocolErrors,
) -> Result<bytes::Bytes, AcsError> {
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(bytes),
        Err(e) => {
            let inner = e.into_inner();
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&*inner);
            while let Some(e) = source {
                if e.is::<http_body_util::LengthLimitError>() {
                    return Err(errors.too_large());
                }
                source = e.source();
            }
            Err(AcsError::invalid_parameter(
                "Body",
                "The request body could not be read completely.",
            ))
        }
    }
}

/// The `Format` a query string asks for, for answers given before the body is read.
pub(crate) fn query_format(query: Option<&str>) -> Format {
    Params::from_parts(query, None, &[])
        .map(|params| Format::from_params(&params))
        .unwrap_or_default()
}

/// A failed validation as `InvalidParameter` naming the parameter and saying why.
pub(crate) fn invalid_value(name: &str, reason: &str) -> AcsError {
    let reason = reason.trim_end_matches('.');
    AcsError::invalid_parameter(name, &format!("The value {reason}."))
}

/// An internal failure: logged with the request id, answered `InternalError` without detail.
pub(crate) fn internal(
    operation: &str,
    request_id: &RequestId,
    detail: &dyn std::fmt::Display,
) -> AcsError {
    tracing::error!(
        request_id = %request_id,
        operation,
        detail = %detail,
        "internal failure; answered InternalError"
    );
    AcsError::internal_error()
}

/// A documented error returned by business code, ready to render: the generated glue passes
/// the error enum's `http_status()`, `code()`, `message()` and whether it is `Unlisted`.
/// `Unlisted` codes (never to be invented by a server) and statuses that are not errors become
/// `InternalError`.
pub fn business_error<O: ApiOperation>(
    operation: O,
    request_id: &RequestId,
    status: u16,
    code: &str,
    message: &str,
    unlisted: bool,
) -> AcsError {
    let status = http::StatusCode::from_u16(status)
        .ok()
        .filter(|s| s.is_client_error() || s.is_server_error());
    match status {
        Some(status) if !unlisted => {
            if status.is_server_error() {
                tracing::error!(
                    request_id = %request_id,
                    operation = operation.name(),
                    code,
                    "operation answered a server error"
                );
            }
            AcsError::new(status, code.to_owned(), message.to_owned())
        }
        _ => internal(
            operation.name(),
            request_id,
            &format_args!("undocumented error {code} (status {status:?}): {message}"),
        ),
    }
}

/// Runs business code, turning a panic into `InternalError` instead of a dropped connection.
pub async fn guard<O: ApiOperation, F: Future>(
    operation: O,
    request_id: &RequestId,
    future: F,
) -> Result<F::Output, AcsError> {
    match AssertUnwindSafe(future).catch_unwind().await {
        Ok(output) => Ok(output),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("a non-text panic payload");
            Err(internal(
                operation.name(),
                request_id,
                &format_args!("the operation panicked: {what}"),
            ))
        }
    }
}

/// The error envelope.
pub(crate) fn error_answer(
    error: &AcsError,
    request_id: &RequestId,
    host_id: &str,
    format: Format,
) -> HttpAnswer {
    acs_protocol::answer::render_error(error, request_id, host_id, format)
}

/// 405 with `Allow`.
pub(crate) fn method_not_allowed(
    request_id: &RequestId,
    host_id: &str,
    format: Format,
    allow: &'static str,
) -> axum::response::Response {
    let mut answer = error_answer(&AcsError::method_not_allowed(), request_id, host_id, format);
    answer
        .headers_mut()
        .insert(http::header::ALLOW, http::HeaderValue::from_static(allow));
    finish::<()>(answer, None)
}

/// What one served operation ends with.
pub(crate) struct Conclusion<'a, O> {
    pub hooks: &'a dyn ErasedHooks<O>,
    pub operation: O,
    pub request_id: &'a RequestId,
    pub started: Instant,
    pub host_id: &'a str,
    pub format: Format,
}

impl<O: ApiOperation> Conclusion<'_, O> {
    /// Calls the `after` hook, then hands the answer to axum with the operation in its
    /// extensions. `answered_code` is the code of an error answered with a documented body.
    pub(crate) fn conclude(
        self,
        result: Result<HttpAnswer, AcsError>,
        answered_code: Option<&str>,
    ) -> axum::response::Response {
        let answer = match result {
            Ok(answer) => {
                let error_code = answered_code.or_else(|| {
                    (!answer.status().is_success())
                        .then_some(acs_protocol::error::codes::INTERNAL_ERROR)
                });
                self.hooks.after(
                    self.operation,
                    self.request_id,
                    &Outcome {
                        status: answer.status(),
                        error_code,
                        latency: self.started.elapsed(),
                    },
                );
                answer
            }
            Err(error) => {
                let answer = error_answer(&error, self.request_id, self.host_id, self.format);
                self.hooks.after(
                    self.operation,
                    self.request_id,
                    &Outcome {
                        status: answer.status(),
                        error_code: Some(error.code()),
                        latency: self.started.elapsed(),
                    },
                );
                answer
            }
        };
        finish(answer, Some(self.operation))
    }
}

/// An answer as an axum response, tagged with its operation.
pub(crate) fn finish<O: Clone + Send + Sync + 'static>(
    answer: HttpAnswer,
    operation: Option<O>,
) -> axum::response::Response {
    let mut response = answer.map(axum::body::Body::from);
    if let Some(operation) = operation {
        response.extensions_mut().insert(operation);
    }
    response
}
