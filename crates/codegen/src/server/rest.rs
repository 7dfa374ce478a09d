//! The REST glue: the route table (`acs-server`'s `rest::Routes`) and one handler per operation,
//! in the same trait style, inside the runtime's `rest::serve` (deadline, hooks, envelope). Path,
//! query and header parameters are parsed from their text into the request struct's (plain)
//! field types by inference, the body is decoded by its media type, then the request's
//! `validate()` runs: the trait only ever receives a valid request.

use super::common::operation_variant;
use crate::emit::ident;
use crate::emit::wire::{self, Shape};
use crate::model::{
    Api, BodyKind, Field, HttpMethod, Location, Operation, StructDef, Style, TypeRef,
};
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
    let located = |l: Location| fields.iter().any(|f| f.location == Some(l));
    let uses_path = located(Location::Path);
    let has_body = located(Location::Body);
    let uses_headers = located(Location::Header) || located(Location::Cookie);
    let uses_cookies = located(Location::Cookie);
    let uses_query = fields
        .iter()
        .any(|f| matches!(f.location, None | Some(Location::Query)));
    let body_kind = wire::body_kind(op).unwrap_or(BodyKind::Json);
    let multipart = has_body && body_kind == BodyKind::Multipart;

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
    let cookies = if uses_cookies {
        quote!(let cookies = #rt rest::cookies(&parts);)
    } else {
        quote!()
    };
    let inits = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        match f.location.unwrap_or(Location::Query) {
            Location::Body => {
                let decode = body_decode(api, f, body_kind, types_path, rt);
                if f.is_optional() {
                    quote!(#field: if bytes.is_empty() { ::std::option::Option::None } else { ::std::option::Option::Some(#decode) },)
                } else {
                    quote!(#field: #decode,)
                }
            }
            location => {
                let value = param_value(api, f, location, types_path, rt);
                quote!(#field: #value,)
            }
        }
    });

    let query = if uses_query {
        quote!(let query = #rt rest::query(&parts)?;)
    } else {
        quote!()
    };
    let drop_parts = if uses_query || uses_headers || multipart {
        quote!()
    } else {
        quote!(let _ = parts;)
    };
    let status = op.response.status;
    let success = match &op.response.ty {
        None => quote!(::std::result::Result::Ok(()) => #rt rest::empty_answer(&ctx, #status),),
        Some(_) => match op.response.media_type.as_deref().map(BodyKind::of) {
            Some(BodyKind::Json) | None => {
                quote!(::std::result::Result::Ok(body) => #rt rest::json_answer(&ctx, #status, &body),)
            }
            Some(_) => {
                let media = wire::static_media(
                    op.response.media_type.as_deref(),
                    "application/octet-stream",
                );
                quote!(::std::result::Result::Ok(body) => #rt rest::raw_answer(&ctx, #status, #media, body),)
            }
        },
    };
    let body_arms: Vec<TokenStream> = op
        .errors
        .iter()
        .filter(|e| e.body.is_some())
        .map(|e| {
            let v = ident(&e.variant);
            let code = e.code.as_str();
            let raw = e
                .media_type
                .as_deref()
                .is_some_and(|m| BodyKind::of(m) != BodyKind::Json);
            let answer = |status: TokenStream| {
                if raw {
                    let media =
                        wire::static_media(e.media_type.as_deref(), "application/octet-stream");
                    quote!(#rt rest::documented_raw(&ctx, #code, #status, #media, body))
                } else {
                    quote!(#rt rest::documented(&ctx, #code, #status, &body))
                }
            };
            match e.http_status {
                Some(s) => {
                    let answer = answer(quote!(#s));
                    quote! {
                        #types_path #error::#v(body) => #answer,
                    }
                }
                None => {
                    let answer = answer(quote!(http_status));
                    quote! {
                        #types_path #error::#v { http_status, body } if http_status >= 400 => {
                            #answer
                        }
                    }
                }
            }
        })
        .collect();

    let business = quote! {
        ::std::result::Result::Err(#rt business_error(
            ctx.operation, &ctx.request_id, e.http_status(), e.code(), e.message(),
            ::std::matches!(e, #types_path #error::Unlisted { .. }),
        ))
    };
    // Documented bodies are answered as the spec describes them; every other error in the
    // envelope (clippy refuses a match with only `_`).
    let failure = if body_arms.is_empty() {
        business
    } else {
        quote! {
            match e {
                #(#body_arms)*
                e => #business,
            }
        }
    };

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
                #cookies
                #read_body
                #drop_parts
                let request = #types_path #request {
                    #(#inits)*
                };
                request.validate().map_err(#rt rest::validation_error)?;
                match #rt guard(ctx.operation, &ctx.request_id, shared.api.#method(&ctx, request)).await? {
                    #success
                    ::std::result::Result::Err(e) => #failure,
                }
            })
            .await
        }
    }
}

/// A path, query, header or cookie parameter read from its text: one value or a list (exploded
/// or split at the style's delimiter), required, optional or defaulted.
fn param_value(
    api: &Api,
    f: &Field,
    location: Location,
    types_path: &TokenStream,
    rt: &TokenStream,
) -> TokenStream {
    let wire_name = f.wire_name.as_str();
    let list = wire::shape(api, &f.ty) == Shape::TextList;
    let explode = f.param.as_ref().is_some_and(|p| p.explode);
    let delimiter = f
        .param
        .as_ref()
        .and_then(|p| p.style.delimiter())
        .unwrap_or(",");
    let one = match location {
        Location::Path => quote!(#rt rest::path_param(&path, #wire_name)),
        Location::Header => quote!(#rt rest::header_param(&parts, #wire_name)),
        Location::Cookie => quote!(cookies.get(#wire_name)),
        _ => quote!(query.one(#wire_name)?),
    };
    let defaults = f.default.as_ref().and_then(wire::default_texts);
    if let (Some(variants), TypeRef::Named(name)) = (
        wire::union_variants(api, &f.ty),
        wire::resolve_alias(api, &f.ty),
    ) {
        let union = ident(name);
        let values = if variants.iter().any(|(_, list)| *list) {
            match location {
                Location::Query if explode => {
                    quote!(query.all(#wire_name).collect::<::std::vec::Vec<_>>())
                }
                Location::Query => quote!(query.split(#wire_name, #delimiter)?),
                _ => quote!(#rt rest::split(#one, #delimiter)),
            }
        } else {
            quote!(#one.into_iter().collect::<::std::vec::Vec<_>>())
        };
        let tries = variants.iter().map(|(variant, list)| {
            let variant = ident(variant);
            if *list {
                quote! {
                    if let ::std::option::Option::Some(v) = #rt rest::parsed_all(values) {
                        return ::std::option::Option::Some(#types_path #union::#variant(v));
                    }
                }
            } else {
                quote! {
                    if let [one] = values {
                        if let ::std::option::Option::Some(v) = #rt rest::parsed(one) {
                            return ::std::option::Option::Some(#types_path #union::#variant(v));
                        }
                    }
                }
            }
        });
        let parse = quote!(|values: &[&str]| { #(#tries)* ::std::option::Option::None });
        return if f.is_optional() {
            quote!(#rt rest::optional_union(#values, #wire_name, #parse)?)
        } else {
            quote!(#rt rest::required_union(#values, #wire_name, #parse)?)
        };
    }
    if list {
        let values = match location {
            Location::Query if explode => quote!(query.all(#wire_name)),
            Location::Query => quote!(query.split(#wire_name, #delimiter)?),
            _ => quote!(#rt rest::split(#one, #delimiter)),
        };
        match defaults {
            Some(d) => quote!(#rt rest::list_or(#values, #wire_name, &[#(#d),*])?),
            None if f.is_optional() => quote!(#rt rest::optional_list(#values, #wire_name)?),
            None => quote!(#rt rest::required_list(#values, #wire_name)?),
        }
    } else {
        match defaults {
            Some(d) => {
                let d = d.join(",");
                quote!(#rt rest::text_or(#one, #wire_name, #d)?)
            }
            None if f.is_optional() => quote!(#rt rest::optional_text(#one, #wire_name)?),
            None => quote!(#rt rest::required_text(#one, #wire_name)?),
        }
    }
}

/// The body field's value, decoded by the body's media type (a multipart body property by
/// property).
fn body_decode(
    api: &Api,
    f: &Field,
    kind: BodyKind,
    types_path: &TokenStream,
    rt: &TokenStream,
) -> TokenStream {
    let wire_name = f.wire_name.as_str();
    match kind {
        BodyKind::Json => quote!(#rt rest::json_body(&bytes, #wire_name)?),
        BodyKind::Form => quote!(#rt rest::form_body(&bytes, #wire_name)?),
        BodyKind::Text => quote!(#rt rest::text_body(&bytes, #wire_name)?),
        BodyKind::Binary => quote!(#rt rest::bytes_body(&bytes, #wire_name)?),
        BodyKind::Multipart => {
            let Some(def) = wire::body_struct(api, &f.ty) else {
                // Refused by `check_supported`.
                return quote!(::std::unreachable!());
            };
            let TypeRef::Named(name) = wire::resolve_alias(api, &f.ty) else {
                return quote!(::std::unreachable!());
            };
            let literal = multipart_struct(api, def, name, types_path, rt);
            quote!({
                let form = #rt rest::multipart_body(&parts, bytes.clone(), #wire_name).await?;
                #literal
            })
        }
    }
}

/// A struct read from multipart parts, property by property; a flattened `oneOf` of structs
/// becomes the first variant whose required properties are all present.
fn multipart_struct(
    api: &Api,
    def: &StructDef,
    name: &str,
    types_path: &TokenStream,
    rt: &TokenStream,
) -> TokenStream {
    let name = ident(name);
    let props = def.fields.iter().map(|p| {
        let field = ident(&p.rust_name);
        if p.flatten {
            let value = multipart_union(api, p, types_path, rt);
            return quote!(#field: #value,);
        }
        let wire_name = p.wire_name.as_str();
        let defaults = p.default.as_ref().and_then(wire::default_texts);
        let shape = wire::shape(api, &p.ty);
        let found = match shape {
            Shape::Text => quote!(#rt rest::optional_text(form.text(#wire_name)?, #wire_name)?),
            Shape::TextList => {
                quote!(#rt rest::optional_list(form.texts(#wire_name)?, #wire_name)?)
            }
            Shape::Bytes => quote!(form.file(#wire_name)?),
            Shape::BytesList => quote!(form.files(#wire_name)),
            Shape::Json | Shape::Union => quote!(form.json(#wire_name)?),
        };
        let value = match (&defaults, shape) {
            (Some(d), Shape::Text) => {
                let d = d.join(",");
                quote!(#rt rest::text_or(form.text(#wire_name)?, #wire_name, #d)?)
            }
            (Some(d), Shape::TextList) => {
                quote!(#rt rest::list_or(form.texts(#wire_name)?, #wire_name, &[#(#d),*])?)
            }
            _ if p.request_id => quote!(#found.unwrap_or_default()),
            _ if p.is_optional() => found,
            _ => quote!(#rt rest::Multipart::required(#found, #wire_name)?),
        };
        let value = match (p.boxed, p.is_optional() && defaults.is_none()) {
            (false, _) => value,
            (true, true) => quote!(#value.map(::std::boxed::Box::new)),
            (true, false) => quote!(::std::boxed::Box::new(#value)),
        };
        quote!(#field: #value,)
    });
    quote!(#types_path #name { #(#props)* })
}

/// A flattened `oneOf` of structs in a multipart body: the first variant whose required
/// properties are all present (refused by `check_supported` unless every variant is a struct).
fn multipart_union(
    api: &Api,
    p: &Field,
    types_path: &TokenStream,
    rt: &TokenStream,
) -> TokenStream {
    let Some(variants) = wire::flattened_structs(api, &p.ty) else {
        return quote!(::std::unreachable!());
    };
    let TypeRef::Named(union) = wire::resolve_alias(api, &p.ty) else {
        return quote!(::std::unreachable!());
    };
    let union = ident(union);
    let mut wanted = Vec::new();
    let branches = variants.iter().map(|(variant, struct_name, def)| {
        let required: Vec<&str> = def
            .fields
            .iter()
            .filter(|f| !f.is_optional() && f.default.is_none() && !f.flatten)
            .map(|f| f.wire_name.as_str())
            .collect();
        wanted.extend(required.first().map(|r| (*r).to_owned()));
        let condition = if required.is_empty() {
            quote!(true)
        } else {
            quote!(#(form.has(#required))&&*)
        };
        let variant = ident(variant);
        let literal = multipart_struct(api, def, struct_name, types_path, rt);
        quote!(if #condition { #types_path #union::#variant(#literal) })
    });
    let branches: Vec<TokenStream> = branches.collect();
    let missing = wanted.join(" or ");
    quote! {
        #(#branches else)* {
            return ::std::result::Result::Err(#rt AcsError::missing_parameter(#missing));
        }
    }
}
