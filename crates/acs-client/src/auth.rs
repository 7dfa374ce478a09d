//! Pluggable authentication of REST requests: [`Authenticate`] adds credentials to every attempt
//! just before it is sent. The schemes OpenAPI's `securitySchemes` describe are built in
//! ([`ApiKey`] in a header, query parameter or cookie, HTTP [`Bearer`] and [`Basic`], any other
//! [`HttpAuthorization`] scheme); a generated client offers one constructor per scheme of its
//! spec. RPC clients sign with Alibaba's signatures instead (`acs-protocol`), their built-in
//! profile.
//!
//! Credentials never appear in `Debug` output or errors.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;

use crate::transport::BoxError;

/// Adds credentials to a request (every attempt, so that time-based schemes can sign afresh).
/// Implement it for schemes the built-in ones do not cover (request signing, rotating tokens).
pub trait Authenticate: Send + Sync + 'static {
    /// Adds this scheme's credentials to `request`.
    fn authenticate(&self, request: &mut http::Request<Bytes>) -> Result<(), BoxError>;
}

impl<A: Authenticate + ?Sized> Authenticate for Arc<A> {
    fn authenticate(&self, request: &mut http::Request<Bytes>) -> Result<(), BoxError> {
        (**self).authenticate(request)
    }
}

/// A secret text whose `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// OpenAPI `type: apiKey`: a key sent as a named header, query parameter or cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    name: String,
    location: KeyLocation,
    value: Secret,
}

impl ApiKey {
    /// The key in `location` under `name`.
    pub fn new(location: KeyLocation, name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            location,
            value: Secret(value.into()),
        }
    }

    /// The key as header `name`.
    pub fn header(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(KeyLocation::Header, name, value)
    }

    /// The key as query parameter `name`.
    pub fn query(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(KeyLocation::Query, name, value)
    }

    /// The key as cookie `name`.
    pub fn cookie(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(KeyLocation::Cookie, name, value)
    }
}

impl Authenticate for ApiKey {
    fn authenticate(&self, request: &mut http::Request<Bytes>) -> Result<(), BoxError> {
        match self.location {
            KeyLocation::Header => {
                let name = http::HeaderName::try_from(self.name.as_str())?;
                let value = sensitive(&self.value.0)?;
                request.headers_mut().insert(name, value);
            }
            KeyLocation::Query => {
                let pair = crate::rest::encode_pair(&self.name, &self.value.0);
                let uri = request.uri();
                let path = uri.path();
                let query = match uri.query() {
                    Some(q) if !q.is_empty() => format!("{q}&{pair}"),
                    _ => pair,
                };
                let mut parts = uri.clone().into_parts();
                parts.path_and_query = Some(format!("{path}?{query}").parse()?);
                *request.uri_mut() = http::Uri::from_parts(parts)?;
            }
            KeyLocation::Cookie => {
                let pair = format!("{}={}", self.name, self.value.0);
                add_cookie(request, &pair)?;
            }
        }
        Ok(())
    }
}

/// Appends `name=value` to the request's `Cookie` header.
pub(crate) fn add_cookie(request: &mut http::Request<Bytes>, pair: &str) -> Result<(), BoxError> {
    let cookie = match request.headers().get(http::header::COOKIE) {
        Some(existing) => format!("{}; {pair}", existing.to_str()?),
        None => pair.to_owned(),
    };
    request
        .headers_mut()
        .insert(http::header::COOKIE, sensitive(&cookie)?);
    Ok(())
}

/// A header value marked sensitive (HTTP/2 never indexes it; `Debug` of the map hides it).
fn sensitive(value: &str) -> Result<http::HeaderValue, BoxError> {
    let mut value = http::HeaderValue::from_str(value)?;
    value.set_sensitive(true);
    Ok(value)
}

/// HTTP `bearer` (and OAuth 2 / OpenID Connect access tokens): `Authorization: Bearer <token>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bearer {
    token: Secret,
}

