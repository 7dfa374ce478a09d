//! Schemas -> type references and named type definitions.

use super::compose::{merged_data, AllOf};
use super::names::{pascal, snake, NameSet};
use super::schema_view::{component_name, normalize, resolve, unbox};
use super::Lowerer;
use crate::model::{
    Constraints, Docs, EnumDef, EnumRepr, EnumValue, EnumVariant, Field, NewtypeDef, Role, Scalar,
    StructDef, TaggedDef, TaggedVariant, TypeDef, TypeKind, TypeRef, UntaggedDef, Usage,
};
use openapiv3::{AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaData};
use serde_json::Value;

/// Where an inline schema sits, to name what it becomes.
#[derive(Debug, Clone)]
pub(crate) struct Hint<'h> {
    /// PascalCase owner (struct or operation name), used as a prefix when the bare name is taken.
    pub owner: &'h str,
    /// Wire name of the property/parameter (or a synthetic name like `UpdateThingResponse`).
    pub name: &'h str,
    pub pointer: String,
}

/// What a schema turns into, before it gets a name.
enum Plan {
    Ref(TypeRef),
    Enum(EnumDef),
    Newtype(NewtypeDef),
    Object {
        props: Vec<Prop>,
        /// `oneOf`/`anyOf` beside the properties (or inside `allOf` members): flattened fields.
        groups: Vec<Group>,
        /// `additionalProperties` beside properties: the other keys, as a flattened map.
        extra: Option<TypeRef>,
        connection_type: Option<String>,
        required_any_of: Vec<Vec<String>>,
    },
    OneOf {
        members: Vec<ReferenceOr<Schema>>,
        discriminator: Option<openapiv3::Discriminator>,
        keyword: &'static str,
    },
    /// A base schema with a discriminator and no oneOf: its subtypes say `allOf: [base, ...]`.
    Hierarchy {
        discriminator: openapiv3::Discriminator,
    },
}

/// A `oneOf`/`anyOf` that sits beside properties: the struct gets one `#[serde(flatten)]` field
/// of the union it becomes.
#[derive(Clone)]
struct Group {
    members: Vec<ReferenceOr<Schema>>,
    keyword: &'static str,
    discriminator: Option<openapiv3::Discriminator>,
    /// Pointer of the schema holding the keyword.
    pointer: String,
}

#[derive(Clone)]
struct Prop {
    name: String,
    schema: ReferenceOr<Schema>,
    required: bool,
    pointer: String,
}

const MAX_DEPTH: usize = 16;

