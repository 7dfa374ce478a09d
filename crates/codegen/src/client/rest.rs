//! The REST client: one async method per operation over `acs_client::rest` (the hand-written,
//! spec-independent runtime: request building, multipart encoding, pluggable authentication,
//! retries, transports, answer decoding). What comes from the spec is written here: the path
//! template and how each parameter travels (path, query exploded or delimited, header,
//! cookie), the body's encoding by its media type (JSON, form, multipart property by property,
//! text, bytes), the status table of the answers (the success type, each documented error
//! status, `4XX` classes and `default`, typed bodies by their media type), and one constructor
//! per `securitySchemes` entry.

use super::methods::method_name;
use super::{Paths, Servers};
use crate::emit::docs::{doc_attrs, sanitize};
use crate::emit::wire::{self, Shape, StatusPattern};
use crate::emit::{ident, type_tokens};
use crate::lower::{snake, NameSet};
use crate::model::{
    Api, BodyKind, ErrorCase, Field, HttpMethod, Location, Operation, SecurityKind, Style, TypeRef,
};
use crate::refusal::{Refusal, Refusals};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The REST client crate's `lib.rs`, against the types crate and runtime of `paths`.
pub fn generate(api: &Api, servers: &Servers, paths: &Paths) -> Result<TokenStream, Refusals> {
    check_supported(api)?;
    let types_root = &paths.types;
    let rt = &paths.runtime;
    let types = quote!(#types_root ::);
    let methods = api
        .operations
        .iter()
        .map(|op| method(api, op, &types, rt))
        .collect::<Vec<_>>();
    let docs = crate_docs(api);
    let default_server = match default_server(servers) {
        Some(url) => quote!(::std::option::Option::Some(#url)),
        None => quote!(::std::option::Option::None),
    };
    let security = security(api, rt);
    Ok(quote! {
        #docs

        /// The request and response types, error enums and constrained values (also re-exported
        /// at the crate root).
        pub use #types_root as types;
        #[doc(no_inline)]
        pub use #types_root::*;

        // The runtime's types, documented here as this crate's own.
        #[doc(inline)]
        pub use #rt::{
            BoxError, BuildError, DecodeError, ReqwestTransport, RequestError, Response,
            RetryPolicy, ServiceResponse, ServiceTransport, Transport, TransportError,
            TransportErrorKind, TransportFuture,
        };
        #[doc(inline)]
        pub use #rt::auth::{
            ApiKey, Authenticate, Basic, Bearer, HttpAuthorization, KeyLocation,
        };

        /// Why a call failed. `E` is the operation's error enum: each documented error status
        /// is a variant with its typed body, `E::Unlisted` keeps any other status with the
        /// body's text. [`Error::Invalid`] holds the [`ValidationError`] of a request that breaks
        /// a constraint of the spec (nothing was sent).
        pub type Error<E> = #rt::Error<E, #types ValidationError>;

        /// Configures a [`Client`]: `Client::builder().base_url(..).auth(..).build()?`.
        pub type ClientBuilder = #rt::rest::ClientBuilder<Client>;

        #security

        /// The API client: one async method per operation. Cheap to clone (the configuration and
        /// the connection pool are shared); build it with [`Client::builder`].
        #[derive(Clone, Debug)]
        pub struct Client {
            runtime: #rt::rest::Client,
        }

        impl #rt::rest::ApiClient for Client {
            /// The spec's server and this crate's `name/version` as the user agent.
            const API: &'static #rt::rest::ApiInfo = &#rt::rest::ApiInfo {
                default_server: #default_server,
                user_agent: ::std::concat!(
                    ::std::env!("CARGO_PKG_NAME"),
                    "/",
                    ::std::env!("CARGO_PKG_VERSION")
                ),
            };

            fn from_runtime(runtime: #rt::rest::Client) -> Self {
                Client { runtime }
            }
        }

        impl Client {
            /// Starts configuring a client: base URL, authentication (see [`security`]),
            /// timeouts, user agent, retries, HTTP client or in-process transport.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// Where requests go.
            pub fn base_url(&self) -> &str {
                self.runtime.base_url()
            }

            #(#methods)*
        }
    })
}

