//! Every way a request can fail authentication, and the code each failure is answered with.

mod common;

use std::time::Duration;

use acs_protocol::auth::{
    Caller, InMemoryNonceStore, IncomingRequest, ManualClock, NonceOutcome, NonceStore,
    NonceStoreError, Verifier,
};
use acs_protocol::encoding::encode_pairs;
use acs_protocol::params::Params;
use acs_protocol::signature::SignatureVersion;
use acs_protocol::signing::{sign_request, Credentials, SignRequest};
use acs_protocol::AcsError;
use async_trait::async_trait;
use common::{at, Keys};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use time::OffsetDateTime;

const ID: &str = "LTAI5tTestAccessKeyId";
const SECRET: &str = "TestSecretDoNotUse0123456789abc";
const T: &str = "2026-11-28T23:21:50Z";

/// A request as it travels: method, query string, headers, body.
#[derive(Clone)]
struct Wire {
    method: Method,
    query: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Wire {
    fn pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_bytes())
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect()
    }

    fn set_pairs(&mut self, pairs: &[(String, String)]) {
        self.query = encode_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    }

    fn with_param(mut self, name: &str, f: impl Fn(&str) -> String) -> Self {
        let mut pairs = self.pairs();
        let p = pairs
            .iter_mut()
            .find(|(n, _)| n == name)
            .expect("param present");
        p.1 = f(&p.1);
        self.set_pairs(&pairs);
        self
    }

    fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(
            HeaderName::from_bytes(name.as_bytes()).expect("name"),
            HeaderValue::from_str(value).expect("value"),
        );
        self
    }

    fn without_header(mut self, name: &str) -> Self {
        self.headers.remove(name);
        self
    }
}

