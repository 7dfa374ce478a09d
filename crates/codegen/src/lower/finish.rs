//! Passes over the whole model once every type exists: tag stripping, defaults, usage, boxing.

use crate::model::{Api, Constraints, EnumValue, Scalar, TypeKind, TypeRef};
use crate::refusal::Refusal;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) fn finish(api: &mut Api, refusals: &mut Vec<Refusal>) {
    strip_tags(api, refusals);
    check_defaults(api, refusals);
    mark_usage(api);
    mark_boxed(api);
}

fn index(api: &Api) -> BTreeMap<String, usize> {
    api.types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect()
}

/// The enum writes the discriminator once; the variant structs must not write it again.
fn strip_tags(api: &mut Api, refusals: &mut Vec<Refusal>) {
    let idx = index(api);
    let mut strips: Vec<(usize, String)> = Vec::new();
    for t in &api.types {
        let TypeKind::Tagged(tagged) = &t.kind else {
            continue;
        };
        for v in &tagged.variants {
            match idx.get(&v.ty).map(|i| (*i, &api.types[*i].kind)) {
                Some((i, TypeKind::Struct(_))) => strips.push((i, tagged.tag.clone())),
                // Named by its spec key (`#/components/schemas/Key`), not by its Rust name.
                found => refusals.push(Refusal {
                    pointer: t.pointer.clone(),
                    reason: format!(
                        "discriminator value `{}` maps to `{}`, which is not an object schema",
                        v.tag_value,
                        found.map_or(v.ty.as_str(), |(i, _)| api.types[i].pointer.as_str())
                    ),
                }),
            }
        }
    }
    for (i, tag) in strips {
        if let TypeKind::Struct(s) = &mut api.types[i].kind {
            s.fields.retain(|f| f.wire_name != tag);
        }
    }
}

/// Keeps a default only when the generated code can build it as a constant; a default that breaks
/// its own constraints is refused (the generated code would otherwise start from an invalid value).
fn check_defaults(api: &mut Api, refusals: &mut Vec<Refusal>) {
    let snapshot = api.types.clone();
    let idx = index(api);
    for t in &mut api.types {
        let TypeKind::Struct(s) = &mut t.kind else {
            continue;
        };
        for f in &mut s.fields {
            let Some(default) = f.default.clone() else {
                continue;
            };
            match default_ok(&f.ty, &default, &snapshot, &idx) {
                Ok(true) => {}
                Ok(false) => f.default = None,
                Err(reason) => {
                    refusals.push(Refusal {
                        pointer: format!(
                            "{}/properties/{}",
                            t.pointer,
                            crate::refusal::escape_segment(&f.wire_name)
                        ),
                        reason: format!("default {default} is invalid: {reason}"),
                    });
                    f.default = None;
                }
            }
        }
    }
}

fn scalar_accepts(s: Scalar, v: &Value) -> bool {
    match s {
        Scalar::String => v.is_string(),
        Scalar::Bool => v.is_boolean(),
        Scalar::I32 => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Scalar::I64 => v.is_i64(),
        Scalar::F32 | Scalar::F64 => v.is_number(),
    }
}

fn default_ok(
    ty: &TypeRef,
    v: &Value,
    types: &[crate::model::TypeDef],
    idx: &BTreeMap<String, usize>,
) -> Result<bool, String> {
    match ty {
        TypeRef::Scalar(s) => Ok(scalar_accepts(*s, v)),
        TypeRef::Named(n) => match idx.get(n).map(|i| &types[*i].kind) {
            Some(TypeKind::Enum(e)) => Ok(e.variants.iter().any(|var| match (&var.value, v) {
                (EnumValue::Str(s), Value::String(x)) => s == x,
                (EnumValue::Int(i), Value::Number(x)) => x.as_i64() == Some(*i),
                _ => false,
            })),
            Some(TypeKind::Newtype(nt)) if scalar_accepts(nt.inner, v) => {
                check(&nt.constraints, v).map(|()| true)
            }
            Some(TypeKind::Alias(inner @ TypeRef::Scalar(_))) => default_ok(inner, v, types, idx),
            _ => Ok(false),
        },
        _ => Ok(false),
    }
}