/// What the REST client cannot send, listed with pointers resolving in the spec.
fn check_supported(api: &Api) -> Result<(), Refusals> {
    let mut items = Vec::new();
    for op in &api.operations {
        let Some(request) = api.request_struct(op) else {
            continue;
        };
        for field in &request.fields {
            if let Some(why) = wire::unsupported(api, op, field) {
                items.push(Refusal {
                    pointer: field
                        .param
                        .as_ref()
                        .map_or_else(|| op.pointer.clone(), |p| p.pointer.clone()),
                    reason: why,
                });
            }
        }
    }
    if items.is_empty() {
        Ok(())
    } else {
        Err(Refusals {
            spec_name: api.spec_name.clone(),
            items,
        })
    }
}

/// The spec's first absolute server URL, its variables at their defaults.
fn default_server(servers: &Servers) -> Option<String> {
    let from_template = servers.template.as_ref().and_then(|t| {
        let value = servers.default_value.as_ref()?;
        Some(t.replace(&format!("{{{}}}", servers.variable), value))
    });
    servers
        .fixed
        .clone()
        .or(from_template)
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"))
}

fn crate_docs(api: &Api) -> TokenStream {
    let mut lines = vec![
        format!(
            "Async REST client for {} (version {}), generated from `{}`.",
            api.title, api.version, api.spec_name
        ),
        String::new(),
        "One method per operation on [`Client`]; requests and answers are the types of the \
         types crate (re-exported here and as [`types`]). Every method checks the request \
         against the spec before sending, writes its parameters and body as the spec says, \
         retries what is safe to retry, and answers with a [`Response`] or an [`Error`] whose \
         API variant holds the operation's typed error."
            .to_owned(),
        String::new(),
        "Under the methods, the request builder, authentication, retries, transports and error \
         types are the hand-written, spec-independent `acs-client` crate (`acs_client::rest`)."
            .to_owned(),
        String::new(),
        "Configure it with [`Client::builder`]: `.base_url(..)` (default: the spec's first \
         server), `.auth(..)` with a constructor of [`security`] or any [`Authenticate`], \
         `.timeout(..)`, `.retry_policy(..)`, `.http_client(..)`, or `.service(..)` to call a \
         `tower::Service` (such as the generated server router) in-process."
            .to_owned(),
        String::new(),
        "Regenerate with `cargo xtask codegen`; never edit by hand.".to_owned(),
    ];
    if let Some(description) = &api.description {
        lines.push(String::new());
        lines.push("# The API".to_owned());
        lines.push(String::new());
        lines.extend(sanitize(description));
    }
    let lines = super::wrap_doc_lines(lines);
    let lines = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote!(#(#![doc = #lines])*)
}

/// `pub mod security`: one constructor per `securitySchemes` entry.
fn security(api: &Api, rt: &syn::Path) -> TokenStream {
    let mut names = NameSet::default();
    let items = api.security_schemes.iter().map(|scheme| {
        let name = ident(&names.claim_snake(&snake(&scheme.key)));
        let key = &scheme.key;
        let mut lines = vec![];
        let (how, item) = match &scheme.kind {
            SecurityKind::ApiKey { name: wire, location } => {
                let (where_, ctor) = match location {
                    Location::Query => ("query parameter", quote!(query)),
                    Location::Cookie => ("cookie", quote!(cookie)),
                    _ => ("header", quote!(header)),
                };
                (
                    format!("an API key in {where_} `{wire}`"),
                    quote! {
                        pub fn #name(key: impl ::std::convert::Into<::std::string::String>) -> #rt::auth::ApiKey {
                            #rt::auth::ApiKey::#ctor(#wire, key)
                        }
                    },
                )
            }
            SecurityKind::Bearer => (
                "a bearer token (`Authorization: Bearer <token>`)".to_owned(),
                quote! {
                    pub fn #name(token: impl ::std::convert::Into<::std::string::String>) -> #rt::auth::Bearer {
                        #rt::auth::Bearer::new(token)
                    }
                },
            ),
            SecurityKind::Basic => (
                "HTTP basic authentication".to_owned(),
                quote! {
                    pub fn #name(
                        user: impl ::std::convert::Into<::std::string::String>,
                        password: impl ::std::convert::Into<::std::string::String>,
                    ) -> #rt::auth::Basic {
                        #rt::auth::Basic::new(user, password)
                    }
                },
            ),
            SecurityKind::Http { scheme } => (
                format!("`Authorization: {scheme} <credentials>` (credentials computed by the caller)"),
                quote! {
                    pub fn #name(credentials: impl ::std::convert::Into<::std::string::String>) -> #rt::auth::HttpAuthorization {
                        #rt::auth::HttpAuthorization::new(#scheme, credentials)
                    }
                },
            ),
        };
        lines.push(format!("`{key}`: {how}; pass it to [`ClientBuilder::auth`](crate::ClientBuilder)."));
        if let Some(description) = &scheme.description {
            lines.push(String::new());
            lines.extend(sanitize(description));
        }
        let docs = doc_attrs(&super::wrap_doc_lines(lines));
        quote!(#docs #item)
    });
    let items: Vec<TokenStream> = items.collect();
    quote! {
        /// The spec's `securitySchemes`: one constructor per scheme, for
        /// `Client::builder().auth(..)` (several add up). Any other scheme: implement
        /// [`Authenticate`].
        pub mod security {
            #(#items)*
        }
    }
}

