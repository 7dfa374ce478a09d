use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, AUTHORIZATION, HOST};
use http::{HeaderMap, Method};
use subtle::ConstantTimeEq;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::clock::{Clock, SystemClock};
use super::credentials::{Caller, CredentialLookup};
use super::nonce::{NonceOutcome, NonceStore};
use crate::error::AcsError;
use crate::params::{Params, ACTION_HEADER, VERSION_HEADER};
use crate::secret::{AccessKeySecret, SecurityToken};
use crate::signature::{v1, v3, SignatureVersion};

const DATE: HeaderName = HeaderName::from_static(v3::DATE_HEADER);
const NONCE: HeaderName = HeaderName::from_static(v3::NONCE_HEADER);
const CONTENT_SHA256: HeaderName = HeaderName::from_static(v3::CONTENT_SHA256_HEADER);
const SECURITY_TOKEN: HeaderName = HeaderName::from_static(v3::SECURITY_TOKEN_HEADER);
const ACTION: HeaderName = HeaderName::from_static(ACTION_HEADER);
const VERSION: HeaderName = HeaderName::from_static(VERSION_HEADER);

/// The accepted distance between a request's timestamp and the server clock, both ways.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The parts of an HTTP request that authentication reads.
#[derive(Debug, Clone, Copy)]
pub struct IncomingRequest<'a> {
    /// The real method (v1 signs it; V3 puts it first in the canonical request).
    pub method: &'a Method,
    /// All request headers.
    pub headers: &'a HeaderMap,
    /// The merged parameters ([`Params::from_parts`]).
    pub params: &'a Params,
    /// The raw body (V3 checks its SHA-256).
    pub body: &'a [u8],
}

/// Authenticates requests: see the [module docs](crate::auth) for the order of checks.
pub struct Verifier<L, N> {
    lookup: L,
    nonces: N,
    clock: Arc<dyn Clock>,
    window: Duration,
}

impl<L, N> std::fmt::Debug for Verifier<L, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

/// What a request claims before anything is checked.
struct Claim<'r> {
    scheme: Scheme<'r>,
    access_key_id: &'r str,
    timestamp: OffsetDateTime,
    nonce: &'r str,
    security_token: Option<&'r str>,
}

enum Scheme<'r> {
    V1 { signature: &'r str },
    V3 { auth: v3::Authorization<'r> },
}

impl<L: CredentialLookup, N: NonceStore> Verifier<L, N> {
    /// A verifier on the system clock with the ±15-minute window.
    pub fn new(lookup: L, nonces: N) -> Self {
        Self {
            lookup,
            nonces,
            clock: Arc::new(SystemClock),
            window: DEFAULT_WINDOW,
        }
    }

    /// Uses `clock` for "now" (tests pin time; recorded traffic replays at its own time).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Changes the accepted timestamp distance (default [`DEFAULT_WINDOW`]).
    #[must_use]
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The credential lookup.
    pub fn lookup(&self) -> &L {
        &self.lookup
    }

    /// The nonce store.
    pub fn nonces(&self) -> &N {
        &self.nonces
    }

    /// Authenticates one request, returning who signed it or the answer-ready error.
    pub async fn verify(&self, req: &IncomingRequest<'_>) -> Result<Caller, AcsError> {
        let claim = parse_claim(req)?;
        let now = self.clock.now();
        let window = time::Duration::try_from(self.window).unwrap_or(time::Duration::MAX);
        if (now - claim.timestamp).abs() > window {
            return Err(AcsError::timestamp_expired());
        }
        let token = claim.security_token.map(SecurityToken::new);
        let credential = match self
            .lookup
            .lookup(claim.access_key_id, token.as_ref())
            .await
        {
            Ok(Some(c)) => c,
            Ok(None) => return Err(AcsError::access_key_not_found()),
            Err(_) => return Err(AcsError::internal_error()),
        };
        if !credential.active {
            return Err(AcsError::access_key_inactive());
        }
        let signature_version = match &claim.scheme {
            Scheme::V1 { signature } => {
                check_v1(req, &credential.secret, signature)?;
                SignatureVersion::V1
            }
            Scheme::V3 { auth } => {
                check_v3(req, &credential.secret, auth)?;
                SignatureVersion::V3
            }
        };
        // Remember the nonce until the timestamp leaves the window (plus a second of margin),
        // so that a replay is caught for as long as its timestamp would be accepted.
        let ttl = claim
            .timestamp
            .checked_add(window + time::Duration::SECOND)
            .and_then(|expires| Duration::try_from(expires - now).ok())
            .unwrap_or(Duration::from_secs(1));
        match self
            .nonces
            .remember(claim.access_key_id, claim.nonce, now, ttl)
            .await
        {
            Ok(NonceOutcome::Fresh) => {}
            Ok(NonceOutcome::Replayed) => return Err(AcsError::signature_nonce_used()),
            Ok(NonceOutcome::Full) => return Err(AcsError::throttling()),
            Err(_) => return Err(AcsError::internal_error()),
        }
        Ok(Caller {
            access_key_id: claim.access_key_id.to_owned(),
            principal: credential.principal,
            security_token: token,
            signature_version,
        })
    }
}

fn parse_claim<'r>(req: &IncomingRequest<'r>) -> Result<Claim<'r>, AcsError> {
    let params = req.params;
    let authorization = req.headers.get(AUTHORIZATION).map(|v| v.to_str());
    if let Some(value) = authorization {
        if let Ok(value) = value {
            if value.starts_with(v3::ALGORITHM) {
                return parse_v3(req, value);
            }
        }
        if params.get(v1::SIGNATURE_PARAM).is_none() {
            return Err(AcsError::incomplete_signature());
        }
    }
    match params.get(v1::SIGNATURE_PARAM) {
        Some(signature) => parse_v1(params, signature),
        None if params.get("AccessKeyId").is_some() => {
            Err(AcsError::missing_parameter(v1::SIGNATURE_PARAM))
        }
        None => Err(AcsError::missing_parameter("AccessKeyId")),
    }
}

