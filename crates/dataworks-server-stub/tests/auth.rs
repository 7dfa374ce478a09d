//! Authentication runs before parameter validation and before business code: unsigned, badly
//! signed, unknown-key, disabled-key and replayed requests never reach the trait (calls are
//! counted), and an invalid request with a bad signature is a signature error, not a parameter one.

mod support;

use http::Method;
use support::*;

#[tokio::test]
async fn unsigned_requests_are_refused_before_the_trait() {
    let server = Server::start().await;
    let spec = Spec::load();
    for action in spec.actions() {
        let valid = spec.valid_required(&action);
        let query: Vec<String> = valid
            .iter()
            .map(|(n, v)| format!("{n}={}", urlencode(v)))
            .collect();
        let url = format!("/?Action={action}&Version={VERSION}&{}", query.join("&"));
        for method in [Method::GET, Method::POST, Method::PUT] {
            let answer = send(server.raw(method, &url)).await;
            let message = answer.expect_error(400, "MissingParameter");
            assert!(message.contains("\"AccessKeyId\""), "{message}");
        }
        // An Authorization header that is not a signature.
        let answer = send(
            server
                .raw(Method::GET, &url)
                .header("authorization", "Bearer abc"),
        )
        .await;
        answer.expect_error(400, "IncompleteSignature");
    }
    assert_eq!(server.api.calls(), 0);
}

fn urlencode(v: &str) -> String {
    acs_protocol::encoding::pe(v)
}

#[tokio::test]
async fn badly_signed_requests_are_refused_before_the_trait() {
    let server = Server::start().await;
    let spec = Spec::load();
    for action in spec.actions() {
        let valid = spec.valid_required(&action);
        for style in STYLES {
            // Wrong secret.
            let answer = send(server.signed_with(
                Method::POST,
                style,
                &action,
                VERSION,
                &pairs(&valid),
                KEY_ID,
                "not-the-secret",
            ))
            .await;
            let message = answer.expect_error(400, "SignatureDoesNotMatch");
            assert!(
                message.starts_with("Specified signature is not matched with our calculation. server string to sign is:"),
                "{message}"
            );
            // Unknown and disabled keys.
            let answer = send(server.signed_with(
                Method::GET,
                style,
                &action,
                VERSION,
                &pairs(&valid),
                "nobody",
                SECRET,
            ))
            .await;
            answer.expect_error(404, "InvalidAccessKeyId.NotFound");
            let answer = send(server.signed_with(
                Method::GET,
                style,
                &action,
                VERSION,
                &pairs(&valid),
                INACTIVE_KEY_ID,
                SECRET,
            ))
            .await;
            answer.expect_error(400, "InvalidAccessKeyId.Inactive");
        }
    }
    assert_eq!(server.api.calls(), 0);
}

#[tokio::test]
async fn a_parameter_changed_after_signing_is_refused() {
    let server = Server::start().await;
    // v1: a value in the query changed.
    let request = server
        .signed(
            Method::GET,
            Style::V1Query,
            "DeleteConnection",
            &[("ConnectionId", "1")],
        )
        .build()
        .unwrap();
    let tampered = request
        .url()
        .as_str()
        .replace("ConnectionId=1", "ConnectionId=2");
    let answer = send(server.http.get(tampered)).await;
    answer.expect_error(400, "SignatureDoesNotMatch");
    // V3: a parameter added to the query.
    let request = server
        .signed(
            Method::GET,
            Style::V3Headers,
            "DeleteConnection",
            &[("ConnectionId", "1")],
        )
        .build()
        .unwrap();
    let mut tampered = request;
    let url = format!("{}&Description=x", tampered.url());
    *tampered.url_mut() = url.parse().unwrap();
    let response = server.http.execute(tampered).await.unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");
    assert_eq!(server.api.calls(), 0);
}

#[tokio::test]
async fn a_replayed_request_is_refused_the_second_time() {
    let server = Server::start().await;
    for style in STYLES {
        let builder = server.signed(
            Method::GET,
            style,
            "DeleteConnection",
            &[("ConnectionId", "1")],
        );
        let again = builder.try_clone().unwrap();
        let first = send(builder).await;
        assert_eq!(first.status, 200, "{first:?}");
        let second = send(again).await;
        second.expect_error(400, "SignatureNonceUsed");
    }
    assert_eq!(server.api.calls(), 3);
}

#[tokio::test]
async fn authentication_comes_before_parameter_validation() {
    let server = Server::start().await;
    // Invalid and missing parameters, badly signed: the signature error wins.
    for params in [
        vec![("ConnectionId", "0")],
        vec![("ConnectionId", "abc"), ("Status", "weird")],
        vec![],
    ] {
        let answer = send(server.signed_with(
            Method::GET,
            Style::V3Headers,
            "DeleteConnection",
            VERSION,
            &params,
            KEY_ID,
            "wrong",
        ))
        .await;
        answer.expect_error(400, "SignatureDoesNotMatch");
    }
    // Unsigned and invalid: the missing credential wins.
    let answer = send(server.raw(
        Method::GET,
        "/?Action=DeleteConnection&Version=2020-05-18&ConnectionId=abc",
    ))
    .await;
    let message = answer.expect_error(400, "MissingParameter");
    assert!(message.contains("\"AccessKeyId\""), "{message}");
    assert_eq!(server.api.calls(), 0);
}
