//! The CLI emitter: [`Api`] -> the generated module of the `dataworks` command line
//! (`crates/dataworks-cli/src/generated/mod.rs`).
//!
//! Only what the spec determines is generated: one `clap` subcommand per operation (kebab case
//! of the method name, `update-connection`), one flag per request field (kebab case of the field,
//! `--connection-id`) with the spec's description as help, the spec's enum values as possible
//! values and its required fields enforced by clap, and one `match` arm per operation that reads
//! the request with the types crate's `from_params` (so the spec's constraints are checked by the
//! generated types, with their messages, before anything is sent) and calls the generated
//! client's method. Everything else (credentials, endpoint, output, exit codes, `@file`
//! arguments, dry runs) is the hand-written part of the CLI crate, reached through
//! `crate::call` (see [`CALL_MODULE`]).
//!
//! Only RPC operations are supported, as in the client emitter.

use crate::model::{Api, EnumValue, Field, Operation, Style, TypeKind, TypeRef};
use crate::refusal::{Refusal, Refusals};
use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;

/// The hand-written module of the CLI crate the generated code calls into: `Params` (the
/// flag values by wire name), `invalid(ParamError) -> Failure`, `api(code, message) -> ApiCode`
/// and `finish(Result<Response<T>, Error<ApiCode>>) -> Result<Answer, Failure>`.
pub const CALL_MODULE: &str = "call";

/// Flags of the hand-written part; an operation parameter with one of these names is refused.
pub const RESERVED_FLAGS: &[&str] = &[
    "profile", "endpoint", "region", "output", "dry-run", "timeout", "help", "version",
];

/// Subcommand names of the hand-written part.
pub const RESERVED_COMMANDS: &[&str] = &["completions", "help"];

/// The generated module, or the operations and parameters the CLI cannot offer. `types` and
/// `client` are the paths of the generated types and client crates (`::dataworks_types`).
pub fn generate(
    api: &Api,
    types: &TokenStream,
    client: &TokenStream,
) -> Result<TokenStream, Refusals> {
    let mut refused = Vec::new();
    for op in &api.operations {
        if matches!(op.style, Style::Rest { .. }) {
            refused.push(Refusal {
                pointer: op.pointer.clone(),
                reason: "the CLI emitter supports RPC operations (`/#Action=X`) only".to_owned(),
            });
            continue;
        }
        if RESERVED_COMMANDS.contains(&command_name(op).as_str()) {
            refused.push(Refusal {
                pointer: op.pointer.clone(),
                reason: format!("the subcommand `{}` is the CLI's own", command_name(op)),
            });
        }
        for field in fields(api, op) {
            if RESERVED_FLAGS.contains(&flag_name(field).as_str()) {
                refused.push(Refusal {
                    pointer: op.pointer.clone(),
                    reason: format!(
                        "the parameter {} would be the flag --{}, which the CLI uses itself",
                        field.wire_name,
                        flag_name(field)
                    ),
                });
            }
        }
    }
    if !refused.is_empty() {
        return Err(Refusals {
            spec_name: api.spec_name.clone(),
            items: refused,
        });
    }
    let call = crate::emit::ident(CALL_MODULE);
    let builders: Vec<proc_macro2::Ident> = api
        .operations
        .iter()
        .map(|op| crate::emit::ident(&format!("{}_command", op.method_name)))
        .collect();
    let commands = api.operations.iter().zip(&builders).map(|(op, builder)| {
        let body = command(api, op);
        let doc = format!(" `dataworks {}`: Action={}.", command_name(op), op.name);
        quote! {
            #[doc = #doc]
            fn #builder() -> ::clap::Command {
                #body
            }
        }
    });
    let arms = api.operations.iter().map(|op| arm(op, &call, types));
    let title = format!(
        " The commands of {} (version {}), generated from `{}`: one subcommand per operation,",
        api.title, api.version, api.spec_name
    );
    Ok(quote! {
        #![doc = #title]
        //! one flag per parameter. Regenerate with `cargo xtask codegen`; never edit by hand.

        /// One subcommand per operation of the spec, in spec order.
        pub fn operations() -> ::std::vec::Vec<::clap::Command> {
            ::std::vec![#(#builders()),*]
        }

        #(#commands)*

        /// Reads the parameters of the operation behind the subcommand `name` (checked by the
        /// types crate's `from_params`, so nothing invalid is sent) and calls it. `None` when
        /// `name` is not an operation.
        pub async fn call(
            client: &#client::Client,
            name: &str,
            params: &crate::#call::Params,
        ) -> ::std::option::Option<
            ::std::result::Result<crate::#call::Answer, crate::#call::Failure>,
        > {
            let lookup = |wire: &str| params.get(wire);
            ::std::option::Option::Some(match name {
                #(#arms)*
                _ => return ::std::option::Option::None,
            })
        }
    })
}

