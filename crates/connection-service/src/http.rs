//! The HTTP surface owned by the service itself: `/healthz` (the process answers) and
//! `/readyz` (the database takes a write). The RPC router is merged in by the API adapter.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use crate::store::Store;

/// How long a readiness verdict is reused: a load balancer polling `/readyz` from many places
/// costs one probe write per interval, not one per poll.
pub const READINESS_CACHE: Duration = Duration::from_secs(1);
/// Longest wait for the probe: a database that takes longer is not ready.
pub const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

/// The cached readiness verdict.
struct Readiness {
    store: Arc<dyn Store>,
    /// Held during a probe, so that concurrent polls wait for one probe instead of each making
    /// their own.
    last: tokio::sync::Mutex<Option<(Instant, bool)>>,
}

/// Routes `/healthz` and `/readyz`.
pub fn health_router(store: Arc<dyn Store>) -> Router {
    let readiness = Arc::new(Readiness {
        store,
        last: tokio::sync::Mutex::new(None),
    });
    Router::new()
        .route("/healthz", get(|| async { (StatusCode::OK, "ok\n") }))
        .route("/readyz", get(ready))
        .with_state(readiness)
}

/// 200 when the database committed the probe write ([`Store::probe_write`]) within
/// [`READINESS_TIMEOUT`], else 503; cached for [`READINESS_CACHE`].
async fn ready(State(readiness): State<Arc<Readiness>>) -> (StatusCode, &'static str) {
    let mut last = readiness.last.lock().await;
    let ok = match *last {
        Some((at, ok)) if at.elapsed() < READINESS_CACHE => ok,
        _ => {
            let ok = match tokio::time::timeout(READINESS_TIMEOUT, readiness.store.probe_write())
                .await
            {
                Ok(Ok(())) => true,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "readiness check: the database refused the probe write");
                    false
                }
                Err(_) => {
                    tracing::warn!("readiness check: the probe write timed out");
                    false
                }
            };
            *last = Some((Instant::now(), ok));
            ok
        }
    };
    if ok {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database not writable\n")
    }
}

/// Resolves when SIGTERM or Ctrl-C arrives, for axum's graceful shutdown.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
