//! The client emitter: [`Api`] -> the client crate (`crates/dataworks-client`).
//!
//! The crate is thin generated code over a small runtime crate, like progenitor over
//! `progenitor-client`: [`generate`] writes the crate's only file, `lib.rs` (crate docs with
//! examples, re-exports, the `Client` type with one async method per operation, and the API's
//! `acs_client::ApiInfo`), while the runtime (builder, signing + sending, retries, transports,
//! answer decoding, error types) is the hand-written, spec-independent `crates/acs-client`, a
//! dependency of the generated crate. What the runtime needs from the spec comes from the
//! generated code: the API version, endpoint template and default user agent (`ApiInfo`), each
//! operation's action, method, idempotency and common parameters (`acs_client::Operation`), its
//! error enum (`from_code`) and the types crate's `ValidationError` (`Error<E>` is
//! `acs_client::Error<E, ValidationError>`). `Client` wraps `acs_client::Client` because methods
//! can only be added to a type of the generated crate.
//!
//! Knobs read from the spec: `x-acs-method` (the HTTP method the official SDKs use; default
//! POST), `x-acs-idempotent: false` (a non-idempotent operation is retried only when the request
//! cannot have reached the server), the common `Format` / `RegionId` parameters, and the first
//! server URL with a variable (`https://dataworks.{regionId}.aliyuncs.com`) for `.region(..)`.
//!
//! Only RPC operations (`/#Action=X`) are supported; REST operations are refused with their
//! pointer.

mod crate_docs;
mod methods;

use crate::model::{Api, Style};
use crate::refusal::{Refusal, Refusals};
use proc_macro2::TokenStream;
use quote::quote;

/// The types crate the generated client refers to.
pub const TYPES_CRATE: &str = "dataworks_types";
/// The client crate's own name (used in doc examples).
pub const CLIENT_CRATE: &str = "dataworks_client";

/// Where the API is served, from the spec's `servers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Servers {
    /// The first server URL with exactly one variable, e.g.
    /// `https://dataworks.{regionId}.aliyuncs.com`.
    pub template: Option<String>,
    /// That variable's name (`regionId`) and default (`cn-shanghai`).
    pub variable: String,
    pub default_value: Option<String>,
    /// The first server URL without variables (`http://127.0.0.1:8080`).
    pub fixed: Option<String>,
}

