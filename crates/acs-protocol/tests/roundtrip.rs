//! Property: whatever the API parameters (unicode, `*~+/&=% `, empty values), what the client
//! signer sends is decoded by the server into the same parameters and verifies, for both schemes
//! and every method; and changing any one value afterwards breaks the signature.

mod common;

use std::collections::BTreeMap;

use acs_protocol::auth::{InMemoryNonceStore, IncomingRequest, ManualClock, Verifier};
use acs_protocol::params::Params;
use acs_protocol::signature::SignatureVersion;
use acs_protocol::signing::{sign_request, Credentials, SignRequest};
use common::{at, Keys};
use http::{HeaderMap, HeaderValue, Method};
use proptest::prelude::*;

const RESERVED: &[&str] = &[
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

fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex(&format!("[A-Za-z0-9*~+/&=% ._\\-é中😀\\[\\]]{{0,{max}}}"))
            .expect("regex"),
        proptest::collection::vec(any::<char>(), 0..max).prop_map(|c| c.into_iter().collect()),
    ]
}

fn api_params() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::btree_map(
        text(12).prop_filter("name", |n| !n.is_empty() && !RESERVED.contains(&n.as_str())),
        text(40),
        0..10,
    )
    .prop_map(|m: BTreeMap<String, String>| m.into_iter().collect())
}

struct Sent {
    method: Method,
    headers: HeaderMap,
    query: Option<String>,
    content_type: Option<&'static str>,
    body: Vec<u8>,
}

fn send(
    params: &[(String, String)],
    scheme: SignatureVersion,
    method: &Method,
    nonce: &str,
    in_body: bool,
) -> Sent {
    let creds = Credentials::new("AK", "SK");
    let signed = sign_request(&SignRequest {
        method,
        host: "localhost:9000",
        action: "UpdateConnection",
        version: "2020-05-18",
        params,
        credentials: &creds,
        scheme,
        nonce,
        timestamp: at("2026-01-01T00:00:00Z"),
    })
    .expect("signs");
    let mut headers = HeaderMap::new();
    for (n, v) in signed.headers {
        headers.insert(n, HeaderValue::from_str(&v).expect("header value"));
    }
    if in_body {
        // pop-core style: the whole parameter set as a form body.
        Sent {
            method: method.clone(),
            headers,
            query: None,
            content_type: Some("application/x-www-form-urlencoded"),
            body: signed.query.into_bytes(),
        }
    } else {
        Sent {
            method: method.clone(),
            headers,
            query: Some(signed.query),
            content_type: None,
            body: signed.body.to_vec(),
        }
    }
}

fn verify(sent: &Sent, rt: &tokio::runtime::Runtime) -> Result<Params, acs_protocol::AcsError> {
    let params = Params::from_parts(sent.query.as_deref(), sent.content_type, &sent.body)?;
    let verifier = Verifier::new(Keys::with("AK", "SK"), InMemoryNonceStore::new(8))
        .with_clock(ManualClock::new(at("2026-01-01T00:05:00Z")));
    rt.block_on(verifier.verify(&IncomingRequest {
        method: &sent.method,
        headers: &sent.headers,
        params: &params,
        body: &sent.body,
    }))?;
    Ok(params)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn signed_requests_verify_and_decode_to_the_same_parameters(
        params in api_params(),
        v3 in any::<bool>(),
        method in prop_oneof![Just(Method::GET), Just(Method::POST), Just(Method::PUT)],
        nonce in "[a-f0-9]{1,32}",
        in_body in any::<bool>(),
    ) {
        let scheme = if v3 { SignatureVersion::V3 } else { SignatureVersion::V1 };
        // V3 signs the query and hashes the body; a body-borne parameter set is a v1 thing.
        let in_body = in_body && !v3;
        let rt = runtime();
        let sent = send(&params, scheme, &method, &nonce, in_body);
        let decoded = verify(&sent, &rt).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (name, value) in &params {
            prop_assert_eq!(decoded.get(name), Some(value.as_str()), "{}", name);
        }
    }

    #[test]
    fn changing_any_value_breaks_the_signature(
        params in api_params().prop_filter("non-empty", |p| !p.is_empty()),
        v3 in any::<bool>(),
        pick in any::<prop::sample::Index>(),
        extra in "[a-z%+ ]{1,3}",
    ) {
        let scheme = if v3 { SignatureVersion::V3 } else { SignatureVersion::V1 };
        let rt = runtime();
        let sent = send(&params, scheme, &Method::POST, "n", false);
        let i = pick.index(params.len());
        let mut changed = params.clone();
        changed[i].1.push_str(&extra);
        let resent = send(&changed, scheme, &Method::POST, "n", false);
        // The tampered query with the original signature headers / Signature parameter.
        let mut forged = Sent {
            method: Method::POST,
            headers: sent.headers.clone(),
            query: None,
            content_type: None,
            body: vec![],
        };
        let original = Params::from_parts(sent.query.as_deref(), None, b"").expect("parses");
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (n, v) in Params::from_parts(resent.query.as_deref(), None, b"").expect("parses").iter() {
            let v = if n == "Signature" { original.get("Signature").unwrap_or(v) } else { v };
            q.append_pair(n, v);
        }
        forged.query = Some(q.finish());
        let e = verify(&forged, &rt).expect_err("tampered must fail");
        prop_assert_eq!(e.code(), "SignatureDoesNotMatch");
    }
}