fn parse_timestamp(value: &str, name: &str) -> Result<OffsetDateTime, AcsError> {
    OffsetDateTime::parse(value, &Rfc3339).map_err(|_| {
        AcsError::invalid_parameter(name, "Expected a UTC time as yyyy-MM-ddTHH:mm:ssZ.")
    })
}

/// The v1 common parameters, collected in one pass over the parameters.
#[derive(Default)]
struct V1Fields<'r> {
    access_key_id: Option<&'r str>,
    method: Option<&'r str>,
    version: Option<&'r str>,
    nonce: Option<&'r str>,
    timestamp: Option<&'r str>,
    action: Option<&'r str>,
    api_version: Option<&'r str>,
    security_token: Option<&'r str>,
}

fn present<'r>(value: Option<&'r str>, name: &str) -> Result<&'r str, AcsError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AcsError::missing_parameter(name))
}

fn parse_v1<'r>(params: &'r Params, signature: &'r str) -> Result<Claim<'r>, AcsError> {
    let mut f = V1Fields::default();
    for (name, value) in params.iter() {
        let slot = match name {
            "AccessKeyId" => &mut f.access_key_id,
            "SignatureMethod" => &mut f.method,
            "SignatureVersion" => &mut f.version,
            "SignatureNonce" => &mut f.nonce,
            "Timestamp" => &mut f.timestamp,
            "Action" => &mut f.action,
            "Version" => &mut f.api_version,
            "SecurityToken" => &mut f.security_token,
            _ => continue,
        };
        *slot = Some(value);
    }
    let access_key_id = present(f.access_key_id, "AccessKeyId")?;
    if present(f.method, "SignatureMethod")? != v1::SIGNATURE_METHOD {
        return Err(AcsError::invalid_parameter(
            "SignatureMethod",
            "Only HMAC-SHA1 is supported.",
        ));
    }
    if present(f.version, "SignatureVersion")? != v1::SIGNATURE_VERSION {
        return Err(AcsError::invalid_parameter(
            "SignatureVersion",
            "Only 1.0 is supported.",
        ));
    }
    let nonce = present(f.nonce, "SignatureNonce")?;
    let timestamp = parse_timestamp(present(f.timestamp, "Timestamp")?, "Timestamp")?;
    // v1 signs parameters only: the operation must be a (signed) parameter, not a header.
    present(f.action, "Action")?;
    present(f.api_version, "Version")?;
    Ok(Claim {
        scheme: Scheme::V1 { signature },
        access_key_id,
        timestamp,
        nonce,
        security_token: f.security_token.filter(|t| !t.is_empty()),
    })
}

