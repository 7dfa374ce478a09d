//! The client pointed at services in-process (the generated router over the fake, and small
//! `tower::service_fn` fakes), client-side validation with no traffic at all, answer decoding
//! corner cases, configuration, and secrets kept out of `Debug` and errors.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use dataworks_client::*;
use http_body_util::Full;
use support::*;

/// A fake answering every request with `status`, `content_type` and `body`, counting calls.
fn canned(
    status: u16,
    content_type: &'static str,
    body: &'static str,
    headers: &'static [(&'static str, &'static str)],
) -> (Client, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let service = tower::service_fn(move |_request: http::Request<Full<Bytes>>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            let mut response = http::Response::builder()
                .status(status)
                .header("content-type", content_type);
            for (name, value) in headers {
                response = response.header(*name, *value);
            }
            response.body(Full::new(Bytes::from_static(body.as_bytes())))
        }
    });
    let client = Client::builder()
        .endpoint("http://dataworks.test")
        .access_key(KEY_ID, SECRET)
        .retry_policy(fast_retries())
        .service(service)
        .build()
        .unwrap();
    (client, calls)
}

#[tokio::test]
async fn the_generated_router_serves_the_client_in_process() {
    let api = Arc::new(FakeApi::default());
    for (signature, format) in MODES {
        let client = Client::builder()
            .endpoint("http://dataworks.test")
            .access_key(KEY_ID, SECRET)
            .signature_version(signature)
            .format(format)
            .service(app(Arc::clone(&api)))
            .build()
            .unwrap();
        let id = client
            .create_connection(CreateConnectionRequest::new(
                PROJECT_ID,
                format!("in-process-{signature:?}-{format:?}"),
                ConnectionType::Odps,
                r#"{"accessId":"a","accessKey":"k","project":"p","endpoint":"http://e"}"#,
                0,
            ))
            .await
            .unwrap()
            .data;
        let page = client
            .list_connections(
                ListConnectionsRequest::new(PROJECT_ID).name(format!("in-process-{signature:?}")),
            )
            .await
            .unwrap();
        assert!(page.data.connections.iter().any(|c| c.id == id));
        let err = client
            .delete_connection(DeleteConnectionRequest::new(9999))
            .await
            .unwrap_err();
        assert!(matches!(
            err.api_error(),
            Some(DeleteConnectionError::InvalidTenantConnectionNotExists)
        ));
        assert_eq!(err.request_id(), Some(api.last_request_id().as_str()));
    }
}

