//! Upgrading a database that already holds connections: migration 2 (the trigger-kept
//! `connection_counts`) must start from the rows already there, on SQLite and on PostgreSQL.

mod common;

use connection_service::store::postgres::PgStore;
use connection_service::store::sqlite::SqliteStore;
use connection_service::store::StoreOptions;

/// (project, env, type, sub-type, status) for the pre-existing connections.
const ROWS: &[(i64, i32, &str, Option<&str>, i32)] = &[
    (1, 0, "mysql", None, 1),
    (1, 0, "mysql", None, 1),
    (1, 1, "mysql", None, 2),
    (1, 0, "rds", Some("sqlserver"), 1),
    (2, 0, "mysql", None, 1),
];

/// The counts a correct backfill produces, sorted by key.
fn expected() -> Vec<(i64, i32, String, String, i32, i64)> {
    let mut out: Vec<(i64, i32, String, String, i32, i64)> = Vec::new();
    for &(p, e, t, s, st) in ROWS {
        let key = (p, e, t.to_owned(), s.unwrap_or("").to_owned(), st);
        match out
            .iter_mut()
            .find(|r| (r.0, r.1, &r.2, &r.3, r.4) == (key.0, key.1, &key.2, &key.3, key.4))
        {
            Some(r) => r.5 += 1,
            None => out.push((key.0, key.1, key.2, key.3, key.4, 1)),
        }
    }
    out.sort();
    out
}

const COUNTS_SQL: &str = "SELECT project_id, env_type, connection_type, sub_type, status, n \
     FROM connection_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5";

#[tokio::test]
async fn sqlite_counts_start_from_existing_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(include_str!("../migrations/sqlite/0001_init.sql"))
            .unwrap();
        c.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, \
               applied_at INTEGER NOT NULL);
             INSERT INTO schema_migrations VALUES (1, '0001_init.sql', 0);
             INSERT INTO tenants (name, created_at) VALUES ('t', 0);
             INSERT INTO projects (tenant_id, name, created_at) VALUES (1, 'p', 0), (1, 'q', 0);",
        )
        .unwrap();
        for (i, &(p, e, t, s, st)) in ROWS.iter().enumerate() {
            c.execute(
                "INSERT INTO connections (tenant_id, project_id, name, connection_type, sub_type, \
                   env_type, status, content, sequence, operator, gmt_create, gmt_modified) \
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, '{}', ?7, 'op', 0, 0)",
                rusqlite::params![p, format!("c{i}"), t, s, e, st, i as i64 + 1],
            )
            .unwrap();
        }
    }
    drop(
        SqliteStore::open(&path, &StoreOptions::default())
            .await
            .unwrap(),
    );
    let c = rusqlite::Connection::open(&path).unwrap();
    let mut stmt = c.prepare(COUNTS_SQL).unwrap();
    let got: Vec<(i64, i32, String, String, i32, i64)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(got, expected());
}

#[tokio::test]
async fn postgres_counts_start_from_existing_rows() {
    let Some(db) = common::pg_database().await else {
        return;
    };
    let (client, conn) = db.config.connect(tokio_postgres::NoTls).await.unwrap();
    let driver = tokio::spawn(conn);
    client
        .batch_execute(include_str!("../migrations/postgres/0001_init.sql"))
        .await
        .unwrap();
    client
        .batch_execute(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
               applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
             INSERT INTO schema_migrations (version, name) VALUES (1, '0001_init.sql');
             INSERT INTO tenants (name) VALUES ('t');
             INSERT INTO projects (tenant_id, name) VALUES (1, 'p'), (1, 'q');",
        )
        .await
        .unwrap();
    for (i, &(p, e, t, s, st)) in ROWS.iter().enumerate() {
        client
            .execute(
                "INSERT INTO connections (tenant_id, project_id, name, connection_type, sub_type, \
                   env_type, status, content, sequence, operator, gmt_create, gmt_modified) \
                 VALUES (1, $1, $2, $3, $4, $5, $6, '{}', $7, 'op', now(), now())",
                &[&p, &format!("c{i}"), &t, &s, &e, &st, &(i as i64 + 1)],
            )
            .await
            .unwrap();
    }
    drop(PgStore::connect_with(db.config.clone(), 2).await.unwrap());
    let got: Vec<(i64, i32, String, String, i32, i64)> = client
        .query(COUNTS_SQL, &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
        .collect();
    assert_eq!(got, expected());
    drop(client);
    let _ = driver.await;
}
