//! The verifier's view of the service: AccessKeys found (and cached) through the store, and the
//! configured replay caches behind the protocol runtime's `NonceStore`.

mod common;

use std::time::Duration;

use acs_protocol::auth::{CredentialLookup, InMemoryNonceStore, NonceOutcome, NonceStore};
use connection_service::auth::{Nonces, StoreCredentials};
use connection_service::nonce::PgNonceStore;
use connection_service::store::postgres::PgStore;
use time::OffsetDateTime;

use common::Harness;

/// Found keys carry the user id as principal and the decrypted secret; unknown ids are `None`;
/// a disabled key keeps its cached state until the TTL runs out, then reads the store again.
async fn credentials_are_found_and_cached_for_the_ttl(h: &Harness) {
    h.admin.create_tenant("t").await.unwrap();
    let user = h.admin.create_user("t", "ursula").await.unwrap();
    let key = h.admin.create_access_key("ursula").await.unwrap();
    let ttl = Duration::from_millis(400);
    let lookup = StoreCredentials::with_ttl(h.store.clone(), h.cipher.clone(), ttl);

    let found = lookup.lookup(&key.id, None).await.unwrap().expect("found");
    assert_eq!(found.principal, user.id.to_string());
    assert_eq!(found.secret.expose(), key.secret.expose());
    assert!(found.active);
    assert!(!format!("{found:?}").contains(key.secret.expose()));
    assert!(lookup.lookup("LTAInobody", None).await.unwrap().is_none());

    h.admin.set_access_key_active(&key.id, false).await.unwrap();
    let cached = lookup.lookup(&key.id, None).await.unwrap().expect("cached");
    assert!(cached.active, "inside the TTL the cached state answers");
    tokio::time::sleep(ttl + Duration::from_millis(50)).await;
    let fresh = lookup.lookup(&key.id, None).await.unwrap().expect("found");
    assert!(!fresh.active, "after the TTL the store answers again");

    h.admin.delete_access_key(&key.id).await.unwrap();
    tokio::time::sleep(ttl + Duration::from_millis(50)).await;
    assert!(lookup.lookup(&key.id, None).await.unwrap().is_none());
}

/// With no cache every lookup reads the store: a created key works at once.
async fn uncached_lookups_see_every_change(h: &Harness) {
    h.admin.create_tenant("t").await.unwrap();
    h.admin.create_user("t", "ursula").await.unwrap();
    let lookup = StoreCredentials::with_ttl(h.store.clone(), h.cipher.clone(), Duration::ZERO);
    let key = h.admin.create_access_key("ursula").await.unwrap();
    assert!(lookup.lookup(&key.id, None).await.unwrap().unwrap().active);
    h.admin.set_access_key_active(&key.id, false).await.unwrap();
    assert!(!lookup.lookup(&key.id, None).await.unwrap().unwrap().active);
}

on_both_backends!(
    credentials_are_found_and_cached_for_the_ttl,
    uncached_lookups_see_every_change,
);

async fn replay_is_caught(nonces: &Nonces) {
    let now = OffsetDateTime::now_utc();
    let ttl = Duration::from_secs(900);
    let nonce = format!("n-{}", now.unix_timestamp_nanos());
    assert_eq!(
        nonces.remember("LTAIa", &nonce, now, ttl).await.unwrap(),
        NonceOutcome::Fresh
    );
    assert_eq!(
        nonces.remember("LTAIa", &nonce, now, ttl).await.unwrap(),
        NonceOutcome::Replayed
    );
    assert_eq!(
        nonces.remember("LTAIb", &nonce, now, ttl).await.unwrap(),
        NonceOutcome::Fresh,
        "nonces are per AccessKey"
    );
}

#[tokio::test]
async fn memory_nonces_through_the_configured_store() {
    replay_is_caught(&Nonces::Memory(InMemoryNonceStore::new(1000))).await;
    let full = Nonces::Memory(InMemoryNonceStore::new(1));
    let now = OffsetDateTime::now_utc();
    let ttl = Duration::from_secs(900);
    assert_eq!(
        full.remember("k", "a", now, ttl).await.unwrap(),
        NonceOutcome::Fresh
    );
    assert_eq!(
        full.remember("k", "b", now, ttl).await.unwrap(),
        NonceOutcome::Full,
        "a full memory store refuses instead of forgetting"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_nonces_through_the_configured_store() {
    let Some(db) = common::pg_database().await else {
        return;
    };
    let store = PgStore::connect_with(db.config.clone(), 4).await.unwrap();
    replay_is_caught(&Nonces::Postgres(PgNonceStore::new(store.pool().clone()))).await;
}

#[tokio::test]
async fn redis_nonces_through_the_configured_store() {
    let url = std::env::var("DATAWORKS_TEST_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let store =
        match connection_service::nonce::RedisNonceStore::connect(&url, "dwtest:auth:").await {
            Ok(store) => store,
            Err(e) => {
                eprintln!("note: Redis at {url} is unreachable ({e}); skipping");
                return;
            }
        };
    replay_is_caught(&Nonces::Redis(store)).await;
}
