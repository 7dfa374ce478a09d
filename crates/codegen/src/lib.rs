//! The generator: OpenAPI 3.0 -> Rust token streams. No I/O: the caller (`cargo xtask codegen`)
//! reads the spec and writes the files.
//!
//! # Pipeline
//! ```text
//! openapiv3::OpenAPI --lower::lower--> model::Api --emit::types::generate--> TokenStream --format_file--> String
//! ```
//! [`lower::lower`] resolves every `$ref`, names every type, merges `allOf`, recognises RPC
//! pseudo-paths (`/#Action=X`, get + post -> one operation) and reads the `x-` extensions. What it
//! cannot lower is collected and returned as one [`refusal::Refusals`] (file, JSON pointer, why).
//! Emitters read only the [`model`]: plain data, spec order, unique names.
//!
//! Emitters: [`emit::types`] (the types crate), [`server`] (the server stub), [`client`] (the
//! client crate: a generated `lib.rs` over the hand-written, spec-independent runtime crate
//! `acs-client`, see [`generate_client`]) and [`cli`] (the `dataworks` command line's
//! subcommands and flags, see [`generate_cli`]).
//!
//! # The model (IR) in one screen
//! - [`model::Api`]: `types: Vec<TypeDef>`, `operations: Vec<Operation>`, `common_errors`.
//! - [`model::Operation`]: `name` (wire: the Action or operationId), `method_name` (snake),
//!   `style` (`Rpc { action, route, methods }` | `Rest { method, path }`), `request` (name of the
//!   request struct in `types`; its fields carry a [`model::Location`]), `common_parameters`
//!   (RPC protocol-level ones: `Version`, `Format`, `RegionId`), `response` (status, media type,
//!   `Option<TypeRef>`), `error_type` + `errors` (documented codes, common ones included).
//! - [`model::TypeDef`]: `name`, `docs`, `usage` (request/response side), `role` (schema or the
//!   request of an operation), `kind`: `Struct`, `Enum` (string/int, `open` = tolerant),
//!   `Newtype` (constrained scalar), `Tagged` (oneOf + discriminator), `Untagged`, `Alias`.
//! - [`model::TypeRef`]: `Named`, `Scalar`, `Vec`, `Map`, `Json`; [`emit::type_tokens`] writes
//!   it with a path prefix (`quote!(::dataworks_types::)` from another crate).
//!
//! # Adding an emitter (client, server)
//! 1. Add `src/emit/<name>/mod.rs` with `pub fn generate(api: &Api, ...) -> TokenStream`; read only
//!    the model; use [`emit::ident`], [`emit::type_tokens`], [`emit::docs`] for names, types, docs.
//! 2. Refer to generated types through the types crate (`::dataworks_types::UpdateConnectionRequest`),
//!    to the codec as `Request::from_params(get)` / `request.to_params()`, to errors as
//!    `XError::from_code(status, code, message)`, `err.http_status()`, `err.code()`, `err.message()`.
//! 3. Add a `pub fn generate_<name>(spec, spec_name, ...) -> Result<String, Error>` here next to
//!    [`generate_types`], and one line in `xtask/src/codegen.rs` (`OUTPUTS`) to write the file.
//! 4. Fully qualified paths only (`::std::string::String`), so spec names cannot shadow them.

