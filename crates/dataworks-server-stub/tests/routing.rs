//! Over real HTTP: every operation reached by every method and parameter carrier, dispatch
//! errors, answers for paths/methods/bodies axum would otherwise answer itself, formats, hooks.

mod support;

use std::time::Duration;

use http::Method;
use support::*;

/// (method, style) pairs that must all reach an operation.
const CARRIERS: &[(Method, Style)] = &[
    (Method::GET, Style::V1Query),
    (Method::POST, Style::V1Query),
    (Method::POST, Style::V1Form),
    (Method::PUT, Style::V1Query),
    (Method::PUT, Style::V1Form),
    (Method::GET, Style::V3Headers),
    (Method::POST, Style::V3Headers),
    (Method::PUT, Style::V3Headers),
];

#[tokio::test]
async fn every_operation_is_reached_by_get_post_form_put_and_acs_headers() {
    let server = Server::start().await;
    let spec = Spec::load();
    let mut expected_calls = 0;
    for action in spec.actions() {
        let params = spec.valid_required(&action);
        for (method, style) in CARRIERS {
            let answer =
                send(server.signed(method.clone(), *style, &action, &pairs(&params))).await;
            let what = format!("{action} by {method} {style:?}");
            assert_eq!(answer.status, 200, "{what}: {answer:?}");
            assert_eq!(
                answer.header("content-type"),
                Some("application/json;charset=utf-8"),
                "{what}"
            );
            let body = answer.json();
            assert_eq!(body["Success"], true, "{what}: {body}");
            assert!(
                body.get("Code").is_none(),
                "a success never has Code: {body}"
            );
            // The layer sets RequestId from the context, whatever business code put there.
            let id = answer
                .header("x-acs-request-id")
                .expect("request id header");
            assert_eq!(body["RequestId"], id, "{what}");
            assert_eq!(answer.header("x-test-operation"), Some(action.as_str()));
            expected_calls += 1;
            assert_eq!(server.api.calls(), expected_calls, "{what}");
            let (received, ctx) = server.api.last().unwrap();
            assert_eq!(ctx.operation.as_str(), action);
            assert_eq!(ctx.request_id.as_str(), id);
            assert_eq!(ctx.caller.access_key_id, KEY_ID);
            assert_eq!(ctx.caller.principal, format!("user-of-{KEY_ID}"));
            let received_action = match received {
                Received::Create(_) => "CreateConnection",
                Received::Update(_) => "UpdateConnection",
                Received::List(_) => "ListConnections",
                Received::Delete(_) => "DeleteConnection",
                Received::Test(_) => "TestNetworkConnection",
                Received::DataSource(action) => action,
            };
            assert_eq!(received_action, action, "{what}");
        }
    }
}

#[tokio::test]
async fn the_trait_receives_typed_values_and_the_context() {
    let server = Server::start().await;
    let answer = send(server.signed(
        Method::PUT,
        Style::V1Query,
        "UpdateConnection",
        &[
            ("ConnectionId", "7"),
            ("Content", "{\"a\":1}"),
            ("EnvType", "0"),
            ("Description", "with space+plus"),
            ("Status", "disabled"),
            ("RegionId", "cn-shanghai"),
        ],
    ))
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let (Received::Update(req), ctx) = server.api.last().unwrap() else {
        panic!("not an update")
    };
    assert_eq!(req.connection_id, 7);
    assert_eq!(req.content, "{\"a\":1}");
    assert_eq!(req.env_type, 0);
    assert_eq!(req.description.as_deref(), Some("with space+plus"));
    assert_eq!(req.status.as_deref(), Some("disabled"));
    assert_eq!(ctx.region_id.as_deref(), Some("cn-shanghai"));
    assert_eq!(ctx.format, dataworks_server_stub::Format::Json);

    // Spec defaults apply when a parameter is absent.
    let answer = send(server.signed(
        Method::GET,
        Style::V3Headers,
        "ListConnections",
        &[("ProjectId", "3")],
    ))
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["Data"]["PageSize"], 10);
    let (Received::List(req), ctx) = server.api.last().unwrap() else {
        panic!("not a list")
    };
    assert_eq!((req.project_id, req.page_number, req.page_size), (3, 1, 10));
    assert_eq!(ctx.region_id, None);
}

