//! The types emitter: every model, enum, constrained value and error enum of an [`Api`], as one
//! module (the generated types crate's `lib.rs`).
//!
//! Conventions of the output (the client and server emitters rely on them):
//! - every [`crate::model::TypeDef`] becomes an item of the same name;
//! - request structs hold plain values (`i64`, `String`, enums) even where the spec constrains
//!   them: `XRequest::new(required...)` + one setter per optional field, `validate()`; RPC ones
//!   also `to_params()` / `from_params(get)` (errors: `ParamError::{Missing, Invalid}`);
//! - one `XError` enum per operation ([`crate::model::Operation::error_type`]) with
//!   `http_status()`, `code()`, `message()`, `from_code()`, `CODES`; `CommonError` for the
//!   document's common codes;
//! - `API_VERSION` is `info.version`.

mod content;
mod enums;
mod errors;
mod newtypes;
pub(crate) mod structs;
mod support;
mod unions;

use crate::emit::docs::{doc_attrs, doc_lines};
use crate::emit::ident;
use crate::model::{Api, Role, Style, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// Lookups the item emitters share.
pub struct Ctx<'a> {
    pub api: &'a Api,
    /// Emit the RPC parameter codec (the API has RPC operations).
    pub rpc: bool,
    /// The types runtime crate (`::acs_types::`) the generated code calls for helpers.
    pub support: TokenStream,
    /// [`Self::support`] as text, for `#[serde(deserialize_with = "...")]` paths.
    pub support_str: String,
    index: BTreeMap<&'a str, &'a TypeDef>,
    rpc_ops: BTreeSet<&'a str>,
}

impl<'a> Ctx<'a> {
    pub fn new(api: &'a Api, support: &syn::Path) -> Self {
        let rpc_ops = api
            .operations
            .iter()
            .filter(|op| matches!(op.style, Style::Rpc { .. }))
            .filter_map(|op| match api.type_def(&op.request).map(|t| &t.role) {
                Some(Role::Request { operation }) => Some(operation.as_str()),
                _ => None,
            })
            .collect();
        Self {
            api,
            support: quote!(#support ::),
            support_str: quote!(#support).to_string().replace(' ', ""),
            rpc: api.has_rpc_operations(),
            index: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            rpc_ops,
        }
    }

    pub fn kind(&self, name: &str) -> Option<&'a TypeKind> {
        self.index.get(name).map(|t| &t.kind)
    }

    /// The model's own copy of a type name (borrowed for as long as the model).
    pub fn type_name(&self, name: &str) -> Option<&'a str> {
        self.index.get(name).map(|t| t.name.as_str())
    }

    /// Whether the request struct of `operation` (its `Role::Request` stem) is RPC-style.
    pub fn is_rpc_op(&self, operation: &str) -> bool {
        self.rpc_ops.contains(operation)
    }

    /// Whether `T: Default` holds for the generated type.
    pub fn can_default(&self, ty: &TypeRef) -> bool {
        self.can_default_inner(ty, &mut BTreeSet::new())
    }

    fn can_default_inner(&self, ty: &TypeRef, seen: &mut BTreeSet<String>) -> bool {
        match ty {
            TypeRef::Scalar(_)
            | TypeRef::Vec(_)
            | TypeRef::Map(_)
            | TypeRef::Json
            | TypeRef::Bytes => true,
            TypeRef::Named(n) => {
                if !seen.insert(n.clone()) {
                    return false;
                }
                match self.index.get(n.as_str()) {
                    Some(t) => match &t.kind {
                        TypeKind::Struct(s) => {
                            !matches!(t.role, Role::Request { .. })
                                && s.fields.iter().all(|f| {
                                    f.is_optional()
                                        || f.default.is_some()
                                        || f.request_id
                                        || self.can_default_inner(&f.ty, seen)
                                })
                        }
                        TypeKind::Alias(inner) => self.can_default_inner(inner, seen),
                        _ => false,
                    },
                    None => false,
                }
            }
        }
    }

    /// Named structs/unions that RPC requests carry as parameters (sent as JSON text).
    fn json_params(&self) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        for t in &self.api.types {
            let (Role::Request { operation }, TypeKind::Struct(s)) = (&t.role, &t.kind) else {
                continue;
            };
            if !self.is_rpc_op(operation) {
                continue;
            }
            for f in &s.fields {
                let mut ty = &f.ty;
                while let TypeRef::Named(n) = ty {
                    match self.index.get(n.as_str()).map(|t| &t.kind) {
                        Some(TypeKind::Alias(inner)) => ty = inner,
                        Some(TypeKind::Struct(_) | TypeKind::Tagged(_) | TypeKind::Untagged(_)) => {
                            if let Some(def) = self.index.get(n.as_str()) {
                                if !out.contains(&def.name.as_str()) {
                                    out.push(def.name.as_str());
                                }
                            }
                            break;
                        }
                        _ => break,
                    }
                }
            }
        }
        out
    }
}

