//! The service's side of authentication: where the protocol runtime's verifier finds AccessKey
//! secrets and remembers nonces.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use acs_protocol::auth::{
    Credential, CredentialLookup, InMemoryNonceStore, LookupError, NonceOutcome, NonceStore,
    NonceStoreError,
};
use acs_protocol::secret::{AccessKeySecret, SecurityToken};
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::access_keys::lookup_credential;
use crate::crypto::Cipher;
use crate::nonce::{PgNonceStore, RedisNonceStore};
use crate::store::{KeyGeneration, KeyStamp, Store};

/// How long a looked-up AccessKey is reused. Every signed request needs its secret, and a database
/// read plus an AES-GCM open per request would cost more than the rest of the request. Disabling
/// or deleting a key still takes effect at once: on PostgreSQL every change to a key is announced
/// (LISTEN/NOTIFY, see [`crate::revocation`]) and each replica drops it from its cache; on SQLite
/// the cache is used only while the stamp of the key-change marker
/// ([`crate::store::KeyGeneration`]) is the one it was filled under. Without either, a change
/// takes effect within this time.
pub const CREDENTIAL_CACHE_TTL: Duration = Duration::from_secs(5);

/// Bound on cached keys, so a flood of distinct valid ids cannot grow memory without limit.
const CREDENTIAL_CACHE_MAX: usize = 10_000;

/// AccessKeys from the store, decrypted under the master key, cached for a short time
/// ([`CREDENTIAL_CACHE_TTL`] by default).
///
/// Only found keys are cached (a key created a moment ago works at once, and unknown ids sent by
/// anyone cannot fill the cache). A cached disabled key stays disabled for the same time, so
/// re-enabling one also takes up to the TTL. Cached secrets are [`AccessKeySecret`]s, wiped
/// from memory when an entry is replaced or dropped.
pub struct StoreCredentials {
    store: Arc<dyn Store>,
    cipher: Cipher,
    ttl: Duration,
    cache: Arc<KeyCache>,
}

/// The cached keys, shared with whatever announces changes ([`CacheInvalidator`]).
#[derive(Default)]
struct KeyCache {
    entries: Mutex<Entries>,
    /// Where AccessKey changes by other processes show (SQLite): asked before every use of the
    /// cache, which is emptied whenever the stamp moved.
    generation: Option<Box<dyn KeyGeneration>>,
    /// Set for a cache kept coherent by announcements: it is used only while they are heard
    /// (a lost listener means possibly missed revocations, so every lookup reads the store).
    needs_listener: bool,
    listening: AtomicBool,
}

/// The cached keys and the change stamp they were read under.
#[derive(Default)]
struct Entries {
    keys: HashMap<String, (Instant, Credential)>,
    /// The [`KeyGeneration`] stamp last seen; every entry was read from the store after the
    /// stamp had this value.
    generation: KeyStamp,
}

/// Whether the cache may be used for one lookup, and under which change stamp.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Validity {
    /// No stamp to follow (PostgreSQL, tests): entries live for the TTL.
    Timed,
    /// The stamp read just now: entries are valid when it is the cache's.
    Generation(KeyStamp),
    /// Not usable (no announcements heard, or the stamp could not be read).
    Unusable,
}

impl KeyCache {
    fn usable(&self) -> bool {
        !self.needs_listener || self.listening.load(Ordering::Acquire)
    }

    fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.keys.clear();
        }
    }

    /// Reads the change stamp (when there is one) and empties the cache if it moved. Entries
    /// read from the store after this call may be remembered under the returned validity.
    fn validity(&self) -> Validity {
        if !self.usable() {
            return Validity::Unusable;
        }
        let Some(marker) = &self.generation else {
            return Validity::Timed;
        };
        let Ok(now) = marker.current() else {
            // Cannot tell whether a key changed (marker removed): read the store instead.
            return Validity::Unusable;
        };
        let Ok(mut entries) = self.entries.lock() else {
            return Validity::Unusable;
        };
        // Any difference empties the cache. Two requests reading it on either side of a change
        // may flip it back once; an entry is only ever used under the stamp it was read after,
        // and a stamp does not come back once it has moved on (the marker only grows), so no
        // entry read before a change survives it.
        if now != entries.generation {
            entries.keys.clear();
            entries.generation = now;
        }
        Validity::Generation(now)
    }
}

/// Tells a [`StoreCredentials`] cache that keys changed elsewhere. Holds the cache weakly: once
/// the credentials are dropped, its methods answer `false` (the announcer can stop).
#[derive(Clone)]
pub struct CacheInvalidator {
    cache: Weak<KeyCache>,
}

impl CacheInvalidator {
    /// Drops `access_key_id` from the cache.
    pub fn forget(&self, access_key_id: &str) -> bool {
        let Some(cache) = self.cache.upgrade() else {
            return false;
        };
        if let Ok(mut entries) = cache.entries.lock() {
            entries.keys.remove(access_key_id);
        }
        true
    }

    /// Whether announcements are heard now. Either way the cache is emptied: what it held may
    /// have changed while nothing was heard.
    pub fn set_listening(&self, listening: bool) -> bool {
        let Some(cache) = self.cache.upgrade() else {
            return false;
        };
        cache.listening.store(listening, Ordering::Release);
        cache.clear();
        true
    }
}