#[tokio::test]
async fn unknown_actions_and_wrong_or_missing_versions_are_answered_before_business_code() {
    let server = Server::start().await;
    let ok = [("ProjectId", "1")];
    for style in STYLES {
        let answer = send(server.signed(Method::GET, style, "NoSuchAction", &ok)).await;
        let message = answer.expect_error(404, "InvalidAction.NotFound");
        assert_eq!(
            message,
            "Specified api is not found, please check your url and method."
        );
        // Actions are case-sensitive.
        let answer = send(server.signed(Method::GET, style, "listconnections", &ok)).await;
        answer.expect_error(404, "InvalidAction.NotFound");
        let answer = send(server.signed_with(
            Method::GET,
            style,
            "ListConnections",
            "2014-05-26",
            &ok,
            KEY_ID,
            SECRET,
        ))
        .await;
        let message = answer.expect_error(400, "InvalidVersion");
        assert_eq!(message, "Specified parameter Version is not valid.");
    }
    let answer = send(server.raw(Method::GET, "/?Action=ListConnections&ProjectId=1")).await;
    let message = answer.expect_error(400, "MissingParameter");
    assert!(message.contains("\"Version\""), "{message}");
    let answer = send(server.raw(Method::GET, "/?Version=2020-05-18&ProjectId=1")).await;
    let message = answer.expect_error(400, "MissingParameter");
    assert!(message.contains("\"Action\""), "{message}");
    // Action and Version from headers when absent from the parameters.
    let answer = send(
        server
            .raw(Method::GET, "/?ProjectId=1")
            .header("x-acs-action", "Nope")
            .header("x-acs-version", VERSION),
    )
    .await;
    answer.expect_error(404, "InvalidAction.NotFound");
    let answer = send(
        server
            .raw(Method::GET, "/?ProjectId=1")
            .header("x-acs-action", "ListConnections")
            .header("x-acs-version", "1999-01-01"),
    )
    .await;
    answer.expect_error(400, "InvalidVersion");
    assert_eq!(server.api.calls(), 0);
}

#[tokio::test]
async fn other_paths_are_404_in_the_envelope_json_or_xml() {
    let server = Server::start().await;
    for path in ["/nope", "/a/b/c?Action=ListConnections", "/index.html"] {
        for method in [Method::GET, Method::POST, Method::DELETE] {
            let answer = send(server.raw(method.clone(), path)).await;
            answer.expect_error(404, "InvalidAction.NotFound");
            assert_eq!(answer.error().host_id, "test-host");
            assert_eq!(answer.header("x-test-operation"), None);
        }
    }
    let answer = send(server.raw(Method::GET, "/nope?Format=xml")).await;
    assert_eq!(
        answer.header("content-type"),
        Some("text/xml;charset=utf-8")
    );
    assert!(answer.body.contains("<Error>"), "{}", answer.body);
    answer.expect_error(404, "InvalidAction.NotFound");
}