impl<'s> Lowerer<'s> {
    /// The type a field/parameter/body of this schema has.
    pub(crate) fn type_ref(&mut self, schema: &ReferenceOr<Schema>, hint: &Hint) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } if component_name(reference).is_none() => {
                match self.pointer_schema(reference) {
                    // A `$ref` elsewhere into the document (e.g. a response's schema) is inlined.
                    Some(target) => self.inline(&target, hint),
                    None => self.named_ref(reference, &hint.pointer),
                }
            }
            ReferenceOr::Reference { reference } => self.named_ref(reference, &hint.pointer),
            ReferenceOr::Item(s) => self.inline(s, hint),
        }
    }

    /// What an in-document JSON pointer points to, read as a schema (or a `$ref`), if it is one.
    pub(crate) fn pointer_value(&mut self, reference: &str) -> Option<ReferenceOr<Schema>> {
        let pointer = reference.strip_prefix('#')?;
        if self.document.is_none() {
            self.document = Some(serde_json::to_value(self.spec).unwrap_or_default());
        }
        let found = self.document.as_ref()?.pointer(pointer)?.clone();
        serde_json::from_value::<ReferenceOr<Schema>>(found).ok()
    }

    /// The schema at an in-document JSON pointer that is not a component (`#/components/responses/
    /// X/content/application~1json/schema`); `None` when it is not a schema.
    fn pointer_schema(&mut self, reference: &str) -> Option<Schema> {
        match self.pointer_value(reference)? {
            ReferenceOr::Item(schema) => Some(schema),
            // A pointer to a pointer: resolve the component it names, if any.
            ReferenceOr::Reference { reference } => {
                resolve(self.spec, &ReferenceOr::Reference { reference })
                    .ok()
                    .map(|(_, s)| s.clone())
            }
        }
    }

    fn named_ref(&mut self, reference: &str, ptr: &str) -> TypeRef {
        match component_name(reference).and_then(|n| self.component_names.get(n)) {
            Some(name) => TypeRef::Named(name.clone()),
            None => {
                self.refuse(
                    ptr,
                    format!("reference `{reference}` is not a schema in #/components/schemas"),
                );
                TypeRef::Json
            }
        }
    }

    fn inline(&mut self, schema: &Schema, hint: &Hint) -> TypeRef {
        let plan = self.plan(schema, hint, 0);
        let docs = docs_of(&merged_data(schema), &[]);
        let bare = pascal(hint.name, "T");
        let prefixed = format!("{}{}", hint.owner, bare);
        match plan {
            Plan::Ref(r) => r,
            Plan::Enum(e) => self.define(&[bare, prefixed], &hint.pointer, docs, TypeKind::Enum(e)),
            Plan::Newtype(n) => {
                let docs = Docs {
                    constraints: describe(&n.constraints),
                    ..docs
                };
                self.define(&[bare, prefixed], &hint.pointer, docs, TypeKind::Newtype(n))
            }
            plan => {
                let candidates = if hint.owner.is_empty() {
                    vec![bare]
                } else {
                    vec![prefixed]
                };
                let name = self.names.claim(&candidates);
                let slot = self.reserve_slot(&name, &hint.pointer);
                self.types[slot].docs = docs;
                self.types[slot].kind = self.build(&name, plan, &hint.pointer);
                TypeRef::Named(name)
            }
        }
    }

    /// A named enum/newtype; an identical one already defined under a candidate name is reused.
    fn define(&mut self, candidates: &[String], ptr: &str, docs: Docs, kind: TypeKind) -> TypeRef {
        if let Some(existing) = self
            .types
            .iter()
            .find(|t| candidates.contains(&t.name) && t.kind == kind)
        {
            return TypeRef::Named(existing.name.clone());
        }
        let name = self.names.claim(candidates);
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: ptr.to_owned(),
            docs,
            kind,
            usage: Usage::default(),
            role: Role::Schema,
        });
        TypeRef::Named(name)
    }

    /// A component schema's definition (named already).
    pub(crate) fn component_kind(
        &mut self,
        key: &str,
        name: &str,
        schema: &ReferenceOr<Schema>,
        ptr: &str,
    ) -> (Docs, TypeKind) {
        let hint = Hint {
            owner: "",
            name: key,
            pointer: ptr.to_owned(),
        };
        match schema {
            ReferenceOr::Reference { reference } => (
                Docs::default(),
                TypeKind::Alias(self.named_ref(reference, ptr)),
            ),
            ReferenceOr::Item(s) => {
                let plan = self.plan(s, &hint, 0);
                let mut docs = docs_of(&merged_data(s), &[]);
                let kind = match plan {
                    Plan::Ref(r) => TypeKind::Alias(r),
                    Plan::Enum(e) => TypeKind::Enum(e),
                    Plan::Newtype(n) => {
                        docs.constraints = describe(&n.constraints);
                        TypeKind::Newtype(n)
                    }
                    plan => self.build(name, plan, ptr),
                };
                (docs, kind)
            }
        }
    }

    fn build(&mut self, name: &str, plan: Plan, ptr: &str) -> TypeKind {
        match plan {
            Plan::Object {
                props,
                groups,
                extra,
                connection_type,
                required_any_of,
            } => {
                let mut def = self.build_struct(name, props, connection_type);
                def.required_any_of = required_any_of;
                self.flatten_groups(name, groups, &mut def);
                if let Some(value) = extra {
                    def.fields.push(extra_field(&def, value));
                }
                TypeKind::Struct(def)
            }
            Plan::OneOf {
                members,
                discriminator: Some(d),
                ..
            } => TypeKind::Tagged(self.tagged_from_members(&members, &d, ptr)),
            Plan::OneOf {
                members,
                discriminator: None,
                keyword,
            } => {
                let mut variant_names = NameSet::default();
                let mut variants = Vec::new();
                for (i, member) in members.iter().enumerate() {
                    let member_ptr = format!("{ptr}/{keyword}/{i}");
                    let hint_name = format!("{name}Variant{i}");
                    let ty = self.type_ref(
                        member,
                        &Hint {
                            owner: "",
                            name: &hint_name,
                            pointer: member_ptr,
                        },
                    );
                    let stem = match &ty {
                        TypeRef::Named(n) => n.clone(),
                        TypeRef::Scalar(s) => format!("{s:?}"),
                        TypeRef::Vec(_) => "List".to_owned(),
                        TypeRef::Map(_) => "Map".to_owned(),
                        TypeRef::Json => "Value".to_owned(),
                        TypeRef::Bytes => "Bytes".to_owned(),
                    };
                    variants.push((variant_names.claim(&[stem]), ty));
                }
                TypeKind::Untagged(UntaggedDef { variants })
            }
            Plan::Hierarchy { discriminator } => {
                TypeKind::Tagged(self.tagged_from_hierarchy(name, &discriminator, ptr))
            }
            // Scalars, enums and newtypes are handled by the callers.
            Plan::Ref(r) => TypeKind::Alias(r),
            Plan::Enum(e) => TypeKind::Enum(e),
            Plan::Newtype(n) => TypeKind::Newtype(n),
        }
    }

    fn build_struct(
        &mut self,
        owner: &str,
        props: Vec<Prop>,
        connection_type: Option<String>,
    ) -> StructDef {
        let mut field_names = NameSet::default();
        let mut fields = Vec::new();
        for prop in props {
            let data = match &prop.schema {
                ReferenceOr::Item(s) => Some(merged_data(s)),
                ReferenceOr::Reference { .. } => None,
            };
            let data = data.unwrap_or_default();
            let flag = |k: &str| {
                data.extensions
                    .get(k)
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            };
            let request_id = flag("x-acs-request-id");
            let secret = flag("x-secret");
            let ty = if request_id {
                TypeRef::Scalar(Scalar::String)
            } else {
                self.type_ref(
                    &prop.schema,
                    &Hint {
                        owner,
                        name: &prop.name,
                        pointer: prop.pointer.clone(),
                    },
                )
            };
            let constraints = self.inline_constraints(&prop.schema);
            fields.push(Field {
                rust_name: field_names.claim_snake(&snake(&prop.name)),
                wire_name: prop.name,
                ty,
                // A required `readOnly` property is absent from requests and a `writeOnly` one
                // from answers: one struct serves both, so neither can be required.
                required: prop.required && !data.read_only && !data.write_only,
                nullable: data.nullable,
                default: data.default.clone(),
                docs: docs_of(&data, &constraints),
                secret,
                request_id,
                boxed: false,
                location: None,
                flatten: false,
                param: None,
            });
        }
        StructDef {
            fields,
            connection_type,
            required_any_of: Vec::new(),
        }
    }

    /// Constraint phrases of an inline scalar schema, for field docs.
    fn inline_constraints(&self, schema: &ReferenceOr<Schema>) -> Vec<String> {
        match schema {
            ReferenceOr::Item(s) => describe(&constraints_of(&normalize(&s.schema_kind))),
            ReferenceOr::Reference { .. } => Vec::new(),
        }
    }

    pub(crate) fn resolve_or_refuse<'a>(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        ptr: &str,
    ) -> Option<(Option<&'a str>, &'a Schema)>
    where
        's: 'a,
    {
        match resolve(self.spec, schema) {
            Ok(found) => Some(found),
            Err(reason) => {
                self.refuse(ptr, reason);
                None
            }
        }
    }

    fn plan(&mut self, schema: &Schema, hint: &Hint, depth: usize) -> Plan {
        let any = normalize(&schema.schema_kind);
        let ptr = &hint.pointer;
        if any.not.is_some() {
            self.refuse(format!("{ptr}/not"), "`not` is not supported");
            return Plan::Ref(TypeRef::Json);
        }
        if !any.all_of.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() {
            match self.classify_all_of(schema, &any) {
                AllOf::Object => {}
                AllOf::Ref(member) => return Plan::Ref(self.type_ref(&member, hint)),
                AllOf::Merged(merged) if depth < MAX_DEPTH => {
                    return self.plan(&merged, hint, depth + 1)
                }
                AllOf::Merged(_) => {
                    self.refuse(
                        format!("{ptr}/allOf"),
                        "allOf nesting is deeper than 16 levels (a cycle?)",
                    );
                    return Plan::Ref(TypeRef::Json);
                }
                AllOf::Conflict(reason) => {
                    self.refuse(format!("{ptr}/allOf"), reason);
                    return Plan::Ref(TypeRef::Json);
                }
            }
        }
        if !any.one_of.is_empty() || !any.any_of.is_empty() {
            // Properties beside a discriminated union that are only the tag are the tag, which
            // the union writes itself; any other property makes a struct with the union flattened.
            let only_tag = match &schema.schema_data.discriminator {
                Some(d) => any.properties.keys().all(|k| *k == d.property_name),
                None => any.properties.is_empty(),
            };
            let one_keyword = any.one_of.is_empty() || any.any_of.is_empty();
            if !only_tag || !any.all_of.is_empty() || !one_keyword {
                return self.object_plan(schema, &any, hint, depth);
            }
            let (members, keyword) = if any.one_of.is_empty() {
                (any.any_of.clone(), "anyOf")
            } else {
                (any.one_of.clone(), "oneOf")
            };
            return Plan::OneOf {
                members,
                discriminator: schema.schema_data.discriminator.clone(),
                keyword,
            };
        }
        if let Some(d) = &schema.schema_data.discriminator {
            if hint.owner.is_empty() && ptr.starts_with("#/components/schemas/") {
                return Plan::Hierarchy {
                    discriminator: d.clone(),
                };
            }
        }
        if !any.all_of.is_empty()
            || !any.properties.is_empty()
            || any.typ.as_deref() == Some("object")
        {
            return self.object_plan(schema, &any, hint, depth);
        }
        match any.typ.as_deref() {
            Some("array") => {
                let item_name = format!("{}Item", hint.name);
                let items = match &any.items {
                    Some(items) => {
                        let item_hint = Hint {
                            owner: hint.owner,
                            name: &item_name,
                            pointer: format!("{ptr}/items"),
                        };
                        self.type_ref(&unbox(items), &item_hint)
                    }
                    None => TypeRef::Json,
                };
                Plan::Ref(TypeRef::Vec(Box::new(items)))
            }
            Some("string") | Some("integer") | Some("number") | Some("boolean") => {
                self.scalar_plan(schema, &any, hint)
            }
            None if !any.enumeration.is_empty()
                && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) =>
            {
                self.scalar_plan(
                    schema,
                    &AnySchema {
                        typ: Some("string".into()),
                        ..any.clone()
                    },
                    hint,
                )
            }
            None if any.items.is_some() => {
                let fixed = AnySchema {
                    typ: Some("array".into()),
                    ..any.clone()
                };
                let s = Schema {
                    schema_data: schema.schema_data.clone(),
                    schema_kind: openapiv3::SchemaKind::Any(fixed),
                };
                self.plan(&s, hint, depth)
            }
            _ => Plan::Ref(TypeRef::Json),
        }
    }

    fn object_plan(&mut self, schema: &Schema, any: &AnySchema, hint: &Hint, depth: usize) -> Plan {
        let mut props: Vec<Prop> = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        self.collect_props(
            any,
            schema.schema_data.discriminator.as_ref(),
            &hint.pointer,
            (&mut props, &mut groups),
            depth,
        );
        // A discriminated union writes its tag itself.
        for d in groups.iter().filter_map(|g| g.discriminator.as_ref()) {
            props.retain(|p| p.name != d.property_name);
        }
        let connection_type = schema
            .schema_data
            .extensions
            .get("x-connection-type")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let required_any_of = required_any_of(schema);
        if props.is_empty() && groups.is_empty() && any.all_of.is_empty() {
            match &any.additional_properties {
                Some(AdditionalProperties::Schema(value)) => {
                    let value_name = format!("{}Value", hint.name);
                    let value_hint = Hint {
                        owner: hint.owner,
                        name: &value_name,
                        pointer: format!("{}/additionalProperties", hint.pointer),
                    };
                    let value = self.type_ref(value, &value_hint);
                    return Plan::Ref(TypeRef::Map(Box::new(value)));
                }
                Some(AdditionalProperties::Any(false)) => {}
                _ if connection_type.is_none() => {
                    return Plan::Ref(TypeRef::Map(Box::new(TypeRef::Json)))
                }
                _ => {}
            }
        }
        let extra = match &any.additional_properties {
            Some(AdditionalProperties::Schema(value)) => {
                let value_name = format!("{}Value", hint.name);
                let value_hint = Hint {
                    owner: hint.owner,
                    name: &value_name,
                    pointer: format!("{}/additionalProperties", hint.pointer),
                };
                Some(self.type_ref(value, &value_hint))
            }
            // `additionalProperties: true` only allows more keys; a struct keeps its named ones
            // (the project's own `Content` schemas rely on that).
            _ => None,
        };
        Plan::Object {
            props,
            groups,
            extra,
            connection_type,
            required_any_of,
        }
    }

    /// Properties of an object, `allOf` members merged in (members first, then own properties);
    /// `oneOf`/`anyOf` met on the way become groups (flattened fields).
    fn collect_props(
        &mut self,
        any: &AnySchema,
        discriminator: Option<&openapiv3::Discriminator>,
        ptr: &str,
        (out, groups): (&mut Vec<Prop>, &mut Vec<Group>),
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            self.refuse(ptr, "allOf nesting is deeper than 16 levels (a cycle?)");
            return;
        }
        for (i, member) in any.all_of.iter().enumerate() {
            let member_ptr = format!("{ptr}/allOf/{i}");
            let resolved = match self.resolve_owned(member) {
                Ok((_, resolved)) => resolved,
                Err(reason) => {
                    self.refuse(member_ptr, reason);
                    continue;
                }
            };
            let mut member_any = normalize(&resolved.schema_kind);
            let member_disc = resolved.schema_data.discriminator.as_ref();
            if member_disc.is_some() && matches!(member, ReferenceOr::Reference { .. }) {
                // `allOf: [$ref: Base, ...]` with a discriminator on Base is inheritance: the
                // subtype takes Base's properties, not Base's union of subtypes (itself among them).
                member_any.one_of.clear();
                member_any.any_of.clear();
            }
            self.collect_props(
                &member_any,
                member_disc,
                &member_ptr,
                (&mut *out, &mut *groups),
                depth + 1,
            );
        }
        for (list, keyword) in [(&any.one_of, "oneOf"), (&any.any_of, "anyOf")] {
            if !list.is_empty() {
                groups.push(Group {
                    members: list.clone(),
                    keyword,
                    discriminator: discriminator.cloned(),
                    pointer: ptr.to_owned(),
                });
            }
        }
        for (name, schema) in &any.properties {
            let prop = Prop {
                name: name.clone(),
                schema: unbox(schema),
                required: false,
                pointer: format!("{ptr}/properties/{}", crate::refusal::escape_segment(name)),
            };
            match out.iter_mut().find(|p| p.name == *name) {
                Some(existing) => {
                    *existing = Prop {
                        required: existing.required,
                        ..prop
                    }
                }
                None => out.push(prop),
            }
        }
        for p in out.iter_mut() {
            if any.required.contains(&p.name) {
                p.required = true;
            }
        }
    }

    fn scalar_plan(&mut self, schema: &Schema, any: &AnySchema, hint: &Hint) -> Plan {
        // A file (multipart part, octet-stream body): bytes, never text.
        if any.typ.as_deref() == Some("string")
            && any.format.as_deref() == Some("binary")
            && any.enumeration.is_empty()
        {
            return Plan::Ref(TypeRef::Bytes);
        }
        let scalar = match (any.typ.as_deref(), any.format.as_deref()) {
            (Some("string"), _) => Scalar::String,
            (Some("boolean"), _) => Scalar::Bool,
            (Some("integer"), Some("int32")) => Scalar::I32,
            (Some("integer"), _) => Scalar::I64,
            (Some("number"), Some("float")) => Scalar::F32,
            _ => Scalar::F64,
        };
        let values: Vec<&Value> = any.enumeration.iter().filter(|v| !v.is_null()).collect();
        if !values.is_empty() {
            match scalar {
                Scalar::String | Scalar::I32 | Scalar::I64 => {
                    return Plan::Enum(enum_def(&schema.schema_data, scalar, &values, hint.name));
                }
                // Number and boolean enums stay plain values; the doc lists what is allowed.
                _ => return Plan::Ref(TypeRef::Scalar(scalar)),
            }
        }
        let constraints = constraints_of(any);
        if let Some(pattern) = &constraints.pattern {
            if let Err(e) = regex::Regex::new(pattern) {
                self.refuse(
                    format!("{}/pattern", hint.pointer),
                    format!(
                        "pattern `{pattern}` is not supported by the regex crate: {}",
                        first_line(&e.to_string())
                    ),
                );
                return Plan::Ref(TypeRef::Scalar(scalar));
            }
        }
        if constraints.is_empty() || scalar == Scalar::Bool {
            Plan::Ref(TypeRef::Scalar(scalar))
        } else {
            Plan::Newtype(NewtypeDef {
                inner: scalar,
                constraints,
                wire_name: hint.name.to_owned(),
            })
        }
    }

    fn tagged_from_members(
        &mut self,
        members: &[ReferenceOr<Schema>],
        d: &openapiv3::Discriminator,
        ptr: &str,
    ) -> TaggedDef {
        let mut variants = Vec::new();
        let mut variant_names = NameSet::default();
        for (i, member) in members.iter().enumerate() {
            let ReferenceOr::Reference { reference } = member else {
                self.refuse(
                    format!("{ptr}/oneOf/{i}"),
                    "a `oneOf` member under a `discriminator` must be a `$ref`",
                );
                continue;
            };
            let key = component_name(reference).unwrap_or(reference).to_owned();
            let tag_value = d
                .mapping
                .iter()
                .find(|(_, target)| {
                    *target == reference || component_name(target) == Some(&key) || **target == key
                })
                .map_or_else(|| key.clone(), |(value, _)| value.clone());
            if let TypeRef::Named(ty) = self.named_ref(reference, &format!("{ptr}/oneOf/{i}")) {
                variants.push(TaggedVariant {
                    rust_name: variant_names.claim(std::slice::from_ref(&ty)),
                    tag_value,
                    ty,
                });
            }
        }
        TaggedDef {
            tag: d.property_name.clone(),
            variants,
        }
    }

    fn tagged_from_hierarchy(
        &mut self,
        name: &str,
        d: &openapiv3::Discriminator,
        ptr: &str,
    ) -> TaggedDef {
        let base_key = ptr.rsplit('/').next().unwrap_or_default().to_owned();
        let base_ref = format!("#/components/schemas/{base_key}");
        let mut targets: Vec<(String, String)> = d
            .mapping
            .iter()
            .map(|(v, t)| (v.clone(), t.clone()))
            .collect();
        if targets.is_empty() {
            if let Some(components) = self.spec.components.as_ref() {
                for (key, schema) in &components.schemas {
                    let ReferenceOr::Item(s) = schema else {
                        continue;
                    };
                    let any = normalize(&s.schema_kind);
                    let extends = any.all_of.iter().any(|m| matches!(m, ReferenceOr::Reference { reference } if *reference == base_ref));
                    if extends {
                        targets.push((key.clone(), format!("#/components/schemas/{key}")));
                    }
                }
            }
        }
        let mut variants = Vec::new();
        let mut variant_names = NameSet::default();
        for (tag_value, target) in targets {
            let target_ref = if target.starts_with('#') {
                target
            } else {
                format!("#/components/schemas/{target}")
            };
            if let TypeRef::Named(ty) =
                self.named_ref(&target_ref, &format!("{ptr}/discriminator/mapping"))
            {
                if ty == name {
                    self.refuse(
                        format!("{ptr}/discriminator/mapping"),
                        "a discriminator value maps to the base schema itself",
                    );
                    continue;
                }
                variants.push(TaggedVariant {
                    rust_name: variant_names.claim(std::slice::from_ref(&ty)),
                    tag_value,
                    ty,
                });
            }
        }
        if variants.is_empty() {
            self.refuse(
                format!("{ptr}/discriminator"),
                "a discriminator without `oneOf`, `mapping` or subtypes (`allOf` of this schema)",
            );
        }
        TaggedDef {
            tag: d.property_name.clone(),
            variants,
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_owned()
}

fn enum_def(data: &SchemaData, scalar: Scalar, values: &[&Value], wire_name: &str) -> EnumDef {
    let names_ext = ["x-enum-varnames", "x-enumNames", "x-enum-names"]
        .iter()
        .find_map(|k| data.extensions.get(*k))
        .and_then(Value::as_array);
    let descriptions = data
        .extensions
        .get("x-enum-descriptions")
        .and_then(Value::as_array);
    let mut taken = NameSet::with_reserved(&["Unknown"]);
    let mut variants = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let value = match v {
            Value::String(s) => EnumValue::Str(s.clone()),
            Value::Number(n) => EnumValue::Int(n.as_i64().unwrap_or_default()),
            other => EnumValue::Str(other.to_string()),
        };
        let given = names_ext.and_then(|n| n.get(i)).and_then(Value::as_str);
        let stem = match (&value, given) {
            (_, Some(g)) => pascal(g, "V"),
            (EnumValue::Str(s), None) if s.is_empty() => "Empty".to_owned(),
            (EnumValue::Str(s), None) => pascal(s, "V"),
            (EnumValue::Int(n), None) if *n < 0 => format!("Minus{}", n.unsigned_abs()),
            (EnumValue::Int(n), None) => format!("V{n}"),
        };
        let description = descriptions
            .and_then(|d| d.get(i))
            .and_then(Value::as_str)
            .map(str::to_owned);
        variants.push(EnumVariant {
            rust_name: taken.claim(&[stem]),
            value,
            description,
        });
    }
    let repr = if scalar == Scalar::String {
        EnumRepr::String
    } else {
        EnumRepr::Int(scalar)
    };
    EnumDef {
        repr,
        variants,
        open: false,
        wire_name: wire_name.to_owned(),
    }
}

