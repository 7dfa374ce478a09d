//! The loopback check of `cargo xtask corpus`: a small program, generated per spec, that serves
//! the generated server on `127.0.0.1:0` with a trait impl answering ONE operation (the first
//! whose request and answer can be written from the spec: its examples, else the smallest value
//! the types accept), calls that operation with the generated client, and checks the answer it
//! decodes equals the one served. Every other operation answers `Unlisted` 501.
//!
//! RPC: the server authenticates (one AccessKey) and the client signs. REST: the server has no
//! authentication of its own and the client talks to it with the spec's defaults. Operations
//! whose request or answer is not JSON (multipart, bytes, text) are not chosen.

use codegen::examples::Example;
use codegen::model::{Api, EnumValue, Operation, Scalar, Style, TypeKind, TypeRef};
use serde_json::{json, Map, Value};

/// The chosen operation and the JSON of its request and answer.
pub struct Plan<'a> {
    pub op: &'a Operation,
    pub request: Value,
    /// `None`: the operation answers no body.
    pub answer: Option<Value>,
}

/// The first operation whose request and answer can both be written.
pub fn plan<'a>(api: &'a Api, examples: &[Example]) -> Option<Plan<'a>> {
    let json = |media: Option<&str>| media.is_none_or(|m| m.contains("json"));
    api.operations.iter().find_map(|op| {
        let rest = matches!(op.style, Style::Rest { .. });
        if rest
            && (!json(op.body_media_type.as_deref()) || !json(op.response.media_type.as_deref()))
        {
            return None;
        }
        let request = sample(api, &TypeRef::Named(op.request.clone()), examples, 0)?;
        let answer = match &op.response.ty {
            Some(ty) => Some(
                examples
                    .iter()
                    .find(|e| &e.ty == ty)
                    .map(|e| e.value.clone())
                    .or_else(|| sample(api, ty, examples, 0))?,
            ),
            None => None,
        };
        Some(Plan {
            op,
            request,
            answer,
        })
    })
}

/// The smallest JSON value of `ty` that its generated type accepts, `None` when that cannot be
/// known without guessing (a pattern without a matching example, a flattened union, deep
/// nesting). Spec examples are preferred wherever the model keeps them.
fn sample(api: &Api, ty: &TypeRef, examples: &[Example], depth: usize) -> Option<Value> {
    if depth > 8 {
        return None;
    }
    Some(match ty {
        TypeRef::Scalar(s) => scalar(*s),
        TypeRef::Vec(_) | TypeRef::Bytes => json!([]),
        TypeRef::Map(_) | TypeRef::Json => json!({}),
        TypeRef::Named(name) => {
            if let Some(e) = examples.iter().find(|e| &e.ty == ty) {
                return Some(e.value.clone());
            }
            let def = api.type_def(name)?;
            match &def.kind {
                TypeKind::Struct(s) => {
                    let mut object = Map::new();
                    for f in &s.fields {
                        if f.is_optional() || f.request_id || f.default.is_some() {
                            continue;
                        }
                        if f.flatten {
                            return None;
                        }
                        let value = sample(api, &f.ty, examples, depth + 1)?;
                        object.insert(f.wire_name.clone(), value);
                    }
                    Value::Object(object)
                }
                TypeKind::Enum(e) => match &e.variants.first()?.value {
                    EnumValue::Str(s) => json!(s),
                    EnumValue::Int(i) => json!(i),
                },
                TypeKind::Newtype(nt) => {
                    let c = &nt.constraints;
                    if c.pattern.is_some() {
                        let example = def.docs.example.clone()?;
                        let text = example.as_str()?;
                        let re = regex::Regex::new(c.pattern.as_deref()?).ok()?;
                        return re.is_match(text).then_some(example);
                    }
                    match nt.inner {
                        Scalar::String => {
                            let len = c.min_length.unwrap_or(1).max(1);
                            if c.max_length.is_some_and(|max| max < len) {
                                return None;
                            }
                            json!("x".repeat(len))
                        }
                        Scalar::Bool => json!(true),
                        inner => {
                            let mut value = match c.minimum {
                                Some(m) if c.exclusive_minimum => m.floor() + 1.0,
                                Some(m) => m,
                                None => 1.0,
                            };
                            if let (None, Some(max)) = (c.minimum, c.maximum) {
                                value = value.min(max - 1.0);
                            }
                            if let Some(max) = c.maximum {
                                if value > max || (c.exclusive_maximum && value >= max) {
                                    return None;
                                }
                            }
                            match inner {
                                Scalar::F32 | Scalar::F64 => json!(value),
                                _ => json!(value.ceil() as i64),
                            }
                        }
                    }
                }
                TypeKind::Tagged(t) => {
                    let v = t.variants.first()?;
                    let mut object =
                        match sample(api, &TypeRef::Named(v.ty.clone()), examples, depth + 1)? {
                            Value::Object(o) => o,
                            _ => return None,
                        };
                    object.insert(t.tag.clone(), json!(v.tag_value));
                    Value::Object(object)
                }
                TypeKind::Untagged(_) => return None,
                TypeKind::Alias(inner) => sample(api, inner, examples, depth + 1)?,
            }
        }
    })
}

