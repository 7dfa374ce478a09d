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

/// The query string's parameters, every pair kept in order: a list parameter may repeat its
/// name (`tags=a&tags=b`); a scalar one may not ([`Query::one`]). A name or value that is not
/// UTF-8 once percent-decoded is `InvalidParameter`.
pub fn query(parts: &http::request::Parts) -> Result<Query, AcsError> {
    let mut pairs = Vec::new();
    for segment in parts.uri.query().unwrap_or("").split('&') {
        if segment.is_empty() {
            continue;
        }
        let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
        let name = form_decode(name).ok_or_else(|| {
            AcsError::invalid_parameter("query", "A parameter name is not valid UTF-8.")
        })?;
        let value = form_decode(value)
            .ok_or_else(|| AcsError::invalid_parameter(&name, "The value is not valid UTF-8."))?;
        pairs.push((name, value));
    }
    Ok(Query { pairs })
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space); `None` when not UTF-8.
fn form_decode(text: &str) -> Option<String> {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// The decoded query pairs of a REST request.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// The value of a scalar parameter; given twice is `InvalidParameter`.
    pub fn one(&self, name: &str) -> Result<Option<&str>, AcsError> {
        let mut values = self
            .pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str());
        let first = values.next();
        if first.is_some() && values.next().is_some() {
            return Err(AcsError::invalid_parameter(
                name,
                "The parameter occurs more than once.",
            ));
        }
        Ok(first)
    }

    /// Every value of `name`, in order (an exploded list: `tags=a&tags=b`).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The values of a non-exploded list (`tags=a,b`), split at `delimiter`; given twice is
    /// `InvalidParameter`.
    pub fn split<'a>(&'a self, name: &str, delimiter: &'a str) -> Result<Vec<&'a str>, AcsError> {
        Ok(split(self.one(name)?, delimiter))
    }
}

/// A non-exploded list value split at `delimiter` (absent: no values).
pub fn split<'a>(value: Option<&'a str>, delimiter: &str) -> Vec<&'a str> {
    match value {
        Some(value) => value.split(delimiter).collect(),
        None => Vec::new(),
    }
}

/// A required list parameter: at least one value, each parsed from its text.
pub fn required_list<'a, V: std::str::FromStr>(
    values: impl IntoIterator<Item = &'a str>,
    name: &'static str,
) -> Result<Vec<V>, AcsError>
where
    V::Err: std::fmt::Display,
{
    let values = parse_list(values, name)?;
    if values.is_empty() {
        return Err(AcsError::missing_parameter(name));
    }
    Ok(values)
}

/// An optional list parameter: `None` without values.
pub fn optional_list<'a, V: std::str::FromStr>(
    values: impl IntoIterator<Item = &'a str>,
    name: &'static str,
) -> Result<Option<Vec<V>>, AcsError>
where
    V::Err: std::fmt::Display,
{
    let values = parse_list(values, name)?;
    Ok((!values.is_empty()).then_some(values))
}

/// A list parameter with a spec default: the default's items when no value is given.
pub fn list_or<'a, V: std::str::FromStr>(
    values: impl IntoIterator<Item = &'a str>,
    name: &'static str,
    default: &[&str],
) -> Result<Vec<V>, AcsError>
where
    V::Err: std::fmt::Display,
{
    let values = parse_list(values, name)?;
    if values.is_empty() {
        return parse_list(default.iter().copied(), name);
    }
    Ok(values)
}

fn parse_list<'a, V: std::str::FromStr>(
    values: impl IntoIterator<Item = &'a str>,
    name: &'static str,
) -> Result<Vec<V>, AcsError>
where
    V::Err: std::fmt::Display,
{
    values.into_iter().map(|v| parse_text(v, name)).collect()
}

/// An optional parameter whose schema is a `oneOf` of scalars and lists: `parse` picks the
/// first variant the values fit (`None` from it is `InvalidParameter`); no value is `None`.
pub fn optional_union<T>(
    values: Vec<&str>,
    name: &'static str,
    parse: impl FnOnce(&[&str]) -> Option<T>,
) -> Result<Option<T>, AcsError> {
    if values.is_empty() {
        return Ok(None);
    }
    parse(&values).map(Some).ok_or_else(|| {
        AcsError::invalid_parameter(name, "The value is not of the documented type.")
    })
}

