//! `dataworks-server serve`: open and migrate the database, bootstrap a first start, serve.

use std::io::{BufWriter, Write};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

use super::{master_key, settings, Cli, ServeArgs};
use crate::app::{app, nonce_store};
use crate::bootstrap::bootstrap;
use crate::config::{LogFormat, NonceStoreKind, Settings};
use crate::crypto::Cipher;
use crate::http::shutdown_signal;
use crate::metrics::Metrics;
use crate::store::{self, Backend};

/// Log lines are formatted on the request's thread but written by a thread of their own, in
/// buffered batches: one `write` to stderr per request was the largest single cost of a request
/// after the database (about 8% of the server's CPU under load). When the writer falls far
/// behind (128k lines queued) lines are dropped rather than stalling requests. The guard
/// flushes what is queued when `serve` returns.
fn init_logging(format: LogFormat) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, guard) = tracing_appender::non_blocking(BufWriter::new(std::io::stderr()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    // A second initialization (tests calling in-process) is harmless: keep the first.
    let installed = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
    installed.ok().map(|()| guard)
}

/// Runs the server until SIGTERM or Ctrl-C.
pub async fn run(cli: &Cli, args: &ServeArgs) -> Result<(), String> {
    let settings: Settings = settings(cli, args.listen.clone())?;
    let _log_writer = init_logging(settings.log_format);
    let key = master_key(&settings)?;
    let cipher = Cipher::new(&key);
    let store = store::open(&settings.database, &settings.store)
        .await
        .map_err(|e| format!("opening the database: {e}"))?;
    tracing::info!(backend = ?store.backend(), "database ready (migrations applied)");
    if settings.nonce_store == NonceStoreKind::Postgres && store.backend() != Backend::Postgres {
        return Err("nonce_store = postgres needs a postgres:// database".to_owned());
    }
    let nonces = nonce_store(&settings).await?;
    tracing::info!(nonce_store = ?settings.nonce_store, region = %settings.region, "replay cache");
    if let Some(first) = bootstrap(store.as_ref(), &cipher)
        .await
        .map_err(|e| format!("bootstrapping the database: {e}"))?
    {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(first.banner(&settings.listen, &settings.region).as_bytes());
        let _ = out.flush();
    }
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| format!("listening on {}: {e}", settings.listen))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("listening on {}: {e}", settings.listen))?;
    tracing::info!(address = %local, "serving");
    let app = app(&settings, store, cipher, nonces, Metrics::default());
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("serving: {e}"))
}
