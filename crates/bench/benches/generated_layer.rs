//! What the generated layer costs per UpdateConnection, in-process (issue 8, item 4; target
//! ≤ 8 µs): the generated axum router driven with `tower::ServiceExt::oneshot` over a trait
//! implementation that does nothing, so the time is parameter merge + dispatch + signature
//! verification (with the in-memory nonce store) + validation + rendering, and no I/O.
//!
//! Each iteration gets a freshly signed request with its own nonce (signing is set-up, not
//! timed). `update_connection_*` is the whole layer; the other benches are its parts.
//! Run: `cargo bench -p bench --bench generated_layer` (`cargo xtask bench` does).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use acs_protocol::answer::{render_success, Format, RequestId};
use acs_protocol::auth::{
    Credential, CredentialLookup, InMemoryNonceStore, IncomingRequest, LookupError, Verifier,
};
use acs_protocol::params::Params;
use acs_protocol::secret::{AccessKeySecret, SecurityToken};
use axum::body::Body;
use bench::presign::{update_params, Signer};
use criterion::measurement::WallTime;
use criterion::{black_box, criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion};
use dataworks_server_stub::{router, DataWorksConnectionApi, RequestContext, ServerConfig};
use dataworks_types as t;
use http_body_util::BodyExt;
use tower::ServiceExt;

const ID: &str = "LTAIbenchGeneratedLayer";
const SECRET: &str = "BenchSecretDoNotUse0123456789";

/// Credentials from a map: the lookup costs a hash probe, as a cached lookup would.
struct Keys(HashMap<String, Credential>);

#[async_trait::async_trait]
impl CredentialLookup for Keys {
    async fn lookup(
        &self,
        id: &str,
        _: Option<&SecurityToken>,
    ) -> Result<Option<Credential>, LookupError> {
        Ok(self.0.get(id).cloned())
    }
}

fn keys() -> Keys {
    let mut m = HashMap::new();
    m.insert(
        ID.to_owned(),
        Credential {
            secret: AccessKeySecret::new(SECRET),
            principal: "1".into(),
            active: true,
        },
    );
    Keys(m)
}

/// The trait with no business logic: the answer the service would give on success.
struct Nothing;

impl DataWorksConnectionApi for Nothing {
    async fn create_connection(
        &self,
        _: &RequestContext,
        _: t::CreateConnectionRequest,
    ) -> Result<t::CreateConnectionResponse, t::CreateConnectionError> {
        Ok(t::CreateConnectionResponse::default())
    }

    async fn update_connection(
        &self,
        _: &RequestContext,
        _: t::UpdateConnectionRequest,
    ) -> Result<t::UpdateConnectionResponse, t::UpdateConnectionError> {
        Ok(t::UpdateConnectionResponse {
            success: true,
            http_status_code: "200".into(),
            data: true,
            ..Default::default()
        })
    }

    async fn list_connections(
        &self,
        _: &RequestContext,
        _: t::ListConnectionsRequest,
    ) -> Result<t::ListConnectionsResponse, t::ListConnectionsError> {
        Ok(t::ListConnectionsResponse::default())
    }

    async fn delete_connection(
        &self,
        _: &RequestContext,
        _: t::DeleteConnectionRequest,
    ) -> Result<t::DeleteConnectionResponse, t::DeleteConnectionError> {
        Ok(t::DeleteConnectionResponse::default())
    }

    async fn test_network_connection(
        &self,
        _: &RequestContext,
        _: t::TestNetworkConnectionRequest,
    ) -> Result<t::TestNetworkConnectionResponse, t::TestNetworkConnectionError> {
        Ok(t::TestNetworkConnectionResponse::default())
    }

    // The DataSource family is not measured here.

    async fn create_data_source(
        &self,
        _: &RequestContext,
        _: t::CreateDataSourceRequest,
    ) -> Result<t::CreateDataSourceResponse, t::CreateDataSourceError> {
        Ok(t::CreateDataSourceResponse::default())
    }

    async fn update_data_source(
        &self,
        _: &RequestContext,
        _: t::UpdateDataSourceRequest,
    ) -> Result<t::UpdateDataSourceResponse, t::UpdateDataSourceError> {
        Ok(t::UpdateDataSourceResponse::default())
    }

    async fn list_data_sources(
        &self,
        _: &RequestContext,
        _: t::ListDataSourcesRequest,
    ) -> Result<t::ListDataSourcesResponse, t::ListDataSourcesError> {
        Ok(t::ListDataSourcesResponse::default())
    }

