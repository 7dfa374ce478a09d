//! How one signed request travels: over HTTP with `reqwest` (the default), or in-process into any
//! `tower::Service` (an axum `Router`, the generated server router, a hand-written fake), so that
//! code using the client can be tested against a fake of the API without a network or a process.
//!
//! A transport sees fully built, signed requests and returns whole answers; retries, signing and
//! decoding stay in the client, so every transport behaves the same.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

/// A boxed error from a transport or an in-process service.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What [`Transport::send`] returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'a>>;

/// Sends one signed request and reads the whole answer.
///
/// Implemented by [`ReqwestTransport`] (real HTTP) and [`ServiceTransport`] (in-process). Implement
/// it to plug in another HTTP stack; classify failures with [`TransportError::connect`] only when
/// the request cannot have reached the server, because that decides whether a non-idempotent
/// operation is retried.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and returns the answer with its body read.
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_>;
}

/// Why a request got no answer, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportErrorKind {
    /// No connection was made (refused, DNS, connect timeout): the server cannot have received
    /// the request, so every operation may be retried.
    Connect,
    /// No answer within the timeout: the server may have processed the request.
    Timeout,
    /// The connection failed after the request was (possibly) sent, or the answer was unreadable.
    Other,
}

/// A request that got no (complete) answer. Never carries the request URL: its query holds the
/// signature, the AccessKey id, an STS token and parameter values such as passwords.
#[derive(Debug, thiserror::Error)]
#[error("{}", describe(*.kind))]
pub struct TransportError {
    kind: TransportErrorKind,
    #[source]
    source: BoxError,
}

fn describe(kind: TransportErrorKind) -> &'static str {
    match kind {
        TransportErrorKind::Connect => "could not connect to the endpoint",
        TransportErrorKind::Timeout => "no answer within the timeout",
        TransportErrorKind::Other => "the connection failed before a complete answer arrived",
    }
}

impl TransportError {
    /// The request cannot have reached the server.
    pub fn connect(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Connect, source)
    }

    /// No answer in time; the server may have processed the request.
    pub fn timeout(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Timeout, source)
    }

    /// Any other failure; the server may have processed the request.
    pub fn other(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Other, source)
    }

    /// A failure of the given kind.
    pub fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    /// What kind of failure this was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the server cannot have received the request.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }
}

/// Real HTTP through a `reqwest::Client` (connection pooling, TLS, proxies as configured there).
#[derive(Debug, Clone, Default)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Sends through `client`, e.g. one the application already uses.
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(classify)?;
            let response = self.client.execute(request).await.map_err(classify)?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(classify)?;
            let mut answer = http::Response::new(body);
            *answer.status_mut() = status;
            *answer.headers_mut() = headers;
            Ok(answer)
        })
    }
}

/// Maps a `reqwest` failure to a kind, dropping the URL (it holds the signed query).
fn classify(error: reqwest::Error) -> TransportError {
    let error = error.without_url();
    // A connect timeout is both: nothing was sent, so it counts as a connect failure.
    if error.is_connect() {
        TransportError::connect(error)
    } else if error.is_timeout() {
        TransportError::timeout(error)
    } else {
        TransportError::other(error)
    }
}

/// In-process calls into any `tower::Service` that takes `http::Request<Full<Bytes>>`: an axum
/// `Router` (such as the generated server router over a fake implementation of the API trait),
/// or a `tower::service_fn`. No socket, no process; everything else (signing, retries, decoding)
/// is exactly what the client does over HTTP.
#[derive(Debug, Clone)]
pub struct ServiceTransport<S> {
    service: S,
}

impl<S> ServiceTransport<S> {
    /// Calls `service` for every request (a clone per request, as tower services expect).
    pub fn new(service: S) -> Self {
        Self { service }
    }
}

impl<S> Transport for ServiceTransport<S>
where
    S: tower::Service<http::Request<Full<Bytes>>> + Clone + Send + Sync + 'static,
    S::Response: ServiceResponse,
    S::Error: Into<BoxError>,
    S::Future: Send,
{
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        let service = self.service.clone();
        Box::pin(async move {
            let request = request.map(Full::new);
            let response = tower::ServiceExt::oneshot(service, request)
                .await
                .map_err(TransportError::other)?;
            response.collect_body().await.map_err(TransportError::other)
        })
    }
}

/// An answer of an in-process service: any `http::Response<B>` whose body yields `Bytes` (axum's
/// `Body`, `Full<Bytes>`, ...). Exists so [`ServiceTransport`] accepts all of them.
pub trait ServiceResponse: Send + 'static {
    /// Reads the whole body.
    fn collect_body(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, BoxError>> + Send>>;
}

impl<B> ServiceResponse for http::Response<B>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    fn collect_body(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, BoxError>> + Send>> {
        Box::pin(async move {
            let (parts, body) = self.into_parts();
            let body = body.collect().await.map_err(Into::into)?.to_bytes();
            Ok(http::Response::from_parts(parts, body))
        })
    }
}
