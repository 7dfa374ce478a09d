//! Checking one request head (request line and headers) before hyper sees it, with the same or
//! stricter rules than hyper's, so that every head hyper would refuse with an empty 400/414/431
//! is refused here first, in the API's envelope; and finding where the request's body ends, so
//! that the next head on a kept-alive connection is checked too.

use acs_protocol::answer::Format;

/// Longest request target: hyper's own fixed limit (`u16::MAX - 1`), which cannot be raised.
pub const MAX_URI_BYTES: usize = 65_534;
/// Longest head, request line included. Below hyper's read buffer (about 400 KiB), so hyper
/// never meets a head too large for it.
pub const MAX_HEAD_BYTES: usize = 98_304;
/// Most header fields: hyper's default.
pub const MAX_HEADERS: usize = 100;

/// How a request's body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length` bytes (zero without a length).
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// Why a head is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Target longer than [`MAX_URI_BYTES`] (414).
    UriTooLong,
    /// Head longer than [`MAX_HEAD_BYTES`] or more than [`MAX_HEADERS`] fields (431).
    HeadTooLarge,
    /// Not a readable HTTP/1.x head (400); the text says what is wrong.
    Malformed(&'static str),
    /// The head was not complete within the header timeout (408).
    Timeout,
    /// The connection limit is reached (503).
    Overloaded,
}

/// What a look at the bytes collected so far says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// More bytes are needed.
    Partial,
    /// A valid head of `len` bytes, followed by a body framed as said.
    Complete { len: usize, framing: Framing },
    /// Refused; `format` is what the request line asks for (`Format=XML`), if it can be read.
    Refused(Refusal, Format),
}

/// Checks the head at the start of `buf` (leading empty lines already removed).
pub fn check(buf: &[u8]) -> Check {
    let format = requested_format(buf);
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(buf) {
        Ok(httparse::Status::Partial) => {
            let line_done = buf.contains(&b'\n');
            if !line_done && buf.len() > MAX_URI_BYTES + 64 {
                Check::Refused(Refusal::UriTooLong, format)
            } else if buf.len() > MAX_HEAD_BYTES {
                Check::Refused(Refusal::HeadTooLarge, format)
            } else {
                Check::Partial
            }
        }
        Ok(httparse::Status::Complete(len)) => match complete(&request, len) {
            Ok(framing) => Check::Complete { len, framing },
            Err(refusal) => Check::Refused(refusal, format),
        },
        Err(httparse::Error::TooManyHeaders) => Check::Refused(Refusal::HeadTooLarge, format),
        Err(e) => Check::Refused(Refusal::Malformed(malformed_reason(buf, e)), format),
    }
}

fn malformed_reason(buf: &[u8], e: httparse::Error) -> &'static str {
    if buf.first() == Some(&0x16) {
        return "TLS is not served on this port (use http://)";
    }
    match e {
        httparse::Error::HeaderName => "invalid header name",
        httparse::Error::HeaderValue => "invalid header value (control character?)",
        httparse::Error::NewLine => "invalid line ending",
        httparse::Error::Status | httparse::Error::Version => "invalid HTTP version",
        httparse::Error::Token => "invalid method or request line",
        httparse::Error::TooManyHeaders => "too many header fields",
    }
}

/// The checks hyper makes after parsing (method, URI, header names, body framing), refused the
/// same way, so that hyper never refuses a head this module let through.
fn complete(request: &httparse::Request<'_, '_>, len: usize) -> Result<Framing, Refusal> {
    if len > MAX_HEAD_BYTES {
        return Err(Refusal::HeadTooLarge);
    }
    let method = request.method.unwrap_or_default();
    http::Method::from_bytes(method.as_bytes())
        .map_err(|_| Refusal::Malformed("invalid method"))?;
    let path = request.path.unwrap_or_default();
    if path.len() > MAX_URI_BYTES {
        return Err(Refusal::UriTooLong);
    }
    http::Uri::try_from(path).map_err(|_| Refusal::Malformed("invalid request target"))?;
    let http10 = request.version == Some(0);
    let mut chunked = None;
    let mut length: Option<u64> = None;
    for header in request.headers.iter() {
        http::HeaderName::from_bytes(header.name.as_bytes())
            .map_err(|_| Refusal::Malformed("invalid header name"))?;
        if header.name.eq_ignore_ascii_case("transfer-encoding") {
            if http10 {
                return Err(Refusal::Malformed(
                    "Transfer-Encoding in an HTTP/1.0 request",
                ));
            }
            let last = header
                .value
                .rsplit(|&b| b == b',')
                .next()
                .unwrap_or_default()
                .trim_ascii();
            chunked = Some(last.eq_ignore_ascii_case(b"chunked"));
        } else if header.name.eq_ignore_ascii_case("content-length") {
            for value in header.value.split(|&b| b == b',') {
                let n = parse_length(value.trim_ascii())
                    .ok_or(Refusal::Malformed("invalid Content-Length"))?;
                if length.is_some_and(|seen| seen != n) {
                    return Err(Refusal::Malformed("conflicting Content-Length values"));
                }
                length = Some(n);
            }
        }
    }
    match chunked {
        Some(true) => Ok(Framing::Chunked),
        Some(false) => Err(Refusal::Malformed(
            "Transfer-Encoding must end with chunked",
        )),
        None => Ok(Framing::Length(length.unwrap_or(0))),
    }
}

