//! `allOf` that is not an object: the result is the one type its members describe.
//!
//! AWS specs wrap nearly every field as `allOf: [{$ref: String}, {description: …}]`. Read as an
//! object, that is a struct without fields (which silently drops the value); read faithfully it
//! is the referenced type, with the wrapper's description. When members add constraints
//! (`allOf: [{$ref: Name}, {maxLength: 5}]`) they are merged into one schema (the tighter bound
//! wins) and lowered as that.

use super::schema_view::{component_name, normalize};
use super::Lowerer;
use openapiv3::{AnySchema, ReferenceOr, Schema, SchemaData, SchemaKind};

/// What an `allOf` is, once its members are looked at.
pub(crate) enum AllOf {
    /// It describes an object (some member has properties, `type: object`, a map, a union or a
    /// discriminator): the struct path merges the members' properties.
    Object,
    /// Exactly one member says what the value is, and it is this `$ref`; the others only annotate.
    Ref(Box<ReferenceOr<Schema>>),
    /// Scalars/arrays with constraints from several members, merged into one schema.
    Merged(Box<Schema>),
    /// The members contradict each other (`string` and `integer`): the reason.
    Conflict(String),
}

/// A schema that only annotates (`{description: …}`): no keyword that shapes the value.
pub(crate) fn annotation_only(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == AnySchema::default())
        && schema.schema_data.discriminator.is_none()
}

/// The schema's own data with what its inline `allOf` members say filled in where it is silent
/// (description, title, example, default, flags): a wrapper's description is the field's.
pub(crate) fn merged_data(schema: &Schema) -> SchemaData {
    let mut data = schema.schema_data.clone();
    let (SchemaKind::AllOf { all_of } | SchemaKind::Any(AnySchema { all_of, .. })) =
        &schema.schema_kind
    else {
        return data;
    };
    for member in all_of {
        let ReferenceOr::Item(m) = member else {
            continue;
        };
        let m = merged_data(m);
        data.description = data.description.or(m.description);
        data.title = data.title.or(m.title);
        data.example = data.example.or(m.example);
        data.default = data.default.or(m.default);
        data.nullable |= m.nullable;
        data.read_only |= m.read_only;
        data.write_only |= m.write_only;
        data.deprecated |= m.deprecated;
        for (k, v) in m.extensions {
            data.extensions.entry(k).or_insert(v);
        }
    }
    data
}

