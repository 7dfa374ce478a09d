//! Verification cost of a typical `UpdateConnection` request, v1 and V3, and parameter parsing.
//!
//! `verify_*_full` runs the whole `Verifier::verify` (timestamp, credential lookup in a map,
//! signature, in-memory nonce store) on a freshly signed request each iteration (signing is
//! setup, not timed). `verify_*_no_nonce` swaps in a store that records nothing, isolating the
//! signature work. Run: `cargo bench -p acs-protocol --bench verify -- --quick`.

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use acs_protocol::auth::{
    Credential, CredentialLookup, InMemoryNonceStore, IncomingRequest, LookupError, ManualClock,
    NonceOutcome, NonceStore, NonceStoreError, Verifier,
};
use acs_protocol::params::{Params, RpcTarget};
use acs_protocol::secret::{AccessKeySecret, SecurityToken};
use acs_protocol::signature::SignatureVersion;
use acs_protocol::signing::{sign_request, Credentials, SignRequest};
use async_trait::async_trait;
use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use time::OffsetDateTime;

/// Polls a future that never waits (all stores here are in memory) without an executor.
fn run<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => unreachable!("in-memory stores never wait"),
    }
}

struct Keys(HashMap<String, Credential>);

#[async_trait]
impl CredentialLookup for Keys {
    async fn lookup(
        &self,
        id: &str,
        _: Option<&SecurityToken>,
    ) -> Result<Option<Credential>, LookupError> {
        Ok(self.0.get(id).cloned())
    }
}

struct Forgetful;

#[async_trait]
impl NonceStore for Forgetful {
    async fn remember(
        &self,
        _: &str,
        _: &str,
        _: OffsetDateTime,
        _: Duration,
    ) -> Result<NonceOutcome, NonceStoreError> {
        Ok(NonceOutcome::Fresh)
    }
}

const ID: &str = "LTAI5tTestAccessKeyId";
const SECRET: &str = "TestSecretDoNotUse0123456789abc";

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_795_000_000).expect("valid")
}

fn keys() -> Keys {
    let mut m = HashMap::new();
    m.insert(
        ID.to_owned(),
        Credential {
            secret: AccessKeySecret::new(SECRET),
            principal: "user-1".into(),
            active: true,
        },
    );
    Keys(m)
}