fn header<'r>(headers: &'r HeaderMap, name: &HeaderName) -> Option<&'r str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn required_header<'r>(headers: &'r HeaderMap, name: &HeaderName) -> Result<&'r str, AcsError> {
    header(headers, name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AcsError::missing_parameter(name.as_str()))
}

fn parse_v3<'r>(req: &IncomingRequest<'r>, value: &'r str) -> Result<Claim<'r>, AcsError> {
    let auth = v3::Authorization::parse(value).ok_or_else(AcsError::incomplete_signature)?;
    let headers = req.headers;
    let date = required_header(headers, &DATE)?;
    let nonce = required_header(headers, &NONCE)?;
    required_header(headers, &CONTENT_SHA256)?;
    let token_header = header(headers, &SECURITY_TOKEN).filter(|t| !t.is_empty());

    // Whatever identifies, dates, de-duplicates or routes the request must be signed.
    let signed_names: Vec<&str> = auth.signed_header_names().collect();
    let signed = |name: &str| signed_names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let mut must_sign = vec![
        HOST.as_str(),
        v3::DATE_HEADER,
        v3::NONCE_HEADER,
        v3::CONTENT_SHA256_HEADER,
    ];
    if token_header.is_some() {
        must_sign.push(v3::SECURITY_TOKEN_HEADER);
    }
    if req.params.get("Action").is_none() && headers.contains_key(&ACTION) {
        must_sign.push(ACTION_HEADER);
    }
    if req.params.get("Version").is_none() && headers.contains_key(&VERSION) {
        must_sign.push(VERSION_HEADER);
    }
    if !must_sign.into_iter().all(signed) {
        return Err(AcsError::incomplete_signature());
    }
    let timestamp = parse_timestamp(date, v3::DATE_HEADER)?;
    let security_token =
        token_header.or_else(|| req.params.get("SecurityToken").filter(|t| !t.is_empty()));
    Ok(Claim {
        access_key_id: auth.access_key_id,
        scheme: Scheme::V3 { auth },
        timestamp,
        nonce,
        security_token,
    })
}

/// v1: recompute over all parameters with the real method; compare digests in constant time.
fn check_v1(
    req: &IncomingRequest<'_>,
    secret: &AccessKeySecret,
    given: &str,
) -> Result<(), AcsError> {
    let string_to_sign = v1::string_to_sign_for(req.method.as_str(), req.params.iter());
    let expected = v1::signature_bytes(secret, &string_to_sign);
    let matches =
        v1::decode_signature(given).is_some_and(|given| bool::from(given.ct_eq(&expected)));
    if matches {
        return Ok(());
    }
    Err(AcsError::signature_does_not_match(
        &redacted_v1_string_to_sign(req),
    ))
}

/// The string to sign with the `SecurityToken` value masked, so that an error answer (and any
/// log of it) never carries the token.
fn redacted_v1_string_to_sign(req: &IncomingRequest<'_>) -> String {
    let params = req.params.iter().map(|(name, value)| {
        if name == "SecurityToken" {
            (name, "***")
        } else {
            (name, value)
        }
    });
    v1::string_to_sign_for(req.method.as_str(), params)
}

/// V3: recompute over the client's own SignedHeaders and the real body hash.
fn check_v3(
    req: &IncomingRequest<'_>,
    secret: &AccessKeySecret,
    auth: &v3::Authorization<'_>,
) -> Result<(), AcsError> {
    let body_hash = v3::hashed_payload(req.body);
    // The canonical request, built in one buffer and hashed once.
    let mut canonical: Vec<u8> = Vec::with_capacity(1024);
    canonical.extend_from_slice(req.method.as_str().as_bytes());
    canonical.extend_from_slice(b"\n/\n");
    v3::push_canonical_query(&mut canonical, req.params.query());
    canonical.push(b'\n');
    // One pass over the (small) header map instead of parsing and hashing each signed name;
    // a repeated header's values stay in arrival order.
    let present: Vec<(&str, &[u8])> = req
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()))
        .collect();
    for name in auth.signed_header_names() {
        // lower(name) ":" trim(value) "\n"; a repeated header's values joined by ",".
        canonical.extend(name.bytes().map(|b| b.to_ascii_lowercase()));
        canonical.push(b':');
        let values = present.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
        for (i, (_, value)) in values.enumerate() {
            if i > 0 {
                canonical.push(b',');
            }
            canonical.extend_from_slice(value.trim_ascii());
        }
        canonical.push(b'\n');
    }
    canonical.push(b'\n');
    canonical.extend_from_slice(auth.signed_headers.as_bytes());
    canonical.push(b'\n');
    canonical.extend_from_slice(body_hash.as_bytes());
    let string_to_sign = v3::string_to_sign_bytes(&canonical);

    let declared = req
        .headers
        .get(&CONTENT_SHA256)
        .map(|v| v.as_bytes().trim_ascii())
        .unwrap_or_default();
    let body_ok = declared.eq_ignore_ascii_case(body_hash.as_bytes());
    let expected = v3::signature_bytes(secret, &string_to_sign);
    let mut given = [0u8; 32];
    let sig_ok = hex::decode_to_slice(auth.signature, &mut given).is_ok()
        && bool::from(given.ct_eq(&expected));
    if body_ok && sig_ok {
        Ok(())
    } else {
        Err(AcsError::signature_does_not_match(&string_to_sign))
    }
}
