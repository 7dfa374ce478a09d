//! The RPC parameter codec and the decoding helpers generated code calls.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::ParamError;

/// How one RPC parameter value is written to and read from its text form (query string or
/// form body). Lists and objects travel as one JSON text (Alibaba's `style: json`).
pub trait RpcParam: Sized {
    /// The parameter's text.
    fn to_param(&self) -> String;
    /// Parses and validates the text; the error is the reason, without the value.
    fn from_param(value: &str) -> Result<Self, String>;
}

impl RpcParam for String {
    fn to_param(&self) -> String {
        self.clone()
    }

    fn from_param(value: &str) -> Result<Self, String> {
        Ok(value.to_owned())
    }
}

impl RpcParam for bool {
    fn to_param(&self) -> String {
        self.to_string()
    }

    fn from_param(value: &str) -> Result<Self, String> {
        if value.eq_ignore_ascii_case("true") {
            Ok(true)
        } else if value.eq_ignore_ascii_case("false") {
            Ok(false)
        } else {
            Err(String::from("must be true or false"))
        }
    }
}

/// Whether `value` is an integer as Alibaba Cloud's gateway writes and reads one: decimal
/// digits with no `+`, no spaces and no leading zero, and a `-` only before a non-zero
/// number. Rust's `str::parse` alone would take `+1`, and `01` for 1, which the gateway refuses.
fn is_canonical_integer(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    match digits.as_bytes() {
        [] => false,
        [b'0'] => digits.len() == value.len(),
        [b'0', ..] => false,
        bytes => bytes.iter().all(u8::is_ascii_digit),
    }
}

/// Reads an integer parameter strictly (see [`is_canonical_integer`]); `None` when it is not
/// one or does not fit `T`. Generated constrained integers and integer enums parse through it,
/// so every integer on the wire follows one rule.
pub fn parse_integer<T: std::str::FromStr>(value: &str) -> Option<T> {
    is_canonical_integer(value)
        .then(|| value.parse().ok())
        .flatten()
}

/// Integers must be canonical (see [`is_canonical_integer`]) and in range, else `reason`.
macro_rules! int_param {
    ($($ty:ty => $reason:literal),*) => {$(
        impl RpcParam for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }

            fn from_param(value: &str) -> Result<Self, String> {
                if !is_canonical_integer(value) {
                    return Err(String::from($reason));
                }
                value.parse().map_err(|_| String::from($reason))
            }
        }
    )*};
}

int_param!(i32 => "must be a 32-bit integer", i64 => "must be a 64-bit integer");

/// Floats must be finite (no `NaN`, no `inf`).
macro_rules! float_param {
    ($($ty:ty),*) => {$(
        impl RpcParam for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }

            fn from_param(value: &str) -> Result<Self, String> {
                value
                    .parse::<$ty>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| String::from("must be a number"))
            }
        }
    )*};
}

float_param!(f32, f64);

impl<T: Serialize + DeserializeOwned> RpcParam for Vec<T> {
    fn to_param(&self) -> String {
        json_param(self)
    }

    fn from_param(value: &str) -> Result<Self, String> {
        from_json_param(value)
    }
}

impl<T: Serialize + DeserializeOwned> RpcParam for BTreeMap<String, T> {
    fn to_param(&self) -> String {
        json_param(self)
    }

    fn from_param(value: &str) -> Result<Self, String> {
        from_json_param(value)
    }
}

impl RpcParam for serde_json::Value {
    fn to_param(&self) -> String {
        json_param(self)
    }

    fn from_param(value: &str) -> Result<Self, String> {
        from_json_param(value)
    }
}

/// A list or object parameter's JSON text (generated `RpcParam` impls of structs call it).
pub fn json_param<T: Serialize>(value: &T) -> String {
    // Models serialize to JSON without failing: maps have string keys, numbers are finite.
    serde_json::to_string(value).unwrap_or_default()
}

