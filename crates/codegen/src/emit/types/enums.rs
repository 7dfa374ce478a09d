//! Enums with wire names: `as_str`/`value`, strict `FromStr`, `Display`, serde through them, and
//! an `Unknown(..)` variant on enums that answers carry.

use super::Ctx;
use crate::emit::{docs::doc_attrs, ident, scalar_tokens};
use crate::model::{EnumDef, EnumRepr, EnumValue, Scalar};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

fn int_literal(v: i64, scalar: Scalar) -> Literal {
    match scalar {
        Scalar::I32 => Literal::i32_suffixed(i32::try_from(v).unwrap_or_default()),
        _ => Literal::i64_suffixed(v),
    }
}

pub fn emit(ctx: &Ctx, name: &str, def: &EnumDef, docs: TokenStream) -> TokenStream {
    let support = &ctx.support;
    let name_ident = ident(name);
    let wire = &def.wire_name;
    let variants: Vec<_> = def.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let variant_docs = def.variants.iter().map(|v| {
        let value = match &v.value {
            EnumValue::Str(s) => format!("`{s}`"),
            EnumValue::Int(i) => format!("`{i}`"),
        };
        let mut lines = vec![format!("Wire value {value}.")];
        if let Some(d) = &v.description {
            lines.insert(0, String::new());
            lines.insert(0, d.clone());
        }
        doc_attrs(&lines)
    });
    let allowed_values = def
        .variants
        .iter()
        .map(|v| match &v.value {
            EnumValue::Str(s) => s.clone(),
            EnumValue::Int(i) => i.to_string(),
        })
        .collect::<Vec<_>>();
    let strict_reason = crate::emit::reasons::one_of(&allowed_values);
    match def.repr {
        EnumRepr::String => {
            let values: Vec<String> = def
                .variants
                .iter()
                .map(|v| match &v.value {
                    EnumValue::Str(s) => s.clone(),
                    EnumValue::Int(i) => i.to_string(),
                })
                .collect();
            let (unknown_variant, unknown_str, as_str_ret, derives, decode_unknown) = if def.open {
                (
                    quote! {
                        /// A value this version of the spec does not list (answers only; `FromStr`
                        /// refuses it).
                        Unknown(::std::string::String),
                    },
                    quote!(Self::Unknown(value) => value,),
                    quote!(&str),
                    quote!(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord),
                    quote!(::std::result::Result::Ok(
                        value.parse().unwrap_or(Self::Unknown(value))
                    )),
                )
            } else {
                (
                    quote!(),
                    quote!(),
                    quote!(&'static str),
                    quote!(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord),
                    quote!(value
                        .parse()
                        .map_err(<D::Error as ::serde::de::Error>::custom)),
                )
            };
            let rpc = ctx.rpc.then(|| rpc_impl(&name_ident));
            quote! {
                #docs
                #[derive(#derives)]
                pub enum #name_ident {
                    #(#variant_docs #variants,)*
                    #unknown_variant
                }

                impl #name_ident {
                    /// Every documented value.
                    pub const ALL: &'static [Self] = &[#(Self::#variants),*];

                    /// The wire value.
                    pub fn as_str(&self) -> #as_str_ret {
                        match self {
                            #(Self::#variants => #values,)*
                            #unknown_str
                        }
                    }
                }

                impl ::std::str::FromStr for #name_ident {
                    type Err = ValidationError;

                    /// Strict: only documented values.
                    fn from_str(value: &str) -> ::std::result::Result<Self, ValidationError> {
                        match value {
                            #(#values => ::std::result::Result::Ok(Self::#variants),)*
                            _ => ::std::result::Result::Err(ValidationError {
                                field: #wire,
                                reason: ::std::string::String::from(#strict_reason),
                            }),
                        }
                    }
                }

                impl ::std::fmt::Display for #name_ident {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl ::serde::Serialize for #name_ident {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for #name_ident {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                        #decode_unknown
                    }
                }

                #rpc
            }
        }
        EnumRepr::Int(scalar) => {
            let repr = scalar_tokens(scalar);
            let values: Vec<Literal> = def
                .variants
                .iter()
                .map(|v| match &v.value {
                    EnumValue::Int(i) => int_literal(*i, scalar),
                    EnumValue::Str(_) => int_literal(0, scalar),
                })
                .collect();
            // i64 needs no widening/narrowing (clippy calls such conversions useless).
            let (widen, narrow) = if scalar == Scalar::I64 {
                (quote!(value), quote!())
            } else {
                (
                    quote!(i64::from(value)),
                    quote!(.and_then(|v| #repr::try_from(v).ok())),
                )
            };
            let raw: Vec<i64> = def
                .variants
                .iter()
                .map(|v| match &v.value {
                    EnumValue::Int(i) => *i,
                    EnumValue::Str(_) => 0,
                })
                .collect();
            let (unknown_variant, unknown_value, derives, from_int_fallback) = if def.open {
                (
                    quote! {
                        /// A value this version of the spec does not list (answers only; `FromStr`
                        /// and `TryFrom` refuse it).
                        Unknown(#repr),
                    },
                    quote!(Self::Unknown(value) => *value,),
                    quote!(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord),
                    quote!(Self::Unknown(value)),
                )
            } else {
                (
                    quote!(),
                    quote!(),
                    quote!(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord),
                    quote!(),
                )
            };
            let decode = if def.open {
                quote! {
                    ::std::result::Result::Ok(Self::try_from(value).unwrap_or(#from_int_fallback))
                }
            } else {
                quote!(Self::try_from(value).map_err(<D::Error as ::serde::de::Error>::custom))
            };
            let rpc = ctx.rpc.then(|| rpc_impl(&name_ident));
            let not_int = crate::emit::reasons::not_int_one_of(&allowed_values);
            quote! {
                #docs
                #[derive(#derives)]
                pub enum #name_ident {
                    #(#variant_docs #variants,)*
                    #unknown_variant
                }

                impl #name_ident {
                    /// Every documented value.
                    pub const ALL: &'static [Self] = &[#(Self::#variants),*];

                    /// The wire value.
                    pub fn value(&self) -> #repr {
                        match self {
                            #(Self::#variants => #values,)*
                            #unknown_value
                        }
                    }
                }

                impl ::std::convert::TryFrom<#repr> for #name_ident {
                    type Error = ValidationError;

                    /// Strict: only documented values.
                    fn try_from(value: #repr) -> ::std::result::Result<Self, ValidationError> {
                        match #widen {
                            #(#raw => ::std::result::Result::Ok(Self::#variants),)*
                            _ => ::std::result::Result::Err(ValidationError {
                                field: #wire,
                                reason: ::std::string::String::from(#strict_reason),
                            }),
                        }
                    }
                }

                impl ::std::str::FromStr for #name_ident {
                    type Err = ValidationError;

                    fn from_str(value: &str) -> ::std::result::Result<Self, ValidationError> {
                        let parsed: #repr = #support parse_integer(value).ok_or_else(|| ValidationError {
                            field: #wire,
                            reason: ::std::string::String::from(#not_int),
                        })?;
                        Self::try_from(parsed)
                    }
                }

                impl ::std::fmt::Display for #name_ident {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        ::std::fmt::Display::fmt(&self.value(), f)
                    }
                }

                impl ::serde::Serialize for #name_ident {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                        ::serde::Serialize::serialize(&self.value(), serializer)
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for #name_ident {
                    /// Accepts the number or its decimal text.
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        let raw = <#support IntOrString as ::serde::Deserialize>::deserialize(deserializer)?;
                        let value = raw
                            .into_i64()
                            #narrow
                            .ok_or_else(|| <D::Error as ::serde::de::Error>::custom(::std::format!("{} {}", #wire, #not_int)))?;
                        #decode
                    }
                }

                #rpc
            }
        }
    }
}

fn rpc_impl(name: &proc_macro2::Ident) -> TokenStream {
    quote! {
        impl RpcParam for #name {
            fn to_param(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(self)
            }

            fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                value.parse::<Self>().map_err(|e| e.reason)
            }
        }
    }
}