/// `text` parsed as `V`, if it is one (a union's variant tried in turn).
pub fn parsed<V: std::str::FromStr>(text: &str) -> Option<V> {
    text.parse().ok()
}

/// Every value parsed as `V`, if all are.
pub fn parsed_all<V: std::str::FromStr>(values: &[&str]) -> Option<Vec<V>> {
    values.iter().map(|t| t.parse().ok()).collect()
}

/// A required parameter whose schema is a `oneOf` of scalars and lists.
pub fn required_union<T>(
    values: Vec<&str>,
    name: &'static str,
    parse: impl FnOnce(&[&str]) -> Option<T>,
) -> Result<T, AcsError> {
    optional_union(values, name, parse)?.ok_or_else(|| AcsError::missing_parameter(name))
}

/// A parameter with a spec default: the default's text, parsed like a value on the wire, when
/// the parameter is absent.
pub fn text_or<V: std::str::FromStr>(
    value: Option<&str>,
    name: &'static str,
    default: &str,
) -> Result<V, AcsError>
where
    V::Err: std::fmt::Display,
{
    parse_text(value.unwrap_or(default), name)
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

/// The request's cookies (`Cookie: a=1; b=2`), values percent-decoded.
pub fn cookies(parts: &http::request::Parts) -> Cookies {
    let mut pairs = Vec::new();
    for header in parts.headers.get_all(http::header::COOKIE) {
        let Ok(text) = header.to_str() else { continue };
        for pair in text.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=') {
                if let Ok(value) = percent_encoding::percent_decode_str(value).decode_utf8() {
                    pairs.push((name.to_owned(), value.into_owned()));
                }
            }
        }
    }
    Cookies { pairs }
}

/// The cookies of a REST request.
#[derive(Debug, Clone, Default)]
pub struct Cookies {
    pairs: Vec<(String, String)>,
}

