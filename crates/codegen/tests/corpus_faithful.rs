//! Lowering is faithful or refuses, over every spec in `../shared/spec-corpus`:
//! - no schema that says something (properties, a `$ref`, `allOf`/`oneOf`/`anyOf`, a non-object
//!   `type`) lowers to a struct without fields: that would drop the schema silently;
//! - every refusal names a JSON pointer that resolves in the spec as written.
//!
//! Skipped, with a note, when the corpus folder is absent.

use codegen::model::{Role, TypeKind};
use serde_json::Value;
use std::path::PathBuf;

fn corpus() -> Vec<PathBuf> {
    // `SPEC_CORPUS_DIR` points elsewhere (a git worktree is not beside `shared/`).
    let dir = std::env::var_os("SPEC_CORPUS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec-corpus"),
        PathBuf::from,
    );
    if !dir.is_dir() {
        eprintln!("note: ../shared/spec-corpus is absent; corpus test skipped");
        return Vec::new();
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus dir is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn at<'v>(document: &'v Value, pointer: &str) -> Option<&'v Value> {
    document.pointer(pointer.strip_prefix('#')?)
}

/// Whether a schema (JSON) carries anything a struct without fields would lose.
fn says_something(schema: &Value) -> bool {
    let has = |k: &str| match schema.get(k) {
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    };
    has("properties")
        || has("$ref")
        || has("allOf")
        || has("oneOf")
        || has("anyOf")
        || schema
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t != "object")
}

#[test]
fn no_schema_lowers_to_an_empty_struct_and_every_refusal_pointer_resolves() {
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for path in corpus() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let read = match codegen::read::read_spec(&text) {
            Ok(read) => read,
            Err(e) => {
                failures.push(format!("{name}: not read: {e}"));
                continue;
            }
        };
        match codegen::lower(&read.spec, &name) {
            Ok(api) => {
                let empty: Vec<&str> = api
                    .types
                    .iter()
                    .filter(|t| t.role == Role::Schema)
                    .filter(|t| matches!(&t.kind, TypeKind::Struct(s) if s.fields.is_empty()))
                    .filter(|t| at(&read.document, &t.pointer).is_none_or(says_something))
                    .map(|t| t.pointer.as_str())
                    .collect();
                report.push(format!(
                    "{name}: {} types, {} empty structs that drop a schema",
                    api.types.len(),
                    empty.len()
                ));
                for pointer in empty.iter().take(5) {
                    failures.push(format!("{name}{pointer}: lowered to an empty struct"));
                }
                if empty.len() > 5 {
                    failures.push(format!("{name}: ... and {} more", empty.len() - 5));
                }
            }
            Err(refusals) => {
                report.push(format!("{name}: refused ({})", refusals.items.len()));
                for r in &refusals.items {
                    report.push(format!("    {}: {}", r.pointer, r.reason));
                    if at(&read.document, &r.pointer).is_none() {
                        failures.push(format!(
                            "{name}{}: refusal pointer does not resolve ({})",
                            r.pointer, r.reason
                        ));
                    }
                }
            }
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The fixture that collects one of each refusal: every pointer resolves there too.
#[test]
fn every_refusal_pointer_of_the_refusal_fixture_resolves() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/refused.yaml");
    let read = codegen::read::read_spec(&std::fs::read_to_string(path).unwrap()).unwrap();
    let refusals = codegen::lower(&read.spec, "refused.yaml").unwrap_err();
    let dangling: Vec<String> = refusals
        .items
        .iter()
        .filter(|r| at(&read.document, &r.pointer).is_none())
        .map(|r| format!("{}: {}", r.pointer, r.reason))
        .collect();
    assert!(!refusals.items.is_empty());
    assert!(dangling.is_empty(), "{}", dangling.join("\n"));
}
