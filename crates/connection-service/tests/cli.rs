//! The built `dataworks-server` binary: first start, health endpoints, graceful shutdown, and
//! the admin tasks.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dataworks-server");

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn base_command(db: &str) -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("DATAWORKS_LISTEN")
        .env_remove("DATAWORKS_DATABASE_URL")
        .env_remove("DATAWORKS_MASTER_KEY")
        .env_remove("DATAWORKS_NONCE_STORE")
        .env_remove("DATAWORKS_LOG_FORMAT")
        .env_remove("RUST_LOG")
        .arg("--database")
        .arg(db);
    c
}

fn admin(db: &str, args: &[&str]) -> Output {
    base_command(db).arg("admin").args(args).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(mut cmd: Command) -> (Self, BufReader<std::process::ChildStdout>) {
        let port = free_port();
        let mut child = cmd
            .arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        (Self { child, port }, stdout)
    }

    async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = format!("http://127.0.0.1:{}/readyz", self.port);
            if let Ok(r) = client.get(&url).send().await {
                assert_eq!(r.status(), 200);
                return;
            }
            assert!(Instant::now() < deadline, "server did not become ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, then the exit status and stderr.
    fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let killed = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut err = String::new();
                self.child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                return (status, err);
            }
            assert!(Instant::now() < deadline, "no graceful exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_banner(stdout: &mut BufReader<std::process::ChildStdout>) -> Vec<String> {
    let mut lines = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        lines.push(line.trim_end().to_owned());
    }
    lines
}

#[tokio::test]
async fn first_start_prints_the_access_key_once_and_serves_health() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/data/dw.db", dir.path().display());
    let (server, mut stdout) = Server::start(base_command(&db));
    let port = server.port;
    let lines = read_banner(&mut stdout);
    assert!(
        lines[0]
            .strip_prefix("ProjectId=")
            .unwrap()
            .parse::<i64>()
            .is_ok(),
        "{lines:?}"
    );
    let id = lines[1].strip_prefix("AccessKeyId=").unwrap().to_owned();
    assert!(id.starts_with("LTAI") && id.len() == 24, "{id}");
    let secret = lines[2]
        .strip_prefix("AccessKeySecret=")
        .unwrap()
        .to_owned();
    assert_eq!(secret.len(), 30);
    server.wait_ready().await;
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let (status, stderr) = server.terminate();
    assert!(status.success(), "graceful exit: {status:?}\n{stderr}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(
        rest.contains("alibabacloud_dataworks_public20200518"),
        "a client example follows"
    );
    assert!(rest.contains(&id), "{rest}");
    assert!(
        rest.contains(&format!("endpoint=\"127.0.0.1:{port}\"")),
        "{rest}"
    );
    assert!(
        !stderr.contains(&secret),
        "the secret never reaches the log"
    );
    // The key file exists with mode 0600 next to the database.
    let key_file = dir.path().join("data").join("master.key");
    assert!(key_file.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // A second start prints nothing: the database is not empty.
    let (server, mut stdout) = Server::start(base_command(&db));
    server.wait_ready().await;
    let (status, _) = server.terminate();
    assert!(status.success());
    let mut out = String::new();
    stdout.read_to_string(&mut out).unwrap();
    assert!(out.is_empty(), "{out}");
    // The printed pair is the stored one.
    let listed = ok(&admin(&db, &["access-key", "list"]));
    assert!(listed.contains(&id) && listed.contains("admin") && !listed.contains(&secret));
}

