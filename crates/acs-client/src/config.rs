//! Configuration: [`ClientBuilder`] (endpoint, credentials, signature version, timeouts, user
//! agent, retries, HTTP client or in-process transport) and [`Endpoint`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use acs_protocol::answer::Format;
use acs_protocol::secret::{AccessKeySecret, SecurityToken};
use acs_protocol::signature::SignatureVersion;
use acs_protocol::signing::Credentials;
use time::OffsetDateTime;

use crate::api::ApiClient;
use crate::client::{Client, Shared};
use crate::error::BuildError;
use crate::retry::RetryPolicy;
use crate::transport::{ReqwestTransport, ServiceTransport, Transport};

/// The AccessKey id variable, as every Alibaba Cloud SDK reads it.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The AccessKey secret variable.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// The STS token variable (optional).
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// Produces a nonce per attempt.
pub(crate) type NonceSource = Arc<dyn Fn() -> String + Send + Sync>;
/// Produces the signing time per attempt.
pub(crate) type ClockSource = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// Builds the client `C` of a generated crate (whose `ClientBuilder` is this type for its `Client`):
/// `Client::builder().endpoint(..).access_key(..).build()?`.
///
/// Defaults: signature V3 (`ACS3-HMAC-SHA256`), JSON answers, [`RetryPolicy::default`], no
/// timeout besides the retry budget, credentials from the environment when none are given.
pub struct ClientBuilder<C> {
    settings: Settings,
    /// `fn() -> C`: the builder makes a `C` but holds none, so it is `Send`, `Sync` and `Clone`
    /// whatever `C` is.
    client: PhantomData<fn() -> C>,
}

/// The builder's settings, apart from the client type they are for.
#[derive(Clone)]
struct Settings {
    endpoint: Option<String>,
    region: Option<String>,
    credentials: Option<Credentials>,
    security_token: Option<SecurityToken>,
    signature: SignatureVersion,
    format: Format,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
    transport: Option<Arc<dyn Transport>>,
    nonces: Option<NonceSource>,
    clock: Option<ClockSource>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        Self {
            settings: self.settings.clone(),
            client: PhantomData,
        }
    }
}

