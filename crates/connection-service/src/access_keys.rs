//! AccessKey pairs: generating them, and finding one for signature verification.

use std::fmt;

use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use crate::crypto::Cipher;
use crate::store::{Store, StoreError};

/// Length of the random part after `LTAI`.
const ID_RANDOM_CHARS: usize = 20;
/// Length of a secret.
const SECRET_CHARS: usize = 30;

/// A new AccessKey id: `LTAI` followed by 20 base62 characters, like Alibaba Cloud's.
pub fn generate_id() -> String {
    format!(
        "LTAI{}",
        Alphanumeric.sample_string(&mut OsRng, ID_RANDOM_CHARS)
    )
}

/// A new secret: 30 base62 characters (~178 bits) from the OS generator.
pub fn generate_secret() -> SecretString {
    SecretString(Zeroizing::new(
        Alphanumeric.sample_string(&mut OsRng, SECRET_CHARS),
    ))
}

/// A secret held in memory: wiped on drop, `***` in Debug and Display.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The value; call only where it is really needed (printing it once, signing).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(***)")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// What signature verification needs about an AccessKey.
#[derive(Debug, Clone)]
pub struct AccessKeyCredential {
    /// The decrypted secret.
    pub secret: SecretString,
    /// The owning user's id (the caller's `user_id`).
    pub user_id: i64,
    /// The owning user's name.
    pub user_name: String,
    /// False for a disabled key.
    pub active: bool,
}

/// Why a credential could not be looked up.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stored secret does not decrypt under the configured master key.
    #[error(transparent)]
    Crypto(#[from] crate::crypto::CryptoError),
}

/// Finds an AccessKey by id and decrypts its secret: `Ok(None)` for an unknown id. This is the
/// body of the protocol runtime's `CredentialLookup` (principal = `user_id.to_string()`).
pub async fn lookup_credential(
    store: &dyn Store,
    cipher: &Cipher,
    access_key_id: &str,
) -> Result<Option<AccessKeyCredential>, CredentialError> {
    let Some(record) = store.find_access_key(access_key_id).await? else {
        return Ok(None);
    };
    let secret = cipher.open(&record.sealed_secret)?;
    Ok(Some(AccessKeyCredential {
        secret: SecretString::new(secret.as_str()),
        user_id: record.user_id,
        user_name: record.user_name,
        active: record.active,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_secrets_have_the_documented_shape() {
        let id = generate_id();
        assert_eq!(id.len(), 24);
        assert!(id.starts_with("LTAI"));
        assert!(id[4..].chars().all(|c| c.is_ascii_alphanumeric()));
        let secret = generate_secret();
        assert_eq!(secret.expose().len(), 30);
        assert!(secret.expose().chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(generate_id(), id);
        assert_eq!(format!("{secret:?} {secret}"), "SecretString(***) ***");
    }
}
