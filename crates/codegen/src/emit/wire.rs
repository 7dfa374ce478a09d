//! What the REST client and server emitters agree on: how a parameter or multipart property
//! travels as text, which parameters they can write and read, and how error answers are told
//! apart by status. One place, so the generated client and server of a spec always match.

use crate::model::{
    Api, BodyKind, ErrorCase, Field, Location, Operation, ParamStyle, StructDef, TypeKind, TypeRef,
};
use serde_json::Value;

/// How a value is written as text (parameters, multipart parts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A scalar, enum or constrained scalar: `Display` out, `FromStr` in.
    Text,
    /// A list of those.
    TextList,
    /// Raw bytes (a file part).
    Bytes,
    /// A list of files.
    BytesList,
    /// An untagged `oneOf` of text and text-list variants (`oneOf: [string, array of
    /// string]`, `oneOf: [id, uuid]`): written as its variant, read as the first variant that
    /// parses (see [`union_variants`]).
    Union,
    /// Anything else (objects, maps, lists of objects): JSON.
    Json,
}

/// The variants of a [`Shape::Union`]: (variant name, whether it is a list), in spec order.
pub fn union_variants(api: &Api, ty: &TypeRef) -> Option<Vec<(String, bool)>> {
    let TypeRef::Named(name) = resolve_alias(api, ty) else {
        return None;
    };
    let TypeKind::Untagged(def) = &api.type_def(name)?.kind else {
        return None;
    };
    def.variants
        .iter()
        .map(|(variant, ty)| match shape(api, ty) {
            Shape::Text => Some((variant.clone(), false)),
            Shape::TextList => Some((variant.clone(), true)),
            _ => None,
        })
        .collect()
}

/// The shape of `ty`, through aliases.
pub fn shape(api: &Api, ty: &TypeRef) -> Shape {
    fn text(api: &Api, ty: &TypeRef, depth: usize) -> bool {
        match ty {
            TypeRef::Scalar(_) => true,
            TypeRef::Named(name) if depth < 8 => match api.type_def(name).map(|t| &t.kind) {
                Some(TypeKind::Enum(_) | TypeKind::Newtype(_)) => true,
                Some(TypeKind::Alias(inner)) => text(api, inner, depth + 1),
                _ => false,
            },
            _ => false,
        }
    }
    let resolved = resolve_alias(api, ty);
    match resolved {
        TypeRef::Bytes => Shape::Bytes,
        _ if text(api, resolved, 0) => Shape::Text,
        TypeRef::Vec(inner) if **inner == TypeRef::Bytes => Shape::BytesList,
        TypeRef::Vec(inner) if text(api, inner, 0) => Shape::TextList,
        TypeRef::Named(name) => match api.type_def(name).map(|t| &t.kind) {
            Some(TypeKind::Untagged(def))
                if !def.variants.is_empty()
                    && def
                        .variants
                        .iter()
                        .all(|(_, v)| matches!(shape(api, v), Shape::Text | Shape::TextList)) =>
            {
                Shape::Union
            }
            _ => Shape::Json,
        },
        _ => Shape::Json,
    }
}