#[test]
fn admin_tasks_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/admin.db", dir.path().display());
    assert_eq!(
        ok(&admin(&db, &["tenants", "create", "acme"])).trim(),
        "TenantId=1"
    );
    assert!(ok(&admin(&db, &["tenants", "list"])).contains("1\tacme"));
    let dup = admin(&db, &["tenants", "create", "acme"]);
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    assert_eq!(
        ok(&admin(
            &db,
            &["projects", "create", "--tenant", "acme", "sales"]
        ))
        .trim(),
        "ProjectId=1"
    );
    assert!(ok(&admin(&db, &["projects", "list", "--tenant", "1"])).contains("1\t1\tsales\tlive"));
    assert_eq!(
        ok(&admin(
            &db,
            &["users", "create", "--tenant", "acme", "carol"]
        ))
        .trim(),
        "UserId=1"
    );
    assert!(ok(&admin(&db, &["users", "list"])).contains("1\t1\tcarol"));
    ok(&admin(
        &db,
        &[
            "members",
            "add",
            "--project",
            "1",
            "--user",
            "carol",
            "--role",
            "admin",
        ],
    ));
    assert!(ok(&admin(&db, &["members", "list", "--project", "1"])).contains("carol\tadmin"));
    let bad_role = admin(
        &db,
        &[
            "members",
            "add",
            "--project",
            "1",
            "--user",
            "carol",
            "--role",
            "root",
        ],
    );
    assert!(!bad_role.status.success());

    let json = ok(&admin(
        &db,
        &["access-key", "create", "--user", "carol", "--json"],
    ));
    let line = json.trim_end();
    let parsed: serde_json::Value = serde_json::from_str(line).unwrap();
    let id = parsed["AccessKeyId"].as_str().unwrap().to_owned();
    let secret = parsed["AccessKeySecret"].as_str().unwrap().to_owned();
    assert_eq!(
        line,
        format!("{{\"AccessKeyId\": \"{id}\", \"AccessKeySecret\": \"{secret}\"}}")
    );
    assert_eq!(json.lines().count(), 1);
    let plain = ok(&admin(&db, &["access-key", "create", "--user", "carol"]));
    assert!(plain.starts_with("AccessKeyId=LTAI") && plain.contains("\nAccessKeySecret="));
    let listed = ok(&admin(&db, &["access-key", "list", "--user", "carol"]));
    assert!(listed.contains(&format!("{id}\tcarol\tactive")));
    assert!(!listed.contains(&secret));
    ok(&admin(&db, &["access-key", "disable", &id]));
    assert!(ok(&admin(&db, &["access-key", "list"])).contains(&format!("{id}\tcarol\tdisabled")));
    ok(&admin(&db, &["access-key", "delete", &id]));
    assert!(!ok(&admin(&db, &["access-key", "list"])).contains(&id));
    assert!(!admin(&db, &["access-key", "delete", &id]).status.success());
    ok(&admin(
        &db,
        &["members", "remove", "--project", "1", "--user", "carol"],
    ));
    assert!(!ok(&admin(&db, &["members", "list", "--project", "1"])).contains("carol"));
    ok(&admin(&db, &["projects", "delete", "--id", "1"]));
    assert!(ok(&admin(&db, &["projects", "list"])).contains("sales\tdeleted"));
    // The secret is not in the database file.
    let bytes = std::fs::read(dir.path().join("admin.db")).unwrap();
    let wal = std::fs::read(dir.path().join("admin.db-wal")).unwrap_or_default();
    for hay in [&bytes, &wal] {
        assert!(!hay.windows(secret.len()).any(|w| w == secret.as_bytes()));
    }
    // Unknown database schemes are refused clearly.
    let bad = admin("mysql://x", &["tenants", "list"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sqlite://"));
}

#[tokio::test]
async fn postgres_needs_a_shared_master_key_and_bootstraps() {
    let Some(pg) = common::pg_database().await else {
        return;
    };
    let base = std::env::var(common::PG_ENV).unwrap();
    let url = format!("{}/{}", base.rsplit_once('/').unwrap().0, pg.name);
    let no_key = admin(&url, &["tenants", "list"]);
    assert!(!no_key.status.success());
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("DATAWORKS_MASTER_KEY"));
    let key = connection_service::crypto::MasterKey::generate();
    let mut cmd = base_command(&url);
    cmd.env("DATAWORKS_MASTER_KEY", key.to_base64().as_str())
        .env("DATAWORKS_NONCE_STORE", "postgres")
        .env("DATAWORKS_LOG_FORMAT", "json");
    let (server, mut stdout) = Server::start(cmd);
    let lines = read_banner(&mut stdout);
    assert!(lines[1].starts_with("AccessKeyId=LTAI"), "{lines:?}");
    server.wait_ready().await;
    let (status, stderr) = server.terminate();
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.lines().any(|l| l.starts_with('{')),
        "JSON logs: {stderr}"
    );
    let mut admin_cmd = base_command(&url);
    let out = admin_cmd
        .env("DATAWORKS_MASTER_KEY", key.to_base64().as_str())
        .args(["admin", "access-key", "create", "--user", "admin", "--json"])
        .output()
        .unwrap();
    assert!(ok(&out).starts_with("{\"AccessKeyId\": \"LTAI"));
}
