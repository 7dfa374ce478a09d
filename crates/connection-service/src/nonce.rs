//! Replay protection shared by several replicas: "was this (AccessKeyId, nonce) seen within its
//! window?" decided by ONE atomic insert-if-absent, never read-then-write.
//!
//! PostgreSQL: `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired`, which takes over an expired
//! entry and leaves a live one alone, for all the claims queued at the moment in one statement;
//! expired rows are swept now and then. Redis:
//! `SET key 1 NX PX ttl`. Keys are sha256(AccessKeyId NUL nonce), a fixed size whatever the
//! nonce's length. These are the bodies of the protocol runtime's `NonceStore`.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot, Semaphore};

use crate::store::postgres::describe;

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

/// Sweep expired rows once every this many claims.
const SWEEP_EVERY: u64 = 4096;

/// Claims answered by one statement at most.
const MAX_BATCH: usize = 512;

/// Batches in flight at once (each on its own pooled connection).
const BATCHES_IN_FLIGHT: usize = 4;

/// Connections the replay cache needs: one per batch in flight.
pub const CONNECTIONS: usize = BATCHES_IN_FLIGHT;

/// The PostgreSQL nonce table (`request_nonces`, created by the migrations).
///
/// Every signed request claims its nonce before it is served, so one INSERT (and one durable
/// commit) per request would double the database work of a write and cost more than the write
/// itself. Claims are instead queued to a task that answers everything queued with one
/// statement: while a batch is in flight the next one gathers, so under load the commits are
/// shared and idle requests still go out alone at once. Each claim keeps its own answer.
pub struct PgNonceStore {
    claims: mpsc::Sender<Claim>,
    stats: Arc<BatchStats>,
    pool: deadpool_postgres::Pool,
}

/// One request's claim, answered by the batch that carried it.
struct Claim {
    key: [u8; 32],
    now: OffsetDateTime,
    expires: OffsetDateTime,
    answer: oneshot::Sender<Result<bool, NonceError>>,
}

/// How the claims were grouped, for tests and metrics.
#[derive(Debug, Default)]
struct BatchStats {
    claims: AtomicU64,
    batches: AtomicU64,
}

impl std::fmt::Debug for PgNonceStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgNonceStore").finish_non_exhaustive()
    }
}

impl PgNonceStore {
    /// Uses the store's pool (see [`crate::store::postgres::PgStore::pool`]). Starts the
    /// batching task on the current tokio runtime; it ends when the store is dropped.
    pub fn new(pool: deadpool_postgres::Pool) -> Self {
        let (claims, queue) = mpsc::channel(MAX_BATCH * BATCHES_IN_FLIGHT * 4);
        let stats = Arc::new(BatchStats::default());
        tokio::spawn(batch_claims(pool.clone(), queue, stats.clone()));
        Self {
            claims,
            stats,
            pool,
        }
    }

    /// The session settings for the replay cache's own connections: `synchronous_commit = off`.
    ///
    /// A claim then returns once PostgreSQL has it in memory and in its WAL buffers, without
    /// waiting for the WAL flush (which the business write of the same request waits for
    /// anyway). What a database crash can lose is the last few hundred milliseconds of nonces,
    /// never a half-written row: the same guarantee as Redis with its default `appendfsync
    /// everysec`, and the business data keeps full durability on its own connections.
    pub fn session_config(mut config: tokio_postgres::Config) -> tokio_postgres::Config {
        let options = match config.get_options() {
            Some(existing) => format!("{existing} -c synchronous_commit=off"),
            None => "-c synchronous_commit=off".to_owned(),
        };
        config.options(&options);
        config
    }

