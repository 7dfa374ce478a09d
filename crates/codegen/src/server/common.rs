//! Items both router styles share: module docs, re-exports of the runtime (`acs-server`), the
//! `Operation` enum, the context and config aliases, the hooks trait.

use crate::emit::docs::doc_attrs;
use crate::emit::ident;
use crate::model::{Api, Style};
use proc_macro2::TokenStream;
use quote::quote;

/// The `//!` docs of the generated crate; `rt` is the runtime's path (`::acs_server::`).
pub fn module_docs(api: &Api, rpc: bool, rt: &TokenStream) -> TokenStream {
    let runtime = rt.to_string().replace(' ', "");
    let runtime = runtime.trim_matches(':');
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
    let module = if rpc { "rpc" } else { "rest" };
    lines.extend([
        "Only what the spec determines (trait, per-operation glue, route table); reading, limits,"
            .to_owned(),
        format!("the order of checks and the envelope answers are `{runtime}::{module}`'s."),
    ]);
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

/// The stub's spec-determined items both router styles share: re-exports of the runtime, the
/// `Operation` enum, the context and config aliases, the hooks trait and the spec's codes for
/// the runtime's own 413 and 408 answers.
pub fn items(api: &Api, rpc: bool, rt: &TokenStream) -> TokenStream {
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

    let (style, config, caller) = if rpc {
        (
            quote!(rpc),
            quote! {
                /// How the router authenticates (acs-protocol's `Verifier`) and bounds requests.
                pub type ServerConfig<L, N> = #rt ServerConfig<Operation, #rt Verifier<L, N>>;
            },
            quote! {
                /// Who signed a request.
                pub type Caller = #rt Caller;
            },
        )
    } else {
        (
            quote!(rest),
            quote! {
                /// How the router bounds requests.
                pub type ServerConfig = #rt ServerConfig<Operation>;
            },
            quote!(),
        )
    };

    quote! {
        pub use #rt {NoHooks, Outcome, RequestId};
        #caller

        /// The answer format (JSON, or XML with `Format=XML`).
        pub type Format = #rt Format;

        /// Default `ServerConfig::body_limit`: 1 MiB.
        pub const DEFAULT_BODY_LIMIT: usize = #rt DEFAULT_BODY_LIMIT;

        /// Default `ServerConfig::timeout`: 30 seconds.
        pub const DEFAULT_TIMEOUT: ::std::time::Duration = #rt DEFAULT_TIMEOUT;

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

        impl #rt ApiOperation for Operation {
            fn name(self) -> &'static str { self.as_str() }
        }

        /// What the generated layer knows about a request when it calls the trait.
        pub type RequestContext = #rt #style::RequestContext<Operation>;

        #config

        /// Cross-cutting concerns (metrics, audit) per operation, set with
        /// `ServerConfig::with_hooks`. `before` runs as soon as the operation is known (before
        /// authentication), `after` once its answer is ready, for every outcome. Both run on the
        /// request's task: keep them quick and non-blocking.
        pub trait OperationHooks: ::std::marker::Send + ::std::marker::Sync + 'static {
            /// The request targets `operation`.
            fn before(&self, operation: Operation, request_id: &RequestId) { let _ = (operation, request_id); }
            /// The answer to a request for `operation` is ready.
            fn after(&self, operation: Operation, request_id: &RequestId, outcome: &Outcome<'_>) { let _ = (operation, request_id, outcome); }
        }

        /// Shared hooks (keep an `Arc` to read what they recorded).
        impl<H: OperationHooks + ?::std::marker::Sized> OperationHooks for ::std::sync::Arc<H> {
            fn before(&self, operation: Operation, request_id: &RequestId) { (**self).before(operation, request_id) }
            fn after(&self, operation: Operation, request_id: &RequestId, outcome: &Outcome<'_>) { (**self).after(operation, request_id, outcome) }
        }

        impl OperationHooks for NoHooks {}

        impl<H: OperationHooks + ?::std::marker::Sized> #rt HooksFor<H> for Operation {
            fn before(hooks: &H, operation: Self, request_id: &RequestId) { hooks.before(operation, request_id) }
            fn after(hooks: &H, operation: Self, request_id: &RequestId, outcome: &Outcome<'_>) { hooks.after(operation, request_id, outcome) }
        }

        const ERRORS: #rt ProtocolErrors = #rt ProtocolErrors {
            too_large: #rt ErrorText { code: #too_large_code, message: #too_large_message },
            timed_out: #rt ErrorText { code: #timeout_code, message: #timeout_message },
        };
    }
}
