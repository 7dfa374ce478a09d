//! JSON and XML answers from the same serde types; the error envelope; request ids.

use acs_protocol::answer::{
    add_recommend, decode_error, decode_success, render_error, render_success, ErrorEnvelope,
    Format, RequestId,
};
use acs_protocol::params::Params;
use acs_protocol::AcsError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Connection {
    #[serde(rename = "Id")]
    id: i64,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Shared")]
    shared: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Page {
    #[serde(rename = "PageNumber")]
    page_number: i32,
    #[serde(rename = "TotalCount")]
    total_count: i64,
    #[serde(rename = "Connections", default)]
    connections: Vec<Connection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ListConnectionsResponse {
    #[serde(rename = "RequestId", default)]
    request_id: String,
    #[serde(rename = "Success")]
    success: bool,
    #[serde(rename = "HttpStatusCode")]
    http_status_code: i32,
    #[serde(rename = "Data")]
    data: Page,
    #[serde(rename = "Note", default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

fn sample(n: usize) -> ListConnectionsResponse {
    ListConnectionsResponse {
        request_id: "IGNORED-BY-RENDER".into(),
        success: true,
        http_status_code: 200,
        data: Page {
            page_number: 1,
            total_count: n as i64,
            connections: (0..n)
                .map(|i| Connection {
                    id: i as i64 + 1,
                    name: format!("conn <{i}> & \"q\""),
                    shared: i % 2 == 0,
                })
                .collect(),
        },
        note: None,
    }
}

fn header<'a>(r: &'a http::Response<bytes::Bytes>, name: &str) -> &'a str {
    r.headers()[name].to_str().expect("ascii")
}

#[test]
fn request_ids_are_upper_case_uuids() {
    let id = RequestId::new();
    let s = id.as_str();
    assert_eq!(s.len(), 36);
    assert_eq!(s.to_uppercase(), s);
    assert_eq!(
        s.split('-').map(str::len).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    let parsed = uuid::Uuid::parse_str(s).unwrap();
    assert_eq!(parsed.get_version(), Some(uuid::Version::Random));
    assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
    // Distinct across threads too (each thread has its own generator).
    let ids: std::collections::HashSet<String> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                (0..1000)
                    .map(|_| RequestId::new().as_str().to_owned())
                    .collect::<Vec<_>>()
            })
        })
        .flat_map(|t| t.join().unwrap())
        .chain([id.as_str().to_owned()])
        .collect();
    assert_eq!(ids.len(), 4001);
}

#[test]
fn format_from_param_any_case() {
    for (v, f) in [
        (Some("XML"), Format::Xml),
        (Some("xml"), Format::Xml),
        (Some("Xml"), Format::Xml),
        (Some("JSON"), Format::Json),
        (Some("json"), Format::Json),
        (Some("yaml"), Format::Json),
        (None, Format::Json),
    ] {
        assert_eq!(Format::from_param(v), f, "{v:?}");
    }
    let p = Params::from_parts(Some("Format=xMl"), None, b"").expect("ok");
    assert_eq!(Format::from_params(&p), Format::Xml);
}

#[test]
fn json_success_has_request_id_first_and_matching_header() {
    let id = RequestId::new();
    let r = render_success("ListConnections", &id, &sample(2), Format::Json);
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "application/json;charset=utf-8");
    assert_eq!(header(&r, "x-acs-request-id"), id.as_str());
    let text = std::str::from_utf8(r.body()).expect("utf8");
    assert!(
        text.starts_with(&format!("{{\"RequestId\":\"{id}\",\"Success\":true")),
        "{text}"
    );
    assert_eq!(text.matches("RequestId").count(), 1, "{text}");
    assert!(!text.contains("\"Code\""));
    let back: ListConnectionsResponse = decode_success(Format::Json, r.body()).expect("decodes");
    assert_eq!(back.request_id, id.as_str());
    assert_eq!(back.data, sample(2).data);
}

