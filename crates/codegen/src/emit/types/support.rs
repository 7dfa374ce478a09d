//! Items every generated types crate carries: the validation and parameter errors, the error-code
//! record, and the RPC parameter codec trait with its scalar implementations.

use crate::model::Scalar;
use proc_macro2::TokenStream;
use quote::quote;

/// `ValidationError`, `ErrorCode` and (when integer enums exist) their decoding helper.
pub fn common(int_enums: bool) -> TokenStream {
    let int_or_string = int_enums.then(|| {
        quote! {
            /// Integer enums accept `1` and `"1"` when decoding: Alibaba Cloud answers are loose
            /// about number types.
            #[derive(::serde::Deserialize)]
            #[serde(untagged)]
            enum IntOrString {
                Int(i64),
                String(::std::string::String),
            }

            impl IntOrString {
                fn into_i64(self) -> ::std::option::Option<i64> {
                    match self {
                        Self::Int(i) => ::std::option::Option::Some(i),
                        Self::String(s) => s.trim().parse().ok(),
                    }
                }
            }
        }
    });
    quote! {
        /// A value broke a constraint of the spec. `field` is the wire name, `reason` says why:
        /// displayed as `PageSize must be at most 100, got 101`. Never contains a string value
        /// that was checked (it could be a secret), only its length or the rule.
        #[derive(Debug, Clone, PartialEq, Eq, ::thiserror::Error)]
        #[error("{field} {reason}")]
        pub struct ValidationError {
            /// Wire name of the field, parameter or type.
            pub field: &'static str,
            /// Why the value was refused (`must be at most 100, got 101`).
            pub reason: ::std::string::String,
        }

        /// One documented error code of an operation, as the spec lists it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct ErrorCode {
            pub http_status: u16,
            pub code: &'static str,
            /// The documented message; `{name}`-style placeholders are filled in at run time.
            pub message: &'static str,
            pub description: &'static str,
        }

        impl ErrorCode {
            /// The message with its `{placeholder}`s filled in, e.g.
            /// `code.message_with(&[("name", "ConnectionId")])`; unknown placeholders stay.
            pub fn message_with(&self, values: &[(&str, &str)]) -> ::std::string::String {
                let mut message = ::std::borrow::ToOwned::to_owned(self.message);
                for (key, value) in values {
                    message = message.replace(&::std::format!("{{{key}}}"), value);
                }
                message
            }
        }

        #int_or_string
    }
}

