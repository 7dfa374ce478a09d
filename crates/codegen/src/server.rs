//! The server emitter: [`Api`] -> the server-stub crate (`axum` router + one trait).
//!
//! What it writes, and why:
//! - **One trait, one async method per operation** (tonic style): `fn update_connection(&self,
//!   ctx: &RequestContext, req: UpdateConnectionRequest) -> impl Future<Output =
//!   Result<UpdateConnectionResponse, UpdateConnectionError>> + Send`. Native `impl Future` (not
//!   `async_trait`) so that a call costs no allocation; implementers still write plain
//!   `async fn`, and the router is generic over `T` (`Arc<T>`), not `dyn`.
//! - **A router constructor** returning `axum::Router`, so tower layers apply. RPC operations
//!   (`/#Action=X`) share one `/` route for GET, POST and PUT that reads `Action`/`Version` and
//!   dispatches with a `match`; REST operations become ordinary routes.
//! - **Every answer in the API's envelope** (acs-protocol's): 404 on other paths, 405 with
//!   `Allow`, 413, 408, parameter errors, panics — never axum's plain-text or empty bodies.
//! - **Authentication first** (RPC): acs-protocol's `Verifier` runs before parameters are read
//!   and before business code; **validation at the edge** with the types crate's `from_params`
//!   (RPC) or field parsing + `validate()` (REST).
//! - **A hook point**: an `Operation` enum put into response extensions, and an
//!   `OperationHooks` trait called before and after each operation with the error code and
//!   latency.
//!
//! What is the same for every spec (request reading, limits, deadlines, envelope answers, the
//! config, contexts, hook plumbing, the dispatch skeleton) is the hand-written runtime crate
//! `acs-server`; the generated file holds only what the spec determines, like tonic-build's
//! output over tonic.

mod api_trait;
mod common;
mod rest;
mod rpc;

use crate::model::{Api, Style};
use crate::refusal::{Refusal, Refusals};
use proc_macro2::TokenStream;
use quote::quote;

/// The name of the generated trait: the API title in PascalCase, ending in `Api`
/// (`DataWorks Connection API` -> `DataWorksConnectionApi`).
pub fn trait_name(api: &Api) -> String {
    let mut name = heck::ToUpperCamelCase::to_upper_camel_case(api.title.as_str());
    name.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "Service");
    }
    if !name.ends_with("Api") {
        name.push_str("Api");
    }
    name
}

/// The server module for `api`. `types_path` prefixes every generated type
/// (`quote!(::dataworks_types::)`), `runtime_path` every runtime item (`quote!(::acs_server::)`).
pub fn generate(
    api: &Api,
    types_path: &TokenStream,
    runtime_path: &TokenStream,
) -> Result<TokenStream, Refusals> {
    check_supported(api)?;
    let rpc = api.has_rpc_operations();
    let header = common::module_docs(api, rpc, runtime_path);
    let common = common::items(api, rpc, runtime_path);
    let api_trait = api_trait::emit(api, types_path);
    let router = if rpc {
        rpc::emit(api, types_path, runtime_path)
    } else {
        rest::emit(api, types_path, runtime_path)
    };
    Ok(quote! {
        #header
        #common
        #api_trait
        #router
    })
}

/// What the server emitter cannot serve, listed with pointers (never a panic).
fn check_supported(api: &Api) -> Result<(), Refusals> {
    let mut items = Vec::new();
    let rpc = api.has_rpc_operations();
    for op in &api.operations {
        match &op.style {
            Style::Rpc { .. } => {}
            Style::Rest { .. } if rpc => items.push(Refusal {
                pointer: op.pointer.clone(),
                reason: "the server emitter does not mix RPC (`/#Action=X`) and REST operations \
                         in one API: RPC signatures cover the path `/` only, so REST routes \
                         would go unauthenticated"
                    .to_owned(),
            }),
            Style::Rest { .. } => {
                let Some(request) = api.request_struct(op) else {
                    continue;
                };
                for field in &request.fields {
                    if let Some(why) = crate::emit::wire::unsupported(api, op, field) {
                        items.push(Refusal {
                            pointer: field
                                .param
                                .as_ref()
                                .map_or_else(|| op.pointer.clone(), |p| p.pointer.clone()),
                            reason: why,
                        });
                    }
                }
            }
        }
    }
    if items.is_empty() {
        Ok(())
    } else {
        Err(Refusals {
            spec_name: api.spec_name.clone(),
            items,
        })
    }
}

/// Doc lines for an operation: summary, description, then how it is reached.
fn operation_doc_lines(op: &crate::model::Operation) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(summary) = &op.summary {
        lines.extend(crate::emit::docs::sanitize(summary));
    }
    if let Some(description) = &op.description {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(crate::emit::docs::sanitize(description));
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    match &op.style {
        Style::Rpc { action, routes, .. } => {
            let at: Vec<String> = routes.iter().map(|r| format!("`{r}`")).collect();
            let at = match at.as_slice() {
                [only] if only == "`/`" => String::new(),
                _ => format!(" at {}", at.join(" or ")),
            };
            lines.push(format!(
                "Reached by `GET|POST|PUT /?Action={action}` (or the `x-acs-action` header){at}."
            ))
        }
        Style::Rest { method, path } => {
            lines.push(format!("Reached by `{} {path}`.", method.as_str()))
        }
    }
    lines
}
