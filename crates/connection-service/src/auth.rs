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
use crate::store::Store;

/// How long a looked-up AccessKey is reused. Every signed request needs its secret, and a database
/// read plus an AES-GCM open per request would cost more than the rest of the request; the price
/// is that disabling or deleting a key takes effect within this time, not at once — except on
/// PostgreSQL, where every change to a key is announced (LISTEN/NOTIFY, see
/// [`crate::revocation`]) and each replica drops it from its cache at once.
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
    entries: Mutex<HashMap<String, (Instant, Credential)>>,
    /// Set for a cache kept coherent by announcements: it is used only while they are heard
    /// (a lost listener means possibly missed revocations, so every lookup reads the store).
    needs_listener: bool,
    listening: AtomicBool,
}

impl KeyCache {
    fn usable(&self) -> bool {
        !self.needs_listener || self.listening.load(Ordering::Acquire)
    }

    fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
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
            entries.remove(access_key_id);
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

    fn cached(&self, access_key_id: &str) -> Option<Credential> {
        if !self.cache.usable() {
            return None;
        }
        let cache = self.cache.entries.lock().ok()?;
        let (at, credential) = cache.get(access_key_id)?;
        (at.elapsed() < self.ttl).then(|| credential.clone())
    }

    fn remember(&self, access_key_id: &str, credential: &Credential) {
        if self.ttl.is_zero() || !self.cache.usable() {
            return;
        }
        if let Ok(mut cache) = self.cache.entries.lock() {
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
        if let Some(hit) = self.cached(access_key_id) {
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
        self.remember(access_key_id, &credential);
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