fn parse_length(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// `Format=XML` in the request target's query, read from a possibly incomplete request line
/// (so that even a 414 follows it).
pub fn requested_format(buf: &[u8]) -> Format {
    let line = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    let target = line.split(|&b| b == b' ').nth(1).unwrap_or_default();
    let Some(q) = target.iter().position(|&b| b == b'?') else {
        return Format::Json;
    };
    let xml = target[q + 1..].split(|&b| b == b'&').any(|pair| {
        pair.strip_prefix(b"Format=")
            .is_some_and(|v| v.eq_ignore_ascii_case(b"xml"))
    });
    if xml {
        Format::Xml
    } else {
        Format::Json
    }
}

/// Where a chunked body is, byte by byte (RFC 9112 section 7.1), so that its end is known
/// without buffering it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunked {
    /// Reading a chunk-size line (hex size, optional extensions).
    Size { line: Vec<u8> },
    /// Inside a chunk's data.
    Data(u64),
    /// The CR LF after a chunk's data; `cr` once the CR was seen.
    DataEnd { cr: bool },
    /// The trailer section after the last chunk; `line` bytes of the current line seen,
    /// `total` of the whole section.
    Trailer { line: usize, total: usize },
}

/// Chunked framing this module does not follow (hyper refuses it itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed chunked body")]
pub struct BadChunk;

/// Longest chunk-size line, and longest trailer section.
const MAX_CHUNK_LINE: usize = 4096;
const MAX_TRAILER: usize = 16 * 1024;

impl Default for Chunked {
    fn default() -> Self {
        Chunked::Size { line: Vec::new() }
    }
}

