//! The model and the refusals, as snapshots (insta; `cargo insta review` or
//! `INSTA_UPDATE=always cargo test -p codegen` after an intended change).

mod common;

use codegen::model::{Location, Style, TypeKind};

#[test]
fn refusals_list_every_unsupported_construct_with_file_and_pointer() {
    let err = codegen::generate_types(&common::load("refused"), "refused.yaml").unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn rpc_pseudo_paths_become_one_operation_with_protocol_parameters_apart() {
    let api = codegen::lower(&common::load("rpc"), "rpc.yaml").unwrap();
    let op = &api.operations[0];
    assert_eq!(op.name, "UpdateThing");
    assert_eq!(op.method_name, "update_thing");
    let Style::Rpc {
        action,
        routes,
        methods,
    } = &op.style
    else {
        panic!("not RPC: {:?}", op.style)
    };
    assert_eq!(
        (action.as_str(), routes.as_slice(), methods.len()),
        ("UpdateThing", ["/".to_owned()].as_slice(), 2)
    );
    let common: Vec<&str> = op
        .common_parameters
        .iter()
        .map(|c| c.wire_name.as_str())
        .collect();
    assert_eq!(common, ["Version", "Format", "RegionId"]);
    let fields = api.request_struct(op).unwrap();
    let wire: Vec<(&str, Location)> = fields
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.location.unwrap()))
        .collect();
    assert_eq!(
        wire,
        [
            ("ThingId", Location::Query),
            ("Content", Location::Query),
            ("EnvType", Location::Query),
            ("Description", Location::Query),
            ("Status", Location::Query),
            ("Kind", Location::Query),
            ("Shared", Location::Query),
        ]
    );
    assert_eq!(op.error_type, "UpdateThingError");
    assert_eq!(op.errors.len(), 3 + api.common_errors.len());
    let Some(TypeKind::Enum(kind)) = api.type_def("Kind").map(|t| &t.kind) else {
        panic!("Kind is not an enum")
    };
    assert!(
        kind.open,
        "Kind is used by an answer, so it tolerates unknown values"
    );
}

#[test]
fn rpc_model_snapshot() {
    let api = codegen::lower(&common::load("rpc"), "rpc.yaml").unwrap();
    insta::assert_debug_snapshot!(api.operations);
}

#[test]
fn rest_model_snapshot() {
    let api = codegen::lower(&common::load("rest"), "rest.yaml").unwrap();
    let summary: Vec<String> = api
        .types
        .iter()
        .map(|t| format!("{} <- {} {:?}", t.name, t.pointer, t.usage))
        .chain(
            api.operations
                .iter()
                .map(|op| format!("{} {:?} -> {:?}", op.name, op.style, op.response)),
        )
        .collect();
    insta::assert_debug_snapshot!(summary);
}
