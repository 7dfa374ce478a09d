//! The record of a connection type's `Content` schema (schemas marked `x-connection-type`).

/// The schema of one connection type's `Content` (a schema with `x-connection-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentSchemaInfo {
    /// The generated struct's name.
    pub name: &'static str,
    /// The `x-connection-type` value (`mysql`).
    pub connection_type: &'static str,
    /// Wire names of every property, in spec order.
    pub properties: &'static [&'static str],
    /// Wire names of the required properties.
    pub required: &'static [&'static str],
    /// Wire names of the `x-secret` properties.
    pub secret: &'static [&'static str],
    /// `x-required-any-of`: groups of which at least one property must be present.
    pub required_any_of: &'static [&'static [&'static str]],
}
