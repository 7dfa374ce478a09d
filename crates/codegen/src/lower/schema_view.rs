//! One uniform view of a schema.
//!
//! `openapiv3` only parses a schema into a typed variant (`Type::String`, ...) when its keywords
//! match that variant exactly; anything else (a string with `minimum`, an object with `allOf`)
//! lands in `AnySchema`. Lowering reads every schema through `AnySchema` so both shapes take the
//! same path.

use openapiv3::{
    AnySchema, OpenAPI, ReferenceOr, Schema, SchemaKind, StringType, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

/// `#/components/schemas/<name>` -> `<name>`; `None` for any other pointer (one into a schema,
/// `#/components/schemas/A/properties/b`, or a name that needs escaping), which lowering reads
/// as a JSON pointer instead.
pub fn component_name(reference: &str) -> Option<&str> {
    reference
        .strip_prefix("#/components/schemas/")
        .filter(|name| !name.contains(['/', '~']))
}

/// Follows `$ref`s (also chains of them) to the schema, with the last component name seen.
pub fn resolve<'s>(
    spec: &'s OpenAPI,
    schema: &'s ReferenceOr<Schema>,
) -> Result<(Option<&'s str>, &'s Schema), String> {
    let mut current = schema;
    let mut name = None;
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(s) => return Ok((name, s)),
            ReferenceOr::Reference { reference } => {
                let n = component_name(reference).ok_or_else(|| {
                    format!("reference `{reference}` is not into #/components/schemas")
                })?;
                current = spec
                    .components
                    .as_ref()
                    .and_then(|c| c.schemas.get(n))
                    .ok_or_else(|| format!("reference `{reference}` points to nothing"))?;
                name = Some(n);
            }
        }
    }
    Err("reference chain is longer than 32 steps (a cycle?)".to_owned())
}

/// The same for boxed schemas (object properties, array items).
pub fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Item(s) => ReferenceOr::Item((**s).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

fn format_text<T: serde::Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => {
            serde_json::to_value(item).ok()?.as_str().map(str::to_owned)
        }
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn number(v: f64) -> Option<serde_json::Number> {
    serde_json::Number::from_f64(v)
}

/// Every schema kind as an `AnySchema` (`typ` filled in for the typed variants).
pub fn normalize(kind: &SchemaKind) -> AnySchema {
    match kind {
        SchemaKind::Type(Type::String(StringType {
            format,
            pattern,
            enumeration,
            min_length,
            max_length,
        })) => AnySchema {
            typ: Some("string".into()),
            format: format_text(format),
            pattern: pattern.clone(),
            enumeration: enumeration
                .iter()
                .map(|v| v.clone().map_or(Value::Null, Value::String))
                .collect(),
            min_length: *min_length,
            max_length: *max_length,
            ..AnySchema::default()
        },
        SchemaKind::Type(Type::Integer(t)) => AnySchema {
            typ: Some("integer".into()),
            format: format_text(&t.format),
            multiple_of: t.multiple_of.map(|v| v as f64),
            exclusive_minimum: Some(t.exclusive_minimum),
            exclusive_maximum: Some(t.exclusive_maximum),
            minimum: t.minimum.map(|v| v as f64),
            maximum: t.maximum.map(|v| v as f64),
            enumeration: t
                .enumeration
                .iter()
                .map(|v| v.map_or(Value::Null, Value::from))
                .collect(),
            ..AnySchema::default()
        },
        SchemaKind::Type(Type::Number(t)) => AnySchema {
            typ: Some("number".into()),
            format: format_text(&t.format),
            multiple_of: t.multiple_of,
            exclusive_minimum: Some(t.exclusive_minimum),
            exclusive_maximum: Some(t.exclusive_maximum),
            minimum: t.minimum,
            maximum: t.maximum,
            enumeration: t
                .enumeration
                .iter()
                .map(|v| v.and_then(number).map_or(Value::Null, Value::Number))
                .collect(),
            ..AnySchema::default()
        },
        SchemaKind::Type(Type::Boolean(t)) => AnySchema {
            typ: Some("boolean".into()),
            enumeration: t
                .enumeration
                .iter()
                .map(|v| v.map_or(Value::Null, Value::Bool))
                .collect(),
            ..AnySchema::default()
        },
        SchemaKind::Type(Type::Object(t)) => AnySchema {
            typ: Some("object".into()),
            properties: t.properties.clone(),
            required: t.required.clone(),
            additional_properties: t.additional_properties.clone(),
            min_properties: t.min_properties,
            max_properties: t.max_properties,
            ..AnySchema::default()
        },
        SchemaKind::Type(Type::Array(t)) => AnySchema {
            typ: Some("array".into()),
            items: t.items.clone(),
            min_items: t.min_items,
            max_items: t.max_items,
            unique_items: Some(t.unique_items),
            ..AnySchema::default()
        },
        SchemaKind::OneOf { one_of } => AnySchema {
            one_of: one_of.clone(),
            ..AnySchema::default()
        },
        SchemaKind::AllOf { all_of } => AnySchema {
            all_of: all_of.clone(),
            ..AnySchema::default()
        },
        SchemaKind::AnyOf { any_of } => AnySchema {
            any_of: any_of.clone(),
            ..AnySchema::default()
        },
        SchemaKind::Not { not } => AnySchema {
            not: Some(not.clone()),
            ..AnySchema::default()
        },
        SchemaKind::Any(any) => any.clone(),
    }
}
