//! The client's signatures: the requests it builds reproduce the published v1 and V3 vectors,
//! match an independent implementation of both algorithms written here, and pass the protocol
//! runtime's verifier (fixed nonce and clock through the builder's hooks).

mod support;

use std::sync::{Arc, Mutex};

use acs_protocol::auth::{InMemoryNonceStore, IncomingRequest, ManualClock, Verifier};
use acs_protocol::params::Params;
use base64::Engine;
use bytes::Bytes;
use dataworks_client::*;
use hmac::{Hmac, Mac};
use http_body_util::Full;
use sha2::{Digest, Sha256};
use support::*;
use time::macros::datetime;
use time::OffsetDateTime;

const AT: OffsetDateTime = datetime!(2024-05-06 07:08:09 UTC);
const NONCE: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn the_published_v3_vector_is_reproduced() {
    let endpoint = Endpoint::parse("https://ecs.cn-shanghai.aliyuncs.com").unwrap();
    let credentials = Credentials::new("YourAccessKeyId", "YourAccessKeySecret");
    let params = vec![
        (
            "ImageId".to_owned(),
            "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd".to_owned(),
        ),
        ("RegionId".to_owned(), "cn-shanghai".to_owned()),
    ];
    let request = endpoint
        .signed_request(&SignRequest {
            method: &http::Method::POST,
            host: endpoint.host(),
            action: "RunInstances",
            version: "2014-05-26",
            params: &params,
            credentials: &credentials,
            scheme: SignatureVersion::V3,
            nonce: "3156853299f313e23d1673dc12e1703d",
            timestamp: datetime!(2023-10-26 10:22:32 UTC),
        })
        .unwrap();
    assert_eq!(
        request.uri().to_string(),
        "https://ecs.cn-shanghai.aliyuncs.com/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
    );
    let canonical = independent_v3_canonical_request(&request);
    assert_eq!(
        hex::encode(Sha256::digest(canonical.as_bytes())),
        "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    );
    let authorization = request.headers()["authorization"].to_str().unwrap();
    assert!(
        authorization.ends_with(
            "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        ),
        "{authorization}"
    );
    assert!(authorization.starts_with("ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"));
}

#[test]
fn the_published_v1_vector_is_reproduced() {
    let endpoint = Endpoint::parse("http://ecs.aliyuncs.com").unwrap();
    let credentials = Credentials::new("testid", "testsecret");
    let params = vec![("Format".to_owned(), "XML".to_owned())];
    let request = endpoint
        .signed_request(&SignRequest {
            method: &http::Method::GET,
            host: endpoint.host(),
            action: "DescribeRegions",
            version: "2014-05-26",
            params: &params,
            credentials: &credentials,
            scheme: SignatureVersion::V1,
            nonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
            timestamp: datetime!(2016-02-23 12:46:24 UTC),
        })
        .unwrap();
    assert_eq!(
        query_param(&request, "Signature").as_deref(),
        Some("OLeaidS1JvxuMvnyHOwuJ+uX5qY=")
    );
    assert_eq!(
        independent_v1_signature(&request, "testsecret"),
        "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    );
}

/// A client whose requests are captured in-process (answered with a success body).
fn capturing_client(
    signature: SignatureVersion,
    token: Option<&str>,
) -> (Client, Arc<Mutex<Vec<http::Request<Bytes>>>>) {
    let captured = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&captured);
    let service = tower::service_fn(move |request: http::Request<Full<Bytes>>| {
        let sink = Arc::clone(&sink);
        async move {
            let (parts, body) = request.into_parts();
            let body = http_body_util::BodyExt::collect(body).await?.to_bytes();
            sink.lock()
                .unwrap()
                .push(http::Request::from_parts(parts, body));
            http::Response::builder()
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from_static(UPDATE_OK.as_bytes())))
                .map_err(BoxError::from)
        }
    });
    let mut builder = Client::builder()
        .endpoint("http://127.0.0.1:8080")
        .access_key(if token.is_some() { STS_KEY_ID } else { KEY_ID }, SECRET)
        .signature_version(signature)
        .nonce_source(|| NONCE.to_owned())
        .clock(|| AT)
        .user_agent("signing-test/1")
        .service(service);
    if let Some(token) = token {
        builder = builder.security_token(token);
    }
    (builder.build().unwrap(), captured)
}

