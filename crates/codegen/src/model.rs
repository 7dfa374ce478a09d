//! The intermediate model (IR) every emitter reads.
//!
//! Lowering (`crate::lower`) turns an `openapiv3::OpenAPI` into an [`Api`]; emitters turn an [`Api`]
//! into token streams. The model is deliberately plain data: every `$ref` is resolved, every name is
//! already a unique Rust name, and every list is in spec order, so an emitter never touches the
//! OpenAPI document, never invents a name and never iterates a hash map.
//!
//! Names are stored as plain strings; turn them into identifiers with [`crate::emit::ident`] (it
//! writes `r#type` for keywords) and types with [`crate::emit::type_tokens`].

use indexmap::IndexMap;
use serde_json::Value;

/// One API: what the spec describes, resolved and named.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The spec file name as given to the generator, for the generated preamble.
    pub spec_name: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`; for RPC APIs the value of the `Version` parameter (`2020-05-18`).
    pub version: String,
    pub description: Option<String>,
    /// Every named type, in a deterministic order (components first, in spec order, then types
    /// synthesized while lowering operations). Request structs of operations are here too.
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    /// Document-level `x-acs-common-errors`: codes any operation can answer (also merged into
    /// every [`Operation::errors`]).
    pub common_errors: Vec<ErrorCase>,
    /// The document's `x-` extensions verbatim.
    pub extensions: IndexMap<String, Value>,
    /// `components/securitySchemes`, in spec order: how a REST client authenticates.
    pub security_schemes: Vec<SecurityScheme>,
}

/// One entry of `components/securitySchemes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's key (`api_key`, `BearerToken`).
    pub key: String,
    pub description: Option<String>,
    pub kind: SecurityKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityKind {
    /// `type: apiKey`: a named header, query parameter or cookie.
    ApiKey { name: String, location: Location },
    /// `type: http, scheme: bearer`, and OAuth 2 / OpenID Connect (the caller obtains the
    /// access token; it travels as a bearer token).
    Bearer,
    /// `type: http, scheme: basic`.
    Basic,
    /// Any other `http` scheme (`Digest`, `OAuth` 1.0a): `Authorization: <scheme> <credentials>`,
    /// the credentials computed by the caller.
    Http { scheme: String },
}

