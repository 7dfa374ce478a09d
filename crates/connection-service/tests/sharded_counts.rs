//! TotalCount stays exact while concurrent updates flip Status and EnvType over connections
//! spread across every count shard (PostgreSQL keeps 64 shard rows per key, shard = id % 64;
//! SQLite one row per key), under every filter ListConnections counts ahead, on both backends.

mod common;

use std::sync::Arc;

use common::{mysql, mysql_content, Harness};
use connection_service::domain::{
    ConnectionView, CreateConnection, ListConnections, UpdateConnection,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// More connections than shards, so that every shard (and several keys per shard) is used.
const CONNECTIONS: usize = 150;

fn filters() -> Vec<ListConnections> {
    let base = |p| ListConnections {
        project_id: p,
        page_size: Some(10),
        ..ListConnections::default()
    };
    let mut out = Vec::new();
    for status in [None, Some("ENABLED"), Some("DISABLED")] {
        for env in [None, Some(0), Some(1)] {
            for ctype in [None, Some("mysql"), Some("postgresql")] {
                out.push(ListConnections {
                    status: status.map(str::to_owned),
                    env_type: env,
                    connection_type: ctype.map(str::to_owned),
                    ..base(0)
                });
            }
        }
    }
    out.push(ListConnections {
        sub_type: Some("sqlserver".to_owned()),
        ..base(0)
    });
    out.push(ListConnections {
        name: Some("c-1".to_owned()),
        status: Some("DISABLED".to_owned()),
        ..base(0)
    });
    out
}

/// Every connection of the project, read page by page (the truth the counts must match).
async fn all_rows(
    h: &Harness,
    caller: &connection_service::domain::Caller,
    project: i64,
) -> Vec<ConnectionView> {
    let mut out = Vec::new();
    for page in 1.. {
        let got = h
            .service
            .list_connections(
                caller,
                ListConnections {
                    project_id: project,
                    page_number: Some(page),
                    page_size: Some(100),
                    ..ListConnections::default()
                },
            )
            .await
            .unwrap();
        let n = got.connections.len();
        out.extend(got.connections);
        if n < 100 {
            break;
        }
    }
    out
}

fn matches(c: &ConnectionView, f: &ListConnections) -> bool {
    f.status
        .as_deref()
        .is_none_or(|s| (c.status == 1) == (s == "ENABLED"))
        && f.env_type.is_none_or(|e| c.env_type == e)
        && f.connection_type
            .as_deref()
            .is_none_or(|t| c.connection_type == t)
        && f.sub_type.as_deref().is_none_or(|s| c.sub_type == s)
        && f.name.as_deref().is_none_or(|n| c.name.contains(n))
}

async fn assert_counts_exact(
    h: &Harness,
    caller: &connection_service::domain::Caller,
    project: i64,
    when: &str,
) {
    let rows = all_rows(h, caller, project).await;
    assert_eq!(rows.len(), CONNECTIONS + 1, "{when}");
    for f in filters() {
        let f = ListConnections {
            project_id: project,
            ..f
        };
        let expected = rows.iter().filter(|c| matches(c, &f)).count() as i64;
        let page = h.service.list_connections(caller, f.clone()).await.unwrap();
        assert_eq!(page.total_count, expected, "{when}: {f:?}");
    }
}

async fn counts_stay_exact_under_concurrent_flips(h: &Harness) {
    let w = h.world().await;
    let mut ids = Vec::new();
    for i in 0..CONNECTIONS {
        let id = h
            .service
            .create_connection(
                &w.owner,
                mysql(w.project, &format!("c-{i}"), (i % 2) as i32),
            )
            .await
            .unwrap();
        ids.push(id);
    }
    // One more type with a sub-type, so that several keys share shards.
    h.service
        .create_connection(
            &w.owner,
            CreateConnection {
                connection_type: "rds".into(),
                sub_type: Some("sqlserver".into()),
                ..mysql(w.project, "rds-1", 1)
            },
        )
        .await
        .unwrap();
    assert_counts_exact(h, &w.owner, w.project, "after the inserts").await;

    // 16 concurrent writers, 40 updates each, random connections, random Status, EnvType
    // flipping often: many moves between keys, in every shard, racing on the same shard rows.
    let ids = Arc::new(ids);
    let mut tasks = Vec::new();
    for t in 0..16u64 {
        let service = h.service.clone();
        let caller = w.owner;
        let ids = ids.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(t);
            for n in 0..40 {
                let id = *ids.choose(&mut rng).unwrap();
                let status = if rng.gen_bool(0.5) {
                    "ENABLED"
                } else {
                    "DISABLED"
                };
                let update = UpdateConnection {
                    connection_id: id,
                    content: mysql_content(&format!("pw-{t}-{n}")),
                    env_type: i32::from(rng.gen_bool(0.3)),
                    description: None,
                    status: Some(status.to_owned()),
                };
                match service.update_connection(&caller, update).await {
                    Ok(()) => {}
                    // Two connections of one name in one env: the name rule, not a count error.
                    Err(connection_service::domain::DomainError::NameConflict { .. }) => {}
                    Err(e) => panic!("update failed: {e:?}"),
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_counts_exact(h, &w.owner, w.project, "after the concurrent flips").await;

    // Deletes count down in the right shard.
    for id in ids.iter().take(10) {
        h.service.delete_connection(&w.owner, *id).await.unwrap();
    }
    let rows = all_rows(h, &w.owner, w.project).await;
    assert_eq!(rows.len(), CONNECTIONS + 1 - 10);
    for f in filters() {
        let f = ListConnections {
            project_id: w.project,
            ..f
        };
        let expected = rows.iter().filter(|c| matches(c, &f)).count() as i64;
        let page = h
            .service
            .list_connections(&w.owner, f.clone())
            .await
            .unwrap();
        assert_eq!(page.total_count, expected, "after the deletes: {f:?}");
    }
}

on_both_backends!(counts_stay_exact_under_concurrent_flips);
