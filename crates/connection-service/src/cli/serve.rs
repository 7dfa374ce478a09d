//! `dataworks-server serve`: open and migrate the database, bootstrap a first start, serve.

use std::io::{IsTerminal, Write};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use super::{master_key, settings, Cli, ServeArgs};
use crate::app::{app, nonce_store};
use crate::bootstrap::{bootstrap, explorer_line};
use crate::config::{LogFormat, NonceStoreKind, Settings};
use crate::connections;
use crate::crypto::Cipher;
use crate::http::shutdown_signal;
use crate::log_writer::{BatchedWriter, FlushGuard};
use crate::metrics::Metrics;
use crate::store::{self, Backend};

/// Log lines go to stderr in batches ([`BatchedWriter`]); the guard writes what is left when
/// `serve` returns.
fn init_logging(format: LogFormat) -> Option<FlushGuard<std::io::Stderr>> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    match BatchedWriter::stderr() {
        Ok((writer, guard)) => install_logging(format, filter, writer).then_some(guard),
        Err(e) => {
            // No thread for the batches: log line by line rather than not at all.
            eprintln!("logging unbatched: {e}");
            install_logging(format, filter, std::io::stderr);
            None
        }
    }
}

/// A second initialization (tests calling in-process) is harmless: the first stays.
fn install_logging<W>(format: LogFormat, filter: EnvFilter, writer: W) -> bool
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    // Colour codes only for a person watching a terminal: not in files and pipes (log
    // collectors), where they are noise and cost formatting time on every request line.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(writer);
    match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    }
    .is_ok()
}

/// Runs the server until SIGTERM or Ctrl-C.
pub async fn run(cli: &Cli, args: &ServeArgs) -> Result<(), String> {
    let settings: Settings = settings(cli, args)?;
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
        if settings.explorer.enabled {
            let _ = out.write_all(b"\n");
            let _ = out.write_all(explorer_line(&settings.listen).as_bytes());
        }
        let _ = out.flush();
    }
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| format!("listening on {}: {e}", settings.listen))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("listening on {}: {e}", settings.listen))?;
    settings.test_controls.check_listen(local)?;
    tracing::info!(
        address = %local,
        explorer = settings.explorer.enabled,
        test_controls = settings.test_controls.enabled,
        "serving"
    );
    let app = app(&settings, store, cipher, nonces, Metrics::default());
    connections::serve(
        listener,
        app,
        &settings.http,
        settings.host_id(),
        shutdown_signal(),
    )
    .await;
    Ok(())
}
