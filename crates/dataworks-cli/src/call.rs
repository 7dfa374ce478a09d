//! What the generated commands call into: the flag values by wire name ([`Params`]), and the
//! outcome of one call reduced to what the command line prints and exits with ([`Answer`],
//! [`Failure`]). Spec-independent: the generated module (`generated/mod.rs`) does the
//! per-operation part.

use std::collections::BTreeMap;

use dataworks_client::{Response, ValidationError};
use dataworks_types::ParamError;

/// The operation's parameter values by wire name (`ConnectionId`), `@file` and `-` already read.
#[derive(Default)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// Sets a parameter.
    pub fn insert(&mut self, wire: impl Into<String>, value: String) {
        self.0.insert(wire.into(), value);
    }

    /// A parameter's text, as the types crate's `from_params` looks it up.
    pub fn get(&self, wire: &str) -> Option<&str> {
        self.0.get(wire).map(String::as_str)
    }
}

/// The code and message of an error answer, whatever the operation.
#[derive(Debug)]
pub struct ApiCode {
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for ApiCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// Turns an operation's typed error into its code and message.
pub fn api(code: &str, message: &str) -> ApiCode {
    ApiCode {
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

/// A successful call (its body is printed from what the transport received).
#[derive(Debug)]
pub struct Answer;

/// Why a command failed; each kind has its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Exit 2: the request breaks a constraint of the spec, or the command line is incomplete;
    /// nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// Exit 1: the server answered with an error code.
    #[error("{code}: {message}")]
    Api {
        code: String,
        message: String,
        request_id: String,
        http_status: u16,
    },
    /// Exit 3: no (readable) answer came back.
    #[error("{0}")]
    Transport(String),
}

impl Failure {
    /// The process exit code: 1 API error, 2 usage or validation, 3 transport.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Api { .. } => 1,
            Failure::Usage(_) => 2,
            Failure::Transport(_) => 3,
        }
    }
}

/// The client's own error type for a call whose error codes were reduced to [`ApiCode`].
pub type CallError = dataworks_client::Error<ApiCode>;

/// A request the types crate refused to read: the same message the generated client gives for a
/// request whose `validate()` fails (`invalid request, nothing was sent: PageSize must be at most
/// 100, got 101`), because both come from the same generated check.
pub fn invalid(error: ParamError) -> Failure {
    let validation = match error {
        ParamError::Invalid { name, reason } => ValidationError {
            field: name,
            reason,
        },
        ParamError::Missing { name } => ValidationError {
            field: name,
            reason: "is required".to_owned(),
        },
    };
    Failure::Usage(CallError::Invalid(validation).to_string())
}

/// The outcome of a call, reduced to what the command line needs; the answer's body itself is
/// printed from what the transport received (see `crate::transport`).
pub fn finish<T>(result: Result<Response<T>, CallError>) -> Result<Answer, Failure> {
    match result {
        Ok(_) => Ok(Answer),
        Err(CallError::Api {
            error,
            http_status,
            request_id,
            ..
        }) => Err(Failure::Api {
            code: error.code,
            message: error.message,
            request_id,
            http_status,
        }),
        Err(e @ CallError::Invalid(_)) | Err(e @ CallError::Request(_)) => {
            Err(Failure::Usage(e.to_string()))
        }
        Err(e) => Err(Failure::Transport(error_chain(&e))),
    }
}

/// An error and its sources on one line.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let next = e.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = e.source();
    }
    text
}