impl<C: ApiClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.settings;
        f.debug_struct("ClientBuilder")
            .field("endpoint", &s.endpoint)
            .field("region", &s.region)
            .field("credentials", &s.credentials)
            .field("signature", &s.signature)
            .field("format", &s.format)
            .field("connect_timeout", &s.connect_timeout)
            .field("timeout", &s.timeout)
            .field("user_agent", &s.user_agent)
            .field("retry", &s.retry)
            .field("custom_transport", &s.transport.is_some())
            .finish_non_exhaustive()
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder with the defaults (a generated crate calls this from `Client::builder()`).
    pub fn new() -> Self {
        let settings = Settings {
            endpoint: None,
            region: None,
            credentials: None,
            security_token: None,
            signature: SignatureVersion::V3,
            format: Format::Json,
            connect_timeout: None,
            timeout: None,
            user_agent: None,
            retry: RetryPolicy::default(),
            http_client: None,
            transport: None,
            nonces: None,
            clock: None,
        };
        Self {
            settings,
            client: PhantomData,
        }
    }

    /// The endpoint: `https://host`, `http://127.0.0.1:8080`, or a bare `host[:port]` (HTTPS).
    /// Wins over the endpoint derived from [`Self::region`].
    #[must_use]
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.settings.endpoint = Some(endpoint.into());
        self
    }

    /// The region (`cn-shanghai`): sent as `RegionId`, and, without [`Self::endpoint`], picks the
    /// region's public endpoint from the spec's server list.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.settings.region = Some(region.into());
        self
    }

    /// Signs with this AccessKey pair.
    #[must_use]
    pub fn access_key(
        mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<AccessKeySecret>,
    ) -> Self {
        self.settings.credentials = Some(Credentials::new(access_key_id, secret));
        self
    }

    /// Adds an STS token to the AccessKey pair (temporary credentials), whichever way the pair
    /// is given.
    #[must_use]
    pub fn security_token(mut self, token: impl Into<SecurityToken>) -> Self {
        self.settings.security_token = Some(token.into());
        self
    }

    /// Signs with these credentials.
    #[must_use]
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.settings.credentials = Some(credentials);
        self
    }

    /// Reads the credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`
    /// and (optional) `ALIBABA_CLOUD_SECURITY_TOKEN` now. [`Self::build`] does the same when no
    /// credentials were given.
    pub fn credentials_from_env(mut self) -> Result<Self, BuildError> {
        self.settings.credentials =
            Some(credentials_from_env().ok_or(BuildError::MissingCredentials)?);
        Ok(self)
    }

    /// The signature scheme: [`SignatureVersion::V3`] (default) or [`SignatureVersion::V1`]
    /// (HMAC-SHA1, what older SDKs send).
    #[must_use]
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.settings.signature = version;
        self
    }

    /// The answer format the client asks for and decodes: JSON (default) or XML.
    #[must_use]
    pub fn format(mut self, format: Format) -> Self {
        self.settings.format = format;
        self
    }

    /// Connect timeout of the HTTP client the builder creates (not of one given with
    /// [`Self::http_client`]).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = Some(timeout);
        self
    }

    /// Time limit of one attempt, from sending to the whole answer read; a timed-out attempt is
    /// retried like a dropped connection.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default: [`crate::ApiInfo::user_agent`], the generated crate's
    /// `name/version`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.settings.user_agent = Some(user_agent.into());
        self
    }

    /// How failed attempts are retried ([`RetryPolicy::none`] to never retry).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Sends through an existing `reqwest::Client` (its pool, TLS and proxy settings).
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.settings.http_client = Some(client);
        self
    }

    /// Sends through a custom [`Transport`].
    #[must_use]
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.settings.transport = Some(Arc::new(transport));
        self
    }

    /// Calls a `tower::Service` in-process instead of the network: an axum `Router` (e.g. the
    /// generated server router over a fake implementation of the API trait) or a
    /// `tower::service_fn`. See the generated crate's documentation for an example.
    #[must_use]
    pub fn service<S>(self, service: S) -> Self
    where
        ServiceTransport<S>: Transport,
    {
        self.transport(ServiceTransport::new(service))
    }

    /// Replaces the random nonce of every attempt, e.g. with a fixed value to reproduce a
    /// published signature in a test. A real server refuses a reused nonce, so never use a
    /// constant outside tests.
    #[must_use]
    pub fn nonce_source(mut self, nonces: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.settings.nonces = Some(Arc::new(nonces));
        self
    }

    /// Replaces the clock the signatures are dated with (tests pin it).
    #[must_use]
    pub fn clock(mut self, clock: impl Fn() -> OffsetDateTime + Send + Sync + 'static) -> Self {
        self.settings.clock = Some(Arc::new(clock));
        self
    }

    /// The client, or why the configuration cannot work.
    pub fn build(self) -> Result<C, BuildError> {
        let api = C::API;
        let settings = self.settings;
        let endpoint = match (&settings.endpoint, &settings.region) {
            (Some(endpoint), _) => Endpoint::parse(endpoint)?,
            (None, Some(region)) => {
                let template = api.endpoint_template.ok_or(BuildError::MissingEndpoint)?;
                let variable = format!("{{{}}}", api.region_variable);
                Endpoint::parse(&template.replace(&variable, region))?
            }
            (None, None) => return Err(BuildError::MissingEndpoint),
        };
        let mut credentials = match settings.credentials {
            Some(credentials) => credentials,
            None => credentials_from_env().ok_or(BuildError::MissingCredentials)?,
        };
        if let Some(token) = settings.security_token {
            credentials.security_token = Some(token);
        }
        let user_agent = settings.user_agent.as_deref().unwrap_or(api.user_agent);
        let user_agent =
            http::HeaderValue::from_str(user_agent).map_err(|_| BuildError::InvalidUserAgent)?;
        let transport: Arc<dyn Transport> = match (settings.transport, settings.http_client) {
            (Some(transport), _) => transport,
            (None, Some(client)) => Arc::new(ReqwestTransport::new(client)),
            (None, None) => {
                let mut builder = reqwest::Client::builder();
                if let Some(timeout) = settings.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                Arc::new(ReqwestTransport::new(
                    builder.build().map_err(BuildError::Http)?,
                ))
            }
        };
        let client = Client::from_shared(
            Shared {
                api,
                endpoint,
                region_id: settings.region,
                credentials,
                signature: settings.signature,
                timeout: settings.timeout,
                user_agent,
                retry: settings.retry,
                transport,
                nonces: settings
                    .nonces
                    .unwrap_or_else(|| Arc::new(acs_protocol::signing::new_nonce)),
                clock: settings
                    .clock
                    .unwrap_or_else(|| Arc::new(OffsetDateTime::now_utc)),
            },
            settings.format,
        );
        Ok(C::from_runtime(client))
    }
}

