//! Paths -> operations. `/#Action=X` pseudo-paths become one RPC operation per Action (get +
//! post, at one path or several: `/{AccountNumber}/{QueueName}/#Action=X` and `/#Action=X`).

use super::errors::name_variants;
use super::names::{pascal, snake, NameSet};
use super::schema_view::{normalize, resolve};
use super::schemas::{constraints_of, describe, Hint};
use super::Lowerer;
use crate::model::{
    BodyKind, CommonParameter, Docs, ErrorCase, Field, HttpMethod, Location, Operation, ParamStyle,
    ParamWire, Response, Role, Scalar, SecurityKind, SecurityScheme, StructDef, Style, TypeDef,
    TypeKind, TypeRef, Usage,
};
use crate::refusal::{escape_segment, pointer};
use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, StatusCode,
};
use serde_json::Value;

/// `/#Action=UpdateConnection` -> (`/`, `UpdateConnection`).
fn rpc_path(path: &str) -> Option<(&str, &str)> {
    let (route, fragment) = path.split_once('#')?;
    let action = fragment.strip_prefix("Action=")?;
    let action = action.split('&').next().unwrap_or(action);
    (!action.is_empty()).then_some((if route.is_empty() { "/" } else { route }, action))
}

fn method_of(name: &str) -> HttpMethod {
    match name {
        "put" => HttpMethod::Put,
        "post" => HttpMethod::Post,
        "delete" => HttpMethod::Delete,
        "options" => HttpMethod::Options,
        "head" => HttpMethod::Head,
        "patch" => HttpMethod::Patch,
        "trace" => HttpMethod::Trace,
        _ => HttpMethod::Get,
    }
}

/// JSON first, then any `+json`, then whatever comes first (e.g. `text/xml`).
fn pick_media(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    content
        .iter()
        .find(|(k, _)| k.starts_with("application/json"))
        .or_else(|| content.iter().find(|(k, _)| k.contains("json")))
        .or_else(|| content.iter().next())
}

/// One RPC pseudo-path: the path before `#` (`/` when empty) and its item.
struct RpcPath<'s> {
    route: &'s str,
    item: &'s PathItem,
    path_ptr: String,
}

/// A path of the document in spec order: an RPC Action (index into the groups) or a REST path.
enum Entry<'s> {
    Rpc(usize),
    Rest(&'s str, &'s PathItem, String),
}

struct ResolvedParam<'a> {
    parameter: &'a Parameter,
    /// `$ref`'d from `components/parameters`: a common (protocol-level) parameter for RPC.
    shared: bool,
    pointer: String,
}

