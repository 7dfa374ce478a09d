//! What a generated types crate takes from the types runtime crate (`acs-types`): the validation
//! and parameter errors, the error-code record and the RPC parameter codec are written there once,
//! by hand; the generated crate re-exports the public ones under its own paths and calls the
//! helpers (`required_param`, `checked_param`, ...) through the runtime's path.

use super::Ctx;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The runtime's public items, re-exported so users keep naming `dataworks_types::ValidationError`.
pub fn reexports(support: &syn::Path, rpc: bool) -> TokenStream {
    let rpc = rpc.then(|| quote!(pub use #support::{ParamError, RpcParam};));
    quote! {
        pub use #support::{ErrorCode, ValidationError};
        #rpc
    }
}

/// `RpcParam` for a struct or union an RPC request carries as one JSON text.
pub fn json_param_impl(ctx: &Ctx, name: &Ident) -> TokenStream {
    let support = &ctx.support;
    quote! {
        impl RpcParam for #name {
            fn to_param(&self) -> ::std::string::String {
                #support json_param(self)
            }

            fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                #support from_json_param(value)
            }
        }
    }
}
