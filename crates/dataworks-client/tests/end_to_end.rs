//! The generated client against the generated router (with the in-memory test implementation of
//! the API trait) over real loopback HTTP: every operation, both signature versions, JSON and
//! XML; every documented code of UpdateConnection as its own variant with the request id.

mod support;

use std::sync::Arc;

use dataworks_client::*;
use support::*;

#[tokio::test]
async fn every_operation_round_trips_with_both_signatures_and_both_formats() {
    for (signature, format) in MODES {
        let api = Arc::new(FakeApi::default());
        let addr = serve(Arc::clone(&api)).await;
        let client = builder(addr)
            .signature_version(signature)
            .format(format)
            .region("cn-shanghai")
            .build()
            .unwrap();
        let mode = format!("{signature:?}/{format:?}");

        let created = client
            .create_connection(
                CreateConnectionRequest::new(
                    PROJECT_ID,
                    "mysql_name",
                    ConnectionType::Mysql,
                    CONTENT,
                    1,
                )
                .description("first"),
            )
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        let id = created.data;
        assert_eq!(id, 1, "{mode}");
        assert!(created.success);
        assert_eq!(created.request_id(), api.last_request_id(), "{mode}");
        assert_eq!(created.body().request_id, api.last_request_id(), "{mode}");
        assert_eq!(created.attempts(), 1);

        let updated = client
            .update_connection(
                UpdateConnectionRequest::new(id, CONTENT, 0)
                    .description("abc")
                    .status("DISABLED"),
            )
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(updated.data, "{mode}");
        assert_eq!(updated.request_id(), api.last_request_id(), "{mode}");

        let listed = client
            .list_connections(ListConnectionsRequest::new(PROJECT_ID).page_size(20))
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert_eq!(listed.request_id(), api.last_request_id(), "{mode}");
        let page = &listed.data;
        assert_eq!(
            (page.page_number, page.page_size, page.total_count),
            (1, 20, 1)
        );
        let connection = &page.connections[0];
        assert_eq!(connection.id, id);
        assert_eq!(connection.name, "mysql_name");
        assert_eq!(connection.connection_type, "mysql");
        assert_eq!(connection.description, "abc");
        assert_eq!((connection.env_type, connection.status), (0, 2), "{mode}");
        assert!(connection.content.contains("******") && !connection.content.contains("hunter2"));

        let tested = client
            .test_network_connection(TestNetworkConnectionRequest::new(
                PROJECT_ID,
                "mysql_name",
                "0",
                "S_res_group_1",
            ))
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(tested.task_list.connect_status, "{mode}");
        assert_eq!(
            tested.task_list.connect_message,
            "reachable from S_res_group_1"
        );

        let deleted = client
            .delete_connection(DeleteConnectionRequest::new(id))
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(deleted.data);
        let empty = client
            .list_connections(ListConnectionsRequest::new(PROJECT_ID))
            .await
            .unwrap();
        assert!(empty.data.connections.is_empty(), "{mode}");
        assert_eq!(empty.data.page_size, 10, "the spec default travels");

        // Six calls, each authenticated as the key's owner, each with the configured RegionId.
        assert_eq!(api.calls(), 6, "{mode}");
        assert!(api.principals.lock().unwrap().iter().all(|p| p == "alice"));
        assert!(api
            .regions
            .lock()
            .unwrap()
            .iter()
            .all(|r| r.as_deref() == Some("cn-shanghai")));
        // Every request id is distinct.
        let mut ids = api.request_ids.lock().unwrap().clone();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 6, "{mode}");
    }
}

