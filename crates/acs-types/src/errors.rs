//! The errors generated types report, and the record of a documented error code.

/// A value broke a constraint of the spec. `field` is the wire name, `reason` says why:
/// displayed as `PageSize must be at most 100, got 101`. Never contains a string value
/// that was checked (it could be a secret), only its length or the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {reason}")]
pub struct ValidationError {
    /// Wire name of the field, parameter or type.
    pub field: &'static str,
    /// Why the value was refused (`must be at most 100, got 101`).
    pub reason: String,
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
    pub fn message_with(&self, values: &[(&str, &str)]) -> String {
        let mut message = self.message.to_owned();
        for (key, value) in values {
            message = message.replace(&format!("{{{key}}}"), value);
        }
        message
    }
}

/// Why RPC parameters could not be read; the server answers `MissingParameter` or
/// `InvalidParameter` naming `name`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// A required parameter is absent.
    #[error("the parameter {name} is missing")]
    Missing { name: &'static str },
    /// A parameter is present but not valid; `reason` never repeats the value.
    #[error("the parameter {name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

impl ParamError {
    /// Wire name of the parameter.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Missing { name } | Self::Invalid { name, .. } => name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_fill_known_placeholders_and_keep_unknown_ones() {
        let code = ErrorCode {
            http_status: 400,
            code: "InvalidParameter",
            message: "The {name} is {what}.",
            description: "",
        };
        assert_eq!(
            code.message_with(&[("name", "PageSize")]),
            "The PageSize is {what}."
        );
    }

    #[test]
    fn errors_display_the_parameter_and_the_reason() {
        let e = ValidationError {
            field: "PageSize",
            reason: "must be at most 100, got 101".into(),
        };
        assert_eq!(e.to_string(), "PageSize must be at most 100, got 101");
        let e = ParamError::Invalid {
            name: "Status",
            reason: "must be true or false".into(),
        };
        assert_eq!(e.name(), "Status");
        assert_eq!(
            e.to_string(),
            "the parameter Status is not valid: must be true or false"
        );
    }
}