/// The whole types module; `support` is the path of the types runtime crate (`::acs_types`).
pub fn generate(api: &Api, support: &syn::Path) -> TokenStream {
    let ctx = Ctx::new(api, support);
    let mut items = Vec::new();
    let mut default_fns = Vec::new();
    let version = &api.version;
    items.push(quote! {
        /// The API version the spec describes (`info.version`).
        pub const API_VERSION: &str = #version;
    });
    items.push(support::reexports(support, ctx.rpc));
    for t in &api.types {
        let wire = match &t.kind {
            TypeKind::Struct(_)
            | TypeKind::Tagged(_)
            | TypeKind::Untagged(_)
            | TypeKind::Alias(_) => None,
            TypeKind::Enum(e) => Some(e.wire_name.as_str()),
            TypeKind::Newtype(n) => Some(n.wire_name.as_str()),
        };
        let mut lines = doc_lines(&t.docs, wire);
        if let Role::Request { .. } = &t.role {
            if let Some(op) = api.operations.iter().find(|op| op.request == t.name) {
                lines = request_doc(op);
            }
        }
        if lines.is_empty() {
            lines.push(format!("`{}` from the spec.", t.pointer));
        }
        let docs = doc_attrs(&lines);
        items.push(match &t.kind {
            TypeKind::Struct(s) => {
                let request_of = match &t.role {
                    Role::Request { operation } => Some(operation.as_str()),
                    Role::Schema => None,
                };
                let emitted = structs::emit(&ctx, &t.name, s, docs, request_of);
                default_fns.extend(emitted.default_fns);
                emitted.items
            }
            TypeKind::Enum(e) => enums::emit(&ctx, &t.name, e, docs),
            TypeKind::Newtype(n) => newtypes::emit(&ctx, &t.name, n, docs),
            TypeKind::Tagged(d) => unions::tagged(&t.name, d, docs),
            TypeKind::Untagged(d) => unions::untagged(&t.name, d, docs),
            TypeKind::Alias(target) => unions::alias(&t.name, target, docs),
        });
    }
    for name in ctx.json_params() {
        items.push(support::json_param_impl(&ctx, &ident(name)));
    }
    if api
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Untagged(_)))
    {
        items.push(unions::best_match_support());
    }
    let has_common = !api.common_errors.is_empty();
    for op in &api.operations {
        let doc = format!(" The errors `{}` is documented to answer.", op.name);
        items.push(errors::emit(&op.error_type, &doc, &op.errors, has_common));
    }
    if has_common {
        items.push(errors::emit(
            "CommonError",
            " Errors any operation can answer (`x-acs-common-errors`).",
            &api.common_errors,
            false,
        ));
    }
    items.extend(content::emit(api, &ctx.support));
    if !default_fns.is_empty() {
        items.push(quote! {
            /// Spec defaults, as functions for `#[serde(default = "...")]`.
            mod defaults {
                #(#default_fns)*
            }
        });
    }
    let title = format!(
        " Models of {} (version {}), generated from `{}`.",
        api.title, api.version, api.spec_name
    );
    quote! {
        #![doc = #title]
        #![doc = ""]
        #![doc = " Request and response structs, enums, constrained values and one error enum per operation."]
        #![doc = " Regenerate with `cargo xtask codegen`; never edit by hand."]
        #(#items)*
    }
}

fn request_doc(op: &crate::model::Operation) -> Vec<String> {
    let mut lines = Vec::new();
    let route = match &op.style {
        Style::Rpc { action, .. } => format!("Parameters of `{action}` (`?Action={action}`)."),
        Style::Rest { method, path } => format!(
            "Parameters of `{}` (`{} {path}`).",
            op.name,
            method.as_str()
        ),
    };
    lines.push(route);
    if let Some(summary) = &op.summary {
        lines.push(String::new());
        lines.extend(crate::emit::docs::sanitize(summary));
    }
    if let Some(description) = &op.description {
        lines.push(String::new());
        lines.extend(crate::emit::docs::sanitize(description));
    }
    lines
}
