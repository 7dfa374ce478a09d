//! Answers given on a connection before (or instead of) hyper: the API's error envelope,
//! written as raw HTTP/1.1 bytes followed by closing the connection.

use acs_protocol::answer::{render_error, Format, RequestId};
use acs_protocol::AcsError;
use bytes::{BufMut, Bytes, BytesMut};
use dataworks_types::CommonError;
use http::StatusCode;

use super::head::Refusal;

impl Refusal {
    /// The documented code (the spec's `x-acs-common-errors`) and its placeholder values.
    fn code(&self) -> (&'static str, Vec<(&'static str, &'static str)>) {
        match self {
            Refusal::UriTooLong => ("RequestURITooLong", vec![]),
            Refusal::HeadTooLarge => ("RequestHeaderFieldsTooLarge", vec![]),
            Refusal::Malformed(reason) => ("MalformedRequest", vec![("reason", *reason)]),
            Refusal::Timeout => ("RequestTimeout", vec![]),
            Refusal::Overloaded => ("ServiceUnavailable", vec![]),
        }
    }

    /// The answer-ready error, status and message from the spec.
    pub fn error(&self) -> AcsError {
        let (code, values) = self.code();
        match CommonError::CODES.iter().find(|c| c.code == code) {
            Some(documented) => AcsError::new(
                StatusCode::from_u16(documented.http_status)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                code,
                documented.message_with(&values),
            ),
            // Unreachable while the spec lists every code (a test checks it).
            None => AcsError::internal_error(),
        }
    }

    /// The whole HTTP/1.1 answer, `Connection: close`, in `format`.
    pub fn answer(&self, format: Format, host_id: &str) -> Bytes {
        let request_id = RequestId::new();
        let error = self.error();
        tracing::debug!(code = error.code(), %request_id, "request refused before hyper");
        let response = render_error(&error, &request_id, host_id, format);
        let status = response.status();
        let body = response.body();
        let mut out = BytesMut::with_capacity(256 + body.len());
        out.put_slice(
            format!(
                "HTTP/1.1 {} {}\r\n",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            )
            .as_bytes(),
        );
        for (name, value) in response.headers() {
            if name == http::header::CONTENT_LENGTH || name == http::header::CONNECTION {
                continue;
            }
            out.put_slice(name.as_str().as_bytes());
            out.put_slice(b": ");
            out.put_slice(value.as_bytes());
            out.put_slice(b"\r\n");
        }
        out.put_slice(
            format!(
                "content-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        out.put_slice(body);
        out.freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_is_a_documented_common_code() {
        for (refusal, status) in [
            (Refusal::UriTooLong, 414),
            (Refusal::HeadTooLarge, 431),
            (Refusal::Malformed("bad"), 400),
            (Refusal::Timeout, 408),
            (Refusal::Overloaded, 503),
        ] {
            let e = refusal.error();
            assert_eq!(e.status().as_u16(), status, "{refusal:?}");
            assert_ne!(e.code(), "InternalError", "{refusal:?}");
        }
        let e = Refusal::Malformed("invalid header value").error();
        assert_eq!(
            e.message(),
            "The request is not valid HTTP/1.1: invalid header value."
        );
        let raw = Refusal::UriTooLong.answer(Format::Xml, "h");
        let text = String::from_utf8(raw.to_vec()).unwrap();
        assert!(text.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{text}");
        assert!(
            text.contains("content-type: text/xml;charset=utf-8\r\n"),
            "{text}"
        );
        assert!(text.contains("connection: close\r\n"), "{text}");
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        assert!(body.contains("<Code>RequestURITooLong</Code>"), "{body}");
    }
}
