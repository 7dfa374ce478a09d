//! The `dataworks` binary run as a process against a running `dataworks-server` (the real
//! binary, started with `--test-controls` so that the request log shows what was sent): every
//! operation with JSON, table and XML output, an API error (exit 1), a constraint of the spec
//! (exit 2, nothing sent), a dry run replayed with curl (accepted once, refused as a replay the
//! second time), the aliyun CLI's profile file, `@file` and `-` arguments, completions.
//!
//! The server binary is the workspace's `target/<profile>/dataworks-server`, built by
//! `cargo test --workspace` (as `cargo xtask test` runs it) or
//! `cargo build -p connection-service --bin dataworks-server`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CLI: &str = env!("CARGO_BIN_EXE_dataworks");

fn server_binary() -> PathBuf {
    let path =
        Path::new(CLI).with_file_name(format!("dataworks-server{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p connection-service --bin dataworks-server` \
         (or the whole suite with `cargo xtask test`)",
        path.display()
    );
    path
}

/// A running server on a fresh SQLite file, killed when dropped.
struct Server {
    child: Child,
    endpoint: String,
    project: i64,
    id: String,
    secret: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(server_binary());
        for var in [
            "DATAWORKS_LISTEN",
            "DATAWORKS_DATABASE_URL",
            "DATAWORKS_MASTER_KEY",
            "RUST_LOG",
        ] {
            command.env_remove(var);
        }
        let mut child = command
            .arg("--database")
            .arg(format!("sqlite://{}/dw.db", dir.path().display()))
            .args(["serve", "--test-controls", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let text = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&text);
        let mut stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        // Owned by `Server` from here on, so that a failed start still kills and waits for it.
        let mut server = Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            project: 0,
            id: String::new(),
            secret: String::new(),
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let banner = text.lock().unwrap().clone();
            let value = |prefix: &str| {
                banner
                    .lines()
                    .find_map(|l| l.strip_prefix(prefix))
                    .map(str::to_owned)
            };
            if let (Some(project), Some(id), Some(secret)) = (
                value("ProjectId="),
                value("AccessKeyId="),
                value("AccessKeySecret="),
            ) {
                if reqwest::blocking::get(format!("{}/healthz", server.endpoint)).is_ok() {
                    server.project = project.parse().unwrap();
                    server.id = id;
                    server.secret = secret;
                    return server;
                }
            }
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The request log for `action`, newest first.
    fn requests(&self, action: &str) -> Vec<Value> {
        let log: Value =
            reqwest::blocking::get(format!("{}/_test/requests?action={action}", self.endpoint))
                .unwrap()
                .json()
                .unwrap();
        log["requests"].as_array().unwrap().clone()
    }
}

/// The CLI with nothing of the caller's environment: HOME is `home`, credentials only as given.
fn dataworks(home: &Path, env: &[(&str, &str)], args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(CLI);
    command
        .env_clear()
        .env("HOME", home)
        .envs(env.iter().copied())
        .args(args);
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

struct World {
    server: Server,
    home: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        World {
            server: Server::start(),
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn env(&self) -> Vec<(&str, &str)> {
        vec![
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", self.server.id.as_str()),
            (
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                self.server.secret.as_str(),
            ),
            ("DATAWORKS_ENDPOINT", self.server.endpoint.as_str()),
        ]
    }

    /// Runs the CLI with the server's key from the environment; asserts the exit code.
    fn run(&self, args: &[&str], stdin: Option<&str>, code: i32) -> Output {
        let out = dataworks(self.home.path(), &self.env(), args, stdin);
        assert_eq!(
            out.status.code(),
            Some(code),
            "dataworks {args:?}\nstdout: {}\nstderr: {}",
            text(&out.stdout),
            text(&out.stderr)
        );
        out
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args, None, 0);
        let stdout = text(&out.stdout);
        assert_eq!(
            stdout.lines().count(),
            1,
            "one line off a terminal: {stdout}"
        );
        serde_json::from_str(&stdout).unwrap()
    }
}

fn content(password: &str) -> String {
    json!({"database": "db", "instanceName": "rm-1", "password": password, "username": "u", "regionId": "cn-shanghai", "tag": "rds"}).to_string()
}

#[test]
fn every_operation_with_json_table_and_xml_output() {
    let w = World::new();
    let project = w.server.project.to_string();
    let created = w.json(&[
        "create-connection",
        "--project-id",
        &project,
        "--name",
        "first",
        "--connection-type",
        "rds",
        "--sub-type",
        "mysql",
        "--env-type",
        "1",
        "--content",
        &content("pw-1"),
        "--description",
        "made by the CLI",
    ]);
    assert_eq!(created["Success"], true);
    let id = created["Data"].as_i64().unwrap().to_string();

    // Content from a file, then from standard input.
    let file = w.home.path().join("content.json");
    std::fs::write(&file, format!("{}\n", content("pw-2"))).unwrap();
    let at_file = format!("@{}", file.display());
    let updated = w.json(&[
        "update-connection",
        "--connection-id",
        &id,
        "--env-type",
        "1",
        "--content",
        &at_file,
        "--status",
        "DISABLED",
    ]);
    assert_eq!(updated["Data"], true);
    let sent = w.server.requests("UpdateConnection");
    assert!(sent[0]["parameters"]["Content"]
        .as_str()
        .unwrap()
        .contains("\"username\":\"u\""));
    let out = w.run(
        &[
            "update-connection",
            "--connection-id",
            &id,
            "--env-type",
            "1",
            "--content",
            "-",
            "--output",
            "xml",
        ],
        Some(&content("pw-3")),
        0,
    );
    let xml = text(&out.stdout);
    assert!(
        xml.contains("<UpdateConnectionResponse>") && xml.contains("<Data>true</Data>"),
        "{xml}"
    );
    assert_eq!(
        w.server.requests("UpdateConnection")[0]["parameters"]["Format"],
        "XML"
    );

    let listed = w.json(&[
        "list-connections",
        "--project-id",
        &project,
        "--page-size",
        "10",
    ]);
    assert_eq!(listed["Data"]["TotalCount"], 1);
    assert_eq!(listed["Data"]["Connections"][0]["Name"], "first");
    assert_eq!(
        listed["Data"]["Connections"][0]["Description"],
        "made by the CLI"
    );
    let table = text(
        &w.run(
            &[
                "list-connections",
                "--project-id",
                &project,
                "--output",
                "table",
            ],
            None,
            0,
        )
        .stdout,
    );
    let header = table.lines().nth(1).unwrap();
    assert!(
        header.contains("Name") && header.contains("ConnectionType"),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.contains("first") && l.contains("rds")),
        "{table}"
    );
    let xml = text(
        &w.run(
            &[
                "list-connections",
                "--project-id",
                &project,
                "--output",
                "xml",
            ],
            None,
            0,
        )
        .stdout,
    );
    assert!(
        xml.contains("<ListConnectionsResponse>") && xml.contains("<Name>first</Name>"),
        "{xml}"
    );
    let table = text(
        &w.run(
            &[
                "update-connection",
                "--connection-id",
                &id,
                "--env-type",
                "1",
                "--content",
                &content("pw-4"),
                "--status",
                "ENABLED",
                "-o",
                "table",
            ],
            None,
            0,
        )
        .stdout,
    );
    assert!(
        table
            .lines()
            .any(|l| l.contains("Data") && l.contains("true")),
        "{table}"
    );

    let probed = w.json(&[
        "test-network-connection",
        "--project-id",
        &project,
        "--datasource-name",
        "first",
        "--env-type",
        "1",
        "--resource-group",
        "S_res_group_1",
    ]);
    assert!(probed["TaskList"]["ConnectStatus"].is_boolean(), "{probed}");

    let deleted = w.json(&["delete-connection", "--connection-id", &id]);
    assert_eq!(deleted["Data"], true);
    let listed = w.json(&["list-connections", "--project-id", &project]);
    assert_eq!(listed["Data"]["TotalCount"], 0);
}

#[test]
fn errors_have_their_exit_codes_and_invalid_requests_are_not_sent() {
    let w = World::new();
    // A documented API error: exit 1, Code and RequestId on stderr.
    let out = w.run(&["delete-connection", "--connection-id", "987654"], None, 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("Code: Invalid.Tenant.ConnectionNotExists"),
        "{stderr}"
    );
    let request_id = stderr
        .lines()
        .find_map(|l| l.strip_prefix("RequestId: "))
        .expect("a RequestId line");
    assert_eq!(
        w.server.requests("DeleteConnection")[0]["request_id"],
        request_id
    );
    assert!(out.stdout.is_empty());

    // A constraint of the spec: exit 2, the generated types' message, nothing sent.
    let project = w.server.project.to_string();
    let out = w.run(
        &[
            "list-connections",
            "--project-id",
            &project,
            "--page-size",
            "101",
        ],
        None,
        2,
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("invalid request, nothing was sent: PageSize must be at most 100, got 101"),
        "{stderr}"
    );
    assert!(
        w.server.requests("ListConnections").is_empty(),
        "nothing may be sent"
    );
    // A missing required flag and an unknown enum value: clap's usage errors, exit 2.
    w.run(&["update-connection", "--connection-id", "1"], None, 2);
    let out = w.run(
        &[
            "list-connections",
            "--project-id",
            &project,
            "--connection-type",
            "nosuch",
        ],
        None,
        2,
    );
    assert!(
        text(&out.stderr).contains("mysql"),
        "possible values are listed"
    );
    assert!(
        w.server.requests("").is_empty(),
        "{:?}",
        w.server.requests("")
    );

    // No credentials at all: exit 2.
    let out = dataworks(
        w.home.path(),
        &[("DATAWORKS_ENDPOINT", &w.server.endpoint)],
        &["list-connections", "--project-id", "1"],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    // Nobody listening: a transport error, exit 3.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = w.run(
        &[
            "list-connections",
            "--project-id",
            &project,
            "--endpoint",
            &format!("http://127.0.0.1:{closed}"),
        ],
        None,
        3,
    );
    assert!(
        text(&out.stderr).contains("no answer"),
        "{}",
        text(&out.stderr)
    );
}

/// Parses the dry run's text: `METHOD URL`, headers, a blank line, the body.
fn replay_with_curl(printed: &str) -> (u16, Value) {
    let mut lines = printed.lines();
    let (method, url) = lines.next().unwrap().split_once(' ').unwrap();
    let mut curl = Command::new("curl");
    curl.args(["-sS", "-o", "-", "-w", "\n%{http_code}", "-X", method, url]);
    for line in lines.by_ref() {
        if line.is_empty() {
            break;
        }
        curl.arg("-H").arg(line);
    }
    let out = curl.output().expect("curl");
    let stdout = text(&out.stdout);
    let (body, status) = stdout.rsplit_once('\n').unwrap();
    (
        status.trim().parse().unwrap(),
        serde_json::from_str(body).unwrap(),
    )
}

#[test]
fn a_dry_run_prints_a_signed_request_that_replays_once() {
    let w = World::new();
    let project = w.server.project.to_string();
    let out = w.run(
        &["list-connections", "--project-id", &project, "--dry-run"],
        None,
        0,
    );
    let printed = text(&out.stdout);
    assert!(
        printed.starts_with(&format!("GET {}/?", w.server.endpoint)),
        "{printed}"
    );
    assert!(
        !printed.contains(&w.server.secret),
        "the secret is never printed"
    );
    assert!(printed.contains(&w.server.id));
    assert!(
        w.server.requests("ListConnections").is_empty(),
        "a dry run sends nothing"
    );

    let (status, body) = replay_with_curl(&printed);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Data"]["TotalCount"], 0);
    let (status, body) = replay_with_curl(&printed);
    assert_eq!(body["Code"], "SignatureNonceUsed", "{body}");
    assert!(status >= 400);
    // The secret never appears in stderr either.
    assert!(!text(&out.stderr).contains(&w.server.secret));
}

#[test]
fn the_aliyun_profile_file_is_read() {
    let w = World::new();
    let dir = w.home.path().join(".aliyun");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.json"),
        json!({
            "current": "main",
            "profiles": [
                {"name": "main", "mode": "AK", "access_key_id": w.server.id, "access_key_secret": w.server.secret, "region_id": "cn-shanghai"},
                {"name": "broken", "mode": "AK", "access_key_id": "LTAInope", "access_key_secret": "nope", "region_id": "cn-shanghai"},
                {"name": "ram", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    let endpoint = [("DATAWORKS_ENDPOINT", w.server.endpoint.as_str())];
    let project = w.server.project.to_string();
    // The current profile, and a named one.
    for args in [
        vec!["list-connections", "--project-id", &project],
        vec![
            "list-connections",
            "--project-id",
            &project,
            "--profile",
            "main",
        ],
    ] {
        let out = dataworks(w.home.path(), &endpoint, &args, None);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let log = w.server.requests("ListConnections");
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["access_key_id"], w.server.id.as_str());
    assert_eq!(
        log[0]["parameters"]["RegionId"], "cn-shanghai",
        "the profile's region is sent"
    );
    // A profile's key the server does not know: the server's error, exit 1.
    let out = dataworks(
        w.home.path(),
        &endpoint,
        &[
            "list-connections",
            "--project-id",
            &project,
            "--profile",
            "broken",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("InvalidAccessKeyId"),
        "{}",
        text(&out.stderr)
    );
    // Unsupported mode and unknown profile: usage errors.
    for name in ["ram", "missing"] {
        let out = dataworks(
            w.home.path(),
            &endpoint,
            &[
                "list-connections",
                "--project-id",
                &project,
                "--profile",
                name,
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    }
}

#[test]
fn help_and_completions() {
    let home = tempfile::tempdir().unwrap();
    let out = dataworks(home.path(), &[], &["update-connection", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for flag in [
        "--connection-id",
        "--content",
        "--env-type",
        "--description",
        "--status",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
    assert!(help.contains("Updates a data source"), "{help}");
    for shell in ["bash", "zsh", "fish"] {
        let out = dataworks(home.path(), &[], &["completions", shell], None);
        assert_eq!(out.status.code(), Some(0));
        let script = text(&out.stdout);
        assert!(
            script.contains("update-connection") && script.contains("connection-id"),
            "{shell}"
        );
    }
    let out = dataworks(home.path(), &[], &["completions", "tcsh"], None);
    assert_eq!(out.status.code(), Some(2));
}
