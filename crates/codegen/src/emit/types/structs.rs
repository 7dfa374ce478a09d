//! Structs: serde renames to wire names, `Option` for optional fields, defaults, redacted
//! `Debug` for secrets; request structs also get `new`, setters, `validate` and (RPC) the
//! parameter codec.
//!
//! Request fields whose type is a constrained newtype hold the newtype's plain value (`i64`,
//! `String`) instead, so callers write `UpdateConnectionRequest::new(1, content, 1)
//! .description("abc")` without a `try_from` per value. The checks still run where they matter:
//! `validate()` (the client calls it before sending anything), `from_params` (the server path)
//! and `Deserialize` all go through the newtype's own check and name the parameter.

use super::Ctx;
use crate::emit::docs::{doc_attrs, doc_lines};
use crate::emit::{ident, type_tokens};
use crate::lower::snake;
use crate::model::{Field, Scalar, StructDef, TypeKind, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

/// A struct's items plus the functions it needs in the `defaults` module.
pub struct Emitted {
    pub items: TokenStream,
    pub default_fns: Vec<TokenStream>,
}

/// Methods a setter must not shadow.
const RESERVED_METHODS: &[&str] = &["new", "to_params", "from_params", "validate"];

/// For a request field whose type is a constrained newtype: the newtype's name and the plain
/// scalar the field holds instead.
fn plain_newtype<'a>(ctx: &Ctx<'a>, f: &Field) -> Option<(&'a str, Scalar)> {
    let TypeRef::Named(n) = &f.ty else {
        return None;
    };
    match ctx.kind(n)? {
        TypeKind::Newtype(nt) => Some((ctx.type_name(n)?, nt.inner)),
        _ => None,
    }
}

/// The type a field holds: the plain scalar for a request's constrained field, else the spec type.
fn held_type(f: &Field, plain: Option<(&str, Scalar)>) -> TypeRef {
    match plain {
        Some((_, scalar)) => TypeRef::Scalar(scalar),
        None => f.ty.clone(),
    }
}

