//! The API trait: one method per operation, tonic style, with native `impl Future + Send`
//! returns so that calls are not boxed and implementers write plain `async fn`.

use crate::emit::docs::doc_attrs;
use crate::emit::{ident, type_tokens};
use crate::model::Api;
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(api: &Api, types_path: &TokenStream) -> TokenStream {
    let trait_ident = ident(&super::trait_name(api));
    let common: Vec<&str> = api.common_errors.iter().map(|e| e.code.as_str()).collect();
    let methods = api.operations.iter().map(|op| {
        let mut lines = super::operation_doc_lines(op);
        let own: Vec<String> = op
            .errors
            .iter()
            .filter(|e| !common.contains(&e.code.as_str()))
            .map(|e| match e.http_status {
                Some(status) => format!("- {status} `{}`", e.code),
                None => format!("- `{}` (any status)", e.code),
            })
            .collect();
        if !own.is_empty() {
            lines.push(String::new());
            lines.push(format!(
                "Documented errors (variants of `{}`; `Unlisted` is answered `InternalError`):",
                op.error_type
            ));
            lines.push(String::new());
            lines.extend(own);
        }
        let docs = doc_attrs(&lines);
        let method = ident(&op.method_name);
        let request = ident(&op.request);
        let error = ident(&op.error_type);
        let response = match &op.response.ty {
            Some(ty) => type_tokens(ty, types_path),
            None => quote!(()),
        };
        let deprecated = if op.deprecated {
            quote!(#[deprecated])
        } else {
            quote!()
        };
        quote! {
            #docs
            #deprecated
            fn #method(
                &self,
                ctx: &RequestContext,
                req: #types_path #request,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<#response, #types_path #error>,
            > + ::std::marker::Send;
        }
    });
    let mut lines = vec![format!(
        "{}: one method per operation. Implement it with plain `async fn`s:",
        api.title
    )];
    lines.extend([
        String::new(),
        "```text".to_owned(),
        format!("impl {trait_ident} for MyService {{"),
    ]);
    if let Some(op) = api.operations.first() {
        let response = match &op.response.ty {
            Some(crate::model::TypeRef::Named(name)) => name.clone(),
            Some(_) => "...".to_owned(),
            None => "()".to_owned(),
        };
        lines.push(format!(
            "    async fn {}(&self, ctx: &RequestContext, req: {}) -> Result<{response}, {}> {{ ... }}",
            op.method_name,
            op.request,
            op.error_type
        ));
    }
    lines.extend([
        "}".to_owned(),
        "```".to_owned(),
        String::new(),
        "The request a method receives is already authenticated and valid; the context carries"
            .to_owned(),
        "the request id and (RPC) the caller. Documented errors are answered with their spec"
            .to_owned(),
        "status, code and message; a panic or an `Unlisted` error becomes `InternalError`, logged"
            .to_owned(),
        "with the request id.".to_owned(),
    ]);
    let trait_docs = doc_attrs(&lines);
    quote! {
        #trait_docs
        pub trait #trait_ident: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#methods)*
        }
    }
}
