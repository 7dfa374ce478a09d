use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use siphasher::sip128::{Hasher128, SipHasher13};
use time::OffsetDateTime;

/// What remembering a nonce found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceOutcome {
    /// Not seen within its window: recorded now.
    Fresh,
    /// Seen within its window for the same AccessKey id: a replay.
    Replayed,
    /// The store is at its bound and cannot record it; the request must be refused (throttling),
    /// never let through unrecorded.
    Full,
}

/// A shared store failed; answered as `InternalError`, the cause is for logs.
#[derive(Debug, thiserror::Error)]
#[error("nonce store failed")]
pub struct NonceStoreError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

impl NonceStoreError {
    /// Wraps any error.
    pub fn new(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(source.into())
    }
}

/// Remembers `(AccessKey id, nonce)` pairs for a while, atomically.
///
/// Implementations must never forget a pair before `now + ttl`, and must decide "fresh or
/// replayed" with one atomic insert-if-absent (never read-then-write), so that two replicas
/// receiving the same replay cannot both accept it.
#[async_trait]
pub trait NonceStore: Send + Sync {
    /// Records the pair unless present and unexpired.
    async fn remember(
        &self,
        access_key_id: &str,
        nonce: &str,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Result<NonceOutcome, NonceStoreError>;
}

#[async_trait]
impl<T: NonceStore + ?Sized> NonceStore for Arc<T> {
    async fn remember(
        &self,
        access_key_id: &str,
        nonce: &str,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Result<NonceOutcome, NonceStoreError> {
        (**self).remember(access_key_id, nonce, now, ttl).await
    }
}

#[async_trait]
impl<T: NonceStore + ?Sized> NonceStore for Box<T> {
    async fn remember(
        &self,
        access_key_id: &str,
        nonce: &str,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Result<NonceOutcome, NonceStoreError> {
        (**self).remember(access_key_id, nonce, now, ttl).await
    }
}

/// 128-bit keyed digest of (AccessKey id, nonce): fixed size whatever the nonce length, and
/// collision-resistant against chosen nonces because the SipHash key is random per store.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Digest(u64, u64);

impl Hash for Digest {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Already a keyed random hash: feeding half of it is enough and avoids hashing twice.
        state.write_u64(self.0);
    }
}

/// Passes the digest's first half through as the table hash.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only reached if a key type other than `Digest` were used; fold the bytes in anyway.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

struct Shard {
    /// Digest -> expiry (unix seconds, exclusive).
    entries: HashMap<Digest, i64, BuildHasherDefault<PassThrough>>,
    /// When to drop expired entries next (unix seconds).
    next_sweep: i64,
}

/// The in-memory replay cache for a single server process (wire-protocol.md section 4).
///
/// Each entry is a 16-byte keyed digest plus an 8-byte expiry (about 24 bytes of payload,
/// against ~40 for a set of strings), so the bound translates to memory predictably: size it as
/// `requests per second x 1800` (the worst-case lifetime of a nonce is 30 minutes) for full
/// protection at that rate. At its bound the store answers [`NonceOutcome::Full`] instead of
/// evicting, because forgetting a nonce inside its window would let a replay in. Several
/// replicas need a shared store (PostgreSQL, Redis) instead.
pub struct InMemoryNonceStore {
    sip_key: (u64, u64),
    shards: Box<[Mutex<Shard>]>,
    shard_capacity: usize,
}

/// Shards reduce lock contention and keep each expiry sweep short.
const SHARDS_FOR_LARGE: usize = 64;
/// Below this bound a single shard keeps the bound exact.
const LARGE: usize = 64 * 1024;
/// Seconds between expiry sweeps of one shard.
const SWEEP_EVERY: i64 = 10;

impl InMemoryNonceStore {
    /// A store holding at most `max_entries` unexpired nonces (split evenly over its shards).
    pub fn new(max_entries: usize) -> Self {
        let shard_count = if max_entries >= LARGE {
            SHARDS_FOR_LARGE
        } else {
            1
        };
        let shards = (0..shard_count)
            .map(|_| {
                Mutex::new(Shard {
                    entries: HashMap::default(),
                    next_sweep: i64::MIN,
                })
            })
            .collect();
        Self {
            sip_key: (rand::random(), rand::random()),
            shards,
            shard_capacity: max_entries / shard_count,
        }
    }

    /// Unexpired plus not-yet-swept entries (for metrics and tests).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).entries.len())
            .sum()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn digest(&self, access_key_id: &str, nonce: &str) -> Digest {
        let mut h = SipHasher13::new_with_keys(self.sip_key.0, self.sip_key.1);
        // Length-prefixed so that ("ab","c") and ("a","bc") differ.
        h.write_u64(access_key_id.len() as u64);
        h.write(access_key_id.as_bytes());
        h.write(nonce.as_bytes());
        let d = h.finish128();
        Digest(d.h1, d.h2)
    }

