//! The test-double controls of the REAL `dataworks-server` binary (`serve --test-controls`):
//! faults injected for the generated client's retries (503 then success, throttling with
//! `x-acs-retry-after`, a dropped connection, latency beyond the client's timeout), the request
//! log (attempts counted, secrets masked), reset, and who may use the controls (404 when off,
//! 401 without the token, refused on a non-loopback address without one).

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dataworks_client::*;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_dataworks-server");

/// A running server on a fresh SQLite file, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

fn server_command(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    for var in [
        "DATAWORKS_LISTEN",
        "DATAWORKS_DATABASE_URL",
        "DATAWORKS_MASTER_KEY",
        "DATAWORKS_NONCE_STORE",
        "DATAWORKS_TEST_CONTROLS_TOKEN",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c.arg("--database")
        .arg(format!("sqlite://{}/dw.db", dir.display()))
        .arg("serve")
        .args(args);
    c
}

impl Server {
    fn start(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!("127.0.0.1:{port}");
        let mut all = vec!["--listen", listen.as_str()];
        all.extend_from_slice(args);
        let mut child = server_command(dir.path(), &all)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = drain(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        Self {
            child,
            port,
            stdout,
            stderr,
            _dir: dir,
        }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// ProjectId, AccessKeyId and AccessKeySecret from the first-start banner, once serving.
    async fn ready(&self) -> (i64, String, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.stdout.lock().unwrap().clone();
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
                if reqwest::get(format!("{}/healthz", self.endpoint()))
                    .await
                    .is_ok()
                {
                    return (p.parse().unwrap(), id, secret);
                }
            }
            assert!(
                Instant::now() < deadline,
                "server not ready; stderr: {}",
                self.stderr.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    fn client(&self, id: &str, secret: &str, retry: RetryPolicy) -> Client {
        Client::builder()
            .endpoint(self.endpoint())
            .access_key(id.to_owned(), secret.to_owned())
            .retry_policy(retry)
            .build()
            .unwrap()
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request =
            reqwest::Client::new().request(method, format!("{}{path}", self.endpoint()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.unwrap();
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
        let text = answer.text().await.unwrap();
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        }
    }

    async fn fault(&self, fault: Value) -> u64 {
        self.control(reqwest::Method::POST, "/_test/faults", Some(fault))
            .await["id"]
            .as_u64()
            .expect("the fault's id")
    }

    async fn requests(&self, action: &str) -> Vec<Value> {
        let log = self
            .control(
                reqwest::Method::GET,
                &format!("/_test/requests?action={action}"),
                None,
            )
            .await;
        log["requests"].as_array().unwrap().clone()
    }
}

fn mysql_content(password: &str) -> String {
    json!({
        "database": "db", "instanceName": "rm-123", "password": password,
        "username": "user", "regionId": "cn-shanghai", "tag": "rds",
    })
    .to_string()
}

fn list(project: i64) -> ListConnectionsRequest {
    ListConnectionsRequest::new(project)
}

/// Retries of the generated client against injected faults, each visible in the request log.
#[tokio::test]
async fn the_generated_clients_retries_against_injected_faults() {
    let server = Server::start(&["--test-controls"]);
    let (project, id, secret) = server.ready().await;
    let client = server.client(&id, &secret, RetryPolicy::default());

    // A 503 once: the client retries and succeeds; the log shows both attempts, newest first.
    server
        .fault(json!({"action": "ListConnections", "code": "ServiceUnavailable", "http_status": 503, "count": 1}))
        .await;
    let answer = client.list_connections(list(project)).await.unwrap();
    assert_eq!(answer.attempts(), 2);
    let log = server.requests("ListConnections").await;
    assert_eq!(log.len(), 2, "{log:#?}");
    assert_eq!(log[0]["code"], "Success");
    assert_eq!(log[0]["http_status"], 200);
    assert_eq!(log[0]["fault_injected"], false);
    assert_eq!(log[1]["code"], "ServiceUnavailable");
    assert_eq!(log[1]["http_status"], 503);
    assert_eq!(log[1]["fault_injected"], true);
    assert_eq!(log[1]["access_key_id"], id.as_str());
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[0]["parameters"]["ProjectId"], project.to_string());
    assert!(log[0]["request_id"].as_str().is_some_and(|r| !r.is_empty()));

    // Throttling.User: 400 with x-acs-retry-after (ms); the client waits that long and retries.
    let raw = reqwest::get(format!("{}/?Action=ListConnections", server.endpoint()));
    server
        .fault(json!({"code": "Throttling.User", "retry_after_ms": 300, "count": 1}))
        .await;
    let raw = raw.await.unwrap();
    assert_eq!(raw.status(), 400);
    assert_eq!(raw.headers()["x-acs-retry-after"], "300");
    let body: Value = raw.json().await.unwrap();
    assert_eq!(body["Code"], "Throttling.User");
    assert!(body["RequestId"].as_str().is_some_and(|r| !r.is_empty()));
    server
        .fault(json!({"action": "ListConnections", "code": "Throttling.User", "retry_after_ms": 300, "count": 1}))
        .await;
    let started = Instant::now();
    let answer = client.list_connections(list(project)).await.unwrap();
    assert_eq!(answer.attempts(), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the retry-after was honoured"
    );
    let log = server.requests("ListConnections").await;
    assert_eq!(log[1]["code"], "Throttling.User");
    assert_eq!(log[0]["code"], "Success");

    // Without retries the client reports the throttling code, typed.
    let once = server.client(&id, &secret, RetryPolicy::none());
    server
        .fault(json!({"action": "ListConnections", "code": "Throttling.User", "count": 1}))
        .await;
    let err = once.list_connections(list(project)).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().code(), "Throttling.User");
    assert_eq!(err.http_status(), Some(400));

    // A dropped connection: no answer at all; an idempotent call is retried and succeeds.
    server
        .fault(json!({"action": "ListConnections", "drop": true, "count": 1}))
        .await;
    let err = once.list_connections(list(project)).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    server
        .fault(json!({"action": "ListConnections", "drop": true, "count": 1}))
        .await;
    let answer = client.list_connections(list(project)).await.unwrap();
    assert_eq!(answer.attempts(), 2);
    let log = server.requests("ListConnections").await;
    assert_eq!(log[1]["fault_injected"], true);
    assert_eq!(log[1]["http_status"], Value::Null, "{:#?}", log[1]);

    // Latency beyond the client's timeout: a timeout, the answer never read.
    server
        .fault(json!({"action": "ListConnections", "latency_ms": 2000, "count": 1}))
        .await;
    let impatient = Client::builder()
        .endpoint(server.endpoint())
        .access_key(id.clone(), secret.clone())
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = impatient.list_connections(list(project)).await.unwrap_err();
    match &err {
        Error::Transport { source, .. } => {
            assert_eq!(source.kind(), TransportErrorKind::Timeout, "{err:?}")
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // Latency within the timeout: served late, not failed.
    server
        .fault(json!({"action": "ListConnections", "latency_ms": 200, "count": 1}))
        .await;
    client.list_connections(list(project)).await.unwrap();

    // A fault for another action leaves this one alone; faults can be listed and removed.
    let other = server
        .fault(json!({"action": "DeleteConnection", "code": "InternalError", "http_status": 500, "count": 5}))
        .await;
    client.list_connections(list(project)).await.unwrap();
    let faults = server
        .control(reqwest::Method::GET, "/_test/faults", None)
        .await;
    assert_eq!(faults["faults"][0]["id"], other);
    server
        .control(
            reqwest::Method::DELETE,
            &format!("/_test/faults/{other}"),
            None,
        )
        .await;
    let faults = server
        .control(reqwest::Method::GET, "/_test/faults", None)
        .await;
    assert_eq!(faults["faults"], json!([]));

    // XML requests get XML fault answers.
    server
        .fault(json!({"code": "ServiceUnavailable", "count": 1}))
        .await;
    let err = once
        .with_format(Format::Xml)
        .list_connections(list(project))
        .await
        .unwrap_err();
    assert_eq!(err.api_error().unwrap().code(), "ServiceUnavailable");
}

/// Reset empties the connections, restarts the ids, and keeps the key working; the request log
/// never shows a secret.
#[tokio::test]
async fn reset_and_a_request_log_without_secrets() {
    let server = Server::start(&["--test-controls"]);
    let (project, id, secret) = server.ready().await;
    let client = server.client(&id, &secret, RetryPolicy::none());
    let planted = "pw-planted-7f3a9c";
    let first = client
        .create_connection(
            CreateConnectionRequest::new(
                project,
                "one",
                ConnectionType::Rds,
                mysql_content(planted),
                1,
            )
            .sub_type(SubType::Mysql),
        )
        .await
        .unwrap()
        .data;
    client
        .update_connection(UpdateConnectionRequest::new(
            first,
            mysql_content(planted),
            1,
        ))
        .await
        .unwrap();
    // A malformed Content with the secret in it is masked too.
    let _ = client
        .update_connection(UpdateConnectionRequest::new(
            first,
            format!("{{\"password\": \"{planted}"),
            1,
        ))
        .await;

    let log = reqwest::get(format!("{}/_test/requests", server.endpoint()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!log.contains(planted), "a secret in the request log: {log}");
    assert!(
        !log.contains(&secret),
        "the AccessKey secret in the request log"
    );
    assert!(log.contains("******"), "{log}");
    let entries: Value = serde_json::from_str(&log).unwrap();
    assert_eq!(entries["requests"].as_array().unwrap().len(), 3);
    assert_eq!(entries["requests"][2]["action"], "CreateConnection");
    assert!(entries["requests"][2]["parameters"]["Content"]
        .as_str()
        .unwrap()
        .contains("\"username\":\"user\""));

    // Reset: no connection left, the key still works, ids start again.
    server
        .control(reqwest::Method::POST, "/_test/reset", None)
        .await;
    let listed = client.list_connections(list(project)).await.unwrap();
    assert_eq!(listed.data.total_count, 0);
    let again = client
        .create_connection(
            CreateConnectionRequest::new(
                project,
                "one",
                ConnectionType::Rds,
                mysql_content(planted),
                1,
            )
            .sub_type(SubType::Mysql),
        )
        .await
        .unwrap()
        .data;
    assert_eq!(again, first, "ids restart after a reset");
    // The log was emptied by the reset, then saw the two calls since.
    assert_eq!(server.requests("ListConnections").await.len(), 1);
    server
        .control(reqwest::Method::DELETE, "/_test/requests", None)
        .await;
    assert!(server.requests("CreateConnection").await.is_empty());
}

/// Off by default: /_test/ answers 404 in the API's envelope.
#[tokio::test]
async fn the_controls_are_off_unless_enabled() {
    let server = Server::start(&[]);
    server.ready().await;
    for (method, path) in [
        ("POST", "/_test/reset"),
        ("GET", "/_test/requests"),
        ("POST", "/_test/faults"),
    ] {
        let answer = reqwest::Client::new()
            .request(
                method.parse().unwrap(),
                format!("{}{path}", server.endpoint()),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{path}");
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["Code"], "NotFound", "{body}");
        assert!(body["RequestId"].as_str().is_some_and(|r| !r.is_empty()));
        assert!(body["Message"]
            .as_str()
            .unwrap()
            .contains("--test-controls"));
    }
}

/// With a token every /_test/ request needs `Authorization: Bearer TOKEN`.
#[tokio::test]
async fn a_token_is_required_when_set() {
    let server = Server::start(&["--test-controls", "--test-controls-token", "s3cret-token"]);
    server.ready().await;
    let url = format!("{}/_test/requests", server.endpoint());
    let http = reqwest::Client::new();
    for auth in [None, Some("Bearer wrong"), Some("s3cret-token")] {
        let mut request = http.get(&url);
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 401, "{auth:?}");
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["Code"], "Unauthorized");
        assert!(body["RequestId"].as_str().is_some_and(|r| !r.is_empty()));
    }
    let answer = http
        .get(&url)
        .header("Authorization", "Bearer s3cret-token")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

/// Controls without a token on an address other machines reach: refused at start.
#[test]
fn a_non_loopback_address_needs_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let out = server_command(dir.path(), &["--listen", "0.0.0.0:0", "--test-controls"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--test-controls-token"), "{stderr}");
}
