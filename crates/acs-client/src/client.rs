//! The runtime client, and one call from parameters to [`Response`]: sign, send, read the answer,
//! retry. The generated methods validate the request and hand its parameters here.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use acs_protocol::answer::{self, Format, REQUEST_ID_HEADER};
use acs_protocol::params::{ACTION_HEADER, VERSION_HEADER};
use acs_protocol::signature::SignatureVersion;
use acs_protocol::signing::{Credentials, SignRequest};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::api::ApiInfo;
use crate::config::{ClockSource, Endpoint, NonceSource};
use crate::error::{DecodeError, Error, RequestError, Response};
use crate::retry::{retry_after, Failure, RetryPolicy};
use crate::transport::{Transport, TransportError};

/// The configured runtime client that a generated client wraps: endpoint, credentials, signature
/// version, answer format, retries and transport. Cheap to clone (the configuration and the
/// connection pool are shared); made by [`crate::ClientBuilder::build`] and called by the generated
/// methods through [`Client::call`].
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    format: Format,
}

/// Everything clones of a client share.
pub(crate) struct Shared {
    pub api: &'static ApiInfo,
    pub endpoint: Endpoint,
    pub region_id: Option<String>,
    pub credentials: Credentials,
    pub signature: SignatureVersion,
    pub timeout: Option<Duration>,
    pub user_agent: http::HeaderValue,
    pub retry: RetryPolicy,
    pub transport: Arc<dyn Transport>,
    pub nonces: NonceSource,
    pub clock: ClockSource,
}

/// What a generated method tells the runtime about its operation (a `static` per method).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The `Action`.
    pub action: &'static str,
    /// The HTTP method the official SDKs use (`x-acs-method`).
    pub method: http::Method,
    /// Whether repeating the operation is harmless (`x-acs-idempotent`, default true).
    pub idempotent: bool,
    /// The operation takes the common `Format` parameter.
    pub format_param: bool,
    /// The operation takes the common `RegionId` parameter.
    pub region_param: bool,
}

