//! Table-driven from the spec (read as data, not through the generator): for every operation, a
//! missing value for every required parameter and an invalid value for every constraint of every
//! parameter is answered with the right code naming the parameter, after authentication and
//! before business code; boundary values that the spec allows pass.

mod support;

use http::Method;
use serde_json::Value;
use support::*;

/// Values that break one constraint of `schema`, each with the constraint's name.
fn invalid_values(schema: &Value) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    match schema["type"].as_str() {
        Some("integer") => {
            out.push(("abc".to_owned(), "type"));
            out.push(("1.5".to_owned(), "type"));
            out.push((String::new(), "type"));
            // Alibaba's gateway refuses integers that are not written canonically.
            for loose in ["+1", " 5", "5 ", "01"] {
                out.push((loose.to_owned(), "type"));
            }
            let too_big = match schema["format"].as_str() {
                Some("int32") => "2147483648",
                _ => "9223372036854775808",
            };
            out.push((too_big.to_owned(), "format"));
            if let Some(min) = schema["minimum"].as_i64() {
                out.push(((min - 1).to_string(), "minimum"));
            }
            if let Some(max) = schema["maximum"].as_i64() {
                out.push(((max + 1).to_string(), "maximum"));
            }
        }
        Some("string") => {
            if let Some(min) = schema["minLength"].as_u64().filter(|m| *m > 0) {
                out.push(("x".repeat(min as usize - 1), "minLength"));
            }
            if let Some(max) = schema["maxLength"].as_u64() {
                out.push(("x".repeat(max as usize + 1), "maxLength"));
            }
            if schema.get("enum").is_some() {
                out.push(("not-a-member".to_owned(), "enum"));
            }
            if let Some(pattern) = schema["pattern"].as_str() {
                let re = regex::Regex::new(pattern).unwrap();
                let bad = ["zz", "", "3", "ENABLEDX", "-1", " 1"]
                    .into_iter()
                    .find(|c| !re.is_match(c))
                    .expect("a value outside the pattern");
                out.push((bad.to_owned(), "pattern"));
            }
        }
        other => panic!("unexpected parameter type {other:?}"),
    }
    out
}

/// Values the spec allows at the edges of its constraints.
fn boundary_values(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(min) = schema["minimum"].as_i64() {
        out.push(min.to_string());
    }
    if let Some(max) = schema["maximum"].as_i64() {
        out.push(max.to_string());
    }
    if let Some(max) = schema["maxLength"].as_u64() {
        out.push("y".repeat(max as usize));
    }
    if let Some(min) = schema["minLength"].as_u64().filter(|m| *m > 0) {
        out.push("y".repeat(min as usize));
    }
    if let Some(values) = schema["enum"].as_array() {
        out.extend(values.iter().map(|v| v.as_str().unwrap().to_owned()));
    }
    out
}

/// Long values travel in a form body (pop-core style); short ones in the query.
fn style_for(params: &[(String, String)]) -> Style {
    if params.iter().any(|(_, v)| v.len() > 1000) {
        Style::V1Form
    } else {
        Style::V1Query
    }
}

#[tokio::test]
async fn a_missing_required_parameter_is_missing_parameter_naming_it() {
    let server = Server::start().await;
    let spec = Spec::load();
    let mut checked = 0;
    for action in spec.actions() {
        let valid = spec.valid_required(&action);
        for (name, _) in &valid {
            let without: Vec<(String, String)> =
                valid.iter().filter(|(n, _)| n != name).cloned().collect();
            for style in [Style::V1Query, Style::V3Headers] {
                let answer =
                    send(server.signed(Method::POST, style, &action, &pairs(&without))).await;
                let message = answer.expect_error(400, "MissingParameter");
                assert_eq!(
                    message,
                    format!("The input parameter \"{name}\" that is mandatory for processing this request is not supplied."),
                    "{action} without {name}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 2 * 14, "only {checked} cases");
    assert_eq!(
        server.api.calls(),
        0,
        "business code saw an invalid request"
    );
}

#[tokio::test]
async fn every_constraint_of_every_parameter_is_invalid_parameter_naming_it_and_why() {
    let server = Server::start().await;
    let spec = Spec::load();
    let mut checked = Vec::new();
    for action in spec.actions() {
        let valid = spec.valid_required(&action);
        for param in spec.params(&action) {
            for (bad, rule) in invalid_values(&param.schema) {
                let mut params: Vec<(String, String)> = valid
                    .iter()
                    .filter(|(n, _)| *n != param.name)
                    .cloned()
                    .collect();
                params.push((param.name.clone(), bad.clone()));
                let style = style_for(&params);
                let answer =
                    send(server.signed(Method::POST, style, &action, &pairs(&params))).await;
                let what = format!("{action}: {}={:.20} ({rule})", param.name, bad);
                let message = answer.expect_error(400, "InvalidParameter");
                let fixed = format!("The specified parameter \"{}\" is not valid.", param.name);
                assert!(message.starts_with(&fixed), "{what}: {message}");
                assert!(
                    message.len() > fixed.len() + 5,
                    "{what}: no reason given: {message}"
                );
                // The reason never repeats a long value back.
                assert!(message.len() < 300, "{what}: {message}");
                checked.push(what);
            }
        }
    }
    // Every constrained parameter kind is covered: ranges, lengths, enums, patterns.
    for rule in [
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "enum",
        "pattern",
        "type",
    ] {
        assert!(
            checked.iter().any(|c| c.ends_with(&format!("({rule})"))),
            "no {rule} case"
        );
    }
    assert!(checked.len() > 60, "only {} cases", checked.len());
    assert_eq!(
        server.api.calls(),
        0,
        "business code saw an invalid request"
    );
}

#[tokio::test]
async fn boundary_values_the_spec_allows_reach_business_code() {
    let server = Server::start().await;
    let spec = Spec::load();
    let mut expected = 0;
    for action in spec.actions() {
        let valid = spec.valid_required(&action);
        for param in spec.params(&action) {
            for good in boundary_values(&param.schema) {
                let mut params: Vec<(String, String)> = valid
                    .iter()
                    .filter(|(n, _)| *n != param.name)
                    .cloned()
                    .collect();
                params.push((param.name.clone(), good.clone()));
                let style = style_for(&params);
                let answer =
                    send(server.signed(Method::POST, style, &action, &pairs(&params))).await;
                assert_eq!(
                    answer.status, 200,
                    "{action}: {}={:.20}: {answer:?}",
                    param.name, good
                );
                expected += 1;
            }
        }
    }
    // The decision on Status: ENABLED/DISABLED in any case, or 0, 1, 2.
    for status in ["ENABLED", "disabled", "Enabled", "0", "1", "2"] {
        let answer = send(server.signed(
            Method::PUT,
            Style::V1Query,
            "UpdateConnection",
            &[
                ("ConnectionId", "1"),
                ("Content", "{}"),
                ("EnvType", "1"),
                ("Status", status),
            ],
        ))
        .await;
        assert_eq!(answer.status, 200, "Status={status}: {answer:?}");
        expected += 1;
    }
    assert_eq!(server.api.calls(), expected);
}