    /// Records the pair unless present and unexpired: `true` when fresh, `false` for a replay.
    pub async fn remember(
        &self,
        access_key_id: &str,
        nonce: &str,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Result<bool, NonceError> {
        let (answer, answered) = oneshot::channel();
        let claim = Claim {
            key: digest(access_key_id, nonce),
            now,
            expires: now + ttl,
            answer,
        };
        let gone = || NonceError::Postgres("the nonce batching task stopped".into());
        self.claims.send(claim).await.map_err(|_| gone())?;
        answered.await.map_err(|_| gone())?
    }

    /// (claims, statements) so far: how well claims were shared.
    pub fn batching(&self) -> (u64, u64) {
        (
            self.stats.claims.load(Ordering::Relaxed),
            self.stats.batches.load(Ordering::Relaxed),
        )
    }

    /// Deletes expired entries; returns how many.
    pub async fn sweep(&self, now: OffsetDateTime) -> Result<u64, NonceError> {
        sweep(&self.pool, now).await
    }
}

async fn sweep(pool: &deadpool_postgres::Pool, now: OffsetDateTime) -> Result<u64, NonceError> {
    let err = |e: &dyn std::fmt::Display| NonceError::Postgres(e.to_string());
    let client = pool.get().await.map_err(|e| err(&e))?;
    client
        .execute("DELETE FROM request_nonces WHERE expires_at <= $1", &[&now])
        .await
        .map_err(|e| NonceError::Postgres(describe(&e)))
}

/// Gathers what is queued (up to [`MAX_BATCH`]) whenever a batch slot is free.
async fn batch_claims(
    pool: deadpool_postgres::Pool,
    mut queue: mpsc::Receiver<Claim>,
    stats: Arc<BatchStats>,
) {
    let slots = Arc::new(Semaphore::new(BATCHES_IN_FLIGHT));
    while let Some(first) = queue.recv().await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(claim) => batch.push(claim),
                Err(_) => break,
            }
        }
        let before = stats
            .claims
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        stats.batches.fetch_add(1, Ordering::Relaxed);
        let sweep_due = before / SWEEP_EVERY != (before + batch.len() as u64) / SWEEP_EVERY;
        let pool = pool.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let now = answer_batch(&pool, batch).await;
            if sweep_due {
                if let Err(e) = sweep(&pool, now).await {
                    tracing::warn!(error = %e, "sweeping expired nonces failed");
                }
            }
        });
    }
}

/// One statement for the batch. Keys go in sorted order, so two batches holding the same keys
/// (a replay racing its original) lock them in the same order and cannot deadlock; a key twice
/// in one batch is sent once and its later claims are replays. An entry is taken over only when
/// expired for the earliest clock of the batch, which is returned (for the sweep).
async fn answer_batch(pool: &deadpool_postgres::Pool, mut batch: Vec<Claim>) -> OffsetDateTime {
    batch.sort_by_key(|c| c.key);
    let mut keys: Vec<&[u8]> = Vec::with_capacity(batch.len());
    let mut expiries = Vec::with_capacity(batch.len());
    for (i, claim) in batch.iter().enumerate() {
        if i == 0 || batch[i - 1].key != claim.key {
            keys.push(&claim.key);
            expiries.push(claim.expires);
        }
    }
    // A batch holds at least one claim (the one that started it).
    let now = batch
        .iter()
        .map(|c| c.now)
        .min()
        .unwrap_or_else(OffsetDateTime::now_utc);
    let fresh = async {
        let client = pool.get().await.map_err(|e| e.to_string())?;
        let stmt = client
            .prepare_cached(
                "INSERT INTO request_nonces (digest, expires_at) \
                 SELECT * FROM unnest($1::bytea[], $2::timestamptz[]) \
                 ON CONFLICT (digest) DO UPDATE SET expires_at = EXCLUDED.expires_at \
                 WHERE request_nonces.expires_at <= $3 \
                 RETURNING digest",
            )
            .await
            .map_err(|e| describe(&e))?;
        let rows = client
            .query(&stmt, &[&keys, &expiries, &now])
            .await
            .map_err(|e| describe(&e))?;
        Ok::<_, String>(
            rows.iter()
                .map(|r| r.get::<_, Vec<u8>>(0))
                .collect::<HashSet<Vec<u8>>>(),
        )
    }
    .await;
    let mut previous: Option<[u8; 32]> = None;
    for claim in batch {
        let first_of_key = previous != Some(claim.key);
        previous = Some(claim.key);
        let answer = match &fresh {
            Ok(fresh) => Ok(first_of_key && fresh.contains(claim.key.as_slice())),
            Err(e) => Err(NonceError::Postgres(e.clone())),
        };
        // A request that gave up waiting has nothing left to answer.
        let _ = claim.answer.send(answer);
    }
    now
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
