//! All 32 requests recorded from the official SDKs: parameters decode, the canonical strings and
//! signatures match what each SDK computed, the verifier accepts each at its recorded time, and
//! re-signing the decoded parameters reproduces the recorded signature.

mod common;

use acs_protocol::auth::{InMemoryNonceStore, IncomingRequest, ManualClock, Verifier};
use acs_protocol::params::{Params, RpcTarget};
use acs_protocol::secret::AccessKeySecret;
use acs_protocol::signature::{v1, v3, SignatureVersion};
use acs_protocol::signing::{sign_request, Credentials, SignRequest};
use common::{records, Keys, Record};

fn params(r: &Record) -> Params {
    Params::from_parts(r.query(), r.content_type().as_deref(), r.body.as_bytes())
        .unwrap_or_else(|e| panic!("{}: {e}", r.file))
}

#[test]
fn the_file_holds_32_records_of_both_schemes() {
    let all = records();
    assert_eq!(all.len(), 32);
    assert_eq!(all.iter().filter(|r| r.is_v3()).count(), 12);
    assert_eq!(all.iter().filter(|r| !r.is_v3()).count(), 20);
}

#[test]
fn each_record_resolves_its_action_and_version() {
    for r in records() {
        let target = RpcTarget::resolve(&params(&r), &r.header_map()).expect(&r.file);
        assert_eq!(target.action, r.action, "{}", r.file);
        target.expect_version("2020-05-18").expect(&r.file);
    }
}

/// The server's canonical strings, built from decoded values, equal each SDK's.
#[test]
fn canonical_strings_and_signatures_match_each_sdk() {
    for r in records() {
        let p = params(&r);
        let secret = AccessKeySecret::new(r.access_key_secret.as_str());
        if r.is_v3() {
            let auth_value = r.header_map()["authorization"]
                .to_str()
                .expect("ascii")
                .to_owned();
            let auth = v3::Authorization::parse(&auth_value).expect(&r.file);
            let headers = r.header_map();
            let mut canonical_headers = String::new();
            for name in auth.signed_header_names() {
                let value = headers[name].to_str().expect("ascii");
                v3::push_canonical_header(&mut canonical_headers, name, value);
            }
            let canonical = v3::canonical_request(
                &r.method,
                &v3::canonical_query(p.query()),
                &canonical_headers,
                auth.signed_headers,
                &v3::hashed_payload(r.body.as_bytes()),
            );
            assert_eq!(Some(&canonical), r.canonical_request.as_ref(), "{}", r.file);
            let sts = v3::string_to_sign(&canonical);
            assert_eq!(sts, r.string_to_sign, "{}", r.file);
            // Re-signing the decoded parameters reproduces the SDK's signature.
            assert_eq!(v3::sign(&secret, &sts), r.signature, "{}", r.file);
            assert_eq!(auth.signature, r.signature, "{}", r.file);
        } else {
            let sts = v1::string_to_sign(&r.method, &v1::canonicalized_query(p.iter()));
            assert_eq!(sts, r.string_to_sign, "{}", r.file);
            assert_eq!(v1::sign(&secret, &sts), r.signature, "{}", r.file);
            assert_eq!(p.get("Signature"), Some(r.signature.as_str()), "{}", r.file);
        }
    }
}

/// The client signer, given a v1 record's API parameters, nonce and time, sends the same
/// signature the SDK sent.
#[test]
fn client_signer_reproduces_every_v1_signature() {
    const COMMON: &[&str] = &[
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
    let mut checked = 0;
    for r in records().iter().filter(|r| !r.is_v3()) {
        let p = params(r);
        let api: Vec<(String, String)> = p
            .iter()
            .filter(|(n, _)| !COMMON.contains(n))
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let mut creds = Credentials::new(r.access_key_id.as_str(), r.access_key_secret.as_str());
        if let Some(token) = p.get("SecurityToken") {
            creds = creds.with_security_token(token);
        }
        let timestamp = common::at(p.get("Timestamp").expect("Timestamp"));
        let signed = sign_request(&SignRequest {
            method: &r.method(),
            host: "127.0.0.1",
            action: p.get("Action").expect("Action"),
            version: p.get("Version").expect("Version"),
            params: &api,
            credentials: &creds,
            scheme: SignatureVersion::V1,
            nonce: p.get("SignatureNonce").expect("nonce"),
            timestamp,
        })
        .expect(&r.file);
        let sent = Params::from_parts(Some(&signed.query), None, b"").expect("own query parses");
        assert_eq!(
            sent.get("Signature"),
            Some(r.signature.as_str()),
            "{}",
            r.file
        );
        assert!(signed.query.ends_with(&format!(
            "&Signature={}",
            acs_protocol::encoding::pe(&r.signature)
        )));
        checked += 1;
    }
    assert_eq!(checked, 20);
}

#[tokio::test]
async fn verifier_accepts_every_record_at_its_received_time_and_then_refuses_the_replay() {
    for r in records() {
        let keys = Keys::with(&r.access_key_id, &r.access_key_secret);
        let clock = ManualClock::new(r.received_at());
        let verifier = Verifier::new(keys, InMemoryNonceStore::new(100)).with_clock(clock);
        let p = params(&r);
        let headers = r.header_map();
        let method = r.method();
        let req = IncomingRequest {
            method: &method,
            headers: &headers,
            params: &p,
            body: r.body.as_bytes(),
        };
        let caller = verifier
            .verify(&req)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", r.file));
        assert_eq!(caller.access_key_id, r.access_key_id);
        assert_eq!(caller.principal, format!("user-of-{}", r.access_key_id));
        let expected_version = if r.is_v3() {
            SignatureVersion::V3
        } else {
            SignatureVersion::V1
        };
        assert_eq!(caller.signature_version, expected_version, "{}", r.file);
        // STS records: the token reaches both the lookup and the caller.
        let sts = r.client.contains("sts");
        assert_eq!(caller.security_token.is_some(), sts, "{}", r.file);
        let seen = verifier.lookup().seen.lock().expect("lock").clone();
        if sts {
            assert_eq!(
                caller.security_token.as_ref().map(|t| t.expose()),
                Some("CAIS+test/sts==token")
            );
            assert_eq!(
                seen[0].1.as_deref(),
                Some("CAIS+test/sts==token"),
                "{}",
                r.file
            );
        } else {
            assert_eq!(seen[0].1, None);
        }
        let replay = verifier.verify(&req).await.expect_err("replay");
        assert_eq!(replay.code(), "SignatureNonceUsed", "{}", r.file);
    }
}
