//! The REST router: ordinary axum routes, one generated handler per operation. A handler parses
//! path, query, header and body parameters with the helpers here, validates the request, calls
//! the trait inside [`serve`] (which adds the deadline, hooks, panic guard and envelope), and
//! answers with [`json_answer`], [`empty_answer`] or [`documented`].
//!
//! Protocol errors use the common JSON envelope; documented error bodies are answered as the
//! spec describes them.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use acs_protocol::answer::{Format, RequestId, JSON_CONTENT_TYPE, REQUEST_ID_HEADER};
use acs_protocol::params::Params;
use acs_protocol::AcsError;
use acs_types::ValidationError;

pub use axum::extract::{Request, State};
pub use axum::response::Response;
pub use axum::routing::{MethodFilter, MethodRouter};

use crate::answer::{
    deadline, error_answer, finish, internal, invalid_value, method_not_allowed, Conclusion,
    HttpAnswer, ProtocolErrors,
};
use crate::{ApiOperation, ServerConfig};

/// What the generated layer knows about a request when it calls the trait: business code
/// never sees raw HTTP. Built only after validation succeeded.
#[derive(Debug, Clone)]
pub struct RequestContext<O> {
    /// This request's id (also in the `x-acs-request-id` answer header).
    pub request_id: RequestId,
    /// The operation being served.
    pub operation: O,
}

/// What every handler shares: the trait implementation, the configuration and the spec's codes.
pub struct Shared<A, O> {
    /// The API trait's implementation.
    pub api: Arc<A>,
    config: ServerConfig<O>,
    errors: ProtocolErrors,
}

/// The axum state of every handler.
pub type SharedState<A, O> = State<Arc<Shared<A, O>>>;

/// A handler's path parameters (a rejection is answered `InvalidParameter` by [`path_params`]).
pub type PathParams =
    Result<axum::extract::RawPathParams, axum::extract::rejection::RawPathParamsRejection>;

/// A served operation's answer, with the code of a documented error answered with its body.
#[derive(Debug)]
pub struct Answered {
    answer: HttpAnswer,
    code: Option<&'static str>,
}

/// The route table under construction: one [`Routes::route`] per spec path.
pub struct Routes<A, O> {
    router: axum::Router<Arc<Shared<A, O>>>,
    shared: Arc<Shared<A, O>>,
}

impl<A: Send + Sync + 'static, O: ApiOperation> Routes<A, O> {
    /// An empty table serving `api` with `config`; `errors` are the spec's 413 and 408 codes.
    pub fn new(api: Arc<A>, config: ServerConfig<O>, errors: ProtocolErrors) -> Self {
        Self {
            router: axum::Router::new(),
            shared: Arc::new(Shared {
                api,
                config,
                errors,
            }),
        }
    }

    /// The handlers of one path; other methods are answered 405 with `Allow: allow`.
    #[must_use]
    pub fn route(
        self,
        path: &str,
        methods: MethodRouter<Arc<Shared<A, O>>>,
        allow: &'static str,
    ) -> Self {
        let methods = methods.fallback(move |State(shared): SharedState<A, O>| async move {
            let request_id = RequestId::new();
            method_not_allowed(&request_id, &shared.config.host_id, Format::Json, allow)
        });
        Self {
            router: self.router.route(path, methods),
            shared: self.shared,
        }
    }

    /// The router: the table, any other path 404. Add tower layers as usual.
    pub fn finish(self) -> axum::Router {
        self.router
            .fallback(path_not_found::<A, O>)
            .with_state(self.shared)
    }
}

async fn path_not_found<A, O>(State(shared): SharedState<A, O>) -> Response {
    let request_id = RequestId::new();
    finish::<()>(
        error_answer(
            &AcsError::action_not_found(),
            &request_id,
            &shared.config.host_id,
            Format::Json,
        ),
        None,
    )
}

