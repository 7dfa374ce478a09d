//! What a call returns: [`Response`] (the decoded answer plus its request id) or [`Error`] (the
//! operation's typed error code, or why no usable answer came back).

use std::ops::Deref;

use acs_protocol::signing::SignError;

use crate::transport::TransportError;

/// A successful answer: the decoded body plus what the envelope and HTTP carried. Derefs to the
/// body, so `response.data` reads a field directly.
#[derive(Debug, Clone)]
pub struct Response<T> {
    body: T,
    request_id: String,
    status: http::StatusCode,
    headers: http::HeaderMap,
    attempts: u32,
}

impl<T> Response<T> {
    pub(crate) fn new(
        body: T,
        request_id: String,
        status: http::StatusCode,
        headers: http::HeaderMap,
        attempts: u32,
    ) -> Self {
        Self {
            body,
            request_id,
            status,
            headers,
            attempts,
        }
    }

    /// The server's id for this request (`x-acs-request-id`, or `RequestId` in the body): quote
    /// it when asking the operator about a call.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The HTTP status (200).
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// The answer's HTTP headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// How many attempts the call took (1 when the first one succeeded).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, owned.
    pub fn into_body(self) -> T {
        self.body
    }
}

impl<T> Response<T> {
    /// The same answer with its body converted.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            body: f(self.body),
            request_id: self.request_id,
            status: self.status,
            headers: self.headers,
            attempts: self.attempts,
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// Why a call failed. `E` is the operation's error enum (`UpdateConnectionError`): every code the
/// spec documents is a variant, and `E::Unlisted` keeps any other code with its message. `V` is
/// the generated types crate's `ValidationError`, kept typed so that callers can read which
/// parameter broke which constraint; a generated crate fixes it (`pub type Error<E> =
/// acs_client::Error<E, ValidationError>`), so its users write `Error<UpdateConnectionError>`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E, V> {
    /// The request breaks a constraint of the spec; nothing was sent.
    #[error("invalid request, nothing was sent: {0}")]
    Invalid(#[source] V),
    /// The server answered with an error code.
    #[error("{error} (HTTP {http_status}, request id {request_id})")]
    Api {
        /// The code, typed.
        error: E,
        /// The answer's HTTP status.
        http_status: u16,
        /// The failed request's id.
        request_id: String,
        /// The answering host, when the envelope names one.
        host_id: String,
        /// The server's hint, when it gave one.
        recommend: String,
    },
    /// No answer came back (after `attempts` attempts).
    #[error("no answer after {attempts} attempt(s): {source}")]
    Transport {
        /// The last attempt's failure.
        #[source]
        source: TransportError,
        /// Attempts made.
        attempts: u32,
    },
    /// An answer came back but could not be read.
    #[error("unreadable answer (HTTP {http_status}): {source}")]
    Decode {
        /// Why.
        #[source]
        source: DecodeError,
        /// The answer's HTTP status.
        http_status: u16,
        /// The request id, when the answer carried one.
        request_id: Option<String>,
    },
    /// The request could not be built (a parameter uses a name the signature reserves).
    #[error("the request could not be built: {0}")]
    Request(#[source] RequestError),
}

impl<E, V> Error<E, V> {
    /// The request id, when the server answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } => Some(request_id),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The typed error code, when the server answered with one.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The HTTP status, when an answer arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Api { http_status, .. } | Error::Decode { http_status, .. } => {
                Some(*http_status)
            }
            _ => None,
        }
    }

    /// The same error with the operation error converted (e.g. into an application enum).
    pub fn map_api<F>(self, f: impl FnOnce(E) -> F) -> Error<F, V> {
        match self {
            Error::Invalid(e) => Error::Invalid(e),
            Error::Api {
                error,
                http_status,
                request_id,
                host_id,
                recommend,
            } => Error::Api {
                error: f(error),
                http_status,
                request_id,
                host_id,
                recommend,
            },
            Error::Transport { source, attempts } => Error::Transport { source, attempts },
            Error::Decode {
                source,
                http_status,
                request_id,
            } => Error::Decode {
                source,
                http_status,
                request_id,
            },
            Error::Request(e) => Error::Request(e),
        }
    }
}

/// Why a request could not be built; nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The signer refused the parameters.
    #[error(transparent)]
    Sign(SignError),
    /// The URL or a header value is not valid HTTP.
    #[error("not a valid HTTP request: {0}")]
    Http(http::Error),
    /// A REST body could not be written (e.g. a map with non-text keys as JSON).
    #[error("the request body could not be encoded: {0}")]
    Encode(crate::transport::BoxError),
    /// An authentication scheme could not add its credentials (e.g. a key that is not a valid
    /// header value); the credential itself is never part of the message.
    #[error("authentication failed before sending: {0}")]
    Auth(crate::transport::BoxError),
}

/// Why an answer could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The body is not the documented JSON or XML.
    #[error(transparent)]
    Body(#[from] acs_protocol::answer::DecodeError),
    /// An error status without the error envelope (no `Code`), e.g. a proxy's HTML page.
    #[error("an error status without the error envelope")]
    NoEnvelope,
    /// A text answer (REST `text/*`, XML without schema) that is not UTF-8.
    #[error("the text answer is not UTF-8")]
    NotUtf8,
}

/// Why [`ClientBuilder::build`](crate::ClientBuilder::build) refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Neither an endpoint nor a region was given.
    #[error("no endpoint: call .endpoint(url) or .region(id)")]
    MissingEndpoint,
    /// The endpoint is not `http(s)://host[:port]`.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No credentials were given and the environment has none.
    #[error(
        "no credentials: call .access_key(id, secret) or set ALIBABA_CLOUD_ACCESS_KEY_ID and \
         ALIBABA_CLOUD_ACCESS_KEY_SECRET"
    )]
    MissingCredentials,
    /// The user agent is not a valid header value.
    #[error("the user agent is not a valid HTTP header value")]
    InvalidUserAgent,
    /// The HTTP client could not be created.
    #[error("the HTTP client could not be created: {0}")]
    Http(#[source] reqwest::Error),
}