/// `ty` with aliases followed (a named alias of a list is the list).
pub fn resolve_alias<'a>(api: &'a Api, ty: &'a TypeRef) -> &'a TypeRef {
    let mut current = ty;
    for _ in 0..8 {
        match current {
            TypeRef::Named(name) => match api.type_def(name).map(|t| &t.kind) {
                Some(TypeKind::Alias(inner)) => current = inner,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}

/// The kind of the operation's request body, if it has one.
pub fn body_kind(op: &Operation) -> Option<BodyKind> {
    op.body_media_type.as_deref().map(BodyKind::of)
}

/// The struct a multipart body is made of, if its type is one.
pub fn body_struct<'a>(api: &'a Api, ty: &'a TypeRef) -> Option<&'a StructDef> {
    match resolve_alias(api, ty) {
        TypeRef::Named(name) => match &api.type_def(name)?.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// Why the REST emitters cannot write or read request field `field` of `op`, if they cannot.
pub fn unsupported(api: &Api, op: &Operation, field: &Field) -> Option<String> {
    let location = field.location.unwrap_or(Location::Query);
    if location == Location::Body {
        return match body_kind(op) {
            Some(BodyKind::Multipart) => match body_struct(api, &field.ty) {
                None => Some("a multipart body must be an object of properties".to_owned()),
                Some(s)
                    if s.fields
                        .iter()
                        .any(|f| f.flatten && flattened_structs(api, &f.ty).is_none()) =>
                {
                    Some(
                        "a multipart body with a `oneOf`/`anyOf` beside its properties must have \
                         object variants without discriminator"
                            .to_owned(),
                    )
                }
                Some(_) => None,
            },
            _ => None,
        };
    }
    if location == Location::Form {
        return Some("form parameters outside a body are not supported".to_owned());
    }
    let style = field.param.as_ref().map_or(ParamStyle::Form, |p| p.style);
    if matches!(
        style,
        ParamStyle::DeepObject | ParamStyle::Label | ParamStyle::Matrix
    ) {
        return Some(format!(
            "parameter style `{}` is not supported (form, simple, spaceDelimited and \
             pipeDelimited are)",
            match style {
                ParamStyle::DeepObject => "deepObject",
                ParamStyle::Label => "label",
                _ => "matrix",
            }
        ));
    }
    match shape(api, &field.ty) {
        Shape::Text | Shape::TextList | Shape::Union => {}
        _ => {
            return Some(
                "parameters must be scalars, enums or lists of them (objects travel in bodies)"
                    .to_owned(),
            )
        }
    }
    if let Some(default) = &field.default {
        if default_texts(default).is_none() || shape(api, &field.ty) == Shape::Union {
            return Some("a parameter default must be a scalar or a list of scalars".to_owned());
        }
    }
    None
}

/// A spec default as the text(s) it would travel as (`true`, `20`, `["a", "b"]`).
pub fn default_texts(value: &Value) -> Option<Vec<String>> {
    fn one(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    match value {
        Value::Array(items) => items.iter().map(one).collect(),
        other => one(other).map(|t| vec![t]),
    }
}

/// Which answers an error case stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusPattern {
    /// One status (`404`).
    Exact(u16),
    /// A class (`4XX`): the first digit.
    Range(u16),
    /// `default`: any status no other case names.
    Default,
}

/// The statuses `case` stands for (REST cases: a documented status, a `4XX` class named
/// `Status4xx` by lowering, or `default`).
pub fn status_pattern(case: &ErrorCase) -> Option<StatusPattern> {
    if let Some(status) = case.http_status {
        return Some(StatusPattern::Exact(status));
    }
    if case.code == "Default" {
        return Some(StatusPattern::Default);
    }
    let digit = case.code.strip_prefix("Status")?.strip_suffix("xx")?;
    let digit: u16 = digit.parse().ok()?;
    (1..=5)
        .contains(&digit)
        .then_some(StatusPattern::Range(digit))
}

/// A media type fit for `HeaderValue::from_static` (visible ASCII), else octet-stream.
pub fn static_media(media: Option<&str>, fallback: &'static str) -> String {
    match media {
        Some(m) if !m.is_empty() && m.bytes().all(|b| (0x20..0x7f).contains(&b)) => m.to_owned(),
        _ => fallback.to_owned(),
    }
}

/// The variants of a flattened untagged `oneOf` whose members are all structs (without nested
/// flattening): (variant name, struct name, struct), as a multipart body writes and reads them.
pub fn flattened_structs<'a>(
    api: &'a Api,
    ty: &'a TypeRef,
) -> Option<Vec<(&'a str, &'a str, &'a StructDef)>> {
    let TypeRef::Named(name) = resolve_alias(api, ty) else {
        return None;
    };
    let TypeKind::Untagged(def) = &api.type_def(name)?.kind else {
        return None;
    };
    def.variants
        .iter()
        .map(|(variant, ty)| match resolve_alias(api, ty) {
            TypeRef::Named(name) => match &api.type_def(name)?.kind {
                TypeKind::Struct(s) if !s.fields.iter().any(|f| f.flatten) => {
                    Some((variant.as_str(), name.as_str(), s))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}
