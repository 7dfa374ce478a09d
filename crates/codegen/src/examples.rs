//! The spec's own examples, each with the generated type it must decode into.
//!
//! A round trip of every `example` (schemas, properties, media types) and every `examples/*/value`
//! through the generated types is the cheapest proof that lowering is faithful: a dropped
//! property, a struct where a string belongs or a wrong enum value all fail it. `cargo xtask
//! corpus` writes [`collect`]'s list into a test program of each generated types crate.

use crate::model::{Api, Role, TypeKind, TypeRef};
use crate::refusal::escape_segment;
use serde_json::Value;
use std::collections::BTreeMap;

/// One example value and the type it must decode into.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// JSON pointer of the value in the spec (`#/components/schemas/Pet/example`).
    pub pointer: String,
    pub ty: TypeRef,
    pub value: Value,
}

/// The examples of one spec, sorted by what can be checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collected {
    /// Examples whose schema has a generated type: each must round-trip.
    pub typed: Vec<Example>,
    /// Pointers of examples with no generated type of their own (a parameter's, or a property
    /// of an inline schema reached through a `$ref`).
    pub untyped: Vec<String>,
    /// Examples of a scalar property whose JSON type contradicts the schema (`"123.45"` for a
    /// `number`): the spec's own mistake, listed rather than checked.
    pub contradicting: Vec<String>,
}

/// Every example in `document`, with the generated type of its schema where there is one.
pub fn collect(api: &Api, document: &Value) -> Collected {
    let types = types_by_pointer(api);
    let mut found = Vec::new();
    let mut untyped = Vec::new();
    walk(document, document, "#", &types, &mut found, &mut untyped);
    let (typed, contradicting): (Vec<Example>, Vec<Example>) = found
        .into_iter()
        .partition(|e| scalar_fits(&e.ty, &e.value));
    Collected {
        typed,
        untyped,
        contradicting: contradicting.into_iter().map(|e| e.pointer).collect(),
    }
}

/// Whether a value has the JSON type a scalar schema asks for (other types: always).
fn scalar_fits(ty: &TypeRef, value: &Value) -> bool {
    use crate::model::Scalar;
    match ty {
        TypeRef::Scalar(Scalar::String) => value.is_string(),
        TypeRef::Scalar(Scalar::Bool) => value.is_boolean(),
        TypeRef::Scalar(Scalar::I32 | Scalar::I64) => value.is_i64() || value.is_u64(),
        TypeRef::Scalar(Scalar::F32 | Scalar::F64) => value.is_number(),
        _ => true,
    }
}

/// Schema pointer -> the type generated for it.
fn types_by_pointer(api: &Api) -> BTreeMap<String, TypeRef> {
    let mut out = BTreeMap::new();
    for t in &api.types {
        if t.role != Role::Schema {
            continue;
        }
        out.entry(t.pointer.clone())
            .or_insert_with(|| TypeRef::Named(t.name.clone()));
    }
    for t in &api.types {
        let TypeKind::Struct(s) = &t.kind else {
            continue;
        };
        if t.role != Role::Schema {
            continue;
        }
        for f in s.fields.iter().filter(|f| !f.flatten) {
            let pointer = format!("{}/properties/{}", t.pointer, escape_segment(&f.wire_name));
            out.entry(pointer).or_insert_with(|| f.ty.clone());
        }
    }
    for op in &api.operations {
        let responses = format!("{}/responses", op.pointer);
        if let Some(ty) = &op.response.ty {
            for status in [op.response.status.to_string(), "default".to_owned()] {
                out.entry(format!("{responses}/{status}"))
                    .or_insert_with(|| ty.clone());
            }
        }
        for e in &op.errors {
            if let Some(body) = &e.body {
                let status = e
                    .http_status
                    .map_or_else(|| "default".to_owned(), |s| s.to_string());
                out.entry(format!("{responses}/{status}"))
                    .or_insert_with(|| body.clone());
            }
        }
    }
    out
}

/// The type for a media type object at `pointer` (`…/responses/200/content/application~1json`).
fn media_type(pointer: &str, types: &BTreeMap<String, TypeRef>) -> Option<TypeRef> {
    if let Some(t) = types.get(&format!("{pointer}/schema")) {
        return Some(t.clone());
    }
    let (response, _) = pointer.rsplit_once("/content/")?;
    types.get(response).cloned()
}

fn walk(
    document: &Value,
    node: &Value,
    pointer: &str,
    types: &BTreeMap<String, TypeRef>,
    found: &mut Vec<Example>,
    untyped: &mut Vec<String>,
) {
    match node {
        Value::Object(map) => {
            let in_content = pointer
                .rsplit_once('/')
                .is_some_and(|(parent, _)| parent.ends_with("/content"));
            let ty = if in_content {
                media_type(pointer, types)
            } else {
                types.get(pointer).cloned()
            };
            let is_schema_like = in_content || looks_like_schema(map);
            if is_schema_like {
                if let Some(value) = map.get("example") {
                    push(format!("{pointer}/example"), &ty, value, found, untyped);
                }
                if let Some(Value::Object(examples)) = map.get("examples") {
                    for (name, example) in examples {
                        let example = follow(document, example);
                        if let Some(value) = example.get("value") {
                            let at = format!("{pointer}/examples/{}/value", escape_segment(name));
                            push(at, &ty, value, found, untyped);
                        }
                    }
                }
            }
            for (key, child) in map {
                if matches!(key.as_str(), "example" | "examples") {
                    continue;
                }
                let at = format!("{pointer}/{}", escape_segment(key));
                walk(document, child, &at, types, found, untyped);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(
                    document,
                    child,
                    &format!("{pointer}/{i}"),
                    types,
                    found,
                    untyped,
                );
            }
        }
        _ => {}
    }
}