fn api_params() -> Vec<(String, String)> {
    [
        ("ConnectionId", "1"),
        ("Content", r#"{"password":"p@ss w0rd*~+/$","tag":"rds"}"#),
        ("EnvType", "1"),
        ("Description", "订单库 orders (dev) *~+/&="),
        ("Status", "ENABLED"),
        ("RegionId", ""),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect()
}

fn sign(scheme: SignatureVersion, creds: &Credentials, nonce: &str) -> Wire {
    let params = api_params();
    let signed = sign_request(&SignRequest {
        method: &Method::PUT,
        host: "127.0.0.1:8080",
        action: "UpdateConnection",
        version: "2020-05-18",
        params: &params,
        credentials: creds,
        scheme,
        nonce,
        timestamp: at(T),
    })
    .expect("signs");
    let mut headers = HeaderMap::new();
    for (name, value) in signed.headers {
        headers.insert(name, HeaderValue::from_str(&value).expect("value"));
    }
    headers.insert("user-agent", HeaderValue::from_static("test/1.0"));
    Wire {
        method: Method::PUT,
        query: signed.query,
        headers,
        body: signed.body.to_vec(),
    }
}

fn creds() -> Credentials {
    Credentials::new(ID, SECRET)
}

fn keys() -> Keys {
    let mut k = Keys::with(ID, SECRET);
    k.add("OtherKeyId", "OtherSecret", true);
    k.add("DisabledKeyId", SECRET, false);
    k
}

async fn verify_with(keys: Keys, wire: &Wire, now: OffsetDateTime) -> Result<Caller, AcsError> {
    let verifier =
        Verifier::new(keys, InMemoryNonceStore::new(100)).with_clock(ManualClock::new(now));
    verify_on(&verifier, wire).await
}

async fn verify_on<N: NonceStore>(
    verifier: &Verifier<Keys, N>,
    wire: &Wire,
) -> Result<Caller, AcsError> {
    let content_type = wire
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let params = Params::from_parts(Some(&wire.query), content_type.as_deref(), &wire.body)?;
    verifier
        .verify(&IncomingRequest {
            method: &wire.method,
            headers: &wire.headers,
            params: &params,
            body: &wire.body,
        })
        .await
}

async fn verify(wire: &Wire) -> Result<Caller, AcsError> {
    verify_with(keys(), wire, at(T)).await
}

async fn code_of(wire: &Wire) -> (u16, String) {
    let e = verify(wire).await.expect_err("must fail");
    (e.status().as_u16(), e.code().to_owned())
}

fn mismatch() -> (u16, String) {
    (400, "SignatureDoesNotMatch".into())
}

#[tokio::test]
async fn both_schemes_verify_untouched() {
    for scheme in [SignatureVersion::V1, SignatureVersion::V3] {
        let caller = verify(&sign(scheme, &creds(), "n1")).await.expect("valid");
        assert_eq!(caller.signature_version, scheme);
        assert_eq!(caller.principal, format!("user-of-{ID}"));
    }
}

#[tokio::test]
async fn v1_changing_any_signed_parameter_fails_with_its_code() {
    let good = sign(SignatureVersion::V1, &creds(), "n1");
    let names: Vec<String> = good.pairs().into_iter().map(|(n, _)| n).collect();
    assert!(names.len() >= 13);
    for name in names {
        let expected = match name.as_str() {
            "AccessKeyId" => (404, "InvalidAccessKeyId.NotFound".into()),
            "SignatureMethod" | "SignatureVersion" | "Timestamp" => {
                (400, "InvalidParameter".into())
            }
            _ => mismatch(),
        };
        let tampered = good.clone().with_param(&name, |v| format!("{v}x"));
        assert_eq!(code_of(&tampered).await, expected, "{name}");
    }
    // A well-formed but different timestamp, an emptied value, an added and a removed parameter.
    let later = good
        .clone()
        .with_param("Timestamp", |_| "2026-11-28T23:21:51Z".into());
    assert_eq!(code_of(&later).await, mismatch());
    let blank = good.clone().with_param("Description", |_| String::new());
    assert_eq!(code_of(&blank).await, mismatch());
    let mut added = good.clone();
    added.query.push_str("&Extra=1");
    assert_eq!(code_of(&added).await, mismatch());
    let mut removed = good.clone();
    let pairs: Vec<_> = removed
        .pairs()
        .into_iter()
        .filter(|(n, _)| n != "EnvType")
        .collect();
    removed.set_pairs(&pairs);
    assert_eq!(code_of(&removed).await, mismatch());
}

#[tokio::test]
async fn v1_other_key_method_and_secret_fail() {
    let good = sign(SignatureVersion::V1, &creds(), "n1");
    let other = good
        .clone()
        .with_param("AccessKeyId", |_| "OtherKeyId".into());
    assert_eq!(code_of(&other).await, mismatch());
    let mut post = good.clone();
    post.method = Method::POST;
    assert_eq!(code_of(&post).await, mismatch());
    let mut wrong_secret = Keys::default();
    wrong_secret.add(ID, "NotTheSecret", true);
    let e = verify_with(wrong_secret, &good, at(T))
        .await
        .expect_err("fails");
    assert_eq!(e.code(), "SignatureDoesNotMatch");
}

#[tokio::test]
async fn v1_mismatch_message_carries_the_server_string_to_sign_exactly() {
    let good = sign(SignatureVersion::V1, &creds(), "n1");
    let params = Params::from_parts(Some(&good.query), None, b"").expect("parses");
    let expected = acs_protocol::signature::v1::string_to_sign(
        "POST",
        &acs_protocol::signature::v1::canonicalized_query(params.iter()),
    );
    let mut post = good;
    post.method = Method::POST;
    let e = verify(&post).await.expect_err("fails");
    assert_eq!(
        e.message(),
        format!("Specified signature is not matched with our calculation. server string to sign is:{expected}")
    );
}

#[tokio::test]
async fn v1_mismatch_message_never_carries_the_sts_token() {
    let sts = creds().with_security_token("CAIS-very-secret-token");
    let mut wire = sign(SignatureVersion::V1, &sts, "n1");
    wire.method = Method::POST;
    let e = verify(&wire).await.expect_err("fails");
    assert!(!e.message().contains("very-secret"), "{}", e.message());
    assert!(!format!("{e:?}").contains("very-secret"));
    assert!(
        e.message().contains("SecurityToken%3D%252A%252A%252A"),
        "{}",
        e.message()
    );
}

#[tokio::test]
async fn v1_form_body_parameters_are_signed() {
    // pop-core style: every parameter, Signature included, in a form body.
    let good = sign(SignatureVersion::V1, &creds(), "n1");
    let mut body_wire = good.clone();
    body_wire.method = Method::PUT;
    body_wire.body = good.query.clone().into_bytes();
    body_wire.query = String::new();
    body_wire = body_wire.with_header(
        "content-type",
        "application/x-www-form-urlencoded; charset=UTF-8",
    );
    verify(&body_wire).await.expect("form body verifies");

    let mut tampered = body_wire.clone();
    tampered.body = String::from_utf8(tampered.body)
        .expect("utf8")
        .replace("EnvType=1", "EnvType=0")
        .into_bytes();
    assert_eq!(code_of(&tampered).await, mismatch());
}

#[tokio::test]
async fn v1_requires_its_parameters_and_a_signed_action() {
    let good = sign(SignatureVersion::V1, &creds(), "n1");
    for name in [
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
        "Action",
        "Version",
    ] {
        let mut w = good.clone();
        let pairs: Vec<_> = w.pairs().into_iter().filter(|(n, _)| n != name).collect();
        w.set_pairs(&pairs);
        let e = verify(&w).await.expect_err(name);
        assert_eq!(e.code(), "MissingParameter", "{name}");
        assert!(
            e.message().contains(&format!("\"{name}\"")),
            "{}",
            e.message()
        );
    }
}

#[tokio::test]
async fn v3_changing_any_query_parameter_fails() {
    let good = sign(SignatureVersion::V3, &creds(), "n1");
    for (name, _) in good.pairs() {
        let tampered = good.clone().with_param(&name, |v| format!("{v}x"));
        assert_eq!(code_of(&tampered).await, mismatch(), "{name}");
    }
    let mut added = good.clone();
    added.query.push_str("&Action=DeleteConnection");
    assert_eq!(code_of(&added).await, mismatch());
}

#[tokio::test]
async fn v3_changing_any_signed_header_fails_and_unsigned_ones_do_not_matter() {
    let good = sign(SignatureVersion::V3, &creds(), "n1");
    for (name, value) in [
        ("host", "127.0.0.1:8081"),
        ("x-acs-action", "DeleteConnection"),
        ("x-acs-version", "2020-05-19"),
        ("x-acs-signature-nonce", "n2"),
        ("x-acs-date", "2026-11-28T23:21:51Z"),
        (
            "x-acs-content-sha256",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
    ] {
        let tampered = good.clone().with_header(name, value);
        assert_eq!(code_of(&tampered).await, mismatch(), "{name}");
    }
    let ua = good.clone().with_header("user-agent", "something else");
    verify(&ua).await.expect("unsigned header is free");
}

#[tokio::test]
async fn v3_body_method_secret_and_key_changes_fail() {
    let good = sign(SignatureVersion::V3, &creds(), "n1");
    let mut body = good.clone();
    body.body = b"ConnectionId=2".to_vec();
    assert_eq!(code_of(&body).await, mismatch());
    let mut form = body
        .clone()
        .with_header("content-type", "application/x-www-form-urlencoded");
    form.body = b"Extra=2".to_vec();
    assert_eq!(code_of(&form).await, mismatch());
    // A body parameter repeating a signed query parameter never overrides it: refused outright.
    let mut dup = form.clone();
    dup.body = b"ConnectionId=2".to_vec();
    let e = verify(&dup).await.expect_err("duplicate");
    assert_eq!(e.code(), "InvalidParameter");
    assert!(e.message().contains("\"ConnectionId\""));
    let mut get = good.clone();
    get.method = Method::GET;
    assert_eq!(code_of(&get).await, mismatch());
    let mut wrong_secret = Keys::default();
    wrong_secret.add(ID, "NotTheSecret", true);
    let e = verify_with(wrong_secret, &good, at(T))
        .await
        .expect_err("fails");
    assert_eq!(e.code(), "SignatureDoesNotMatch");
    assert!(e
        .message()
        .contains("server string to sign is:ACS3-HMAC-SHA256\n"));

    let auth = good.headers["authorization"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let unknown = good
        .clone()
        .with_header("authorization", &auth.replace(ID, "NoSuchKey"));
    assert_eq!(
        code_of(&unknown).await,
        (404, "InvalidAccessKeyId.NotFound".into())
    );
    let other = good
        .clone()
        .with_header("authorization", &auth.replace(ID, "OtherKeyId"));
    assert_eq!(code_of(&other).await, mismatch());
    let sig_hex = auth.rsplit("Signature=").next().expect("sig").to_owned();
    let flipped: String = sig_hex.chars().rev().collect();
    let bad_sig = good
        .clone()
        .with_header("authorization", &auth.replace(&sig_hex, &flipped));
    assert_eq!(code_of(&bad_sig).await, mismatch());
    let not_hex = good
        .clone()
        .with_header("authorization", &auth.replace(&sig_hex, "zz"));
    assert_eq!(code_of(&not_hex).await, mismatch());
}

/// A V3 client that sends a form body (signing its hash and content-type) is accepted, its body
/// parameters are merged, and any change to the body fails.
#[tokio::test]
async fn v3_signed_form_body_is_accepted_and_bound_to_its_hash() {
    use acs_protocol::signature::v3;
    let body = b"Name=orders&Description=a+b%2Fc".to_vec();
    let hash = v3::hashed_payload(&body);
    let headers_to_sign = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("host", "127.0.0.1:8080"),
        ("x-acs-action", "CreateConnection"),
        ("x-acs-content-sha256", hash.as_str()),
        ("x-acs-date", T),
        ("x-acs-signature-nonce", "body-nonce"),
        ("x-acs-version", "2020-05-18"),
    ];
    let mut canonical_headers = String::new();
    let mut headers = HeaderMap::new();
    for (n, v) in headers_to_sign {
        v3::push_canonical_header(&mut canonical_headers, n, v);
        headers.insert(
            HeaderName::from_static(n),
            HeaderValue::from_str(v).expect("value"),
        );
    }
    let signed = headers_to_sign.map(|(n, _)| n).join(";");
    let query = "ProjectId=7";
    let canonical = v3::canonical_request("POST", query, &canonical_headers, &signed, &hash);
    let sig = v3::sign(
        &acs_protocol::secret::AccessKeySecret::new(SECRET),
        &v3::string_to_sign(&canonical),
    );
    let auth = v3::Authorization {
        access_key_id: ID,
        signed_headers: &signed,
        signature: &sig,
    };
    headers.insert(
        "authorization",
        HeaderValue::from_str(&auth.to_header_value()).expect("value"),
    );
    let wire = Wire {
        method: Method::POST,
        query: query.into(),
        headers,
        body,
    };
    verify(&wire).await.expect("signed body verifies");
    let params = Params::from_parts(
        Some(query),
        Some("application/x-www-form-urlencoded"),
        &wire.body,
    )
    .expect("parses");
    assert_eq!(params.get("Description"), Some("a b/c"));

    let mut tampered = wire.clone();
    tampered.body = b"Name=orders&Description=a+b%2Fd".to_vec();
    assert_eq!(code_of(&tampered).await, mismatch());
    // Declaring the tampered body's hash does not help: the header is signed.
    let retagged = tampered
        .clone()
        .with_header("x-acs-content-sha256", &v3::hashed_payload(&tampered.body));
    assert_eq!(code_of(&retagged).await, mismatch());
}

#[tokio::test]
async fn v3_incomplete_or_missing_parts() {
    let good = sign(SignatureVersion::V3, &creds(), "n1");
    let auth = good.headers["authorization"]
        .to_str()
        .expect("ascii")
        .to_owned();
    for bad in [
        "ACS3-HMAC-SHA256 garbage".to_owned(),
        auth.replace("x-acs-date;", ""),
        auth.replace("host;", ""),
        auth.replace("x-acs-signature-nonce;", ""),
        auth.replace("x-acs-content-sha256;", ""),
        auth.replace("x-acs-action;", ""),
        "Basic dXNlcjpwYXNz".to_owned(),
    ] {
        let w = good.clone().with_header("authorization", &bad);
        assert_eq!(
            code_of(&w).await,
            (400, "IncompleteSignature".into()),
            "{bad}"
        );
    }
    for header in [
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ] {
        let e = verify(&good.clone().without_header(header))
            .await
            .expect_err(header);
        assert_eq!(e.code(), "MissingParameter", "{header}");
    }
    let garbage_date = good.clone().with_header("x-acs-date", "yesterday");
    assert_eq!(
        code_of(&garbage_date).await,
        (400, "InvalidParameter".into())
    );
    // An STS token header must be signed too.
    let token = good.clone().with_header("x-acs-security-token", "tok");
    assert_eq!(code_of(&token).await, (400, "IncompleteSignature".into()));
}

#[tokio::test]
async fn unsigned_requests_name_what_is_missing() {
    let plain = Wire {
        method: Method::GET,
        query: "Action=UpdateConnection&Version=2020-05-18".into(),
        headers: HeaderMap::new(),
        body: vec![],
    };
    let e = verify(&plain).await.expect_err("unsigned");
    assert_eq!((e.code(), e.message()), ("MissingParameter", "The input parameter \"AccessKeyId\" that is mandatory for processing this request is not supplied."));
    let mut with_id = plain.clone();
    with_id.query.push_str("&AccessKeyId=x");
    let e = verify(&with_id).await.expect_err("no signature");
    assert!(e.message().contains("\"Signature\""));
}

#[tokio::test]
async fn timestamp_window_edges() {
    for scheme in [SignatureVersion::V1, SignatureVersion::V3] {
        let wire = sign(scheme, &creds(), "n1");
        let t = at(T);
        for (offset, ok) in [
            (900, true),
            (901, false),
            (-900, true),
            (-901, false),
            (0, true),
        ] {
            let now = t + time::Duration::seconds(offset);
            let result = verify_with(keys(), &wire, now).await;
            match (ok, result) {
                (true, Ok(_)) => {}
                (false, Err(e)) => assert_eq!(
                    (e.status().as_u16(), e.code()),
                    (400, "InvalidTimeStamp.Expired"),
                    "{scheme} {offset}"
                ),
                (ok, r) => panic!("{scheme} offset {offset}: expected ok={ok}, got {r:?}"),
            }
        }
    }
}

#[tokio::test]
async fn nonce_reuse_is_refused_per_key_and_forgeries_do_not_burn_nonces() {
    for scheme in [SignatureVersion::V1, SignatureVersion::V3] {
        let verifier =
            Verifier::new(keys(), InMemoryNonceStore::new(100)).with_clock(ManualClock::new(at(T)));
        let good = sign(scheme, &creds(), "same-nonce");
        // A forged copy fails on its signature first and leaves the nonce unused.
        let mut forged = good.clone();
        forged.method = Method::DELETE;
        assert_eq!(
            verify_on(&verifier, &forged)
                .await
                .expect_err("forged")
                .code(),
            "SignatureDoesNotMatch"
        );
        verify_on(&verifier, &good).await.expect("first use");
        let e = verify_on(&verifier, &good).await.expect_err("replay");
        assert_eq!((e.status().as_u16(), e.code()), (400, "SignatureNonceUsed"));
        // A retry with a fresh nonce passes; the same nonce under another key too.
        verify_on(&verifier, &sign(scheme, &creds(), "fresh"))
            .await
            .expect("fresh nonce");
        let other = Credentials::new("OtherKeyId", "OtherSecret");
        verify_on(&verifier, &sign(scheme, &other, "same-nonce"))
            .await
            .expect("other key");
    }
}

#[tokio::test]
async fn nonce_is_remembered_as_long_as_the_timestamp_is_acceptable() {
    let clock = std::sync::Arc::new(ManualClock::new(at(T) - time::Duration::seconds(900)));
    let verifier = Verifier::new(keys(), InMemoryNonceStore::new(100)).with_clock(clock.clone());
    let wire = sign(SignatureVersion::V3, &creds(), "long-lived");
    verify_on(&verifier, &wire)
        .await
        .expect("first use, 15 minutes early");
    // 30 minutes later the timestamp is still (just) inside the window: still a replay.
    clock.advance(1800);
    assert_eq!(
        verify_on(&verifier, &wire)
            .await
            .expect_err("replay")
            .code(),
        "SignatureNonceUsed"
    );
    clock.advance(1);
    assert_eq!(
        verify_on(&verifier, &wire)
            .await
            .expect_err("expired")
            .code(),
        "InvalidTimeStamp.Expired"
    );
}

#[tokio::test]
async fn lookup_outcomes_map_to_codes() {
    for scheme in [SignatureVersion::V1, SignatureVersion::V3] {
        let disabled = Credentials::new("DisabledKeyId", SECRET);
        let e = verify(&sign(scheme, &disabled, "n"))
            .await
            .expect_err("inactive");
        assert_eq!(
            (e.status().as_u16(), e.code()),
            (400, "InvalidAccessKeyId.Inactive")
        );
        let unknown = Credentials::new("Unknown", SECRET);
        let e = verify(&sign(scheme, &unknown, "n"))
            .await
            .expect_err("unknown");
        assert_eq!(
            (e.status().as_u16(), e.code(), e.message()),
            (
                404,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found."
            )
        );
        let mut failing = keys();
        failing.fail = true;
        let e = verify_with(failing, &sign(scheme, &creds(), "n"), at(T))
            .await
            .expect_err("500");
        assert_eq!((e.status().as_u16(), e.code()), (500, "InternalError"));
        assert!(!e.message().contains("database"));
    }
}

#[tokio::test]
async fn sts_token_reaches_lookup_and_caller_in_both_schemes() {
    for scheme in [SignatureVersion::V1, SignatureVersion::V3] {
        let verifier =
            Verifier::new(keys(), InMemoryNonceStore::new(10)).with_clock(ManualClock::new(at(T)));
        let wire = sign(scheme, &creds().with_security_token("CAIS+tok/=="), "n");
        let caller = verify_on(&verifier, &wire).await.expect("valid");
        assert_eq!(
            caller.security_token.as_ref().map(|t| t.expose()),
            Some("CAIS+tok/==")
        );
        let seen = verifier.lookup().seen.lock().expect("lock").clone();
        assert_eq!(seen, vec![(ID.to_owned(), Some("CAIS+tok/==".to_owned()))]);
    }
}

struct AlwaysFull;
#[async_trait]
impl NonceStore for AlwaysFull {
    async fn remember(
        &self,
        _: &str,
        _: &str,
        _: OffsetDateTime,
        _: Duration,
    ) -> Result<NonceOutcome, NonceStoreError> {
        Ok(NonceOutcome::Full)
    }
}

struct Broken;
#[async_trait]
impl NonceStore for Broken {
    async fn remember(
        &self,
        _: &str,
        _: &str,
        _: OffsetDateTime,
        _: Duration,
    ) -> Result<NonceOutcome, NonceStoreError> {
        Err(NonceStoreError::new("redis down"))
    }
}

#[tokio::test]
async fn a_full_or_broken_nonce_store_refuses_instead_of_letting_through() {
    let wire = sign(SignatureVersion::V3, &creds(), "n");
    let full = Verifier::new(keys(), AlwaysFull).with_clock(ManualClock::new(at(T)));
    let e = verify_on(&full, &wire).await.expect_err("full");
    assert_eq!((e.status().as_u16(), e.code()), (503, "Throttling"));
    let broken = Verifier::new(keys(), Broken).with_clock(ManualClock::new(at(T)));
    let e = verify_on(&broken, &wire).await.expect_err("broken");
    assert_eq!((e.status().as_u16(), e.code()), (500, "InternalError"));
    // The real store at its bound behaves the same.
    let tiny =
        Verifier::new(keys(), InMemoryNonceStore::new(1)).with_clock(ManualClock::new(at(T)));
    verify_on(&tiny, &wire).await.expect("first fits");
    let e = verify_on(&tiny, &sign(SignatureVersion::V3, &creds(), "n2"))
        .await
        .expect_err("full");
    assert_eq!(e.code(), "Throttling");
}

/// The generated axum server holds a `Verifier` over trait objects in shared state and awaits
/// `verify` inside handlers: both must be `Send`/`Sync`.
#[tokio::test]
async fn verifier_over_trait_objects_is_send_and_sync() {
    use acs_protocol::auth::CredentialLookup;
    use std::sync::Arc;

    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync<T: Send + Sync>(_: &T) {}

    let lookup: Arc<dyn CredentialLookup> = Arc::new(keys());
    let nonces: Arc<dyn NonceStore> = Arc::new(InMemoryNonceStore::new(10));
    let verifier = Arc::new(Verifier::new(lookup, nonces).with_clock(ManualClock::new(at(T))));
    assert_send_sync(&verifier);
    let wire = sign(SignatureVersion::V3, &creds(), "n");
    let params = Params::from_parts(Some(&wire.query), None, b"").expect("parses");
    let req = IncomingRequest {
        method: &wire.method,
        headers: &wire.headers,
        params: &params,
        body: &wire.body,
    };
    let fut = verifier.verify(&req);
    assert_send(&fut);
    let caller = fut.await.expect("valid");
    assert_send_sync(&caller);
}
