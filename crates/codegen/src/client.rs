//! The client emitter: [`Api`] -> the client crate (`crates/dataworks-client`).
//!
//! The crate is thin generated code over a small runtime, like progenitor over
//! `progenitor-client`: [`generate`] writes `lib.rs` (crate docs with examples, re-exports, and one
//! async method per operation on `Client`), while the runtime (builder, signing + sending,
//! retries, transports, answer decoding) is hand-written Rust kept in `src/client/runtime/` and
//! copied verbatim into the crate ([`RUNTIME_FILES`]). The runtime is spec-independent; what
//! it needs from the spec (API version, endpoint template, per-operation method, idempotency and
//! common parameters) comes from the generated `lib.rs`.
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

/// A runtime module: its file name in the client crate's `src/` and its text.
pub struct RuntimeFile {
    pub name: &'static str,
    pub text: &'static str,
}

/// The runtime modules, copied verbatim (after the preamble) into the client crate.
pub const RUNTIME_FILES: &[RuntimeFile] = &[
    RuntimeFile {
        name: "client.rs",
        text: include_str!("client/runtime/client.rs"),
    },
    RuntimeFile {
        name: "config.rs",
        text: include_str!("client/runtime/config.rs"),
    },
    RuntimeFile {
        name: "error.rs",
        text: include_str!("client/runtime/error.rs"),
    },
    RuntimeFile {
        name: "retry.rs",
        text: include_str!("client/runtime/retry.rs"),
    },
    RuntimeFile {
        name: "transport.rs",
        text: include_str!("client/runtime/transport.rs"),
    },
];

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

        mod client;
        mod config;
        mod error;
        mod retry;
        mod transport;

        /// The request and response types, error enums and constrained values (also re-exported
        /// at the crate root).
        pub use ::#types_crate as types;
        #[doc(no_inline)]
        pub use ::#types_crate::*;

        pub use client::Client;
        pub use config::{
            ClientBuilder, Endpoint, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN,
        };
        pub use error::{BuildError, DecodeError, Error, RequestError, Response};
        pub use retry::RetryPolicy;
        pub use transport::{
            BoxError, ReqwestTransport, ServiceResponse, ServiceTransport, Transport,
            TransportError, TransportErrorKind, TransportFuture,
        };
        pub use ::acs_protocol::answer::Format;
        pub use ::acs_protocol::secret::{AccessKeySecret, SecurityToken};
        pub use ::acs_protocol::signature::SignatureVersion;
        pub use ::acs_protocol::signing::{Credentials, SignRequest};

        /// What the runtime needs to know about the API.
        static API: config::ApiInfo = config::ApiInfo {
            version: #version,
            endpoint_template: #template,
            region_variable: #variable,
        };

        impl Client {
            /// Starts configuring a client: endpoint (or region), credentials, signature
            /// version, timeouts, user agent, retries, HTTP client or in-process transport.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(&API)
            }

            #(#methods)*
        }
    })
}

/// `::dataworks_types::`, the prefix of every generated type.
fn types_path() -> TokenStream {
    let types_crate = crate::emit::ident(TYPES_CRATE);
    quote!(::#types_crate::)
}

/// A runtime file as written into the client crate: the preamble, then the text unchanged.
pub fn runtime_file(file: &RuntimeFile, spec_name: &str) -> String {
    let mut out = crate::format::preamble(spec_name);
    out.push_str(&format!(
        "// The client runtime, copied from `crates/codegen/src/client/runtime/{}`.\n\n",
        file.name
    ));
    out.push_str(file.text);
    out
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
