//! Newtypes for values that must never leak: an AccessKey secret and an STS security token.
//!
//! Both print as `***` through `Debug` and `Display`, implement no `Serialize` (so they cannot end up
//! in an answer or a JSON log by accident), and wipe their memory on drop. `expose()` is the one
//! deliberate way to read the value, which keeps every use greppable.

use std::fmt;

use serde::Deserialize;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

const REDACTED: &str = "***";

macro_rules! secret_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value; the caller's copy is moved in, not duplicated.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The plain value. Call it only where the value is really needed (signing, lookup).
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        /// Wipes the value so it does not linger in freed memory.
        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), REDACTED)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(REDACTED)
            }
        }

        /// Constant-time, so that comparing secrets (e.g. in a lookup) leaks no timing.
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
            }
        }

        impl Eq for $name {}

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

secret_newtype!(
    /// The secret half of an AccessKey pair: the HMAC key of every signature.
    AccessKeySecret
);

secret_newtype!(
    /// An STS security token (`SecurityToken` parameter / `x-acs-security-token` header). Not
    /// enough to sign on its own, but a bearer credential component, so treated as a secret.
    SecurityToken
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = AccessKeySecret::new("hunter2-secret");
        assert_eq!(format!("{s:?}"), "AccessKeySecret(***)");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.expose(), "hunter2-secret");
        let t = SecurityToken::from("CAIS+token");
        assert_eq!(format!("{t:?} {t}"), "SecurityToken(***) ***");
    }

    #[test]
    fn equality_compares_values() {
        assert_eq!(AccessKeySecret::new("a"), AccessKeySecret::new("a"));
        assert_ne!(AccessKeySecret::new("a"), AccessKeySecret::new("ab"));
    }
}
