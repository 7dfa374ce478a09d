//! The API error every failure turns into: HTTP status, Alibaba error code, message.
//!
//! Codes and messages of the common errors are fixed by the official SDKs' expectations
//! (wire-protocol.md section 5); the constructors below are the only place they are spelled, so
//! the server, the client and the tests cannot drift apart.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

/// The common error codes (section 5), for matching without retyping strings.
pub mod codes {
    /// A mandatory parameter is absent.
    pub const MISSING_PARAMETER: &str = "MissingParameter";
    /// A parameter has an unacceptable value (or occurs twice).
    pub const INVALID_PARAMETER: &str = "InvalidParameter";
    /// The signature does not match the server's calculation.
    pub const SIGNATURE_DOES_NOT_MATCH: &str = "SignatureDoesNotMatch";
    /// The signature is malformed or covers too little.
    pub const INCOMPLETE_SIGNATURE: &str = "IncompleteSignature";
    /// No AccessKey with this id.
    pub const ACCESS_KEY_NOT_FOUND: &str = "InvalidAccessKeyId.NotFound";
    /// The AccessKey exists but is disabled.
    pub const ACCESS_KEY_INACTIVE: &str = "InvalidAccessKeyId.Inactive";
    /// The timestamp is outside the accepted window.
    pub const TIMESTAMP_EXPIRED: &str = "InvalidTimeStamp.Expired";
    /// The nonce was seen within the window (a replay).
    pub const SIGNATURE_NONCE_USED: &str = "SignatureNonceUsed";
    /// The `Version` is not the served one.
    pub const INVALID_VERSION: &str = "InvalidVersion";
    /// The `Action` is unknown.
    pub const ACTION_NOT_FOUND: &str = "InvalidAction.NotFound";
    /// Anything the caller cannot fix; details only in the server log.
    pub const INTERNAL_ERROR: &str = "InternalError";
    /// The server refuses work it cannot safely take (e.g. the replay cache is full).
    pub const THROTTLING: &str = "Throttling";
    /// An HTTP method other than GET, POST, PUT.
    pub const UNSUPPORTED_HTTP_METHOD: &str = "UnsupportedHTTPMethod";
}

/// An answer-ready API error. `Display` shows `Code: Message` (never a secret: messages are built
/// only from parameter names, fixed texts and the redacted string to sign).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub struct AcsError {
    status: StatusCode,
    code: Cow<'static, str>,
    message: String,
    recommend: Option<String>,
}

impl fmt::Display for AcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl fmt::Debug for AcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcsError")
            .field("status", &self.status.as_u16())
            .field("code", &self.code)
            .field("message", &self.message)
            .field("recommend", &self.recommend)
            .finish()
    }
}

impl AcsError {
    /// Any error, e.g. a per-operation business code from the spec.
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            recommend: None,
        }
    }

    /// Adds the `Recommend` text (Alibaba puts a troubleshooting link there).
    #[must_use]
    pub fn with_recommend(mut self, recommend: impl Into<String>) -> Self {
        self.recommend = Some(recommend.into());
        self
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The Alibaba error code (`Code`).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The human-readable message (`Message`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The optional `Recommend` text.
    pub fn recommend(&self) -> Option<&str> {
        self.recommend.as_deref()
    }

    /// 400 `MissingParameter` naming the absent parameter.
    pub fn missing_parameter(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::MISSING_PARAMETER,
            format!("The input parameter \"{name}\" that is mandatory for processing this request is not supplied."),
        )
    }

    /// 400 `InvalidParameter` naming the parameter; `why` (may be empty) follows the fixed text.
    pub fn invalid_parameter(name: &str, why: &str) -> Self {
        let mut message = format!("The specified parameter \"{name}\" is not valid.");
        if !why.is_empty() {
            message.push(' ');
            message.push_str(why);
        }
        Self::new(StatusCode::BAD_REQUEST, codes::INVALID_PARAMETER, message)
    }

    /// 400 `SignatureDoesNotMatch`; the server's string to sign follows `is:` byte for byte,
    /// because the classic Python SDK compares it with its own to diagnose a wrong secret.
    pub fn signature_does_not_match(string_to_sign: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::SIGNATURE_DOES_NOT_MATCH,
            format!("Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"),
        )
    }

    /// 400 `IncompleteSignature`.
    pub fn incomplete_signature() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::INCOMPLETE_SIGNATURE,
            "The request signature does not conform to Aliyun standards.",
        )
    }

    /// 404 `InvalidAccessKeyId.NotFound`.
    pub fn access_key_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            codes::ACCESS_KEY_NOT_FOUND,
            "Specified access key is not found.",
        )
    }

    /// 400 `InvalidAccessKeyId.Inactive`.
    pub fn access_key_inactive() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::ACCESS_KEY_INACTIVE,
            "Specified access key is disabled.",
        )
    }

    /// 400 `InvalidTimeStamp.Expired`.
    pub fn timestamp_expired() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::TIMESTAMP_EXPIRED,
            "Specified time stamp or date value is expired.",
        )
    }

    /// 400 `SignatureNonceUsed`.
    pub fn signature_nonce_used() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::SIGNATURE_NONCE_USED,
            "Specified signature nonce was used already.",
        )
    }

    /// 400 `InvalidVersion`.
    pub fn invalid_version() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_VERSION,
            "Specified parameter Version is not valid.",
        )
    }

    /// 404 `InvalidAction.NotFound`.
    pub fn action_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            codes::ACTION_NOT_FOUND,
            "Specified api is not found, please check your url and method.",
        )
    }

    /// 500 `InternalError`: the fixed text only; the cause belongs in the server log.
    pub fn internal_error() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL_ERROR,
            "The request processing has failed due to some unknown error.",
        )
    }

    /// 503 `Throttling`: the server is at a configured limit (e.g. the in-memory replay cache is
    /// full) and refuses rather than weakening a guarantee. SDKs retry this code.
    pub fn throttling() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::THROTTLING,
            "Request was denied due to request throttling.",
        )
    }

    /// 405 `UnsupportedHTTPMethod`; the router adds `Allow: GET, POST, PUT`.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            codes::UNSUPPORTED_HTTP_METHOD,
            "This http method is not supported.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_exactly_the_documented_ones() {
        assert_eq!(
            AcsError::missing_parameter("ConnectionId").message(),
            "The input parameter \"ConnectionId\" that is mandatory for processing this request is not supplied."
        );
        let e = AcsError::invalid_parameter("Status", "Expected ENABLED or DISABLED.");
        assert_eq!(
            e.message(),
            "The specified parameter \"Status\" is not valid. Expected ENABLED or DISABLED."
        );
        assert_eq!(
            AcsError::invalid_parameter("X", "").message(),
            "The specified parameter \"X\" is not valid."
        );
        let e = AcsError::signature_does_not_match("GET&%2F&a%3Db");
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert!(e
            .message()
            .ends_with("server string to sign is:GET&%2F&a%3Db"));
        assert_eq!(
            AcsError::access_key_not_found().status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(AcsError::action_not_found().status(), StatusCode::NOT_FOUND);
        assert_eq!(AcsError::internal_error().status().as_u16(), 500);
        assert_eq!(
            AcsError::timestamp_expired().to_string(),
            "InvalidTimeStamp.Expired: Specified time stamp or date value is expired."
        );
    }
}