#[tokio::test]
async fn invalid_requests_are_refused_before_any_traffic() {
    // A real listener that counts connections: nothing may even connect.
    let server = RawServer::start(vec![Script::Answer(200, UPDATE_OK, &[])]).await;
    let client = builder(server.addr).build().unwrap();
    let cases: Vec<(Error<UpdateConnectionError>, &str)> = vec![
        (
            client
                .update_connection(UpdateConnectionRequest::new(0, "{}", 1))
                .await
                .unwrap_err(),
            "ConnectionId must be at least 1, got 0",
        ),
        (
            client
                .update_connection(UpdateConnectionRequest::new(1, "", 1))
                .await
                .unwrap_err(),
            "Content must be at least 1 character long, got 0",
        ),
        (
            client
                .update_connection(UpdateConnectionRequest::new(1, "{}", 2))
                .await
                .unwrap_err(),
            "EnvType must be at most 1, got 2",
        ),
        (
            client
                .update_connection(UpdateConnectionRequest::new(1, "{}", 1).status("paused"))
                .await
                .unwrap_err(),
            "Status must match the pattern",
        ),
        (
            client
                .update_connection(
                    UpdateConnectionRequest::new(1, "{}", 1).description("x".repeat(3001)),
                )
                .await
                .unwrap_err(),
            "Description must be at most 3000 characters long, got 3001",
        ),
    ];
    for (err, expected) in &cases {
        let Error::Invalid(validation) = err else {
            panic!("{err:?}");
        };
        assert!(validation.to_string().starts_with(expected), "{validation}");
        assert!(err.to_string().contains("nothing was sent"), "{err}");
        assert_eq!(err.request_id(), None);
    }
    let err = client
        .list_connections(ListConnectionsRequest::new(PROJECT_ID).page_size(101))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(v) if v.field == "PageSize"),
        "{err:?}"
    );
    let err = client
        .test_network_connection(TestNetworkConnectionRequest::new(PROJECT_ID, "n", "2", "g"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(v) if v.field == "EnvType"),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
    assert!(server.requests().is_empty());
    // The same client does send a valid request.
    client
        .update_connection(UpdateConnectionRequest::new(1, "{}", 1))
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn codes_the_spec_does_not_list_keep_code_message_and_request_id() {
    const BODY: &str = r#"{"RequestId":"r-409","HostId":"dataworks.test","Code":"Some.New.Code","Message":"Something new happened.","Recommend":"https://help"}"#;
    let (client, calls) = canned(409, "application/json;charset=utf-8", BODY, &[]);
    let err = client
        .update_connection(UpdateConnectionRequest::new(1, "{}", 1))
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            error:
                UpdateConnectionError::Unlisted {
                    http_status,
                    code,
                    message,
                },
            http_status: status,
            request_id,
            host_id,
            recommend,
        } => {
            assert_eq!((*http_status, *status), (409, 409));
            assert_eq!(code, "Some.New.Code");
            assert_eq!(message, "Something new happened.");
            assert_eq!(request_id, "r-409");
            assert_eq!(host_id, "dataworks.test");
            assert_eq!(recommend, "https://help");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "Some.New.Code: Something new happened. (HTTP 409, request id r-409)"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1, "a 4xx is final");
}

#[tokio::test]
async fn xml_errors_and_header_request_ids_decode() {
    const XML: &str = "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>x-1</RequestId><HostId>h</HostId><Code>Invalid.Tenant.UserNotInTenant</Code><Message>The user is not in tenant.</Message><Recommend></Recommend></Error>";
    let (client, _) = canned(403, "text/xml;charset=utf-8", XML, &[]);
    let err = client
        .list_connections(ListConnectionsRequest::new(PROJECT_ID))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Api { error: ListConnectionsError::InvalidTenantUserNotInTenant, request_id, .. }
                if request_id == "x-1"
        ),
        "{err:?}"
    );
    // A success body without RequestId: the header's id is kept.
    const NO_ID: &str = r#"{"Success":true,"HttpStatusCode":"200","Data":true}"#;
    let (client, _) = canned(
        200,
        "application/json",
        NO_ID,
        &[("x-acs-request-id", "from-header")],
    );
    let answer = client
        .delete_connection(DeleteConnectionRequest::new(1))
        .await
        .unwrap();
    assert_eq!(answer.request_id(), "from-header");
    // A 200 whose body carries `Code` is an error (that is how pop-core reads answers too).
    const CODE_IN_200: &str = r#"{"RequestId":"c-1","Code":"Invalid.Tenant.ConnectionNotExists","Message":"The connection does not exist."}"#;
    let (client, _) = canned(200, "application/json", CODE_IN_200, &[]);
    let err = client
        .delete_connection(DeleteConnectionRequest::new(1))
        .await
        .unwrap_err();
    assert!(matches!(
        err.api_error(),
        Some(DeleteConnectionError::InvalidTenantConnectionNotExists)
    ));
}

