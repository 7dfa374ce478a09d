//! Retries over real sockets: a dropped connection and an injected 503 are retried with a fresh
//! nonce (and the real verifier accepts the retry), Create is never retried once the server may
//! have received it but is retried after a refused connection, throttling honours
//! `x-acs-retry-after`, and attempts and total time stay bounded.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response as AxumResponse};
use dataworks_client::*;
use support::*;

fn update() -> UpdateConnectionRequest {
    UpdateConnectionRequest::new(1, CONTENT, 1)
}

fn create() -> CreateConnectionRequest {
    CreateConnectionRequest::new(PROJECT_ID, "n", ConnectionType::Mysql, CONTENT, 1)
}

#[tokio::test]
async fn a_dropped_connection_is_retried_with_a_fresh_nonce() {
    for signature in [SignatureVersion::V3, SignatureVersion::V1] {
        let server =
            RawServer::start(vec![Script::Drop, Script::Answer(200, UPDATE_OK, &[])]).await;
        let client = builder(server.addr)
            .signature_version(signature)
            .build()
            .unwrap();
        let answer = client.update_connection(update()).await.unwrap();
        assert!(answer.data);
        assert_eq!(answer.attempts(), 2);
        assert_eq!(answer.request_id(), "raw-ok-1");
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{signature:?}");
        let (first, second) = (requests[0].nonce().unwrap(), requests[1].nonce().unwrap());
        assert_ne!(first, second, "{signature:?}: a retry reuses no nonce");
        // Re-signed: the signatures differ too (new nonce), while the parameters are the same.
        let signature_of = |r: &RawRequest| {
            r.header("authorization")
                .map(str::to_owned)
                .or_else(|| r.param("Signature"))
                .unwrap()
        };
        assert_ne!(signature_of(&requests[0]), signature_of(&requests[1]));
        assert_eq!(
            requests[0].param("ConnectionId"),
            requests[1].param("ConnectionId")
        );
        assert_eq!(
            requests[0].method, "PUT",
            "x-acs-method of UpdateConnection"
        );
    }
}

/// The generated router behind a layer that answers the first `failures` requests with 503 and
/// records the nonce of every request it sees.
async fn flaky_server(
    api: Arc<FakeApi>,
    failures: usize,
) -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
    let nonces = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&nonces);
    let count = Arc::new(AtomicUsize::new(0));
    let app = app(api).layer(middleware::from_fn(move |request: Request, next: Next| {
        let (seen, count) = (Arc::clone(&seen), Arc::clone(&count));
        async move {
            let nonce = request
                .headers()
                .get("x-acs-signature-nonce")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            seen.lock().unwrap().push(nonce);
            if count.fetch_add(1, Ordering::SeqCst) < failures {
                let body = r#"{"RequestId":"lb-1","Code":"ServiceUnavailable","Message":"The service is temporarily unavailable."}"#;
                return (
                    http::StatusCode::SERVICE_UNAVAILABLE,
                    [("content-type", "application/json")],
                    body,
                )
                    .into_response();
            }
            let response: AxumResponse = next.run(request).await;
            response
        }
    }));
    (serve_router(app).await, nonces)
}

#[tokio::test]
async fn an_injected_503_is_retried_with_a_fresh_nonce_the_real_verifier_accepts() {
    let api = Arc::new(FakeApi::default());
    let (addr, nonces) = flaky_server(Arc::clone(&api), 1).await;
    let client = builder(addr).build().unwrap();
    let answer = client
        .list_connections(ListConnectionsRequest::new(PROJECT_ID))
        .await
        .unwrap();
    assert_eq!(answer.attempts(), 2);
    assert_eq!(answer.request_id(), api.last_request_id());
    let nonces = nonces.lock().unwrap().clone();
    assert_eq!(nonces.len(), 2);
    assert_ne!(nonces[0], nonces[1]);
    // The retry reached the business code once, authenticated.
    assert_eq!(api.calls(), 1);
}