/// The request struct's fields of `op` (none when it has no parameters).
fn fields<'a>(api: &'a Api, op: &Operation) -> &'a [Field] {
    api.request_struct(op)
        .map(|s| s.fields.as_slice())
        .unwrap_or(&[])
}

fn command_name(op: &Operation) -> String {
    op.method_name.to_kebab_case()
}

fn flag_name(field: &Field) -> String {
    field.rust_name.trim_start_matches("r#").to_kebab_case()
}

/// The first sentence of a text, on one line (clap's short help).
fn first_sentence(text: &str) -> String {
    let line = text
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match line.find(". ") {
        Some(end) => line[..=end].to_owned(),
        None => line,
    }
}

/// A text's paragraphs with their lines joined (clap wraps them itself).
fn paragraphs(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `clap::Command::new("update-connection")` with its flags.
fn command(api: &Api, op: &Operation) -> TokenStream {
    let name = command_name(op);
    let summary = op.summary.clone().unwrap_or_else(|| op.name.clone());
    let mut long = summary.clone();
    if let Some(description) = &op.description {
        long.push_str("\n\n");
        long.push_str(&paragraphs(description));
    }
    long.push_str(&format!("\n\nSends Action={}.", op.name));
    let args = fields(api, op).iter().map(|f| arg(api, f));
    quote! {
        ::clap::Command::new(#name)
            .about(#summary)
            .long_about(#long)
            #(.arg(#args))*
    }
}

/// One flag: id = wire name (what `from_params` looks up), long = kebab case of the field.
fn arg(api: &Api, field: &Field) -> TokenStream {
    let id = &field.wire_name;
    let long = flag_name(field);
    let value_name = field.rust_name.trim_start_matches("r#").to_uppercase();
    let description = field.docs.description.clone().unwrap_or_default();
    let mut help = first_sentence(&description);
    let mut long_help = paragraphs(&description);
    let mut facts = Vec::new();
    facts.push(format!("Parameter {id}."));
    if !field.docs.constraints.is_empty() {
        facts.push(format!(
            "Constraints: {}.",
            field.docs.constraints.join(", ")
        ));
    }
    if let Some(default) = &field.default {
        facts.push(format!("Default: {default}."));
    }
    if let Some(example) = &field.docs.example {
        let shown = match example {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        facts.push(format!("Example: {shown}."));
    }
    if is_text(api, &field.ty) {
        facts.push("`@FILE` reads the value from a file, `-` from standard input.".to_owned());
    }
    if help.is_empty() {
        help = format!("Parameter {id}.");
    }
    if !long_help.is_empty() {
        long_help.push_str("\n\n");
    }
    long_help.push_str(&facts.join(" "));
    let required = field.required && field.default.is_none();
    let values = enum_values(api, &field.ty);
    let possible = (!values.is_empty()).then(|| quote!(.value_parser([#(#values),*])));
    quote! {
        ::clap::Arg::new(#id)
            .long(#long)
            .value_name(#value_name)
            .required(#required)
            .help(#help)
            .long_help(#long_help)
            #possible
    }
}

/// Whether a value is free text (a string, or JSON text for lists and objects).
fn is_text(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Scalar(crate::model::Scalar::String) | TypeRef::Json => true,
        TypeRef::Vec(_) | TypeRef::Map(_) => true,
        TypeRef::Scalar(_) | TypeRef::Bytes => false,
        TypeRef::Named(name) => match api.type_def(name).map(|t| &t.kind) {
            Some(TypeKind::Newtype(n)) => n.inner == crate::model::Scalar::String,
            Some(TypeKind::Alias(inner)) => is_text(api, inner),
            Some(TypeKind::Enum(_)) => false,
            _ => true,
        },
    }
}

/// The wire values of an enum type (empty for anything else).
fn enum_values(api: &Api, ty: &TypeRef) -> Vec<String> {
    let TypeRef::Named(name) = ty else {
        return Vec::new();
    };
    match api.type_def(name).map(|t| &t.kind) {
        Some(TypeKind::Enum(e)) => e
            .variants
            .iter()
            .map(|v| match &v.value {
                EnumValue::Str(s) => s.clone(),
                EnumValue::Int(i) => i.to_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `"update-connection" => finish(client.update_connection(from_params(..)?).await ...)`.
fn arm(op: &Operation, call: &proc_macro2::Ident, types: &TokenStream) -> TokenStream {
    let name = command_name(op);
    let request = crate::emit::ident(&op.request);
    let method = crate::emit::ident(&op.method_name);
    quote! {
        #name => match #types::#request::from_params(lookup) {
            ::std::result::Result::Ok(request) => crate::#call::finish(
                client
                    .#method(request)
                    .await
                    .map_err(|e| e.map_api(|api| crate::#call::api(api.code(), api.message()))),
            ),
            ::std::result::Result::Err(e) => ::std::result::Result::Err(crate::#call::invalid(e)),
        },
    }
}
