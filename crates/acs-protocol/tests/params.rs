//! Parameter merging and decoding rules (wire-protocol.md section 3).

use acs_protocol::params::{Origin, Params, RpcTarget};
use http::{HeaderMap, HeaderValue};

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

#[test]
fn query_and_form_body_merge_in_arrival_order() {
    let p = Params::from_parts(Some("Action=A&Version=1"), FORM, b"Name=x&EnvType=0").expect("ok");
    assert_eq!(
        p.iter().collect::<Vec<_>>(),
        [
            ("Action", "A"),
            ("Version", "1"),
            ("Name", "x"),
            ("EnvType", "0")
        ]
    );
    assert_eq!(
        p.query().collect::<Vec<_>>(),
        [("Action", "A"), ("Version", "1")]
    );
    assert_eq!(p.origin("Name"), Some(Origin::Body));
    assert_eq!(p.origin("Action"), Some(Origin::Query));
    assert_eq!(p.len(), 4);
}

#[test]
fn plus_is_space_percent_escapes_decode_and_blanks_are_kept() {
    let p = Params::from_parts(
        Some("A=a+b&B=a%20b&C=%2B&SignatureType=&D&E=%E8%AE%A2%2A*"),
        None,
        b"",
    )
    .expect("ok");
    assert_eq!(p.get("A"), Some("a b"));
    assert_eq!(p.get("B"), Some("a b"));
    assert_eq!(p.get("C"), Some("+"));
    assert_eq!(p.get("SignatureType"), Some(""));
    assert_eq!(p.get("D"), Some(""));
    assert_eq!(p.get("E"), Some("订**"));
    assert_eq!(p.get("Missing"), None);
    assert_eq!(p.get("a"), None, "names are case-sensitive");
}

#[test]
fn repeated_names_are_refused_wherever_they_occur() {
    for (query, body) in [
        ("A=1&A=2", ""),
        ("", "A=1&A=2"),
        ("A=1", "A=1"),
        ("A=1&B=2", "C=3&B=4"),
    ] {
        let e = Params::from_parts(Some(query), FORM, body.as_bytes()).expect_err(query);
        assert_eq!((e.status().as_u16(), e.code()), (400, "InvalidParameter"));
        assert!(
            e.message().starts_with("The specified parameter \""),
            "{}",
            e.message()
        );
    }
    let e = Params::from_parts(Some("X=1&B=2&X="), None, b"").expect_err("dup");
    assert!(e.message().contains("\"X\""));
}

#[test]
fn repeated_names_in_large_sets_are_found_too() {
    let mut q: Vec<String> = (0..500).map(|i| format!("K{i}=v")).collect();
    assert!(Params::from_parts(Some(&q.join("&")), None, b"").is_ok());
    q.push("K250=again".into());
    let e = Params::from_parts(Some(&q.join("&")), None, b"").expect_err("dup");
    assert!(e.message().contains("\"K250\""));
}

#[test]
fn body_counts_only_when_it_is_a_form() {
    for ct in [
        Some("application/x-www-form-urlencoded"),
        Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
    ] {
        let p = Params::from_parts(None, ct, b"A=1").expect("ok");
        assert_eq!(p.get("A"), Some("1"), "{ct:?}");
    }
    for ct in [None, Some("application/json"), Some("text/plain")] {
        let p = Params::from_parts(Some("Q=1"), ct, b"A=1").expect("ok");
        assert_eq!(p.get("A"), None, "{ct:?}");
        assert_eq!(p.get("Q"), Some("1"));
    }
    // POST/PUT with Content-Length: 0 and no Content-Type.
    assert!(Params::from_parts(Some("Q=1"), None, b"").is_ok());
    assert!(Params::from_parts(None, None, b"").expect("ok").is_empty());
}

#[test]
fn debug_shows_names_not_values() {
    let p = Params::from_parts(
        Some("Content=%7B%22password%22%3A%22hunter2%22%7D"),
        None,
        b"",
    )
    .expect("ok");
    let shown = format!("{p:?}");
    assert!(shown.contains("Content"));
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn target_from_params_else_headers() {
    let mut headers = HeaderMap::new();
    headers.insert("x-acs-action", HeaderValue::from_static("ListConnections"));
    headers.insert("x-acs-version", HeaderValue::from_static("2020-05-18"));

    let from_params = Params::from_parts(
        Some("Action=UpdateConnection&Version=2019-01-01"),
        None,
        b"",
    )
    .expect("ok");
    let t = RpcTarget::resolve(&from_params, &headers).expect("ok");
    assert_eq!(
        (t.action.as_str(), t.version.as_str()),
        ("UpdateConnection", "2019-01-01")
    );
    assert_eq!(
        t.expect_version("2020-05-18").expect_err("other").code(),
        "InvalidVersion"
    );

    let none = Params::from_parts(None, None, b"").expect("ok");
    let t = RpcTarget::resolve(&none, &headers).expect("ok");
    assert_eq!(
        (t.action.as_str(), t.version.as_str()),
        ("ListConnections", "2020-05-18")
    );
    t.expect_version("2020-05-18").expect("served");

    let e = RpcTarget::resolve(&none, &HeaderMap::new()).expect_err("missing");
    assert_eq!(e.code(), "MissingParameter");
    assert!(e.message().contains("\"Action\""));
    let only_action = Params::from_parts(Some("Action=X"), None, b"").expect("ok");
    let e = RpcTarget::resolve(&only_action, &HeaderMap::new()).expect_err("missing version");
    assert!(e.message().contains("\"Version\""));
}

#[test]
fn invalid_utf8_is_invalid_parameter_naming_it() {
    // In the query, in a form body, and a broken sequence split across name and value.
    let cases: [(Option<&str>, &[u8], &str); 4] = [
        (Some("Action=ListConnections&Name=ab%FFcd"), b"", "\"Name\""),
        (Some("Name=ok"), b"Content=%C3%28", "\"Content\""),
        (Some("Name=%E2%82"), b"", "\"Name\""),
        (Some("Na%FFme=x"), b"", "\"Na\u{FFFD}me\""),
    ];
    for (query, body, named) in cases {
        let e = Params::from_parts(query, Some("application/x-www-form-urlencoded"), body)
            .expect_err("invalid UTF-8 refused");
        assert_eq!(e.code(), "InvalidParameter", "{query:?}");
        assert!(e.message().contains(named), "{query:?}: {}", e.message());
        assert!(e.message().contains("UTF-8"), "{}", e.message());
    }
    // Valid multi-byte text still decodes.
    let p = Params::from_parts(Some("Name=%E4%BD%A0%E5%A5%BD"), None, b"").expect("ok");
    assert_eq!(p.get("Name"), Some("你好"));
}