impl<'s> Lowerer<'s> {
    pub(crate) fn operations(&mut self) -> Vec<Operation> {
        let mut ops = Vec::new();
        let mut op_names = NameSet::default();
        // RPC pseudo-paths grouped by Action (GET/POST twins may sit at different paths, e.g.
        // `/{AccountNumber}/{QueueName}/#Action=X` and `/#Action=X`): one operation per Action,
        // at the position of its first path.
        let mut rpc_groups: Vec<(&str, Vec<RpcPath<'s>>)> = Vec::new();
        let mut order: Vec<Entry<'s>> = Vec::new();
        for (path, item) in &self.spec.paths.paths {
            let path_ptr = pointer(&["paths", path]);
            let ReferenceOr::Item(item) = item else {
                self.refuse(path_ptr, "path items given as `$ref` are not supported");
                continue;
            };
            if let Some((route, action)) = rpc_path(path) {
                let at = RpcPath {
                    route,
                    item,
                    path_ptr,
                };
                match rpc_groups.iter_mut().find(|(a, _)| *a == action) {
                    Some((_, paths)) => paths.push(at),
                    None => {
                        order.push(Entry::Rpc(rpc_groups.len()));
                        rpc_groups.push((action, vec![at]));
                    }
                }
            } else {
                order.push(Entry::Rest(path, item, path_ptr));
            }
        }
        for entry in order {
            match entry {
                Entry::Rpc(index) => {
                    let (action, paths) = &rpc_groups[index];
                    if let Some(op) = self.rpc_operation(action, paths, &mut op_names) {
                        ops.push(op);
                    }
                }
                Entry::Rest(path, item, path_ptr) => {
                    for (method, op) in item.iter() {
                        let op_ptr = format!("{path_ptr}/{method}");
                        if let Some(op) =
                            self.rest_operation(path, method, item, op, &op_ptr, &mut op_names)
                        {
                            ops.push(op);
                        }
                    }
                }
            }
        }
        ops
    }

    /// One RPC operation from every pseudo-path naming `action`: the union of their methods,
    /// parameters, body fields and error codes; routed at each distinct path before `#`. Twins at
    /// one pseudo-path share their parameters (the form body may carry what the query would);
    /// across pseudo-paths a field is required only when each of them requires it: the AWS GET
    /// twin at `/{AccountNumber}/{QueueName}/` has `AccountNumber`, the POST twin at `/` does not.
    fn rpc_operation(
        &mut self,
        action: &str,
        paths: &[RpcPath<'s>],
        op_names: &mut NameSet,
    ) -> Option<Operation> {
        let methods: Vec<(&str, &'s openapiv3::Operation, &RpcPath<'s>)> = paths
            .iter()
            .flat_map(|at| at.item.iter().map(move |(m, op)| (m, op, at)))
            .collect();
        let (first_method, first, first_at) = *methods.first()?;
        let stem = op_names.claim(&[pascal(action, "Op")]);
        let mut fields: Vec<Field> = Vec::new();
        let mut common: Vec<CommonParameter> = Vec::new();
        let mut own_codes: Vec<ErrorCase> = Vec::new();
        let mut routes: Vec<String> = Vec::new();
        let mut http_methods: Vec<HttpMethod> = Vec::new();
        // Per wire name: the pseudo-paths (their pointers) that require it.
        let mut required_at: Vec<(String, Vec<String>)> = Vec::new();
        let mut note_required = |name: &str, required: bool, at: &str| {
            let entry = match required_at.iter_mut().position(|(n, _)| n == name) {
                Some(i) => &mut required_at[i].1,
                None => {
                    required_at.push((name.to_owned(), Vec::new()));
                    &mut required_at.last_mut().expect("just pushed").1
                }
            };
            if required && !entry.iter().any(|p| p == at) {
                entry.push(at.to_owned());
            }
        };
        for (method, op, at) in &methods {
            let (item, path_ptr) = (at.item, at.path_ptr.as_str());
            if !routes.iter().any(|r| r == at.route) {
                routes.push(at.route.to_owned());
            }
            if !http_methods.contains(&method_of(method)) {
                http_methods.push(method_of(method));
            }
            let op_ptr = format!("{path_ptr}/{method}");
            self.refuse_callbacks(op, &op_ptr);
            for p in self.parameters_of(item, op, path_ptr, &op_ptr) {
                let data = p.parameter.parameter_data_ref();
                if data.name == "Action" {
                    let allowed = self.allowed_values(p.parameter);
                    if !allowed.is_empty() && allowed != [action] {
                        self.refuse(
                            &p.pointer,
                            format!(
                                "the Action enum {allowed:?} does not match the path's `{action}`"
                            ),
                        );
                    }
                    continue;
                }
                if data.name == "Version" || p.shared {
                    if !common.iter().any(|c| c.wire_name == data.name) {
                        let allowed = self.allowed_values(p.parameter);
                        common.push(CommonParameter {
                            wire_name: data.name.clone(),
                            location: location_of(p.parameter),
                            required: data.required,
                            default: self.param_default(p.parameter),
                            allowed,
                        });
                    }
                    continue;
                }
                note_required(&data.name, data.required, path_ptr);
                if !fields.iter().any(|f| f.wire_name == data.name) {
                    if let Some(field) = self.param_field(&stem, &p) {
                        fields.push(field);
                    }
                }
            }
            if let Some(body) = &op.request_body {
                let body_ptr = format!("{op_ptr}/requestBody");
                if let Some(body) = self.resolve_body(body, &body_ptr) {
                    if let Some((media, m)) = pick_media(&body.content) {
                        let schema_ptr =
                            format!("{body_ptr}/content/{}/schema", escape_segment(media));
                        match m
                            .schema
                            .as_ref()
                            .and_then(|s| self.object_fields(&stem, s, &schema_ptr))
                        {
                            Some(body_fields) => {
                                for mut f in body_fields {
                                    if f.wire_name == "Action" || f.wire_name == "Version" {
                                        continue;
                                    }
                                    note_required(&f.wire_name, f.required, path_ptr);
                                    if !fields.iter().any(|x| x.wire_name == f.wire_name) {
                                        f.location = Some(Location::Form);
                                        fields.push(f);
                                    }
                                }
                            }
                            None => self.refuse(
                                schema_ptr,
                                "an RPC request body must be an object of parameters",
                            ),
                        }
                    }
                }
            }
            if let Some(codes) = op.extensions.get("x-acs-error-codes") {
                for case in self.acs_codes(codes, &format!("{op_ptr}/x-acs-error-codes")) {
                    if !own_codes.iter().any(|c| c.code == case.code) {
                        own_codes.push(case);
                    }
                }
            }
        }
        if paths.len() > 1 {
            for field in &mut fields {
                let required_by = required_at
                    .iter()
                    .find(|(n, _)| *n == field.wire_name)
                    .map_or(0, |(_, at)| at.len());
                if required_by < paths.len() {
                    field.required = false;
                }
            }
        }
        let path_ptr = first_at.path_ptr.as_str();
        let first_ptr = format!("{path_ptr}/{first_method}");
        let response = self.success_response(&stem, first, &first_ptr);
        let errors = self.operation_errors(&stem, own_codes, first, &first_ptr);
        let request = self.request_struct(&stem, fields, &first_ptr);
        Some(Operation {
            name: action.to_owned(),
            method_name: snake(&stem),
            style: Style::Rpc {
                action: action.to_owned(),
                routes,
                methods: http_methods,
            },
            summary: first.summary.clone(),
            description: first.description.clone(),
            deprecated: methods.iter().any(|(_, o, _)| o.deprecated),
            request,
            body_media_type: None,
            common_parameters: common,
            extensions: x_extensions(methods.iter().map(|(_, o, _)| &o.extensions)),
            response,
            error_type: self.names.claim(&[format!("{stem}Error")]),
            errors,
            pointer: path_ptr.to_owned(),
        })
    }

    fn rest_operation(
        &mut self,
        path: &str,
        method: &str,
        item: &'s PathItem,
        op: &'s openapiv3::Operation,
        op_ptr: &str,
        op_names: &mut NameSet,
    ) -> Option<Operation> {
        self.refuse_callbacks(op, op_ptr);
        self.rest = true;
        let operation = self.rest_operation_inner(path, method, item, op, op_ptr, op_names);
        self.rest = false;
        operation
    }

    #[allow(clippy::too_many_arguments)]
    fn rest_operation_inner(
        &mut self,
        path: &str,
        method: &str,
        item: &'s PathItem,
        op: &'s openapiv3::Operation,
        op_ptr: &str,
        op_names: &mut NameSet,
    ) -> Option<Operation> {
        let raw_name = op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method} {path}"));
        let stem = op_names.claim(&[pascal(&raw_name, "Op")]);
        let path_ptr = op_ptr
            .rsplit_once('/')
            .map_or(op_ptr, |(p, _)| p)
            .to_owned();
        let mut fields = Vec::new();
        for p in self.parameters_of(item, op, &path_ptr, op_ptr) {
            if let Some(field) = self.param_field(&stem, &p) {
                fields.push(field);
            }
        }
        let mut body_media_type = None;
        if let Some(body) = &op.request_body {
            let body_ptr = format!("{op_ptr}/requestBody");
            if let Some(body) = self.resolve_body(body, &body_ptr) {
                if let Some((media, m)) = pick_media(&body.content) {
                    let schema_ptr = format!("{body_ptr}/content/{}/schema", escape_segment(media));
                    if let Some(ty) = self.body_type(&stem, media, m, &schema_ptr) {
                        body_media_type = Some(media.clone());
                        let taken: Vec<&str> = fields
                            .iter()
                            .map(|f: &Field| f.rust_name.as_str())
                            .collect();
                        let rust_name = if taken.contains(&"body") {
                            "request_body"
                        } else {
                            "body"
                        };
                        fields.push(Field {
                            wire_name: "body".to_owned(),
                            rust_name: rust_name.to_owned(),
                            ty,
                            required: body.required,
                            nullable: false,
                            default: None,
                            docs: Docs {
                                description: body.description.clone(),
                                ..Docs::default()
                            },
                            secret: false,
                            request_id: false,
                            boxed: false,
                            location: Some(Location::Body),
                            flatten: false,
                            param: Some(ParamWire {
                                pointer: body_ptr.clone(),
                                style: ParamStyle::Body,
                                explode: false,
                            }),
                        });
                    }
                }
            }
        }
        let response = self.success_response(&stem, op, op_ptr);
        let errors = self.operation_errors(&stem, Vec::new(), op, op_ptr);
        let request = self.request_struct(&stem, fields, op_ptr);
        Some(Operation {
            name: op.operation_id.clone().unwrap_or_else(|| stem.clone()),
            method_name: snake(&stem),
            style: Style::Rest {
                method: method_of(method),
                path: path.to_owned(),
            },
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            request,
            body_media_type,
            common_parameters: Vec::new(),
            extensions: x_extensions([&op.extensions]),
            response,
            error_type: self.names.claim(&[format!("{stem}Error")]),
            errors,
            pointer: op_ptr.to_owned(),
        })
    }

    /// The type of a REST request body of `media`: text and bytes by the media type, JSON,
    /// form and multipart bodies by their schema (`None` after a refusal).
    fn body_type(
        &mut self,
        stem: &str,
        media: &str,
        m: &MediaType,
        schema_ptr: &str,
    ) -> Option<TypeRef> {
        let kind = BodyKind::of(media);
        match kind {
            BodyKind::Text => return Some(TypeRef::Scalar(Scalar::String)),
            BodyKind::Binary => return Some(TypeRef::Bytes),
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => {}
        }
        let Some(schema) = &m.schema else {
            return Some(match kind {
                BodyKind::Json => TypeRef::Json,
                _ => TypeRef::Map(Box::new(TypeRef::Scalar(Scalar::String))),
            });
        };
        let hint_name = format!("{stem}Body");
        Some(self.type_ref(
            schema,
            &Hint {
                owner: "",
                name: &hint_name,
                pointer: schema_ptr.to_owned(),
            },
        ))
    }

    fn refuse_callbacks(&mut self, op: &openapiv3::Operation, op_ptr: &str) {
        if !op.callbacks.is_empty() {
            self.refuse(format!("{op_ptr}/callbacks"), "callbacks are not supported");
        }
    }

    fn request_struct(&mut self, stem: &str, mut fields: Vec<Field>, ptr: &str) -> String {
        let mut field_names = NameSet::default();
        for f in &mut fields {
            f.rust_name = field_names.claim_snake(&f.rust_name);
        }
        let name = self
            .names
            .claim(&[format!("{stem}Request"), format!("{stem}Params")]);
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: ptr.to_owned(),
            docs: Docs::default(),
            kind: TypeKind::Struct(StructDef {
                fields,
                ..StructDef::default()
            }),
            usage: Usage::default(),
            role: Role::Request {
                operation: stem.to_owned(),
            },
        });
        name
    }

    /// Operation codes, then REST-style response errors, then the document's common codes.
    fn operation_errors(
        &mut self,
        stem: &str,
        mut cases: Vec<ErrorCase>,
        op: &openapiv3::Operation,
        op_ptr: &str,
    ) -> Vec<ErrorCase> {
        // With documented codes (Alibaba style) the error responses only describe the common
        // envelope; without them (REST, AWS-style fake statuses) the responses are the errors.
        let documented = !cases.is_empty() || !self.common.is_empty();
        let from_responses = if documented {
            Vec::new()
        } else {
            self.response_errors(stem, &op.responses, op_ptr)
        };
        let common = self.common.clone();
        for case in from_responses.into_iter().chain(common) {
            if !cases.iter().any(|c| c.code == case.code) {
                cases.push(case);
            }
        }
        name_variants(&mut cases);
        cases
    }

    fn success_response(
        &mut self,
        stem: &str,
        op: &openapiv3::Operation,
        op_ptr: &str,
    ) -> Response {
        let success = op.responses.responses.iter().find(|(s, _)| match s {
            StatusCode::Code(c) => (200..300).contains(c),
            StatusCode::Range(r) => *r == 2,
        });
        let Some((status, response)) = success else {
            return Response {
                status: 200,
                media_type: None,
                ty: None,
            };
        };
        let status_code = match status {
            StatusCode::Code(c) => *c,
            StatusCode::Range(_) => 200,
        };
        let response_ptr = format!("{op_ptr}/responses/{status}");
        let Some(response) = self.resolve_response(response, &response_ptr) else {
            return Response {
                status: status_code,
                media_type: None,
                ty: None,
            };
        };
        let body = self.response_body(&response, &format!("{stem}Response"), &response_ptr);
        Response {
            status: status_code,
            media_type: body.as_ref().map(|(m, _)| m.clone()),
            ty: body.map(|(_, t)| t),
        }
    }

    /// The body of a response: (media type, type); `None` without content or schema.
    pub(crate) fn response_body(
        &mut self,
        response: &openapiv3::Response,
        hint_name: &str,
        ptr: &str,
    ) -> Option<(String, TypeRef)> {
        let (media, m) = pick_media(&response.content)?;
        if self.rest {
            // REST answers are read by their media type: text and bytes stay raw (no
            // schema the generator applies describes them), JSON without a schema is any JSON.
            match BodyKind::of(media) {
                BodyKind::Text => return Some((media.clone(), TypeRef::Scalar(Scalar::String))),
                BodyKind::Binary | BodyKind::Multipart | BodyKind::Form => {
                    return Some((media.clone(), TypeRef::Bytes))
                }
                BodyKind::Json if m.schema.is_none() => {
                    return Some((media.clone(), TypeRef::Json))
                }
                BodyKind::Json => {}
            }
        }
        let schema = m.schema.as_ref()?;
        let schema_ptr = format!("{ptr}/content/{}/schema", escape_segment(media));
        let ty = self.type_ref(
            schema,
            &Hint {
                owner: "",
                name: hint_name,
                pointer: schema_ptr,
            },
        );
        Some((media.clone(), ty))
    }

    pub(crate) fn resolve_response(
        &mut self,
        r: &ReferenceOr<openapiv3::Response>,
        ptr: &str,
    ) -> Option<openapiv3::Response> {
        match r {
            ReferenceOr::Item(r) => Some(r.clone()),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/responses/")
                    .and_then(|n| self.spec.components.as_ref()?.responses.get(n));
                match found {
                    Some(ReferenceOr::Item(r)) => Some(r.clone()),
                    _ => {
                        self.refuse(ptr, format!("response reference `{reference}` is not a response in #/components/responses"));
                        None
                    }
                }
            }
        }
    }

    fn resolve_body(
        &mut self,
        b: &'s ReferenceOr<RequestBody>,
        ptr: &str,
    ) -> Option<&'s RequestBody> {
        match b {
            ReferenceOr::Item(b) => Some(b),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|n| self.spec.components.as_ref()?.request_bodies.get(n));
                match found {
                    Some(ReferenceOr::Item(b)) => Some(b),
                    _ => {
                        self.refuse(ptr, format!("request body reference `{reference}` is not in #/components/requestBodies"));
                        None
                    }
                }
            }
        }
    }

    /// Path-level then operation-level parameters (the latter override by name and location).
    fn parameters_of(
        &mut self,
        item: &'s PathItem,
        op: &'s openapiv3::Operation,
        path_ptr: &str,
        op_ptr: &str,
    ) -> Vec<ResolvedParam<'s>> {
        let mut out: Vec<ResolvedParam<'s>> = Vec::new();
        let listed = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, format!("{path_ptr}/parameters/{i}")))
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{op_ptr}/parameters/{i}"))),
            );
        for (p, ptr) in listed {
            let (parameter, shared) = match p {
                ReferenceOr::Item(p) => (p, false),
                ReferenceOr::Reference { reference } => {
                    let found = reference
                        .strip_prefix("#/components/parameters/")
                        .and_then(|n| self.spec.components.as_ref()?.parameters.get(n));
                    match found {
                        Some(ReferenceOr::Item(p)) => (p, true),
                        _ => {
                            self.refuse(ptr, format!("parameter reference `{reference}` is not in #/components/parameters"));
                            continue;
                        }
                    }
                }
            };
            let key = (
                parameter.parameter_data_ref().name.clone(),
                location_of(parameter),
            );
            out.retain(|r| {
                (
                    r.parameter.parameter_data_ref().name.clone(),
                    location_of(r.parameter),
                ) != key
            });
            out.push(ResolvedParam {
                parameter,
                shared,
                pointer: ptr,
            });
        }
        out
    }

    fn param_field(&mut self, owner: &str, p: &ResolvedParam<'s>) -> Option<Field> {
        let data = p.parameter.parameter_data_ref();
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            self.refuse(
                &p.pointer,
                "parameters described by `content` are not supported",
            );
            return None;
        };
        let schema_ptr = format!("{}/schema", p.pointer);
        let ty = self.type_ref(
            schema,
            &Hint {
                owner,
                name: &data.name,
                pointer: schema_ptr.clone(),
            },
        );
        let (schema_data, constraints) = match resolve(self.spec, schema) {
            Ok((None, s)) => (
                s.schema_data.clone(),
                describe(&constraints_of(&normalize(&s.schema_kind))),
            ),
            Ok((Some(_), s)) => (s.schema_data.clone(), Vec::new()),
            Err(_) => Default::default(),
        };
        Some(Field {
            wire_name: data.name.clone(),
            rust_name: snake(&data.name),
            ty,
            required: data.required,
            nullable: false,
            default: schema_data.default.clone(),
            docs: Docs {
                description: data.description.clone().or(schema_data.description.clone()),
                constraints,
                example: data.example.clone().or(schema_data.example.clone()),
                default: schema_data.default.clone(),
                deprecated: data.deprecated.unwrap_or(false),
                title: None,
            },
            secret: data
                .extensions
                .get("x-secret")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            request_id: false,
            boxed: false,
            location: Some(location_of(p.parameter)),
            flatten: false,
            param: Some(param_wire(p.parameter, &p.pointer)),
        })
    }

    fn param_schema(&self, p: &'s Parameter) -> Option<&'s openapiv3::Schema> {
        match &p.parameter_data_ref().format {
            ParameterSchemaOrContent::Schema(s) => resolve(self.spec, s).ok().map(|(_, s)| s),
            ParameterSchemaOrContent::Content(_) => None,
        }
    }

    fn allowed_values(&self, p: &'s Parameter) -> Vec<String> {
        self.param_schema(p)
            .map(|s| {
                normalize(&s.schema_kind)
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn param_default(&self, p: &'s Parameter) -> Option<Value> {
        self.param_schema(p)
            .and_then(|s| s.schema_data.default.clone())
    }
}

/// The `x-` extensions of the operation objects, the first one's value winning.
pub(crate) fn x_extensions<'a>(
    all: impl IntoIterator<Item = &'a indexmap::IndexMap<String, Value>>,
) -> indexmap::IndexMap<String, Value> {
    let mut out = indexmap::IndexMap::new();
    for extensions in all {
        for (k, v) in extensions {
            if k.starts_with("x-") && !out.contains_key(k) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// `style`/`explode` of a parameter, with OpenAPI's defaults.
fn param_wire(p: &Parameter, pointer: &str) -> ParamWire {
    use openapiv3::{PathStyle, QueryStyle};
    let (style, explode) = match p {
        Parameter::Query {
            style,
            parameter_data,
            ..
        } => {
            let style = match style {
                QueryStyle::Form => ParamStyle::Form,
                QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                QueryStyle::DeepObject => ParamStyle::DeepObject,
            };
            (
                style,
                parameter_data.explode.unwrap_or(style == ParamStyle::Form),
            )
        }
        Parameter::Cookie { parameter_data, .. } => {
            (ParamStyle::Form, parameter_data.explode.unwrap_or(true))
        }
        Parameter::Header { parameter_data, .. } => {
            (ParamStyle::Simple, parameter_data.explode.unwrap_or(false))
        }
        Parameter::Path {
            style,
            parameter_data,
        } => {
            let style = match style {
                PathStyle::Simple => ParamStyle::Simple,
                PathStyle::Label => ParamStyle::Label,
                PathStyle::Matrix => ParamStyle::Matrix,
            };
            (style, parameter_data.explode.unwrap_or(false))
        }
    };
    ParamWire {
        pointer: pointer.to_owned(),
        style,
        explode,
    }
}

/// `components/securitySchemes` in spec order (`$ref`s to other schemes followed once).
pub(crate) fn security_schemes(spec: &openapiv3::OpenAPI) -> Vec<SecurityScheme> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, scheme) in &components.security_schemes {
        let scheme = match scheme {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { reference } => match reference
                .strip_prefix("#/components/securitySchemes/")
                .and_then(|k| components.security_schemes.get(k))
            {
                Some(ReferenceOr::Item(s)) => s,
                _ => continue,
            },
        };
        let (kind, description) = match scheme {
            openapiv3::SecurityScheme::APIKey {
                location,
                name,
                description,
                ..
            } => {
                let location = match location {
                    openapiv3::APIKeyLocation::Query => Location::Query,
                    openapiv3::APIKeyLocation::Header => Location::Header,
                    openapiv3::APIKeyLocation::Cookie => Location::Cookie,
                };
                (
                    SecurityKind::ApiKey {
                        name: name.clone(),
                        location,
                    },
                    description,
                )
            }
            openapiv3::SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } => {
                let kind = match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => SecurityKind::Bearer,
                    "basic" => SecurityKind::Basic,
                    _ => SecurityKind::Http {
                        scheme: scheme.clone(),
                    },
                };
                (kind, description)
            }
            openapiv3::SecurityScheme::OAuth2 { description, .. }
            | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                (SecurityKind::Bearer, description)
            }
        };
        out.push(SecurityScheme {
            key: key.clone(),
            description: description.clone(),
            kind,
        });
    }
    out
}

fn location_of(p: &Parameter) -> Location {
    match p {
        Parameter::Query { .. } => Location::Query,
        Parameter::Header { .. } => Location::Header,
        Parameter::Path { .. } => Location::Path,
        Parameter::Cookie { .. } => Location::Cookie,
    }
}