/// The parameters the official SDKs send for an UpdateConnection of an RDS data source.
fn update_connection() -> Vec<(String, String)> {
    [
        ("ConnectionId", "1234567"),
        ("Content", r#"{"database":"orders","instanceName":"rm-uf6abc123def","password":"p@ss w0rd*~+/$","rdsOwnerId":"1234567890123456","regionId":"cn-shanghai","tag":"rds","username":"dw_reader"}"#),
        ("EnvType", "1"),
        ("Description", "订单库 orders (dev) *~+/&="),
        ("Status", "ENABLED"),
        ("Format", "JSON"),
        ("RegionId", "cn-shanghai"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect()
}

/// A wire request: headers as an SDK sends them (V3 also the unsigned extras) and its query.
fn wire(scheme: SignatureVersion, nonce: &str) -> (HeaderMap, String) {
    let params = update_connection();
    let creds = Credentials::new(ID, SECRET);
    let signed = sign_request(&SignRequest {
        method: &Method::PUT,
        host: "127.0.0.1:8080",
        action: "UpdateConnection",
        version: "2020-05-18",
        params: &params,
        credentials: &creds,
        scheme,
        nonce,
        timestamp: now(),
    })
    .expect("signs");
    let mut headers = HeaderMap::new();
    for (n, v) in signed.headers {
        headers.insert(n, HeaderValue::from_str(&v).expect("value"));
    }
    for (n, v) in [
        (
            "user-agent",
            "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
        ),
        ("accept", "application/json"),
        ("accept-encoding", "identity"),
        ("content-length", "0"),
    ] {
        headers.insert(HeaderName::from_static(n), HeaderValue::from_static(v));
    }
    (headers, signed.query)
}

fn bench_verify<N: NonceStore>(c: &mut Criterion, name: &str, scheme: SignatureVersion, nonces: N) {
    let verifier = Verifier::new(keys(), nonces).with_clock(ManualClock::new(now()));
    let mut counter = 0u64;
    c.bench_function(name, |b| {
        b.iter_batched(
            || {
                counter += 1;
                let (headers, query) = wire(scheme, &format!("{counter:032x}"));
                let params = Params::from_parts(Some(&query), None, b"").expect("parses");
                (headers, params)
            },
            |(headers, params)| {
                let req = IncomingRequest {
                    method: &Method::PUT,
                    headers: &headers,
                    params: &params,
                    body: b"",
                };
                let caller = run(verifier.verify(black_box(&req))).expect("verifies");
                black_box(caller);
                (headers, params)
            },
            BatchSize::SmallInput,
        )
    });
}

fn benches(c: &mut Criterion) {
    bench_verify(
        c,
        "verify_v1_full",
        SignatureVersion::V1,
        InMemoryNonceStore::new(16_000_000),
    );
    bench_verify(
        c,
        "verify_v3_full",
        SignatureVersion::V3,
        InMemoryNonceStore::new(16_000_000),
    );
    bench_verify(c, "verify_v1_no_nonce", SignatureVersion::V1, Forgetful);
    bench_verify(c, "verify_v3_no_nonce", SignatureVersion::V3, Forgetful);

    // The same request over and over (caches hot, no nonce): the signature work alone.
    for (name, scheme) in [
        ("verify_v1_hot", SignatureVersion::V1),
        ("verify_v3_hot", SignatureVersion::V3),
    ] {
        let verifier = Verifier::new(keys(), Forgetful).with_clock(ManualClock::new(now()));
        let (headers, query) = wire(scheme, "0123456789abcdef0123456789abcdef");
        let params = Params::from_parts(Some(&query), None, b"").expect("parses");
        let req = IncomingRequest {
            method: &Method::PUT,
            headers: &headers,
            params: &params,
            body: b"",
        };
        c.bench_function(name, |b| {
            b.iter(|| black_box(run(verifier.verify(black_box(&req))).expect("verifies")))
        });
    }

    let (headers, v1_query) = wire(SignatureVersion::V1, "0123456789abcdef0123456789abcdef");
    c.bench_function("parse_params_v1_update_connection", |b| {
        b.iter(|| {
            let p = Params::from_parts(Some(black_box(&v1_query)), None, b"").expect("parses");
            let t = RpcTarget::resolve(&p, &headers).expect("target");
            black_box((p, t))
        })
    });
    let (_, v3_query) = wire(SignatureVersion::V3, "0123456789abcdef0123456789abcdef");
    c.bench_function("parse_params_v3_update_connection", |b| {
        b.iter(|| {
            black_box(Params::from_parts(Some(black_box(&v3_query)), None, b"").expect("parses"))
        })
    });

    let store = InMemoryNonceStore::new(16_000_000);
    let mut n = 0u64;
    c.bench_function("nonce_store_remember", |b| {
        b.iter(|| {
            n += 1;
            black_box(store.remember_now(ID, &format!("{n:032x}"), now(), Duration::from_secs(901)))
        })
    });

    let params = update_connection();
    let creds = Credentials::new(ID, SECRET);
    for (name, scheme) in [
        ("sign_v1", SignatureVersion::V1),
        ("sign_v3", SignatureVersion::V3),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| {
                black_box(sign_request(&SignRequest {
                    method: &Method::PUT,
                    host: "127.0.0.1:8080",
                    action: "UpdateConnection",
                    version: "2020-05-18",
                    params: &params,
                    credentials: &creds,
                    scheme,
                    nonce: "0123456789abcdef0123456789abcdef",
                    timestamp: now(),
                }))
            })
        });
    }
}

criterion_group! {
    name = verify;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(verify);