#[test]
fn xml_success_root_is_action_response_and_lists_repeat_the_field_element() {
    let id = RequestId::new();
    let r = render_success("ListConnections", &id, &sample(2), Format::Xml);
    assert_eq!(header(&r, "content-type"), "text/xml;charset=utf-8");
    assert_eq!(header(&r, "x-acs-request-id"), id.as_str());
    let text = std::str::from_utf8(r.body()).expect("utf8");
    let expected = format!(
        "<?xml version='1.0' encoding='UTF-8'?><ListConnectionsResponse><RequestId>{id}</RequestId>\
<Success>true</Success><HttpStatusCode>200</HttpStatusCode><Data><PageNumber>1</PageNumber>\
<TotalCount>2</TotalCount>\
<Connections><Id>1</Id><Name>conn &lt;0&gt; &amp; \"q\"</Name><Shared>true</Shared></Connections>\
<Connections><Id>2</Id><Name>conn &lt;1&gt; &amp; \"q\"</Name><Shared>false</Shared></Connections>\
</Data></ListConnectionsResponse>"
    );
    assert_eq!(text, expected);
}

#[test]
fn xml_lists_of_any_length_read_back_into_the_same_type() {
    for n in [0, 1, 3] {
        let id = RequestId::new();
        for format in [Format::Json, Format::Xml] {
            let r = render_success("ListConnections", &id, &sample(n), format);
            let back: ListConnectionsResponse = decode_success(format, r.body()).expect("decodes");
            assert_eq!(back.data, sample(n).data, "{format:?} n={n}");
            assert_eq!(back.request_id, id.as_str());
            assert_eq!(back.note, None);
        }
    }
}

#[test]
fn scalar_data_and_bodies_without_request_id_field() {
    #[derive(Serialize)]
    struct Update {
        #[serde(rename = "Success")]
        success: bool,
        #[serde(rename = "Data")]
        data: bool,
        #[serde(rename = "HttpStatusCode")]
        code: &'static str,
    }
    let id = RequestId::new();
    let body = Update {
        success: true,
        data: true,
        code: "200",
    };
    let xml = render_success("UpdateConnection", &id, &body, Format::Xml);
    assert_eq!(
        std::str::from_utf8(xml.body()).expect("utf8"),
        format!("<?xml version='1.0' encoding='UTF-8'?><UpdateConnectionResponse><RequestId>{id}</RequestId><Success>true</Success><Data>true</Data><HttpStatusCode>200</HttpStatusCode></UpdateConnectionResponse>")
    );
    let json = render_success("UpdateConnection", &id, &body, Format::Json);
    assert_eq!(
        std::str::from_utf8(json.body()).expect("utf8"),
        format!(
            "{{\"RequestId\":\"{id}\",\"Success\":true,\"Data\":true,\"HttpStatusCode\":\"200\"}}"
        )
    );
    // A map body gets the same treatment; a unit body is just the id.
    let map = serde_json::json!({"RequestId": "x", "Success": true});
    let r = render_success("X", &id, &map, Format::Json);
    let v: serde_json::Value = serde_json::from_slice(r.body()).expect("json");
    assert_eq!(
        v,
        serde_json::json!({"RequestId": id.as_str(), "Success": true})
    );
    let r = render_success("X", &id, &(), Format::Xml);
    assert_eq!(
        std::str::from_utf8(r.body()).expect("utf8"),
        format!("<?xml version='1.0' encoding='UTF-8'?><XResponse><RequestId>{id}</RequestId></XResponse>")
    );
}

#[test]
fn unserializable_bodies_become_internal_errors() {
    let id = RequestId::new();
    let r = render_success("X", &id, &vec![1, 2], Format::Json);
    assert_eq!(r.status(), 500);
    assert_eq!(
        decode_error(Format::Json, r.body()).expect("envelope").code,
        "InternalError"
    );
    let r = render_success("Bad Name<", &id, &(), Format::Xml);
    assert_eq!(r.status(), 500);
}

#[test]
fn json_error_envelope() {
    let id = RequestId::new();
    let e = AcsError::missing_parameter("ConnectionId");
    let r = render_error(&e, &id, "dataworks.local", Format::Json);
    assert_eq!(r.status(), 400);
    assert_eq!(header(&r, "content-type"), "application/json;charset=utf-8");
    assert_eq!(header(&r, "x-acs-request-id"), id.as_str());
    let v: serde_json::Value = serde_json::from_slice(r.body()).expect("json");
    assert_eq!(
        v,
        serde_json::json!({
            "RequestId": id.as_str(),
            "HostId": "dataworks.local",
            "Code": "MissingParameter",
            "Message": "The input parameter \"ConnectionId\" that is mandatory for processing this request is not supplied.",
            "Recommend": "",
        })
    );
    let env = decode_error(Format::Json, r.body()).expect("is an error");
    assert_eq!(env.code, "MissingParameter");
    assert_eq!(env.request_id, id.as_str());
}

