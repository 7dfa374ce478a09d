//! The shared replay caches: PostgreSQL (one atomic statement) and Redis (`SET NX PX`).

mod common;

use std::sync::Arc;
use std::time::Duration;

use connection_service::nonce::{PgNonceStore, RedisNonceStore};
use connection_service::store::postgres::PgStore;
use time::OffsetDateTime;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_nonces_are_remembered_atomically_until_expiry() {
    let Some(db) = common::pg_database().await else {
        return;
    };
    let store = PgStore::connect_with(db.config.clone(), 16).await.unwrap();
    let nonces = Arc::new(PgNonceStore::new(store.pool().clone()));
    let now = OffsetDateTime::now_utc();
    let ttl = Duration::from_secs(900);
    assert!(nonces.remember("LTAIa", "n1", now, ttl).await.unwrap());
    assert!(
        !nonces.remember("LTAIa", "n1", now, ttl).await.unwrap(),
        "replay"
    );
    assert!(
        nonces.remember("LTAIb", "n1", now, ttl).await.unwrap(),
        "per AccessKey"
    );
    let later = now + Duration::from_secs(899);
    assert!(
        !nonces.remember("LTAIa", "n1", later, ttl).await.unwrap(),
        "still inside the window"
    );
    let expired = now + ttl;
    assert!(
        nonces.remember("LTAIa", "n1", expired, ttl).await.unwrap(),
        "window over"
    );
    // Many replicas racing on one nonce: exactly one wins.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let n = nonces.clone();
        tasks.push(tokio::spawn(async move {
            n.remember("LTAIc", "race", now, ttl).await.unwrap()
        }));
    }
    let wins = futures::future::join_all(tasks)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count();
    assert_eq!(wins, 1);
    assert!(
        nonces
            .sweep(now + Duration::from_secs(10_000))
            .await
            .unwrap()
            >= 3
    );
}

/// Under concurrency claims share statements (fewer statements than claims), and every claim
/// still gets its own answer: each distinct nonce is fresh exactly once, duplicates are replays.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_nonce_claims_share_statements_with_their_own_answers() {
    let Some(db) = common::pg_database().await else {
        return;
    };
    let store = PgStore::connect_with(db.config.clone(), 8).await.unwrap();
    let nonces = Arc::new(PgNonceStore::new(store.pool().clone()));
    let now = OffsetDateTime::now_utc();
    let ttl = Duration::from_secs(900);
    // 400 claims on 250 distinct nonces: every 8th nonce is claimed 4 times more.
    let mut names = Vec::new();
    for i in 0..250 {
        names.push(format!("n{i}"));
        if i % 8 == 0 && names.len() < 400 {
            names.extend(std::iter::repeat_n(format!("n{i}"), 4));
        }
    }
    names.truncate(400);
    let distinct: std::collections::HashSet<&String> = names.iter().collect();
    let mut tasks = Vec::new();
    for name in names.clone() {
        let n = nonces.clone();
        tasks.push(tokio::spawn(async move {
            (
                name.clone(),
                n.remember("LTAIz", &name, now, ttl).await.unwrap(),
            )
        }));
    }
    let mut fresh = std::collections::HashMap::<String, usize>::new();
    for t in futures::future::join_all(tasks).await {
        let (name, was_fresh) = t.unwrap();
        *fresh.entry(name).or_default() += usize::from(was_fresh);
    }
    assert_eq!(fresh.len(), distinct.len());
    assert!(fresh.values().all(|&n| n == 1), "{fresh:?}");
    let (claims, statements) = nonces.batching();
    assert_eq!(claims, names.len() as u64);
    assert!(
        statements < claims / 2,
        "{claims} claims went out in {statements} statements"
    );
    // And a later claim of any of them is a replay.
    assert!(!nonces.remember("LTAIz", "n8", now, ttl).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_nonces_expire_by_themselves() {
    let url = std::env::var("DATAWORKS_TEST_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let store =
        match RedisNonceStore::connect(&url, &format!("dwtest:{}:", std::process::id())).await {
            Ok(s) => Arc::new(s),
            Err(e) => {
                eprintln!("note: Redis at {url} is unreachable ({e}); skipping");
                return;
            }
        };
    let nonce = format!("n-{}", OffsetDateTime::now_utc().unix_timestamp_nanos());
    assert!(store
        .remember("LTAIa", &nonce, Duration::from_millis(400))
        .await
        .unwrap());
    assert!(!store
        .remember("LTAIa", &nonce, Duration::from_millis(400))
        .await
        .unwrap());
    assert!(store
        .remember("LTAIb", &nonce, Duration::from_millis(400))
        .await
        .unwrap());
    let mut tasks = Vec::new();
    let racing = format!("{nonce}-race");
    for _ in 0..16 {
        let (s, n) = (store.clone(), racing.clone());
        tasks.push(tokio::spawn(async move {
            s.remember("LTAIc", &n, Duration::from_secs(5))
                .await
                .unwrap()
        }));
    }
    let wins = futures::future::join_all(tasks)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count();
    assert_eq!(wins, 1);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        store
            .remember("LTAIa", &nonce, Duration::from_millis(400))
            .await
            .unwrap(),
        "expired"
    );
}

/// The replay cache's own connections do not wait for the WAL flush; the store's keep full
/// durability.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_replay_cache_sessions_skip_the_flush_wait_and_only_they() {
    let Some(db) = common::pg_database().await else {
        return;
    };
    let store = PgStore::connect_with(db.config.clone(), 2).await.unwrap();
    let nonces = PgStore::connect_with(PgNonceStore::session_config(db.config.clone()), 2)
        .await
        .unwrap();
    let setting = |pool: deadpool_postgres::Pool| async move {
        let client = pool.get().await.unwrap();
        let row = client
            .query_one("SHOW synchronous_commit", &[])
            .await
            .unwrap();
        row.get::<_, String>(0)
    };
    assert_eq!(setting(nonces.pool().clone()).await, "off");
    assert_eq!(setting(store.pool().clone()).await, "on");
}