impl Api {
    /// The named type `name`, if any.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The request struct of `op` (every operation has one, possibly without fields).
    pub fn request_struct(&self, op: &Operation) -> Option<&StructDef> {
        match &self.type_def(&op.request)?.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// Whether any operation is RPC-style (`/#Action=X`).
    pub fn has_rpc_operations(&self) -> bool {
        self.operations
            .iter()
            .any(|op| matches!(op.style, Style::Rpc { .. }))
    }
}

/// One operation. RPC pseudo-paths `/#Action=X` with `get` and `post` become ONE operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Wire name: the `Action` for RPC (`UpdateConnection`), the operationId for REST. Also the
    /// PascalCase stem of the generated names (`UpdateConnectionRequest`, `UpdateConnectionError`).
    pub name: String,
    /// snake_case name for methods (`update_connection`).
    pub method_name: String,
    pub style: Style,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Name of the request struct in [`Api::types`] (`UpdateConnectionRequest`); its fields carry a
    /// [`Field::location`].
    pub request: String,
    /// REST only: the media type of the body field (the field with [`Location::Body`]).
    pub body_media_type: Option<String>,
    /// Protocol-level parameters (RPC: `Action`, `Version`, and everything `$ref`'d from
    /// `components/parameters`, e.g. `Format`, `RegionId`). Not fields of the request struct: the
    /// protocol runtime / server context handles them.
    pub common_parameters: Vec<CommonParameter>,
    /// The success answer (first 2xx response).
    pub response: Response,
    /// Name of the generated error enum (`UpdateConnectionError`).
    pub error_type: String,
    /// Documented errors: the operation's own (`x-acs-error-codes`) first, then the document's
    /// common ones, deduplicated by code. Only when neither exists (REST specs): one per
    /// non-2xx/`default` response, with its body type.
    pub errors: Vec<ErrorCase>,
    /// JSON pointer of the operation in the spec (for messages).
    pub pointer: String,
    /// The operation's `x-` extensions verbatim (RPC: `get`'s, then `post`'s), for knobs the
    /// model does not name (`x-acs-method`, `x-acs-idempotent`, ...).
    pub extensions: IndexMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Style {
    /// `GET|POST /?Action=<action>&...`. `routes`: every distinct path before `#` the spec
    /// names for the Action (normally only `/`; AWS: `/{AccountNumber}/{QueueName}/` too, its
    /// path parameters being fields with [`Location::Path`]); `methods`: the union of their
    /// methods.
    Rpc {
        action: String,
        routes: Vec<String>,
        methods: Vec<HttpMethod>,
    },
    /// An ordinary REST operation.
    Rest { method: HttpMethod, path: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommonParameter {
    pub wire_name: String,
    pub location: Location,
    pub required: bool,
    pub default: Option<Value>,
    /// Values allowed by the spec (`Version: [2020-05-18]`), empty when unconstrained.
    pub allowed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// HTTP status of the success answer (200 when the spec only has `default`).
    pub status: u16,
    pub media_type: Option<String>,
    /// `None` when the answer has no body.
    pub ty: Option<TypeRef>,
}

/// One documented error code.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorCase {
    /// `None` for a REST `default` response (status known only at run time).
    pub http_status: Option<u16>,
    /// Wire code (`Invalid.Tenant.ConnectionNotExists`); REST: a name made from the status.
    pub code: String,
    /// Variant name in the error enum, unique within it (`InvalidTenantConnectionNotExists`).
    pub variant: String,
    /// Spec message. Templated messages contain `{name}`-style placeholders.
    pub message: String,
    pub description: String,
    /// The message has placeholders, so the variant carries the final message.
    pub templated: bool,
    /// REST: the typed body of this error response, if any.
    pub body: Option<TypeRef>,
    /// REST: the media type of [`ErrorCase::body`].
    pub media_type: Option<String>,
}

/// A reference to a type as a field/parameter uses it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A type in [`Api::types`].
    Named(String),
    Scalar(Scalar),
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>` (`additionalProperties`).
    Map(Box<TypeRef>),
    /// Anything: `serde_json::Value`.
    Json,
    /// Raw bytes (`type: string, format: binary`, an octet-stream body or answer):
    /// `Vec<u8>`. Travels as a file part in multipart bodies and as the whole body otherwise.
    Bytes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Unique PascalCase Rust name.
    pub name: String,
    /// Where it came from (`#/components/schemas/Thing`, or the property/parameter it was inlined in).
    pub pointer: String,
    pub docs: Docs,
    pub kind: TypeKind,
    pub usage: Usage,
    pub role: Role,
}

/// Which side of the wire reaches a type; decides e.g. whether an enum tolerates unknown values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub request: bool,
    pub response: bool,
}

/// Why a type exists, for emitters that add operation-specific items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// A schema (component or inline).
    Schema,
    /// The request struct of the named operation.
    Request { operation: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(StructDef),
    Enum(EnumDef),
    /// A constrained scalar: `struct PageSize(i32)` checked on construction and parsing.
    Newtype(NewtypeDef),
    /// `oneOf` + `discriminator`: an internally tagged enum.
    Tagged(TaggedDef),
    /// `oneOf`/`anyOf` without discriminator: an untagged enum (first matching variant wins).
    Untagged(UntaggedDef),
    /// A named schema that is just another type (`type Tags = Vec<Tag>`).
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StructDef {
    pub fields: Vec<Field>,
    /// `x-connection-type` of the schema: it describes the `Content` of that connection type.
    pub connection_type: Option<String>,
    /// `x-required-any-of`: groups of properties of which at least one must be present.
    pub required_any_of: Vec<Vec<String>>,
}

impl StructDef {
    pub fn secret_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.secret)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Name on the wire (`ConnectionId`).
    pub wire_name: String,
    /// snake_case Rust name, unique in the struct (`connection_id`; keywords stay bare: `type`).
    pub rust_name: String,
    /// The value type, without the `Option` (see [`Field::is_optional`]).
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Spec default. Only set when the generator can build it as a constant (scalar, enum,
    /// newtype); then the field is not optional.
    pub default: Option<Value>,
    pub docs: Docs,
    /// `x-secret: true`: redacted from `Debug`, listed in `SECRET_FIELDS`.
    pub secret: bool,
    /// `x-acs-request-id: true`: a `String` the server fills in, `#[serde(default)]`.
    pub request_id: bool,
    /// The field's type contains its owner: it must be boxed.
    pub boxed: bool,
    /// For request-struct fields: where the parameter travels.
    pub location: Option<Location>,
    /// `#[serde(flatten)]`: the field is a `oneOf`/`anyOf` that sat beside the properties; its
    /// members' properties are the struct's own on the wire (`wire_name` is the keyword).
    pub flatten: bool,
    /// REST request fields: where the parameter (or body) is declared and how its value is
    /// written on the wire.
    pub param: Option<ParamWire>,
}

/// How a REST parameter travels (OpenAPI `style`/`explode`) and where the spec declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamWire {
    /// JSON pointer of the parameter (`#/paths/~1pets/get/parameters/0`) or of the request
    /// body, for refusals and messages.
    pub pointer: String,
    pub style: ParamStyle,
    /// Arrays: one `name=value` pair per item (`tags=a&tags=b`) when true, one comma-separated
    /// (or space/pipe-delimited) value otherwise (`tags=a,b`).
    pub explode: bool,
}

