//! Every documented error code of every operation (read from the spec as data) is rendered with
//! its spec status, code and message, in JSON and in XML; internal failures are `InternalError`
//! without detail.

mod support;

use http::Method;
use support::*;

/// The spec's message for `code` with the placeholders the test implementation fills in.
fn documented_message(action: &str, code: &str) -> String {
    let codes: &[dataworks_types::ErrorCode] = match action {
        "CreateConnection" => dataworks_types::CreateConnectionError::CODES,
        "UpdateConnection" => dataworks_types::UpdateConnectionError::CODES,
        "ListConnections" => dataworks_types::ListConnectionsError::CODES,
        "DeleteConnection" => dataworks_types::DeleteConnectionError::CODES,
        "TestNetworkConnection" => dataworks_types::TestNetworkConnectionError::CODES,
        "CreateDataSource" => dataworks_types::CreateDataSourceError::CODES,
        "UpdateDataSource" => dataworks_types::UpdateDataSourceError::CODES,
        "ListDataSources" => dataworks_types::ListDataSourcesError::CODES,
        "DeleteDataSource" => dataworks_types::DeleteDataSourceError::CODES,
        "ExportDataSources" => dataworks_types::ExportDataSourcesError::CODES,
        "ImportDataSources" => dataworks_types::ImportDataSourcesError::CODES,
        "SetDataSourceShare" => dataworks_types::SetDataSourceShareError::CODES,
        other => panic!("unknown action {other}"),
    };
    codes
        .iter()
        .find(|c| c.code == code)
        .unwrap()
        .message_with(&[
            ("name", "SomeParameter"),
            ("status", "BROKEN"),
            ("stringToSign", "GET&%2F&x"),
        ])
}

#[tokio::test]
async fn each_documented_code_of_each_operation_has_its_status_in_json_and_xml() {
    let server = Server::start().await;
    let spec = Spec::load();
    let mut checked = 0;
    for action in spec.actions() {
        let valid = spec.valid_required(&action);
        let codes = spec.error_codes(&action);
        assert!(codes.len() > 15, "{action}: {codes:?}");
        for (status, code) in codes {
            for format in ["JSON", "XML"] {
                let mut params = valid.clone();
                params.push(("RegionId".into(), format!("fail:{code}")));
                params.push(("Format".into(), format.into()));
                let answer =
                    send(server.signed(Method::GET, Style::V3Headers, &action, &pairs(&params)))
                        .await;
                let what = format!("{action} {code} {format}");
                let content_type = if format == "XML" {
                    "text/xml;charset=utf-8"
                } else {
                    "application/json;charset=utf-8"
                };
                assert_eq!(answer.header("content-type"), Some(content_type), "{what}");
                let message = answer.expect_error(status, &code);
                assert_eq!(message, documented_message(&action, &code), "{what}");
                let envelope = answer.error();
                assert_eq!(envelope.host_id, "test-host");
                if format == "XML" {
                    assert!(
                        answer.body.starts_with(
                            "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>"
                        ),
                        "{what}: {}",
                        answer.body
                    );
                } else {
                    let body = answer.json();
                    for key in ["RequestId", "HostId", "Code", "Message", "Recommend"] {
                        assert!(body.get(key).is_some(), "{what}: no {key} in {body}");
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(server.api.calls(), checked);
    assert!(checked > 150, "only {checked}");
}

#[tokio::test]
async fn unlisted_errors_and_panics_are_internal_error_without_detail() {
    let server = Server::start().await;
    for script in ["unlisted", "panic", "fail:InternalError"] {
        for format in ["JSON", "XML"] {
            let answer = send(server.signed(
                Method::POST,
                Style::V1Form,
                "UpdateConnection",
                &[
                    ("ConnectionId", "1"),
                    ("Content", "{}"),
                    ("EnvType", "1"),
                    ("RegionId", script),
                    ("Format", format),
                ],
            ))
            .await;
            let message = answer.expect_error(500, "InternalError");
            assert_eq!(
                message,
                "The request processing has failed due to some unknown error."
            );
            assert!(!answer.body.contains("hunter2"), "{}", answer.body);
            assert!(!answer.body.contains("Db.Down"), "{}", answer.body);
        }
    }
    // The server keeps serving after a panic.
    let answer = send(server.signed(
        Method::GET,
        Style::V1Query,
        "DeleteConnection",
        &[("ConnectionId", "1")],
    ))
    .await;
    assert_eq!(answer.status, 200);
    let after = server.hooks.after.lock().unwrap().clone();
    assert_eq!(
        after
            .iter()
            .filter(|r| r.error_code.as_deref() == Some("InternalError"))
            .count(),
        6
    );
}

/// The internal detail goes to the log (tracing) with the request id.
#[tokio::test]
async fn internal_detail_is_logged_with_the_request_id() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = Server::start().await;
    let answer = send(server.signed(
        Method::GET,
        Style::V1Query,
        "DeleteConnection",
        &[("ConnectionId", "1"), ("RegionId", "unlisted")],
    ))
    .await;
    answer.expect_error(500, "InternalError");
    let id = answer.header("x-acs-request-id").unwrap().to_owned();
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains(&id))
        .unwrap_or_else(|| panic!("no log line with {id}: {log}"));
    assert!(line.contains("DeleteConnection"), "{line}");
    assert!(line.contains("Db.Down"), "{line}");
}