/// Reads a list or object parameter from its JSON text.
pub fn from_json_param<T: DeserializeOwned>(value: &str) -> Result<T, String> {
    // serde_json's own messages can quote the input (a secret, maybe): name the category only.
    serde_json::from_str(value).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "wrong shape",
            serde_json::error::Category::Eof => "truncated",
            _ => "syntax error",
        };
        format!("must be JSON of the documented shape ({what})")
    })
}

/// A required parameter of a generated `from_params`, read through `get`.
pub fn required_param<'a, T: RpcParam>(
    get: &impl Fn(&str) -> Option<&'a str>,
    name: &'static str,
) -> Result<T, ParamError> {
    let value = get(name).ok_or(ParamError::Missing { name })?;
    T::from_param(value).map_err(|reason| ParamError::Invalid { name, reason })
}

/// An optional parameter of a generated `from_params`, read through `get`.
pub fn optional_param<'a, T: RpcParam>(
    get: &impl Fn(&str) -> Option<&'a str>,
    name: &'static str,
) -> Result<Option<T>, ParamError> {
    get(name)
        .map(|value| T::from_param(value).map_err(|reason| ParamError::Invalid { name, reason }))
        .transpose()
}

/// Decodes a plain request field through its constrained newtype `N`, so a decoded request
/// is as valid as one read by `from_params`.
pub fn checked_param<'de, D, N, P>(deserializer: D) -> Result<P, D::Error>
where
    D: Deserializer<'de>,
    N: Deserialize<'de> + Into<P>,
{
    N::deserialize(deserializer).map(Into::into)
}

/// [`checked_param`] for an optional field.
pub fn checked_optional_param<'de, D, N, P>(deserializer: D) -> Result<Option<P>, D::Error>
where
    D: Deserializer<'de>,
    N: Deserialize<'de> + Into<P>,
{
    Option::<N>::deserialize(deserializer).map(|value| value.map(Into::into))
}

/// Integer enums accept `1` and `"1"` when decoding: Alibaba Cloud answers are loose
/// about number types.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i64),
    String(String),
}

impl IntOrString {
    /// The integer, from either form (`None` when the text is not one).
    pub fn into_i64(self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(i),
            Self::String(s) => s.trim().parse().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_strict_like_the_gateway() {
        for good in ["0", "7", "-7", "2147483647", "-2147483648"] {
            assert_eq!(i32::from_param(good), Ok(good.parse().unwrap()), "{good:?}");
        }
        for bad in [
            "+1", " 5", "5 ", "01", "00", "-0", "-01", "-", "", "1_000", "0x1", "\u{0661}",
        ] {
            assert_eq!(
                i32::from_param(bad),
                Err("must be a 32-bit integer".into()),
                "{bad:?}"
            );
            assert_eq!(
                i64::from_param(bad),
                Err("must be a 64-bit integer".into()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn scalars_read_as_before() {
        assert_eq!(i32::from_param("-7"), Ok(-7));
        assert_eq!(
            i32::from_param("4294967296"),
            Err("must be a 32-bit integer".into())
        );
        assert_eq!(bool::from_param("TRUE"), Ok(true));
        assert_eq!(f64::from_param("inf"), Err("must be a number".into()));
        assert_eq!(
            Vec::<i32>::from_param("[1,"),
            Err("must be JSON of the documented shape (truncated)".into())
        );
        assert_eq!(vec![1, 2].to_param(), "[1,2]");
    }

    #[test]
    fn missing_and_invalid_parameters_are_named() {
        let get = |name: &str| (name == "PageSize").then_some("x");
        assert_eq!(
            required_param::<i32>(&get, "PageNumber"),
            Err(ParamError::Missing { name: "PageNumber" })
        );
        assert_eq!(
            optional_param::<i32>(&get, "PageSize"),
            Err(ParamError::Invalid {
                name: "PageSize",
                reason: "must be a 32-bit integer".into()
            })
        );
        assert_eq!(optional_param::<i32>(&get, "Other"), Ok(None));
    }
}