//! # What the types emitter writes (conventions other emitters and users rely on)
//! - Names: schemas keep their PascalCase name; inline types are named after the property or
//!   parameter (`PageSize`), prefixed with the owner when taken (`UpdateConnectionStatus`);
//!   fields are snake_case with `#[serde(rename = "WireName")]`; keywords are raw (`r#type`).
//! - Structs derive `Debug, Clone, PartialEq, Serialize, Deserialize` (+ `Default` when every
//!   field can be defaulted); optional fields are `Option<T>` skipped when `None`; spec defaults
//!   become `#[serde(default = "defaults::…")]`; `x-acs-request-id` fields are `String` with
//!   `#[serde(default)]`; `x-secret` fields are printed `<redacted>` by `Debug` and listed in
//!   `SECRET_FIELDS` (with `REQUIRED_FIELDS`).
//! - Constrained scalars (min/max, lengths, pattern) are newtypes: `PageSize::new(i32) ->
//!   Result<PageSize, ValidationError>`, `TryFrom<inner>` (and `TryFrom<&str>` for strings),
//!   `FromStr`, `Deref`, `get()`/`as_str()`, a `Deserialize` that checks. Patterns are compiled
//!   once (`LazyLock<Regex>`). Errors: `ValidationError { field: &'static str, reason: String }`,
//!   displayed `PageSize must be at most 100, got 101`.
//! - Enums: string enums have `as_str()`, int enums `value()`; both `FromStr` (strict),
//!   `Display`, serde through them, `ALL`. Enums reached from answers have `Unknown(..)` and
//!   decode unknown values into it; `FromStr`/`TryFrom` stay strict.
//! - Request structs hold plain values where the spec constrains a scalar (`connection_id: i64`,
//!   `description: Option<String>`; enums and nested structs stay typed), so callers write
//!   `UpdateConnectionRequest::new(1, content, 1).description("abc")`. `new(required…)` takes
//!   each required field as `impl Into<T>` (the newtypes convert too) and cannot fail; one
//!   chainable setter per optional field (`set_` prefix if it would clash). `validate(&self) ->
//!   Result<(), ValidationError>` makes the newtypes' checks and names the parameter; the client
//!   calls it before sending. `from_params` and `Deserialize` check through the newtypes, so a
//!   request read on the server is always valid.
//!   RPC requests: `to_params() -> Vec<(&'static str, String)>` (API parameters only, spec order)
//!   and `from_params(|name| -> Option<&str>) -> Result<Self, ParamError>` with
//!   `ParamError::{Missing { name }, Invalid { name, reason }}`; values go through `RpcParam`.
//! - Errors: one `XError` per operation: a unit variant per documented code
//!   (`Invalid.Tenant.ConnectionNotExists` -> `InvalidTenantConnectionNotExists`, numbered on a
//!   clash), `{ message: String }` variants for templated messages (`{name}` or `<Name>`),
//!   REST body variants, and `Unlisted { http_status, code, message }`; `http_status()`, `code()`,
//!   `message()`, `from_code(status, code, message)`, `CODES: &[ErrorCode]`, `Display + Error`,
//!   `From<CommonError>`. `CommonError` holds `x-acs-common-errors`.
//! - `content_schema_for(connection_type) -> Option<ContentSchemaInfo>` and `CONTENT_SCHEMAS`
//!   from the schemas marked `x-connection-type`; `API_VERSION`.

pub mod cli;
pub mod client;
pub mod emit;
pub mod examples;
pub mod explorer;
mod format;
pub mod lower;
pub mod model;
pub mod read;
pub mod refusal;
pub mod server;

pub use format::{format_file, preamble};
pub use lower::lower;
pub use refusal::{Refusal, Refusals};

/// Why a file could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec uses constructs the generator does not support (all of them are listed).
    #[error("{0}")]
    Refused(#[from] Refusals),
    /// The emitted tokens are not valid Rust: a generator bug.
    #[error("generated code for {spec_name} does not parse (a generator bug): {source}")]
    Format {
        spec_name: String,
        source: syn::Error,
    },
}

/// Paths the generated code is written against: the generated crates and the hand-written
/// runtime crates. Every crate an emitter names comes from here (no emitter spells a crate
/// name), so one generator serves the project's own crates ([`Settings::default`]:
/// `dataworks_types`, `dataworks_client`) and any other spec ([`Settings::for_name`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The generated types crate (or module) as the client, server and CLI name it
    /// (`::dataworks_types`).
    pub types_path: String,
    /// The generated client crate as the CLI names it (`::dataworks_client`); its doc examples
    /// `use` it without the leading `::`.
    pub client_path: String,
    /// The types runtime (`crates/acs-types`): `ValidationError`, `RpcParam`, decoding helpers.
    pub types_runtime: String,
    /// The client runtime (`crates/acs-client`): builder, signing, retries, transports.
    pub client_runtime: String,
    /// The server runtime (`crates/acs-server`): request reading, dispatch, envelope answers.
    pub server_runtime: String,
}

impl Default for Settings {
    /// The project's own crates: `dataworks-types`, `dataworks-client` over the `acs-*` runtimes.
    fn default() -> Self {
        Self::for_name("dataworks")
    }
}

impl Settings {
    /// The crates of a workspace written for `name` (`cargo xtask codegen --name NAME`):
    /// `NAME-types`, `NAME-client` (and `NAME-server`) over the `acs-*` runtimes. `name` is a
    /// cargo package name stem (`my-api`); its `-` become `_` in paths.
    pub fn for_name(name: &str) -> Self {
        let stem = name.replace('-', "_");
        Self {
            types_path: format!("::{stem}_types"),
            client_path: format!("::{stem}_client"),
            types_runtime: "::acs_types".to_owned(),
            client_runtime: "::acs_client".to_owned(),
            server_runtime: "::acs_server".to_owned(),
        }
    }
}

/// A path of [`Settings`], or a format error naming the spec.
fn parse_path(path: &str, spec_name: &str) -> Result<syn::Path, Error> {
    syn::parse_str(path).map_err(|source| Error::Format {
        spec_name: spec_name.to_owned(),
        source,
    })
}

/// The types crate's `lib.rs` for `spec`, formatted. `spec_name` is only used in messages and
/// the preamble.
pub fn generate_types(spec: &openapiv3::OpenAPI, spec_name: &str) -> Result<String, Error> {
    generate_types_with_settings(spec, spec_name, &Settings::default())
}