fn looks_like_schema(map: &serde_json::Map<String, Value>) -> bool {
    [
        "type",
        "properties",
        "allOf",
        "oneOf",
        "anyOf",
        "$ref",
        "items",
        "enum",
        "schema",
    ]
    .iter()
    .any(|k| map.contains_key(*k))
}

/// A `$ref` to `#/components/examples/X` is followed.
fn follow<'v>(document: &'v Value, node: &'v Value) -> &'v Value {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(p) => document.pointer(p).unwrap_or(node),
        None => node,
    }
}

fn push(
    pointer: String,
    ty: &Option<TypeRef>,
    value: &Value,
    found: &mut Vec<Example>,
    untyped: &mut Vec<String>,
) {
    match ty {
        Some(ty) => found.push(Example {
            pointer,
            ty: ty.clone(),
            value: value.clone(),
        }),
        None => untyped.push(pointer),
    }
}

/// The round-trip comparison the generated check program makes, also used by its tests: equal
/// modulo key order, `null` versus absent, and keys the output adds (spec defaults); numbers
/// compare by value (`1` equals `1.0`).
pub fn round_trip_equal(original: &Value, output: &Value) -> bool {
    match (original, output) {
        (Value::Object(a), Value::Object(b)) => a.iter().all(|(k, v)| match b.get(k) {
            Some(w) => round_trip_equal(v, w),
            None => v.is_null(),
        }),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(v, w)| round_trip_equal(v, w))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

/// A program (an `examples/` target of the generated types crate `types_crate`) that decodes
/// every example into its type, encodes it back, compares, prints `FAIL <pointer>: why` per
/// failure and `round-tripped <ok>/<total>` last.
pub fn check_program(examples: &[Example], types_crate: &str, spec_name: &str) -> String {
    use quote::quote;
    let krate = crate::emit::ident(types_crate);
    let checks = examples.iter().map(|e| {
        let ty = crate::emit::type_tokens(&e.ty, &quote!(#krate::));
        let pointer = &e.pointer;
        let json = e.value.to_string();
        quote!(check::<#ty>(#pointer, #json, &mut failures);)
    });
    let total = examples.len();
    let tokens = quote! {
        //! Round-trips every example of the spec through the generated types.

        use serde_json::Value;

        /// Equal modulo key order, `null` versus absent, keys the output adds (spec defaults), and
        /// number representation (the same rule as `codegen::examples::round_trip_equal`).
        fn equal(original: &Value, output: &Value) -> bool {
            match (original, output) {
                (Value::Object(a), Value::Object(b)) => a.iter().all(|(k, v)| match b.get(k) {
                    Some(w) => equal(v, w),
                    None => v.is_null(),
                }),
                (Value::Array(a), Value::Array(b)) => {
                    a.len() == b.len() && a.iter().zip(b).all(|(v, w)| equal(v, w))
                }
                (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
                (a, b) => a == b,
            }
        }

        fn check<T: serde::de::DeserializeOwned + serde::Serialize>(
            pointer: &str,
            json: &str,
            failures: &mut Vec<String>,
        ) {
            let original: Value = serde_json::from_str(json).expect("the harness wrote valid JSON");
            match serde_json::from_value::<T>(original.clone()) {
                Err(e) => failures.push(format!("{pointer}: does not decode: {e}")),
                Ok(decoded) => match serde_json::to_value(&decoded) {
                    Ok(output) if equal(&original, &output) => {}
                    Ok(output) => failures.push(format!("{pointer}: differs after the round trip: {output}")),
                    Err(e) => failures.push(format!("{pointer}: does not encode: {e}")),
                },
            }
        }

        fn main() {
            let mut failures: Vec<String> = Vec::new();
            #(#checks)*
            for f in &failures {
                println!("FAIL {f}");
            }
            println!("round-tripped {}/{}", #total - failures.len(), #total);
        }
    };
    crate::format_file(tokens, spec_name)
        .unwrap_or_else(|e| format!("compile_error!({:?});", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_ignores_order_nulls_and_added_defaults_but_not_lost_keys() {
        assert!(round_trip_equal(
            &json!({"a": 1, "b": null, "c": [1.0]}),
            &json!({"c": [1], "a": 1.0, "d": "default"})
        ));
        assert!(!round_trip_equal(&json!({"a": 1}), &json!({})));
        assert!(!round_trip_equal(&json!("x"), &json!({})));
        assert!(!round_trip_equal(&json!([1, 2]), &json!([1])));
    }
}