fn method(api: &Api, op: &Operation, types: &TokenStream, rt: &syn::Path) -> TokenStream {
    let name = ident(&method_name(op));
    let request = ident(&op.request);
    let error = ident(&op.error_type);
    let (method, path) = match &op.style {
        Style::Rest { method, path } => (*method, path.as_str()),
        // Not reached: an API with RPC operations gets the RPC client.
        Style::Rpc { .. } => (super::methods::http_method(op), "/"),
    };
    let method_const = format_ident!("{}", method.as_str());
    let idempotent = op
        .extensions
        .get("x-acs-idempotent")
        .and_then(|v| v.as_bool())
        .unwrap_or(!matches!(method, HttpMethod::Post | HttpMethod::Patch));
    let fields = api
        .request_struct(op)
        .map(|s| s.fields.as_slice())
        .unwrap_or(&[]);
    let params: Vec<TokenStream> = fields
        .iter()
        .filter(|f| f.location != Some(Location::Body))
        .map(|f| param(api, f, types))
        .collect();
    let body = fields
        .iter()
        .find(|f| f.location == Some(Location::Body))
        .map(|f| body(api, op, f, types, rt));
    let (response_ty, success) = match &op.response.ty {
        Some(ty) => (
            type_tokens(ty, types),
            decode_call(op.response.media_type.as_deref()),
        ),
        None => (quote!(()), quote!(empty)),
    };
    let arms = status_arms(op, types, &error);
    let http = if params.is_empty() && body.is_none() {
        quote!(http)
    } else {
        quote!(mut http)
    };
    let docs = doc_attrs(&super::wrap_doc_lines(method_docs(op, method, path)));
    quote! {
        #docs
        pub async fn #name(
            &self,
            request: #types #request,
        ) -> ::std::result::Result<Response<#response_ty>, Error<#types #error>> {
            request.validate().map_err(Error::Invalid)?;
            let #http = #rt::rest::Request::new(#rt::rest::Method::#method_const, #path);
            #(#params)*
            #body
            let answer = self.runtime.send(&http, #idempotent).await?;
            match answer.status() {
                200..=299 => answer.success(|a| a.#success()),
                #(#arms)*
            }
        }
    }
}

