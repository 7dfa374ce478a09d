//! The reasons a generated check gives when a value breaks the spec (`must be at most 100, got
//! {}`). One place for the wording, used by the types emitter (the Rust checks the server runs)
//! and by the explorer emitter (the same sentences for the page's checks before sending), so the
//! page tells a user exactly what the server would. `{}` stands for the value (or its length).

use crate::model::Scalar;

/// A bound as the spec wrote it: `100`, not `100.0`.
pub fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

/// `minimum` (or `exclusiveMinimum`) broken; `{}` is the value.
pub fn minimum(min: f64, exclusive: bool) -> String {
    if exclusive {
        format!("must be greater than {}, got {{}}", number_text(min))
    } else {
        format!("must be at least {}, got {{}}", number_text(min))
    }
}

/// `maximum` (or `exclusiveMaximum`) broken; `{}` is the value.
pub fn maximum(max: f64, exclusive: bool) -> String {
    if exclusive {
        format!("must be less than {}, got {{}}", number_text(max))
    } else {
        format!("must be at most {}, got {{}}", number_text(max))
    }
}

/// `minLength` broken; `{}` is the length in characters.
pub fn min_length(n: usize) -> String {
    format!(
        "must be at least {n} character{} long, got {{}}",
        if n == 1 { "" } else { "s" }
    )
}

/// `maxLength` broken; `{}` is the length in characters.
pub fn max_length(n: usize) -> String {
    format!(
        "must be at most {n} character{} long, got {{}}",
        if n == 1 { "" } else { "s" }
    )
}

/// `pattern` not matched.
pub fn pattern(p: &str) -> String {
    format!("must match the pattern {p}")
}

/// A value outside an enum (`allowed` in spec order).
pub fn one_of(allowed: &[String]) -> String {
    format!("must be one of: {}", allowed.join(", "))
}

/// Text that is not an integer, for an integer enum.
pub fn not_int_one_of(allowed: &[String]) -> String {
    format!("must be an integer, one of: {}", allowed.join(", "))
}

/// Text that does not parse as the scalar.
pub fn parse(scalar: Scalar) -> &'static str {
    match scalar {
        Scalar::I32 => "must be a 32-bit integer",
        Scalar::I64 => "must be a 64-bit integer",
        Scalar::Bool => "must be true or false",
        _ => "must be a number",
    }
}