impl fmt::Debug for Client {
    /// The AccessKey id only; never the secret or a token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.shared.endpoint.to_string())
            .field("access_key_id", &self.shared.credentials.access_key_id)
            .field("signature", &self.shared.signature)
            .field("format", &self.format)
            .field("retry", &self.shared.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn from_shared(shared: Shared, format: Format) -> Self {
        Self {
            shared: Arc::new(shared),
            format,
        }
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &Endpoint {
        &self.shared.endpoint
    }

    /// The signature scheme in use.
    pub fn signature_version(&self) -> SignatureVersion {
        self.shared.signature
    }

    /// The answer format this client asks for.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The AccessKey id requests are signed with.
    pub fn access_key_id(&self) -> &str {
        &self.shared.credentials.access_key_id
    }

    /// A client sharing everything with this one but asking for (and decoding) `format`
    /// answers: `client.with_format(Format::Xml).list_connections(..)`.
    #[must_use]
    pub fn with_format(&self, format: Format) -> Client {
        Client {
            shared: Arc::clone(&self.shared),
            format,
        }
    }

    /// The API this client calls.
    pub fn api(&self) -> &'static ApiInfo {
        self.shared.api
    }

    /// One call with retries: every attempt is signed afresh (new nonce and timestamp). `params`
    /// are the operation's own parameters (the request's `to_params()`, already validated); the
    /// client adds the common ones it manages (`Format`, `RegionId`) when `operation` takes them.
    /// `from_code` turns an error answer's HTTP status, code and message into the operation's
    /// error enum. `V` is the generated crate's validation error, which this never returns.
    pub async fn call<T: DeserializeOwned, E, V>(
        &self,
        operation: &Operation,
        params: Vec<(&'static str, String)>,
        from_code: fn(u16, &str, &str) -> E,
    ) -> Result<Response<T>, Error<E, V>> {
        let params = self.with_common_params(operation, params);
        let policy = &self.shared.retry;
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let request = self.signed_request(operation, &params)?;
            let (failure, error) = match self.send(request).await {
                Ok(answer) => match read_answer(answer, self.format, from_code, attempt) {
                    Ok(response) => return Ok(response),
                    Err(failed) => failed,
                },
                Err(source) => {
                    let failure = if source.is_connect() {
                        Failure::NotSent
                    } else {
                        Failure::NoAnswer
                    };
                    let error = Error::Transport {
                        source,
                        attempts: attempt,
                    };
                    (failure, error)
                }
            };
            if !failure.retryable(operation.idempotent) || attempt >= policy.attempts() {
                return Err(error);
            }
            let delay = failure
                .retry_after()
                .unwrap_or_else(|| policy.backoff(attempt));
            if started.elapsed() + delay > policy.elapsed_limit() {
                return Err(error);
            }
            tokio::time::sleep(delay).await;
        }
    }

    /// The operation's parameters plus the common ones this client sets (`Format`, `RegionId`).
    fn with_common_params(
        &self,
        operation: &Operation,
        params: Vec<(&'static str, String)>,
    ) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = params
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        if operation.format_param && self.format == Format::Xml {
            all.push(("Format".to_owned(), "XML".to_owned()));
        }
        if operation.region_param {
            if let Some(region) = &self.shared.region_id {
                all.push(("RegionId".to_owned(), region.clone()));
            }
        }
        all
    }

    /// One attempt's request, signed with a fresh nonce and the current time.
    fn signed_request<E, V>(
        &self,
        operation: &Operation,
        params: &[(String, String)],
    ) -> Result<http::Request<Bytes>, Error<E, V>> {
        let shared = &self.shared;
        let nonce = (shared.nonces)();
        let sign = SignRequest {
            method: &operation.method,
            host: shared.endpoint.host(),
            action: operation.action,
            version: shared.api.version,
            params,
            credentials: &shared.credentials,
            scheme: shared.signature,
            nonce: &nonce,
            timestamp: (shared.clock)(),
        };
        let mut request = shared
            .endpoint
            .signed_request(&sign)
            .map_err(Error::Request)?;
        request
            .headers_mut()
            .insert(http::header::USER_AGENT, shared.user_agent.clone());
        Ok(request)
    }

    /// Sends one attempt within the per-attempt timeout.
    async fn send(
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

impl Endpoint {
    /// The HTTP request of one signed attempt: `METHOD scheme://host/?query` with the signature's
    /// headers and an empty body (every parameter travels in the query, as the official SDKs
    /// send them). `Action` and `Version` travel once: as `x-acs-*` headers (V3) or as query
    /// parameters (v1). `sign.host` should be [`Endpoint::host`]. Public so that the client's requests
    /// can be checked against published signature vectors.
    pub fn signed_request(
        &self,
        sign: &SignRequest<'_>,
    ) -> Result<http::Request<Bytes>, RequestError> {
        let signed = acs_protocol::signing::sign_request(sign).map_err(RequestError::Sign)?;
        let mut builder = http::Request::builder()
            .method(sign.method.clone())
            .uri(self.uri(&signed.query).map_err(RequestError::Http)?);
        for (name, value) in &signed.headers {
            // v1 signs Action and Version as query parameters; the unsigned routing headers
            // the signer also offers would send them twice, so they stay out.
            let routing = name == ACTION_HEADER || name == VERSION_HEADER;
            if sign.scheme == SignatureVersion::V1 && routing {
                continue;
            }
            builder = builder.header(name, value);
        }
        builder.body(signed.body).map_err(RequestError::Http)
    }
}

/// Reads an answer: the success type, or the error envelope as the operation's error enum (with
/// how the failure counts for retries).
fn read_answer<T: DeserializeOwned, E, V>(
    answer: http::Response<Bytes>,
    requested: Format,
    from_code: fn(u16, &str, &str) -> E,
    attempts: u32,
) -> Result<Response<T>, (Failure, Error<E, V>)> {
    let (parts, body) = answer.into_parts();
    let status = parts.status;
    let format = format_of(&parts.headers).unwrap_or(requested);
    let header_id = parts
        .headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    // `Code` marks an error whatever the status (pop-core reads answers the same way).
    if let Some(envelope) = answer::decode_error(format, &body) {
        let failure = if envelope.code.starts_with("Throttling") {
            Failure::Throttled(retry_after(&parts.headers))
        } else if status.is_server_error() {
            Failure::ServerError
        } else {
            Failure::Final
        };
        let request_id = if envelope.request_id.is_empty() {
            header_id.unwrap_or_default()
        } else {
            envelope.request_id
        };
        let error = Error::Api {
            error: from_code(status.as_u16(), &envelope.code, &envelope.message),
            http_status: status.as_u16(),
            request_id,
            host_id: envelope.host_id,
            recommend: envelope.recommend,
        };
        return Err((failure, error));
    }
    if !status.is_success() {
        let failure = if status.is_server_error() {
            Failure::ServerError
        } else if status == http::StatusCode::TOO_MANY_REQUESTS {
            Failure::Throttled(retry_after(&parts.headers))
        } else {
            Failure::Final
        };
        let error = Error::Decode {
            source: DecodeError::NoEnvelope,
            http_status: status.as_u16(),
            request_id: header_id,
        };
        return Err((failure, error));
    }
    let request_id = header_id.or_else(|| body_request_id(format, &body));
    match answer::decode_success::<T>(format, &body) {
        Ok(decoded) => Ok(Response::new(
            decoded,
            request_id.unwrap_or_default(),
            status,
            parts.headers,
            attempts,
        )),
        Err(source) => Err((
            Failure::Final,
            Error::Decode {
                source: DecodeError::Body(source),
                http_status: status.as_u16(),
                request_id,
            },
        )),
    }
}

/// The format an answer is in, by its `Content-Type`.
fn format_of(headers: &http::HeaderMap) -> Option<Format> {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    if content_type.contains("xml") {
        Some(Format::Xml)
    } else if content_type.contains("json") {
        Some(Format::Json)
    } else {
        None
    }
}

/// `RequestId` of a body, for answers without the `x-acs-request-id` header.
fn body_request_id(format: Format, body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct RequestIdOnly {
        #[serde(rename = "RequestId", default)]
        request_id: String,
    }
    answer::decode_success::<RequestIdOnly>(format, body)
        .ok()
        .map(|r| r.request_id)
        .filter(|id| !id.is_empty())
}
