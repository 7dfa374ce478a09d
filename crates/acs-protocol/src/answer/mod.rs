//! Answers: success bodies and the error envelope, as JSON or XML from the same serde types.
//!
//! - JSON unless the `Format` parameter is `XML` (any case); JSON is
//!   `application/json;charset=utf-8`, XML is `text/xml;charset=utf-8`.
//! - Every answer has the header `x-acs-request-id` equal to its `RequestId`. In a success body
//!   `RequestId` is written first and always equals the header: a `RequestId` field of the body
//!   type itself is replaced, so generated response types may or may not carry one.
//! - XML success: `<?xml version='1.0' encoding='UTF-8'?><{Action}Response>…</{Action}Response>`
//!   with the same fields as the JSON object.
//! - XML error: `<?xml version='1.0' encoding='UTF-8'?><Error><RequestId/><HostId/><Code/>
//!   <Message/><Recommend/></Error>`; JSON error: the same five keys.
//!
//! # Arrays in XML
//!
//! A list field is written as one element per item, each named after the field, with no extra
//! wrapper: `Connections: [a, b]` becomes `<Connections>a…</Connections><Connections>b…
//! </Connections>`. This is how Alibaba's gateway turns its JSON answers into XML (each
//! `Connections` entry of `ListConnections` is a `<Connections>` element inside `<Data>`), it is
//! what generic XML-to-dict readers (the SDKs' included) turn back into a list, and it is
//! quick-xml's serde convention, so one serde type reads and writes both formats. Two
//! consequences for types: a list field needs `#[serde(default)]` to read an empty list back
//! from XML (no element at all), and an `Option` field should use
//! `#[serde(skip_serializing_if = "Option::is_none")]` (otherwise XML shows `<Field/>`, which
//! reads back as an empty string).

mod envelope;

use std::fmt;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::AcsError;
use crate::params::Params;
use envelope::WithRequestId;

/// The header that repeats the answer's `RequestId`.
pub const REQUEST_ID_HEADER: &str = "x-acs-request-id";
/// Content-Type of JSON answers.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";
/// Content-Type of XML answers, byte for byte what the Tea SDKs compare against.
pub const XML_CONTENT_TYPE: &str = "text/xml;charset=utf-8";
/// The prolog of every XML answer.
pub const XML_DECLARATION: &str = "<?xml version='1.0' encoding='UTF-8'?>";

/// The answer format a request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// The default.
    #[default]
    Json,
    /// When `Format=XML` (any case).
    Xml,
}

impl Format {
    /// From a `Format` parameter value: `XML` in any case is XML, anything else JSON.
    pub fn from_param(value: Option<&str>) -> Format {
        match value {
            Some(v) if v.eq_ignore_ascii_case("xml") => Format::Xml,
            _ => Format::Json,
        }
    }

    /// From the request's parameters.
    pub fn from_params(params: &Params) -> Format {
        Format::from_param(params.get("Format"))
    }

    /// The Content-Type of answers in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => JSON_CONTENT_TYPE,
            Format::Xml => XML_CONTENT_TYPE,
        }
    }
}

/// A request id in Alibaba's format: an upper-case UUID such as `0B6F1A8C-…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId(String);

