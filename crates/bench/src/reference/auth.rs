//! V3 (`ACS3-HMAC-SHA256`) and V1 (`HMAC-SHA1` in the query) verification, each written out
//! in one function: the lean path the generated layer is measured against. It uses only the protocol runtime's pure signature
//! functions (canonical strings and HMAC), not its `Verifier`.

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
use std::sync::{Mutex, RwLock};

use acs_protocol::secret::AccessKeySecret;
use acs_protocol::signature::{v1, v3};
use http::HeaderMap;
use sha2::{Digest, Sha256};
use siphasher::sip128::{Hasher128, SipHasher13};
use subtle::ConstantTimeEq;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// The replay window on either side of the server clock, in seconds.
const WINDOW_SECS: i64 = 15 * 60;
/// Nonce shards (a mutex each) so that the 64 load connections rarely wait on one another.
const SHARDS: usize = 16;

/// Why a request was refused (the common error codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    /// No usable Authorization header or a required header unsigned.
    Incomplete,
    /// Unknown AccessKey id.
    UnknownKey,
    /// The signature (or the body hash) does not match.
    Mismatch,
    /// The timestamp is outside the window.
    Expired,
    /// The nonce was used already.
    NonceUsed,
}

impl AuthError {
    /// HTTP status, code and message of the answer.
    pub fn answer(self) -> (u16, &'static str, &'static str) {
        match self {
            Self::Incomplete => (
                400,
                "IncompleteSignature",
                "The request signature does not conform to Aliyun standards.",
            ),
            Self::UnknownKey => (
                404,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            ),
            Self::Mismatch => (
                400,
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation.",
            ),
            Self::Expired => (
                400,
                "InvalidTimeStamp.Expired",
                "Specified time stamp or date value is expired.",
            ),
            Self::NonceUsed => (
                400,
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            ),
        }
    }
}

/// A decrypted AccessKey and its owner.
#[derive(Clone)]
pub struct Key {
    /// The secret.
    pub secret: AccessKeySecret,
    /// The owner's user id.
    pub user_id: i64,
}

/// AccessKeys by id, loaded from the database on first use and kept (the reference serves a
/// benchmark, where keys never change while it runs).
#[derive(Default)]
pub struct KeyCache {
    keys: RwLock<HashMap<String, Key>>,
}

impl KeyCache {
    /// The cached key.
    pub fn get(&self, id: &str) -> Option<Key> {
        self.keys.read().ok()?.get(id).cloned()
    }

    /// Caches a key.
    pub fn put(&self, id: &str, key: Key) {
        if let Ok(mut keys) = self.keys.write() {
            keys.insert(id.to_owned(), key);
        }
    }
}

/// Nonces seen, as 128-bit digests of (AccessKeyId, nonce). Never forgets within the process
/// lifetime (a benchmark run lasts seconds; 16 bytes per nonce).
pub struct NonceSet {
    shards: Vec<Mutex<HashSet<u128>>>,
    keys: (u64, u64),
}

impl Default for NonceSet {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            keys: (rand::random(), rand::random()),
        }
    }
}

impl NonceSet {
    /// True when the pair is new (and now remembered).
    pub fn insert(&self, access_key_id: &str, nonce: &str) -> bool {
        let mut h = SipHasher13::new_with_keys(self.keys.0, self.keys.1);
        h.write(access_key_id.as_bytes());
        h.write_u8(0);
        h.write(nonce.as_bytes());
        let digest = h.finish128().as_u128();
        let shard = usize::try_from(digest % SHARDS as u128).unwrap_or(0);
        match self.shards[shard].lock() {
            Ok(mut set) => set.insert(digest),
            Err(_) => false,
        }
    }
}

/// The parts of a V1 request (everything in the query) that the check needs before the key is
/// known.
pub struct SignedV1<'a> {
    /// The AccessKey id.
    pub access_key_id: &'a str,
    signature: [u8; 20],
    nonce: &'a str,
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// V1: the signature parameters present and well-formed, the timestamp in the window.
pub fn precheck_v1(query: &[(String, String)]) -> Result<SignedV1<'_>, AuthError> {
    if param(query, "SignatureMethod") != Some(v1::SIGNATURE_METHOD)
        || param(query, "SignatureVersion") != Some(v1::SIGNATURE_VERSION)
    {
        return Err(AuthError::Incomplete);
    }
    let at = param(query, "Timestamp").ok_or(AuthError::Incomplete)?;
    let at = PrimitiveDateTime::parse(
        at,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"),
    )
    .map_err(|_| AuthError::Expired)?
    .assume_utc();
    if (OffsetDateTime::now_utc() - at).whole_seconds().abs() > WINDOW_SECS {
        return Err(AuthError::Expired);
    }
    let signature = param(query, v1::SIGNATURE_PARAM)
        .and_then(v1::decode_signature)
        .ok_or(AuthError::Mismatch)?;
    Ok(SignedV1 {
        access_key_id: param(query, "AccessKeyId").ok_or(AuthError::Incomplete)?,
        signature,
        nonce: param(query, "SignatureNonce").ok_or(AuthError::Incomplete)?,
    })
}