impl Chunked {
    /// Walks `bytes`: how many belong to the body, and whether the body ended there. `Err` for
    /// framing hyper will refuse itself (the caller then stops checking this connection).
    pub fn scan(&mut self, bytes: &[u8]) -> Result<(usize, bool), BadChunk> {
        let mut i = 0;
        while i < bytes.len() {
            match self {
                Chunked::Size { line } => {
                    let b = bytes[i];
                    i += 1;
                    if b != b'\n' {
                        line.push(b);
                        if line.len() > MAX_CHUNK_LINE {
                            return Err(BadChunk);
                        }
                        continue;
                    }
                    let text = line.strip_suffix(b"\r").ok_or(BadChunk)?;
                    let size = text.split(|&b| b == b';').next().unwrap_or_default();
                    let size = size.trim_ascii();
                    if size.is_empty() || size.len() > 16 {
                        return Err(BadChunk);
                    }
                    let size =
                        u64::from_str_radix(std::str::from_utf8(size).map_err(|_| BadChunk)?, 16)
                            .map_err(|_| BadChunk)?;
                    *self = if size == 0 {
                        Chunked::Trailer { line: 0, total: 0 }
                    } else {
                        Chunked::Data(size)
                    };
                }
                Chunked::Data(left) => {
                    let take = (bytes.len() - i).min(usize::try_from(*left).unwrap_or(usize::MAX));
                    i += take;
                    *left -= take as u64;
                    if *left == 0 {
                        *self = Chunked::DataEnd { cr: false };
                    }
                }
                Chunked::DataEnd { cr } => {
                    let b = bytes[i];
                    i += 1;
                    match (b, *cr) {
                        (b'\r', false) => *cr = true,
                        (b'\n', true) => *self = Chunked::default(),
                        _ => return Err(BadChunk),
                    }
                }
                Chunked::Trailer { line, total } => {
                    let b = bytes[i];
                    i += 1;
                    *total += 1;
                    if *total > MAX_TRAILER {
                        return Err(BadChunk);
                    }
                    if b == b'\n' {
                        if *line == 0 {
                            *self = Chunked::default();
                            return Ok((i, true));
                        }
                        *line = 0;
                    } else if b != b'\r' || *line > 0 {
                        *line += 1;
                    }
                }
            }
        }
        Ok((i, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_hyper_refuses_are_refused_here() {
        let cases: &[(&[u8], Refusal)] = &[
            (
                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                Refusal::Malformed("TLS is not served on this port (use http://)"),
            ),
            (
                b"GET / HTTP/1.1\r\nContent-Type: a\x01b\r\n\r\n",
                Refusal::Malformed("invalid header value (control character?)"),
            ),
            (
                b"GET /\x7f HTTP/1.1\r\n\r\n",
                Refusal::Malformed("invalid method or request line"),
            ),
            (
                b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                Refusal::Malformed("conflicting Content-Length values"),
            ),
            (
                b"GET / HTTP/1.1\r\nContent-Length: +1\r\n\r\n",
                Refusal::Malformed("invalid Content-Length"),
            ),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
                Refusal::Malformed("Transfer-Encoding must end with chunked"),
            ),
            (
                b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
                Refusal::Malformed("Transfer-Encoding in an HTTP/1.0 request"),
            ),
        ];
        for (head, refusal) in cases {
            assert_eq!(
                check(head),
                Check::Refused(refusal.clone(), Format::Json),
                "{head:?}"
            );
        }
        let many = format!(
            "GET /?Format=xml HTTP/1.1\r\n{}\r\n",
            "A: b\r\n".repeat(101)
        );
        assert_eq!(
            check(many.as_bytes()),
            Check::Refused(Refusal::HeadTooLarge, Format::Xml)
        );
        let long = format!("GET /?Format=XML&A={} HTTP/1.1\r\n\r\n", "a".repeat(70_000));
        assert_eq!(
            check(long.as_bytes()),
            Check::Refused(Refusal::UriTooLong, Format::Xml)
        );
        assert_eq!(
            check(&long.as_bytes()[..MAX_URI_BYTES + 100]),
            Check::Refused(Refusal::UriTooLong, Format::Xml)
        );
        let big = format!("GET / HTTP/1.1\r\nA: {}\r\n", "b".repeat(MAX_HEAD_BYTES));
        assert_eq!(
            check(big.as_bytes()),
            Check::Refused(Refusal::HeadTooLarge, Format::Json)
        );
    }

    #[test]
    fn valid_heads_pass_with_their_framing() {
        let h = b"POST /?Action=X HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\nA=1";
        assert_eq!(
            check(h),
            Check::Complete {
                len: h.len() - 3,
                framing: Framing::Length(12)
            }
        );
        let h = b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
        assert_eq!(
            check(h),
            Check::Complete {
                len: h.len(),
                framing: Framing::Chunked
            }
        );
        assert_eq!(check(b"GET / HTTP/1.1\r\nHost: a\r\n"), Check::Partial);
        assert_eq!(
            check(b"GET / HTTP/1.1\r\n\r\n"),
            Check::Complete {
                len: 18,
                framing: Framing::Length(0)
            }
        );
    }

    #[test]
    fn chunked_bodies_end_where_they_end() {
        let body = b"4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-T: 1\r\n\r\nGET /next";
        let mut c = Chunked::default();
        // Byte by byte and in one piece give the same end.
        let mut fed = 0;
        let mut ended = false;
        for b in body.iter() {
            let (n, done) = c.scan(std::slice::from_ref(b)).unwrap();
            fed += n;
            if done {
                ended = true;
                break;
            }
        }
        assert!(ended);
        assert_eq!(&body[fed..], b"GET /next");
        let mut c = Chunked::default();
        assert_eq!(c.scan(body).unwrap(), (body.len() - 9, true));
        assert!(Chunked::default().scan(b"zz\r\n").is_err());
        assert!(Chunked::default().scan(b"1\r\nab").is_err());
    }
}
