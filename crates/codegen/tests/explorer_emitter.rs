//! The explorer's metadata module from the real spec: every operation with its parameters,
//! the server's reasons for refusing a value, and a cause and fix for every error code.

use serde_json::Value;

fn generated() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/dataworks.yaml"
    ))
    .expect("the spec is readable");
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text).expect("the spec parses");
    let js = codegen::generate_explorer(&spec, "spec/dataworks.yaml").expect("generates");
    assert!(js.starts_with("// Generated from spec/dataworks.yaml by `cargo xtask codegen`"));
    let json = js
        .split_once("export default ")
        .expect("an ES module with a default export")
        .1
        .trim_end()
        .trim_end_matches(';');
    serde_json::from_str(json).expect("the default export is JSON")
}

fn op<'a>(api: &'a Value, name: &str) -> &'a Value {
    api["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("{name} is listed"))
}

fn param<'a>(op: &'a Value, name: &str) -> &'a Value {
    op["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} is a parameter of {}", op["name"]))
}

#[test]
fn every_operation_of_the_spec_is_listed_with_its_parameters() {
    let api = generated();
    let names: Vec<&str> = api["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    for action in [
        "CreateConnection",
        "UpdateConnection",
        "ListConnections",
        "DeleteConnection",
        "TestNetworkConnection",
    ] {
        assert!(names.contains(&action), "{names:?}");
    }
    let update = op(&api, "UpdateConnection");
    assert_eq!(update["sdkMethod"], "update_connection");
    let content = param(update, "Content");
    assert_eq!(content["required"], true);
    assert_eq!(content["secret"], true);
    assert_eq!(content["maxLength"], 65536);
    let env = param(update, "EnvType");
    assert_eq!(env["type"], "integer");
    assert_eq!(env["example"], 1);
    let list = op(&api, "ListConnections");
    let kinds = param(list, "ConnectionType");
    assert_eq!(kinds["enum"][0]["value"], "odps");
    assert_eq!(kinds["rustType"], "ConnectionType");
    assert_eq!(param(list, "PageSize")["default"], 10);
    assert_eq!(param(list, "RegionId")["common"], true);
}

#[test]
fn reasons_are_the_generated_checks_wording() {
    let api = generated();
    let list = op(&api, "ListConnections");
    let page_size = &param(list, "PageSize")["reasons"];
    assert_eq!(page_size["maximum"], "must be at most 100, got {}");
    assert_eq!(page_size["minimum"], "must be at least 1, got {}");
    assert_eq!(page_size["parse"], "must be a 32-bit integer");
    assert_eq!(
        param(list, "Name")["reasons"]["maxLength"],
        "must be at most 255 characters long, got {}"
    );
    assert_eq!(
        param(list, "ProjectId")["reasons"]["parse"],
        "must be a 64-bit integer"
    );
    // The very strings the types crate's checks (and its runtime, `acs-types`) use.
    let types = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/../dataworks-types/src/lib.rs"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../acs-types/src/params.rs"),
    ]
    .map(|path| std::fs::read_to_string(path).unwrap())
    .join("\n");
    for reason in [
        "must be at most 100, got {}",
        "must be at most 255 characters long, got {}",
        "must be a 64-bit integer",
    ] {
        assert!(types.contains(reason), "{reason}");
    }
    assert_eq!(
        api["messages"]["missing"],
        "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
    );
    assert_eq!(
        api["messages"]["invalid"],
        "The specified parameter \"{name}\" is not valid."
    );
}

#[test]
fn every_error_code_has_a_cause_and_a_fix() {
    let api = generated();
    let mut codes = 0;
    let all = api["commonErrors"].as_array().unwrap().iter().chain(
        api["operations"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| o["errors"].as_array().unwrap()),
    );
    for e in all {
        codes += 1;
        assert!(!e["description"].as_str().unwrap().is_empty(), "{e}");
        assert!(
            e["fix"].as_str().unwrap().len() > 10
                && !e["fix"].as_str().unwrap().starts_with("Read the Message"),
            "{} has no x-acs-fix in the spec",
            e["code"]
        );
    }
    assert!(codes > 20);
    let common: Vec<&str> = api["commonErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(common.contains(&"SignatureDoesNotMatch") && common.contains(&"MissingParameter"));
}
