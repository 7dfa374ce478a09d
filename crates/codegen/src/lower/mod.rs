//! OpenAPI -> [`crate::model::Api`].
//!
//! One pass over components (names reserved first, so inline types never take a component's
//! name), one over paths, then the finishing passes in `finish` (usage, boxing, tag stripping,
//! defaults). Problems are pushed to `refusals` and lowering carries on, so one run reports all.

mod compose;
mod errors;
mod finish;
mod names;
mod operations;
mod schema_view;
mod schemas;

pub use names::{pascal, snake, NameSet, RESERVED_TYPE_NAMES};

use crate::model::{Api, Docs, ErrorCase, Role, TypeDef, TypeKind, TypeRef, Usage};
use crate::refusal::{pointer, Refusal, Refusals};
use indexmap::IndexMap;
use openapiv3::OpenAPI;

/// Lowers `spec` into the model, or lists every construct it cannot lower.
pub fn lower(spec: &OpenAPI, spec_name: &str) -> Result<Api, Refusals> {
    let mut lowerer = Lowerer::new(spec);
    lowerer.components();
    lowerer.common = lowerer.common_errors();
    let operations = lowerer.operations();
    let common_errors = lowerer.common.clone();
    let mut api = Api {
        spec_name: spec_name.to_owned(),
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        types: std::mem::take(&mut lowerer.types),
        operations,
        common_errors,
        extensions: operations::x_extensions([&spec.extensions]),
        security_schemes: operations::security_schemes(spec),
    };
    finish::finish(&mut api, &mut lowerer.refusals);
    if lowerer.refusals.is_empty() {
        Ok(api)
    } else {
        Err(Refusals {
            spec_name: spec_name.to_owned(),
            items: lowerer.refusals,
        })
    }
}

pub(crate) struct Lowerer<'s> {
    spec: &'s OpenAPI,
    refusals: Vec<Refusal>,
    types: Vec<TypeDef>,
    names: NameSet,
    /// Component schema key -> Rust name.
    component_names: IndexMap<String, String>,
    /// The document's `x-acs-common-errors`, parsed once.
    common: Vec<ErrorCase>,
    /// The document as JSON, built on first use to follow `$ref`s that are not components.
    document: Option<serde_json::Value>,
    /// Lowering a REST operation: bodies and answers are read by their media type (a
    /// `text/xml` answer is text), while RPC answers decode XML through their schema.
    rest: bool,
}

impl<'s> Lowerer<'s> {
    fn new(spec: &'s OpenAPI) -> Self {
        Self {
            spec,
            refusals: Vec::new(),
            types: Vec::new(),
            names: NameSet::with_reserved(RESERVED_TYPE_NAMES),
            component_names: IndexMap::new(),
            common: Vec::new(),
            document: None,
            rest: false,
        }
    }

    fn refuse(&mut self, pointer: impl Into<String>, reason: impl Into<String>) {
        self.refusals.push(Refusal {
            pointer: pointer.into(),
            reason: reason.into(),
        });
    }

    /// Reserves a slot so a type appears before the inline types lowered inside it.
    fn reserve_slot(&mut self, name: &str, pointer: &str) -> usize {
        self.types.push(TypeDef {
            name: name.to_owned(),
            pointer: pointer.to_owned(),
            docs: Docs::default(),
            kind: TypeKind::Alias(TypeRef::Json),
            usage: Usage::default(),
            role: Role::Schema,
        });
        self.types.len() - 1
    }

    fn components(&mut self) {
        let Some(components) = self.spec.components.as_ref() else {
            return;
        };
        for key in components.schemas.keys() {
            let name = self.names.claim(&[pascal(key, "T")]);
            self.component_names.insert(key.clone(), name);
        }
        for (key, schema) in &components.schemas {
            let name = self.component_names[key].clone();
            let ptr = pointer(&["components", "schemas", key]);
            let slot = self.reserve_slot(&name, &ptr);
            let (docs, kind) = self.component_kind(key, &name, schema, &ptr);
            self.types[slot].docs = docs;
            self.types[slot].kind = kind;
        }
    }
}
