//! The two signature schemes, as pure functions over decoded values: canonical strings, string to
//! sign, HMAC. [`crate::signing`] (client) and [`crate::auth`] (server) are built on them.

use std::fmt;

pub mod v1;
pub mod v3;

/// Which scheme signed (or is to sign) a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureVersion {
    /// `HMAC-SHA1`, `SignatureVersion=1.0`: everything in parameters (Tea SDKs call it "v2").
    V1,
    /// `ACS3-HMAC-SHA256` in the `Authorization` header: the current SDKs' default.
    V3,
}

impl SignatureVersion {
    /// The algorithm name as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureVersion::V1 => v1::SIGNATURE_METHOD,
            SignatureVersion::V3 => v3::ALGORITHM,
        }
    }
}

impl fmt::Display for SignatureVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
