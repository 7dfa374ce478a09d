//! The client crate's documentation: what it is, a quick start, and a compiled, run doctest of the
//! in-process test mode, both built from the spec (the first operation whose required
//! parameters all have examples and that documents an error code of its own).

use super::{methods, Servers};
use crate::emit::docs::sanitize;
use crate::model::{Api, EnumValue, ErrorCase, Operation, Scalar, Style, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// `#![doc = ...]` lines for the crate.
/// `client_crate` is the crate's own name as its examples `use` it (`dataworks_client`).
pub fn crate_docs(api: &Api, servers: &Servers, client_crate: &str) -> TokenStream {
    let lines = super::wrap_doc_lines(lines(api, servers, client_crate));
    let lines = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote!(#(#![doc = #lines])*)
}

/// A request the docs can build from spec examples, and an error the fake answers with.
struct Example<'a> {
    op: &'a Operation,
    /// `CreateConnectionRequest::new(10000, "mysql_name", ConnectionType::Mysql, ...)`.
    request: String,
    /// Names to import besides the client's own.
    imports: Vec<String>,
    error: &'a ErrorCase,
}

fn lines(api: &Api, servers: &Servers, client_crate: &str) -> Vec<String> {
    let mut out = vec![
        format!(
            "Async client for {} (API version {}), generated from `{}`.",
            api.title, api.version, api.spec_name
        ),
        String::new(),
        "One method per operation on [`Client`]; requests and answers are the types of the \
         types crate (re-exported here and as [`types`]). Every method checks the request \
         against the spec before sending, signs it (V3 by default, v1 selectable), retries what \
         is safe to retry, and answers with a [`Response`] that keeps the request id or an \
         [`Error`] whose API variant holds the operation's typed error code."
            .to_owned(),
        String::new(),
        "Under the methods, the builder, signing, retries, transports and error types are the \
         hand-written, spec-independent `acs-client` crate; they are re-exported here, so code \
         using this crate never names that one."
            .to_owned(),
        String::new(),
        "Regenerate with `cargo xtask codegen`; never edit by hand.".to_owned(),
    ];
    if let Some(description) = &api.description {
        out.push(String::new());
        out.push("# The API".to_owned());
        out.push(String::new());
        out.extend(sanitize(description));
    }
    let example = pick_example(api);
    out.push(String::new());
    out.push("# Quick start".to_owned());
    out.push(String::new());
    match &example {
        Some(example) => quick_start(&mut out, example, servers, client_crate),
        None => out.push("Build a client with [`Client::builder`] and call its methods.".into()),
    }
    out.push(String::new());
    out.extend(
        [
            "# Configuration",
            "",
            "[`ClientBuilder`]: the endpoint (`.endpoint(url)`, or `.region(id)` for the \
             region's public endpoint), credentials (`.access_key(id, secret)`, \
             `.security_token(token)`, or the environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`, \
             `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`), \
             `.signature_version(..)`, `.format(Format::Xml)`, `.connect_timeout(..)`, \
             `.timeout(..)` (per attempt), `.user_agent(..)`, `.retry_policy(..)`, and \
             `.http_client(reqwest::Client)` to reuse a client.",
            "",
            "# Retries",
            "",
            "Connection failures, timeouts, 5xx answers and `Throttling*` codes are retried with \
             exponential backoff and jitter (honouring `x-acs-retry-after`), each attempt signed \
             again with a fresh nonce and timestamp, within [`RetryPolicy`]'s attempt and time \
             limits. Operations marked `x-acs-idempotent: false` in the spec (creating things) \
             are retried only after a connect failure, when the server cannot have received \
             them.",
            "",
            "# Testing code that uses the client",
            "",
            "`.service(s)` sends every request in-process to any `tower::Service` that takes \
             `http::Request<http_body_util::Full<bytes::Bytes>>`: an axum `Router` (such as the \
             generated server router over a fake implementation of the API trait) or a \
             `tower::service_fn`. No socket and no process; signing, retries and decoding are \
             exactly what happens over HTTP.",
        ]
        .map(str::to_owned),
    );
    if let Some(example) = &example {
        out.push(String::new());
        in_process(&mut out, example, client_crate);
    }
    out
}

fn quick_start(
    out: &mut Vec<String>,
    example: &Example<'_>,
    servers: &Servers,
    client_crate: &str,
) {
    let method = methods::method_name(example.op);
    let request_type = &example.op.request;
    let endpoint = match (&servers.template, &servers.default_value, &servers.fixed) {
        (Some(_), Some(region), _) => format!(".region({region:?})"),
        (_, _, Some(url)) => format!(".endpoint({url:?})"),
        _ => ".endpoint(\"https://example.com\")".to_owned(),
    };
    let mut imports = vec!["Client".to_owned(), request_type.clone()];
    imports.extend(example.imports.iter().cloned());
    out.extend([
        "```no_run".to_owned(),
        format!("use {client_crate}::{{{}}};", imports.join(", ")),
        String::new(),
        "# async fn run() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        "// Credentials come from ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET."
            .to_owned(),
        format!("let client = Client::builder(){endpoint}.build()?;"),
        format!("let request = {};", example.request),
        format!("let answer = client.{method}(request).await?;"),
        "println!(\"request {}: {:?}\", answer.request_id(), answer.body());".to_owned(),
        "# Ok(())".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ]);
}

fn in_process(out: &mut Vec<String>, example: &Example<'_>, client_crate: &str) {
    let method = methods::method_name(example.op);
    let error_type = &example.op.error_type;
    let variant = if example.error.templated {
        format!("{error_type}::{} {{ .. }}", example.error.variant)
    } else {
        format!("{error_type}::{}", example.error.variant)
    };
    let status = example.error.http_status.unwrap_or(400);
    let body = serde_json::json!({
        "RequestId": "fake-request-1",
        "Code": example.error.code,
        "Message": example.error.message,
    })
    .to_string();
    let mut imports = vec![
        "Client".to_owned(),
        "Error".to_owned(),
        error_type.clone(),
        example.op.request.clone(),
    ];
    imports.extend(example.imports.iter().cloned());
    out.extend([
        format!(
            "A fake that answers every call with `{}` lets a test check how the calling code \
             handles that error:",
            example.error.code
        ),
        String::new(),
        "```".to_owned(),
        "use bytes::Bytes;".to_owned(),
        format!("use {client_crate}::{{{}}};", imports.join(", ")),
        "use http_body_util::Full;".to_owned(),
        String::new(),
        "# #[tokio::main(flavor = \"current_thread\")]".to_owned(),
        "# async fn main() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        "let fake = tower::service_fn(|_request: http::Request<Full<Bytes>>| async {".to_owned(),
        format!("    let body = {body:?};"),
        "    http::Response::builder()".to_owned(),
        format!("        .status({status})"),
        "        .header(\"content-type\", \"application/json\")".to_owned(),
        "        .body(Full::new(Bytes::from_static(body.as_bytes())))".to_owned(),
        "});".to_owned(),
        "let client = Client::builder()".to_owned(),
        "    .endpoint(\"http://api.test\")".to_owned(),
        "    .access_key(\"test-id\", \"test-secret\")".to_owned(),
        "    .service(fake)".to_owned(),
        "    .build()?;".to_owned(),
        format!("let request = {};", example.request),
        format!("match client.{method}(request).await {{"),
        format!("    Err(Error::Api {{ error: {variant}, request_id, .. }}) => {{"),
        "        assert_eq!(request_id, \"fake-request-1\");".to_owned(),
        "    }".to_owned(),
        "    other => panic!(\"unexpected: {other:?}\"),".to_owned(),
        "}".to_owned(),
        "# Ok(())".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ]);
}

/// The first RPC operation whose request can be written from spec examples and which documents
/// an error code of its own.
fn pick_example(api: &Api) -> Option<Example<'_>> {
    let common: Vec<&str> = api.common_errors.iter().map(|e| e.code.as_str()).collect();
    api.operations.iter().find_map(|op| {
        if !matches!(op.style, Style::Rpc { .. }) {
            return None;
        }
        let error = op
            .errors
            .iter()
            .find(|e| !common.contains(&e.code.as_str()) && e.http_status.is_some())?;
        let def = api.request_struct(op)?;
        let mut args = Vec::new();
        let mut imports = Vec::new();
        for f in def
            .fields
            .iter()
            .filter(|f| !f.is_optional() && f.default.is_none() && !f.request_id)
        {
            args.push(literal(api, &f.ty, f.docs.example.as_ref()?, &mut imports)?);
        }
        Some(Example {
            op,
            request: format!("{}::new({})", op.request, args.join(", ")),
            imports,
            error,
        })
    })
}

/// Rust source for a value of `ty` from its spec example.
fn literal(api: &Api, ty: &TypeRef, example: &Value, imports: &mut Vec<String>) -> Option<String> {
    match ty {
        TypeRef::Scalar(s) => scalar_literal(*s, example),
        TypeRef::Named(n) => match &api.type_def(n)?.kind {
            TypeKind::Newtype(nt) => scalar_literal(nt.inner, example),
            TypeKind::Enum(e) => {
                let text = match example {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let variant = e.variants.iter().find(|v| match &v.value {
                    EnumValue::Str(s) => *s == text,
                    EnumValue::Int(i) => i.to_string() == text,
                })?;
                if !imports.contains(n) {
                    imports.push(n.clone());
                }
                Some(format!("{n}::{}", variant.rust_name))
            }
            TypeKind::Alias(inner) => literal(api, inner, example, imports),
            _ => None,
        },
        _ => None,
    }
}

fn scalar_literal(s: Scalar, example: &Value) -> Option<String> {
    let text = match example {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match s {
        Scalar::String => Some(format!("{text:?}")),
        Scalar::I32 => text.parse::<i32>().ok().map(|v| v.to_string()),
        Scalar::I64 => text.parse::<i64>().ok().map(|v| v.to_string()),
        Scalar::F32 | Scalar::F64 => text.parse::<f64>().ok().map(|v| format!("{v:?}")),
        Scalar::Bool => text.parse::<bool>().ok().map(|v| v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_examples_become_rust_literals() {
        assert_eq!(
            scalar_literal(Scalar::I64, &serde_json::json!(10000)).as_deref(),
            Some("10000")
        );
        assert_eq!(
            scalar_literal(Scalar::I32, &serde_json::json!("1")).as_deref(),
            Some("1")
        );
        assert_eq!(
            scalar_literal(Scalar::String, &serde_json::json!("{\"a\":1}")).as_deref(),
            Some("\"{\\\"a\\\":1}\"")
        );
        assert_eq!(scalar_literal(Scalar::I32, &serde_json::json!("x")), None);
    }
}
