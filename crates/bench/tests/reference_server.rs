//! The reference server and the load generator over real loopback HTTP, on a real SQLite file
//! and a real PostgreSQL database: provisioning through signed calls, a short load with zero
//! errors whose updates really landed, and the refusals (bad signature, replay, unknown key).

use std::path::PathBuf;
use std::time::Duration;

use bench::harness::{self, db::FreshDb, Backend, Mix, Options, ServerKind};
use bench::load;
use bench::presign::{Kind, Signer, Workload};
use http::Method;

fn options(scratch_root: PathBuf) -> Options {
    Options {
        quick: true,
        server_bin: PathBuf::from(env!("CARGO_BIN_EXE_reference-server")),
        reference_bin: PathBuf::from(env!("CARGO_BIN_EXE_reference-server")),
        codegen_bin: PathBuf::from(env!("CARGO_BIN_EXE_codegen-run")),
        root: scratch_root,
        postgres_url: std::env::var("DATAWORKS_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        duration: Duration::from_millis(500),
        reps: 1,
        connections: 8,
        rows: 4,
        max_rate: 20_000,
        scale_sizes: (10, 100),
        scale_connections: 2,
        codegen: false,
        backends: vec![Backend::Sqlite, Backend::Postgres],
        criterion: false,
        perf: false,
        dataworks_env: Vec::new(),
        e2e: true,
        realistic: Vec::new(),
        realistic_rows: 40,
        realistic_projects: 4,
        memory_nonces: false,
    }
}

async fn versions(db: &FreshDb) -> Vec<i64> {
    match db {
        FreshDb::Sqlite { file, .. } => {
            let c = rusqlite::Connection::open(file).expect("open");
            let mut s = c
                .prepare("SELECT version FROM connections ORDER BY id")
                .expect("prepare");
            s.query_map([], |r| r.get(0))
                .expect("query")
                .map(|v| v.expect("row"))
                .collect()
        }
        FreshDb::Postgres { url, .. } => {
            let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .expect("connect");
            tokio::spawn(conn);
            c.query("SELECT version FROM connections ORDER BY id", &[])
                .await
                .expect("query")
                .iter()
                .map(|r| r.get(0))
                .collect()
        }
    }
}

async fn exercise(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = options(dir.path().to_path_buf());
    let target = harness::provision(&opts, ServerKind::Reference, backend, opts.rows)
        .await
        .expect("provisioned");
    assert_eq!(target.connection_ids.len(), 4);
    assert_eq!(versions(&target.db).await, vec![1; 4]);

    let pressure = harness::Pressure {
        workers: opts.connections,
        timeout: Duration::from_secs(10),
    };
    let run = harness::measure(&opts, &target, Mix::UpdateList, pressure)
        .await
        .expect("measured");
    assert_eq!(run.errors, 0, "first error: {:?}", run.first_error);
    assert!(run.ok > 0 && run.rate > 0.0);
    assert!(run.update_latency.max > 0 && run.list_latency.max > 0);
    assert!(run.rss_idle_kib > 0 && run.rss_load_kib >= run.rss_idle_kib);
    // Every update bumped a row version: the writes really reached the database.
    let bumped: i64 = versions(&target.db).await.iter().map(|v| v - 1).sum();
    assert!(bumped > 0);

    let addr = target.addr();
    let workload = Workload::own_rows(target.project_id, target.connection_ids.clone(), 0);
    let mut one = bench::presign::presign(&target.signer, &workload, 1, 1).expect("signed");
    let request = one.remove(0).remove(0);
    assert_eq!(request.kind, Kind::Update);
    // Replaying the same signed request: the nonce is refused the second time.
    let (uri, headers) = (
        request.request.uri().clone(),
        request.request.headers().clone(),
    );
    let replay = || {
        let mut r = http::Request::builder()
            .method(Method::PUT)
            .uri(uri.clone())
            .body(http_body_util::Empty::new())
            .expect("request");
        *r.headers_mut() = headers.clone();
        r
    };
    let (status, _) = load::call(addr, replay()).await.expect("first");
    assert_eq!(status, 200);
    let (status, body) = load::call(addr, replay()).await.expect("replay");
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("SignatureNonceUsed"));

    // A wrong secret: SignatureDoesNotMatch; an unknown key: InvalidAccessKeyId.NotFound.
    let params = vec![("ProjectId".to_owned(), target.project_id.to_string())];
    let key_id = target
        .process
        .bootstrap
        .as_ref()
        .map(|b| b.access_key_id.clone())
        .expect("bootstrap");
    let wrong = Signer::new(addr.to_string(), &key_id, "not-the-secret");
    let (status, body) = load::call(
        addr,
        wrong
            .sign(&Method::GET, "ListConnections", &params)
            .expect("signed"),
    )
    .await
    .expect("answer");
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("SignatureDoesNotMatch"));
    let unknown = Signer::new(addr.to_string(), "LTAIunknown", "x");
    let (status, body) = load::call(
        addr,
        unknown
            .sign(&Method::GET, "ListConnections", &params)
            .expect("signed"),
    )
    .await
    .expect("answer");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("InvalidAccessKeyId.NotFound"));
    target.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_server_on_sqlite() {
    exercise(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_server_on_postgres() {
    exercise(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_fills_a_project_through_sql() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = options(dir.path().to_path_buf());
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let target = harness::provision(&opts, ServerKind::Reference, backend, 1)
            .await
            .expect("provisioned");
        target
            .db
            .seed_copies(target.connection_ids[0], 250)
            .await
            .expect("seeded");
        assert_eq!(versions(&target.db).await.len(), 250);
        // The server lists them (TotalCount) right away.
        let params = vec![("ProjectId".to_owned(), target.project_id.to_string())];
        let (status, body) = load::call(
            target.addr(),
            target
                .signer
                .sign(&Method::GET, "ListConnections", &params)
                .expect("signed"),
        )
        .await
        .expect("answer");
        assert_eq!(status, 200);
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(v["Data"]["TotalCount"], 250);
        assert_eq!(v["Data"]["Connections"].as_array().map(Vec::len), Some(10));
        assert!(!String::from_utf8_lossy(&body).contains("enc:v1:"));
        target.finish().await;
    }
}

/// (project, status, env type, type) of every row, read straight from the database.
async fn counted_columns(db: &FreshDb) -> Vec<(i64, i32, i32, String)> {
    let sql = "SELECT project_id, status, env_type, connection_type FROM connections";
    match db {
        FreshDb::Sqlite { file, .. } => {
            let c = rusqlite::Connection::open(file).expect("open");
            let mut s = c.prepare(sql).expect("prepare");
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .expect("query")
                .map(|v| v.expect("row"))
                .collect()
        }
        FreshDb::Postgres { url, .. } => {
            let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .expect("connect");
            tokio::spawn(conn);
            c.query(sql, &[])
                .await
                .expect("query")
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
                .collect()
        }
    }
}

/// The realistic load (random rows over 4 projects, Status and EnvType flipping, filtered
/// lists, V1 signatures) runs without an error on the reference, and afterwards its
/// TotalCount under every filter set equals the rows really stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn realistic_load_keeps_the_reference_counts_exact() {
    use bench::presign::{Pattern, LIST_FILTERS};
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = options(dir.path().to_path_buf());
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let target = harness::provision(&opts, ServerKind::Reference, backend, 1)
            .await
            .expect("provisioned");
        let rows = target
            .db
            .seed_projects(target.connection_ids[0], 4, 10)
            .await
            .expect("seeded");
        assert_eq!(rows.len(), 40);
        let mut projects: Vec<i64> = rows.iter().map(|(p, _)| *p).collect();
        projects.sort_unstable();
        projects.dedup();
        assert_eq!(projects.len(), 4);
        let workload = Workload {
            project_id: target.project_id,
            connection_ids: rows.iter().map(|(_, id)| *id).collect(),
            list_percent: 20,
            pattern: Pattern::Spread { flips: true },
            projects: projects.clone(),
            signature: acs_protocol::signature::SignatureVersion::V1,
        };
        let pressure = harness::Pressure {
            workers: opts.connections,
            timeout: Duration::from_secs(10),
        };
        let run = harness::measure_workload(&opts, &target, workload, pressure)
            .await
            .expect("measured");
        assert_eq!(run.errors, 0, "first error: {:?}", run.first_error);
        assert!(run.update_latency.max > 0 && run.list_latency.max > 0);
        let stored = counted_columns(&target.db).await;
        // Rows were moved between counts: some are DISABLED now (every update draws Status
        // ENABLED/DISABLED at even odds; EnvType 0 is too rare to rely on in a short run).
        assert!(run.ok >= 20, "too few updates to flip anything: {}", run.ok);
        assert!(stored.iter().any(|r| r.1 == 2));
        for &project in &projects {
            for filters in LIST_FILTERS {
                let expected = stored
                    .iter()
                    .filter(|(p, status, env, ctype)| {
                        *p == project
                            && filters.iter().all(|(k, v)| match *k {
                                "Status" => (*status == 1) == (*v == "ENABLED"),
                                "EnvType" => env.to_string() == *v,
                                "ConnectionType" => ctype == v,
                                _ => true,
                            })
                    })
                    .count();
                let mut params = vec![("ProjectId".to_owned(), project.to_string())];
                params.extend(
                    filters
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
                );
                let (status, body) = load::call(
                    target.addr(),
                    target
                        .signer
                        .sign(&Method::GET, "ListConnections", &params)
                        .expect("signed"),
                )
                .await
                .expect("answer");
                assert_eq!(status, 200);
                let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
                assert_eq!(
                    v["Data"]["TotalCount"], expected,
                    "{backend:?} project {project} filters {filters:?}"
                );
            }
        }
        target.finish().await;
    }
}
