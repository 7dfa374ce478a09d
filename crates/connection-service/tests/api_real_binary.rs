//! The REAL `dataworks-server` binary, called with the generated client: bootstrap credentials
//! from its stdout, an AccessKey from `admin access-key create --json`, connections with planted
//! secrets, errors that carry them (a bad signature, bad Content), then SIGTERM — and none of the
//! planted secrets may be found in the database bytes or in the captured logs.

mod api_support;
mod common;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use api_support::{client_for, contains, pg_url_of, postgresql_content, raw_call};
use common::mysql_content;
use connection_service::content::MASK;
use connection_service::crypto::MasterKey;
use dataworks_client::*;

const BIN: &str = env!("CARGO_BIN_EXE_dataworks-server");

/// A command for the binary on `db` with none of the caller's `DATAWORKS_*` settings.
fn command(db: &str, env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(BIN);
    for var in [
        "DATAWORKS_LISTEN",
        "DATAWORKS_DATABASE_URL",
        "DATAWORKS_MASTER_KEY",
        "DATAWORKS_NONCE_STORE",
        "DATAWORKS_LOG_FORMAT",
        "DATAWORKS_REGION",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c.envs(env.iter().copied()).arg("--database").arg(db);
    c
}

/// Everything a pipe delivers, read on a thread of its own so the server never blocks on it.
struct Drain {
    bytes: Arc<Mutex<Vec<u8>>>,
    thread: JoinHandle<()>,
}

impl Drain {
    fn new(mut pipe: impl Read + Send + 'static) -> Self {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&bytes);
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self { bytes, thread }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes.lock().unwrap()).into_owned()
    }

    /// Waits for the pipe to close, then everything it delivered.
    fn finish(self) -> Vec<u8> {
        self.thread.join().unwrap();
        Arc::try_unwrap(self.bytes).unwrap().into_inner().unwrap()
    }
}

/// The running server; killed if a failed assertion leaves it running.
struct Server {
    child: Child,
    port: u16,
    stdout: Option<Drain>,
    stderr: Option<Drain>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(db: &str, env: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = command(db, env)
            .arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = Drain::new(child.stdout.take().unwrap());
        let stderr = Drain::new(child.stderr.take().unwrap());
        Self {
            child,
            port,
            stdout: Some(stdout),
            stderr: Some(stderr),
        }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// ProjectId, AccessKeyId and AccessKeySecret from the first-start banner.
    async fn banner(&self) -> (i64, String, String) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.stdout.as_ref().unwrap().text();
            let value = |prefix: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(prefix))
                    .map(str::to_owned)
            };
            if let (Some(p), Some(id), Some(secret)) = (
                value("ProjectId="),
                value("AccessKeyId="),
                value("AccessKeySecret="),
            ) {
                return (p.parse().unwrap(), id, secret);
            }
            assert!(
                Instant::now() < deadline,
                "no banner; stderr: {}",
                self.stderr.as_ref().unwrap().text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = reqwest::get(format!("{}/readyz", self.endpoint())).await {
                assert_eq!(r.status(), 200);
                return;
            }
            assert!(Instant::now() < deadline, "server did not become ready");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGTERM; a graceful exit; everything written to stdout and stderr.
    fn terminate(mut self) -> (Vec<u8>, Vec<u8>) {
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "no graceful exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        };
        let stdout = self.stdout.take().unwrap().finish();
        let stderr = self.stderr.take().unwrap().finish();
        assert!(
            status.success(),
            "graceful exit: {status:?}\n{}",
            String::from_utf8_lossy(&stderr)
        );
        (stdout, stderr)
    }
}

