//! The runtime of generated REST clients: what every REST API shares, whatever its spec.
//!
//! A generated method builds a [`Request`] (the path template filled in, query, header and cookie
//! parameters, a JSON, form, multipart, text or bytes body), hands it to [`Client::send`]
//! (authentication from the pluggable [`crate::auth::Authenticate`], the user agent, retries,
//! the transport), and turns the [`Answer`] into the operation's typed success or error by its
//! status: the status table is the spec's, so it is generated; the decoding is here.
//!
//! Transports are the RPC client's ([`crate::Transport`]): requests are whole
//! `http::Request<Bytes>` (a multipart body is encoded here, not streamed), so every attempt
//! sends the same bytes and an in-process `tower::Service` can answer them.
//!
//! ```
//! use acs_client::rest::{ApiClient, ApiInfo, Client, ClientBuilder, Request};
//! use acs_client::auth::Bearer;
//!
//! #[derive(Clone, Debug)]
//! pub struct Pets {
//!     runtime: Client,
//! }
//!
//! impl ApiClient for Pets {
//!     const API: &'static ApiInfo = &ApiInfo {
//!         default_server: Some("https://petstore.example/v1"),
//!         user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
//!     };
//!     fn from_runtime(runtime: Client) -> Self {
//!         Pets { runtime }
//!     }
//! }
//!
//! let pets: Pets = ClientBuilder::new().auth(Bearer::new("token")).build().unwrap();
//! assert_eq!(pets.runtime.base_url(), "https://petstore.example/v1");
//! let mut request = Request::new(http::Method::GET, "/pets/{petId}");
//! request.path("petId", "a b/c");
//! request.query("tags", ["x", "y"], true, ",");
//! assert_eq!(request.path_and_query(), "/pets/a%20b%2Fc?tags=x&tags=y");
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;

use crate::auth::Authenticate;
use crate::error::{BuildError, DecodeError, Error, RequestError, Response};
use crate::retry::{Failure, RetryPolicy};
use crate::transport::{ReqwestTransport, ServiceTransport, Transport, TransportError};

/// The HTTP method of a request (re-exported so that generated crates need no `http` dependency).
pub use http::Method;

/// What a generated REST client tells the runtime about its API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiInfo {
    /// The spec's first server URL without variables, used when no base URL is given.
    pub default_server: Option<&'static str>,
    /// The default `User-Agent`: the generated crate's `name/version`.
    pub user_agent: &'static str,
}

/// A generated REST client: a thin type over [`Client`] with one async method per operation.
pub trait ApiClient: Sized {
    /// The API this client calls.
    const API: &'static ApiInfo;

    /// Wraps a configured runtime client.
    fn from_runtime(client: Client) -> Self;
}

/// RFC 3986 unreserved characters stay; everything else in a path segment or query component
/// is percent-encoded (so a value can never add a segment, a parameter or a fragment).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// `name=value`, both percent-encoded.
pub(crate) fn encode_pair(name: &str, value: &str) -> String {
    format!("{}={}", encode(name), encode(value))
}

/// One REST request as a generated method describes it: method, path template with its
/// parameters, query pairs, headers, body.
#[derive(Debug, Clone)]
pub struct Request {
    method: http::Method,
    path: String,
    query: Vec<String>,
    headers: Vec<(String, String)>,
    cookies: Vec<String>,
    body: Option<(String, Bytes)>,
    invalid: Option<String>,
}

impl Request {
    /// A request for `template` (`/pets/{petId}`), its parameters filled in with [`Self::path`].
    pub fn new(method: http::Method, template: &str) -> Self {
        Self {
            method,
            path: template.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            invalid: None,
        }
    }

    /// Fills in path parameter `name` (percent-encoded: a `/` in the value stays in the segment).
    pub fn path(&mut self, name: &str, value: &(impl fmt::Display + ?Sized)) -> &mut Self {
        self.path = self
            .path
            .replace(&format!("{{{name}}}"), &encode(&value.to_string()));
        self
    }

    /// A path parameter holding a list: `a,b` (`simple` style).
    pub fn path_list<I>(&mut self, name: &str, values: I) -> &mut Self
    where
        I: IntoIterator,
        I::Item: fmt::Display,
    {
        let joined: Vec<String> = values.into_iter().map(|v| encode(&v.to_string())).collect();
        self.path = self.path.replace(&format!("{{{name}}}"), &joined.join(","));
        self
    }