impl Cookies {
    /// The value of cookie `name` (the first, if sent twice).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
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

/// A form body of the documented shape (a list repeats its name); the error never repeats the
/// body's text.
pub fn form_body<V: serde::de::DeserializeOwned>(
    bytes: &[u8],
    name: &'static str,
) -> Result<V, AcsError> {
    if bytes.is_empty() {
        return Err(AcsError::missing_parameter(name));
    }
    serde_html_form::from_bytes(bytes).map_err(|_| {
        AcsError::invalid_parameter(name, "The body is not a form of the documented shape.")
    })
}

/// A text body (`text/plain`, XML read as text).
pub fn text_body(bytes: &[u8], name: &'static str) -> Result<String, AcsError> {
    if bytes.is_empty() {
        return Err(AcsError::missing_parameter(name));
    }
    String::from_utf8(bytes.to_vec())
        .map_err(|_| AcsError::invalid_parameter(name, "The body is not valid UTF-8 text."))
}

/// A bytes body (`application/octet-stream`, images): taken as is.
pub fn bytes_body(bytes: &[u8], name: &'static str) -> Result<Vec<u8>, AcsError> {
    if bytes.is_empty() {
        return Err(AcsError::missing_parameter(name));
    }
    Ok(bytes.to_vec())
}

/// The parts of a `multipart/form-data` body; the generated handler reads each property from
/// them by the kind of its type (text, JSON or file).
#[derive(Debug, Default)]
pub struct Multipart {
    parts: Vec<(String, bytes::Bytes)>,
}

/// Reads a `multipart/form-data` body (its boundary from `Content-Type`).
pub async fn multipart_body(
    parts: &http::request::Parts,
    bytes: bytes::Bytes,
    name: &'static str,
) -> Result<Multipart, AcsError> {
    if bytes.is_empty() {
        return Err(AcsError::missing_parameter(name));
    }
    let not_multipart = || {
        AcsError::invalid_parameter(
            name,
            "The body is not multipart/form-data of the documented shape.",
        )
    };
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(not_multipart)?;
    let boundary = multer::parse_boundary(content_type).map_err(|_| not_multipart())?;
    let stream = futures::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut reader = multer::Multipart::new(stream, boundary);
    let mut out = Multipart::default();
    while let Some(field) = reader.next_field().await.map_err(|_| not_multipart())? {
        let field_name = field.name().unwrap_or_default().to_owned();
        let data = field.bytes().await.map_err(|_| not_multipart())?;
        out.parts.push((field_name, data));
    }
    Ok(out)
}

impl Multipart {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a bytes::Bytes> + 'a {
        self.parts
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, d)| d)
    }

    fn one(&self, name: &'static str) -> Result<Option<&bytes::Bytes>, AcsError> {
        let mut values = self.values(name);
        let first = values.next();
        if first.is_some() && values.next().is_some() {
            return Err(AcsError::invalid_parameter(
                name,
                "The part occurs more than once.",
            ));
        }
        Ok(first)
    }

    /// Whether part `name` was sent.
    pub fn has(&self, name: &str) -> bool {
        self.parts.iter().any(|(n, _)| n == name)
    }

    /// The text of part `name` (scalars, enums), if present.
    pub fn text(&self, name: &'static str) -> Result<Option<&str>, AcsError> {
        self.one(name)?
            .map(|d| {
                std::str::from_utf8(d)
                    .map_err(|_| AcsError::invalid_parameter(name, "The part is not UTF-8 text."))
            })
            .transpose()
    }

    /// The texts of every part `name` (a list, one part per item).
    pub fn texts(&self, name: &'static str) -> Result<Vec<&str>, AcsError> {
        self.values(name)
            .map(|d| {
                std::str::from_utf8(d)
                    .map_err(|_| AcsError::invalid_parameter(name, "The part is not UTF-8 text."))
            })
            .collect()
    }

    /// Part `name` as JSON (objects, maps, lists of objects), if present.
    pub fn json<V: serde::de::DeserializeOwned>(
        &self,
        name: &'static str,
    ) -> Result<Option<V>, AcsError> {
        self.one(name)?
            .map(|d| {
                serde_json::from_slice(d).map_err(|_| {
                    AcsError::invalid_parameter(
                        name,
                        "The part is not JSON of the documented shape.",
                    )
                })
            })
            .transpose()
    }

    /// Every file part `name` (a list of files), `None` without one.
    pub fn files(&self, name: &'static str) -> Option<Vec<Vec<u8>>> {
        let files: Vec<Vec<u8>> = self.values(name).map(|d| d.to_vec()).collect();
        (!files.is_empty()).then_some(files)
    }

    /// File part `name` as bytes, if present.
    pub fn file(&self, name: &'static str) -> Result<Option<Vec<u8>>, AcsError> {
        Ok(self.one(name)?.map(|d| d.to_vec()))
    }

    /// A required value: `MissingParameter` when absent.
    pub fn required<V>(value: Option<V>, name: &'static str) -> Result<V, AcsError> {
        value.ok_or_else(|| AcsError::missing_parameter(name))
    }
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

/// A text or bytes answer of `content_type` (a REST answer without a JSON schema).
pub fn raw_answer<O: ApiOperation>(
    ctx: &RequestContext<O>,
    status: u16,
    content_type: &'static str,
    body: impl Into<bytes::Bytes>,
) -> Result<Answered, AcsError> {
    let answer = raw(ctx, status, content_type, body.into())?;
    Ok(Answered { answer, code: None })
}

/// A documented error `code` answered with a text or bytes body of `content_type`.
pub fn documented_raw<O: ApiOperation>(
    ctx: &RequestContext<O>,
    code: &'static str,
    status: u16,
    content_type: &'static str,
    body: impl Into<bytes::Bytes>,
) -> Result<Answered, AcsError> {
    let answer = raw(ctx, status, content_type, body.into())?;
    Ok(Answered {
        answer,
        code: Some(code),
    })
}

fn raw<O: ApiOperation>(
    ctx: &RequestContext<O>,
    status: u16,
    content_type: &'static str,
    body: bytes::Bytes,
) -> Result<HttpAnswer, AcsError> {
    let request_id = &ctx.request_id;
    let status = http::StatusCode::from_u16(status)
        .map_err(|e| internal(ctx.operation.name(), request_id, &e))?;
    let mut answer = plain_answer(status, body, request_id, false);
    answer.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    Ok(answer)
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