#[tokio::test]
async fn create_is_not_retried_once_the_server_may_have_received_it() {
    // Dropped after the server read the request.
    let server = RawServer::start(vec![Script::Drop, Script::Answer(200, CREATE_OK, &[])]).await;
    let client = builder(server.addr).build().unwrap();
    let err = client.create_connection(create()).await.unwrap_err();
    match &err {
        Error::Transport { source, attempts } => {
            assert_eq!(*attempts, 1);
            assert_eq!(source.kind(), TransportErrorKind::Other);
        }
        other => panic!("{other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        server.requests().len(),
        1,
        "no second Create reached the server"
    );
    assert_eq!(server.requests()[0].method, "POST");

    // A 503 answer: the server saw it, so no retry either.
    let api = Arc::new(FakeApi::default());
    let (addr, nonces) = flaky_server(Arc::clone(&api), 1).await;
    let client = builder(addr).build().unwrap();
    let err = client.create_connection(create()).await.unwrap_err();
    assert_eq!(err.http_status(), Some(503));
    assert!(
        matches!(
            err.api_error(),
            Some(CreateConnectionError::ServiceUnavailable)
        ),
        "{err:?}"
    );
    assert_eq!(err.request_id(), Some("lb-1"));
    assert_eq!(nonces.lock().unwrap().len(), 1);
    assert_eq!(api.calls(), 0);
}

#[tokio::test]
async fn create_is_retried_when_the_connection_was_refused() {
    // Reserve a port, close it, and start listening there only after the first attempt failed.
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        RawServer::start_on(listener, vec![Script::Answer(200, CREATE_OK, &[])])
    });
    let client = builder(addr)
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(30)
                .initial_backoff(Duration::from_millis(50))
                .max_backoff(Duration::from_millis(100))
                .max_elapsed(Duration::from_secs(10)),
        )
        .build()
        .unwrap();
    let answer = client.create_connection(create()).await.unwrap();
    assert_eq!(answer.data, 77);
    assert!(answer.attempts() > 1, "{}", answer.attempts());
    let server = late.await.unwrap();
    assert_eq!(
        server.requests().len(),
        1,
        "exactly one Create reached the server"
    );
}

#[tokio::test]
async fn throttling_is_retried_after_the_wait_the_server_asks_for() {
    const THROTTLED: &str = r#"{"RequestId":"t-1","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#;
    let server = RawServer::start(vec![
        Script::Answer(400, THROTTLED, &[("x-acs-retry-after", "400")]),
        Script::Answer(200, UPDATE_OK, &[]),
    ])
    .await;
    let client = builder(server.addr).build().unwrap();
    let started = Instant::now();
    let answer = client.update_connection(update()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(answer.attempts(), 2);
    // Not for Create.
    let server = RawServer::start(vec![Script::Answer(400, THROTTLED, &[])]).await;
    let client = builder(server.addr).build().unwrap();
    let err = client.create_connection(create()).await.unwrap_err();
    assert!(matches!(
        err.api_error(),
        Some(CreateConnectionError::ThrottlingUser)
    ));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn attempts_and_total_time_are_bounded() {
    const DOWN: &str = r#"{"RequestId":"d-1","Code":"InternalError","Message":"The request processing has failed due to some unknown error."}"#;
    let server = RawServer::start(vec![Script::Answer(500, DOWN, &[])]).await;
    let client = builder(server.addr).build().unwrap();
    let err = client.update_connection(update()).await.unwrap_err();
    assert!(matches!(
        err.api_error(),
        Some(UpdateConnectionError::InternalError)
    ));
    assert_eq!(server.requests().len(), 3, "fast_retries allows 3 attempts");

    // A time budget stops retrying before the attempts run out.
    let server = RawServer::start(vec![Script::Answer(500, DOWN, &[])]).await;
    let client = builder(server.addr)
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(1000)
                .initial_backoff(Duration::from_millis(100))
                .max_backoff(Duration::from_millis(100))
                .max_elapsed(Duration::from_millis(500)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let _ = client.update_connection(update()).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let attempts = server.requests().len();
    assert!((2..=11).contains(&attempts), "{attempts}");

    // Retries off: one attempt.
    let server = RawServer::start(vec![Script::Answer(500, DOWN, &[])]).await;
    let client = builder(server.addr)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let _ = client.update_connection(update()).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_counts_as_no_answer() {
    // Accept and read, never answer: the per-attempt timeout ends each attempt.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    let client = builder(addr)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client.update_connection(update()).await.unwrap_err();
    match &err {
        Error::Transport { source, attempts } => {
            assert_eq!(source.kind(), TransportErrorKind::Timeout);
            assert_eq!(*attempts, 3);
        }
        other => panic!("{other:?}"),
    }
    let err = client.create_connection(create()).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
}