fn scalar(s: Scalar) -> Value {
    match s {
        Scalar::String => json!("example"),
        Scalar::Bool => json!(true),
        Scalar::I32 | Scalar::I64 => json!(1),
        Scalar::F32 | Scalar::F64 => json!(1.5),
    }
}

/// The names a program needs from the generated crates.
pub struct Crates<'a> {
    pub types: &'a str,
    pub client: &'a str,
    pub server: &'a str,
}

/// The loopback program (`src/main.rs`) for `plan`, or why none is written.
pub fn program(api: &Api, plan: &Plan<'_>, crates: &Crates<'_>) -> Result<String, String> {
    let rpc = matches!(plan.op.style, Style::Rpc { .. });
    let trait_name = codegen::server::trait_name(api);
    let types = crates.types;
    let mut methods = String::new();
    for op in &api.operations {
        let response = match &op.response.ty {
            Some(ty) => type_text(ty, types),
            None => "()".to_owned(),
        };
        let body = if std::ptr::eq(op, plan.op) {
            match &plan.answer {
                Some(answer) => format!(
                    "Ok(serde_json::from_str({:?}).expect(\"the answer decodes\"))",
                    answer.to_string()
                ),
                None => "Ok(())".to_owned(),
            }
        } else {
            format!(
                "Err({types}::{}::Unlisted {{ http_status: 501, code: \"NotImplemented\".into(), message: String::new() }})",
                op.error_type
            )
        };
        methods.push_str(&format!(
            "    async fn {}(&self, _ctx: &RequestContext, _req: {types}::{}) -> Result<{response}, {types}::{}> {{\n        {body}\n    }}\n\n",
            raw(&op.method_name),
            op.request,
            op.error_type,
        ));
    }
    let call = codegen::client::method_name(plan.op);
    let check = match &plan.answer {
        Some(answer) => format!(
            "    let expected: {} = serde_json::from_str({:?}).unwrap();\n    assert_eq!(serde_json::to_value(answer.body()).unwrap(), serde_json::to_value(&expected).unwrap(), \"the answer the client decoded\");\n",
            type_text(plan.op.response.ty.as_ref().expect("an answer has a type"), types),
            answer.to_string()
        ),
        None => String::new(),
    };
    let (auth, config, client_config) = if rpc {
        (
            RPC_AUTH,
            "ServerConfig::new(Verifier::new(OneKey, InMemoryNonceStore::new(100)))",
            ".endpoint(format!(\"http://{address}\"))\n        .access_key(\"corpus-key\", \"corpus-secret\")",
        )
    } else {
        (
            "",
            "ServerConfig::new()",
            ".base_url(format!(\"http://{address}\"))",
        )
    };
    Ok(format!(
        r#"//! Written by `cargo xtask corpus`: serves the generated server on loopback and calls
//! `{action}` through the generated client.

use std::sync::Arc;

use {server}::{{router, {trait_name}, RequestContext, ServerConfig}};
{auth}
struct Service;

#[allow(deprecated)]
impl {trait_name} for Service {{
{methods}}}

#[tokio::main(flavor = "current_thread")]
async fn main() {{
    let app = router(Arc::new(Service), {config});
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {{ axum::serve(listener, app).await.unwrap() }});
    let client = {client}::Client::builder()
        {client_config}
        .build()
        .unwrap();
    let request: {types}::{request} = serde_json::from_str({request_json:?}).expect("the request decodes");
    #[allow(deprecated)]
    let answer = client.{call}(request).await.expect("the call succeeds");
{check}    println!("loopback {action}: ok");
}}
"#,
        action = plan.op.name,
        server = crates.server,
        client = crates.client,
        request = plan.op.request,
        request_json = plan.request.to_string(),
        call = raw(&call),
    ))
}

/// The RPC server's credential store: one AccessKey, the one the client signs with.
const RPC_AUTH: &str = r#"
use acs_protocol::auth::{Credential, CredentialLookup, InMemoryNonceStore, LookupError, Verifier};
use acs_protocol::secret::{AccessKeySecret, SecurityToken};

struct OneKey;

#[async_trait::async_trait]
impl CredentialLookup for OneKey {
    async fn lookup(&self, id: &str, _: Option<&SecurityToken>) -> Result<Option<Credential>, LookupError> {
        Ok((id == "corpus-key").then(|| Credential {
            secret: AccessKeySecret::new("corpus-secret"),
            principal: "corpus".into(),
            active: true,
        }))
    }
}
"#;

/// A Rust identifier, raw when it is a keyword.
fn raw(name: &str) -> String {
    codegen::emit::ident(name).to_string()
}

/// `ty` as Rust source, generated types under `types`.
fn type_text(ty: &TypeRef, types: &str) -> String {
    match ty {
        TypeRef::Named(n) => format!("{types}::{}", raw(n)),
        TypeRef::Scalar(s) => match s {
            Scalar::String => "String",
            Scalar::Bool => "bool",
            Scalar::I32 => "i32",
            Scalar::I64 => "i64",
            Scalar::F32 => "f32",
            Scalar::F64 => "f64",
        }
        .to_owned(),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_text(inner, types)),
        TypeRef::Map(inner) => format!(
            "std::collections::BTreeMap<String, {}>",
            type_text(inner, types)
        ),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::Bytes => "Vec<u8>".to_owned(),
    }
}