/// The RPC parameter codec: `ParamError`, `RpcParam` and the helpers `from_params` calls.
pub fn rpc() -> TokenStream {
    let ints = [
        (quote!(i32), crate::emit::reasons::parse(Scalar::I32)),
        (quote!(i64), crate::emit::reasons::parse(Scalar::I64)),
    ];
    let int_impls = ints.iter().map(|(ty, reason)| {
        quote! {
            impl RpcParam for #ty {
                fn to_param(&self) -> ::std::string::String {
                    ::std::string::ToString::to_string(self)
                }

                fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                    value.parse().map_err(|_| ::std::string::String::from(#reason))
                }
            }
        }
    });
    let floats = [quote!(f32), quote!(f64)];
    let float_impls = floats.iter().map(|ty| {
        quote! {
            impl RpcParam for #ty {
                fn to_param(&self) -> ::std::string::String {
                    ::std::string::ToString::to_string(self)
                }

                fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                    value
                        .parse::<#ty>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| ::std::string::String::from("must be a number"))
                }
            }
        }
    });
    quote! {
        /// Why RPC parameters could not be read; the server answers `MissingParameter` or
        /// `InvalidParameter` naming `name`.
        #[derive(Debug, Clone, PartialEq, Eq, ::thiserror::Error)]
        pub enum ParamError {
            /// A required parameter is absent.
            #[error("the parameter {name} is missing")]
            Missing { name: &'static str },
            /// A parameter is present but not valid; `reason` never repeats the value.
            #[error("the parameter {name} is not valid: {reason}")]
            Invalid {
                name: &'static str,
                reason: ::std::string::String,
            },
        }

        impl ParamError {
            /// Wire name of the parameter.
            pub fn name(&self) -> &'static str {
                match self {
                    Self::Missing { name } | Self::Invalid { name, .. } => name,
                }
            }
        }

        /// How one RPC parameter value is written to and read from its text form (query string or
        /// form body). Lists and objects travel as one JSON text (Alibaba's `style: json`).
        pub trait RpcParam: ::std::marker::Sized {
            /// The parameter's text.
            fn to_param(&self) -> ::std::string::String;
            /// Parses and validates the text; the error is the reason, without the value.
            fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String>;
        }

        impl RpcParam for ::std::string::String {
            fn to_param(&self) -> ::std::string::String {
                ::std::clone::Clone::clone(self)
            }

            fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                ::std::result::Result::Ok(::std::borrow::ToOwned::to_owned(value))
            }
        }

        impl RpcParam for bool {
            fn to_param(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(self)
            }

            fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                if value.eq_ignore_ascii_case("true") {
                    ::std::result::Result::Ok(true)
                } else if value.eq_ignore_ascii_case("false") {
                    ::std::result::Result::Ok(false)
                } else {
                    ::std::result::Result::Err(::std::string::String::from("must be true or false"))
                }
            }
        }

        #(#int_impls)*

        #(#float_impls)*

        impl<T: ::serde::Serialize + ::serde::de::DeserializeOwned> RpcParam for ::std::vec::Vec<T> {
            fn to_param(&self) -> ::std::string::String {
                json_param(self)
            }

            fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                from_json_param(value)
            }
        }

        impl<T: ::serde::Serialize + ::serde::de::DeserializeOwned> RpcParam
            for ::std::collections::BTreeMap<::std::string::String, T>
        {
            fn to_param(&self) -> ::std::string::String {
                json_param(self)
            }

            fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                from_json_param(value)
            }
        }

        impl RpcParam for ::serde_json::Value {
            fn to_param(&self) -> ::std::string::String {
                json_param(self)
            }

            fn from_param(value: &str) -> ::std::result::Result<Self, ::std::string::String> {
                from_json_param(value)
            }
        }

        fn json_param<T: ::serde::Serialize>(value: &T) -> ::std::string::String {
            // Models serialize to JSON without failing: maps have string keys, numbers are finite.
            ::serde_json::to_string(value).unwrap_or_default()
        }

        fn from_json_param<T: ::serde::de::DeserializeOwned>(value: &str) -> ::std::result::Result<T, ::std::string::String> {
            // serde_json's own messages can quote the input (a secret, maybe): name the category only.
            ::serde_json::from_str(value).map_err(|e| {
                let what = match e.classify() {
                    ::serde_json::error::Category::Data => "wrong shape",
                    ::serde_json::error::Category::Eof => "truncated",
                    _ => "syntax error",
                };
                ::std::format!("must be JSON of the documented shape ({what})")
            })
        }

        fn required_param<'a, T: RpcParam>(
            get: &impl Fn(&str) -> ::std::option::Option<&'a str>,
            name: &'static str,
        ) -> ::std::result::Result<T, ParamError> {
            let value = get(name).ok_or(ParamError::Missing { name })?;
            T::from_param(value).map_err(|reason| ParamError::Invalid { name, reason })
        }

        fn optional_param<'a, T: RpcParam>(
            get: &impl Fn(&str) -> ::std::option::Option<&'a str>,
            name: &'static str,
        ) -> ::std::result::Result<::std::option::Option<T>, ParamError> {
            get(name)
                .map(|value| T::from_param(value).map_err(|reason| ParamError::Invalid { name, reason }))
                .transpose()
        }
    }
}

/// Serde helpers for request fields that hold a constrained value as its plain type: decoding
/// goes through the newtype (and so its checks), then unwraps it.
pub fn checked_params() -> TokenStream {
    quote! {
        /// Decodes a plain request field through its constrained newtype `N`, so a decoded request
        /// is as valid as one read by `from_params`.
        fn checked_param<'de, D, N, P>(deserializer: D) -> ::std::result::Result<P, D::Error>
        where
            D: ::serde::Deserializer<'de>,
            N: ::serde::Deserialize<'de> + ::std::convert::Into<P>,
        {
            <N as ::serde::Deserialize>::deserialize(deserializer).map(::std::convert::Into::into)
        }

        /// [`checked_param`] for an optional field.
        fn checked_optional_param<'de, D, N, P>(
            deserializer: D,
        ) -> ::std::result::Result<::std::option::Option<P>, D::Error>
        where
            D: ::serde::Deserializer<'de>,
            N: ::serde::Deserialize<'de> + ::std::convert::Into<P>,
        {
            <::std::option::Option<N> as ::serde::Deserialize>::deserialize(deserializer)
                .map(|value| value.map(::std::convert::Into::into))
        }
    }
}
