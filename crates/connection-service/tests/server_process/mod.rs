//! The real `dataworks-server` binary as a process for the hardening tests: started with a
//! settings file, optionally under a lowered open-files limit, its banner and logs captured,
//! and raw TCP helpers to send bytes a normal client would never send.
#![allow(dead_code)]

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const BIN: &str = env!("CARGO_BIN_EXE_dataworks-server");

/// The binary under test: [`BIN`], or `DATAWORKS_TEST_SERVER_BIN` (to run these tests against
/// another build, e.g. the main branch's, and see which fail there).
pub fn bin() -> String {
    std::env::var("DATAWORKS_TEST_SERVER_BIN").unwrap_or_else(|_| BIN.to_owned())
}

/// What a pipe delivered so far, read on a thread of its own.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn drain(&self, mut pipe: impl Read + Send + 'static) {
        let sink = self.0.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// A command for the binary with none of the caller's `DATAWORKS_*` settings.
pub fn command(program: &str) -> Command {
    let mut c = Command::new(program);
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
    c
}

/// How to start one server.
#[derive(Default)]
pub struct Launch<'a> {
    /// `--database`.
    pub database: String,
    /// The `[http]` section's lines, e.g. `header_timeout_ms = 2000`.
    pub http: &'a [&'a str],
    /// Extra environment.
    pub env: Vec<(String, String)>,
    /// Start under `ulimit -Sn N` (the limit a service manager might leave it with).
    pub soft_nofile: Option<u64>,
}

/// The running server; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    pub stdout: Captured,
    pub stderr: Captured,
    _config: tempfile::NamedTempFile,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn start(launch: Launch<'_>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = tempfile::NamedTempFile::new().unwrap();
        let mut args = vec!["--database".to_owned(), launch.database.clone()];
        if !launch.http.is_empty() {
            std::fs::write(
                config.path(),
                format!("[http]\n{}\n", launch.http.join("\n")),
            )
            .unwrap();
            args.extend(["--config".to_owned(), config.path().display().to_string()]);
        }
        args.extend([
            "serve".to_owned(),
            "--listen".to_owned(),
            format!("127.0.0.1:{port}"),
        ]);
        let mut c = match launch.soft_nofile {
            Some(n) => {
                let mut c = command("sh");
                c.arg("-c")
                    .arg(format!("ulimit -Sn {n} && exec \"$0\" \"$@\""))
                    .arg(bin())
                    .args(args);
                c
            }
            None => {
                let mut c = command(&bin());
                c.args(args);
                c
            }
        };
        c.env("RUST_LOG", "info");
        c.envs(launch.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut child = c
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = Captured::default();
        stdout.drain(child.stdout.take().unwrap());
        let stderr = Captured::default();
        stderr.drain(child.stderr.take().unwrap());
        Self {
            child,
            port,
            stdout,
            stderr,
            _config: config,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// ProjectId, AccessKeyId and AccessKeySecret from the first-start banner.
    pub async fn banner(&self) -> (i64, String, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.stdout.text();
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
                self.stderr.text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until `/readyz` answers at all; its status.
    pub async fn wait_up(&self) -> u16 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = reqwest::get(format!("{}/readyz", self.endpoint())).await {
                return r.status().as_u16();
            }
            assert!(
                Instant::now() < deadline,
                "server did not come up: {}",
                self.stderr.text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// An answer read off a raw connection.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl RawAnswer {
    /// The header's value (names compared in lower case).
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    /// The JSON envelope; panics (with the answer) when the body is not one.
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/json;charset=utf-8"),
            "{self:?}"
        );
        let v: serde_json::Value =
            serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"));
        assert!(
            v["RequestId"].as_str().is_some_and(|s| !s.is_empty()),
            "{v}"
        );
        assert!(v["Message"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
        v
    }

    /// The envelope's `Code`, asserting a JSON envelope.
    pub fn code(&self) -> String {
        self.json()["Code"].as_str().unwrap().to_owned()
    }
}

/// Parses every answer in `bytes` (answers with `Content-Length`).
pub fn parse_answers(mut bytes: &[u8]) -> Vec<RawAnswer> {
    let mut out = Vec::new();
    while let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut answer = RawAnswer {
            status,
            head,
            body: String::new(),
        };
        let len: usize = answer
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let start = end + 4;
        let stop = (start + len).min(bytes.len());
        answer.body = String::from_utf8_lossy(&bytes[start..stop]).into_owned();
        out.push(answer);
        bytes = &bytes[stop..];
    }
    out
}

/// Sends `request` on a new connection and reads until the server closes it (at most 20 s).
pub async fn exchange(addr: &str, request: &[u8]) -> Vec<RawAnswer> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The server may answer (and stop reading) before everything is sent: keep reading anyway.
    let _ = stream.write_all(request).await;
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut got)).await;
    parse_answers(&got)
}

/// The one answer to `request`.
pub async fn one(addr: &str, request: &[u8]) -> RawAnswer {
    let mut answers = exchange(addr, request).await;
    assert_eq!(answers.len(), 1, "{answers:?}");
    answers.remove(0)
}