pub(crate) fn constraints_of(any: &AnySchema) -> Constraints {
    Constraints {
        minimum: any.minimum,
        maximum: any.maximum,
        exclusive_minimum: any.exclusive_minimum.unwrap_or(false) && any.minimum.is_some(),
        exclusive_maximum: any.exclusive_maximum.unwrap_or(false) && any.maximum.is_some(),
        min_length: any.min_length.filter(|n| *n > 0),
        max_length: any.max_length,
        pattern: any.pattern.clone(),
    }
}

/// Constraint phrases for docs ("at most 100", "matches `^a$`").
pub(crate) fn describe(c: &Constraints) -> Vec<String> {
    let mut out = Vec::new();
    let num = |v: f64| {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            format!("{}", v as i64)
        } else {
            v.to_string()
        }
    };
    if let Some(min) = c.minimum {
        out.push(if c.exclusive_minimum {
            format!("greater than {}", num(min))
        } else {
            format!("at least {}", num(min))
        });
    }
    if let Some(max) = c.maximum {
        out.push(if c.exclusive_maximum {
            format!("less than {}", num(max))
        } else {
            format!("at most {}", num(max))
        });
    }
    if let Some(n) = c.min_length {
        out.push(format!(
            "at least {n} character{}",
            if n == 1 { "" } else { "s" }
        ));
    }
    if let Some(n) = c.max_length {
        out.push(format!(
            "at most {n} character{}",
            if n == 1 { "" } else { "s" }
        ));
    }
    if let Some(p) = &c.pattern {
        out.push(format!("matches the pattern `{p}`"));
    }
    out
}

