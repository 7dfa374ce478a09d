//! The API Explorer's metadata: one ES module (`export default {…}`) with every operation of the
//! spec, its parameters (types, enums, required marks, ranges, patterns, examples, descriptions,
//! secrets), its documented errors with their cause and fix, and the server's wording for a
//! missing or invalid parameter. The page served by `dataworks-server` at `/explorer` builds its
//! forms, client-side checks and troubleshoot entries from this file only, so a new operation in
//! the spec reaches the page by `cargo xtask codegen` alone (no Node in the build).
//!
//! Error fixes come from an `x-acs-fix` key beside `code`/`message`/`description` in the spec's
//! error lists; the lowered model does not carry it, so it is read from the raw extensions.

use crate::emit::reasons;
use crate::model::{Api, EnumValue, ErrorCase, Field, Scalar, Style, TypeKind, TypeRef};
use serde_json::{json, Map, Value};

/// The fix shown for a code whose spec entry has no `x-acs-fix`.
const DEFAULT_FIX: &str = "Read the Message: it names the parameter or condition. Correct the request and send it again; quote the RequestId when you ask the operator.";

/// The metadata module for `api` (`spec` for what the model does not carry).
pub fn generate(api: &Api, spec: &openapiv3::OpenAPI) -> String {
    let fixes = fixes(api, spec);
    let with_fix = |e: &ErrorCase| {
        json!({
            "code": e.code,
            "httpStatus": e.http_status,
            "message": e.message,
            "description": e.description,
            "fix": fixes.get(&e.code).and_then(Value::as_str).unwrap_or(DEFAULT_FIX),
        })
    };
    let operations: Vec<Value> = api
        .operations
        .iter()
        .filter_map(|op| {
            let Style::Rpc {
                action, methods, ..
            } = &op.style
            else {
                return None;
            };
            let fields = api
                .request_struct(op)
                .map(|s| s.fields.as_slice())
                .unwrap_or(&[]);
            let mut params: Vec<Value> = fields.iter().map(|f| field(api, f)).collect();
            for common in &op.common_parameters {
                if ["Action", "Version", "Format"].contains(&common.wire_name.as_str()) {
                    continue;
                }
                params.push(common_parameter(spec, &common.wire_name, common.required));
            }
            let method = op
                .extensions
                .get("x-acs-method")
                .and_then(Value::as_str)
                .unwrap_or("POST");
            Some(json!({
                "name": action,
                "summary": op.summary,
                "description": op.description,
                "sdkMethod": op.method_name,
                "sdkMethodHttp": method,
                "methods": methods.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
                "params": params,
                // The operation's own codes; the common ones are listed once, below.
                "errors": op
                    .errors
                    .iter()
                    .filter(|e| !api.common_errors.iter().any(|c| c.code == e.code))
                    .map(&with_fix)
                    .collect::<Vec<_>>(),
            }))
        })
        .collect();
    let message = |code: &str| {
        api.common_errors
            .iter()
            .find(|e| e.code == code)
            .map(|e| e.message.clone())
    };
    let local_server = spec
        .servers
        .iter()
        .map(|s| s.url.clone())
        .find(|u| u.starts_with("http://127.0.0.1") || u.starts_with("http://localhost"));
    let doc = json!({
        "title": api.title,
        "version": api.version,
        "description": api.description,
        "localServer": local_server,
        "messages": {
            "missing": message("MissingParameter"),
            "invalid": message("InvalidParameter"),
            // How the server phrases a refused value after the fixed text (`The value must be
            // at most 100, got 101.`).
            "invalidValue": "The value {reason}.",
        },
        "commonErrors": api.common_errors.iter().map(&with_fix).collect::<Vec<_>>(),
        "operations": operations,
    });
    let body = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned());
    format!(
        "// Generated from {} by `cargo xtask codegen` (crates/codegen/src/explorer.rs). Do not edit.\n\
         // The API Explorer's operations, parameters and error codes.\n\
         export default {body};\n",
        api.spec_name
    )
}

/// `x-acs-fix` of every error entry in the spec (document-level and per operation), by code.
fn fixes(api: &Api, spec: &openapiv3::OpenAPI) -> Map<String, Value> {
    let mut out = Map::new();
    let lists = spec
        .extensions
        .get("x-acs-common-errors")
        .into_iter()
        .chain(
            api.operations
                .iter()
                .filter_map(|op| op.extensions.get("x-acs-error-codes")),
        );
    for list in lists {
        for item in list.as_array().into_iter().flatten() {
            if let (Some(code), Some(fix)) = (
                item.get("code").and_then(Value::as_str),
                item.get("x-acs-fix").and_then(Value::as_str),
            ) {
                out.entry(code.to_owned())
                    .or_insert_with(|| Value::from(fix.trim()));
            }
        }
    }
    out
}