/// The same checks the generated code makes, at generation time.
pub(crate) fn check(c: &Constraints, v: &Value) -> Result<(), String> {
    if let Some(n) = v.as_f64() {
        if let Some(min) = c.minimum {
            if n < min || (c.exclusive_minimum && n == min) {
                return Err(format!("below the minimum {min}"));
            }
        }
        if let Some(max) = c.maximum {
            if n > max || (c.exclusive_maximum && n == max) {
                return Err(format!("above the maximum {max}"));
            }
        }
    }
    if let Some(s) = v.as_str() {
        let len = s.chars().count();
        if c.min_length.is_some_and(|m| len < m) || c.max_length.is_some_and(|m| len > m) {
            return Err("length out of range".to_owned());
        }
        if let Some(p) = &c.pattern {
            if !regex::Regex::new(p).map(|r| r.is_match(s)).unwrap_or(false) {
                return Err(format!("does not match `{p}`"));
            }
        }
    }
    Ok(())
}

fn refs_of(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Untagged(u) => u.variants.iter().map(|(_, t)| t).collect(),
        TypeKind::Alias(t) => vec![t],
        // Tagged variants are names, not references: `names_in` adds them.
        TypeKind::Tagged(_) | TypeKind::Enum(_) | TypeKind::Newtype(_) => Vec::new(),
    }
}

/// Named types a kind refers to; `direct` = not behind a `Vec`/map (so containment needs a `Box`).
fn names_in(kind: &TypeKind, direct: bool) -> Vec<String> {
    fn walk(t: &TypeRef, direct: bool, out: &mut Vec<String>) {
        match t {
            TypeRef::Named(n) => out.push(n.clone()),
            TypeRef::Vec(inner) | TypeRef::Map(inner) if !direct => walk(inner, direct, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let TypeKind::Tagged(t) = kind {
        out.extend(t.variants.iter().map(|v| v.ty.clone()));
    }
    for r in refs_of(kind) {
        walk(r, direct, &mut out);
    }
    out
}

fn mark_usage(api: &mut Api) {
    let idx = index(api);
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for op in &api.operations {
        request_roots.push(op.request.clone());
        let mut tmp = Vec::new();
        for t in op
            .response
            .ty
            .iter()
            .chain(op.errors.iter().filter_map(|e| e.body.as_ref()))
        {
            collect(t, &mut tmp);
        }
        response_roots.extend(tmp);
    }
    for (roots, is_request) in [(request_roots, true), (response_roots, false)] {
        let mut seen = BTreeSet::new();
        let mut stack = roots;
        while let Some(name) = stack.pop() {
            let Some(&i) = idx.get(&name) else { continue };
            if !seen.insert(name) {
                continue;
            }
            let t = &mut api.types[i];
            if is_request {
                t.usage.request = true;
            } else {
                t.usage.response = true;
            }
            stack.extend(names_in(&t.kind, false));
        }
    }
    for t in &mut api.types {
        if let TypeKind::Enum(e) = &mut t.kind {
            e.open = t.usage.response;
        }
    }
}

fn collect(t: &TypeRef, out: &mut Vec<String>) {
    match t {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => collect(inner, out),
        _ => {}
    }
}

/// A field whose type contains its own struct (directly) is boxed, or the type would be infinite.
fn mark_boxed(api: &mut Api) {
    let idx = index(api);
    let edges: Vec<Vec<String>> = api.types.iter().map(|t| names_in(&t.kind, true)).collect();
    let reaches = |from: &str, target: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            if n == target {
                return true;
            }
            if let Some(&i) = idx.get(&n) {
                if seen.insert(n) {
                    stack.extend(edges[i].iter().cloned());
                }
            }
        }
        false
    };
    let mut boxed = Vec::new();
    for (ti, t) in api.types.iter().enumerate() {
        let TypeKind::Struct(s) = &t.kind else {
            continue;
        };
        for (fi, f) in s.fields.iter().enumerate() {
            if let TypeRef::Named(n) = &f.ty {
                if reaches(n, &t.name) {
                    boxed.push((ti, fi));
                }
            }
        }
    }
    for (ti, fi) in boxed {
        if let TypeKind::Struct(s) = &mut api.types[ti].kind {
            s.fields[fi].boxed = true;
        }
    }
}