pub(crate) fn docs_of(data: &SchemaData, constraints: &[String]) -> Docs {
    Docs {
        title: data.title.clone(),
        description: data.description.clone(),
        constraints: constraints.to_vec(),
        example: data.example.clone(),
        default: data.default.clone(),
        deprecated: data.deprecated,
    }
}

impl<'s> Lowerer<'s> {
    /// The fields of an object schema (a form body's properties become RPC parameters).
    pub(crate) fn object_fields(
        &mut self,
        owner: &str,
        schema: &ReferenceOr<Schema>,
        ptr: &str,
    ) -> Option<Vec<Field>> {
        let (_, resolved) = self.resolve_or_refuse(schema, ptr)?;
        let any = normalize(&resolved.schema_kind);
        if any.properties.is_empty() && any.all_of.is_empty() {
            // An empty object is an operation without parameters; anything else is not a form.
            return (any.typ.as_deref() == Some("object")).then(Vec::new);
        }
        let mut props = Vec::new();
        let mut groups = Vec::new();
        self.collect_props(&any, None, ptr, (&mut props, &mut groups), 0);
        if let Some(group) = groups.first() {
            self.refuse(
                format!("{}/{}", group.pointer, group.keyword),
                "`oneOf`/`anyOf` in a form body: its variants cannot be sent as parameters",
            );
        }
        Some(self.build_struct(owner, props, None).fields)
    }
}

