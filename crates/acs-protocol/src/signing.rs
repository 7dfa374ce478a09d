//! Client side: turn API parameters into a signed request (what the generated client calls).
//!
//! V3 puts the API parameters in the query, sends an empty body and adds the `x-acs-*` headers,
//! `host` and `Authorization`, all signed. V1 puts everything (API and common parameters) in the
//! query, `Signature` last. Either way the query string is built with `pe()`, so what is sent is
//! byte for byte what was signed.

use bytes::Bytes;
use http::header::{HeaderName, AUTHORIZATION, HOST};
use http::Method;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::encoding::{encode_pairs, pe_into};
use crate::params::{ACTION_HEADER, VERSION_HEADER};
use crate::secret::{AccessKeySecret, SecurityToken};
use crate::signature::{v1, v3, SignatureVersion};

/// What a client signs with. `Debug` shows the id only.
#[derive(Clone)]
pub struct Credentials {
    /// The AccessKey id.
    pub access_key_id: String,
    /// The AccessKey secret.
    pub secret: AccessKeySecret,
    /// An STS token, when the key pair is temporary.
    pub security_token: Option<SecurityToken>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &self.secret)
            .field("security_token", &self.security_token)
            .finish()
    }
}

impl Credentials {
    /// A long-term AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, secret: impl Into<AccessKeySecret>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret: secret.into(),
            security_token: None,
        }
    }

    /// Adds an STS token.
    #[must_use]
    pub fn with_security_token(mut self, token: impl Into<SecurityToken>) -> Self {
        self.security_token = Some(token.into());
        self
    }
}

/// Everything a signature depends on. `Debug` lists parameter names only (values such as
/// `Content` carry passwords).
#[derive(Clone)]
pub struct SignRequest<'a> {
    /// The HTTP method that will be sent (v1 signs it too).
    pub method: &'a Method,
    /// The `Host` header value as sent, port included (`127.0.0.1:8080`); V3 signs it.
    pub host: &'a str,
    /// The operation, e.g. `UpdateConnection`.
    pub action: &'a str,
    /// The API version, e.g. `2020-05-18`.
    pub version: &'a str,
    /// The API parameters, decoded (not yet percent-encoded).
    pub params: &'a [(String, String)],
    /// The signing key.
    pub credentials: &'a Credentials,
    /// The scheme.
    pub scheme: SignatureVersion,
    /// A fresh random nonce per request, retries included (see [`new_nonce`]).
    pub nonce: &'a str,
    /// The request time (UTC).
    pub timestamp: OffsetDateTime,
}

/// The parts to send: `/?{query}` plus these headers and body. `Debug` shows header names and
/// sizes only: the query carries parameter values and (v1) the STS token.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The query string without the leading `?`.
    pub query: String,
    /// Headers to add (V3: host, x-acs-*, authorization; V1: x-acs-action/version for routing).
    pub headers: Vec<(HeaderName, String)>,
    /// The body (always empty: all parameters travel in the query).
    pub body: Bytes,
}

impl std::fmt::Debug for SignRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignRequest")
            .field("method", self.method)
            .field("host", &self.host)
            .field("action", &self.action)
            .field("version", &self.version)
            .field(
                "params",
                &self
                    .params
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("credentials", self.credentials)
            .field("scheme", &self.scheme)
            .field("nonce", &self.nonce)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRequest")
            .field("query_len", &self.query.len())
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A request that cannot be signed as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// An API parameter uses a name the protocol itself sets (e.g. `Action`, `Signature`).
    #[error("parameter {0:?} is set by the signer and must not be passed as an API parameter")]
    ReservedParameter(String),
    /// Two API parameters share a name; the server would refuse the request.
    #[error("parameter {0:?} occurs more than once")]
    DuplicateParameter(String),
}

/// Names the v1 signer adds; an API parameter must not reuse them (V3 reserves `Action`/`Version`
/// too, since the server would read them from the query first).
const V1_RESERVED: &[&str] = &[
    "Action",
    "Version",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
    "SecurityToken",
    "Signature",
];

/// A random nonce (32 lower-case hex digits), as the SDKs generate.
pub fn new_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// `yyyy-MM-ddTHH:mm:ssZ` in UTC, the only timestamp form the SDKs send.
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    utc.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_else(|_| String::from("1970-01-01T00:00:00Z"))
}

/// Signs `req` with its scheme.
pub fn sign_request(req: &SignRequest<'_>) -> Result<SignedRequest, SignError> {
    check_params(req)?;
    match req.scheme {
        SignatureVersion::V1 => Ok(sign_v1(req)),
        SignatureVersion::V3 => Ok(sign_v3(req)),
    }
}