impl RequestId {
    /// A fresh random id (a version-4 UUID).
    ///
    /// The bytes come from the thread's CSPRNG (seeded from the OS) rather than one `getrandom`
    /// system call per request, as `Uuid::new_v4` does: every answer needs an id.
    #[allow(clippy::new_without_default)]
    pub fn new() -> RequestId {
        let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
        let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        let s = id.hyphenated().encode_upper(&mut buf);
        RequestId(s.to_owned())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for RequestId {
    /// Wraps an existing id (e.g. one read from an answer).
    fn from(value: String) -> Self {
        RequestId(value)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The common error body. `Code` is what marks an answer as an error: pop-core ignores the HTTP
/// status and looks only for `Code`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// The failed request's id.
    #[serde(rename = "RequestId", default)]
    pub request_id: String,
    /// The answering host.
    #[serde(rename = "HostId", default)]
    pub host_id: String,
    /// The error code.
    #[serde(rename = "Code", default)]
    pub code: String,
    /// The message.
    #[serde(rename = "Message", default)]
    pub message: String,
    /// A hint or link; empty when there is none.
    #[serde(rename = "Recommend", default)]
    pub recommend: String,
}

/// A body that could not be read as the expected type.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Invalid JSON or the wrong shape.
    #[error("invalid JSON answer: {0}")]
    Json(#[from] serde_json::Error),
    /// Invalid XML or the wrong shape.
    #[error("invalid XML answer: {0}")]
    Xml(#[from] quick_xml::DeError),
    /// XML that is not UTF-8.
    #[error("XML answer is not UTF-8")]
    NotUtf8,
}

/// Renders a 200 answer for `action` whose fields are `body`'s, with `RequestId` first.
///
/// A body that cannot be serialized (not a struct or map, a map with non-text keys) is a bug
/// in the caller; it is answered as `InternalError` rather than a half-written body.
pub fn render_success<T: Serialize + ?Sized>(
    action: &str,
    request_id: &RequestId,
    body: &T,
    format: Format,
) -> Response<Bytes> {
    let wrapped = WithRequestId {
        request_id: request_id.as_str(),
        body,
    };
    let bytes = match format {
        Format::Json => serde_json::to_vec(&wrapped).ok(),
        Format::Xml => to_xml(&format!("{action}Response"), &wrapped),
    };
    match bytes {
        Some(bytes) => respond(StatusCode::OK, request_id, format, bytes),
        None => render_error(&AcsError::internal_error(), request_id, "", format),
    }
}

/// Renders the error envelope with the error's HTTP status.
pub fn render_error(
    error: &AcsError,
    request_id: &RequestId,
    host_id: &str,
    format: Format,
) -> Response<Bytes> {
    let envelope = ErrorEnvelope {
        request_id: request_id.as_str().to_owned(),
        host_id: host_id.to_owned(),
        code: error.code().to_owned(),
        message: error.message().to_owned(),
        recommend: error.recommend().unwrap_or_default().to_owned(),
    };
    let bytes = match format {
        Format::Json => serde_json::to_vec(&envelope).ok(),
        Format::Xml => to_xml("Error", &envelope),
    };
    // Serializing five strings cannot fail; the fallback only keeps this function total.
    let bytes = bytes.unwrap_or_else(|| error.code().as_bytes().to_vec());
    respond(error.status(), request_id, format, bytes)
}

/// An error answer's body (as [`render_error`] wrote it) with `Recommend` set to what
/// `recommend` makes of the envelope; `None` when the body is not an error envelope, already has a
/// `Recommend`, or `recommend` gives nothing. Lets a server add a troubleshooting link to every
/// error answer in one place, whichever layer produced the error.
pub fn add_recommend(
    format: Format,
    body: &[u8],
    recommend: impl FnOnce(&ErrorEnvelope) -> Option<String>,
) -> Option<Vec<u8>> {
    let mut envelope = decode_error(format, body)?;
    if !envelope.recommend.is_empty() {
        return None;
    }
    envelope.recommend = recommend(&envelope)?;
    match format {
        Format::Json => serde_json::to_vec(&envelope).ok(),
        Format::Xml => to_xml("Error", &envelope),
    }
}

/// Reads a success body of type `T` (XML: the root element's children are `T`'s fields).
pub fn decode_success<T: DeserializeOwned>(format: Format, body: &[u8]) -> Result<T, DecodeError> {
    match format {
        Format::Json => Ok(serde_json::from_slice(body)?),
        Format::Xml => {
            let text = std::str::from_utf8(body).map_err(|_| DecodeError::NotUtf8)?;
            Ok(quick_xml::de::from_str(text)?)
        }
    }
}

/// Reads an error envelope; `None` when the body is not one (no non-empty `Code`).
pub fn decode_error(format: Format, body: &[u8]) -> Option<ErrorEnvelope> {
    let envelope: ErrorEnvelope = decode_success(format, body).ok()?;
    (!envelope.code.is_empty()).then_some(envelope)
}

fn to_xml<T: Serialize + ?Sized>(root: &str, value: &T) -> Option<Vec<u8>> {
    let mut out = String::from(XML_DECLARATION);
    let serializer = quick_xml::se::Serializer::with_root(&mut out, Some(root)).ok()?;
    value.serialize(serializer).ok()?;
    Some(out.into_bytes())
}

fn respond(
    status: StatusCode,
    request_id: &RequestId,
    format: Format,
    body: Vec<u8>,
) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(id) = HeaderValue::from_str(request_id.as_str()) {
        headers.insert(REQUEST_ID_HEADER, id);
    }
    response
}
