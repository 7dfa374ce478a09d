//! The whole HTTP application: the generated RPC router on the domain service, plus the
//! service's own `/healthz`, `/readyz` and `/metrics`, and the test-double controls under
//! `/_test/` (see [`crate::test_controls`]).

use std::sync::Arc;

use acs_protocol::auth::{InMemoryNonceStore, Verifier};
use axum::routing::get;
use axum::Router;
use dataworks_server_stub::{router, ServerConfig};

use crate::api::Api;
use crate::auth::{Nonces, StoreCredentials};
use crate::config::{NonceStoreKind, Settings};
use crate::crypto::Cipher;
use crate::domain::ConnectionService;
use crate::explorer;
use crate::http::health_router;
use crate::metrics::Metrics;
use crate::nonce::{PgNonceStore, RedisNonceStore};
use crate::revocation;
use crate::store::{postgres::PgStore, Backend, Store};
use crate::test_controls::TestControls;

/// Redis keys of the shared replay cache start with this.
const REDIS_NONCE_PREFIX: &str = "dataworks:nonce:";

/// Builds the replay cache the settings ask for.
pub async fn nonce_store(settings: &Settings) -> Result<Nonces, String> {
    Ok(match &settings.nonce_store {
        NonceStoreKind::Memory => Nonces::Memory(InMemoryNonceStore::default()),
        NonceStoreKind::Postgres => {
            let refused = |e: &dyn std::fmt::Display| {
                format!("nonce_store = postgres needs a postgres:// database: {e}")
            };
            let config: tokio_postgres::Config =
                settings.database.parse().map_err(|e| refused(&e))?;
            // The store opened first has applied the migrations; the replay cache needs only
            // one connection per batch in flight.
            let pool = PgStore::pool_for(
                PgNonceStore::session_config(config),
                crate::nonce::CONNECTIONS,
            )
            .map_err(|e| refused(&e))?;
            Nonces::Postgres(PgNonceStore::new(pool))
        }
        NonceStoreKind::Redis(url) => Nonces::Redis(
            RedisNonceStore::connect(url, REDIS_NONCE_PREFIX)
                .await
                .map_err(|e| e.to_string())?,
        ),
    })
}

/// Where AccessKey changes are announced: the PostgreSQL database, when the store is one.
fn revocation_config(settings: &Settings, store: &dyn Store) -> Option<tokio_postgres::Config> {
    if store.backend() != Backend::Postgres {
        return None;
    }
    settings.database.parse().ok()
}

/// The router `dataworks-server serve` answers with (call it inside a Tokio runtime: on
/// PostgreSQL it starts the task hearing AccessKey changes, [`revocation::spawn_listener`]).
pub fn app(
    settings: &Settings,
    store: Arc<dyn Store>,
    cipher: Cipher,
    nonces: Nonces,
    metrics: Metrics,
) -> Router {
    let service = ConnectionService::new(store.clone(), cipher.clone(), settings.probe.clone());
    let credentials = match revocation_config(settings, store.as_ref()) {
        Some(config) => {
            let (credentials, invalidator) = StoreCredentials::announced(store.clone(), cipher);
            revocation::spawn_listener(config, invalidator);
            credentials
        }
        None => match store.key_generation() {
            Ok(Some(generation)) => StoreCredentials::following(store.clone(), cipher, generation),
            Ok(None) => StoreCredentials::new(store.clone(), cipher),
            Err(e) => {
                // Without the marker, revocation by another process waits for the cache TTL.
                tracing::warn!(error = %e, "cannot follow AccessKey changes; keys cached for 5 s");
                StoreCredentials::new(store.clone(), cipher)
            }
        },
    };
    let verifier = Verifier::new(credentials, nonces);
    let config = ServerConfig::new(verifier)
        .with_host_id(settings.host_id())
        .with_hooks(Arc::new(metrics.clone()));
    let controls = TestControls::new(settings.test_controls.clone(), store.clone());
    let mut rpc = controls.wrap(router(Arc::new(Api::new(service)), config));
    if settings.explorer.enabled {
        let public_url: Option<Arc<str>> = settings.explorer.public_url.as_deref().map(Arc::from);
        rpc = rpc
            .layer(axum::middleware::from_fn(move |request, next| {
                explorer::recommend_layer(public_url.clone(), request, next)
            }))
            .merge(explorer::router());
    }
    rpc.merge(controls.router())
        .merge(health_router(store))
        .route(
            "/metrics",
            get(move || {
                let metrics = metrics.clone();
                async move { metrics.render() }
            }),
        )
}
