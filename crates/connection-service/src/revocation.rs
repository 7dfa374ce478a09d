//! AccessKey changes announced across replicas: on PostgreSQL, disabling, enabling or deleting
//! a key sends `NOTIFY dataworks_access_keys, '<id>'` in the same statement (so only when it
//! commits), and every server listens on that channel and drops the key from its credential
//! cache at once. `dataworks-server admin access-key disable ID` (alias `revoke`) is therefore
//! immediate on every replica, despite [`crate::auth::CREDENTIAL_CACHE_TTL`].
//!
//! While the listening connection is down (PostgreSQL restarting, network), an announcement can
//! be missed, so the cache is not used at all: every request reads its key from the database
//! until the listener is back (and the cache starts empty then).

use std::time::Duration;

use tokio_postgres::{AsyncMessage, NoTls};

use crate::auth::CacheInvalidator;
use crate::store::postgres::describe;

/// The PostgreSQL notification channel; the payload is the AccessKey id.
pub const CHANNEL: &str = "dataworks_access_keys";

/// Longest wait between two attempts to listen again.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Listens for key changes and applies them to `invalidator`'s cache, reconnecting as needed,
/// until the cache is dropped.
pub fn spawn_listener(config: tokio_postgres::Config, invalidator: CacheInvalidator) {
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(50);
        loop {
            match listen(&config, &invalidator).await {
                Ok(()) => return,
                Err(why) => {
                    if !invalidator.set_listening(false) {
                        return;
                    }
                    tracing::warn!(
                        error = %why,
                        "not hearing AccessKey changes; reading keys from the database until back"
                    );
                }
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    });
}

/// One listening connection: `Ok` when the cache is gone, `Err` saying why when the
/// connection is.
async fn listen(
    config: &tokio_postgres::Config,
    invalidator: &CacheInvalidator,
) -> Result<(), String> {
    let (client, mut connection) = config.connect(NoTls).await.map_err(|e| describe(&e))?;
    let (changed, mut changes) = tokio::sync::mpsc::unbounded_channel::<String>();
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    if changed.send(n.payload().to_owned()).is_err() {
                        return Ok(());
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {CHANNEL}"))
        .await
        .map_err(|e| describe(&e))?;
    if !invalidator.set_listening(true) {
        driver.abort();
        return Ok(());
    }
    tracing::info!(channel = CHANNEL, "hearing AccessKey changes");
    while let Some(id) = changes.recv().await {
        if !invalidator.forget(&id) {
            driver.abort();
            return Ok(());
        }
    }
    // The connection ended.
    match driver.await {
        Ok(Err(e)) => Err(describe(&e)),
        _ => Err("the listening connection closed".to_owned()),
    }
}
