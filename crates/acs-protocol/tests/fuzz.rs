//! Fuzzing on stable Rust (no nightly for cargo-fuzz here): proptest-driven loops over parameter
//! parsing, verification and answer rendering. Case count from `ACS_FUZZ_CASES` (default 1000
//! per target so `cargo test` stays quick), e.g.
//! `ACS_FUZZ_CASES=100000 cargo test --release -p acs-protocol --test fuzz`.
//!
//! Beyond "no panic", each target checks an invariant:
//! - parsing: either a parameter set or `InvalidParameter` (repeated name);
//! - verification of mutated real SDK requests: an accepted request carries exactly the signed
//!   parameters and method (a mutation that survives verification changed nothing that matters);
//! - every error renders to an envelope that decodes back to the same code, in JSON and XML.

mod common;

use std::sync::OnceLock;

use acs_protocol::answer::{decode_error, render_error, render_success, Format, RequestId};
use acs_protocol::auth::{InMemoryNonceStore, IncomingRequest, ManualClock, Verifier};
use acs_protocol::params::{Params, RpcTarget};
use acs_protocol::AcsError;
use common::{records, Keys, Record};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn config() -> Config {
    let cases = std::env::var("ACS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    })
}

fn all_records() -> &'static [Record] {
    static R: OnceLock<Vec<Record>> = OnceLock::new();
    R.get_or_init(records)
}

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
    "user-agent",
];

#[derive(Debug, Clone)]
enum Mutation {
    QueryByte(usize, u8),
    QueryInsert(usize, String),
    QueryDelete(usize, usize),
    BodyByte(usize, u8),
    BodyInsert(usize, String),
    SetHeader(usize, Vec<u8>),
    AppendHeader(usize, Vec<u8>),
    RemoveHeader(usize),
    Method(usize),
    TruncateAuthorization(usize),
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex("[&=%+a-zA-Z0-9 ~*/;,.:-]{0,8}").expect("regex"),
        Just("&Action=DeleteConnection".to_owned()),
        Just("&Signature=AAAA".to_owned()),
        Just("&SecurityToken=x".to_owned()),
        Just("%2".to_owned()),
        Just("%E8%AE".to_owned()),
        any::<String>(),
    ]
}

fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::string::string_regex("[ -~]{0,40}")
            .expect("regex")
            .prop_map(String::into_bytes),
        Just(
            b"ACS3-HMAC-SHA256 Credential=LTAI5tTestAccessKeyId,SignedHeaders=host,Signature=00"
                .to_vec()
        ),
        Just(b"ACS3-HMAC-SHA256 ".to_vec()),
        Just(b"2026-11-28T23:21:50Z".to_vec()),
        Just(b"application/x-www-form-urlencoded".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::QueryByte(i, b)),
        (any::<usize>(), piece()).prop_map(|(i, s)| Mutation::QueryInsert(i, s)),
        (any::<usize>(), 0usize..20).prop_map(|(i, n)| Mutation::QueryDelete(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::BodyByte(i, b)),
        (any::<usize>(), piece()).prop_map(|(i, s)| Mutation::BodyInsert(i, s)),
        (0..HEADER_NAMES.len(), header_bytes()).prop_map(|(i, v)| Mutation::SetHeader(i, v)),
        (0..HEADER_NAMES.len(), header_bytes()).prop_map(|(i, v)| Mutation::AppendHeader(i, v)),
        (0..HEADER_NAMES.len()).prop_map(Mutation::RemoveHeader),
        (0usize..5).prop_map(Mutation::Method),
        any::<usize>().prop_map(Mutation::TruncateAuthorization),
    ]
}