#[tokio::test]
async fn each_documented_update_connection_code_is_its_own_variant_with_the_request_id() {
    use UpdateConnectionError as E;
    /// (code, documented status, "is the expected variant").
    type Case = (&'static str, u16, fn(&E) -> bool);
    let expected: [Case; 7] = [
        ("Invalid.Tenant.ConnectionNotExists", 400, |e| {
            matches!(e, E::InvalidTenantConnectionNotExists)
        }),
        ("Invalid.Tenant.ProjectNotExists", 400, |e| {
            matches!(e, E::InvalidTenantProjectNotExists)
        }),
        ("Invalid.Tenant.UserIsNotProjectOwnerOrAdmin", 403, |e| {
            matches!(e, E::InvalidTenantUserIsNotProjectOwnerOrAdmin)
        }),
        ("Invalid.Tenant.UserNotInProject", 400, |e| {
            matches!(e, E::InvalidTenantUserNotInProject)
        }),
        ("Invalid.Tenant.UserNotInTenant", 403, |e| {
            matches!(e, E::InvalidTenantUserNotInTenant)
        }),
        ("Invalid.DataSource.DataSourceStatus", 400, |e| {
            matches!(e, E::InvalidDataSourceDataSourceStatus { message }
                if message == "The specified dataSourceStatus BROKEN is invalid.")
        }),
        ("Invalid.DataSource.NameDuplicate", 400, |e| {
            matches!(e, E::InvalidDataSourceNameDuplicate)
        }),
    ];
    // The table covers every business code the spec documents for the operation.
    let common: Vec<&str> = CommonError::CODES.iter().map(|c| c.code).collect();
    let documented: Vec<&str> = E::CODES
        .iter()
        .map(|c| c.code)
        .filter(|c| !common.contains(c))
        .collect();
    assert_eq!(documented, expected.map(|(code, _, _)| code));

    for (signature, format) in MODES {
        let api = Arc::new(FakeApi::default());
        let addr = serve(Arc::clone(&api)).await;
        let client = builder(addr)
            .signature_version(signature)
            .format(format)
            .build()
            .unwrap();
        for (code, status, is_variant) in expected {
            api.fail_next(code);
            let err = client
                .update_connection(UpdateConnectionRequest::new(1, "{}", 1))
                .await
                .unwrap_err();
            let Error::Api {
                error,
                http_status,
                request_id,
                ..
            } = &err
            else {
                panic!("{code}: {err:?}");
            };
            assert!(
                is_variant(error),
                "{signature:?}/{format:?} {code}: {error:?}"
            );
            assert_eq!(error.code(), code);
            assert_eq!(*http_status, status, "{code}");
            assert_eq!(*request_id, api.last_request_id(), "{code}");
            assert_eq!(err.request_id(), Some(api.last_request_id().as_str()));
            assert!(err.to_string().contains(code), "{err}");
        }
        // Business errors are answers, not failures: none was retried.
        assert_eq!(api.calls(), expected.len());
    }
}

#[tokio::test]
async fn protocol_errors_of_the_server_come_back_typed() {
    let api = Arc::new(FakeApi::default());
    let addr = serve(Arc::clone(&api)).await;
    for signature in [SignatureVersion::V3, SignatureVersion::V1] {
        // A wrong secret: the server's SignatureDoesNotMatch, with its message and request id.
        let client = builder(addr)
            .access_key(KEY_ID, "not-the-secret")
            .signature_version(signature)
            .build()
            .unwrap();
        let err = client
            .delete_connection(DeleteConnectionRequest::new(1))
            .await
            .unwrap_err();
        match &err {
            Error::Api {
                error: DeleteConnectionError::SignatureDoesNotMatch { message },
                http_status: 400,
                request_id,
                ..
            } => {
                assert!(message.starts_with("Specified signature is not matched"));
                assert!(!request_id.is_empty());
            }
            other => panic!("{signature:?}: {other:?}"),
        }
        // An unknown key.
        let client = builder(addr)
            .access_key("nobody", SECRET)
            .signature_version(signature)
            .build()
            .unwrap();
        let err = client
            .delete_connection(DeleteConnectionRequest::new(1))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Api {
                    error: DeleteConnectionError::InvalidAccessKeyIdNotFound,
                    http_status: 404,
                    ..
                }
            ),
            "{err:?}"
        );
    }
    // Business code never ran.
    assert_eq!(api.calls(), 0);
}

#[tokio::test]
async fn temporary_credentials_carry_the_sts_token_in_both_signatures() {
    let api = Arc::new(FakeApi::default());
    let addr = serve(Arc::clone(&api)).await;
    for signature in [SignatureVersion::V3, SignatureVersion::V1] {
        let client = builder(addr)
            .access_key(STS_KEY_ID, SECRET)
            .security_token(STS_TOKEN)
            .signature_version(signature)
            .build()
            .unwrap();
        client
            .list_connections(ListConnectionsRequest::new(PROJECT_ID))
            .await
            .unwrap_or_else(|e| panic!("{signature:?}: {e}"));
        // Without the token the key is unknown.
        let without = builder(addr)
            .access_key(STS_KEY_ID, SECRET)
            .signature_version(signature)
            .build()
            .unwrap();
        let err = without
            .list_connections(ListConnectionsRequest::new(PROJECT_ID))
            .await
            .unwrap_err();
        assert_eq!(
            err.api_error().map(ListConnectionsError::code),
            Some("InvalidAccessKeyId.NotFound")
        );
    }
    assert_eq!(*api.principals.lock().unwrap(), ["alice-sts", "alice-sts"]);
}

#[tokio::test]
async fn per_call_format_switches_share_the_client() {
    let api = Arc::new(FakeApi::default());
    let addr = serve(Arc::clone(&api)).await;
    let client = builder(addr).build().unwrap();
    let xml = client.with_format(Format::Xml);
    assert_eq!((client.format(), xml.format()), (Format::Json, Format::Xml));
    let answer = xml
        .list_connections(ListConnectionsRequest::new(PROJECT_ID))
        .await
        .unwrap();
    assert_eq!(
        answer.headers().get("content-type").unwrap(),
        "text/xml;charset=utf-8"
    );
    let answer = client
        .list_connections(ListConnectionsRequest::new(PROJECT_ID))
        .await
        .unwrap();
    assert_eq!(
        answer.headers().get("content-type").unwrap(),
        "application/json;charset=utf-8"
    );
}
