//! The REST glue: the route table (`acs-server`'s `rest::Routes`) and one handler per operation,
//! in the same trait style, inside the runtime's `rest::serve` (deadline, hooks, envelope). Path,
//! query and header parameters are parsed from their text into the request struct's (plain)
//! field types by inference, the body is decoded by its media type, then the request's
//! `validate()` runs: the trait only ever receives a valid request.

use super::common::operation_variant;
use crate::emit::ident;
use crate::model::{Api, HttpMethod, Location, Operation, Style};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(api: &Api, types_path: &TokenStream, rt: &TokenStream) -> TokenStream {
    let trait_ident = ident(&super::trait_name(api));

    // Routes grouped by path, in spec order; methods sorted for a stable `Allow`.
    let mut paths: Vec<(&str, Vec<(HttpMethod, &Operation)>)> = Vec::new();
    for op in &api.operations {
        let Style::Rest { method, path } = &op.style else {
            continue;
        };
        match paths.iter_mut().find(|(p, _)| p == path) {
            Some((_, ops)) => ops.push((*method, op)),
            None => paths.push((path.as_str(), vec![(*method, op)])),
        }
    }
    let routes = paths.iter_mut().map(|(path, ops)| {
        ops.sort_by_key(|(m, _)| *m);
        let mut allowed: Vec<&str> = ops.iter().map(|(m, _)| m.as_str()).collect();
        if ops.iter().any(|(m, _)| *m == HttpMethod::Get) && !allowed.contains(&"HEAD") {
            allowed.push("HEAD");
        }
        let allow = allowed.join(", ");
        let methods = ops.iter().map(|(m, op)| {
            let filter = ident(m.as_str());
            let handler = handler_ident(op);
            quote!(.on(#rt rest::MethodFilter::#filter, #handler::<T>))
        });
        quote!(.route(#path, #rt rest::MethodRouter::new() #(#methods)*, #allow))
    });
    let handlers = api
        .operations
        .iter()
        .map(|op| handler(api, op, types_path, rt, &trait_ident));

    quote! {
        /// The router: one route per spec path (other methods 405 with `Allow`), any other path
        /// 404, protocol errors in the common JSON envelope. Add tower layers as usual.
        pub fn router<T: #trait_ident>(api: ::std::sync::Arc<T>, config: ServerConfig) -> #rt Router {
            #rt rest::Routes::new(api, config, ERRORS)
                #(#routes)*
                .finish()
        }

        #(#handlers)*
    }
}

fn handler_ident(op: &Operation) -> proc_macro2::Ident {
    ident(&format!("handle_{}", op.method_name))
}

fn handler(
    api: &Api,
    op: &Operation,
    types_path: &TokenStream,
    rt: &TokenStream,
    trait_ident: &proc_macro2::Ident,
) -> TokenStream {
    let name = handler_ident(op);
    let variant = operation_variant(op);
    let method = ident(&op.method_name);
    let request = ident(&op.request);
    let error = ident(&op.error_type);
    let fields = api
        .request_struct(op)
        .map(|s| s.fields.as_slice())
        .unwrap_or(&[]);
    let uses_path = fields.iter().any(|f| f.location == Some(Location::Path));
    let has_body = fields.iter().any(|f| f.location == Some(Location::Body));
    let uses_headers = fields.iter().any(|f| f.location == Some(Location::Header));
    let uses_query = fields
        .iter()
        .any(|f| matches!(f.location, None | Some(Location::Query)));
    let form_body = op
        .body_media_type
        .as_deref()
        .is_some_and(|m| m.starts_with("application/x-www-form-urlencoded"));

    let (path_arg, path_check) = if uses_path {
        (
            quote!(path: #rt rest::PathParams,),
            quote!(let path = #rt rest::path_params(path)?;),
        )
    } else {
        (quote!(), quote!())
    };
    let read_body = if has_body {
        quote!(let bytes = #rt rest::read_body(shared, body).await?;)
    } else {
        quote!(let _ = body;)
    };
    let inits = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = f.wire_name.as_str();
        let optional = f.is_optional();
        match f.location.unwrap_or(Location::Query) {
            Location::Body => {
                let decode = if form_body {
                    quote!(#rt rest::form_body(&bytes, #wire))
                } else {
                    quote!(#rt rest::json_body(&bytes, #wire))
                };
                if optional {
                    quote!(#field: if bytes.is_empty() { ::std::option::Option::None } else { ::std::option::Option::Some(#decode?) },)
                } else {
                    quote!(#field: #decode?,)
                }
            }
            location => {
                let source = match location {
                    Location::Path => quote!(#rt rest::path_param(&path, #wire)),
                    Location::Header => quote!(#rt rest::header_param(&parts, #wire)),
                    _ => quote!(query.get(#wire)),
                };
                if optional {
                    quote!(#field: #rt rest::optional_text(#source, #wire)?,)
                } else {
                    quote!(#field: #rt rest::required_text(#source, #wire)?,)
                }
            }
        }
    });

    let query = if uses_query {
        quote!(let query = #rt rest::query(&parts)?;)
    } else {
        quote!()
    };
    let drop_parts = if uses_query || uses_headers {
        quote!()
    } else {
        quote!(let _ = parts;)
    };
    let status = op.response.status;
    let success = if op.response.ty.is_some() {
        quote!(::std::result::Result::Ok(body) => #rt rest::json_answer(&ctx, #status, &body),)
    } else {
        quote!(::std::result::Result::Ok(()) => #rt rest::empty_answer(&ctx, #status),)
    };
    let body_arms = op.errors.iter().filter(|e| e.body.is_some()).map(|e| {
        let v = ident(&e.variant);
        let code = e.code.as_str();
        match e.http_status {
            Some(s) => quote! {
                #types_path #error::#v(body) => #rt rest::documented(&ctx, #code, #s, &body),
            },
            None => quote! {
                #types_path #error::#v { http_status, body } if http_status >= 400 => {
                    #rt rest::documented(&ctx, #code, http_status, &body)
                }
            },
        }
    });

    quote! {
        async fn #name<T: #trait_ident>(
            #rt rest::State(shared): #rt rest::SharedState<T, Operation>,
            #path_arg
            request: #rt rest::Request,
        ) -> #rt rest::Response {
            #rt rest::serve(&shared, Operation::#variant, |shared, ctx| async move {
                #path_check
                let (parts, body) = request.into_parts();
                #query
                #read_body
                #drop_parts
                let request = #types_path #request {
                    #(#inits)*
                };
                request.validate().map_err(#rt rest::validation_error)?;
                match #rt guard(ctx.operation, &ctx.request_id, shared.api.#method(&ctx, request)).await? {
                    #success
                    ::std::result::Result::Err(e) => match e {
                        #(#body_arms)*
                        e => ::std::result::Result::Err(#rt business_error(
                            ctx.operation, &ctx.request_id, e.http_status(), e.code(), e.message(),
                            ::std::matches!(e, #types_path #error::Unlisted { .. }),
                        )),
                    },
                }
            })
            .await
        }
    }
}
