//! The generated types against the real spec and the reference text (UpdateConnection.txt,
//! wire-protocol.md): parameters decode and validate, answers round-trip, codes are typed.

use dataworks_types::*;
use serde_json::json;
use std::collections::BTreeMap;

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn update_connection_reference_example_decodes_and_re_encodes() {
    let content = r#"{"database":"dbname","instanceName":"instancename","password":"password","rdsOwnerId":"123","username":"username"}"#;
    let map = params(&[
        ("ConnectionId", "1"),
        ("Content", content),
        ("EnvType", "1"),
        ("Description", "abc"),
        ("Status", "ENABLED"),
    ]);
    let request = UpdateConnectionRequest::from_params(|n| map.get(n).map(String::as_str)).unwrap();
    assert_eq!(request.connection_id, 1);
    assert_eq!(request.status.as_deref(), Some("ENABLED"));
    // The same request built the way the issue asks for: plain values, no `try_from` per value.
    let built = UpdateConnectionRequest::new(1, content, 1)
        .description("abc")
        .status("ENABLED");
    assert_eq!(built, request);
    assert_eq!(built.validate(), Ok(()));
    let back: BTreeMap<String, String> = request
        .to_params()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    assert_eq!(back, map);
}

#[test]
fn update_connection_parameters_are_validated_with_their_wire_names() {
    let ok = [("ConnectionId", "1"), ("Content", "{}"), ("EnvType", "0")];
    let with = |name: &str, value: Option<&str>| {
        let mut map = params(&ok);
        match value {
            Some(v) => map.insert(name.to_owned(), v.to_owned()),
            None => map.remove(name),
        };
        UpdateConnectionRequest::from_params(|n| map.get(n).map(String::as_str)).unwrap_err()
    };
    assert_eq!(
        with("ConnectionId", None),
        ParamError::Missing {
            name: "ConnectionId"
        }
    );
    assert_eq!(
        with("Content", None),
        ParamError::Missing { name: "Content" }
    );
    assert_eq!(
        with("EnvType", None),
        ParamError::Missing { name: "EnvType" }
    );
    assert_eq!(with("ConnectionId", Some("0")).name(), "ConnectionId");
    assert_eq!(
        with("EnvType", Some("2")),
        ParamError::Invalid {
            name: "EnvType",
            reason: "must be at most 1, got 2".into()
        }
    );
    assert_eq!(with("Content", Some("")).name(), "Content");
    assert_eq!(with("Status", Some("paused")).name(), "Status");
    for status in ["enabled", "DISABLED", "Enabled", "0", "1", "2"] {
        let mut map = params(&ok);
        map.insert("Status".into(), status.into());
        assert!(
            UpdateConnectionRequest::from_params(|n| map.get(n).map(String::as_str)).is_ok(),
            "{status}"
        );
    }
}

#[test]
fn validate_makes_the_same_checks_as_from_params_before_anything_is_sent() {
    let ok = UpdateConnectionRequest::new(1, "{}", 0);
    assert_eq!(ok.validate(), Ok(()));
    let cases = [
        (
            UpdateConnectionRequest::new(0, "{}", 0),
            "ConnectionId",
            "must be at least 1, got 0",
        ),
        (
            UpdateConnectionRequest::new(1, "", 0),
            "Content",
            "must be at least 1 character long, got 0",
        ),
        (
            UpdateConnectionRequest::new(1, "{}", 2),
            "EnvType",
            "must be at most 1, got 2",
        ),
        (
            ok.clone().description("x".repeat(3001)),
            "Description",
            "must be at most 3000 characters long, got 3001",
        ),
        (ok.clone().status("paused"), "Status", ""),
    ];
    for (request, field, reason) in cases {
        let err = request.validate().unwrap_err();
        assert_eq!(err.field, field, "{err}");
        if !reason.is_empty() {
            assert_eq!(err.reason, reason);
        }
        // from_params refuses the same parameter.
        let params: BTreeMap<String, String> = request
            .to_params()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let refused = UpdateConnectionRequest::from_params(|n| params.get(n).map(String::as_str))
            .unwrap_err();
        assert_eq!(refused.name(), field);
    }
    let list = ListConnectionsRequest::new(1).page_size(101);
    assert_eq!(
        list.validate().unwrap_err().to_string(),
        "PageSize must be at most 100, got 101"
    );
    // Decoding a request (e.g. from a config file) checks too.
    let err = serde_json::from_value::<UpdateConnectionRequest>(
        json!({"ConnectionId": 0, "Content": "{}", "EnvType": 0}),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("must be at least 1, got 0"),
        "{err}"
    );
}