/// Serves `operation`: the `before` hook, then `handler` (parameters, validation, the trait)
/// under the deadline, then the `after` hook and the answer (errors in the envelope).
pub async fn serve<'a, A, O, F, Fut>(shared: &'a Shared<A, O>, operation: O, handler: F) -> Response
where
    O: ApiOperation,
    F: FnOnce(&'a Shared<A, O>, RequestContext<O>) -> Fut,
    Fut: Future<Output = Result<Answered, AcsError>>,
{
    let started = Instant::now();
    let request_id = RequestId::new();
    shared.config.hooks.before(operation, &request_id);
    let ctx = RequestContext {
        request_id: request_id.clone(),
        operation,
    };
    let served = tokio::time::timeout_at(
        deadline(started, shared.config.timeout),
        handler(shared, ctx),
    )
    .await;
    let (result, answered_code) = match served {
        Ok(Ok(Answered { answer, code })) => (Ok(answer), code),
        Ok(Err(e)) => (Err(e), None),
        Err(_) => (Err(shared.errors.timed_out()), None),
    };
    Conclusion {
        hooks: &*shared.config.hooks,
        operation,
        request_id: &request_id,
        started,
        host_id: &shared.config.host_id,
        format: Format::Json,
    }
    .conclude(result, answered_code)
}

/// The path parameters, or `InvalidParameter` when one is not valid UTF-8.
pub fn path_params(path: PathParams) -> Result<axum::extract::RawPathParams, AcsError> {
    path.map_err(|_| AcsError::invalid_parameter("path", "A path parameter is not valid UTF-8."))
}

/// The query string's parameters (a repeated name is `InvalidParameter`).
pub fn query(parts: &http::request::Parts) -> Result<Params, AcsError> {
    Params::from_parts(parts.uri.query(), None, &[])
}

/// Reads the whole body up to the configured limit (413 past it).
pub async fn read_body<A, O>(
    shared: &Shared<A, O>,
    body: axum::body::Body,
) -> Result<bytes::Bytes, AcsError> {
    crate::answer::read_body(body, shared.config.body_limit, &shared.errors).await
}

/// A required path, query or header parameter parsed from its text.
pub fn required_text<V: std::str::FromStr>(
    value: Option<&str>,
    name: &'static str,
) -> Result<V, AcsError>
where
    V::Err: std::fmt::Display,
{
    let value = value.ok_or_else(|| AcsError::missing_parameter(name))?;
    parse_text(value, name)
}

/// An optional path, query or header parameter parsed from its text.
pub fn optional_text<V: std::str::FromStr>(
    value: Option<&str>,
    name: &'static str,
) -> Result<Option<V>, AcsError>
where
    V::Err: std::fmt::Display,
{
    value.map(|value| parse_text(value, name)).transpose()
}

fn parse_text<V: std::str::FromStr>(value: &str, name: &'static str) -> Result<V, AcsError>
where
    V::Err: std::fmt::Display,
{
    value.parse().map_err(|e: V::Err| {
        AcsError::invalid_parameter(
            name,
            &format!("The value is not of the documented type ({e})."),
        )
    })
}

/// The path parameter `name`.
pub fn path_param<'a>(path: &'a axum::extract::RawPathParams, name: &str) -> Option<&'a str> {
    path.iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The header `name`, when it is text.
pub fn header_param<'a>(parts: &'a http::request::Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// A JSON body of the documented shape; the error never repeats the body's text.
pub fn json_body<V: serde::de::DeserializeOwned>(
    bytes: &[u8],
    name: &'static str,
) -> Result<V, AcsError> {
    if bytes.is_empty() {
        return Err(AcsError::missing_parameter(name));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        AcsError::invalid_parameter(
            name,
            &format!(
                "The body is not JSON of the documented shape (line {}, column {}).",
                e.line(),
                e.column()
            ),
        )
    })
}

/// A form body of the documented shape; the error never repeats the body's text.
pub fn form_body<V: serde::de::DeserializeOwned>(
    bytes: &[u8],
    name: &'static str,
) -> Result<V, AcsError> {
    if bytes.is_empty() {
        return Err(AcsError::missing_parameter(name));
    }
    serde_urlencoded::from_bytes(bytes).map_err(|_| {
        AcsError::invalid_parameter(name, "The body is not a form of the documented shape.")
    })
}

/// `InvalidParameter` naming the field `validate()` refused.
pub fn validation_error(e: ValidationError) -> AcsError {
    invalid_value(e.field, &e.reason)
}

/// A JSON answer with `status`, or `InternalError` if the body cannot be written.
pub fn json_answer<O: ApiOperation, B: serde::Serialize + ?Sized>(
    ctx: &RequestContext<O>,
    status: u16,
    body: &B,
) -> Result<Answered, AcsError> {
    let answer = json(ctx, status, body)?;
    Ok(Answered { answer, code: None })
}

/// A documented error `code` answered with its body and `status`.
pub fn documented<O: ApiOperation, B: serde::Serialize + ?Sized>(
    ctx: &RequestContext<O>,
    code: &'static str,
    status: u16,
    body: &B,
) -> Result<Answered, AcsError> {
    let answer = json(ctx, status, body)?;
    Ok(Answered {
        answer,
        code: Some(code),
    })
}

/// An answer without a body, with `status` (200 if it is not one).
pub fn empty_answer<O>(ctx: &RequestContext<O>, status: u16) -> Result<Answered, AcsError> {
    let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    Ok(Answered {
        answer: plain_answer(status, bytes::Bytes::new(), &ctx.request_id, false),
        code: None,
    })
}

fn json<O: ApiOperation, B: serde::Serialize + ?Sized>(
    ctx: &RequestContext<O>,
    status: u16,
    body: &B,
) -> Result<HttpAnswer, AcsError> {
    let request_id = &ctx.request_id;
    let name = ctx.operation.name();
    let status = http::StatusCode::from_u16(status).map_err(|e| internal(name, request_id, &e))?;
    let bytes = serde_json::to_vec(body).map_err(|e| internal(name, request_id, &e))?;
    Ok(plain_answer(
        status,
        bytes::Bytes::from(bytes),
        request_id,
        true,
    ))
}

fn plain_answer(
    status: http::StatusCode,
    body: bytes::Bytes,
    request_id: &RequestId,
    json: bool,
) -> HttpAnswer {
    let mut answer = http::Response::new(body);
    *answer.status_mut() = status;
    if json {
        answer.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(JSON_CONTENT_TYPE),
        );
    }
    if let Ok(id) = http::HeaderValue::from_str(request_id.as_str()) {
        answer.headers_mut().insert(REQUEST_ID_HEADER, id);
    }
    answer
}
