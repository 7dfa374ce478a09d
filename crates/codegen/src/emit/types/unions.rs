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

/// Untagged: JSON Schema's `oneOf` is "the one that matches", and a struct of optional fields
/// matches almost anything, so serde's "first variant that decodes" would pick a variant that
/// drops keys. Decoding keeps the first variant that loses nothing of the input (checked by
/// encoding it back, [`best_match_support`]), else the first that decodes.
pub fn untagged(name: &str, def: &UntaggedDef, docs: TokenStream) -> TokenStream {
    let label = format!("data did not match any variant of {name}");
    let name = ident(name);
    let variants = def.variants.iter().map(|(variant, ty)| {
        let variant = ident(variant);
        let ty = type_tokens(ty, &quote!());
        quote!(#variant(#ty),)
    });
    let tries = def.variants.iter().map(|(variant, ty)| {
        let variant = ident(variant);
        let ty = type_tokens(ty, &quote!());
        quote! {
            if let ::std::result::Result::Ok(decoded) = ::serde_json::from_value::<#ty>(value.clone()) {
                if keeps_everything(&value, &decoded) {
                    return ::std::result::Result::Ok(Self::#variant(decoded));
                }
                if first.is_none() {
                    first = ::std::option::Option::Some(Self::#variant(decoded));
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[allow(clippy::large_enum_variant)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let mut first: ::std::option::Option<Self> = ::std::option::Option::None;
                #(#tries)*
                first.ok_or_else(|| <D::Error as ::serde::de::Error>::custom(#label))
            }
        }
    }
}

/// The helper [`untagged`] enums decode through (emitted once, when the API has any).
pub fn best_match_support() -> TokenStream {
    quote! {
        /// Whether `decoded`, encoded back, still holds every non-null value of `input` (so an
        /// untagged variant that would drop keys is not taken while a better one exists).
        fn keeps_everything<T: ::serde::Serialize>(input: &::serde_json::Value, decoded: &T) -> bool {
            fn covers(input: &::serde_json::Value, output: &::serde_json::Value) -> bool {
                match (input, output) {
                    (::serde_json::Value::Object(a), ::serde_json::Value::Object(b)) => a
                        .iter()
                        .all(|(k, v)| b.get(k).map_or(v.is_null(), |w| covers(v, w))),
                    (::serde_json::Value::Array(a), ::serde_json::Value::Array(b)) => {
                        a.len() == b.len() && a.iter().zip(b).all(|(v, w)| covers(v, w))
                    }
                    (::serde_json::Value::Number(a), ::serde_json::Value::Number(b)) => {
                        a.as_f64() == b.as_f64()
                    }
                    (a, b) => a == b,
                }
            }
            ::serde_json::to_value(decoded).is_ok_and(|output| covers(input, &output))
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
