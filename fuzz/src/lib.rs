//! Shared pieces of the fuzz targets: one fixed key, a verifier on a pinned clock, mutations of a
//! signed request, and the invariant every refusal must keep (it renders as an envelope that
//! decodes back to the same code and message, in JSON and XML).

use acs_protocol::answer::{decode_error, render_error, Format, RequestId};
use acs_protocol::auth::{
    Credential, CredentialLookup, InMemoryNonceStore, IncomingRequest, LookupError, ManualClock,
    Verifier,
};
use acs_protocol::params::Params;
use acs_protocol::secret::{AccessKeySecret, SecurityToken};
use acs_protocol::signature::SignatureVersion;
use acs_protocol::signing::{sign_request, Credentials, SignRequest};
use acs_protocol::AcsError;
use arbitrary::Arbitrary;
use async_trait::async_trait;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use time::OffsetDateTime;

pub const KEY_ID: &str = "LTAI5tFuzzAccessKeyId";
pub const SECRET: &str = "fuzz-secret-0123456789";
pub const HOST: &str = "127.0.0.1:8080";

/// The one AccessKey the verifier knows.
pub struct OneKey;

#[async_trait]
impl CredentialLookup for OneKey {
    async fn lookup(
        &self,
        access_key_id: &str,
        _token: Option<&SecurityToken>,
    ) -> Result<Option<Credential>, LookupError> {
        Ok((access_key_id == KEY_ID).then(|| Credential {
            secret: AccessKeySecret::new(SECRET),
            principal: "fuzzer".to_owned(),
            active: true,
        }))
    }
}

/// A refusal must render, in both formats, to an envelope that decodes to the same code.
pub fn assert_renders(e: &AcsError) {
    let id = RequestId::new();
    for format in [Format::Json, Format::Xml] {
        let r = render_error(e, &id, "fuzz", format);
        assert_eq!(r.status(), e.status());
        let env = decode_error(format, r.body())
            .unwrap_or_else(|| panic!("{format:?} envelope does not decode: {:?}", r.body()));
        assert_eq!(env.code, e.code());
        assert_eq!(env.message, e.message());
    }
}

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::PATCH,
];

const HEADER_NAMES: &[&str] = &[
    "authorization",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
    "x-acs-security-token",
    "x-acs-action",
    "x-acs-version",
    "host",
    "content-type",
];

/// One change to a signed request.
#[derive(Arbitrary, Debug)]
pub enum Mutation {
    QueryByte(usize, u8),
    QueryInsert(usize, String),
    QueryDelete(usize, u8),
    Body(Vec<u8>),
    SetHeader(u8, Vec<u8>),
    RemoveHeader(u8),
    Method(u8),
}

/// What the fuzzer controls: the API parameters to sign, the method, then the changes made after
/// signing.
#[derive(Arbitrary, Debug)]
pub struct Input {
    pub action: String,
    pub params: Vec<(String, String)>,
    pub method: u8,
    pub mutations: Vec<Mutation>,
}

/// A request as the verifier sees it.
pub struct Wire {
    pub method: Method,
    pub query: Vec<u8>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Wire {
    fn apply(&mut self, m: &Mutation) {
        let at = |len: usize, i: usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::QueryByte(i, b) if !self.query.is_empty() => {
                let i = i % self.query.len();
                self.query[i] = *b;
            }
            Mutation::QueryInsert(i, s) => {
                let i = at(self.query.len(), *i);
                self.query.splice(i..i, s.bytes());
            }
            Mutation::QueryDelete(i, n) => {
                let i = at(self.query.len(), *i);
                let end = (i + usize::from(*n)).min(self.query.len());
                self.query.drain(i..end);
            }
            Mutation::Body(b) => self.body.clone_from(b),
            Mutation::SetHeader(n, v) => {
                if let Ok(value) = HeaderValue::from_bytes(v) {
                    let name = HEADER_NAMES[usize::from(*n) % HEADER_NAMES.len()];
                    self.headers.insert(HeaderName::from_static(name), value);
                }
            }
            Mutation::RemoveHeader(n) => {
                self.headers
                    .remove(HEADER_NAMES[usize::from(*n) % HEADER_NAMES.len()]);
            }
            Mutation::Method(i) => self.method = METHODS[usize::from(*i) % METHODS.len()].clone(),
            _ => {}
        }
    }

    fn params(&self) -> Result<Params, AcsError> {
        let query = String::from_utf8_lossy(&self.query);
        let ct = self
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok());
        Params::from_parts(Some(&query), ct, &self.body)
    }
}

fn sorted(p: &Params) -> Vec<(String, String)> {
    let mut v: Vec<_> = p
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    v.sort();
    v
}

/// Signs `input.params` with `scheme`, checks that the untouched request verifies, then applies
/// the mutations: a mutated request that still verifies must carry exactly the signed parameters
/// and method; a refused one must render as an envelope.
pub fn sign_mutate_verify(scheme: SignatureVersion, input: &Input) {
    let now = OffsetDateTime::from_unix_timestamp(1_764_806_400).expect("a valid instant");
    if input.action.is_empty() {
        return; // an empty Action is a missing one (MissingParameter), not a signing question
    }
    let method = METHODS[usize::from(input.method) % 3].clone();
    let creds = Credentials::new(KEY_ID, SECRET);
    let Ok(signed) = sign_request(&SignRequest {
        method: &method,
        host: HOST,
        action: &input.action,
        version: "2020-05-18",
        params: &input.params,
        credentials: &creds,
        scheme,
        nonce: "fuzz-nonce",
        timestamp: now,
    }) else {
        return; // reserved or repeated names: the client refuses to sign, nothing to verify
    };
    let mut headers = HeaderMap::new();
    for (name, value) in &signed.headers {
        match HeaderValue::from_str(value) {
            Ok(v) => {
                headers.insert(name.clone(), v);
            }
            // An Action that is not a valid header value cannot be sent by V3 at all.
            Err(_) => return,
        }
    }
    let mut wire = Wire {
        method,
        query: signed.query.into_bytes(),
        headers,
        body: signed.body.to_vec(),
    };
    let verify = |wire: &Wire, params: &Params| {
        let verifier =
            Verifier::new(OneKey, InMemoryNonceStore::new(4)).with_clock(ManualClock::new(now));
        futures::executor::block_on(verifier.verify(&IncomingRequest {
            method: &wire.method,
            headers: &wire.headers,
            params,
            body: &wire.body,
        }))
    };
    let original = wire.params().expect("a request the client signed parses");
    if let Err(e) = verify(&wire, &original) {
        panic!(
            "the client's own signed request was refused: {} {}",
            e.code(),
            e.message()
        );
    }
    if input.mutations.is_empty() {
        return;
    }
    let original_method = wire.method.clone();
    for m in &input.mutations {
        wire.apply(m);
    }
    let params = match wire.params() {
        Ok(p) => p,
        Err(e) => return assert_renders(&e),
    };
    match verify(&wire, &params) {
        Ok(_) => {
            assert_eq!(wire.method, original_method, "method changed yet verified");
            assert_eq!(
                sorted(&params),
                sorted(&original),
                "parameters changed yet verified"
            );
        }
        Err(e) => assert_renders(&e),
    }
}