impl StoreCredentials {
    /// Looks keys up in `store`, secrets opened with `cipher`, cached for [`CREDENTIAL_CACHE_TTL`].
    pub fn new(store: Arc<dyn Store>, cipher: Cipher) -> Self {
        Self::with_ttl(store, cipher, CREDENTIAL_CACHE_TTL)
    }

    /// Same, cached for `ttl` (zero: every request reads the store).
    pub fn with_ttl(store: Arc<dyn Store>, cipher: Cipher, ttl: Duration) -> Self {
        Self {
            store,
            cipher,
            ttl,
            cache: Arc::default(),
        }
    }

    /// Same as [`StoreCredentials::new`], with a cache used only while `generation` (where the
    /// store shows AccessKey changes) has the stamp the cache was filled under: a key changed by
    /// any process is read afresh on the next request.
    pub fn following(
        store: Arc<dyn Store>,
        cipher: Cipher,
        generation: Box<dyn KeyGeneration>,
    ) -> Self {
        Self {
            store,
            cipher,
            ttl: CREDENTIAL_CACHE_TTL,
            cache: Arc::new(KeyCache {
                generation: Some(generation),
                ..KeyCache::default()
            }),
        }
    }

    /// Same as [`StoreCredentials::new`], with a cache used only while the returned
    /// [`CacheInvalidator`] says changes are heard (`set_listening(true)`), and emptied of each
    /// key it is told changed.
    pub fn announced(store: Arc<dyn Store>, cipher: Cipher) -> (Self, CacheInvalidator) {
        let cache = Arc::new(KeyCache {
            needs_listener: true,
            ..KeyCache::default()
        });
        let invalidator = CacheInvalidator {
            cache: Arc::downgrade(&cache),
        };
        let credentials = Self {
            store,
            cipher,
            ttl: CREDENTIAL_CACHE_TTL,
            cache,
        };
        (credentials, invalidator)
    }

    fn cached(&self, access_key_id: &str, validity: Validity) -> Option<Credential> {
        if validity == Validity::Unusable || self.ttl.is_zero() {
            return None;
        }
        let entries = self.cache.entries.lock().ok()?;
        if let Validity::Generation(seen) = validity {
            if seen != entries.generation {
                return None;
            }
        }
        let (at, credential) = entries.keys.get(access_key_id)?;
        (at.elapsed() < self.ttl).then(|| credential.clone())
    }

    /// Caches a key read from the store after `validity` was taken; skipped when the stamp
    /// moved in between (the read may predate the change).
    fn remember(&self, access_key_id: &str, credential: &Credential, validity: Validity) {
        if self.ttl.is_zero() || validity == Validity::Unusable || !self.cache.usable() {
            return;
        }
        if let Ok(mut entries) = self.cache.entries.lock() {
            if let Validity::Generation(seen) = validity {
                if seen != entries.generation {
                    return;
                }
            }
            let cache = &mut entries.keys;
            if cache.len() >= CREDENTIAL_CACHE_MAX {
                let ttl = self.ttl;
                cache.retain(|_, (at, _)| at.elapsed() < ttl);
                if cache.len() >= CREDENTIAL_CACHE_MAX {
                    cache.clear();
                }
            }
            cache.insert(
                access_key_id.to_owned(),
                (Instant::now(), credential.clone()),
            );
        }
    }
}

#[async_trait]
impl CredentialLookup for StoreCredentials {
    /// STS tokens are not issued by this service, so a token is accepted as signed material but
    /// does not change whose key it is.
    async fn lookup(
        &self,
        access_key_id: &str,
        _security_token: Option<&SecurityToken>,
    ) -> Result<Option<Credential>, LookupError> {
        let validity = self.cache.validity();
        if let Some(hit) = self.cached(access_key_id, validity) {
            return Ok(Some(hit));
        }
        let Some(found) = lookup_credential(self.store.as_ref(), &self.cipher, access_key_id)
            .await
            .map_err(LookupError::new)?
        else {
            return Ok(None);
        };
        let credential = Credential {
            secret: AccessKeySecret::new(found.secret.expose()),
            principal: found.user_id.to_string(),
            active: found.active,
        };
        self.remember(access_key_id, &credential, validity);
        Ok(Some(credential))
    }
}

/// The replay cache chosen by configuration: in memory for a single instance, shared
/// (PostgreSQL or Redis) when several replicas serve the same keys.
pub enum Nonces {
    Memory(InMemoryNonceStore),
    Postgres(PgNonceStore),
    Redis(RedisNonceStore),
}

#[async_trait]
impl NonceStore for Nonces {
    async fn remember(
        &self,
        access_key_id: &str,
        nonce: &str,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Result<NonceOutcome, NonceStoreError> {
        let fresh = match self {
            Nonces::Memory(store) => return store.remember(access_key_id, nonce, now, ttl).await,
            Nonces::Postgres(store) => store.remember(access_key_id, nonce, now, ttl).await,
            Nonces::Redis(store) => store.remember(access_key_id, nonce, ttl).await,
        };
        match fresh {
            Ok(true) => Ok(NonceOutcome::Fresh),
            Ok(false) => Ok(NonceOutcome::Replayed),
            Err(e) => Err(NonceStoreError::new(e)),
        }
    }
}