fn tighter_min(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn tighter_max(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn tighter_len_min(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn tighter_len_max(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `b`'s keywords merged into `a`; `Err` when the types contradict each other.
fn merge_into(a: &mut AnySchema, b: AnySchema) -> Result<(), String> {
    match (&a.typ, &b.typ) {
        (Some(x), Some(y)) if x != y => {
            // `integer` is a `number`: the narrower wins.
            let integer = |t: &str| t == "integer";
            let number = |t: &str| t == "number";
            if (integer(x) && number(y)) || (number(x) && integer(y)) {
                a.typ = Some("integer".into());
            } else {
                return Err(format!(
                    "`allOf` members have different types (`{x}` and `{y}`)"
                ));
            }
        }
        (None, Some(_)) => a.typ = b.typ.clone(),
        _ => {}
    }
    a.format = a.format.take().or(b.format);
    a.pattern = match (a.pattern.take(), b.pattern) {
        (Some(x), Some(y)) if x != y => {
            return Err(format!(
                "`allOf` members have different patterns (`{x}` and `{y}`)"
            ))
        }
        (x, y) => x.or(y),
    };
    if a.minimum.is_some() && b.minimum.is_some() {
        a.exclusive_minimum = a.exclusive_minimum.or(b.exclusive_minimum);
    } else if b.minimum.is_some() {
        a.exclusive_minimum = b.exclusive_minimum;
    }
    if a.maximum.is_some() && b.maximum.is_some() {
        a.exclusive_maximum = a.exclusive_maximum.or(b.exclusive_maximum);
    } else if b.maximum.is_some() {
        a.exclusive_maximum = b.exclusive_maximum;
    }
    a.minimum = tighter_min(a.minimum, b.minimum);
    a.maximum = tighter_max(a.maximum, b.maximum);
    a.multiple_of = a.multiple_of.or(b.multiple_of);
    a.min_length = tighter_len_min(a.min_length, b.min_length);
    a.max_length = tighter_len_max(a.max_length, b.max_length);
    a.min_items = tighter_len_min(a.min_items, b.min_items);
    a.max_items = tighter_len_max(a.max_items, b.max_items);
    a.unique_items = a.unique_items.or(b.unique_items);
    a.items = a.items.take().or(b.items);
    a.enumeration = match (a.enumeration.is_empty(), b.enumeration.is_empty()) {
        (true, _) => b.enumeration,
        (false, true) => std::mem::take(&mut a.enumeration),
        (false, false) => {
            let both: Vec<_> = a
                .enumeration
                .iter()
                .filter(|v| b.enumeration.contains(v))
                .cloned()
                .collect();
            if both.is_empty() {
                return Err("`allOf` members' `enum`s have no value in common".to_owned());
            }
            both
        }
    };
    Ok(())
}

/// Whether a (resolved) schema describes an object.
fn objectish(schema: &Schema) -> bool {
    let any = normalize(&schema.schema_kind);
    !any.properties.is_empty()
        || any.typ.as_deref() == Some("object")
        || any.additional_properties.is_some()
        || !any.one_of.is_empty()
        || !any.any_of.is_empty()
        || schema.schema_data.discriminator.is_some()
}

impl<'s> Lowerer<'s> {
    /// Follows `$ref`s (components or any other JSON pointer into the document) to a schema.
    pub(crate) fn resolve_owned(
        &mut self,
        schema: &ReferenceOr<Schema>,
    ) -> Result<(Option<String>, Schema), String> {
        let mut current = schema.clone();
        let mut name = None;
        for _ in 0..32 {
            let reference = match current {
                ReferenceOr::Item(s) => return Ok((name, s)),
                ReferenceOr::Reference { reference } => reference,
            };
            current = match component_name(&reference) {
                Some(n) => {
                    name = Some(n.to_owned());
                    self.spec
                        .components
                        .as_ref()
                        .and_then(|c| c.schemas.get(n))
                        .cloned()
                        .ok_or_else(|| format!("reference `{reference}` points to nothing"))?
                }
                None => self
                    .pointer_value(&reference)
                    .ok_or_else(|| format!("reference `{reference}` is not a schema"))?,
            };
        }
        Err("reference chain is longer than 32 steps (a cycle?)".to_owned())
    }

    /// What `allOf` (with `any.one_of`/`any_of` empty and no own properties) amounts to.
    pub(crate) fn classify_all_of(&mut self, schema: &Schema, any: &AnySchema) -> AllOf {
        if !any.properties.is_empty()
            || any.typ.as_deref() == Some("object")
            || any.additional_properties.is_some()
            || schema.schema_data.discriminator.is_some()
        {
            return AllOf::Object;
        }
        let own = AnySchema {
            all_of: Vec::new(),
            ..any.clone()
        };
        let own_says_nothing = own == AnySchema::default();
        let shaping: Vec<&ReferenceOr<Schema>> = any
            .all_of
            .iter()
            .filter(|m| match m {
                ReferenceOr::Reference { .. } => true,
                ReferenceOr::Item(s) => !annotation_only(s),
            })
            .collect();
        if let ([member @ ReferenceOr::Reference { .. }], true) = (&shaping[..], own_says_nothing) {
            // A base with a discriminator is inheritance (`Cat: allOf: [$ref: Pet]`): a struct.
            let is_base = self
                .resolve_owned(member)
                .is_ok_and(|(_, s)| s.schema_data.discriminator.is_some());
            if !is_base {
                return AllOf::Ref(Box::new((*member).clone()));
            }
        }
        let mut resolved = Vec::new();
        for member in &any.all_of {
            match self.resolve_owned(member) {
                Ok((_, s)) => resolved.push(s),
                // The object path refuses it with the member's pointer.
                Err(_) => return AllOf::Object,
            }
        }
        // Nested `allOf`s are classified recursively: an object anywhere makes an object.
        for s in &resolved {
            if objectish(s) {
                return AllOf::Object;
            }
            let inner = normalize(&s.schema_kind);
            if !inner.all_of.is_empty() && matches!(self.classify_all_of(s, &inner), AllOf::Object)
            {
                return AllOf::Object;
            }
        }
        let mut merged = own;
        for s in resolved {
            let mut inner = normalize(&s.schema_kind);
            if !inner.all_of.is_empty() {
                match self.classify_all_of(&s, &inner) {
                    AllOf::Merged(m) => inner = normalize(&m.schema_kind),
                    AllOf::Ref(r) => match self.resolve_owned(&r) {
                        Ok((_, t)) => inner = normalize(&t.schema_kind),
                        Err(e) => return AllOf::Conflict(e),
                    },
                    AllOf::Conflict(e) => return AllOf::Conflict(e),
                    AllOf::Object => return AllOf::Object,
                }
            }
            if let Err(e) = merge_into(&mut merged, inner) {
                return AllOf::Conflict(e);
            }
        }
        AllOf::Merged(Box::new(Schema {
            schema_data: merged_data(schema),
            schema_kind: SchemaKind::Any(merged),
        }))
    }
}
