//! Two REAL `dataworks-server` processes on one PostgreSQL database: revoking an AccessKey with
//! the admin command takes effect on both at once (LISTEN/NOTIFY drops it from each replica's
//! credential cache), and `/readyz` follows whether the database takes writes, with the
//! PostgreSQL cause (SQLSTATE and message) in the log.

mod common;
mod server_process;

use std::time::{Duration, Instant};

use connection_service::crypto::MasterKey;
use dataworks_client::{Client, ListConnectionsRequest, RetryPolicy, SignatureVersion};
use server_process::{bin, command, Launch, Server};

fn url_of(name: &str) -> String {
    let base = std::env::var(common::PG_ENV).unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

fn client(endpoint: &str, id: &str, secret: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .access_key(id.to_owned(), secret.to_owned())
        .signature_version(SignatureVersion::V3)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Runs `dataworks-server admin ARGS` on `url`; its stdout.
fn admin(url: &str, key: &str, args: &[&str]) -> String {
    let out = command(&bin())
        .env("DATAWORKS_MASTER_KEY", key)
        .arg("--database")
        .arg(url)
        .arg("admin")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The code a request signed with the client's key gets (`OK` when served).
async fn outcome(api: &Client, project: i64) -> String {
    match api
        .list_connections(ListConnectionsRequest::new(project))
        .await
    {
        Ok(_) => "OK".to_owned(),
        Err(e) => e
            .api_error()
            .map(|a| a.code().to_owned())
            .unwrap_or_else(|| format!("transport: {e}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_a_key_takes_effect_on_every_replica_at_once() {
    let Some(pg) = common::pg_database().await else {
        return;
    };
    let url = url_of(&pg.name);
    let key = MasterKey::generate().to_base64().to_string();
    let launch = || Launch {
        database: url.clone(),
        env: vec![("DATAWORKS_MASTER_KEY".to_owned(), key.clone())],
        ..Launch::default()
    };
    let first = Server::start(launch());
    let (project, _, _) = first.banner().await;
    assert_eq!(first.wait_up().await, 200);
    let second = Server::start(launch());
    assert_eq!(second.wait_up().await, 200);
    let created: serde_json::Value = serde_json::from_str(&admin(
        &url,
        &key,
        &["access-key", "create", "--user", "admin", "--json"],
    ))
    .unwrap();
    let (id, secret) = (
        created["AccessKeyId"].as_str().unwrap(),
        created["AccessKeySecret"].as_str().unwrap(),
    );
    let replicas = [
        client(&first.endpoint(), id, secret),
        client(&second.endpoint(), id, secret),
    ];
    // Both replicas have the key in their cache (each served it just now).
    for api in &replicas {
        assert_eq!(outcome(api, project).await, "OK");
    }
    let revoked_at = Instant::now();
    assert_eq!(
        admin(&url, &key, &["access-key", "revoke", id]).trim(),
        format!("disabled {id}")
    );
    // Refused by both within a second, where the cache alone would have kept the key for 5 s.
    for (i, api) in replicas.iter().enumerate() {
        loop {
            let code = outcome(api, project).await;
            if code == "InvalidAccessKeyId.Inactive" {
                break;
            }
            assert_eq!(code, "OK", "replica {i}");
            assert!(
                revoked_at.elapsed() < Duration::from_secs(1),
                "replica {i} still served the revoked key after {:?}",
                revoked_at.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let refused_after = revoked_at.elapsed();
    // Enabling it again is heard at once too.
    admin(&url, &key, &["access-key", "enable", id]);
    let enabled_at = Instant::now();
    for api in &replicas {
        while outcome(api, project).await != "OK" {
            assert!(
                enabled_at.elapsed() < Duration::from_secs(1),
                "not re-enabled at once"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    println!(
        "FIGURES revoked_refused_on_both_after={refused_after:?} (admin process start to both refusing)"
    );
}

#[tokio::test]
async fn readiness_follows_whether_the_database_takes_writes() {
    let Some(pg) = common::pg_database().await else {
        return;
    };
    let url = url_of(&pg.name);
    let key = MasterKey::generate().to_base64().to_string();
    let server = Server::start(Launch {
        database: url.clone(),
        env: vec![("DATAWORKS_MASTER_KEY".to_owned(), key.clone())],
        ..Launch::default()
    });
    server.banner().await;
    assert_eq!(server.wait_up().await, 200);
    let (admin_client, conn) = pg
        .admin_config
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    // The database turns read-only (as a demoted primary or a full disk's emergency setting
    // would): reads still work, writes do not.
    let name = &pg.name;
    admin_client
        .batch_execute(&format!(
            "ALTER DATABASE \"{name}\" SET default_transaction_read_only = on; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid();"
        ))
        .await
        .unwrap();
    let readyz = format!("{}/readyz", server.endpoint());
    let status = || async { reqwest::get(&readyz).await.unwrap().status().as_u16() };
    let deadline = Instant::now() + Duration::from_secs(15);
    while status().await != 503 {
        assert!(
            Instant::now() < deadline,
            "/readyz stayed 200 on a read-only database"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The cause in the log (written in batches: wait for it), with PostgreSQL's SQLSTATE and
    // message, not tokio-postgres's bare `db error`.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = server.stderr.text();
        let cause = log
            .lines()
            .filter(|l| l.contains("readiness check"))
            .find(|l| {
                l.contains("SQLSTATE 25006: cannot execute UPDATE in a read-only transaction")
            });
        if cause.is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "the cause is not logged: {log}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Writable again: ready again.
    admin_client
        .batch_execute(&format!(
            "ALTER DATABASE \"{name}\" RESET default_transaction_read_only; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid();"
        ))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while status().await != 200 {
        assert!(Instant::now() < deadline, "/readyz did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