pub fn emit(
    ctx: &Ctx,
    name: &str,
    def: &StructDef,
    docs: TokenStream,
    request_of: Option<&str>,
) -> Emitted {
    let name_ident = ident(name);
    let plain: Vec<Option<(&str, Scalar)>> = def
        .fields
        .iter()
        .map(|f| request_of.and_then(|_| plain_newtype(ctx, f)))
        .collect();
    let mut default_fns = Vec::new();
    let mut default_paths = Vec::new();
    for (f, plain) in def.fields.iter().zip(&plain) {
        let held = held_type(f, *plain);
        default_paths.push(f.default.as_ref().and_then(|v| {
            let expr = default_expr(ctx, &held, v)?;
            let fn_name = format_ident!("{}_{}", snake(name), f.rust_name.trim_start_matches("r#"));
            let ty = type_tokens(&held, &quote!(super::));
            default_fns.push(quote! {
                pub(super) fn #fn_name() -> #ty {
                    #expr
                }
            });
            Some(format!("defaults::{fn_name}"))
        }));
    }
    let fields =
        def.fields
            .iter()
            .zip(&default_paths)
            .zip(&plain)
            .map(|((f, default_path), plain)| {
                let docs = doc_attrs(&doc_lines(&f.docs, Some(&f.wire_name)));
                let field = ident(&f.rust_name);
                let ty = field_type(f, *plain);
                let mut serde_args = Vec::new();
                if f.flatten {
                    // A `oneOf`/`anyOf` beside properties: its members' fields are ours.
                    return quote! {
                        #docs
                        #[serde(flatten)]
                        pub #field: #ty,
                    };
                }
                if f.wire_name != f.rust_name {
                    let wire = &f.wire_name;
                    serde_args.push(quote!(rename = #wire));
                }
                if let Some((newtype, _)) = plain {
                    // Decoding checks the value with the newtype's own rules.
                    let helper = if f.is_optional() {
                        "checked_optional_param"
                    } else {
                        "checked_param"
                    };
                    let with = format!("{}::{helper}::<_, {newtype}, _>", ctx.support_str);
                    serde_args.push(quote!(deserialize_with = #with));
                }
                if let Some(path) = default_path {
                    serde_args.push(quote!(default = #path));
                } else if f.request_id
                    || f.is_optional()
                    // An empty list has no element at all in XML (see acs-protocol's `answer`),
                    // so a list reads back as empty when absent.
                    || (matches!(f.ty, TypeRef::Vec(_)) && !f.boxed)
                {
                    serde_args.push(quote!(default));
                }
                if f.is_optional() && !(f.required && f.nullable) {
                    serde_args.push(quote!(
                        skip_serializing_if = "::std::option::Option::is_none"
                    ));
                }
                let serde = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
                quote! {
                    #docs
                    #serde
                    pub #field: #ty,
                }
            });
    let has_secret = def.fields.iter().any(|f| f.secret);
    let is_request = request_of.is_some();
    // Request structs are built with `new(required...)`; they are `Default` only when nothing is
    // required (then `new()` takes no arguments and clippy rightly asks for `Default` too).
    let defaultable = def.fields.iter().all(|f| {
        f.is_optional()
            || f.default.is_some()
            || (!is_request && (f.request_id || ctx.can_default(&f.ty)))
    });
    let spec_defaults = default_paths.iter().any(Option::is_some);
    let mut derives = vec![quote!(Clone), quote!(PartialEq)];
    if !has_secret {
        derives.insert(0, quote!(Debug));
    }
    if defaultable && !spec_defaults {
        derives.push(quote!(Default));
    }
    let manual_default = (defaultable && spec_defaults).then(|| {
        let inits = def.fields.iter().zip(&default_paths).map(|(f, path)| {
            let field = ident(&f.rust_name);
            match path {
                Some(_) => {
                    let fn_name =
                        format_ident!("{}_{}", snake(name), f.rust_name.trim_start_matches("r#"));
                    quote!(#field: defaults::#fn_name())
                }
                None => quote!(#field: ::std::default::Default::default()),
            }
        });
        quote! {
            impl ::std::default::Default for #name_ident {
                fn default() -> Self {
                    Self { #(#inits,)* }
                }
            }
        }
    });
    let debug = has_secret.then(|| {
        let entries = def.fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            let label = f.rust_name.trim_start_matches("r#");
            if f.secret {
                quote!(.field(#label, &"<redacted>"))
            } else {
                quote!(.field(#label, &self.#field))
            }
        });
        let label = name;
        quote! {
            /// Secret fields (`x-secret`) print as `<redacted>`, so a logged value never leaks one.
            impl ::std::fmt::Debug for #name_ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#label) #(#entries)* .finish()
                }
            }
        }
    });
    let field_lists = (has_secret || def.connection_type.is_some()).then(|| {
        let secret = def.fields.iter().filter(|f| f.secret).map(|f| &f.wire_name);
        let required = def
            .fields
            .iter()
            .filter(|f| f.required && !f.flatten)
            .map(|f| &f.wire_name);
        quote! {
            impl #name_ident {
                /// Wire names of the properties marked `x-secret: true`: encrypted at rest, masked in
                /// answers, redacted from `Debug`.
                pub const SECRET_FIELDS: &'static [&'static str] = &[#(#secret),*];
                /// Wire names of the required properties.
                pub const REQUIRED_FIELDS: &'static [&'static str] = &[#(#required),*];
            }
        }
    });
    let request = request_of
        .map(|op| request_methods(ctx, &name_ident, op, def, &plain, &default_paths, name));
    let items = quote! {
        #docs
        #[derive(#(#derives,)* ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name_ident {
            #(#fields)*
        }

        #manual_default

        #debug

        #field_lists

        #request
    };
    Emitted { items, default_fns }
}

fn field_type(f: &Field, plain: Option<(&str, Scalar)>) -> TokenStream {
    let mut ty = type_tokens(&held_type(f, plain), &quote!());
    if f.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if f.is_optional() {
        ty = quote!(::std::option::Option<#ty>);
    }
    ty
}

/// A constant expression for a spec default, written inside the `defaults` module.
fn default_expr(ctx: &Ctx, ty: &TypeRef, v: &Value) -> Option<TokenStream> {
    match ty {
        TypeRef::Scalar(s) => scalar_literal(*s, v),
        TypeRef::Named(n) => match ctx.kind(n)? {
            TypeKind::Enum(e) => {
                let variant = e.variants.iter().find(|var| match (&var.value, v) {
                    (crate::model::EnumValue::Str(s), Value::String(x)) => s == x,
                    (crate::model::EnumValue::Int(i), Value::Number(x)) => x.as_i64() == Some(*i),
                    _ => false,
                })?;
                let (ty, variant) = (ident(n), ident(&variant.rust_name));
                Some(quote!(super::#ty::#variant))
            }
            // The generator checked the default against the constraints (lowering refuses it
            // otherwise), so it is built without the check.
            TypeKind::Newtype(nt) => {
                let inner = scalar_literal(nt.inner, v)?;
                let ty = ident(n);
                Some(quote!(super::#ty(#inner)))
            }
            TypeKind::Alias(inner @ TypeRef::Scalar(_)) => default_expr(ctx, inner, v),
            _ => None,
        },
        _ => None,
    }
}

fn scalar_literal(s: Scalar, v: &Value) -> Option<TokenStream> {
    Some(match s {
        Scalar::String => {
            let text = v.as_str()?;
            quote!(::std::string::String::from(#text))
        }
        Scalar::Bool => {
            let b = v.as_bool()?;
            quote!(#b)
        }
        Scalar::I32 => {
            let lit = Literal::i32_suffixed(i32::try_from(v.as_i64()?).ok()?);
            quote!(#lit)
        }
        Scalar::I64 => {
            let lit = Literal::i64_suffixed(v.as_i64()?);
            quote!(#lit)
        }
        Scalar::F32 => {
            let lit = Literal::f32_suffixed(v.as_f64()? as f32);
            quote!(#lit)
        }
        Scalar::F64 => {
            let lit = Literal::f64_suffixed(v.as_f64()?);
            quote!(#lit)
        }
    })
}

fn setter_name(f: &Field) -> proc_macro2::Ident {
    if RESERVED_METHODS.contains(&f.rust_name.as_str()) {
        format_ident!("set_{}", f.rust_name)
    } else {
        ident(&f.rust_name)
    }
}

/// `new(required...)`, one chainable setter per optional field, `validate`, and for RPC
/// operations `to_params`/`from_params`.
fn request_methods(
    ctx: &Ctx,
    name: &proc_macro2::Ident,
    op: &str,
    def: &StructDef,
    plain: &[Option<(&str, Scalar)>],
    default_paths: &[Option<String>],
    type_name: &str,
) -> TokenStream {
    let is_arg = |f: &Field| !f.is_optional() && f.default.is_none() && !f.request_id;
    let args = def
        .fields
        .iter()
        .zip(plain)
        .filter(|(f, _)| is_arg(f))
        .map(|(f, plain)| {
            let field = ident(&f.rust_name);
            let ty = type_tokens(&held_type(f, *plain), &quote!());
            quote!(#field: impl ::std::convert::Into<#ty>)
        });
    let inits = def.fields.iter().zip(default_paths).map(|(f, path)| {
        let field = ident(&f.rust_name);
        if is_arg(f) {
            if f.boxed {
                quote!(#field: ::std::boxed::Box::new(#field.into()))
            } else {
                quote!(#field: #field.into())
            }
        } else if path.is_some() {
            let fn_name = format_ident!(
                "{}_{}",
                snake(type_name),
                f.rust_name.trim_start_matches("r#")
            );
            quote!(#field: defaults::#fn_name())
        } else {
            quote!(#field: ::std::default::Default::default())
        }
    });
    let setters = def
        .fields
        .iter()
        .zip(plain)
        .filter(|(f, _)| !is_arg(f))
        .map(|(f, plain)| {
            let field = ident(&f.rust_name);
            let setter = setter_name(f);
            let ty = type_tokens(&held_type(f, *plain), &quote!());
            let mut value = quote!(value.into());
            if f.boxed {
                value = quote!(::std::boxed::Box::new(#value));
            }
            if f.is_optional() {
                value = quote!(::std::option::Option::Some(#value));
            }
            let doc = format!(" Sets `{}`.", f.wire_name);
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #setter(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                    self.#field = #value;
                    self
                }
            }
        });
    let new_doc = format!(
        " The `{op}` request from its required parameters; set optional ones with the setters."
    );
    let new_doc2 = plain.iter().any(Option::is_some).then(|| {
        quote! {
            #[doc = ""]
            #[doc = " Constrained values are plain (`i64`, `String`); [`Self::validate`] checks them (the"]
            #[doc = " client calls it before sending anything)."]
        }
    });
    let validate = validate_fn(def, plain);
    let rpc = ctx
        .is_rpc_op(op)
        .then(|| rpc_codec(ctx, def, plain, default_paths, type_name));
    quote! {
        impl #name {
            #[doc = #new_doc]
            #new_doc2
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* }
            }

            #(#setters)*

            #validate

            #rpc
        }
    }
}

/// `validate()`: the spec's constraints on the fields that hold plain values (every other field
/// is valid by construction: enums, nested structs and lists of checked values).
fn validate_fn(def: &StructDef, plain: &[Option<(&str, Scalar)>]) -> TokenStream {
    let checks = def
        .fields
        .iter()
        .zip(plain)
        .filter_map(|(f, plain)| {
            let (newtype, _) = (*plain)?;
            let newtype = ident(newtype);
            let field = ident(&f.rust_name);
            let wire = &f.wire_name;
            let rename = quote! {
                .map_err(|e| ValidationError { field: #wire, reason: e.reason })?
            };
            Some(if f.is_optional() {
                quote! {
                    if let ::std::option::Option::Some(value) = &self.#field {
                        #newtype::check(value)#rename;
                    }
                }
            } else {
                quote!(#newtype::check(&self.#field)#rename;)
            })
        })
        .collect::<Vec<_>>();
    quote! {
        /// Checks every value against the spec's constraints, as the server's `from_params`
        /// would, and names the first offending parameter by its wire name. The generated client
        /// calls this before anything is sent, so an invalid request never reaches the network.
        pub fn validate(&self) -> ::std::result::Result<(), ValidationError> {
            #(#checks)*
            ::std::result::Result::Ok(())
        }
    }
}

fn rpc_codec(
    ctx: &Ctx,
    def: &StructDef,
    plain: &[Option<(&str, Scalar)>],
    default_paths: &[Option<String>],
    type_name: &str,
) -> TokenStream {
    let pushes = def.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        if f.is_optional() {
            // `value` is already a reference (to the box, when boxed).
            let value = if f.boxed {
                quote!(&**value)
            } else {
                quote!(value)
            };
            quote! {
                if let ::std::option::Option::Some(value) = &self.#field {
                    params.push((#wire, RpcParam::to_param(#value)));
                }
            }
        } else {
            let deref = if f.boxed { quote!(&*) } else { quote!(&) };
            quote!(params.push((#wire, RpcParam::to_param(#deref self.#field)));)
        }
    });
    let support = &ctx.support;
    let reads = def
        .fields
        .iter()
        .zip(default_paths)
        .zip(plain)
        .map(|((f, path), plain)| {
            let field = ident(&f.rust_name);
            let wire = &f.wire_name;
            // A plain field is read (and checked) as its newtype, then unwrapped.
            let (turbofish, unwrap_opt, unwrap_req) = match plain {
                Some((newtype, _)) => {
                    let newtype = ident(newtype);
                    (
                        quote!(::<#newtype>),
                        quote!(.map(::std::convert::Into::into)),
                        quote!(.into()),
                    )
                }
                None => (quote!(), quote!(), quote!()),
            };
            let read = if path.is_some() {
                let fn_name = format_ident!(
                    "{}_{}",
                    snake(type_name),
                    f.rust_name.trim_start_matches("r#")
                );
                quote!(#support optional_param #turbofish(&get, #wire)? #unwrap_opt .unwrap_or_else(defaults::#fn_name))
            } else if f.is_optional() {
                quote!(#support optional_param #turbofish(&get, #wire)? #unwrap_opt)
            } else {
                quote!(#support required_param #turbofish(&get, #wire)? #unwrap_req)
            };
            let read = match (f.boxed, f.is_optional()) {
                (true, true) => quote!(#read.map(::std::boxed::Box::new)),
                (true, false) => quote!(::std::boxed::Box::new(#read)),
                _ => read,
            };
            quote!(#field: #read)
        });
    let capacity = def.fields.len();
    // An operation without API parameters still has the codec, so callers need no special case.
    let (params_init, get_arg) = if def.fields.is_empty() {
        (quote!(), quote!(_get))
    } else {
        (
            quote!(let mut params = ::std::vec::Vec::with_capacity(#capacity);),
            quote!(get),
        )
    };
    let body = if def.fields.is_empty() {
        quote!(::std::vec::Vec::new())
    } else {
        quote! {
            #params_init
            #(#pushes)*
            params
        }
    };
    quote! {
        /// The API parameters as (wire name, text) pairs, in spec order; absent optional ones are
        /// left out. Not `Action`, `Version` or the signature: the protocol runtime adds those.
        /// Does not check constraints: call [`Self::validate`] first.
        // Pushes in spec order, one per field, read better than a `vec![]` of the required ones.
        #[allow(clippy::vec_init_then_push)]
        pub fn to_params(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
            #body
        }

        /// Reads and validates the API parameters; `get` looks a parameter up by wire name.
        /// Fields are read in spec order, so the first problem found is reported.
        pub fn from_params<'a>(#get_arg: impl Fn(&str) -> ::std::option::Option<&'a str>) -> ::std::result::Result<Self, ParamError> {
            ::std::result::Result::Ok(Self { #(#reads,)* })
        }
    }
}