impl Servers {
    /// Reads the server list of a spec.
    pub fn from_spec(spec: &openapiv3::OpenAPI) -> Servers {
        let mut out = Servers::default();
        for server in &spec.servers {
            let vars = server.variables.as_ref();
            match vars.map(|v| v.len()).unwrap_or(0) {
                0 if out.fixed.is_none() && !server.url.contains('{') => {
                    out.fixed = Some(server.url.clone());
                }
                1 if out.template.is_none() => {
                    if let Some((name, var)) = vars.and_then(|v| v.iter().next()) {
                        if server.url.contains(&format!("{{{name}}}")) {
                            out.template = Some(server.url.clone());
                            out.variable = name.clone();
                            out.default_value = Some(var.default.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// The client crate's `lib.rs`, or the operations the client cannot call.
pub fn generate(api: &Api, servers: &Servers) -> Result<TokenStream, Refusals> {
    let refused: Vec<Refusal> = api
        .operations
        .iter()
        .filter(|op| matches!(op.style, Style::Rest { .. }))
        .map(|op| Refusal {
            pointer: op.pointer.clone(),
            reason: "the client emitter supports RPC operations (`/#Action=X`) only".to_owned(),
        })
        .collect();
    if !refused.is_empty() {
        return Err(Refusals {
            spec_name: api.spec_name.clone(),
            items: refused,
        });
    }
    let types = types_path();
    let docs = crate_docs::crate_docs(api, servers);
    let methods = methods::methods(api, &types);
    let version = &api.version;
    let template = match &servers.template {
        Some(t) => quote!(::std::option::Option::Some(#t)),
        None => quote!(::std::option::Option::None),
    };
    let variable = &servers.variable;
    let types_crate = crate::emit::ident(TYPES_CRATE);
    Ok(quote! {
        #docs

        /// The request and response types, error enums and constrained values (also re-exported
        /// at the crate root).
        pub use ::#types_crate as types;
        #[doc(no_inline)]
        pub use ::#types_crate::*;

        // The runtime's types, documented here as this crate's own.
        #[doc(inline)]
        pub use ::acs_client::{
            AccessKeySecret, BoxError, BuildError, Credentials, DecodeError, Endpoint, Format,
            ReqwestTransport, RequestError, Response, RetryPolicy, SecurityToken, ServiceResponse,
            ServiceTransport, SignRequest, SignatureVersion, Transport, TransportError,
            TransportErrorKind, TransportFuture, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET,
            ENV_SECURITY_TOKEN,
        };

        /// Why a call failed. `E` is the operation's error enum (`UpdateConnectionError`): every
        /// code the spec documents is a variant, and `E::Unlisted` keeps any other code with its
        /// message. [`Error::Invalid`] holds the [`ValidationError`] of a request that breaks a
        /// constraint of the spec (nothing was sent).
        pub type Error<E> = ::acs_client::Error<E, ::#types_crate::ValidationError>;

        /// Configures a [`Client`]: `Client::builder().endpoint(..).access_key(..).build()?`.
        pub type ClientBuilder = ::acs_client::ClientBuilder<Client>;

        /// The API client: one async method per operation. Cheap to clone (the configuration and
        /// the connection pool are shared); build it with [`Client::builder`].
        #[derive(Clone)]
        pub struct Client {
            runtime: ::acs_client::Client,
        }

        impl ::acs_client::ApiClient for Client {
            /// What the runtime needs to know about the API; the default user agent is this
            /// crate's `name/version`.
            const API: &'static ::acs_client::ApiInfo = &::acs_client::ApiInfo {
                version: #version,
                endpoint_template: #template,
                region_variable: #variable,
                user_agent: ::std::concat!(
                    ::std::env!("CARGO_PKG_NAME"),
                    "/",
                    ::std::env!("CARGO_PKG_VERSION")
                ),
            };

            fn from_runtime(runtime: ::acs_client::Client) -> Self {
                Client { runtime }
            }
        }

        // `builder()`, the configuration accessors, `with_format` and `Debug`: the same for
        // every API, written once in the runtime.
        ::acs_client::client_methods!(Client);

        impl Client {
            #(#methods)*
        }
    })
}

/// `::dataworks_types::`, the prefix of every generated type.
fn types_path() -> TokenStream {
    let types_crate = crate::emit::ident(TYPES_CRATE);
    quote!(::#types_crate::)
}

/// Doc lines wrapped at 100 columns outside code blocks; list items continue indented, so rustdoc
/// (and clippy's `doc_lazy_continuation`) read them as one item.
pub(crate) fn wrap_doc_lines(lines: Vec<String>) -> Vec<String> {
    const WIDTH: usize = 96;
    let mut out = Vec::new();
    let mut in_code = false;
    for line in lines {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            out.push(line);
            continue;
        }
        if in_code || line.chars().count() <= WIDTH {
            out.push(line);
            continue;
        }
        let indent = if line.starts_with("- ") { "  " } else { "" };
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push(std::mem::take(&mut current));
                current.push_str(indent);
            } else if !current.is_empty() && current != indent {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap_doc_lines;

    #[test]
    fn long_prose_wraps_and_code_does_not() {
        let long = format!("- {}", "word ".repeat(30).trim_end());
        let code = format!("let x = \"{}\";", "y".repeat(120));
        let out = wrap_doc_lines(vec![long, "```".into(), code.clone(), "```".into()]);
        assert!(out[0].starts_with("- word") && out[0].len() <= 100);
        assert!(out[1].starts_with("  word"));
        assert!(out.contains(&code));
        assert!(out.iter().all(|l| l.len() <= 100 || *l == code));
    }
}