    /// The synchronous core of [`NonceStore::remember`].
    pub fn remember_now(
        &self,
        access_key_id: &str,
        nonce: &str,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> NonceOutcome {
        let digest = self.digest(access_key_id, nonce);
        let now_s = now.unix_timestamp();
        let ttl_s = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
        // Round a sub-second remainder up: forgetting early is the one thing not allowed.
        let ttl_s = ttl_s.saturating_add(i64::from(ttl.subsec_nanos() > 0));
        let expires = now_s.saturating_add(ttl_s);
        let index = (digest.1 % self.shards.len() as u64) as usize;
        let mut shard = self.shards[index].lock().unwrap_or_else(|e| e.into_inner());
        if now_s >= shard.next_sweep {
            shard.entries.retain(|_, exp| *exp > now_s);
            shard.next_sweep = now_s.saturating_add(SWEEP_EVERY);
        }
        if let Some(exp) = shard.entries.get_mut(&digest) {
            if *exp > now_s {
                return NonceOutcome::Replayed;
            }
            *exp = expires;
            return NonceOutcome::Fresh;
        }
        if shard.entries.len() >= self.shard_capacity {
            // Expired entries may still occupy room since the last sweep: sweep once more.
            shard.entries.retain(|_, exp| *exp > now_s);
            shard.next_sweep = now_s.saturating_add(SWEEP_EVERY);
            if shard.entries.len() >= self.shard_capacity {
                return NonceOutcome::Full;
            }
        }
        shard.entries.insert(digest, expires);
        NonceOutcome::Fresh
    }
}

impl Default for InMemoryNonceStore {
    /// Four million nonces (about 100-200 MiB at most): ~2,200 requests/s sustained.
    fn default() -> Self {
        Self::new(4_000_000)
    }
}

impl std::fmt::Debug for InMemoryNonceStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemoryNonceStore")
            .field("shards", &self.shards.len())
            .field("shard_capacity", &self.shard_capacity)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl NonceStore for InMemoryNonceStore {
    async fn remember(
        &self,
        access_key_id: &str,
        nonce: &str,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Result<NonceOutcome, NonceStoreError> {
        Ok(self.remember_now(access_key_id, nonce, now, ttl))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + s).expect("valid")
    }

    const TTL: Duration = Duration::from_secs(900);

    #[test]
    fn replay_inside_window_fresh_after_expiry() {
        let store = InMemoryNonceStore::new(10);
        assert_eq!(
            store.remember_now("k", "n", at(0), TTL),
            NonceOutcome::Fresh
        );
        assert_eq!(
            store.remember_now("k", "n", at(899), TTL),
            NonceOutcome::Replayed
        );
        assert_eq!(
            store.remember_now("k2", "n", at(1), TTL),
            NonceOutcome::Fresh
        );
        assert_eq!(
            store.remember_now("k", "n", at(900), TTL),
            NonceOutcome::Fresh
        );
        assert_eq!(
            store.remember_now("k", "n", at(901), TTL),
            NonceOutcome::Replayed
        );
    }

    #[test]
    fn key_and_nonce_boundaries_do_not_collide() {
        let store = InMemoryNonceStore::new(10);
        assert_eq!(
            store.remember_now("ab", "c", at(0), TTL),
            NonceOutcome::Fresh
        );
        assert_eq!(
            store.remember_now("a", "bc", at(0), TTL),
            NonceOutcome::Fresh
        );
    }

    #[test]
    fn full_refuses_instead_of_forgetting_then_recovers_after_expiry() {
        let store = InMemoryNonceStore::new(3);
        for n in ["a", "b", "c"] {
            assert_eq!(store.remember_now("k", n, at(0), TTL), NonceOutcome::Fresh);
        }
        assert_eq!(store.remember_now("k", "d", at(1), TTL), NonceOutcome::Full);
        // Nothing was evicted: all three are still replays.
        for n in ["a", "b", "c"] {
            assert_eq!(
                store.remember_now("k", n, at(2), TTL),
                NonceOutcome::Replayed
            );
        }
        assert_eq!(
            store.remember_now("k", "d", at(900), TTL),
            NonceOutcome::Fresh
        );
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn large_store_is_sharded_and_bounded() {
        let store = InMemoryNonceStore::new(LARGE);
        let mut fresh = 0;
        for i in 0..(LARGE + 5000) {
            if store.remember_now("k", &i.to_string(), at(0), TTL) == NonceOutcome::Fresh {
                fresh += 1;
            }
        }
        assert!(fresh <= LARGE, "{fresh}");
        assert!(fresh > LARGE - 2000, "{fresh}");
    }
}