    /// Query parameter `name` with one value.
    pub fn query_param(&mut self, name: &str, value: &(impl fmt::Display + ?Sized)) -> &mut Self {
        self.query.push(encode_pair(name, &value.to_string()));
        self
    }

    /// Query parameter `name` with a list: `name=a&name=b` when `explode`, else one value joined
    /// by `delimiter` (`name=a,b`). An empty list sends nothing.
    pub fn query<I>(&mut self, name: &str, values: I, explode: bool, delimiter: &str) -> &mut Self
    where
        I: IntoIterator,
        I::Item: fmt::Display,
    {
        let values: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
        if values.is_empty() {
            return self;
        }
        if explode {
            for value in &values {
                self.query.push(encode_pair(name, value));
            }
        } else {
            let joined: Vec<String> = values.iter().map(|v| encode(v)).collect();
            self.query.push(format!(
                "{}={}",
                encode(name),
                joined.join(&encode(delimiter))
            ));
        }
        self
    }

    /// Header `name` (a list is joined with `,`, the `simple` style).
    pub fn header(&mut self, name: &str, value: &(impl fmt::Display + ?Sized)) -> &mut Self {
        self.headers.push((name.to_owned(), value.to_string()));
        self
    }

    /// Header `name` with a list of values, joined with `,`.
    pub fn header_list<I>(&mut self, name: &str, values: I) -> &mut Self
    where
        I: IntoIterator,
        I::Item: fmt::Display,
    {
        let values: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
        self.header(name, &values.join(","))
    }

    /// Cookie `name` (the value percent-encoded).
    pub fn cookie(&mut self, name: &str, value: &(impl fmt::Display + ?Sized)) -> &mut Self {
        self.cookies
            .push(format!("{name}={}", encode(&value.to_string())));
        self
    }

    /// A JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> &mut Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body("application/json", bytes),
            Err(e) => self.invalid(format!("the JSON body could not be written: {e}")),
        }
    }

    /// An `application/x-www-form-urlencoded` body from a struct of scalars and lists (a list
    /// repeats its name, as OpenAPI's default `form` style with `explode` writes it).
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> &mut Self {
        match serde_html_form::to_string(body) {
            Ok(text) => self.body("application/x-www-form-urlencoded", text),
            Err(e) => self.invalid(format!("the form body could not be written: {e}")),
        }
    }

    /// A `multipart/form-data` body.
    pub fn multipart(&mut self, form: Multipart) -> &mut Self {
        let (content_type, bytes) = form.encode();
        self.body(&content_type, bytes)
    }

    /// A body of `content_type` as is (text, bytes).
    pub fn body(&mut self, content_type: &str, bytes: impl Into<Bytes>) -> &mut Self {
        self.body = Some((content_type.to_owned(), bytes.into()));
        self
    }

    fn invalid(&mut self, why: String) -> &mut Self {
        self.invalid.get_or_insert(why);
        self
    }

    /// The path with its parameters and the query, as sent (below the base URL's path).
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query.join("&"))
        }
    }

    /// The HTTP request against `base`.
    fn build(
        &self,
        base: &str,
        user_agent: &http::HeaderValue,
    ) -> Result<http::Request<Bytes>, RequestError> {
        if let Some(why) = &self.invalid {
            return Err(RequestError::Encode(why.clone().into()));
        }
        let uri = format!("{base}{}", self.path_and_query());
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(uri)
            .header(http::header::USER_AGENT, user_agent.clone());
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if !self.cookies.is_empty() {
            builder = builder.header(http::header::COOKIE, self.cookies.join("; "));
        }
        let body = match &self.body {
            Some((content_type, bytes)) => {
                builder = builder.header(http::header::CONTENT_TYPE, content_type.as_str());
                bytes.clone()
            }
            None => Bytes::new(),
        };
        builder.body(body).map_err(RequestError::Http)
    }
}

