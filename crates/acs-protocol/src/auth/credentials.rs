use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::secret::{AccessKeySecret, SecurityToken};
use crate::signature::SignatureVersion;

/// What the service knows about an AccessKey id.
#[derive(Clone)]
pub struct Credential {
    /// The signing secret.
    pub secret: AccessKeySecret,
    /// Opaque id of the owner (e.g. a user id), handed to business code as [`Caller::principal`].
    pub principal: String,
    /// False for a disabled key: answered with `InvalidAccessKeyId.Inactive`.
    pub active: bool,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("secret", &self.secret)
            .field("principal", &self.principal)
            .field("active", &self.active)
            .finish()
    }
}

/// A storage failure while looking up a key; answered as `InternalError`, the cause is for logs.
#[derive(Debug, thiserror::Error)]
#[error("credential lookup failed")]
pub struct LookupError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

impl LookupError {
    /// Wraps any error.
    pub fn new(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(source.into())
    }
}

/// Finds the secret of an AccessKey id. The STS token of the request, if any, is passed along so
/// that an implementation backed by an STS service can validate it and return the temporary
/// secret; a plain key store ignores it.
#[async_trait]
pub trait CredentialLookup: Send + Sync {
    /// `Ok(None)` when the id is unknown (answered `InvalidAccessKeyId.NotFound`, 404).
    async fn lookup(
        &self,
        access_key_id: &str,
        security_token: Option<&SecurityToken>,
    ) -> Result<Option<Credential>, LookupError>;
}

#[async_trait]
impl<T: CredentialLookup + ?Sized> CredentialLookup for Arc<T> {
    async fn lookup(
        &self,
        access_key_id: &str,
        security_token: Option<&SecurityToken>,
    ) -> Result<Option<Credential>, LookupError> {
        (**self).lookup(access_key_id, security_token).await
    }
}

#[async_trait]
impl<T: CredentialLookup + ?Sized> CredentialLookup for Box<T> {
    async fn lookup(
        &self,
        access_key_id: &str,
        security_token: Option<&SecurityToken>,
    ) -> Result<Option<Credential>, LookupError> {
        (**self).lookup(access_key_id, security_token).await
    }
}

/// The authenticated caller, handed to business code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The AccessKey id that signed.
    pub access_key_id: String,
    /// The key owner from [`Credential::principal`].
    pub principal: String,
    /// The STS token the request carried, if any.
    pub security_token: Option<SecurityToken>,
    /// The scheme that signed.
    pub signature_version: SignatureVersion,
}
