//! `content_schema_for(connection_type)`: the schemas marked `x-connection-type`, so the service
//! validates a `Content` and knows what to encrypt and mask without naming any type itself.

use crate::model::{Api, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(api: &Api, support: &TokenStream) -> Option<TokenStream> {
    let entries: Vec<TokenStream> = api
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => s.connection_type.as_ref().map(|ct| {
                let name = &t.name;
                let required = s
                    .fields
                    .iter()
                    .filter(|f| f.required && !f.flatten)
                    .map(|f| &f.wire_name);
                let secret = s.fields.iter().filter(|f| f.secret).map(|f| &f.wire_name);
                let properties = s.fields.iter().map(|f| &f.wire_name);
                let any_of = s.required_any_of.iter().map(|group| quote!(&[#(#group),*]));
                quote! {
                    ContentSchemaInfo {
                        name: #name,
                        connection_type: #ct,
                        properties: &[#(#properties),*],
                        required: &[#(#required),*],
                        secret: &[#(#secret),*],
                        required_any_of: &[#(#any_of),*],
                    }
                }
            }),
            _ => None,
        })
        .collect();
    if entries.is_empty() {
        return None;
    }
    Some(quote! {
        pub use #support ContentSchemaInfo;

        /// Every schema with `x-connection-type`, in spec order.
        pub const CONTENT_SCHEMAS: &[ContentSchemaInfo] = &[#(#entries),*];

        /// The `Content` schema of a connection type, if the spec describes one.
        pub fn content_schema_for(connection_type: &str) -> ::std::option::Option<ContentSchemaInfo> {
            CONTENT_SCHEMAS.iter().find(|s| s.connection_type == connection_type).copied()
        }
    })
}