/// The AccessKey from the environment; `None` when the id or the secret is unset or empty.
fn credentials_from_env() -> Option<Credentials> {
    let read = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let mut credentials = Credentials::new(
        read(ENV_ACCESS_KEY_ID)?,
        AccessKeySecret::new(read(ENV_ACCESS_KEY_SECRET)?),
    );
    credentials.security_token = read(ENV_SECURITY_TOKEN).map(SecurityToken::new);
    Some(credentials)
}

/// Where requests go: scheme and authority. RPC APIs live at `/`, so there is no path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: http::uri::Scheme,
    /// As sent in `Host` (and signed by V3): the port only when it is not the scheme's default,
    /// which is how HTTP clients write it.
    host: String,
}

impl Endpoint {
    /// `http(s)://host[:port][/]`, or `host[:port]` for HTTPS.
    pub fn parse(text: &str) -> Result<Endpoint, BuildError> {
        let invalid = |reason: &str| BuildError::InvalidEndpoint {
            endpoint: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let uri: http::Uri = with_scheme.parse().map_err(|_| invalid("not a URL"))?;
        let scheme = uri.scheme().cloned().ok_or_else(|| invalid("no scheme"))?;
        if scheme != http::uri::Scheme::HTTP && scheme != http::uri::Scheme::HTTPS {
            return Err(invalid("the scheme must be http or https"));
        }
        let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("user information is not supported"));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(invalid("RPC endpoints have no path or query"));
        }
        let default_port = if scheme == http::uri::Scheme::HTTPS {
            443
        } else {
            80
        };
        let host = match authority.port_u16() {
            Some(port) if port != default_port => format!("{}:{port}", authority.host()),
            _ => authority.host().to_owned(),
        };
        Ok(Endpoint { scheme, host })
    }

    /// The `Host` value, port included when it is not the default.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        self.scheme.as_str()
    }

    /// `scheme://host/?query`.
    pub(crate) fn uri(&self, query: &str) -> Result<http::Uri, http::Error> {
        http::Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.host.as_str())
            .path_and_query(format!("/?{query}"))
            .build()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_parse_to_scheme_and_host_as_sent() {
        let e = Endpoint::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!((e.scheme(), e.host()), ("http", "127.0.0.1:8080"));
        let e = Endpoint::parse("ecs.cn-shanghai.aliyuncs.com").unwrap();
        assert_eq!(e.to_string(), "https://ecs.cn-shanghai.aliyuncs.com");
        assert_eq!(Endpoint::parse("https://h:443/").unwrap().host(), "h");
        assert_eq!(Endpoint::parse("http://h:443").unwrap().host(), "h:443");
        for bad in [
            "ftp://h",
            "http://h/path",
            "http://u:p@h",
            "http://h/?a=b",
            "http://",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }
}
