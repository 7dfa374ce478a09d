//! Items both router styles share: module docs, re-exports, the `Operation` enum, the request
//! context, hooks, the config and the private answer helpers.

use crate::emit::docs::doc_attrs;
use crate::emit::ident;
use crate::model::{Api, Style};
use proc_macro2::TokenStream;
use quote::quote;

/// The `//!` docs of the generated crate.
pub fn module_docs(api: &Api, rpc: bool) -> TokenStream {
    let trait_name = super::trait_name(api);
    let mut lines = vec![
        format!(
            "Server stub of {} (version {}), generated from `{}`.",
            api.title, api.version, api.spec_name
        ),
        String::new(),
        format!(
            "Implement [`{trait_name}`] (plain `async fn`s), then serve [`router`]`(Arc::new(impl), config)`;"
        ),
        "the `axum::Router` it returns takes tower layers like any other.".to_owned(),
        String::new(),
    ];
    if rpc {
        lines.extend(
            [
                "Every request goes through, in order: method (GET, POST, PUT, else 405) -> body",
                "limit (413) -> parameters (query + form body; a repeated name is",
                "`InvalidParameter`) -> `Action` (missing: `MissingParameter`, unknown:",
                "`InvalidAction.NotFound`) -> `Version` (`MissingParameter` / `InvalidVersion`) ->",
                "authentication by the configured `Verifier` -> parameter validation (the types",
                "crate's `from_params`: `MissingParameter` / `InvalidParameter` naming the",
                "parameter) -> the trait method. A deadline covers everything (408). Answers are",
                "JSON, or XML when `Format=XML` (any case); errors use the common envelope.",
            ]
            .map(str::to_owned),
        );
    } else {
        lines.extend(
            [
                "Every request goes through: route and method (404 / 405 with `Allow`) -> body",
                "limit (413) -> path, query, header and body parameters parsed and validated",
                "(`MissingParameter` / `InvalidParameter` naming the parameter) -> the trait",
                "method. A deadline covers everything (408). Protocol errors use the common JSON",
                "envelope; documented error bodies are answered as the spec describes them.",
            ]
            .map(str::to_owned),
        );
    }
    lines.extend(
        [
            "",
            "Regenerate with `cargo xtask codegen`; never edit by hand.",
        ]
        .map(str::to_owned),
    );
    let lines = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote!(#(#![doc = #lines])*)
}

/// The code, message and status of a common error the spec documents with `status`, or the
/// given fallback when it documents none.
fn spec_error(api: &Api, status: u16, fallback: (&str, &str)) -> (String, String) {
    api.common_errors
        .iter()
        .chain(api.operations.iter().flat_map(|op| op.errors.iter()))
        .find(|e| e.http_status == Some(status) && !e.templated && e.body.is_none())
        .map(|e| (e.code.clone(), e.message.trim().to_owned()))
        .unwrap_or_else(|| (fallback.0.to_owned(), fallback.1.to_owned()))
}

/// Variant name of an operation in the generated `Operation` enum.
pub fn operation_variant(op: &crate::model::Operation) -> proc_macro2::Ident {
    ident(&heck::ToUpperCamelCase::to_upper_camel_case(
        op.method_name.as_str(),
    ))
}

pub fn items(api: &Api, rpc: bool) -> TokenStream {
    let variants: Vec<_> = api.operations.iter().map(operation_variant).collect();
    let wire_names: Vec<&str> = api.operations.iter().map(|op| op.name.as_str()).collect();
    let variant_docs = api.operations.iter().map(|op| {
        let how = match &op.style {
            Style::Rpc { action, .. } => format!("`Action={action}`"),
            Style::Rest { method, path } => format!("`{} {path}`", method.as_str()),
        };
        let mut lines = vec![how];
        if let Some(summary) = &op.summary {
            lines[0] = format!("{}: {}", lines[0], summary.trim().replace('\n', " "));
        }
        doc_attrs(&lines)
    });
    let from_action = if rpc {
        let actions = api.operations.iter().filter_map(|op| match &op.style {
            Style::Rpc { action, .. } => Some(action.as_str()),
            Style::Rest { .. } => None,
        });
        quote! {
            /// The operation an `Action` names (case-sensitive, like Alibaba's gateway).
            pub fn from_action(action: &str) -> ::std::option::Option<Operation> {
                match action {
                    #(#actions => ::std::option::Option::Some(Self::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }
        }
    } else {
        quote!()
    };

    let (too_large_code, too_large_message) = spec_error(
        api,
        413,
        ("RequestBodyTooLarge", "The request body is too large."),
    );
    let (timeout_code, timeout_message) = spec_error(
        api,
        408,
        (
            "RequestTimeout",
            "The request was not completed within the server's time limit.",
        ),
    );

    let context = if rpc {
        quote! {
            /// What the generated layer knows about a request when it calls the trait: business code
            /// never sees raw HTTP. Built only after authentication and validation succeeded.
            #[derive(Debug, Clone)]
            pub struct RequestContext {
                /// This request's id; the answer's `RequestId` and `x-acs-request-id` (the generated
                /// layer writes it into the answer, implementers need not fill `RequestId`).
                pub request_id: RequestId,
                /// Who signed the request (from the configured credential lookup).
                pub caller: Caller,
                /// The `RegionId` parameter, when given.
                pub region_id: ::std::option::Option<::std::string::String>,
                /// The answer format the request asked for.
                pub format: Format,
                /// The operation being served.
                pub operation: Operation,
            }
        }
    } else {
        quote! {
            /// What the generated layer knows about a request when it calls the trait: business code
            /// never sees raw HTTP. Built only after validation succeeded.
            #[derive(Debug, Clone)]
            pub struct RequestContext {
                /// This request's id (also in the `x-acs-request-id` answer header).
                pub request_id: RequestId,
                /// The operation being served.
                pub operation: Operation,
            }
        }
    };

    let config = if rpc {
        quote! {
            /// How the router authenticates and bounds requests.
            pub struct ServerConfig<L, N> {
                /// Authenticates every request before parameters are read or the trait is called.
                pub verifier: ::acs_protocol::auth::Verifier<L, N>,
                /// `HostId` of error answers.
                pub host_id: ::std::string::String,
                /// Largest accepted body in bytes; larger ones are answered 413.
                pub body_limit: usize,
                /// Deadline for reading, authenticating and serving one request; past it, 408.
                pub timeout: ::std::time::Duration,
                /// Called before and after every operation (metrics, audit).
                pub hooks: ::std::sync::Arc<dyn OperationHooks>,
            }

            impl<L, N> ServerConfig<L, N> {
                /// Defaults: host id `localhost`, [`DEFAULT_BODY_LIMIT`], [`DEFAULT_TIMEOUT`], [`NoHooks`].
                pub fn new(verifier: ::acs_protocol::auth::Verifier<L, N>) -> Self {
                    Self {
                        verifier,
                        host_id: ::std::string::String::from("localhost"),
                        body_limit: DEFAULT_BODY_LIMIT,
                        timeout: DEFAULT_TIMEOUT,
                        hooks: ::std::sync::Arc::new(NoHooks),
                    }
                }
            }

            impl<L, N> ::std::fmt::Debug for ServerConfig<L, N> {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct("ServerConfig")
                        .field("verifier", &self.verifier)
                        .field("host_id", &self.host_id)
                        .field("body_limit", &self.body_limit)
                        .field("timeout", &self.timeout)
                        .finish_non_exhaustive()
                }
            }
        }
    } else {
        quote! {
            /// How the router bounds requests.
            pub struct ServerConfig {
                /// `HostId` of error answers.
                pub host_id: ::std::string::String,
                /// Largest accepted body in bytes; larger ones are answered 413.
                pub body_limit: usize,
                /// Deadline for reading and serving one request; past it, 408.
                pub timeout: ::std::time::Duration,
                /// Called before and after every operation (metrics, audit).
                pub hooks: ::std::sync::Arc<dyn OperationHooks>,
            }

            impl ServerConfig {
                /// Defaults: host id `localhost`, [`DEFAULT_BODY_LIMIT`], [`DEFAULT_TIMEOUT`], [`NoHooks`].
                pub fn new() -> Self {
                    Self {
                        host_id: ::std::string::String::from("localhost"),
                        body_limit: DEFAULT_BODY_LIMIT,
                        timeout: DEFAULT_TIMEOUT,
                        hooks: ::std::sync::Arc::new(NoHooks),
                    }
                }
            }

            impl ::std::default::Default for ServerConfig {
                fn default() -> Self {
                    Self::new()
                }
            }

            impl ::std::fmt::Debug for ServerConfig {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct("ServerConfig")
                        .field("host_id", &self.host_id)
                        .field("body_limit", &self.body_limit)
                        .field("timeout", &self.timeout)
                        .finish_non_exhaustive()
                }
            }
        }
    };
    let config_generics = if rpc { quote!(<L, N>) } else { quote!() };

    let reexports = if rpc {
        quote! {
            pub use ::acs_protocol::answer::{Format, RequestId};
            pub use ::acs_protocol::auth::Caller;
        }
    } else {
        quote! {
            pub use ::acs_protocol::answer::{Format, RequestId};
        }
    };

    quote! {
        #reexports

        /// Every operation of the API. The router puts the served one into the answer's
        /// extensions, so an outer tower layer can read it (`response.extensions().get::<Operation>()`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation {
            #(#variant_docs #variants,)*
        }

        impl Operation {
            /// Every operation, in spec order.
            pub const ALL: &'static [Operation] = &[#(Self::#variants),*];

            /// The wire name (the `Action`, or the REST operationId).
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(Self::#variants => #wire_names,)*
                }
            }

            #from_action
        }

        impl ::std::fmt::Display for Operation {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #context

        /// How an operation ended, for [`OperationHooks::after`].
        #[derive(Debug, Clone, Copy)]
        pub struct Outcome<'a> {
            /// The answer's HTTP status.
            pub status: ::http::StatusCode,
            /// The answer's error `Code`, `None` on success.
            pub error_code: ::std::option::Option<&'a str>,
            /// Time from the request's arrival to the answer.
            pub latency: ::std::time::Duration,
        }

        /// Cross-cutting concerns (metrics, audit) per operation. `before` runs as soon as the
        /// operation is known (before authentication), `after` once its answer is ready, for
        /// every outcome. Both run on the request's task: keep them quick and non-blocking.
        pub trait OperationHooks: ::std::marker::Send + ::std::marker::Sync + 'static {
            /// The request targets `operation`.
            fn before(&self, operation: Operation, request_id: &RequestId) {
                let _ = (operation, request_id);
            }

            /// The answer to a request for `operation` is ready.
            fn after(&self, operation: Operation, request_id: &RequestId, outcome: &Outcome<'_>) {
                let _ = (operation, request_id, outcome);
            }
        }

        /// Shared hooks (keep an `Arc` to read what they recorded).
        impl<H: OperationHooks + ?::std::marker::Sized> OperationHooks for ::std::sync::Arc<H> {
            fn before(&self, operation: Operation, request_id: &RequestId) {
                (**self).before(operation, request_id)
            }

            fn after(&self, operation: Operation, request_id: &RequestId, outcome: &Outcome<'_>) {
                (**self).after(operation, request_id, outcome)
            }
        }

        /// Hooks that do nothing (the default).
        #[derive(Debug, Clone, Copy, Default)]
        pub struct NoHooks;

        impl OperationHooks for NoHooks {}

        /// Default [`ServerConfig::body_limit`]: 1 MiB.
        pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

        /// Default [`ServerConfig::timeout`]: 30 seconds.
        pub const DEFAULT_TIMEOUT: ::std::time::Duration = ::std::time::Duration::from_secs(30);

        #config

        impl #config_generics ServerConfig #config_generics {
            /// Sets the `HostId` of error answers.
            #[must_use]
            pub fn with_host_id(mut self, host_id: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.host_id = host_id.into();
                self
            }

            /// Sets the largest accepted body, in bytes.
            #[must_use]
            pub fn with_body_limit(mut self, bytes: usize) -> Self {
                self.body_limit = bytes;
                self
            }

            /// Sets the per-request deadline.
            #[must_use]
            pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = timeout;
                self
            }

            /// Sets the hooks called around every operation.
            #[must_use]
            pub fn with_hooks(mut self, hooks: impl OperationHooks) -> Self {
                self.hooks = ::std::sync::Arc::new(hooks);
                self
            }
        }

        /// An answer before it becomes an axum response.
        type HttpAnswer = ::http::Response<::bytes::Bytes>;

        /// Longest deadline honoured; larger timeouts are clamped (an `Instant` cannot overflow).
        const MAX_TIMEOUT: ::std::time::Duration = ::std::time::Duration::from_secs(365 * 24 * 3600);

        fn deadline(started: ::std::time::Instant, timeout: ::std::time::Duration) -> ::tokio::time::Instant {
            ::tokio::time::Instant::from_std(started) + ::std::cmp::min(timeout, MAX_TIMEOUT)
        }

        /// 413, with the spec's code for it.
        fn too_large() -> ::acs_protocol::AcsError {
            ::acs_protocol::AcsError::new(::http::StatusCode::PAYLOAD_TOO_LARGE, #too_large_code, #too_large_message)
        }

        /// 408, with the spec's code for it.
        fn timed_out() -> ::acs_protocol::AcsError {
            ::acs_protocol::AcsError::new(::http::StatusCode::REQUEST_TIMEOUT, #timeout_code, #timeout_message)
        }

        /// Reads the whole body up to `limit` bytes.
        async fn read_body(body: ::axum::body::Body, limit: usize) -> ::std::result::Result<::bytes::Bytes, ::acs_protocol::AcsError> {
            match ::axum::body::to_bytes(body, limit).await {
                ::std::result::Result::Ok(bytes) => ::std::result::Result::Ok(bytes),
                ::std::result::Result::Err(e) => {
                    let inner = e.into_inner();
                    let mut source: ::std::option::Option<&(dyn ::std::error::Error + 'static)> = ::std::option::Option::Some(&*inner);
                    while let ::std::option::Option::Some(e) = source {
                        if e.is::<::http_body_util::LengthLimitError>() {
                            return ::std::result::Result::Err(too_large());
                        }
                        source = e.source();
                    }
                    ::std::result::Result::Err(::acs_protocol::AcsError::invalid_parameter(
                        "Body",
                        "The request body could not be read completely.",
                    ))
                }
            }
        }

        /// The `Format` a query string asks for, for answers given before the body is read.
        fn query_format(query: ::std::option::Option<&str>) -> Format {
            ::acs_protocol::params::Params::from_parts(query, ::std::option::Option::None, &[])
                .map(|params| Format::from_params(&params))
                .unwrap_or_default()
        }

        /// A failed validation as `InvalidParameter` naming the parameter and saying why.
        fn invalid_value(name: &str, reason: &str) -> ::acs_protocol::AcsError {
            let reason = reason.trim_end_matches('.');
            ::acs_protocol::AcsError::invalid_parameter(name, &::std::format!("The value {reason}."))
        }

        /// An internal failure: logged with the request id, answered `InternalError` without detail.
        fn internal(operation: Operation, request_id: &RequestId, detail: &dyn ::std::fmt::Display) -> ::acs_protocol::AcsError {
            ::tracing::error!(
                request_id = %request_id,
                operation = operation.as_str(),
                detail = %detail,
                "internal failure; answered InternalError"
            );
            ::acs_protocol::AcsError::internal_error()
        }

        /// A documented error returned by business code, ready to render. `Unlisted` codes (never
        /// to be invented by a server) and statuses that are not errors become `InternalError`.
        fn business_error(
            operation: Operation,
            request_id: &RequestId,
            status: u16,
            code: &str,
            message: &str,
            unlisted: bool,
        ) -> ::acs_protocol::AcsError {
            let status = ::http::StatusCode::from_u16(status)
                .ok()
                .filter(|s| s.is_client_error() || s.is_server_error());
            match status {
                ::std::option::Option::Some(status) if !unlisted => {
                    if status.is_server_error() {
                        ::tracing::error!(
                            request_id = %request_id,
                            operation = operation.as_str(),
                            code,
                            "operation answered a server error"
                        );
                    }
                    ::acs_protocol::AcsError::new(
                        status,
                        ::std::borrow::ToOwned::to_owned(code),
                        ::std::borrow::ToOwned::to_owned(message),
                    )
                }
                _ => internal(
                    operation,
                    request_id,
                    &::std::format_args!("undocumented error {code} (status {status:?}): {message}"),
                ),
            }
        }

        /// Runs business code, turning a panic into `InternalError` instead of a dropped connection.
        async fn guard<F: ::std::future::Future>(
            operation: Operation,
            request_id: &RequestId,
            future: F,
        ) -> ::std::result::Result<F::Output, ::acs_protocol::AcsError> {
            match ::futures::FutureExt::catch_unwind(::std::panic::AssertUnwindSafe(future)).await {
                ::std::result::Result::Ok(output) => ::std::result::Result::Ok(output),
                ::std::result::Result::Err(payload) => {
                    let what = payload
                        .downcast_ref::<&str>()
                        .copied()
                        .or_else(|| payload.downcast_ref::<::std::string::String>().map(::std::string::String::as_str))
                        .unwrap_or("a non-text panic payload");
                    ::std::result::Result::Err(internal(
                        operation,
                        request_id,
                        &::std::format_args!("the operation panicked: {what}"),
                    ))
                }
            }
        }

        /// The error envelope.
        fn error_answer(error: &::acs_protocol::AcsError, request_id: &RequestId, host_id: &str, format: Format) -> HttpAnswer {
            ::acs_protocol::answer::render_error(error, request_id, host_id, format)
        }

        /// 405 with `Allow`.
        fn method_not_allowed(request_id: &RequestId, host_id: &str, format: Format, allow: &'static str) -> ::axum::response::Response {
            let mut answer = error_answer(&::acs_protocol::AcsError::method_not_allowed(), request_id, host_id, format);
            answer.headers_mut().insert(::http::header::ALLOW, ::http::HeaderValue::from_static(allow));
            finish(answer, ::std::option::Option::None)
        }

        /// Calls the `after` hook, then hands the answer to axum with the operation in its
        /// extensions. `answered_code` is the code of an error answered with a documented body.
        #[allow(clippy::too_many_arguments)]
        fn conclude(
            hooks: &dyn OperationHooks,
            operation: Operation,
            request_id: &RequestId,
            started: ::std::time::Instant,
            result: ::std::result::Result<HttpAnswer, ::acs_protocol::AcsError>,
            answered_code: ::std::option::Option<&str>,
            host_id: &str,
            format: Format,
        ) -> ::axum::response::Response {
            let answer = match result {
                ::std::result::Result::Ok(answer) => {
                    let error_code = answered_code.or_else(|| {
                        (!answer.status().is_success())
                            .then_some(::acs_protocol::error::codes::INTERNAL_ERROR)
                    });
                    hooks.after(operation, request_id, &Outcome {
                        status: answer.status(),
                        error_code,
                        latency: started.elapsed(),
                    });
                    answer
                }
                ::std::result::Result::Err(error) => {
                    let answer = error_answer(&error, request_id, host_id, format);
                    hooks.after(operation, request_id, &Outcome {
                        status: answer.status(),
                        error_code: ::std::option::Option::Some(error.code()),
                        latency: started.elapsed(),
                    });
                    answer
                }
            };
            finish(answer, ::std::option::Option::Some(operation))
        }

        /// An answer as an axum response, tagged with its operation.
        fn finish(answer: HttpAnswer, operation: ::std::option::Option<Operation>) -> ::axum::response::Response {
            let mut response = answer.map(::axum::body::Body::from);
            if let ::std::option::Option::Some(operation) = operation {
                response.extensions_mut().insert(operation);
            }
            response
        }
    }
}