/// A shared parameter (`RegionId`) with what `components/parameters` says about it.
fn common_parameter(spec: &openapiv3::OpenAPI, name: &str, required: bool) -> Value {
    let data = spec
        .components
        .as_ref()
        .and_then(|c| c.parameters.get(name))
        .and_then(|p| p.as_item())
        .map(|p| p.parameter_data_ref());
    json!({
        "name": name,
        "type": "string",
        "required": required,
        "description": data.and_then(|d| d.description.clone()),
        "example": data.and_then(|d| d.example.clone()),
        "common": true,
    })
}

fn scalar_type(s: Scalar) -> (&'static str, Option<&'static str>) {
    match s {
        Scalar::String => ("string", None),
        Scalar::Bool => ("boolean", None),
        Scalar::I32 => ("integer", Some("int32")),
        Scalar::I64 => ("integer", Some("int64")),
        Scalar::F32 => ("number", Some("float")),
        Scalar::F64 => ("number", Some("double")),
    }
}

/// One request parameter with its constraints and the server's reason for breaking each.
fn field(api: &Api, f: &Field) -> Value {
    let mut p = Map::new();
    let mut why = Map::new();
    p.insert("name".into(), f.wire_name.clone().into());
    // Names in the SDKs' sample code: snake_case (Python, our Rust client), its setter.
    p.insert("snake".into(), f.rust_name.trim_start_matches("r#").into());
    p.insert(
        "rustSetter".into(),
        crate::emit::types::structs::setter_text(f).into(),
    );
    p.insert("required".into(), f.required.into());
    let mut description = f.docs.description.clone();
    let mut example = f.docs.example.clone();
    let set_scalar = |p: &mut Map<String, Value>, why: &mut Map<String, Value>, s: Scalar| {
        let (ty, format) = scalar_type(s);
        p.insert("type".into(), ty.into());
        if let Some(format) = format {
            p.insert("format".into(), format.into());
        }
        if s != Scalar::String {
            why.insert("parse".into(), reasons::parse(s).into());
        }
    };
    match &f.ty {
        TypeRef::Scalar(s) => set_scalar(&mut p, &mut why, *s),
        TypeRef::Named(name) => match api.type_def(name) {
            Some(def) => {
                description = description.or_else(|| def.docs.description.clone());
                example = example.or_else(|| def.docs.example.clone());
                match &def.kind {
                    TypeKind::Newtype(n) => {
                        set_scalar(&mut p, &mut why, n.inner);
                        let c = &n.constraints;
                        let numeric = n.inner != Scalar::String;
                        if numeric {
                            if let Some(min) = c.minimum {
                                p.insert("minimum".into(), json!(min));
                                p.insert("exclusiveMinimum".into(), c.exclusive_minimum.into());
                                why.insert(
                                    "minimum".into(),
                                    reasons::minimum(min, c.exclusive_minimum).into(),
                                );
                            }
                            if let Some(max) = c.maximum {
                                p.insert("maximum".into(), json!(max));
                                p.insert("exclusiveMaximum".into(), c.exclusive_maximum.into());
                                why.insert(
                                    "maximum".into(),
                                    reasons::maximum(max, c.exclusive_maximum).into(),
                                );
                            }
                        } else {
                            if let Some(n) = c.min_length {
                                p.insert("minLength".into(), n.into());
                                why.insert("minLength".into(), reasons::min_length(n).into());
                            }
                            if let Some(n) = c.max_length {
                                p.insert("maxLength".into(), n.into());
                                why.insert("maxLength".into(), reasons::max_length(n).into());
                            }
                            if let Some(pattern) = &c.pattern {
                                p.insert("pattern".into(), pattern.clone().into());
                                why.insert("pattern".into(), reasons::pattern(pattern).into());
                            }
                        }
                    }
                    TypeKind::Enum(e) => {
                        p.insert("rustType".into(), name.clone().into());
                        let values: Vec<String> = e
                            .variants
                            .iter()
                            .map(|v| match &v.value {
                                EnumValue::Str(s) => s.clone(),
                                EnumValue::Int(i) => i.to_string(),
                            })
                            .collect();
                        let int = matches!(e.repr, crate::model::EnumRepr::Int(_));
                        p.insert("type".into(), if int { "integer" } else { "string" }.into());
                        p.insert(
                            "enum".into(),
                            e.variants
                                .iter()
                                .zip(&values)
                                .map(|(v, value)| json!({"value": value, "description": v.description}))
                                .collect::<Vec<_>>()
                                .into(),
                        );
                        why.insert("enum".into(), reasons::one_of(&values).into());
                        if int {
                            why.insert("parse".into(), reasons::not_int_one_of(&values).into());
                        }
                    }
                    _ => {
                        p.insert("type".into(), "string".into());
                    }
                }
            }
            None => {
                p.insert("type".into(), "string".into());
            }
        },
        _ => {
            p.insert("type".into(), "string".into());
        }
    }
    p.insert("description".into(), description.into());
    p.insert("example".into(), example.unwrap_or(Value::Null));
    p.insert(
        "default".into(),
        f.default
            .clone()
            .or_else(|| f.docs.default.clone())
            .unwrap_or(Value::Null),
    );
    p.insert("secret".into(), f.secret.into());
    p.insert("reasons".into(), Value::Object(why));
    Value::Object(p)
}