struct Request {
    method: Method,
    query: Vec<u8>,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Request {
    fn from_record(r: &Record) -> Self {
        Request {
            method: r.method(),
            query: r.query().unwrap_or("").as_bytes().to_vec(),
            headers: r.header_map(),
            body: r.body.as_bytes().to_vec(),
        }
    }

    fn apply(&mut self, m: &Mutation) {
        fn at(len: usize, i: usize) -> usize {
            if len == 0 {
                0
            } else {
                i % (len + 1)
            }
        }
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
                let end = (i + n).min(self.query.len());
                self.query.drain(i..end);
            }
            Mutation::BodyByte(i, b) if !self.body.is_empty() => {
                let i = i % self.body.len();
                self.body[i] = *b;
            }
            Mutation::BodyInsert(i, s) => {
                let i = at(self.body.len(), *i);
                self.body.splice(i..i, s.bytes());
            }
            Mutation::SetHeader(n, v) | Mutation::AppendHeader(n, v) => {
                if let Ok(value) = HeaderValue::from_bytes(v) {
                    let name = HeaderName::from_static(HEADER_NAMES[*n]);
                    if matches!(m, Mutation::SetHeader(..)) {
                        self.headers.insert(name, value);
                    } else {
                        self.headers.append(name, value);
                    }
                }
            }
            Mutation::RemoveHeader(n) => {
                self.headers.remove(HEADER_NAMES[*n]);
            }
            Mutation::Method(i) => {
                self.method = [
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::DELETE,
                    Method::PATCH,
                ][*i]
                    .clone();
            }
            Mutation::TruncateAuthorization(n) => {
                if let Some(v) = self.headers.get("authorization") {
                    let bytes = v.as_bytes();
                    let cut = bytes[..n % (bytes.len() + 1)].to_vec();
                    if let Ok(v) = HeaderValue::from_bytes(&cut) {
                        self.headers.insert("authorization", v);
                    }
                }
            }
            _ => {}
        }
    }

    fn content_type(&self) -> Option<String> {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

fn sorted_pairs(p: &Params) -> Vec<(String, String)> {
    let mut v: Vec<_> = p
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    v.sort();
    v
}

/// Every error must render and decode back, in both formats.
fn check_renders(e: &AcsError) -> Result<(), TestCaseError> {
    let id = RequestId::new();
    for format in [Format::Json, Format::Xml] {
        let r = render_error(e, &id, "fuzz", format);
        prop_assert_eq!(r.status(), e.status());
        let env = decode_error(format, r.body());
        prop_assert!(
            env.is_some(),
            "{:?} envelope does not decode: {:?}",
            format,
            r.body()
        );
        let env = env.expect("checked");
        prop_assert_eq!(env.code, e.code());
        prop_assert_eq!(env.message, e.message());
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_params_from_parts(
        query in prop_oneof![any::<String>(), piece().prop_map(|p| p.repeat(3))],
        form in any::<bool>(),
        body in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let ct = form.then_some("application/x-www-form-urlencoded");
        match Params::from_parts(Some(&query), ct, &body) {
            Ok(p) => {
                let _ = RpcTarget::resolve(&p, &HeaderMap::new());
                let _ = Format::from_params(&p);
            }
            Err(e) => {
                prop_assert_eq!(e.code(), "InvalidParameter");
                check_renders(&e)?;
            }
        }
    }

    #[test]
    fn fuzz_verify_mutated_sdk_requests(
        index in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let record = index.get(all_records());
        let original = Request::from_record(record);
        let original_params = Params::from_parts(
            Some(std::str::from_utf8(&original.query).expect("utf8")),
            original.content_type().as_deref(),
            &original.body,
        ).expect("record parses");

        let mut req = Request::from_record(record);
        for m in &mutations {
            req.apply(m);
        }
        let query = String::from_utf8_lossy(&req.query).into_owned();
        let params = match Params::from_parts(Some(&query), req.content_type().as_deref(), &req.body) {
            Ok(p) => p,
            Err(e) => return check_renders(&e),
        };
        let verifier = Verifier::new(
            Keys::with(&record.access_key_id, &record.access_key_secret),
            InMemoryNonceStore::new(4),
        )
        .with_clock(ManualClock::new(record.received_at()));
        let result = runtime().block_on(verifier.verify(&IncomingRequest {
            method: &req.method,
            headers: &req.headers,
            params: &params,
            body: &req.body,
        }));
        match result {
            Ok(_) => {
                prop_assert_eq!(&req.method, &original.method, "method changed yet verified");
                prop_assert_eq!(
                    sorted_pairs(&params),
                    sorted_pairs(&original_params),
                    "parameters changed yet verified: {:?}", mutations
                );
            }
            Err(e) => check_renders(&e)?,
        }
    }

    #[test]
    fn fuzz_verify_arbitrary_requests(
        query in any::<String>(),
        auth in header_bytes(),
        headers in proptest::collection::vec((0..HEADER_NAMES.len(), header_bytes()), 0..6),
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut map = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_bytes(&auth) {
            map.insert("authorization", v);
        }
        for (n, v) in headers {
            if let Ok(v) = HeaderValue::from_bytes(&v) {
                map.append(HeaderName::from_static(HEADER_NAMES[n]), v);
            }
        }
        if let Ok(params) = Params::from_parts(Some(&query), None, &body) {
            let verifier = Verifier::new(Keys::with("LTAI5tTestAccessKeyId", "s"), InMemoryNonceStore::new(4));
            let result = runtime().block_on(verifier.verify(&IncomingRequest {
                method: &Method::POST,
                headers: &map,
                params: &params,
                body: &body,
            }));
            let e = result.expect_err("nothing arbitrary verifies");
            check_renders(&e)?;
        }
    }

    #[test]
    fn fuzz_render_success(
        action in any::<String>(),
        json in "[ -~]{0,80}",
        xml in any::<bool>(),
    ) {
        let format = if xml { Format::Xml } else { Format::Json };
        let body: serde_json::Value = serde_json::from_str(&json)
            .unwrap_or_else(|_| serde_json::json!({ "Data": json, "List": [1, 2], "Nested": {"k": [true]} }));
        let id = RequestId::new();
        let r = render_success(&action, &id, &body, format);
        prop_assert!(r.status() == 200 || r.status() == 500);
        prop_assert_eq!(r.headers()["x-acs-request-id"].to_str().expect("ascii"), id.as_str());
        if r.status() == 200 && format == Format::Json {
            let back: serde_json::Value = serde_json::from_slice(r.body()).expect("valid JSON");
            prop_assert_eq!(back["RequestId"].as_str(), Some(id.as_str()));
        }
    }
}
