//! Connection hardening and the envelope, against the REAL binary over loopback TCP: floods of
//! idle and slowloris connections while a signed client is served, the connection cap's
//! `ServiceUnavailable`, and every malformed or oversized request answered in the API's
//! envelope (what hyper alone answers with an empty body).

mod server_process;

use std::time::{Duration, Instant};

use acs_protocol::signing::{new_nonce, sign_request, SignRequest};
use dataworks_client::{
    Client, Credentials, ListConnectionsRequest, RetryPolicy, SignatureVersion,
};
use server_process::{exchange, one, Launch, Server};
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn sqlite(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("db.sqlite").display())
}

fn client(endpoint: &str, id: &str, secret: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .access_key(id.to_owned(), secret.to_owned())
        .signature_version(SignatureVersion::V3)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A slowloris connection: sends a request head one byte every `every`; the time at which the
/// server closed it, and what it answered.
async fn slowloris(
    addr: String,
    every: Duration,
    give_up: Duration,
) -> (Option<Duration>, Vec<u8>) {
    let started = Instant::now();
    let Ok(mut stream) = TcpStream::connect(&addr).await else {
        return (None, Vec::new());
    };
    let head = b"GET /?Action=ListConnections&Format=XML HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    for b in head.iter().cycle() {
        if started.elapsed() > give_up {
            return (None, got);
        }
        if stream.write_all(std::slice::from_ref(b)).await.is_err() {
            break;
        }
        match tokio::time::timeout(every, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    // Closed (or answered): read what is left.
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut got)).await;
    (Some(started.elapsed()), got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idle_and_slowloris_floods_do_not_stop_signed_clients() {
    let dir = tempfile::tempdir().unwrap();
    // Started with the soft open-files limit a service manager commonly leaves (1024): the
    // server raises it to the hard limit, so thousands of idle connections do not exhaust it.
    let server = Server::start(Launch {
        database: sqlite(&dir),
        http: &["header_timeout_ms = 3000"],
        soft_nofile: Some(1024),
        ..Launch::default()
    });
    let (project, id, secret) = server.banner().await;
    assert_eq!(server.wait_up().await, 200);
    let addr = server.addr();
    let api = client(&server.endpoint(), &id, &secret);
    api.list_connections(ListConnectionsRequest::new(project))
        .await
        .expect("served before the flood");

    // 3,000 idle connections (more than the 1024 descriptors it was started with), kept
    // reopened for the whole run, plus 300 slowloris heads.
    const IDLE: usize = 3000;
    const SLOW: usize = 300;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let held = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut idle = Vec::new();
    for _ in 0..IDLE {
        let (addr, stop, held) = (addr.clone(), stop.clone(), held.clone());
        idle.push(tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let Ok(mut s) = TcpStream::connect(&addr).await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                held.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let mut buf = [0u8; 64];
                let _ = tokio::time::timeout(Duration::from_secs(30), s.read(&mut buf)).await;
                held.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    let slow: Vec<_> = (0..SLOW)
        .map(|_| {
            tokio::spawn(slowloris(
                addr.clone(),
                Duration::from_millis(200),
                Duration::from_secs(20),
            ))
        })
        .collect();
    // Let the flood build up.
    let build = Instant::now();
    while held.load(std::sync::atomic::Ordering::Relaxed) < IDLE
        && build.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let peak = held.load(std::sync::atomic::Ordering::Relaxed);

    // The signed client keeps being answered throughout.
    let mut latencies = Vec::new();
    let run = Instant::now();
    while run.elapsed() < Duration::from_secs(6) {
        let t = Instant::now();
        let answer = api
            .list_connections(ListConnectionsRequest::new(project))
            .await;
        latencies.push(t.elapsed());
        answer.unwrap_or_else(|e| panic!("signed request failed during the flood: {e}"));
    }
    let held_at_end = held.load(std::sync::atomic::Ordering::Relaxed);

    // Every slowloris connection was closed by the header timeout (3 s), with RequestTimeout
    // in the envelope (JSON: its trickled request line never got as far as `Format`).
    let mut closed_after = Vec::new();
    for task in slow {
        let (closed, got) = task.await.unwrap();
        let closed = closed.expect("slowloris connection never closed by the server");
        closed_after.push(closed);
        let text = String::from_utf8_lossy(&got);
        assert!(text.starts_with("HTTP/1.1 408"), "{text}");
        assert!(text.contains("\"Code\":\"RequestTimeout\""), "{text}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for task in idle {
        task.abort();
    }
    closed_after.sort();
    latencies.sort();
    let p = |v: &[Duration], q: f64| v[((v.len() - 1) as f64 * q) as usize];
    assert!(
        *closed_after.last().unwrap() < Duration::from_secs(10),
        "{closed_after:?}"
    );
    println!(
        "FIGURES idle_held_peak={peak} idle_held_at_end={held_at_end} slowloris={SLOW} \
         slowloris_closed_min={:?} slowloris_closed_max={:?} signed_requests={} \
         signed_p50={:?} signed_p99={:?} signed_max={:?}",
        closed_after[0],
        closed_after.last().unwrap(),
        latencies.len(),
        p(&latencies, 0.5),
        p(&latencies, 0.99),
        latencies.last().unwrap(),
    );
    assert!(
        !server.stderr.text().contains("Too many open files"),
        "{}",
        server.stderr.text()
    );
}

#[tokio::test]
async fn a_connection_over_the_cap_is_answered_service_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Launch {
        database: sqlite(&dir),
        http: &["max_connections = 20", "header_timeout_ms = 60000"],
        ..Launch::default()
    });
    server.banner().await;
    server.wait_up().await;
    let addr = server.addr();
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answer = one(
        &addr,
        b"GET /?Action=ListConnections HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .await;
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.code(), "ServiceUnavailable");
    let xml = one(
        &addr,
        b"GET /?Format=xml&Action=ListConnections HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .await;
    assert_eq!(xml.status, 503);
    assert_eq!(
        xml.header("content-type").as_deref(),
        Some("text/xml;charset=utf-8")
    );
    assert!(
        xml.body.contains("<Code>ServiceUnavailable</Code>"),
        "{xml:?}"
    );
    // Slots given back are served again.
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answer = one(
        &addr,
        b"GET /?Action=ListConnections HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_eq!(answer.code(), "MissingParameter");
}

#[tokio::test]
async fn oversized_and_malformed_requests_are_answered_in_the_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Launch {
        database: sqlite(&dir),
        http: &["header_timeout_ms = 2000"],
        ..Launch::default()
    });
    server.banner().await;
    server.wait_up().await;
    let addr = server.addr();

    let long_query = format!(
        "GET /?Action=UpdateConnection&Content={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let huge_header = format!(
        "GET /?Action=ListConnections HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(1024 * 1024)
    );
    let many_headers = format!(
        "GET /?Action=ListConnections HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..10_000)
            .map(|i| format!("X-H{i}: v\r\n"))
            .collect::<String>()
    );
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("URI over 65,534 bytes", long_query.into_bytes(), 414, "RequestURITooLong"),
        ("1 MB header", huge_header.into_bytes(), 431, "RequestHeaderFieldsTooLarge"),
        ("10,000 headers", many_headers.into_bytes(), 431, "RequestHeaderFieldsTooLarge"),
        ("malformed request line", b"GET/ HTTP/1.1 x\r\n\r\n".to_vec(), 400, "MalformedRequest"),
        ("garbage", b"\x00\x01\x02 hello\r\n\r\n".to_vec(), 400, "MalformedRequest"),
        (
            "TLS ClientHello on the plain port",
            b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03".to_vec(),
            400,
            "MalformedRequest",
        ),
        (
            "control character in Content-Type",
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\x01\r\nContent-Length: 0\r\n\r\n".to_vec(),
            400,
            "MalformedRequest",
        ),
        (
            "conflicting Content-Length",
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab".to_vec(),
            400,
            "MalformedRequest",
        ),
        (
            "head not finished within the header timeout",
            b"GET /?Action=ListConnections HTTP/1.1\r\nHost: x\r\n".to_vec(),
            408,
            "RequestTimeout",
        ),
    ];
    for (what, request, status, code) in cases {
        let answer = one(&addr, &request).await;
        assert_eq!(answer.status, status, "{what}: {answer:?}");
        assert_eq!(answer.code(), code, "{what}");
        assert_eq!(
            answer.header("connection").as_deref(),
            Some("close"),
            "{what}"
        );
        if what == "TLS ClientHello on the plain port" {
            assert!(answer.json()["Message"].as_str().unwrap().contains("TLS"));
        }
    }

    // XML when the request line asks for it, even when the URI itself is refused.
    let xml = one(
        &addr,
        format!("GET /?Format=XML&A={} HTTP/1.1\r\n\r\n", "a".repeat(70_000)).as_bytes(),
    )
    .await;
    assert_eq!(xml.status, 414);
    assert_eq!(
        xml.header("content-type").as_deref(),
        Some("text/xml;charset=utf-8")
    );
    assert!(
        xml.body.contains("<Code>RequestURITooLong</Code>"),
        "{xml:?}"
    );

    // On a kept-alive connection the requests before a bad one are answered normally, in
    // order, bodies (by length and chunked) included; then the bad one in the envelope.
    let pipelined = b"POST /?Action=ListConnections HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nFormat=JSON\
POST /?Action=ListConnections HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nFormat\r\n4\r\n=XML\r\n0\r\n\r\n\
GET /\x01 HTTP/1.1\r\n\r\n";
    let answers = exchange(&addr, pipelined).await;
    assert_eq!(answers.len(), 3, "{answers:?}");
    assert_eq!(answers[0].code(), "MissingParameter");
    assert!(
        answers[1].body.contains("<Code>MissingParameter</Code>"),
        "{:?}",
        answers[1]
    );
    assert_eq!(answers[2].status, 400);
    assert_eq!(answers[2].code(), "MalformedRequest");

    // Invalid UTF-8 in a parameter: InvalidParameter naming it, before any signature check.
    let answer = one(
        &addr,
        b"GET /?Action=ListConnections&Version=2020-05-18&ProjectId=1&Name=ab%FF&AccessKeyId=x&Signature=y&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n&Timestamp=2026-01-01T00:00:00Z HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_eq!(answer.code(), "InvalidParameter");
    assert!(
        answer.json()["Message"]
            .as_str()
            .unwrap()
            .contains("\"Name\""),
        "{answer:?}"
    );
}

/// Signs `params` with v1 for POST (as the classic Python SDK does) and sends them as an
/// `application/x-www-form-urlencoded` body; v1 signs the parameters wherever they travel.
async fn post_form(
    addr: &str,
    credentials: &Credentials,
    action: &str,
    params: &[(&str, String)],
) -> (u16, serde_json::Value, usize) {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    let method = reqwest::Method::POST;
    let signed = sign_request(&SignRequest {
        method: &method,
        host: addr,
        action,
        version: "2020-05-18",
        params: &params,
        credentials,
        scheme: SignatureVersion::V1,
        nonce: &new_nonce(),
        timestamp: OffsetDateTime::now_utc(),
    })
    .unwrap();
    let body = signed.query.clone();
    let size = body.len();
    let mut request = reqwest::Client::new()
        .post(format!("http://{addr}/"))
        .header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in &signed.headers {
        request = request.header(name, value);
    }
    let answer = request.body(body).send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap(), size)
}

#[tokio::test]
async fn the_largest_valid_requests_are_accepted_as_post_forms() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Launch {
        database: sqlite(&dir),
        ..Launch::default()
    });
    let (project, id, secret) = server.banner().await;
    server.wait_up().await;
    let addr = server.addr();
    let credentials = Credentials::new(id, secret);
    // A Content of exactly 65,536 characters, every padding character one that percent-encoding
    // triples ("&"), so the body is about three times that.
    let content_of = |password: &str| {
        let base = serde_json::json!({
            "database": "db", "instanceName": "rm-1", "password": password,
            "username": "u", "regionId": "cn-shanghai", "pad": "",
        })
        .to_string();
        let pad = "&".repeat(65_536 - base.len());
        let content = base.replace("\"pad\":\"\"", &format!("\"pad\":\"{pad}\""));
        assert_eq!(content.chars().count(), 65_536);
        content
    };
    let name = "n".repeat(255);
    let (status, body, size) = post_form(
        &addr,
        &credentials,
        "CreateConnection",
        &[
            ("ProjectId", project.to_string()),
            ("Name", name.clone()),
            ("ConnectionType", "mysql".to_owned()),
            ("Content", content_of("pw-1")),
            ("EnvType", "1".to_owned()),
            ("Description", "d".repeat(3000)),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(size > 3 * 65_000, "the body was {size} bytes");
    let connection_id = body["Data"].as_i64().expect("the new id");
    let (status, body, _) = post_form(
        &addr,
        &credentials,
        "UpdateConnection",
        &[
            ("ConnectionId", connection_id.to_string()),
            ("Content", content_of("pw-2")),
            ("EnvType", "1".to_owned()),
            ("Description", "e".repeat(3000)),
            ("Status", "ENABLED".to_owned()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Data"], true, "{body}");
    println!("FIGURES largest_post_form_body_bytes={size}");
}

#[tokio::test]
async fn secrets_are_found_in_any_case_and_at_any_depth() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Launch {
        database: sqlite(&dir),
        ..Launch::default()
    });
    let (project, id, secret) = server.banner().await;
    server.wait_up().await;
    let api = client(&server.endpoint(), &id, &secret);
    let content = r#"{"password":"p","Password":"S3CRET","extra":{"password":"S3CRET2","list":[{"PASSWORD":"S3CRET3"}]},"database":"db","instanceName":"rm-1","username":"u"}"#;
    api.create_connection(dataworks_client::CreateConnectionRequest::new(
        project,
        "nested",
        dataworks_client::ConnectionType::Mysql,
        content,
        1,
    ))
    .await
    .expect("created");
    let listed = api
        .list_connections(ListConnectionsRequest::new(project))
        .await
        .expect("listed");
    let shown = format!("{:?}", listed.body());
    for plain in ["S3CRET", "S3CRET2", "S3CRET3"] {
        assert!(!shown.contains(plain), "{plain} listed: {shown}");
    }
    assert!(shown.contains("******"), "{shown}");
    drop(server);
    for file in ["db.sqlite", "db.sqlite-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(6).any(|w| w == b"S3CRET"),
            "a nested or differently cased secret is stored in plaintext in {file}"
        );
    }
}

/// The code a V3-signed ListConnections gets (`OK` when served).
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

/// Runs `dataworks-server --database URL admin ARGS` as a process, to its end; its stdout.
fn admin(database: &str, args: &[&str]) -> String {
    let out = server_process::command(&server_process::bin())
        .arg("--database")
        .arg(database)
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

/// On SQLite, `admin access-key revoke` (another process, writing the same file) takes effect
/// on the very next request: the server's credential cache follows the marker file every key
/// change appends to (`<database>-keys`), where it used to keep a revoked key for up to 5 s.
#[tokio::test]
async fn revoking_a_key_on_sqlite_refuses_the_very_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let database = sqlite(&dir);
    let server = Server::start(Launch {
        database: database.clone(),
        ..Launch::default()
    });
    let (project, admin_id, admin_secret) = server.banner().await;
    server.wait_up().await;
    let created: serde_json::Value = serde_json::from_str(&admin(
        &database,
        &["access-key", "create", "--user", "admin", "--json"],
    ))
    .unwrap();
    let (id, secret) = (
        created["AccessKeyId"].as_str().unwrap(),
        created["AccessKeySecret"].as_str().unwrap(),
    );
    let api = client(&server.endpoint(), id, secret);
    let other = client(&server.endpoint(), &admin_id, &admin_secret);
    // Both keys are in the server's cache now.
    assert_eq!(outcome(&api, project).await, "OK");
    assert_eq!(outcome(&other, project).await, "OK");
    for _ in 0..3 {
        assert_eq!(
            admin(&database, &["access-key", "revoke", id]).trim(),
            format!("disabled {id}")
        );
        assert_eq!(
            outcome(&api, project).await,
            "InvalidAccessKeyId.Inactive",
            "the first request after the revocation was served"
        );
        // The other key is unaffected (read afresh, still valid).
        assert_eq!(outcome(&other, project).await, "OK");
        admin(&database, &["access-key", "enable", id]);
        assert_eq!(
            outcome(&api, project).await,
            "OK",
            "re-enabled, but refused"
        );
    }
    admin(&database, &["access-key", "delete", id]);
    assert_eq!(outcome(&api, project).await, "InvalidAccessKeyId.NotFound");
    assert_eq!(outcome(&other, project).await, "OK");
}