/// OpenAPI parameter styles. Defaults: `form` for query and cookie, `simple` for path and
/// header, explode only for `form`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    Form,
    Simple,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Label,
    Matrix,
    /// A request body (no style applies).
    Body,
}

impl ParamStyle {
    /// The separator of a non-exploded array value, for the styles the emitters write.
    pub fn delimiter(self) -> Option<&'static str> {
        match self {
            Self::Form | Self::Simple => Some(","),
            Self::SpaceDelimited => Some(" "),
            Self::PipeDelimited => Some("|"),
            Self::DeepObject | Self::Label | Self::Matrix | Self::Body => None,
        }
    }
}

/// What a request or answer body is, by its media type: how the emitters encode and decode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json`, `*+json`: serde_json.
    Json,
    /// `application/x-www-form-urlencoded`: `name=value` pairs (arrays repeat the name).
    Form,
    /// `multipart/form-data`: one part per property (files for bytes).
    Multipart,
    /// `text/*`, XML and other textual types without a schema the generator applies: a String.
    Text,
    /// Anything else (`application/octet-stream`, images): bytes.
    Binary,
}

impl BodyKind {
    /// The kind of a media type.
    pub fn of(media: &str) -> BodyKind {
        let media = media.trim().to_ascii_lowercase();
        let essence = media.split(';').next().unwrap_or("").trim();
        if essence == "application/json" || essence.ends_with("+json") || essence.ends_with("/json")
        {
            BodyKind::Json
        } else if essence == "application/x-www-form-urlencoded" {
            BodyKind::Form
        } else if essence.starts_with("multipart/") {
            BodyKind::Multipart
        } else if essence.starts_with("text/")
            || essence.ends_with("xml")
            || essence == "application/javascript"
            || essence == "application/yaml"
        {
            BodyKind::Text
        } else {
            BodyKind::Binary
        }
    }
}

impl Field {
    /// `Option<T>` in Rust: not required (or nullable), no default, not the request id.
    pub fn is_optional(&self) -> bool {
        (!self.required || self.nullable) && self.default.is_none() && !self.request_id
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Query,
    Path,
    Header,
    Cookie,
    /// RPC: a property of the `POST` form body (may equally travel in the query).
    Form,
    /// REST: the whole request body ([`Operation::body_media_type`]).
    Body,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Docs {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Constraint summary for the doc (`at most 100`), already phrased.
    pub constraints: Vec<String>,
    pub example: Option<Value>,
    pub default: Option<Value>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    pub repr: EnumRepr,
    pub variants: Vec<EnumVariant>,
    /// Decoding tolerates unknown values (an `Unknown(..)` variant): true for enums reached from
    /// answers, so a newer server cannot break an older client. `FromStr` stays strict.
    pub open: bool,
    /// Wire name used in validation messages.
    pub wire_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    String,
    /// Integer on the wire (JSON number; decimal text in RPC parameters).
    Int(Scalar),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    pub rust_name: String,
    pub value: EnumValue,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumValue {
    Str(String),
    Int(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewtypeDef {
    pub inner: Scalar,
    pub constraints: Constraints,
    /// Wire name used in validation messages (`PageSize must be at most 100, got 101`).
    pub wire_name: String,
}

/// Validation keywords the generated code enforces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    /// ECMA-style, unanchored (as JSON Schema); verified to compile with the `regex` crate.
    pub pattern: Option<String>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedDef {
    /// Wire name of the discriminator property (`petType`).
    pub tag: String,
    pub variants: Vec<TaggedVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    pub rust_name: String,
    /// Discriminator value on the wire.
    pub tag_value: String,
    /// A struct in [`Api::types`] WITHOUT the tag property (the enum writes the tag once).
    pub ty: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedDef {
    pub variants: Vec<(String, TypeRef)>,
}
