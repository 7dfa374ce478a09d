//! The RPC fixture's generated code, exercised: parameter codec, constraints, enums, defaults,
//! error enums, secrets.

use crate::rpc::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::str::FromStr;

fn lookup(params: &[(&'static str, String)]) -> BTreeMap<String, String> {
    params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn from_map(map: &BTreeMap<String, String>) -> Result<UpdateThingRequest, ParamError> {
    UpdateThingRequest::from_params(|name| map.get(name).map(String::as_str))
}

fn full_request() -> UpdateThingRequest {
    UpdateThingRequest::new(7, "{\"a\":1}", EnvType::Production)
        .description("short")
        .status("Disabled")
        .kind(Kind::Mysql)
        .shared(true)
}

#[test]
fn requests_take_plain_values_and_checked_ones_alike() {
    let checked = UpdateThingRequest::new(
        ThingId::try_from(7).unwrap(),
        Content::try_from("{\"a\":1}").unwrap(),
        EnvType::Production,
    )
    .description(Description::try_from("short").unwrap())
    .status(UpdateThingStatus::try_from("Disabled").unwrap())
    .kind(Kind::Mysql)
    .shared(true);
    assert_eq!(checked, full_request());
    assert_eq!(full_request().validate(), Ok(()));
}

#[test]
fn validate_names_the_first_invalid_parameter_by_wire_name() {
    let cases: [(UpdateThingRequest, &str, &str); 4] = [
        (
            UpdateThingRequest::new(0, "{}", EnvType::Production),
            "ThingId",
            "must be at least 1, got 0",
        ),
        (
            UpdateThingRequest::new(1, "{", EnvType::Production),
            "Content",
            "must be at least 2 characters long, got 1",
        ),
        (
            full_request().description("much too long text"),
            "Description",
            "must be at most 10 characters long, got 18",
        ),
        (
            // The newtype is `UpdateThingStatus`; the error names the parameter.
            full_request().status("paused"),
            "Status",
            "must match the pattern ^(?i:enabled|disabled|[012])$",
        ),
    ];
    for (request, field, reason) in cases {
        let err = request.validate().unwrap_err();
        assert_eq!((err.field, err.reason.as_str()), (field, reason));
    }
    // `validate` and `from_params` agree: what one refuses the other refuses with the same reason.
    let params = full_request().status("paused").to_params();
    let map = lookup(&params);
    assert_eq!(
        from_map(&map).unwrap_err(),
        ParamError::Invalid {
            name: "Status",
            reason: "must match the pattern ^(?i:enabled|disabled|[012])$".into()
        }
    );
}

#[test]
fn decoding_a_request_checks_its_plain_values() {
    let ok: UpdateThingRequest = serde_json::from_value(json!({
        "ThingId": 7, "Content": "{\"a\":1}", "EnvType": 1, "Description": "short",
        "Status": "Disabled", "Kind": "mysql", "Shared": true
    }))
    .unwrap();
    assert_eq!(ok, full_request());
    let err = serde_json::from_value::<UpdateThingRequest>(
        json!({"ThingId": 7, "Content": "{}", "EnvType": 1, "Status": "paused"}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("must match the pattern"), "{err}");
}

#[test]
fn to_params_then_from_params_round_trips() {
    let request = full_request();
    let params = request.to_params();
    assert_eq!(
        params,
        [
            ("ThingId", "7".to_owned()),
            ("Content", "{\"a\":1}".to_owned()),
            ("EnvType", "1".to_owned()),
            ("Description", "short".to_owned()),
            ("Status", "Disabled".to_owned()),
            ("Kind", "mysql".to_owned()),
            ("Shared", "true".to_owned()),
        ]
    );
    assert_eq!(from_map(&lookup(&params)).unwrap(), request);
}

#[test]
fn to_params_leaves_out_absent_optional_parameters_and_protocol_ones() {
    let request = UpdateThingRequest::new(1, "{}", EnvType::Development);
    let names: Vec<&str> = request.to_params().iter().map(|(n, _)| *n).collect();
    // Shared has a spec default (false), so it is always sent; Action/Version/RegionId never are.
    assert_eq!(names, ["ThingId", "Content", "EnvType", "Shared"]);
}

#[test]
fn from_params_reports_the_first_missing_required_parameter_by_wire_name() {
    let mut map = lookup(&full_request().to_params());
    map.remove("Content");
    map.remove("EnvType");
    assert_eq!(
        from_map(&map).unwrap_err(),
        ParamError::Missing { name: "Content" }
    );
}

#[test]
fn from_params_names_invalid_parameters_and_says_why_without_the_value() {
    let base = lookup(&full_request().to_params());
    let cases = [
        ("ThingId", "0", "must be at least 1, got 0"),
        ("ThingId", "abc", "must be a 64-bit integer"),
        ("EnvType", "5", "must be one of: 0, 1"),
        (
            "Description",
            "much too long text",
            "must be at most 10 characters long, got 18",
        ),
        (
            "Status",
            "paused",
            "must match the pattern ^(?i:enabled|disabled|[012])$",
        ),
        ("Kind", "oracle", "must be one of: odps, mysql, rds"),
        ("Shared", "yes", "must be true or false"),
    ];
    for (name, value, reason) in cases {
        let mut map = base.clone();
        map.insert(name.to_owned(), value.to_owned());
        let err = from_map(&map).unwrap_err();
        assert_eq!(
            err,
            ParamError::Invalid {
                name,
                reason: reason.to_owned()
            },
            "{name}={value}"
        );
        assert_eq!(err.name(), name);
    }
}

#[test]
fn status_pattern_accepts_any_case_and_the_numeric_forms() {
    for ok in ["ENABLED", "enabled", "Disabled", "0", "1", "2"] {
        assert!(UpdateThingStatus::try_from(ok).is_ok(), "{ok}");
    }
    let err = UpdateThingStatus::try_from("3").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Status must match the pattern ^(?i:enabled|disabled|[012])$"
    );
}

#[test]
fn defaults_apply_in_from_params_new_and_serde() {
    let request = ListThingsRequest::from_params(|_| None).unwrap();
    assert_eq!(request.page_size, 10);
    assert_eq!(request.page_number, 1);
    assert_eq!(ListThingsRequest::new(), request);
    let decoded: ListThingsRequest = serde_json::from_value(json!({})).unwrap();
    assert_eq!(decoded, request);
    let err = ListThingsRequest::from_params(|n| (n == "PageSize").then_some("101")).unwrap_err();
    assert_eq!(
        err,
        ParamError::Invalid {
            name: "PageSize",
            reason: "must be at most 100, got 101".into()
        }
    );
}

#[test]
fn constrained_values_are_checked_on_construction_parsing_and_deserialization() {
    assert_eq!(
        PageSize::try_from(101).unwrap_err().to_string(),
        "PageSize must be at most 100, got 101"
    );
    assert_eq!(
        PageSize::from_str("0").unwrap_err().reason,
        "must be at least 1, got 0"
    );
    assert_eq!(*PageSize::try_from(100).unwrap(), 100);
    let err = serde_json::from_value::<ListThingsRequest>(json!({"PageSize": 0})).unwrap_err();
    assert!(
        err.to_string()
            .contains("PageSize must be at least 1, got 0"),
        "{err}"
    );
}

#[test]
fn request_enums_are_strict_and_response_enums_tolerate_unknown_values() {
    assert!(serde_json::from_value::<EnvType>(json!(5)).is_err());
    assert_eq!(
        serde_json::from_value::<EnvType>(json!("1")).unwrap(),
        EnvType::Production
    );
    // `Kind` is used by a request parameter and by an answer: decoding is tolerant, parsing strict.
    assert_eq!(
        serde_json::from_value::<Kind>(json!("oracle")).unwrap(),
        Kind::Unknown("oracle".into())
    );
    assert!(Kind::from_str("oracle").is_err());
    assert_eq!(Kind::Unknown("oracle".into()).to_string(), "oracle");
    assert_eq!(
        serde_json::from_value::<Status>(json!(7)).unwrap(),
        Status::Unknown(7)
    );
    assert_eq!(
        serde_json::from_value::<Status>(json!("2")).unwrap(),
        Status::Disabled
    );
    assert_eq!(
        Kind::ALL.iter().map(Kind::as_str).collect::<Vec<_>>(),
        ["odps", "mysql", "rds"]
    );
}

#[test]
fn responses_round_trip_with_wire_names_and_request_id_defaults() {
    let body = json!({
        "RequestId": "0bc14115159376359",
        "Success": true,
        "Data": {"TotalCount": 1, "Things": [{"Id": 5, "Name": "a", "Status": 1, "Kind": "odps"}]}
    });
    let decoded: ListThingsResponse = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(decoded.request_id, "0bc14115159376359");
    let things = decoded
        .data
        .as_ref()
        .and_then(|d| d.things.as_ref())
        .unwrap();
    assert_eq!(things[0].status, Some(Status::Normal));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), body);
    let bare: UpdateThingResponse = serde_json::from_value(json!({"Data": true})).unwrap();
    assert_eq!(bare.request_id, "");
    assert_eq!(bare.data, Some(true));
}

#[test]
fn error_enums_carry_status_code_and_message() {
    let e = UpdateThingError::from_code(400, "Invalid.Tenant.ThingNotExists", "ignored");
    assert_eq!(e, UpdateThingError::InvalidTenantThingNotExists);
    assert_eq!(
        (e.http_status(), e.code(), e.message()),
        (
            400,
            "Invalid.Tenant.ThingNotExists",
            "The thing does not exist."
        )
    );
    assert_eq!(
        e.to_string(),
        "Invalid.Tenant.ThingNotExists: The thing does not exist."
    );
    // Two codes that mangle to the same name stay apart.
    assert_eq!(
        UpdateThingError::from_code(403, "InvalidTenantUserNotInTenant", ""),
        UpdateThingError::InvalidTenantUserNotInTenant2
    );
    // Templated messages are carried; common codes are in every operation's enum.
    let missing = UpdateThingError::from_code(
        400,
        "MissingParameter",
        "The input parameter \"ThingId\" ...",
    );
    assert_eq!(missing.message(), "The input parameter \"ThingId\" ...");
    assert_eq!(missing.http_status(), 400);
    let unlisted = UpdateThingError::from_code(418, "Teapot", "short and stout");
    assert_eq!(
        (unlisted.http_status(), unlisted.code(), unlisted.message()),
        (418, "Teapot", "short and stout")
    );
    let codes: Vec<&str> = UpdateThingError::CODES.iter().map(|c| c.code).collect();
    assert_eq!(
        codes[..3],
        [
            "Invalid.Tenant.ThingNotExists",
            "Invalid.Tenant.UserNotInTenant",
            "InvalidTenantUserNotInTenant"
        ]
    );
    assert!(codes.contains(&"InternalError"));
    let missing_code = UpdateThingError::CODES
        .iter()
        .find(|c| c.code == "MissingParameter")
        .unwrap();
    assert_eq!(
        missing_code.message_with(&[("name", "ThingId")]),
        "The input parameter \"ThingId\" that is mandatory for processing this request is not supplied."
    );
    let from_common = UpdateThingError::from(CommonError::InternalError);
    assert_eq!(from_common, UpdateThingError::InternalError);
    let boxed: Box<dyn std::error::Error> = Box::new(from_common);
    assert!(boxed.to_string().starts_with("InternalError: "));
}

#[test]
fn secret_fields_are_listed_and_redacted_from_debug() {
    assert_eq!(MysqlContent::SECRET_FIELDS, ["password"]);
    assert_eq!(
        MysqlContent::REQUIRED_FIELDS,
        ["database", "username", "password"]
    );
    let content = MysqlContent {
        database: "db".into(),
        username: "u".into(),
        password: "hunter2".into(),
        tag: None,
    };
    let debug = format!("{content:?}");
    assert!(
        !debug.contains("hunter2") && debug.contains("<redacted>"),
        "{debug}"
    );
    let info = content_schema_for("odps").unwrap();
    assert_eq!(
        (info.name, info.required, info.secret),
        (
            "OdpsContent",
            &["accessId", "accessKey"][..],
            &["accessKey"][..]
        )
    );
    assert_eq!(info.properties, ["accessId", "accessKey", "authType"]);
    assert!(content_schema_for("oracle").is_none());
    assert_eq!(CONTENT_SCHEMAS.len(), 2);
}