#[test]
fn xml_error_envelope_byte_for_byte() {
    let id = RequestId::from("0B6F1A8C-0000-4000-8000-000000000001".to_owned());
    let e = AcsError::signature_does_not_match("GET&%2F&A%3D1")
        .with_recommend("https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch");
    let r = render_error(&e, &id, "h", Format::Xml);
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.headers()["content-type"].as_bytes(),
        b"text/xml;charset=utf-8"
    );
    assert_eq!(
        std::str::from_utf8(r.body()).expect("utf8"),
        "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>0B6F1A8C-0000-4000-8000-000000000001</RequestId>\
<HostId>h</HostId><Code>SignatureDoesNotMatch</Code><Message>Specified signature is not matched with our \
calculation. server string to sign is:GET&amp;%2F&amp;A%3D1</Message>\
<Recommend>https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch</Recommend></Error>"
    );
    let env = decode_error(Format::Xml, r.body()).expect("is an error");
    assert_eq!(
        env,
        ErrorEnvelope {
            request_id: id.to_string(),
            host_id: "h".into(),
            code: "SignatureDoesNotMatch".into(),
            message: e.message().into(),
            recommend: e.recommend().expect("set").into(),
        }
    );
}

#[test]
fn statuses_follow_the_error() {
    let id = RequestId::new();
    for (e, status) in [
        (AcsError::access_key_not_found(), 404),
        (AcsError::action_not_found(), 404),
        (AcsError::internal_error(), 500),
        (AcsError::throttling(), 503),
        (AcsError::method_not_allowed(), 405),
        (
            AcsError::new(
                http::StatusCode::FORBIDDEN,
                "Invalid.Tenant.UserNotInTenant",
                "The user is not in tenant.",
            ),
            403,
        ),
    ] {
        for format in [Format::Json, Format::Xml] {
            let r = render_error(&e, &id, "h", format);
            assert_eq!(r.status(), status);
            assert_eq!(
                decode_error(format, r.body()).expect("envelope").code,
                e.code()
            );
        }
    }
}

#[test]
fn success_bodies_are_not_errors() {
    let id = RequestId::new();
    for format in [Format::Json, Format::Xml] {
        let r = render_success("ListConnections", &id, &sample(1), format);
        assert_eq!(decode_error(format, r.body()), None);
    }
    assert_eq!(decode_error(Format::Json, b"not json"), None);
    assert_eq!(decode_error(Format::Xml, b"\xff\xfe"), None);
    assert!(decode_success::<ListConnectionsResponse>(Format::Xml, b"\xff").is_err());
    assert!(decode_success::<ListConnectionsResponse>(Format::Json, b"{").is_err());
}

#[test]
fn add_recommend_fills_an_empty_recommend_in_both_formats_and_leaves_the_rest() {
    let id = RequestId::from("0B6F1A8C-0000-4000-8000-000000000002".to_owned());
    for format in [Format::Json, Format::Xml] {
        let r = render_error(&AcsError::missing_parameter("ProjectId"), &id, "h", format);
        let body = add_recommend(format, r.body(), |env| {
            Some(format!(
                "http://x/t?code={}&requestId={}",
                env.code, env.request_id
            ))
        })
        .expect("an error envelope without Recommend");
        let env = decode_error(format, &body).expect("still an error envelope");
        assert_eq!(
            env,
            ErrorEnvelope {
                request_id: id.to_string(),
                host_id: "h".into(),
                code: "MissingParameter".into(),
                message: AcsError::missing_parameter("ProjectId").message().into(),
                recommend: format!("http://x/t?code=MissingParameter&requestId={id}"),
            }
        );
        // A Recommend already there is kept; a success body or no link changes nothing.
        assert_eq!(add_recommend(format, &body, |_| Some("other".into())), None);
        assert_eq!(add_recommend(format, r.body(), |_| None), None);
        let ok = render_success("X", &id, &serde_json::json!({"Data": true}), format);
        assert_eq!(add_recommend(format, ok.body(), |_| Some("y".into())), None);
    }
}
