//! One async method per operation on `Client`, documented from the spec.

use crate::emit::docs::{doc_attrs, sanitize};
use crate::emit::{ident, type_tokens};
use crate::model::{Api, HttpMethod, Operation, Style};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Names the generated `Client` already uses; an operation whose method would clash gets
/// `_operation` appended.
const RESERVED: &[&str] = &[
    "builder",
    "base_url",
    "endpoint",
    "format",
    "with_format",
    "signature_version",
    "access_key_id",
    "clone",
];

/// The HTTP method a call uses: `x-acs-method` (what the official SDKs send), else POST.
pub fn http_method(op: &Operation) -> HttpMethod {
    let from_extension = op
        .extensions
        .get("x-acs-method")
        .and_then(|v| v.as_str())
        .and_then(|m| match m.to_ascii_uppercase().as_str() {
            "GET" => Some(HttpMethod::Get),
            "PUT" => Some(HttpMethod::Put),
            "POST" => Some(HttpMethod::Post),
            _ => None,
        });
    from_extension.unwrap_or(HttpMethod::Post)
}

/// Whether repeating the operation is harmless: true unless `x-acs-idempotent: false`.
pub fn idempotent(op: &Operation) -> bool {
    op.extensions
        .get("x-acs-idempotent")
        .and_then(|v| v.as_bool())
        .unwrap_or(true)
}

/// The Rust name of an operation's method.
pub fn method_name(op: &Operation) -> String {
    if RESERVED.contains(&op.method_name.as_str()) {
        format!("{}_operation", op.method_name)
    } else {
        op.method_name.clone()
    }
}

/// `types` prefixes generated types (`::dataworks_types::`), `rt` the runtime (`::acs_client::`).
pub fn methods(api: &Api, types: &TokenStream, rt: &TokenStream) -> Vec<TokenStream> {
    api.operations
        .iter()
        .filter_map(|op| match &op.style {
            Style::Rpc { action, .. } => Some(method(api, op, action, types, rt)),
            Style::Rest { .. } => None,
        })
        .collect()
}

fn method(
    api: &Api,
    op: &Operation,
    action: &str,
    types: &TokenStream,
    rt: &TokenStream,
) -> TokenStream {
    let name = ident(&method_name(op));
    let request = ident(&op.request);
    let error = ident(&op.error_type);
    let has_common = |wire: &str| op.common_parameters.iter().any(|p| p.wire_name == wire);
    let (format_param, region_param) = (has_common("Format"), has_common("RegionId"));
    let method_const = format_ident!("{}", http_method(op).as_str());
    let idempotent = idempotent(op);
    let docs = doc_attrs(&super::wrap_doc_lines(method_docs(api, op, action)));
    let (response_ty, call) = match &op.response.ty {
        Some(ty) => {
            let ty = type_tokens(ty, types);
            (
                ty.clone(),
                quote! {
                    self.runtime.call::<#ty, _, _>(&OPERATION, request.to_params(), #types #error::from_code).await
                },
            )
        }
        None => (
            quote!(()),
            quote! {
                self.runtime.call::<::serde::de::IgnoredAny, _, _>(&OPERATION, request.to_params(), #types #error::from_code)
                    .await
                    .map(|response| response.map(|_| ()))
            },
        ),
    };
    quote! {
        #docs
        pub async fn #name(
            &self,
            request: #types #request,
        ) -> ::std::result::Result<Response<#response_ty>, Error<#types #error>> {
            static OPERATION: #rt Operation = #rt Operation {
                action: #action,
                method: ::http::Method::#method_const,
                idempotent: #idempotent,
                format_param: #format_param,
                region_param: #region_param,
            };
            request.validate().map_err(Error::Invalid)?;
            #call
        }
    }
}

/// Summary, description, how the call travels and retries, and the documented error codes.
fn method_docs(api: &Api, op: &Operation, action: &str) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(summary) = &op.summary {
        lines.extend(sanitize(summary));
    } else {
        lines.push(format!("Calls `{action}`."));
    }
    if let Some(description) = &op.description {
        lines.push(String::new());
        lines.extend(sanitize(description));
    }
    lines.push(String::new());
    let answer = match &op.response.ty {
        Some(crate::model::TypeRef::Named(n)) => format!("[`{n}`]"),
        Some(other) => format!(
            "`{}`",
            type_tokens(other, &quote!()).to_string().replace(' ', "")
        ),
        None => "no body".to_owned(),
    };
    lines.push(format!(
        "Sends `Action={action}` (`Version={}`) with `{}`; parameters: [`{}`] (checked with \
         `validate()` before anything is sent); answer: {answer}.",
        api.version,
        http_method(op).as_str(),
        op.request,
    ));
    lines.push(String::new());
    if idempotent(op) {
        lines.push(
            "Retried (see [`RetryPolicy`]) on connection failures, timeouts, 5xx answers and \
             `Throttling*` codes."
                .to_owned(),
        );
    } else {
        lines.push(
            "Not idempotent (`x-acs-idempotent: false`): retried only when the request cannot \
             have reached the server (a connect failure), never after it was sent."
                .to_owned(),
        );
    }
    lines.push(String::new());
    lines.push("# Errors".to_owned());
    lines.push(String::new());
    lines.push(format!(
        "[`Error::Api`] with a [`{}`] for an error answer; its documented codes:",
        op.error_type
    ));
    lines.push(String::new());
    let common: Vec<&str> = api.common_errors.iter().map(|e| e.code.as_str()).collect();
    for case in op
        .errors
        .iter()
        .filter(|e| !common.contains(&e.code.as_str()))
    {
        let status = case
            .http_status
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        lines.push(format!(
            "- `{}`{status}: {} [`{}::{}`]",
            case.code,
            case.message.replace('`', "'"),
            op.error_type,
            case.variant
        ));
    }
    if !common.is_empty() {
        lines.push(format!(
            "- the protocol codes every operation can answer (`MissingParameter`, \
             `InvalidParameter`, signature and throttling codes, ...; see `{}::CODES`)",
            op.error_type
        ));
    }
    lines.push(format!(
        "- any other code as `{}::Unlisted`, with its code and message",
        op.error_type
    ));
    lines.push(String::new());
    lines.push(
        "[`Error::Invalid`] when the request breaks a constraint of the spec (nothing is sent), \
         [`Error::Transport`] when no answer came back, [`Error::Decode`] when an answer could \
         not be read."
            .to_owned(),
    );
    lines
}
