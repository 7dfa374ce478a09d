//! The RPC router: one `/` route for GET, POST and PUT that reads `Action` and `Version` and
//! dispatches with a `match` (no per-request boxing or lookup tables), authenticating first.

use super::common::operation_variant;
use crate::emit::ident;
use crate::model::{Api, Style};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(api: &Api, types_path: &TokenStream) -> TokenStream {
    let trait_ident = ident(&super::trait_name(api));
    let version = api.version.as_str();
    let has_format = api
        .operations
        .iter()
        .any(|op| op.common_parameters.iter().any(|p| p.wire_name == "Format"));
    let format_check = if has_format {
        quote! {
            // The spec's pattern for `Format`: JSON or XML in any case.
            if let ::std::option::Option::Some(value) = params.get("Format") {
                if !value.eq_ignore_ascii_case("json") && !value.eq_ignore_ascii_case("xml") {
                    return ::std::result::Result::Err(::acs_protocol::AcsError::invalid_parameter(
                        "Format",
                        "The value must be JSON or XML.",
                    ));
                }
            }
        }
    } else {
        quote!()
    };
    let has_region = api.operations.iter().any(|op| {
        op.common_parameters
            .iter()
            .any(|p| p.wire_name == "RegionId")
    });
    let region = if has_region {
        quote!(params.get("RegionId").map(::std::borrow::ToOwned::to_owned))
    } else {
        quote!(::std::option::Option::None)
    };
    let arms = api.operations.iter().filter_map(|op| {
        let Style::Rpc { action, .. } = &op.style else {
            return None;
        };
        let variant = operation_variant(op);
        let method = ident(&op.method_name);
        let request = ident(&op.request);
        let error = ident(&op.error_type);
        let success = if op.response.ty.is_some() {
            quote!(::acs_protocol::answer::render_success(#action, request_id, &body, format))
        } else {
            quote!({
                let () = body;
                ::acs_protocol::answer::render_success(
                    #action,
                    request_id,
                    &::serde_json::Map::new(),
                    format,
                )
            })
        };
        Some(quote! {
            Operation::#variant => {
                let request = #types_path #request::from_params(get).map_err(param_error)?;
                match guard(operation, request_id, shared.api.#method(&ctx, request)).await? {
                    ::std::result::Result::Ok(body) => ::std::result::Result::Ok(#success),
                    ::std::result::Result::Err(e) => ::std::result::Result::Err(business_error(
                        operation,
                        request_id,
                        e.http_status(),
                        e.code(),
                        e.message(),
                        ::std::matches!(e, #types_path #error::Unlisted { .. }),
                    )),
                }
            }
        })
    });

    quote! {
        /// The router: `/` for GET, POST and PUT (everything else 405 with `Allow`), any other path
        /// 404, every answer in the API's envelope. Add tower layers to the result as usual.
        pub fn router<T, L, N>(api: ::std::sync::Arc<T>, config: ServerConfig<L, N>) -> ::axum::Router
        where
            T: #trait_ident,
            L: ::acs_protocol::auth::CredentialLookup + 'static,
            N: ::acs_protocol::auth::NonceStore + 'static,
        {
            let shared = ::std::sync::Arc::new(Shared { api, config });
            ::axum::Router::new()
                .route("/", ::axum::routing::any(rpc_entry::<T, L, N>))
                .fallback(path_not_found::<T, L, N>)
                .with_state(shared)
        }

        /// What every request handler shares.
        struct Shared<T, L, N> {
            api: ::std::sync::Arc<T>,
            config: ServerConfig<L, N>,
        }

        type SharedState<T, L, N> = ::axum::extract::State<::std::sync::Arc<Shared<T, L, N>>>;

        async fn path_not_found<T, L, N>(
            ::axum::extract::State(shared): SharedState<T, L, N>,
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response {
            let request_id = RequestId::new();
            let format = query_format(request.uri().query());
            finish(
                error_answer(&::acs_protocol::AcsError::action_not_found(), &request_id, &shared.config.host_id, format),
                ::std::option::Option::None,
            )
        }

        /// `MissingParameter` for an absent `Action`/`Version` (parameter, else `x-acs-*` header),
        /// `InvalidAction.NotFound` for an unknown action, `InvalidVersion` for another version.
        fn resolve_operation(
            params: &::acs_protocol::params::Params,
            headers: &::http::HeaderMap,
        ) -> ::std::result::Result<Operation, ::acs_protocol::AcsError> {
            let pick = |param: &str, header: &str| {
                params.get(param).or_else(|| {
                    headers
                        .get(header)
                        .and_then(|v| v.to_str().ok())
                        .filter(|v| !v.is_empty())
                })
            };
            let action = pick("Action", ::acs_protocol::params::ACTION_HEADER)
                .ok_or_else(|| ::acs_protocol::AcsError::missing_parameter("Action"))?;
            let operation = Operation::from_action(action)
                .ok_or_else(::acs_protocol::AcsError::action_not_found)?;
            let version = pick("Version", ::acs_protocol::params::VERSION_HEADER)
                .ok_or_else(|| ::acs_protocol::AcsError::missing_parameter("Version"))?;
            if version != #version {
                return ::std::result::Result::Err(::acs_protocol::AcsError::invalid_version());
            }
            ::std::result::Result::Ok(operation)
        }

        /// `MissingParameter` / `InvalidParameter` naming the parameter.
        fn param_error(e: #types_path ParamError) -> ::acs_protocol::AcsError {
            match e {
                #types_path ParamError::Missing { name } => ::acs_protocol::AcsError::missing_parameter(name),
                #types_path ParamError::Invalid { name, reason } => invalid_value(name, &reason),
            }
        }

        async fn rpc_entry<T, L, N>(
            ::axum::extract::State(shared): SharedState<T, L, N>,
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response
        where
            T: #trait_ident,
            L: ::acs_protocol::auth::CredentialLookup + 'static,
            N: ::acs_protocol::auth::NonceStore + 'static,
        {
            let started = ::std::time::Instant::now();
            let request_id = RequestId::new();
            let shared = &*shared;
            let config = &shared.config;
            let (parts, body) = request.into_parts();
            if !::std::matches!(parts.method, ::http::Method::GET | ::http::Method::POST | ::http::Method::PUT) {
                let format = query_format(parts.uri.query());
                return method_not_allowed(&request_id, &config.host_id, format, "GET, POST, PUT");
            }
            let deadline = deadline(started, config.timeout);
            let fail = |error: ::acs_protocol::AcsError, format: Format| {
                finish(error_answer(&error, &request_id, &config.host_id, format), ::std::option::Option::None)
            };
            let body = match ::tokio::time::timeout_at(deadline, read_body(body, config.body_limit)).await {
                ::std::result::Result::Ok(::std::result::Result::Ok(bytes)) => bytes,
                ::std::result::Result::Ok(::std::result::Result::Err(e)) => return fail(e, query_format(parts.uri.query())),
                ::std::result::Result::Err(_) => return fail(timed_out(), query_format(parts.uri.query())),
            };
            let content_type = parts
                .headers
                .get(::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let params = match ::acs_protocol::params::Params::from_parts(parts.uri.query(), content_type, &body) {
                ::std::result::Result::Ok(params) => params,
                ::std::result::Result::Err(e) => return fail(e, query_format(parts.uri.query())),
            };
            let format = Format::from_params(&params);
            let operation = match resolve_operation(&params, &parts.headers) {
                ::std::result::Result::Ok(operation) => operation,
                ::std::result::Result::Err(e) => return fail(e, format),
            };
            config.hooks.before(operation, &request_id);
            let served = ::tokio::time::timeout_at(
                deadline,
                dispatch(shared, operation, &parts, &params, &body, &request_id, format),
            )
            .await;
            let result = served.unwrap_or_else(|_| ::std::result::Result::Err(timed_out()));
            conclude(
                &*config.hooks,
                operation,
                &request_id,
                started,
                result,
                ::std::option::Option::None,
                &config.host_id,
                format,
            )
        }

        /// Authenticates, validates and calls the trait for one resolved operation.
        async fn dispatch<T, L, N>(
            shared: &Shared<T, L, N>,
            operation: Operation,
            parts: &::http::request::Parts,
            params: &::acs_protocol::params::Params,
            body: &[u8],
            request_id: &RequestId,
            format: Format,
        ) -> ::std::result::Result<HttpAnswer, ::acs_protocol::AcsError>
        where
            T: #trait_ident,
            L: ::acs_protocol::auth::CredentialLookup + 'static,
            N: ::acs_protocol::auth::NonceStore + 'static,
        {
            let incoming = ::acs_protocol::auth::IncomingRequest {
                method: &parts.method,
                headers: &parts.headers,
                params,
                body,
            };
            let caller = shared.config.verifier.verify(&incoming).await?;
            #format_check
            let ctx = RequestContext {
                request_id: ::std::clone::Clone::clone(request_id),
                caller,
                region_id: #region,
                format,
                operation,
            };
            let get = |name: &str| params.get(name);
            match operation {
                #(#arms)*
            }
        }
    }
}