/// V1: recomputes the HMAC-SHA1 over the query's parameters with `key` and records the nonce.
pub fn verify_v1(
    signed: &SignedV1<'_>,
    key: &Key,
    method: &str,
    query: &[(String, String)],
    nonces: &NonceSet,
) -> Result<(), AuthError> {
    let to_sign =
        v1::string_to_sign_for(method, query.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let expected = v1::signature_bytes(&key.secret, &to_sign);
    if !bool::from(signed.signature.as_slice().ct_eq(&expected)) {
        return Err(AuthError::Mismatch);
    }
    if !nonces.insert(signed.access_key_id, signed.nonce) {
        return Err(AuthError::NonceUsed);
    }
    Ok(())
}

/// The parts of a V3 request that the check needs before the key is known.
pub struct Signed<'a> {
    /// The AccessKey id.
    pub access_key_id: &'a str,
    auth: v3::Authorization<'a>,
    nonce: &'a str,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Reads the Authorization header and checks the timestamp and the body hash.
pub fn precheck<'a>(headers: &'a HeaderMap, body: &[u8]) -> Result<Signed<'a>, AuthError> {
    let auth = header(headers, "authorization")
        .and_then(v3::Authorization::parse)
        .ok_or(AuthError::Incomplete)?;
    for required in [
        "host",
        v3::DATE_HEADER,
        v3::NONCE_HEADER,
        v3::CONTENT_SHA256_HEADER,
    ] {
        if !auth.signed_header_names().any(|n| n == required) {
            return Err(AuthError::Incomplete);
        }
    }
    let date = header(headers, v3::DATE_HEADER).ok_or(AuthError::Incomplete)?;
    let at = PrimitiveDateTime::parse(
        date,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"),
    )
    .map_err(|_| AuthError::Expired)?
    .assume_utc();
    if (OffsetDateTime::now_utc() - at).whole_seconds().abs() > WINDOW_SECS {
        return Err(AuthError::Expired);
    }
    let claimed = header(headers, v3::CONTENT_SHA256_HEADER).ok_or(AuthError::Incomplete)?;
    let real = if body.is_empty() {
        v3::EMPTY_PAYLOAD_HASH.to_owned()
    } else {
        hex::encode(Sha256::digest(body))
    };
    if claimed != real {
        return Err(AuthError::Mismatch);
    }
    let nonce = header(headers, v3::NONCE_HEADER).ok_or(AuthError::Incomplete)?;
    Ok(Signed {
        access_key_id: auth.access_key_id,
        auth,
        nonce,
    })
}

/// Recomputes the signature with `key` and records the nonce.
pub fn verify(
    signed: &Signed<'_>,
    key: &Key,
    method: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
    nonces: &NonceSet,
) -> Result<(), AuthError> {
    let canonical_query = v3::canonical_query(query.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let mut canonical_headers = String::with_capacity(512);
    for name in signed.auth.signed_header_names() {
        let value = header(headers, name).ok_or(AuthError::Incomplete)?;
        v3::push_canonical_header(&mut canonical_headers, name, value);
    }
    let payload = header(headers, v3::CONTENT_SHA256_HEADER).ok_or(AuthError::Incomplete)?;
    let canonical = v3::canonical_request(
        method,
        &canonical_query,
        &canonical_headers,
        signed.auth.signed_headers,
        payload,
    );
    let expected = v3::signature_bytes(&key.secret, &v3::string_to_sign(&canonical));
    let given = hex::decode(signed.auth.signature).map_err(|_| AuthError::Mismatch)?;
    if !bool::from(given.as_slice().ct_eq(&expected)) {
        return Err(AuthError::Mismatch);
    }
    if !nonces.insert(signed.access_key_id, signed.nonce) {
        return Err(AuthError::NonceUsed);
    }
    Ok(())
}
