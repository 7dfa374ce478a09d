//! Emitters: [`crate::model::Api`] -> token streams. `types` writes the models crate; the client and
//! server emitters live beside it and share the helpers here.

pub mod docs;
pub mod reasons;
pub mod types;
pub mod wire;

use crate::model::{Scalar, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// Rust keywords that can be written raw (`r#type`). `self`/`super`/`crate`/`Self` never reach
/// here: lowering renames them.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// An identifier for a model name; keywords come out raw (`r#type`).
pub fn ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The fully qualified Rust type of a scalar.
pub fn scalar_tokens(s: Scalar) -> TokenStream {
    match s {
        Scalar::String => quote!(::std::string::String),
        Scalar::Bool => quote!(bool),
        Scalar::I32 => quote!(i32),
        Scalar::I64 => quote!(i64),
        Scalar::F32 => quote!(f32),
        Scalar::F64 => quote!(f64),
    }
}

/// The Rust type of a reference. `types_path` prefixes named types (`quote!()` inside the types
/// crate, `quote!(::dataworks_types::)` from the client or server crate).
pub fn type_tokens(t: &TypeRef, types_path: &TokenStream) -> TokenStream {
    match t {
        TypeRef::Named(n) => {
            let n = ident(n);
            quote!(#types_path #n)
        }
        TypeRef::Scalar(s) => scalar_tokens(*s),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, types_path);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, types_path);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Bytes => quote!(::std::vec::Vec<u8>),
    }
}