#[tokio::test]
async fn client_requests_pass_the_protocol_verifier_and_an_independent_implementation() {
    let request = UpdateConnectionRequest::new(1, CONTENT, 1)
        .description("spaces, * and ~ and 中文")
        .status("ENABLED");
    for signature in [SignatureVersion::V3, SignatureVersion::V1] {
        for token in [None, Some(STS_TOKEN)] {
            let (client, captured) = capturing_client(signature, token);
            client.update_connection(request.clone()).await.unwrap();
            client.update_connection(request.clone()).await.unwrap();
            let captured = captured.lock().unwrap().clone();
            let sent = &captured[0];
            // The hooks make requests reproducible: the same inputs, the same bytes.
            assert_eq!(sent.uri(), captured[1].uri());
            assert_eq!(sent.headers(), captured[1].headers());
            assert_eq!(sent.method(), http::Method::PUT);
            assert_eq!(sent.headers()["user-agent"], "signing-test/1");
            assert!(sent.body().is_empty());

            // Action and Version travel exactly once, never as API parameters of the caller.
            let query = sent.uri().query().unwrap();
            let count = |name: &str| {
                form_urlencoded::parse(query.as_bytes())
                    .filter(|(n, _)| n == name)
                    .count()
            };
            match signature {
                SignatureVersion::V3 => {
                    assert_eq!((count("Action"), count("Version")), (0, 0));
                    assert_eq!(sent.headers()["x-acs-action"], "UpdateConnection");
                    assert_eq!(sent.headers()["x-acs-version"], "2020-05-18");
                    assert_eq!(sent.headers()["x-acs-signature-nonce"], NONCE);
                    assert_eq!(sent.headers()["x-acs-date"], "2024-05-06T07:08:09Z");
                    let expected = hex::encode(hmac_sha256(
                        SECRET.as_bytes(),
                        format!(
                            "ACS3-HMAC-SHA256\n{}",
                            hex::encode(Sha256::digest(
                                independent_v3_canonical_request(sent).as_bytes()
                            ))
                        )
                        .as_bytes(),
                    ));
                    let authorization = sent.headers()["authorization"].to_str().unwrap();
                    assert!(authorization.ends_with(&format!("Signature={expected}")));
                    assert_eq!(
                        sent.headers()
                            .get("x-acs-security-token")
                            .map(|v| v.to_str().unwrap()),
                        token
                    );
                }
                SignatureVersion::V1 => {
                    assert_eq!((count("Action"), count("Version")), (1, 1));
                    assert!(sent.headers().get("x-acs-action").is_none());
                    assert!(sent.headers().get("x-acs-version").is_none());
                    assert_eq!(query_param(sent, "SignatureNonce").as_deref(), Some(NONCE));
                    assert_eq!(
                        query_param(sent, "Timestamp").as_deref(),
                        Some("2024-05-06T07:08:09Z")
                    );
                    assert_eq!(
                        query_param(sent, "Signature").unwrap(),
                        independent_v1_signature(sent, SECRET)
                    );
                    assert_eq!(query_param(sent, "SecurityToken").as_deref(), token);
                }
            }
            assert_eq!(
                query_param(sent, "Description").as_deref(),
                Some("spaces, * and ~ and 中文")
            );

            // The protocol runtime's verifier, clock pinned to the signing time, accepts it.
            let verifier =
                Verifier::new(Keys, InMemoryNonceStore::new(100)).with_clock(ManualClock::new(AT));
            let params = Params::from_parts(sent.uri().query(), None, sent.body()).unwrap();
            let caller = verifier
                .verify(&IncomingRequest {
                    method: sent.method(),
                    headers: sent.headers(),
                    params: &params,
                    body: sent.body(),
                })
                .await
                .unwrap_or_else(|e| panic!("{signature:?} token={token:?}: {e:?}"));
            assert_eq!(
                caller.access_key_id,
                if token.is_some() { STS_KEY_ID } else { KEY_ID }
            );
            // A tampered parameter does not verify.
            let tampered_query = sent
                .uri()
                .query()
                .unwrap()
                .replace("EnvType=1", "EnvType=0");
            let tampered = Params::from_parts(Some(&tampered_query), None, b"").unwrap();
            let fresh =
                Verifier::new(Keys, InMemoryNonceStore::new(100)).with_clock(ManualClock::new(AT));
            let err = fresh
                .verify(&IncomingRequest {
                    method: sent.method(),
                    headers: sent.headers(),
                    params: &tampered,
                    body: sent.body(),
                })
                .await
                .unwrap_err();
            assert_eq!(err.code(), "SignatureDoesNotMatch");
        }
    }
}

fn query_param(request: &http::Request<Bytes>, name: &str) -> Option<String> {
    form_urlencoded::parse(request.uri().query()?.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// Alibaba's percent-encoding: unreserved characters stay, every other byte is `%XX`.
fn pe(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn sorted_pairs(request: &http::Request<Bytes>, skip: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
            .filter(|(n, _)| n != skip)
            .map(|(n, v)| (pe(&n), pe(&v)))
            .collect();
    pairs.sort();
    pairs
}

/// V3's canonical request, from the request as sent.
fn independent_v3_canonical_request(request: &http::Request<Bytes>) -> String {
    let authorization = request.headers()["authorization"].to_str().unwrap();
    let signed_headers = authorization
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    let query = sorted_pairs(request, "")
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let headers: String = signed_headers
        .split(';')
        .map(|name| {
            let value = request.headers()[name].to_str().unwrap().trim().to_owned();
            format!("{name}:{value}\n")
        })
        .collect();
    format!(
        "{}\n/\n{query}\n{headers}\n{signed_headers}\n{}",
        request.method(),
        hex::encode(Sha256::digest(request.body()))
    )
}

/// v1's signature, from the request as sent.
fn independent_v1_signature(request: &http::Request<Bytes>, secret: &str) -> String {
    let canonical = sorted_pairs(request, "Signature")
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let string_to_sign = format!("{}&%2F&{}", request.method(), pe(&canonical));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}
