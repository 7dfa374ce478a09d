//! The SQLite writer groups concurrent writes into shared transactions, and every caller still
//! gets its own outcome (a failing write rolls back alone).

mod common;

use std::sync::Arc;

use connection_service::domain::{ListConnections, Role, UpdateConnection};
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

/// Single-statement writes (updates) skip the per-job savepoint: a failing one (an EnvType move
/// onto a taken name) must still fail alone while the rest of its group commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_update_fails_alone_in_its_group() {
    let h = common::Harness::sqlite().await;
    let w = h.world().await;
    let mut ids = Vec::new();
    for i in 0..40 {
        ids.push(
            h.service
                .create_connection(&w.owner, common::mysql(w.project, &format!("a{i}"), 0))
                .await
                .unwrap(),
        );
        if i % 2 == 1 {
            h.service
                .create_connection(&w.owner, common::mysql(w.project, &format!("a{i}"), 1))
                .await
                .unwrap();
        }
    }
    let svc = Arc::new(h.service.clone());
    let mut tasks = Vec::new();
    for &id in &ids {
        let (svc, owner) = (svc.clone(), w.owner);
        tasks.push(tokio::spawn(async move {
            let move_to_prod = UpdateConnection {
                connection_id: id,
                content: common::mysql_content("pw-moved"),
                env_type: 1,
                description: Some("moved".into()),
                status: None,
            };
            svc.update_connection(&owner, move_to_prod).await
        }));
    }
    let outcomes: Vec<bool> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|t| t.unwrap().is_ok())
        .collect();
    let expected: Vec<bool> = (0..40).map(|i| i % 2 == 0).collect();
    assert_eq!(outcomes, expected);
    let page = h
        .service
        .list_connections(
            &w.owner,
            ListConnections {
                project_id: w.project,
                page_size: Some(100),
                ..ListConnections::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total_count, 60);
    for c in &page.connections {
        let i: usize = c.name[1..].parse().unwrap();
        let moved = c.description == "moved";
        // Every even one moved; no odd one did (its env-0 row is untouched).
        assert_eq!(
            moved,
            i % 2 == 0 && c.env_type == 1,
            "{} env {}",
            c.name,
            c.env_type
        );
    }
    let moved = page
        .connections
        .iter()
        .filter(|c| c.description == "moved")
        .count();
    assert_eq!(moved, 20);
}