fn check_params(req: &SignRequest<'_>) -> Result<(), SignError> {
    let reserved: &[&str] = match req.scheme {
        SignatureVersion::V1 => V1_RESERVED,
        SignatureVersion::V3 => &V1_RESERVED[..2],
    };
    for (i, (name, _)) in req.params.iter().enumerate() {
        if reserved.contains(&name.as_str()) {
            return Err(SignError::ReservedParameter(name.clone()));
        }
        if req.params[..i].iter().any(|(n, _)| n == name) {
            return Err(SignError::DuplicateParameter(name.clone()));
        }
    }
    Ok(())
}

fn sign_v1(req: &SignRequest<'_>) -> SignedRequest {
    let timestamp = format_timestamp(req.timestamp);
    let creds = req.credentials;
    let mut all: Vec<(&str, &str)> = req
        .params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    all.extend([
        ("Action", req.action),
        ("Version", req.version),
        ("AccessKeyId", creds.access_key_id.as_str()),
        ("SignatureMethod", v1::SIGNATURE_METHOD),
        ("SignatureVersion", v1::SIGNATURE_VERSION),
        ("SignatureNonce", req.nonce),
        ("Timestamp", timestamp.as_str()),
    ]);
    if let Some(token) = &creds.security_token {
        all.push(("SecurityToken", token.expose()));
    }
    let string_to_sign = v1::string_to_sign_for(req.method.as_str(), all.iter().copied());
    let signature = v1::sign(&creds.secret, &string_to_sign);
    let mut query = encode_pairs(all.iter().copied());
    query.push_str("&Signature=");
    pe_into(&mut query, &signature);
    SignedRequest {
        query,
        headers: vec![
            (
                HeaderName::from_static(ACTION_HEADER),
                req.action.to_owned(),
            ),
            (
                HeaderName::from_static(VERSION_HEADER),
                req.version.to_owned(),
            ),
        ],
        body: Bytes::new(),
    }
}

fn sign_v3(req: &SignRequest<'_>) -> SignedRequest {
    let creds = req.credentials;
    let query = v3::canonical_query(req.params.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let payload_hash = v3::hashed_payload(b"");
    let mut signed: Vec<(&'static str, String)> = vec![
        ("host", req.host.to_owned()),
        (ACTION_HEADER, req.action.to_owned()),
        (v3::CONTENT_SHA256_HEADER, payload_hash.clone()),
        (v3::DATE_HEADER, format_timestamp(req.timestamp)),
        (v3::NONCE_HEADER, req.nonce.to_owned()),
        (VERSION_HEADER, req.version.to_owned()),
    ];
    if let Some(token) = &creds.security_token {
        signed.push((v3::SECURITY_TOKEN_HEADER, token.expose().to_owned()));
    }
    signed.sort_by_key(|(name, _)| *name);
    let mut canonical_headers = String::new();
    for (name, value) in &signed {
        v3::push_canonical_header(&mut canonical_headers, name, value);
    }
    let signed_names = signed.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(";");
    let canonical = v3::canonical_request(
        req.method.as_str(),
        &query,
        &canonical_headers,
        &signed_names,
        &payload_hash,
    );
    let signature = v3::sign(&creds.secret, &v3::string_to_sign(&canonical));
    let authorization = v3::Authorization {
        access_key_id: &creds.access_key_id,
        signed_headers: &signed_names,
        signature: &signature,
    }
    .to_header_value();
    let mut headers: Vec<(HeaderName, String)> = signed
        .into_iter()
        .map(|(name, value)| {
            let name = if name == "host" {
                HOST
            } else {
                HeaderName::from_static(name)
            };
            (name, value)
        })
        .collect();
    headers.push((AUTHORIZATION, authorization));
    SignedRequest {
        query,
        headers,
        body: Bytes::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_format() {
        let t = OffsetDateTime::from_unix_timestamp(1_456_231_584).expect("valid");
        assert_eq!(format_timestamp(t), "2016-02-23T12:46:24Z");
    }

    #[test]
    fn nonce_is_fresh_hex() {
        let (a, b) = (new_nonce(), new_nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn reserved_and_duplicate_names_are_refused() {
        let creds = Credentials::new("id", "s");
        let params = vec![("Signature".to_owned(), "x".to_owned())];
        let mut req = SignRequest {
            method: &Method::GET,
            host: "h",
            action: "A",
            version: "V",
            params: &params,
            credentials: &creds,
            scheme: SignatureVersion::V1,
            nonce: "n",
            timestamp: OffsetDateTime::UNIX_EPOCH,
        };
        assert_eq!(
            sign_request(&req),
            Err(SignError::ReservedParameter("Signature".into()))
        );
        req.scheme = SignatureVersion::V3;
        assert!(sign_request(&req).is_ok());
        let dup = vec![
            ("A".to_owned(), "1".to_owned()),
            ("A".to_owned(), "2".to_owned()),
        ];
        req.params = &dup;
        assert_eq!(
            sign_request(&req),
            Err(SignError::DuplicateParameter("A".into()))
        );
    }
}