    async fn delete_data_source(
        &self,
        _: &RequestContext,
        _: t::DeleteDataSourceRequest,
    ) -> Result<t::DeleteDataSourceResponse, t::DeleteDataSourceError> {
        Ok(t::DeleteDataSourceResponse::default())
    }

    async fn export_data_sources(
        &self,
        _: &RequestContext,
        _: t::ExportDataSourcesRequest,
    ) -> Result<t::ExportDataSourcesResponse, t::ExportDataSourcesError> {
        Ok(t::ExportDataSourcesResponse::default())
    }

    async fn import_data_sources(
        &self,
        _: &RequestContext,
        _: t::ImportDataSourcesRequest,
    ) -> Result<t::ImportDataSourcesResponse, t::ImportDataSourcesError> {
        Ok(t::ImportDataSourcesResponse::default())
    }

    async fn set_data_source_share(
        &self,
        _: &RequestContext,
        _: t::SetDataSourceShareRequest,
    ) -> Result<t::SetDataSourceShareResponse, t::SetDataSourceShareError> {
        Ok(t::SetDataSourceShareResponse::default())
    }
}

/// A freshly signed UpdateConnection (PUT, V3, parameters in the query, empty body), as the
/// load generator sends it.
fn signed() -> http::Request<Body> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    Signer::new("127.0.0.1:8080", ID, SECRET)
        .sign(
            &http::Method::PUT,
            "UpdateConnection",
            &update_params(1234567, n),
        )
        .expect("signs")
        .map(|_| Body::empty())
}

fn whole_layer(c: &mut BenchmarkGroup<'_, WallTime>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let verifier = Verifier::new(keys(), InMemoryNonceStore::new(16_000_000));
    let app = router(Arc::new(Nothing), ServerConfig::new(verifier));
    // Warm up once and check that the request really succeeds (a 4xx would be cheaper).
    let first = signed();
    let answer = rt.block_on(app.clone().oneshot(first)).expect("infallible");
    assert_eq!(answer.status(), 200, "the bench request must succeed");
    c.bench_function("update_connection_router_oneshot", |b| {
        b.to_async(&rt).iter_batched(
            || (app.clone(), signed()),
            |(app, request)| async move {
                let response = app.oneshot(request).await.expect("infallible");
                let body = response.into_body().collect().await.expect("body");
                black_box(body.to_bytes())
            },
            BatchSize::SmallInput,
        )
    });
}

fn parts(c: &mut BenchmarkGroup<'_, WallTime>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let request = signed();
    let query = request.uri().query().unwrap_or("").to_owned();
    c.bench_function("part_params_merge_and_validate", |b| {
        b.iter(|| {
            let params = Params::from_parts(Some(black_box(&query)), None, b"").expect("parses");
            let typed = t::UpdateConnectionRequest::from_params(|n| params.get(n)).expect("valid");
            black_box(typed)
        })
    });
    let verifier = Verifier::new(keys(), InMemoryNonceStore::new(16_000_000));
    c.bench_function("part_verify_v3_with_nonce_store", |b| {
        b.to_async(&rt).iter_batched(
            || {
                let r = signed();
                let q = r.uri().query().unwrap_or("").to_owned();
                let params = Params::from_parts(Some(&q), None, b"").expect("parses");
                (r.headers().clone(), params)
            },
            |(headers, params)| {
                let verifier = &verifier;
                async move {
                    let incoming = IncomingRequest {
                        method: &http::Method::PUT,
                        headers: &headers,
                        params: &params,
                        body: b"",
                    };
                    black_box(verifier.verify(&incoming).await.expect("verifies"))
                }
            },
            BatchSize::SmallInput,
        )
    });
    let response = t::UpdateConnectionResponse {
        success: true,
        http_status_code: "200".into(),
        data: true,
        ..Default::default()
    };
    c.bench_function("part_render_json", |b| {
        b.iter(|| {
            let id = RequestId::new();
            black_box(render_success(
                "UpdateConnection",
                &id,
                black_box(&response),
                Format::Json,
            ))
        })
    });
}

/// One criterion group, so that the results land in `target/criterion/generated_layer/` where
/// the harness reads them.
fn generated_layer(c: &mut Criterion) {
    let mut group = c.benchmark_group(bench::harness::criterion::GROUP);
    whole_layer(&mut group);
    parts(&mut group);
    group.finish();
}

criterion_group!(benches, generated_layer);
criterion_main!(benches);