#[tokio::test]
async fn other_methods_are_405_with_allow_in_the_envelope() {
    let server = Server::start().await;
    for method in ["DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"] {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let answer = send(server.raw(
            method.clone(),
            "/?Action=ListConnections&Version=2020-05-18&ProjectId=1",
        ))
        .await;
        answer.expect_error(405, "UnsupportedHTTPMethod");
        assert_eq!(answer.header("allow"), Some("GET, POST, PUT"), "{method}");
    }
    // HEAD has no body, but the status and Allow are the same.
    let answer = send(server.raw(Method::HEAD, "/?Action=ListConnections")).await;
    assert_eq!(
        (answer.status, answer.header("allow")),
        (405, Some("GET, POST, PUT"))
    );
    // XML when asked.
    let answer = send(server.raw(Method::DELETE, "/?Format=XML")).await;
    assert_eq!(
        answer.header("content-type"),
        Some("text/xml;charset=utf-8")
    );
    answer.expect_error(405, "UnsupportedHTTPMethod");
    assert_eq!(server.api.calls(), 0);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_in_the_envelope() {
    let server = Server::start_with(|c| c.with_body_limit(1024)).await;
    let params = [
        ("ProjectId", "1"),
        ("Name", "x"),
        ("ConnectionType", "mysql"),
    ];
    let big = "a".repeat(2000);
    let mut with_big: Vec<(&str, &str)> = params.to_vec();
    with_big.push(("Content", &big));
    with_big.push(("EnvType", "1"));
    let answer =
        send(server.signed(Method::POST, Style::V1Form, "CreateConnection", &with_big)).await;
    let message = answer.expect_error(413, "RequestBodyTooLarge");
    assert_eq!(message, "The request body is too large.");
    // Also without a Content-Length (chunked).
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..40).map(|_| Ok(vec![b'a'; 100])).collect();
    let answer = send(
        server
            .raw(Method::POST, "/?Format=XML")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks))),
    )
    .await;
    answer.expect_error(413, "RequestBodyTooLarge");
    assert_eq!(
        answer.header("content-type"),
        Some("text/xml;charset=utf-8")
    );
    // Under the limit is fine.
    let small = "a".repeat(100);
    let mut with_small: Vec<(&str, &str)> = params.to_vec();
    with_small.push(("Content", &small));
    with_small.push(("EnvType", "1"));
    let answer =
        send(server.signed(Method::POST, Style::V1Form, "CreateConnection", &with_small)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["Data"], 42);
}

#[tokio::test]
async fn a_request_past_the_deadline_is_408_in_the_envelope_and_hooks_see_it() {
    let server = Server::start_with(|c| c.with_timeout(Duration::from_millis(300))).await;
    let answer = send(server.signed(
        Method::GET,
        Style::V3Headers,
        "ListConnections",
        &[("ProjectId", "1"), ("RegionId", "sleep:5000")],
    ))
    .await;
    answer.expect_error(408, "RequestTimeout");
    let after = server.hooks.after.lock().unwrap().clone();
    let last = after.last().unwrap();
    assert_eq!(last.error_code.as_deref(), Some("RequestTimeout"));
    assert!(last.latency >= Duration::from_millis(300), "{last:?}");
    assert_eq!(answer.header("x-test-operation"), Some("ListConnections"));
}