/// [`generate_types`] against the runtime paths of `settings`.
pub fn generate_types_with_settings(
    spec: &openapiv3::OpenAPI,
    spec_name: &str,
    settings: &Settings,
) -> Result<String, Error> {
    let runtime = parse_path(&settings.types_runtime, spec_name)?;
    let api = lower(spec, spec_name)?;
    format_file(emit::types::generate(&api, &runtime), spec_name).map_err(|source| Error::Format {
        spec_name: spec_name.to_owned(),
        source,
    })
}

/// The server-stub crate's `lib.rs` for `spec` (API trait, per-operation glue and route table
/// over the `acs-server` runtime, see [`server`]), formatted; generated types are referred to as
/// `::dataworks_types::…`.
pub fn generate_server(spec: &openapiv3::OpenAPI, spec_name: &str) -> Result<String, Error> {
    generate_server_with_settings(spec, spec_name, &Settings::default())
}

/// [`generate_server`] with the types crate (or module) at `types_path`, e.g. `crate::rest`
/// for a golden compiled as a module of a test crate.
pub fn generate_server_with(
    spec: &openapiv3::OpenAPI,
    spec_name: &str,
    types_path: &str,
) -> Result<String, Error> {
    let settings = Settings {
        types_path: types_path.to_owned(),
        ..Settings::default()
    };
    generate_server_with_settings(spec, spec_name, &settings)
}

/// [`generate_server`] against the paths of `settings`.
pub fn generate_server_with_settings(
    spec: &openapiv3::OpenAPI,
    spec_name: &str,
    settings: &Settings,
) -> Result<String, Error> {
    let types = parse_path(&settings.types_path, spec_name)?;
    let runtime = parse_path(&settings.server_runtime, spec_name)?;
    let api = lower(spec, spec_name)?;
    let tokens = server::generate(&api, &quote::quote!(#types ::), &quote::quote!(#runtime ::))?;
    format_file(tokens, spec_name).map_err(|source| Error::Format {
        spec_name: spec_name.to_owned(),
        source,
    })
}

/// The client crate's `lib.rs` for `spec` (see [`client`]), formatted.
pub fn generate_client(spec: &openapiv3::OpenAPI, spec_name: &str) -> Result<String, Error> {
    generate_client_with_settings(spec, spec_name, &Settings::default())
}

/// [`generate_client`] against the paths of `settings`.
pub fn generate_client_with_settings(
    spec: &openapiv3::OpenAPI,
    spec_name: &str,
    settings: &Settings,
) -> Result<String, Error> {
    let paths = client::Paths {
        types: parse_path(&settings.types_path, spec_name)?,
        runtime: parse_path(&settings.client_runtime, spec_name)?,
        client_crate: settings.client_path.trim_start_matches("::").to_owned(),
    };
    let api = lower(spec, spec_name)?;
    let tokens = client::generate(&api, &client::Servers::from_spec(spec), &paths)?;
    format_file(tokens, spec_name).map_err(|source| Error::Format {
        spec_name: spec_name.to_owned(),
        source,
    })
}

/// [`generate_client`] with the types crate (or module) at `types_path`, e.g. `crate::rest`
/// for a golden compiled as a module of a test crate.
pub fn generate_client_with(
    spec: &openapiv3::OpenAPI,
    spec_name: &str,
    types_path: &str,
) -> Result<String, Error> {
    let settings = Settings {
        types_path: types_path.to_owned(),
        ..Settings::default()
    };
    generate_client_with_settings(spec, spec_name, &settings)
}

/// The API Explorer's metadata module for `spec` (see [`explorer`]): JavaScript, not Rust.
pub fn generate_explorer(spec: &openapiv3::OpenAPI, spec_name: &str) -> Result<String, Error> {
    let api = lower(spec, spec_name)?;
    Ok(explorer::generate(&api, spec))
}

/// The `dataworks` CLI's generated module (`crates/dataworks-cli/src/generated/mod.rs`, see
/// [`cli`]), formatted.
pub fn generate_cli(spec: &openapiv3::OpenAPI, spec_name: &str) -> Result<String, Error> {
    generate_cli_with_settings(spec, spec_name, &Settings::default())
}

/// [`generate_cli`] against the client and types crates of `settings`.
pub fn generate_cli_with_settings(
    spec: &openapiv3::OpenAPI,
    spec_name: &str,
    settings: &Settings,
) -> Result<String, Error> {
    let types = parse_path(&settings.types_path, spec_name)?;
    let client = parse_path(&settings.client_path, spec_name)?;
    let api = lower(spec, spec_name)?;
    let tokens = cli::generate(&api, &quote::quote!(#types), &quote::quote!(#client))?;
    format_file(tokens, spec_name).map_err(|source| Error::Format {
        spec_name: spec_name.to_owned(),
        source,
    })
}