/// A `multipart/form-data` body under construction: text, JSON and file parts.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
    invalid: Option<String>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// A text part (scalars, enums; one part per item for lists).
    pub fn text(&mut self, name: &str, value: &(impl fmt::Display + ?Sized)) -> &mut Self {
        self.parts.push(Part {
            name: name.to_owned(),
            filename: None,
            content_type: None,
            data: Bytes::from(value.to_string()),
        });
        self
    }

    /// A JSON part (objects, maps, lists of objects).
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.parts.push(Part {
                name: name.to_owned(),
                filename: None,
                content_type: Some("application/json".to_owned()),
                data: Bytes::from(bytes),
            }),
            Err(e) => {
                self.invalid
                    .get_or_insert(format!("part {name} could not be written: {e}"));
            }
        }
        self
    }

    /// A file part (`format: binary`), sent as `application/octet-stream` named after the part.
    pub fn file(&mut self, name: &str, bytes: impl Into<Bytes>) -> &mut Self {
        self.parts.push(Part {
            name: name.to_owned(),
            filename: Some(name.to_owned()),
            content_type: Some("application/octet-stream".to_owned()),
            data: bytes.into(),
        });
        self
    }

    /// `(content type with boundary, body)`; the boundary is random and checked absent from
    /// every part.
    fn encode(&self) -> (String, Bytes) {
        let boundary = loop {
            let candidate = format!("acs-boundary-{:032x}", rand::random::<u128>());
            let clash = self.parts.iter().any(|p| {
                p.data
                    .windows(candidate.len())
                    .any(|w| w == candidate.as_bytes())
            });
            if !clash {
                break candidate;
            }
        };
        let mut out = Vec::new();
        for part in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let name = quote_header(&part.name);
            match &part.filename {
                Some(file) => out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\n",
                        quote_header(file)
                    )
                    .as_bytes(),
                ),
                None => out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
                ),
            }
            if let Some(content_type) = &part.content_type {
                out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (
            format!("multipart/form-data; boundary={boundary}"),
            Bytes::from(out),
        )
    }
}