impl Bearer {
    /// Sends `token` as the bearer token.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: Secret(token.into()),
        }
    }
}

impl Authenticate for Bearer {
    fn authenticate(&self, request: &mut http::Request<Bytes>) -> Result<(), BoxError> {
        let value = sensitive(&format!("Bearer {}", self.token.0))?;
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
        Ok(())
    }
}

/// HTTP `basic`: `Authorization: Basic base64(user:password)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basic {
    user: String,
    password: Secret,
}

impl Basic {
    /// Sends `user` and `password`.
    pub fn new(user: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            user: user.into(),
            password: Secret(password.into()),
        }
    }
}

impl Authenticate for Basic {
    fn authenticate(&self, request: &mut http::Request<Bytes>) -> Result<(), BoxError> {
        let encoded = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.user, self.password.0));
        let value = sensitive(&format!("Basic {encoded}"))?;
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
        Ok(())
    }
}

/// Any other HTTP scheme (`Digest`, `OAuth` 1.0a, ...): `Authorization: <scheme> <credentials>`,
/// the credentials computed by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAuthorization {
    scheme: String,
    credentials: Secret,
}

impl HttpAuthorization {
    /// `Authorization: <scheme> <credentials>`.
    pub fn new(scheme: impl Into<String>, credentials: impl Into<String>) -> Self {
        Self {
            scheme: scheme.into(),
            credentials: Secret(credentials.into()),
        }
    }
}

impl Authenticate for HttpAuthorization {
    fn authenticate(&self, request: &mut http::Request<Bytes>) -> Result<(), BoxError> {
        let value = sensitive(&format!("{} {}", self.scheme, self.credentials.0))?;
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str) -> http::Request<Bytes> {
        http::Request::builder()
            .uri(uri)
            .body(Bytes::new())
            .unwrap()
    }

    #[test]
    fn each_scheme_puts_its_credentials_where_the_spec_says() {
        let mut r = request("http://h/pets?limit=1");
        ApiKey::query("api key", "s&cret")
            .authenticate(&mut r)
            .unwrap();
        assert_eq!(r.uri().query(), Some("limit=1&api%20key=s%26cret"));

        let mut r = request("http://h/pets");
        ApiKey::query("k", "v").authenticate(&mut r).unwrap();
        assert_eq!(r.uri().to_string(), "http://h/pets?k=v");

        let mut r = request("http://h/");
        ApiKey::header("X-API-Key", "abc")
            .authenticate(&mut r)
            .unwrap();
        ApiKey::cookie("session", "s1")
            .authenticate(&mut r)
            .unwrap();
        ApiKey::cookie("other", "s2").authenticate(&mut r).unwrap();
        assert_eq!(r.headers()["x-api-key"], "abc");
        assert_eq!(r.headers()["cookie"], "session=s1; other=s2");

        let mut r = request("http://h/");
        Basic::new("Aladdin", "open sesame")
            .authenticate(&mut r)
            .unwrap();
        assert_eq!(
            r.headers()["authorization"],
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        Bearer::new("t0k").authenticate(&mut r).unwrap();
        assert_eq!(r.headers()["authorization"], "Bearer t0k");
        assert!(r.headers()["authorization"].is_sensitive());
    }

    #[test]
    fn debug_never_shows_a_credential() {
        let text = format!(
            "{:?} {:?} {:?} {:?}",
            ApiKey::header("X-Key", "k-secret"),
            Bearer::new("b-secret"),
            Basic::new("user", "p-secret"),
            HttpAuthorization::new("Digest", "d-secret")
        );
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("user") && text.contains("X-Key"), "{text}");
    }

    #[test]
    fn a_key_that_is_not_a_header_value_is_an_error_not_a_panic() {
        let mut r = request("http://h/");
        assert!(ApiKey::header("X-Key", "bad\nvalue")
            .authenticate(&mut r)
            .is_err());
        assert!(ApiKey::header("bad name", "v")
            .authenticate(&mut r)
            .is_err());
    }
}
