//! `oneOf`/`anyOf` enums and plain aliases.

use crate::emit::{ident, type_tokens};
use crate::model::{TaggedDef, TypeRef, UntaggedDef};
use proc_macro2::TokenStream;
use quote::quote;

/// Internally tagged: `{"petType": "Cat", ...Cat's fields}`. The variant structs do not have the
/// tag field (lowering removes it), so the tag is written exactly once and decoding picks the
/// variant by the tag, never by trial.
pub fn tagged(name: &str, def: &TaggedDef, docs: TokenStream) -> TokenStream {
    let name = ident(name);
    let tag = &def.tag;
    let variants = def.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = ident(&v.ty);
        let value = &v.tag_value;
        let doc = format!(" `{tag}` = `{value}`.");
        quote! {
            #[doc = #doc]
            #[serde(rename = #value)]
            #variant(#ty),
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        // The variants are the spec's shapes; boxing them would change the API for size alone.
        #[allow(clippy::large_enum_variant)]
        #[serde(tag = #tag)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// Untagged: the first variant that decodes wins (the spec gives no discriminator).
pub fn untagged(name: &str, def: &UntaggedDef, docs: TokenStream) -> TokenStream {
    let name = ident(name);
    let variants = def.variants.iter().map(|(variant, ty)| {
        let variant = ident(variant);
        let ty = type_tokens(ty, &quote!());
        quote!(#variant(#ty),)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[allow(clippy::large_enum_variant)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

pub fn alias(name: &str, target: &TypeRef, docs: TokenStream) -> TokenStream {
    let name = ident(name);
    let target = type_tokens(target, &quote!());
    quote! {
        #docs
        pub type #name = #target;
    }
}
