//! The runtime of generated types crates (`dataworks-types` is one): what every spec's models need
//! and no spec determines. The validation and parameter errors, the record of a documented error
//! code, the RPC parameter codec ([`RpcParam`]) with its scalar and JSON implementations, and the
//! helpers that generated `from_params` and `Deserialize` code calls, and the record of a
//! connection type's `Content` schema.
//!
//! Hand-written, like `acs-client` under the generated clients: the generator (`crates/codegen`)
//! writes only the spec's types and re-exports the public items here, so users of a generated
//! crate keep naming `dataworks_types::ValidationError` and never need this crate.

mod content;
mod errors;
mod params;

pub use content::ContentSchemaInfo;
pub use errors::{ErrorCode, ParamError, ValidationError};
pub use params::{
    checked_optional_param, checked_param, from_json_param, json_param, optional_param,
    parse_integer, required_param, IntOrString, RpcParam,
};