#[tokio::test]
async fn unreadable_answers_are_decode_errors_and_proxy_5xx_pages_are_retried() {
    let (client, calls) = canned(502, "text/html", "<html>Bad Gateway</html>", &[]);
    let err = client
        .update_connection(UpdateConnectionRequest::new(1, "{}", 1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                source: DecodeError::NoEnvelope,
                http_status: 502,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3, "idempotent: retried");
    let (client, calls) = canned(502, "text/html", "<html>Bad Gateway</html>", &[]);
    let _ = client
        .create_connection(CreateConnectionRequest::new(
            PROJECT_ID,
            "n",
            ConnectionType::Mysql,
            "{}",
            1,
        ))
        .await
        .unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 1, "Create: not retried");

    // A 200 with the wrong shape: not retried, the request id kept.
    const WRONG: &str = r#"{"RequestId":"w-1","Success":true,"Data":"yes"}"#;
    let (client, calls) = canned(200, "application/json", WRONG, &[]);
    let err = client
        .delete_connection(DeleteConnectionRequest::new(1))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { source: DecodeError::Body(_), http_status: 200, request_id: Some(id) } if id == "w-1"),
        "{err:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn configuration_errors_are_reported() {
    let err = Client::builder()
        .access_key(KEY_ID, SECRET)
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::MissingEndpoint), "{err}");
    let err = Client::builder()
        .endpoint("ftp://x")
        .access_key(KEY_ID, SECRET)
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidEndpoint { .. }), "{err}");
    let err = Client::builder()
        .endpoint("http://x")
        .access_key(KEY_ID, SECRET)
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidUserAgent), "{err}");
    // A region picks the region's public endpoint from the spec.
    let client = Client::builder()
        .region("cn-hangzhou")
        .access_key(KEY_ID, SECRET)
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint().to_string(),
        "https://dataworks.cn-hangzhou.aliyuncs.com"
    );
    assert_eq!(client.signature_version(), SignatureVersion::V3);
    assert_eq!(client.access_key_id(), KEY_ID);
}

#[tokio::test]
async fn an_existing_reqwest_client_is_reused() {
    let api = Arc::new(FakeApi::default());
    let addr = serve(Arc::clone(&api)).await;
    let http = reqwest::Client::builder()
        .user_agent("ignored-by-the-client")
        .build()
        .unwrap();
    let client = builder(addr).http_client(http).build().unwrap();
    client
        .list_connections(ListConnectionsRequest::new(PROJECT_ID))
        .await
        .unwrap();
    assert_eq!(api.calls(), 1);
}

#[tokio::test]
async fn secrets_stay_out_of_debug_output_and_errors() {
    // Nothing listens here: the connect error must not repeat the signed URL.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    for signature in [SignatureVersion::V1, SignatureVersion::V3] {
        let builder = builder(addr)
            .security_token(STS_TOKEN)
            .signature_version(signature)
            .retry_policy(RetryPolicy::none());
        let builder_debug = format!("{builder:?}");
        let client = builder.build().unwrap();
        let err = client
            .update_connection(UpdateConnectionRequest::new(1, CONTENT, 1))
            .await
            .unwrap_err();
        assert!(matches!(&err, Error::Transport { source, .. } if source.is_connect()));
        let mut chain = format!("{err} {err:?} {client:?} {builder_debug}");
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            chain.push_str(&format!(" {cause} {cause:?}"));
            source = cause.source();
        }
        for secret in [SECRET, STS_TOKEN, "hunter2", "Signature", "SecurityToken"] {
            assert!(
                !chain.contains(secret),
                "{signature:?} leaks {secret}: {chain}"
            );
        }
        assert!(
            chain.contains(KEY_ID),
            "the key id is fine to show: {chain}"
        );
    }
}

#[test]
fn the_client_and_its_calls_can_move_between_threads() {
    fn send_sync<T: Send + Sync + 'static>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let client = Client::builder()
        .endpoint("http://dataworks.test")
        .access_key(KEY_ID, SECRET)
        .build()
        .unwrap();
    send_sync(&client);
    let call = client.update_connection(UpdateConnectionRequest::new(1, "{}", 1));
    send(&call);
    let err: Error<UpdateConnectionError> = Error::Invalid(ValidationError {
        field: "X",
        reason: "r".into(),
    });
    send_sync(&err);
    let _boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
}