/// `admin access-key create --user admin --json`: the new pair.
fn create_access_key(db: &str, env: &[(&str, &str)]) -> (String, String) {
    let out = command(db, env)
        .args(["admin", "access-key", "create", "--user", "admin", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        v["AccessKeyId"].as_str().unwrap().to_owned(),
        v["AccessKeySecret"].as_str().unwrap().to_owned(),
    )
}

/// A value no code path could produce by chance.
fn planted(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("PLANTED-{what}-{}-{nanos}", std::process::id())
}

/// What one run leaves behind, for the caller to search.
struct Run {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// The bootstrap secret: printed in the banner by design, nowhere else.
    bootstrap_secret: String,
    /// Everything else that must be found nowhere.
    secrets: Vec<String>,
    /// Names of the connections created (they are stored in clear, so a dump must show them).
    names: Vec<String>,
}

/// Serves `db`, drives every operation with planted secrets plus failing requests that carry
/// them, stops the server with SIGTERM, and returns what was captured.
async fn exercise(db: &str, env: &[(&str, &str)]) -> Run {
    let server = Server::start(db, env);
    let (project, boot_id, boot_secret) = server.banner().await;
    server.wait_ready().await;
    let (key_id, key_secret) = create_access_key(db, env);
    assert_ne!(key_id, boot_id);
    let (pw_create, pw_second, pw_rotated, pw_rejected, wrong_secret) = (
        planted("pw-create"),
        planted("pw-second"),
        planted("pw-rotated"),
        planted("pw-rejected"),
        planted("wrong-secret"),
    );
    let names = vec!["bin-vault".to_owned(), "bin-probe".to_owned()];
    let endpoint = server.endpoint();
    let boot = client_for(
        &endpoint,
        &boot_id,
        &boot_secret,
        SignatureVersion::V3,
        Format::Json,
    );
    let extra = client_for(
        &endpoint,
        &key_id,
        &key_secret,
        SignatureVersion::V1,
        Format::Xml,
    );

    let vault = boot
        .create_connection(CreateConnectionRequest::new(
            project,
            names[0].as_str(),
            ConnectionType::Mysql,
            mysql_content(&pw_create),
            0,
        ))
        .await
        .unwrap()
        .data;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    extra
        .create_connection(CreateConnectionRequest::new(
            project,
            names[1].as_str(),
            ConnectionType::Postgresql,
            postgresql_content(listener.local_addr().unwrap(), &pw_second),
            1,
        ))
        .await
        .unwrap();
    let listed = extra
        .list_connections(ListConnectionsRequest::new(project).page_size(100))
        .await
        .unwrap();
    assert_eq!(listed.data.total_count, 2);
    for c in &listed.data.connections {
        assert!(c.content.contains(MASK) && !c.content.contains("PLANTED"));
    }
    let masked = listed
        .data
        .connections
        .iter()
        .find(|c| c.id == vault)
        .unwrap()
        .content
        .clone();
    extra
        .update_connection(UpdateConnectionRequest::new(vault, masked, 0).description("kept"))
        .await
        .unwrap();
    boot.update_connection(UpdateConnectionRequest::new(
        vault,
        mysql_content(&pw_rotated),
        0,
    ))
    .await
    .unwrap();
    let probe = boot
        .test_network_connection(TestNetworkConnectionRequest::new(
            project,
            names[1].as_str(),
            "1",
            "S_res_group_1",
        ))
        .await
        .unwrap();
    assert!(
        probe.task_list.connect_status,
        "{}",
        probe.task_list.connect_message
    );

    // Failures that carry the planted values: wrong secrets (both schemes), a duplicate name,
    // Content that is not JSON, a bad Status next to a password.
    for scheme in [SignatureVersion::V3, SignatureVersion::V1] {
        let forged = client_for(&endpoint, &key_id, &wrong_secret, scheme, Format::Json);
        let refused = forged
            .create_connection(CreateConnectionRequest::new(
                project,
                "forged",
                ConnectionType::Mysql,
                mysql_content(&pw_rejected),
                0,
            ))
            .await;
        assert!(
            matches!(
                refused.as_ref().map_err(Error::api_error),
                Err(Some(CreateConnectionError::SignatureDoesNotMatch { .. }))
            ),
            "{refused:?}"
        );
    }
    let duplicate = boot
        .create_connection(CreateConnectionRequest::new(
            project,
            names[0].as_str(),
            ConnectionType::Mysql,
            mysql_content(&pw_rejected),
            0,
        ))
        .await;
    assert!(matches!(
        duplicate.as_ref().map_err(Error::api_error),
        Err(Some(CreateConnectionError::InvalidDataSourceNameDuplicate))
    ));
    let not_json = format!("{{\"password\":\"{pw_rejected}\",");
    let bad = boot
        .create_connection(CreateConnectionRequest::new(
            project,
            "bad",
            ConnectionType::Mysql,
            not_json,
            0,
        ))
        .await;
    match bad {
        Err(Error::Api {
            error: CreateConnectionError::InvalidParameter { message },
            ..
        }) => assert!(!message.contains("PLANTED"), "the answer echoes: {message}"),
        other => panic!("{other:?}"),
    }
    let content = mysql_content(&pw_rejected);
    let vault_id = vault.to_string();
    let (status, body) = raw_call(
        &format!("127.0.0.1:{}", server.port),
        &Credentials::new(key_id.clone(), key_secret.clone()),
        SignatureVersion::V1,
        "UpdateConnection",
        &[
            ("ConnectionId", vault_id.as_str()),
            ("Content", content.as_str()),
            ("EnvType", "0"),
            ("Status", "PAUSED"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("InvalidParameter"))
    );
    assert!(!body.to_string().contains("PLANTED"), "{body}");

    let metrics = reqwest::get(format!("{endpoint}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("dataworks_requests_total{")
            && metrics.contains("code=\"SignatureDoesNotMatch\""),
        "{metrics}"
    );
    drop(listener);

    let (stdout, stderr) = server.terminate();
    assert!(!stderr.is_empty(), "the server logged something");
    Run {
        stdout,
        stderr,
        bootstrap_secret: boot_secret,
        secrets: vec![
            pw_create,
            pw_second,
            pw_rotated,
            pw_rejected,
            wrong_secret,
            key_secret,
        ],
        names,
    }
}

/// Nothing secret in the logs; stdout holds only the banner's copies of the bootstrap secret.
fn assert_nothing_leaked(run: &Run, database: &[u8], what: &str) {
    let stderr = String::from_utf8_lossy(&run.stderr);
    let stdout = String::from_utf8_lossy(&run.stdout);
    for secret in run
        .secrets
        .iter()
        .chain(std::iter::once(&run.bootstrap_secret))
    {
        assert!(
            !contains(&run.stderr, secret.as_bytes()),
            "{secret} in the log:\n{stderr}"
        );
        assert!(
            !contains(database, secret.as_bytes()),
            "{secret} in the {what}"
        );
    }
    for secret in &run.secrets {
        assert!(!stdout.contains(secret.as_str()), "{secret} on stdout");
    }
    assert_eq!(
        stdout.matches(run.bootstrap_secret.as_str()).count(),
        2,
        "the banner shows the first secret (line and example) and nothing else does: {stdout}"
    );
    assert!(stdout.starts_with("ProjectId="), "{stdout}");
    assert!(
        !stderr.contains("PLANTED"),
        "no planted value in the log:\n{stderr}"
    );
    // The dump is not vacuous: the rows are there, their secrets sealed.
    for name in &run.names {
        assert!(
            contains(database, name.as_bytes()),
            "{name} not in the {what}"
        );
    }
    assert!(
        contains(database, b"enc:v1:"),
        "sealed values in the {what}"
    );
}

/// The database file and every sibling it owns (`-wal`, `-shm`, journal), concatenated.
fn sqlite_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("dw.db") {
            bytes.extend(std::fs::read(&path).unwrap());
        }
    }
    bytes
}

async fn sqlite_run(env: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/dw.db", dir.path().display());
    let run = exercise(&db, env).await;
    let bytes = sqlite_bytes(dir.path());
    assert!(bytes.len() > 4096);
    assert_nothing_leaked(&run, &bytes, "SQLite file or its WAL");
    run
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_text_logs_and_files_hold_no_secret() {
    let run = sqlite_run(&[]).await;
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("request"), "one line per request: {stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no terminal colour codes in a piped log: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_json_debug_logs_and_files_hold_no_secret() {
    let run = sqlite_run(&[("DATAWORKS_LOG_FORMAT", "json"), ("RUST_LOG", "debug")]).await;
    let stderr = String::from_utf8_lossy(&run.stderr);
    let json_lines = stderr
        .lines()
        .filter(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
        .count();
    assert!(json_lines > 10, "JSON logs: {stderr}");
    assert!(
        stderr.contains("SignatureDoesNotMatch"),
        "the failure was logged (without secrets): {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_logs_and_rows_hold_no_secret() {
    let Some(pg) = common::pg_database().await else {
        return;
    };
    let url = pg_url_of(&pg.name);
    let key = MasterKey::generate();
    let key = key.to_base64();
    let env = [
        ("DATAWORKS_MASTER_KEY", key.as_str()),
        ("DATAWORKS_LOG_FORMAT", "json"),
    ];
    let run = exercise(&url, &env).await;
    // Every row of every table of the database, as text.
    let (client, conn) = pg.config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(tables.iter().any(|t| t == "connections"), "{tables:?}");
    let mut dump = Vec::new();
    for table in &tables {
        for row in client
            .query(&format!("SELECT t::text FROM \"{table}\" t"), &[])
            .await
            .unwrap()
        {
            dump.extend(row.get::<_, String>(0).into_bytes());
            dump.push(b'\n');
        }
    }
    assert_nothing_leaked(&run, &dump, "PostgreSQL rows");
}