/// One parameter onto the request: by reference, in its place and style.
fn param(api: &Api, f: &Field, types: &TokenStream) -> TokenStream {
    let field = ident(&f.rust_name);
    let wire_name = f.wire_name.as_str();
    let explode = f.param.as_ref().is_some_and(|p| p.explode);
    let delimiter = f
        .param
        .as_ref()
        .and_then(|p| p.style.delimiter())
        .unwrap_or(",");
    let location = f.location.unwrap_or(Location::Query);
    let put = |value: TokenStream, list: bool| match (location, list) {
        (Location::Path, false) => quote!(http.path(#wire_name, #value);),
        (Location::Path, true) => quote!(http.path_list(#wire_name, #value);),
        (Location::Header, false) => quote!(http.header(#wire_name, #value);),
        (Location::Header, true) => quote!(http.header_list(#wire_name, #value);),
        (Location::Cookie, false) => quote!(http.cookie(#wire_name, #value);),
        (Location::Cookie, true) => quote! {
            http.cookie(#wire_name, &#value.iter().map(::std::string::ToString::to_string).collect::<::std::vec::Vec<_>>().join(","));
        },
        (_, false) => quote!(http.query_param(#wire_name, #value);),
        (_, true) => quote!(http.query(#wire_name, #value, #explode, #delimiter);),
    };
    let write = |value: TokenStream| match (
        wire::union_variants(api, &f.ty),
        wire::resolve_alias(api, &f.ty),
    ) {
        (Some(variants), TypeRef::Named(name)) => {
            let union = ident(name);
            let arms = variants.iter().map(|(variant, list)| {
                let variant = ident(variant);
                let put = put(quote!(item), *list);
                quote!(#types #union::#variant(item) => { #put })
            });
            quote!(match #value { #(#arms)* })
        }
        _ => put(value, wire::shape(api, &f.ty) == Shape::TextList),
    };
    if f.is_optional() {
        let put = write(quote!(value));
        quote!(if let ::std::option::Option::Some(value) = &request.#field { #put })
    } else {
        write(quote!(&request.#field))
    }
}

/// The body onto the request, encoded by its media type.
fn body(api: &Api, op: &Operation, f: &Field, types: &TokenStream, rt: &syn::Path) -> TokenStream {
    let field = ident(&f.rust_name);
    let media = wire::static_media(op.body_media_type.as_deref(), "application/octet-stream");
    let kind = wire::body_kind(op).unwrap_or(BodyKind::Json);
    let put = |value: TokenStream| match kind {
        BodyKind::Json => quote!(http.json(#value);),
        BodyKind::Form => quote!(http.form(#value);),
        BodyKind::Text | BodyKind::Binary => {
            quote!(http.body(#media, ::std::clone::Clone::clone(#value));)
        }
        BodyKind::Multipart => multipart(api, f, value, types, rt),
    };
    if f.is_optional() {
        let put = put(quote!(body));
        quote!(if let ::std::option::Option::Some(body) = &request.#field { #put })
    } else {
        put(quote!(&request.#field))
    }
}

/// A multipart body, property by property: text parts, one part per list item, files, JSON.
fn multipart(
    api: &Api,
    f: &Field,
    body: TokenStream,
    types: &TokenStream,
    rt: &syn::Path,
) -> TokenStream {
    let Some(def) = wire::body_struct(api, &f.ty) else {
        // Refused by `check_supported`.
        return quote!();
    };
    let parts = multipart_parts(api, def, &quote!(body), types);
    quote! {
        {
            let body = #body;
            let mut form = #rt::rest::Multipart::new();
            #parts
            http.multipart(form);
        }
    }
}

/// The parts of struct `body` (an expression of a reference to it); a flattened `oneOf` of
/// structs writes the parts of the variant it holds.
fn multipart_parts(
    api: &Api,
    def: &crate::model::StructDef,
    body: &TokenStream,
    types: &TokenStream,
) -> TokenStream {
    let parts = def.fields.iter().map(|p| {
        let field = ident(&p.rust_name);
        if p.flatten {
            let (Some(variants), TypeRef::Named(union)) = (
                wire::flattened_structs(api, &p.ty),
                wire::resolve_alias(api, &p.ty),
            ) else {
                return quote!();
            };
            let union = ident(union);
            let arms = variants.iter().map(|(variant, _, def)| {
                let variant = ident(variant);
                let parts = multipart_parts(api, def, &quote!(inner), types);
                quote!(#types #union::#variant(inner) => { #parts })
            });
            return quote!(match &#body.#field { #(#arms)* });
        }
        let wire_name = p.wire_name.as_str();
        let put = |value: TokenStream| match wire::shape(api, &p.ty) {
            Shape::Text => quote!(form.text(#wire_name, #value);),
            Shape::TextList => quote!(for item in #value { form.text(#wire_name, item); }),
            Shape::Bytes => quote!(form.file(#wire_name, ::std::clone::Clone::clone(#value));),
            Shape::BytesList => quote!(for item in #value { form.file(#wire_name, item.clone()); }),
            Shape::Json | Shape::Union => quote!(form.json(#wire_name, #value);),
        };
        if p.is_optional() {
            let put = put(quote!(value));
            quote!(if let ::std::option::Option::Some(value) = &#body.#field { #put })
        } else {
            put(quote!(&#body.#field))
        }
    });
    quote!(#(#parts)*)
}

/// The `Answer` method that reads a body of `media` (`json`, `text`, `bytes`).
fn decode_call(media: Option<&str>) -> TokenStream {
    match media.map(BodyKind::of) {
        Some(BodyKind::Json) | None => quote!(json),
        Some(BodyKind::Text) => quote!(text),
        Some(_) => quote!(bytes),
    }
}

/// The error arms of the status match: documented statuses, then `4XX` classes, then
/// `default` (or `Unlisted`).
fn status_arms(
    op: &Operation,
    types: &TokenStream,
    error: &proc_macro2::Ident,
) -> Vec<TokenStream> {
    let construct = |case: &ErrorCase| {
        let v = ident(&case.variant);
        let decode = decode_call(case.media_type.as_deref());
        match (case.http_status, &case.body) {
            (Some(_), Some(_)) => {
                quote!(|a| ::std::result::Result::Ok(#types #error::#v(a.#decode()?)))
            }
            (Some(_), None) if case.templated => {
                quote!(|a| ::std::result::Result::Ok(#types #error::#v { message: a.text()? }))
            }
            (Some(_), None) => quote!(|_| ::std::result::Result::Ok(#types #error::#v)),
            (None, Some(_)) => {
                quote!(|a| ::std::result::Result::Ok(#types #error::#v { http_status: a.status(), body: a.#decode()? }))
            }
            (None, None) => {
                quote!(|a| ::std::result::Result::Ok(#types #error::#v { http_status: a.status() }))
            }
        }
    };
    let mut exact = Vec::new();
    let mut ranges = Vec::new();
    let mut default = None;
    let mut seen = Vec::new();
    for case in &op.errors {
        match wire::status_pattern(case) {
            Some(StatusPattern::Exact(s)) if !(200..300).contains(&s) && !seen.contains(&s) => {
                seen.push(s);
                let build = construct(case);
                exact.push(quote!(#s => ::std::result::Result::Err(answer.error(#build)),));
            }
            Some(StatusPattern::Range(d)) if d != 2 => {
                let (low, high) = (d * 100, d * 100 + 99);
                let build = construct(case);
                ranges.push(
                    quote!(#low..=#high => ::std::result::Result::Err(answer.error(#build)),),
                );
            }
            Some(StatusPattern::Default) if default.is_none() => {
                let build = construct(case);
                default = Some(quote!(_ => ::std::result::Result::Err(answer.error(#build)),));
            }
            _ => {}
        }
    }
    let default = default.unwrap_or_else(
        || quote!(_ => ::std::result::Result::Err(answer.unlisted(#types #error::from_code)),),
    );
    exact.into_iter().chain(ranges).chain([default]).collect()
}

fn method_docs(op: &Operation, method: HttpMethod, path: &str) -> Vec<String> {
    let mut lines = Vec::new();
    match &op.summary {
        Some(summary) => lines.extend(sanitize(summary)),
        None => lines.push(format!("Calls `{}`.", op.name)),
    }
    if let Some(description) = &op.description {
        lines.push(String::new());
        lines.extend(sanitize(description));
    }
    lines.push(String::new());
    let answer = match &op.response.ty {
        Some(TypeRef::Named(n)) => format!("[`{n}`]"),
        Some(other) => format!(
            "`{}`",
            type_tokens(other, &quote!()).to_string().replace(' ', "")
        ),
        None => "no body".to_owned(),
    };
    lines.push(format!(
        "Sends `{} {path}`; parameters: [`{}`] (checked with `validate()` before anything is \
         sent); answer: {answer}.",
        method.as_str(),
        op.request,
    ));
    lines.push(String::new());
    lines.push("# Errors".to_owned());
    lines.push(String::new());
    lines.push(format!(
        "[`Error::Api`] with a [`{}`] for a documented error status; any other status as \
         `{}::Unlisted`. [`Error::Invalid`] when the request breaks a constraint of the spec \
         (nothing is sent), [`Error::Transport`] when no answer came back, [`Error::Decode`] \
         when an answer could not be read.",
        op.error_type, op.error_type
    ));
    lines
}
