//! Documented error codes: `x-acs-error-codes` per operation, `x-acs-common-errors` per document,
//! and (REST) the non-2xx/`default` responses.

use super::names::{pascal, NameSet};
use super::Lowerer;
use crate::model::{ErrorCase, TypeRef};
use crate::refusal::escape_segment;
use openapiv3::{ReferenceOr, Responses, StatusCode};
use serde_json::Value;
use std::sync::LazyLock;

static PLACEHOLDER: LazyLock<regex::Regex> = LazyLock::new(|| {
    // `{name}` or `<Name>`: the two ways a documented message marks the part filled in at run time.
    regex::Regex::new(r"\{[A-Za-z_][A-Za-z0-9_]*\}|<[A-Z][A-Za-z]*>")
        .unwrap_or_else(|_| unreachable!())
});

/// Whether a documented message has placeholders filled in at run time.
pub fn is_templated(message: &str) -> bool {
    PLACEHOLDER.is_match(message)
}

impl Lowerer<'_> {
    pub(crate) fn common_errors(&mut self) -> Vec<ErrorCase> {
        let Some(value) = self.spec.extensions.get("x-acs-common-errors").cloned() else {
            return Vec::new();
        };
        let mut cases = self.acs_codes(&value, "#/x-acs-common-errors");
        name_variants(&mut cases);
        cases
    }

    /// Parses `[{httpStatus, code, message, description}]`.
    pub(crate) fn acs_codes(&mut self, value: &Value, ptr: &str) -> Vec<ErrorCase> {
        let Some(items) = value.as_array() else {
            self.refuse(
                ptr,
                "expected a list of {httpStatus, code, message, description}",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let text = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_owned);
            let status = item.get("httpStatus").and_then(|s| match s {
                Value::Number(n) => n.as_u64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            });
            match (
                status
                    .and_then(|s| u16::try_from(s).ok())
                    .filter(|s| (100..=599).contains(s)),
                text("code"),
            ) {
                (Some(status), Some(code)) if !code.is_empty() => {
                    let message = text("message").unwrap_or_default();
                    out.push(ErrorCase {
                        http_status: Some(status),
                        templated: is_templated(&message),
                        variant: String::new(),
                        code,
                        message,
                        description: text("description").unwrap_or_default(),
                        body: None,
                        media_type: None,
                    });
                }
                _ => self.refuse(
                    format!("{ptr}/{i}"),
                    "an error code needs `httpStatus` (100-599) and a non-empty `code`",
                ),
            }
        }
        out
    }

    /// REST-style errors: one per non-2xx (or `default`) response.
    pub(crate) fn response_errors(
        &mut self,
        op_name: &str,
        responses: &Responses,
        ptr: &str,
    ) -> Vec<ErrorCase> {
        let mut out = Vec::new();
        let entries: Vec<(Option<StatusCode>, &ReferenceOr<openapiv3::Response>)> = responses
            .responses
            .iter()
            .map(|(s, r)| (Some(s.clone()), r))
            .chain(responses.default.iter().map(|r| (None, r)))
            .collect();
        for (status, response) in entries {
            let (http_status, code, segment) = match &status {
                Some(StatusCode::Code(c)) if (200..300).contains(c) => continue,
                Some(StatusCode::Code(c)) => (Some(*c), reason_name(*c), c.to_string()),
                Some(StatusCode::Range(r)) if *r == 2 => continue,
                Some(StatusCode::Range(r)) => (None, format!("Status{r}xx"), format!("{r}XX")),
                None => (None, "Default".to_owned(), "default".to_owned()),
            };
            let response_ptr = format!("{ptr}/responses/{}", escape_segment(&segment));
            let Some(response) = self.resolve_response(response, &response_ptr) else {
                continue;
            };
            let hint_name = format!("{op_name}{code}Body");
            let (media_type, body) = match self.response_body(&response, &hint_name, &response_ptr)
            {
                Some((media, ty)) => (Some(media), Some(ty)),
                None => (None, None),
            };
            let code = match (&body, http_status.map(reason_name)) {
                (Some(TypeRef::Named(n)), Some(r)) if r.starts_with("Status") => n.clone(),
                _ => code,
            };
            out.push(ErrorCase {
                http_status,
                variant: String::new(),
                code,
                message: response.description.clone(),
                description: response.description.clone(),
                templated: false,
                body,
                media_type,
            });
        }
        out
    }
}

/// Unique, readable variant names (`Invalid.Tenant.UserNotInTenant` ->
/// `InvalidTenantUserNotInTenant`); `Unlisted` is kept for the catch-all.
pub(crate) fn name_variants(cases: &mut [ErrorCase]) {
    let mut names = NameSet::with_reserved(&["Unlisted"]);
    for case in cases {
        case.variant = names.claim(&[pascal(&case.code, "E")]);
    }
}

fn reason_name(status: u16) -> String {
    let name = match status {
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        422 => "UnprocessableEntity",
        423 => "Locked",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{status}"),
    };
    name.to_owned()
}