#[tokio::test]
async fn repeated_parameters_and_unreadable_bodies_get_envelopes_not_rejections() {
    let server = Server::start().await;
    // A name twice (query and form body): refused naming it, before authentication.
    let answer = send(
        server
            .signed(
                Method::POST,
                Style::V1Query,
                "DeleteConnection",
                &[("ConnectionId", "1")],
            )
            .header("content-type", "application/x-www-form-urlencoded")
            .body("ConnectionId=2"),
    )
    .await;
    let message = answer.expect_error(400, "InvalidParameter");
    assert!(message.contains("\"ConnectionId\""), "{message}");
    // A JSON body is not parameters: ignored, the signed query still works.
    let answer = send(
        server
            .signed(
                Method::POST,
                Style::V1Query,
                "DeleteConnection",
                &[("ConnectionId", "1")],
            )
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    // Form garbage: a value that is not UTF-8 once percent-decoded is InvalidParameter naming
    // the parameter (issue 16), before authentication and in the envelope.
    let answer = send(
        server
            .raw(Method::POST, "/?Action=DeleteConnection&Version=2020-05-18")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(b"%zz=%FF%FE&\xff\xfe=1".to_vec()),
    )
    .await;
    let message = answer.expect_error(400, "InvalidParameter");
    assert!(
        message.starts_with("The specified parameter \"%zz\" is not valid."),
        "{message}"
    );
    assert_eq!(server.api.calls(), 1);
}

#[tokio::test]
async fn format_xml_in_any_case_answers_xml_and_other_formats_are_refused() {
    let server = Server::start().await;
    for format in ["XML", "xml", "Xml"] {
        let answer = send(server.signed(
            Method::GET,
            Style::V1Query,
            "ListConnections",
            &[("ProjectId", "1"), ("Format", format)],
        ))
        .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(
            answer.header("content-type"),
            Some("text/xml;charset=utf-8")
        );
        let id = answer.header("x-acs-request-id").unwrap();
        assert!(
            answer.body.starts_with(
                "<?xml version='1.0' encoding='UTF-8'?><ListConnectionsResponse><RequestId>"
            ),
            "{}",
            answer.body
        );
        assert!(answer
            .body
            .contains(&format!("<RequestId>{id}</RequestId>")));
        assert_eq!(
            answer.body.matches("<Connections>").count(),
            2,
            "{}",
            answer.body
        );
        assert!(answer.body.ends_with("</ListConnectionsResponse>"));
        let (_, ctx) = server.api.last().unwrap();
        assert_eq!(ctx.format, dataworks_server_stub::Format::Xml);
    }
    for format in ["json", "JSON"] {
        let answer = send(server.signed(
            Method::GET,
            Style::V1Query,
            "DeleteConnection",
            &[("ConnectionId", "1"), ("Format", format)],
        ))
        .await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.json()["Data"], true);
    }
    let calls = server.api.calls();
    let answer = send(server.signed(
        Method::GET,
        Style::V1Query,
        "DeleteConnection",
        &[("ConnectionId", "1"), ("Format", "yaml")],
    ))
    .await;
    let message = answer.expect_error(400, "InvalidParameter");
    assert!(message.contains("\"Format\""), "{message}");
    assert_eq!(server.api.calls(), calls);
}

#[tokio::test]
async fn hooks_see_every_operation_with_its_code_and_latency_and_layers_see_the_operation() {
    let server = Server::start().await;
    let ok = send(server.signed(
        Method::GET,
        Style::V1Query,
        "DeleteConnection",
        &[("ConnectionId", "1")],
    ))
    .await;
    let failed = send(server.signed(
        Method::GET,
        Style::V1Query,
        "DeleteConnection",
        &[
            ("ConnectionId", "1"),
            ("RegionId", "fail:Invalid.Tenant.ConnectionNotExists"),
        ],
    ))
    .await;
    let unsigned =
        send(server.raw(Method::GET, "/?Action=ListConnections&Version=2020-05-18")).await;
    let invalid = send(server.signed(
        Method::GET,
        Style::V1Query,
        "ListConnections",
        &[("ProjectId", "0")],
    ))
    .await;
    let not_found = send(server.raw(Method::GET, "/?Action=Nope&Version=2020-05-18")).await;
    let before = server.hooks.before.lock().unwrap().clone();
    let after = server.hooks.after.lock().unwrap().clone();
    // No operation, no hooks: the unknown action is not counted.
    assert_eq!(before.len(), 4, "{before:?}");
    assert_eq!(after.len(), 4, "{after:?}");
    let expected = [
        (&ok, "DeleteConnection", 200, None),
        (
            &failed,
            "DeleteConnection",
            400,
            Some("Invalid.Tenant.ConnectionNotExists"),
        ),
        (&unsigned, "ListConnections", 400, Some("MissingParameter")),
        (&invalid, "ListConnections", 400, Some("InvalidParameter")),
    ];
    for (i, (answer, op, status, code)) in expected.iter().enumerate() {
        let id = answer.header("x-acs-request-id").unwrap();
        assert_eq!(before[i].0.as_str(), *op);
        assert_eq!(before[i].1, id);
        assert_eq!(after[i].operation.as_str(), *op);
        assert_eq!(after[i].request_id, id);
        assert_eq!(after[i].status, *status);
        assert_eq!(after[i].error_code.as_deref(), *code);
        assert!(after[i].latency > Duration::ZERO);
        assert_eq!(answer.header("x-test-operation"), Some(*op));
    }
    assert_eq!(not_found.header("x-test-operation"), None);
}
