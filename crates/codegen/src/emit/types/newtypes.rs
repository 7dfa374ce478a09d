//! Constrained scalars: `pub struct PageSize(i32)` that can only hold a valid value.

use super::Ctx;
use crate::emit::{ident, reasons, scalar_tokens};
use crate::model::{Constraints, NewtypeDef, Scalar};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// A literal of the newtype's inner type for a bound from the spec.
fn bound(inner: Scalar, v: f64) -> Literal {
    match inner {
        Scalar::I32 => Literal::i32_suffixed(v as i32),
        Scalar::I64 => Literal::i64_suffixed(v as i64),
        Scalar::F32 => Literal::f32_suffixed(v as f32),
        _ => Literal::f64_suffixed(v),
    }
}

/// The statements of `fn check(value: &T) -> Result<(), ValidationError>`.
fn checks(def: &NewtypeDef) -> Vec<TokenStream> {
    let c: &Constraints = &def.constraints;
    let wire = &def.wire_name;
    let fail = |reason: TokenStream| {
        quote! {
            return ::std::result::Result::Err(ValidationError { field: #wire, reason: #reason });
        }
    };
    let mut out = Vec::new();
    let numeric = def.inner != Scalar::String;
    // Only the keywords that apply to the type: a string's `minimum` means nothing in JSON Schema.
    let c = &if numeric {
        Constraints {
            min_length: None,
            max_length: None,
            pattern: None,
            ..c.clone()
        }
    } else {
        Constraints {
            minimum: None,
            maximum: None,
            ..c.clone()
        }
    };
    if let Some(min) = c.minimum {
        let lit = bound(def.inner, min);
        let op = if c.exclusive_minimum {
            quote!(<=)
        } else {
            quote!(<)
        };
        let text = reasons::minimum(min, c.exclusive_minimum);
        let fail = fail(quote!(::std::format!(#text, value)));
        out.push(quote!(if *value #op #lit { #fail }));
    }
    if let Some(max) = c.maximum {
        let lit = bound(def.inner, max);
        let op = if c.exclusive_maximum {
            quote!(>=)
        } else {
            quote!(>)
        };
        let text = reasons::maximum(max, c.exclusive_maximum);
        let fail = fail(quote!(::std::format!(#text, value)));
        out.push(quote!(if *value #op #lit { #fail }));
    }
    if c.min_length.is_some() || c.max_length.is_some() {
        out.push(quote!(let length = value.chars().count();));
    }
    if let Some(n) = c.min_length {
        let text = reasons::min_length(n);
        let fail = fail(quote!(::std::format!(#text, length)));
        out.push(quote!(if length < #n { #fail }));
    }
    if let Some(n) = c.max_length {
        let text = reasons::max_length(n);
        let fail = fail(quote!(::std::format!(#text, length)));
        out.push(quote!(if length > #n { #fail }));
    }
    if let Some(p) = &c.pattern {
        let text = reasons::pattern(p);
        let fail = fail(quote!(::std::string::String::from(#text)));
        out.push(quote! {
            static PATTERN: ::std::sync::LazyLock<::regex::Regex> = ::std::sync::LazyLock::new(|| {
                ::regex::Regex::new(#p).expect("the generator compiled this pattern with the same regex crate")
            });
            if !PATTERN.is_match(value) { #fail }
        });
    }
    out
}

pub fn emit(ctx: &Ctx, name: &str, def: &NewtypeDef, docs: TokenStream) -> TokenStream {
    let name = ident(name);
    let inner = scalar_tokens(def.inner);
    let checks = checks(def);
    let wire = &def.wire_name;
    let is_string = def.inner == Scalar::String;
    let (check_arg, accessors, conversions) = if is_string {
        (
            quote!(value: &str),
            quote! {
                /// The checked text.
                pub fn as_str(&self) -> &str {
                    &self.0
                }

                /// The checked text, owned.
                pub fn into_inner(self) -> ::std::string::String {
                    self.0
                }
            },
            quote! {
                impl ::std::convert::TryFrom<&str> for #name {
                    type Error = ValidationError;

                    fn try_from(value: &str) -> ::std::result::Result<Self, ValidationError> {
                        Self::new(::std::borrow::ToOwned::to_owned(value))
                    }
                }

                impl ::std::str::FromStr for #name {
                    type Err = ValidationError;

                    fn from_str(value: &str) -> ::std::result::Result<Self, ValidationError> {
                        Self::new(::std::borrow::ToOwned::to_owned(value))
                    }
                }

                impl ::std::convert::AsRef<str> for #name {
                    fn as_ref(&self) -> &str {
                        &self.0
                    }
                }
            },
        )
    } else {
        let parse_reason = reasons::parse(def.inner);
        let support = &ctx.support;
        // Integers follow the runtime's one strict rule; floats parse as Rust reads them.
        let refused = quote! {
            ValidationError {
                field: #wire,
                reason: ::std::string::String::from(#parse_reason),
            }
        };
        let parse = if matches!(def.inner, Scalar::I32 | Scalar::I64) {
            quote!(#support parse_integer(value).ok_or_else(|| #refused))
        } else {
            quote!(value.trim().parse().map_err(|_| #refused))
        };
        (
            quote!(value: &#inner),
            quote! {
                /// The checked value.
                pub fn get(&self) -> #inner {
                    self.0
                }
            },
            quote! {
                impl ::std::str::FromStr for #name {
                    type Err = ValidationError;

                    fn from_str(value: &str) -> ::std::result::Result<Self, ValidationError> {
                        let parsed: #inner = #parse?;
                        Self::new(parsed)
                    }
                }
            },
        )
    };
    let rpc = ctx.rpc.then(|| {
        quote! {
            impl RpcParam for #name {
                fn to_param(&self) -> ::std::string::String {
                    ::std::string::ToString::to_string(&self.0)
                }

                fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                    value.parse::<Self>().map_err(|e| e.reason)
                }
            }
        }
    });
    let derives = if is_string {
        quote!(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)
    } else {
        quote!(Clone, Copy, PartialEq, PartialOrd)
    };
    quote! {
        #docs
        #[derive(Debug, #derives, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(#inner);

        impl #name {
            /// Checks `value` against the spec's constraints.
            pub fn new(value: #inner) -> ::std::result::Result<Self, ValidationError> {
                Self::check(&value)?;
                ::std::result::Result::Ok(Self(value))
            }

            #accessors

            fn check(#check_arg) -> ::std::result::Result<(), ValidationError> {
                #(#checks)*
                ::std::result::Result::Ok(())
            }
        }

        impl ::std::convert::TryFrom<#inner> for #name {
            type Error = ValidationError;

            fn try_from(value: #inner) -> ::std::result::Result<Self, ValidationError> {
                Self::new(value)
            }
        }

        #conversions

        impl ::std::ops::Deref for #name {
            type Target = #inner;

            fn deref(&self) -> &#inner {
                &self.0
            }
        }

        impl ::std::convert::From<#name> for #inner {
            fn from(value: #name) -> Self {
                value.0
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <#inner as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::new(value).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        #rpc
    }
}
