//! The REST router: ordinary axum routes, one handler per operation, in the same trait style.
//! Path, query and header parameters are parsed from their text into the request struct's
//! (plain) field types by inference, the body is decoded by its media type, then the request's
//! `validate()` runs: the trait only ever receives a valid request.

use super::common::operation_variant;
use crate::emit::ident;
use crate::model::{Api, HttpMethod, Location, Operation, Style};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(api: &Api, types_path: &TokenStream) -> TokenStream {
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
            quote!(.on(::axum::routing::MethodFilter::#filter, #handler::<T>))
        });
        quote! {
            .route(
                #path,
                ::axum::routing::MethodRouter::new()
                    #(#methods)*
                    .fallback(|::axum::extract::State(shared): SharedState<T>| async move {
                        let request_id = RequestId::new();
                        method_not_allowed(&request_id, &shared.config.host_id, Format::Json, #allow)
                    }),
            )
        }
    });
    let handlers = api
        .operations
        .iter()
        .map(|op| handler(api, op, types_path, &trait_ident));

    quote! {
        /// The router: one route per spec path (other methods 405 with `Allow`), any other path
        /// 404, protocol errors in the common JSON envelope. Add tower layers as usual.
        pub fn router<T: #trait_ident>(api: ::std::sync::Arc<T>, config: ServerConfig) -> ::axum::Router {
            let shared = ::std::sync::Arc::new(Shared { api, config });
            ::axum::Router::new()
                #(#routes)*
                .fallback(path_not_found::<T>)
                .with_state(shared)
        }

        /// What every request handler shares.
        struct Shared<T> {
            api: ::std::sync::Arc<T>,
            config: ServerConfig,
        }

        type SharedState<T> = ::axum::extract::State<::std::sync::Arc<Shared<T>>>;

        async fn path_not_found<T>(
            ::axum::extract::State(shared): SharedState<T>,
        ) -> ::axum::response::Response {
            let request_id = RequestId::new();
            finish(
                error_answer(&::acs_protocol::AcsError::action_not_found(), &request_id, &shared.config.host_id, Format::Json),
                ::std::option::Option::None,
            )
        }

        /// A required path, query or header parameter parsed from its text.
        fn required_text<V: ::std::str::FromStr>(
            value: ::std::option::Option<&str>,
            name: &'static str,
        ) -> ::std::result::Result<V, ::acs_protocol::AcsError>
        where
            V::Err: ::std::fmt::Display,
        {
            let value = value.ok_or_else(|| ::acs_protocol::AcsError::missing_parameter(name))?;
            parse_text(value, name)
        }

        /// An optional path, query or header parameter parsed from its text.
        fn optional_text<V: ::std::str::FromStr>(
            value: ::std::option::Option<&str>,
            name: &'static str,
        ) -> ::std::result::Result<::std::option::Option<V>, ::acs_protocol::AcsError>
        where
            V::Err: ::std::fmt::Display,
        {
            value.map(|value| parse_text(value, name)).transpose()
        }

        fn parse_text<V: ::std::str::FromStr>(value: &str, name: &'static str) -> ::std::result::Result<V, ::acs_protocol::AcsError>
        where
            V::Err: ::std::fmt::Display,
        {
            value.parse().map_err(|e: V::Err| {
                ::acs_protocol::AcsError::invalid_parameter(
                    name,
                    &::std::format!("The value is not of the documented type ({e})."),
                )
            })
        }

        fn path_param<'a>(path: &'a ::axum::extract::RawPathParams, name: &str) -> ::std::option::Option<&'a str> {
            path.iter().find(|(key, _)| *key == name).map(|(_, value)| value)
        }

        fn header_param<'a>(headers: &'a ::http::HeaderMap, name: &str) -> ::std::option::Option<&'a str> {
            headers.get(name).and_then(|v| v.to_str().ok())
        }

        /// A JSON body of the documented shape; the error never repeats the body's text.
        fn json_body<V: ::serde::de::DeserializeOwned>(bytes: &[u8], name: &'static str) -> ::std::result::Result<V, ::acs_protocol::AcsError> {
            if bytes.is_empty() {
                return ::std::result::Result::Err(::acs_protocol::AcsError::missing_parameter(name));
            }
            ::serde_json::from_slice(bytes).map_err(|e| {
                ::acs_protocol::AcsError::invalid_parameter(
                    name,
                    &::std::format!(
                        "The body is not JSON of the documented shape (line {}, column {}).",
                        e.line(),
                        e.column()
                    ),
                )
            })
        }

        /// A form body of the documented shape; the error never repeats the body's text.
        fn form_body<V: ::serde::de::DeserializeOwned>(bytes: &[u8], name: &'static str) -> ::std::result::Result<V, ::acs_protocol::AcsError> {
            if bytes.is_empty() {
                return ::std::result::Result::Err(::acs_protocol::AcsError::missing_parameter(name));
            }
            ::serde_urlencoded::from_bytes(bytes).map_err(|_| {
                ::acs_protocol::AcsError::invalid_parameter(name, "The body is not a form of the documented shape.")
            })
        }

        /// A JSON answer with `status`, or `InternalError` if the body cannot be written.
        fn json_answer<B: ::serde::Serialize + ?::std::marker::Sized>(
            operation: Operation,
            status: u16,
            body: &B,
            request_id: &RequestId,
        ) -> ::std::result::Result<HttpAnswer, ::acs_protocol::AcsError> {
            let status = ::http::StatusCode::from_u16(status)
                .map_err(|e| internal(operation, request_id, &e))?;
            let bytes = ::serde_json::to_vec(body).map_err(|e| internal(operation, request_id, &e))?;
            ::std::result::Result::Ok(plain_answer(status, ::bytes::Bytes::from(bytes), request_id, true))
        }

        fn plain_answer(status: ::http::StatusCode, body: ::bytes::Bytes, request_id: &RequestId, json: bool) -> HttpAnswer {
            let mut answer = ::http::Response::new(body);
            *answer.status_mut() = status;
            if json {
                answer.headers_mut().insert(
                    ::http::header::CONTENT_TYPE,
                    ::http::HeaderValue::from_static(::acs_protocol::answer::JSON_CONTENT_TYPE),
                );
            }
            if let ::std::result::Result::Ok(id) = ::http::HeaderValue::from_str(request_id.as_str()) {
                answer.headers_mut().insert(::acs_protocol::answer::REQUEST_ID_HEADER, id);
            }
            answer
        }

        /// `InvalidParameter` naming the field `validate()` refused.
        fn validation_error(e: #types_path ValidationError) -> ::acs_protocol::AcsError {
            invalid_value(e.field, &e.reason)
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

    let path_arg = if uses_path {
        quote!(path: ::std::result::Result<::axum::extract::RawPathParams, ::axum::extract::rejection::RawPathParamsRejection>,)
    } else {
        quote!()
    };
    let path_check = if uses_path {
        quote! {
            let path = path.map_err(|_| {
                ::acs_protocol::AcsError::invalid_parameter("path", "A path parameter is not valid UTF-8.")
            })?;
        }
    } else {
        quote!()
    };
    let read_body = if has_body {
        quote!(let bytes = read_body(body, shared.config.body_limit).await?;)
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
                    quote!(form_body(&bytes, #wire))
                } else {
                    quote!(json_body(&bytes, #wire))
                };
                if optional {
                    quote!(#field: if bytes.is_empty() { ::std::option::Option::None } else { ::std::option::Option::Some(#decode?) },)
                } else {
                    quote!(#field: #decode?,)
                }
            }
            location => {
                let source = match location {
                    Location::Path => quote!(path_param(&path, #wire)),
                    Location::Header => quote!(header_param(&parts.headers, #wire)),
                    _ => quote!(query.get(#wire)),
                };
                if optional {
                    quote!(#field: optional_text(#source, #wire)?,)
                } else {
                    quote!(#field: required_text(#source, #wire)?,)
                }
            }
        }
    });

    let query = if uses_query {
        quote!(let query = ::acs_protocol::params::Params::from_parts(parts.uri.query(), ::std::option::Option::None, &[])?;)
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
        quote!(json_answer(operation, #status, &body, &request_id))
    } else {
        quote!({
            let () = body;
            ::std::result::Result::Ok(plain_answer(
                ::http::StatusCode::from_u16(#status).unwrap_or(::http::StatusCode::OK),
                ::bytes::Bytes::new(),
                &request_id,
                false,
            ))
        })
    };
    let body_arms = op.errors.iter().filter(|e| e.body.is_some()).map(|e| {
        let v = ident(&e.variant);
        let code = e.code.as_str();
        match e.http_status {
            Some(s) => quote! {
                #types_path #error::#v(body) => {
                    answered_code = ::std::option::Option::Some(#code);
                    json_answer(operation, #s, &body, &request_id)
                }
            },
            None => quote! {
                #types_path #error::#v { http_status, body } if http_status >= 400 => {
                    answered_code = ::std::option::Option::Some(#code);
                    json_answer(operation, http_status, &body, &request_id)
                }
            },
        }
    });

    quote! {
        async fn #name<T: #trait_ident>(
            ::axum::extract::State(shared): SharedState<T>,
            #path_arg
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response {
            let started = ::std::time::Instant::now();
            let operation = Operation::#variant;
            let request_id = RequestId::new();
            let shared = &*shared;
            shared.config.hooks.before(operation, &request_id);
            let mut answered_code: ::std::option::Option<&'static str> = ::std::option::Option::None;
            let served = ::tokio::time::timeout_at(deadline(started, shared.config.timeout), async {
                #path_check
                let (parts, body) = request.into_parts();
                #query
                #read_body
                #drop_parts
                let request = #types_path #request {
                    #(#inits)*
                };
                request.validate().map_err(validation_error)?;
                let ctx = RequestContext {
                    request_id: ::std::clone::Clone::clone(&request_id),
                    operation,
                };
                match guard(operation, &request_id, shared.api.#method(&ctx, request)).await? {
                    ::std::result::Result::Ok(body) => #success,
                    ::std::result::Result::Err(e) => match e {
                        #(#body_arms)*
                        e => ::std::result::Result::Err(business_error(
                            operation,
                            &request_id,
                            e.http_status(),
                            e.code(),
                            e.message(),
                            ::std::matches!(e, #types_path #error::Unlisted { .. }),
                        )),
                    },
                }
            })
            .await;
            let result = served.unwrap_or_else(|_| ::std::result::Result::Err(timed_out()));
            conclude(
                &*shared.config.hooks,
                operation,
                &request_id,
                started,
                result,
                answered_code,
                &shared.config.host_id,
                Format::Json,
            )
        }
    }
}
