//! Replay protection shared by several replicas: "was this (AccessKeyId, nonce) seen within its
//! window?" decided by ONE atomic insert-if-absent, never read-then-write.
//!
//! PostgreSQL: `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired`, which takes over an expired
//! entry and leaves a live one alone; expired rows are swept now and then. Redis:
//! `SET key 1 NX PX ttl`. Keys are sha256(AccessKeyId NUL nonce), a fixed size whatever the
//! nonce's length. These are the bodies of the protocol runtime's `NonceStore`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// A shared nonce store failed.
#[derive(Debug, thiserror::Error)]
pub enum NonceError {
    /// PostgreSQL failed.
    #[error("nonce store (postgres): {0}")]
    Postgres(String),
    /// Redis failed.
    #[error("nonce store (redis): {0}")]
    Redis(String),
}

fn digest(access_key_id: &str, nonce: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(access_key_id.as_bytes());
    h.update([0u8]);
    h.update(nonce.as_bytes());
    h.finalize().into()
}

/// Sweep expired rows once every this many inserts.
const SWEEP_EVERY: u64 = 4096;

/// The PostgreSQL nonce table (`request_nonces`, created by the migrations).
pub struct PgNonceStore {
    pool: deadpool_postgres::Pool,
    inserts: AtomicU64,
}

impl std::fmt::Debug for PgNonceStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgNonceStore").finish_non_exhaustive()
    }
}

impl PgNonceStore {
    /// Uses the store's pool (see [`crate::store::postgres::PgStore::pool`]).
    pub fn new(pool: deadpool_postgres::Pool) -> Self {
        Self {
            pool,
            inserts: AtomicU64::new(0),
        }
    }

    /// Records the pair unless present and unexpired: `true` when fresh, `false` for a replay.
    pub async fn remember(
        &self,
        access_key_id: &str,
        nonce: &str,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Result<bool, NonceError> {
        let err = |e: &dyn std::fmt::Display| NonceError::Postgres(e.to_string());
        let client = self.pool.get().await.map_err(|e| err(&e))?;
        let stmt = client
            .prepare_cached(
                "INSERT INTO request_nonces (digest, expires_at) VALUES ($1, $2) \
                 ON CONFLICT (digest) DO UPDATE SET expires_at = EXCLUDED.expires_at \
                 WHERE request_nonces.expires_at <= $3 \
                 RETURNING 1",
            )
            .await
            .map_err(|e| err(&e))?;
        let key = digest(access_key_id, nonce).to_vec();
        let expires = now + ttl;
        let fresh = client
            .query_opt(&stmt, &[&key, &expires, &now])
            .await
            .map_err(|e| err(&e))?
            .is_some();
        if self.inserts.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.sweep(now).await?;
        }
        Ok(fresh)
    }

    /// Deletes expired entries; returns how many.
    pub async fn sweep(&self, now: OffsetDateTime) -> Result<u64, NonceError> {
        let err = |e: &dyn std::fmt::Display| NonceError::Postgres(e.to_string());
        let client = self.pool.get().await.map_err(|e| err(&e))?;
        client
            .execute("DELETE FROM request_nonces WHERE expires_at <= $1", &[&now])
            .await
            .map_err(|e| err(&e))
    }
}

/// Redis as the nonce store (`redis://...`); entries expire by themselves.
pub struct RedisNonceStore {
    connection: redis::aio::MultiplexedConnection,
    prefix: String,
}

impl std::fmt::Debug for RedisNonceStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisNonceStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisNonceStore {
    /// Connects to `url` (e.g. `redis://127.0.0.1:6379`); keys start with `prefix`.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, NonceError> {
        let client = redis::Client::open(url).map_err(|e| NonceError::Redis(e.to_string()))?;
        let connection = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| NonceError::Redis(e.to_string()))?;
        Ok(Self {
            connection,
            prefix: prefix.to_owned(),
        })
    }

    /// `SET key 1 NX PX ttl`: `true` when fresh, `false` for a replay.
    pub async fn remember(
        &self,
        access_key_id: &str,
        nonce: &str,
        ttl: Duration,
    ) -> Result<bool, NonceError> {
        let key = format!(
            "{}{}",
            self.prefix,
            base64::Engine::encode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                digest(access_key_id, nonce)
            )
        );
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut conn = self.connection.clone();
        let reply: Option<String> = redis::cmd("SET")
            .arg(&key)
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(millis)
            .query_async(&mut conn)
            .await
            .map_err(|e| NonceError::Redis(e.to_string()))?;
        Ok(reply.is_some())
    }
}