#[test]
fn list_connections_defaults_and_limits_follow_the_spec() {
    let map = params(&[("ProjectId", "10")]);
    let request = ListConnectionsRequest::from_params(|n| map.get(n).map(String::as_str)).unwrap();
    assert_eq!((request.page_number, request.page_size), (1, 10));
    assert_eq!(ListConnectionsRequest::new(10), request);
    let map = params(&[("ProjectId", "10"), ("PageSize", "101")]);
    let err = ListConnectionsRequest::from_params(|n| map.get(n).map(String::as_str)).unwrap_err();
    assert_eq!(
        err,
        ParamError::Invalid {
            name: "PageSize",
            reason: "must be at most 100, got 101".into()
        }
    );
    let map = params(&[("ProjectId", "10"), ("ConnectionType", "foo")]);
    assert_eq!(
        ListConnectionsRequest::from_params(|n| map.get(n).map(String::as_str))
            .unwrap_err()
            .name(),
        "ConnectionType"
    );
}

#[test]
fn test_network_connection_env_type_is_a_string_zero_or_one() {
    let base = [
        ("ProjectId", "1"),
        ("DatasourceName", "ds"),
        ("ResourceGroup", "rg"),
    ];
    for (env, ok) in [("0", true), ("1", true), ("2", false), ("x", false)] {
        let mut map = params(&base);
        map.insert("EnvType".into(), env.into());
        assert_eq!(
            TestNetworkConnectionRequest::from_params(|n| map.get(n).map(String::as_str)).is_ok(),
            ok,
            "{env}"
        );
    }
}

#[test]
fn answers_round_trip_with_wire_names() {
    let update = json!({"RequestId": "0bc14115159376359****", "HttpStatusCode": "200", "Data": true, "Success": true});
    let decoded: UpdateConnectionResponse = serde_json::from_value(update.clone()).unwrap();
    assert!(decoded.data);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), update);
    let list = json!({
        "RequestId": "r", "Success": true, "HttpStatusCode": 200,
        "Data": {"PageNumber": 1, "PageSize": 10, "TotalCount": 1, "Connections": [{
            "Id": 5, "Name": "n", "ProjectId": 10, "TenantId": 1, "ConnectionType": "mysql", "SubType": "",
            "Content": "{}", "Description": "", "EnvType": 1, "Status": 1, "ConnectStatus": 1, "Shared": false,
            "Sequence": 1, "BindingCalcEngineId": 0, "DefaultEngine": false, "Operator": "u",
            "GmtCreate": "Mar 17, 2021 4:09:32 PM", "GmtModified": "Mar 17, 2021 4:09:32 PM"
        }]}
    });
    let decoded: ListConnectionsResponse = serde_json::from_value(list.clone()).unwrap();
    assert_eq!(decoded.data.connections[0].connection_type, "mysql");
    assert_eq!(serde_json::to_value(&decoded).unwrap(), list);
}

#[test]
fn documented_error_codes_are_typed_per_operation() {
    let e = UpdateConnectionError::from_code(400, "Invalid.Tenant.ConnectionNotExists", "x");
    assert_eq!(e, UpdateConnectionError::InvalidTenantConnectionNotExists);
    assert_eq!(
        (e.http_status(), e.message()),
        (400, "The connection does not exist.")
    );
    let e = UpdateConnectionError::from_code(403, "Invalid.Tenant.UserNotInTenant", "x");
    assert_eq!(e.http_status(), 403);
    let reference = [
        (400, "Invalid.Tenant.ConnectionNotExists"),
        (400, "Invalid.Tenant.ProjectNotExists"),
        (403, "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin"),
        (400, "Invalid.Tenant.UserNotInProject"),
        (403, "Invalid.Tenant.UserNotInTenant"),
    ];
    for (status, code) in reference {
        assert!(
            UpdateConnectionError::CODES
                .iter()
                .any(|c| c.code == code && c.http_status == status),
            "{code}"
        );
        assert!(!matches!(
            UpdateConnectionError::from_code(status, code, ""),
            UpdateConnectionError::Unlisted { .. }
        ));
    }
    let missing = CommonError::CODES
        .iter()
        .find(|c| c.code == "MissingParameter")
        .unwrap();
    assert_eq!(
        missing.message_with(&[("name", "ConnectionId")]),
        "The input parameter \"ConnectionId\" that is mandatory for processing this request is not supplied."
    );
    assert_eq!(
        UpdateConnectionError::from(CommonError::InvalidActionNotFound).http_status(),
        404
    );
}

#[test]
fn every_connection_type_has_a_content_schema_with_its_secrets() {
    for t in ConnectionType::ALL {
        let info =
            content_schema_for(t.as_str()).unwrap_or_else(|| panic!("no content schema for {t}"));
        assert_eq!(info.connection_type, t.as_str());
        assert!(
            info.required.iter().all(|r| info.properties.contains(r)),
            "{t}"
        );
    }
    assert_eq!(content_schema_for("mysql").unwrap().secret, ["password"]);
    assert!(content_schema_for("odps")
        .unwrap()
        .secret
        .contains(&"accessKey"));
    assert!(content_schema_for("nope").is_none());
}
