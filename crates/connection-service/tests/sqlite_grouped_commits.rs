//! The SQLite writer groups concurrent writes into shared transactions, and every caller still
//! gets its own outcome (a failing write rolls back alone).

use std::sync::Arc;

use connection_service::domain::Role;
use connection_service::store::sqlite::SqliteStore;
use connection_service::store::{Store, StoreError, StoreOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_share_commits_and_fail_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        SqliteStore::open(&dir.path().join("g.db"), &StoreOptions::default())
            .await
            .unwrap(),
    );
    let tenant = store.create_tenant("t").await.unwrap();
    let before = store.writer_stats();
    let mut tasks = Vec::new();
    for i in 0..400 {
        let s = store.clone();
        // Every 10th write collides with an earlier name and must fail on its own.
        let name = if i % 10 == 9 {
            "user-0".to_owned()
        } else {
            format!("user-{i}")
        };
        tasks.push(tokio::spawn(async move {
            s.create_user(Some(tenant.id), &name).await
        }));
    }
    let mut created = 0;
    let mut conflicts = 0;
    for t in futures::future::join_all(tasks).await {
        match t.unwrap() {
            Ok(_) => created += 1,
            Err(StoreError::Conflict(_)) => conflicts += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((created, conflicts), (360, 40));
    assert_eq!(store.list_users(Some(tenant.id)).await.unwrap().len(), 360);
    let after = store.writer_stats();
    let jobs = after.jobs - before.jobs;
    let groups = after.groups - before.groups;
    assert_eq!(jobs, 400);
    assert!(
        groups < jobs,
        "writes were grouped: {groups} transactions for {jobs} writes"
    );
    // Memberships written in the same groups are all there.
    let p = store.create_project(tenant.id, "p").await.unwrap();
    let users = store.list_users(Some(tenant.id)).await.unwrap();
    let mut tasks = Vec::new();
    for u in users {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.put_member(p.id, u.id, Role::Visitor).await
        }));
    }
    for t in futures::future::join_all(tasks).await {
        t.unwrap().unwrap();
    }
    assert_eq!(store.list_members(p.id).await.unwrap().len(), 360);
}