/// A name inside a quoted header parameter: quotes and line breaks percent-encoded (as
/// browsers write them).
fn quote_header(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// An answer of any status, before the generated method reads it by the spec's status table.
#[derive(Debug, Clone)]
pub struct Answer {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: Bytes,
    attempts: u32,
}

impl Answer {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// The answer's headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// The raw body.
    pub fn raw(&self) -> &Bytes {
        &self.body
    }

    /// The request id the server gave (`x-acs-request-id` or `x-request-id`), if any.
    pub fn request_id(&self) -> Option<String> {
        ["x-acs-request-id", "x-request-id"]
            .iter()
            .find_map(|h| self.headers.get(*h)?.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// The body as JSON of type `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| DecodeError::Body(acs_protocol::answer::DecodeError::Json(e)))
    }

    /// The body as text.
    pub fn text(&self) -> Result<String, DecodeError> {
        String::from_utf8(self.body.to_vec()).map_err(|_| DecodeError::NotUtf8)
    }

    /// The body as bytes.
    pub fn bytes(&self) -> Result<Vec<u8>, DecodeError> {
        Ok(self.body.to_vec())
    }

    /// No body is documented: whatever came is ignored.
    pub fn empty(&self) -> Result<(), DecodeError> {
        Ok(())
    }

    /// A success: the body read by `decode`, with the request id, status and headers.
    pub fn success<T, E, V>(
        self,
        decode: impl FnOnce(&Answer) -> Result<T, DecodeError>,
    ) -> Result<Response<T>, Error<E, V>> {
        match decode(&self) {
            Ok(body) => Ok(Response::new(
                body,
                self.request_id().unwrap_or_default(),
                self.status,
                self.headers,
                self.attempts,
            )),
            Err(source) => Err(self.decode_error(source)),
        }
    }

    /// An error answer: the operation's error built by `decode` (`Error::Api`), or why the body
    /// could not be read (`Error::Decode`).
    pub fn error<E, V>(
        self,
        decode: impl FnOnce(&Answer) -> Result<E, DecodeError>,
    ) -> Error<E, V> {
        match decode(&self) {
            Ok(error) => Error::Api {
                error,
                http_status: self.status(),
                request_id: self.request_id().unwrap_or_default(),
                host_id: String::new(),
                recommend: String::new(),
            },
            Err(source) => self.decode_error(source),
        }
    }

    /// An undocumented status: `from_code(status, reason, body text)` (the error enum's
    /// `Unlisted`, or a documented body-less code of that status).
    pub fn unlisted<E, V>(self, from_code: fn(u16, &str, &str) -> E) -> Error<E, V> {
        let reason = self
            .status
            .canonical_reason()
            .unwrap_or("Unknown")
            .replace(' ', "");
        let text = String::from_utf8_lossy(&self.body);
        let message: String = text.chars().take(512).collect();
        let error = from_code(self.status(), &reason, &message);
        self.error(|_| Ok(error))
    }

    fn decode_error<E, V>(&self, source: DecodeError) -> Error<E, V> {
        Error::Decode {
            source,
            http_status: self.status(),
            request_id: self.request_id(),
        }
    }
}

/// The configured REST runtime a generated client wraps: base URL, authentication, user agent,
/// retries, transport. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

struct Shared {
    base_url: String,
    auth: Vec<Arc<dyn Authenticate>>,
    user_agent: http::HeaderValue,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    transport: Arc<dyn Transport>,
}

impl fmt::Debug for Client {
    /// The base URL and retry policy; never a credential.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("auth_schemes", &self.shared.auth.len())
            .field("retry", &self.shared.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Where requests go (`scheme://host[:port][/base/path]`, no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// Sends `request` with retries (transport failures, 5xx and 429 answers; a request that may
    /// have reached the server only when `idempotent`) and returns the last answer, whatever
    /// its status.
    pub async fn send<E, V>(
        &self,
        request: &Request,
        idempotent: bool,
    ) -> Result<Answer, Error<E, V>> {
        let shared = &self.shared;
        let policy = &shared.retry;
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut http = request
                .build(&shared.base_url, &shared.user_agent)
                .map_err(Error::Request)?;
            for auth in &shared.auth {
                auth.authenticate(&mut http)
                    .map_err(|e| Error::Request(RequestError::Auth(e)))?;
            }
            let (failure, outcome) = match self.attempt(http).await {
                Ok(answer) => {
                    let status = answer.status();
                    let failure = if status.is_server_error() {
                        Failure::ServerError
                    } else if status == http::StatusCode::TOO_MANY_REQUESTS {
                        Failure::Throttled(retry_after(answer.headers()))
                    } else {
                        Failure::Final
                    };
                    let (parts, body) = answer.into_parts();
                    let answer = Answer {
                        status: parts.status,
                        headers: parts.headers,
                        body,
                        attempts: attempt,
                    };
                    (failure, Ok(answer))
                }
                Err(source) => {
                    let failure = if source.is_connect() {
                        Failure::NotSent
                    } else {
                        Failure::NoAnswer
                    };
                    (
                        failure,
                        Err(Error::Transport {
                            source,
                            attempts: attempt,
                        }),
                    )
                }
            };
            if !failure.retryable(idempotent) || attempt >= policy.attempts() {
                return outcome;
            }
            let delay = failure
                .retry_after()
                .unwrap_or_else(|| policy.backoff(attempt));
            if started.elapsed() + delay > policy.elapsed_limit() {
                return outcome;
            }
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let transport = &self.shared.transport;
        match self.shared.timeout {
            Some(limit) => tokio::time::timeout(limit, transport.send(request))
                .await
                .unwrap_or_else(|_| {
                    Err(TransportError::timeout(format!(
                        "no complete answer within {limit:?}"
                    )))
                }),
            None => transport.send(request).await,
        }
    }
}

/// `Retry-After` in seconds (RFC 9110), or Alibaba's `x-acs-retry-after` in milliseconds.
fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    crate::retry::retry_after(headers).or_else(|| {
        let seconds: u64 = headers
            .get(http::header::RETRY_AFTER)?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()?;
        (seconds > 0).then(|| Duration::from_secs(seconds))
    })
}

/// Builds the REST client `C` of a generated crate: `Client::builder().base_url(..).auth(..)
/// .build()?`. Defaults: the spec's first server, no authentication, [`RetryPolicy::default`].
pub struct ClientBuilder<C> {
    base_url: Option<String>,
    auth: Vec<Arc<dyn Authenticate>>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
    transport: Option<Arc<dyn Transport>>,
    client: PhantomData<fn() -> C>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        Self {
            base_url: self.base_url.clone(),
            auth: self.auth.clone(),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            user_agent: self.user_agent.clone(),
            retry: self.retry.clone(),
            http_client: self.http_client.clone(),
            transport: self.transport.clone(),
            client: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth_schemes", &self.auth.len())
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<C: ApiClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder with the defaults.
    pub fn new() -> Self {
        Self {
            base_url: None,
            auth: Vec::new(),
            connect_timeout: None,
            timeout: None,
            user_agent: None,
            retry: RetryPolicy::default(),
            http_client: None,
            transport: None,
            client: PhantomData,
        }
    }

    /// The base URL (`http://127.0.0.1:8080`, `https://api.example.com/v2`): the spec's paths
    /// are appended to it. Default: the spec's first server without variables.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Adds an authentication scheme (several add up, e.g. an API key and a bearer token).
    #[must_use]
    pub fn auth(mut self, auth: impl Authenticate) -> Self {
        self.auth.push(Arc::new(auth));
        self
    }

    /// Connect timeout of the HTTP client the builder creates.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time limit of one attempt, from sending to the whole answer read.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default: the generated crate's `name/version`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How failed attempts are retried ([`RetryPolicy::none`] to never retry).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends through an existing `reqwest::Client`.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Sends through a custom [`Transport`].
    #[must_use]
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Calls a `tower::Service` in-process (e.g. the generated server router).
    #[must_use]
    pub fn service<S>(self, service: S) -> Self
    where
        ServiceTransport<S>: Transport,
    {
        self.transport(ServiceTransport::new(service))
    }

    /// The client, or why the configuration cannot work.
    pub fn build(self) -> Result<C, BuildError> {
        let api = C::API;
        let base = self
            .base_url
            .as_deref()
            .or(api.default_server)
            .ok_or(BuildError::MissingEndpoint)?;
        let base_url = parse_base_url(base)?;
        let user_agent = self.user_agent.as_deref().unwrap_or(api.user_agent);
        let user_agent =
            http::HeaderValue::from_str(user_agent).map_err(|_| BuildError::InvalidUserAgent)?;
        let transport: Arc<dyn Transport> = match (self.transport, self.http_client) {
            (Some(transport), _) => transport,
            (None, Some(client)) => Arc::new(ReqwestTransport::new(client)),
            (None, None) => {
                let mut builder = reqwest::Client::builder();
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                Arc::new(ReqwestTransport::new(
                    builder.build().map_err(BuildError::Http)?,
                ))
            }
        };
        Ok(C::from_runtime(Client {
            shared: Arc::new(Shared {
                base_url,
                auth: self.auth,
                user_agent,
                timeout: self.timeout,
                retry: self.retry,
                transport,
            }),
        }))
    }
}

/// `http(s)://host[:port][/path]` without a trailing `/`, query or fragment.
fn parse_base_url(text: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidEndpoint {
        endpoint: text.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = text.trim().trim_end_matches('/');
    let uri: http::Uri = trimmed.parse().map_err(|_| invalid("not a URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(invalid("the scheme must be http or https")),
    }
    let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
    if authority.as_str().contains('@') {
        return Err(invalid("user information is not supported"));
    }
    if uri.query().is_some() || trimmed.contains('#') {
        return Err(invalid("a base URL has no query or fragment"));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_encoded_so_they_cannot_change_the_url_shape() {
        let mut r = Request::new(http::Method::GET, "/pets/{petId}/toys/{ids}");
        r.path("petId", "a/b?c#d")
            .path_list("ids", [1, 2])
            .query_param("q", "x&y=z")
            .query("tags", ["a b", "c"], false, ",")
            .query("ex", ["1", "2"], true, ",")
            .query("none", Vec::<String>::new(), true, ",");
        assert_eq!(
            r.path_and_query(),
            "/pets/a%2Fb%3Fc%23d/toys/1,2?q=x%26y%3Dz&tags=a%20b%2Cc&ex=1&ex=2"
        );
    }

    #[test]
    fn base_urls_keep_their_path_and_refuse_what_cannot_work() {
        assert_eq!(
            parse_base_url("https://api.example.com/v2/").unwrap(),
            "https://api.example.com/v2"
        );
        for bad in [
            "ftp://h",
            "http://u:p@h",
            "http://h/?a=b",
            "not a url",
            "/relative",
        ] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn multipart_parts_are_framed_by_a_boundary_absent_from_the_data() {
        let mut form = Multipart::new();
        form.text("name", "Tom")
            .json("meta", &serde_json::json!({"a": 1}))
            .file("photo", &b"\x00\x01binary"[..]);
        let (content_type, body) = form.encode();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert_eq!(text.matches(&format!("--{boundary}\r\n")).count(), 3);
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert!(text.contains("name=\"photo\"; filename=\"photo\"\r\nContent-Type: application/octet-stream\r\n\r\n\u{0}\u{1}binary\r\n"));
        assert!(text.contains("Content-Type: application/json\r\n\r\n{\"a\":1}\r\n"));
    }

    #[test]
    fn a_body_that_cannot_be_written_fails_the_request_before_sending() {
        let mut r = Request::new(http::Method::POST, "/x");
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1], 2);
        r.json(&map);
        let ua = http::HeaderValue::from_static("t");
        assert!(matches!(
            r.build("http://h", &ua),
            Err(RequestError::Encode(_))
        ));
    }
}