/// `x-required-any-of: [[a, b], ...]`: each group needs at least one of its properties. Entries
/// that are not lists of strings are ignored (the extension is advisory metadata).
fn required_any_of(schema: &Schema) -> Vec<Vec<String>> {
    schema
        .schema_data
        .extensions
        .get("x-required-any-of")
        .and_then(Value::as_array)
        .map(|groups| {
            groups
                .iter()
                .filter_map(Value::as_array)
                .map(|group| {
                    group
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

impl<'s> Lowerer<'s> {
    /// One `#[serde(flatten)]` field per group, holding the union the group becomes
    /// (`<Owner>OneOf`: tagged when the group has a discriminator, else untagged).
    fn flatten_groups(&mut self, owner: &str, groups: Vec<Group>, def: &mut StructDef) {
        let mut field_names = NameSet::with_reserved(
            &def.fields
                .iter()
                .map(|f| f.rust_name.as_str())
                .collect::<Vec<_>>(),
        );
        for group in groups {
            let stem = if group.keyword == "oneOf" {
                "OneOf"
            } else {
                "AnyOf"
            };
            let union_name = self.names.claim(&[format!("{owner}{stem}")]);
            let slot = self.reserve_slot(&union_name, &group.pointer);
            let docs = Docs {
                description: Some(format!(
                    "The `{}` of `{owner}`, flattened into it.",
                    group.keyword
                )),
                ..Docs::default()
            };
            let kind = self.build(
                &union_name,
                Plan::OneOf {
                    members: group.members,
                    discriminator: group.discriminator,
                    keyword: group.keyword,
                },
                &group.pointer,
            );
            self.types[slot].docs = docs.clone();
            self.types[slot].kind = kind;
            def.fields.push(Field {
                wire_name: group.keyword.to_owned(),
                rust_name: field_names.claim_snake(&snake(stem)),
                ty: TypeRef::Named(union_name),
                required: true,
                nullable: false,
                default: None,
                docs,
                secret: false,
                request_id: false,
                boxed: false,
                location: None,
                flatten: true,
                param: None,
            });
        }
    }
}

/// The flattened map that holds the keys an object's properties do not name.
fn extra_field(def: &StructDef, value: TypeRef) -> Field {
    let mut names = NameSet::with_reserved(
        &def.fields
            .iter()
            .map(|f| f.rust_name.as_str())
            .collect::<Vec<_>>(),
    );
    Field {
        wire_name: "additionalProperties".to_owned(),
        rust_name: names.claim_snake("additional_properties"),
        ty: TypeRef::Map(Box::new(value)),
        required: true,
        nullable: false,
        default: None,
        docs: Docs {
            description: Some("Properties beside the named ones (`additionalProperties`).".into()),
            ..Docs::default()
        },
        secret: false,
        request_id: false,
        boxed: false,
        location: None,
        flatten: true,
        param: None,
    }
}
