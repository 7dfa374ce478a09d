//! The merged RPC parameter set (wire-protocol.md section 3) and the `Action`/`Version` it targets.
//!
//! Parameters are the form-decoded query string plus, when the body is
//! `application/x-www-form-urlencoded`, the form-decoded body (pop-core POSTs everything there).
//! `+` decodes to a space and blank values are kept (`SignatureType=`). A body of any other
//! content type (or with no content type) contributes no parameters; V3 still hashes it.
//!
//! A name that occurs more than once — twice in the query, twice in the body or once in each — is
//! refused with `InvalidParameter` naming it: Alibaba's list parameters are numbered (`Key.1`),
//! never repeated, and "last one wins" would let an unsigned body field override a signed query
//! value.

use std::fmt;

use http::HeaderMap;

use crate::error::AcsError;

/// Above this many parameters, duplicates are found by sorting instead of pairwise comparison.
const PAIRWISE_LIMIT: usize = 32;

/// Where a parameter arrived; V3 canonicalises only the query, the body is covered by its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// From the URL query string.
    Query,
    /// From an `application/x-www-form-urlencoded` body.
    Body,
    /// From the request path: an RPC route with parameters (`/{AccountNumber}/{QueueName}/`,
    /// AWS Query style). Not signed as parameters (the path is part of the canonical URI).
    Path,
}

/// One parameter: `buf[start..mid]` is its name, `buf[mid..end]` its value.
#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    mid: usize,
    end: usize,
    origin: Origin,
}

/// The decoded parameters of one request, in arrival order (query first), names unique.
///
/// All names and values live in one buffer: parsing a typical request costs a few allocations
/// instead of two per parameter (this is on every request's path).
///
/// `Debug` lists names only: values carry passwords (`Content`) and tokens.
#[derive(Clone, Default)]
pub struct Params {
    buf: String,
    entries: Vec<Entry>,
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Params")
            .field("names", &self.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Params {
    /// Decodes and merges the query string and a form body.
    ///
    /// `content_type` is the request's `Content-Type` header; the body counts as parameters only
    /// when it is `application/x-www-form-urlencoded` (parameters such as `; charset=UTF-8` and
    /// any letter case allowed). Decoding is `application/x-www-form-urlencoded` exactly as the
    /// `form_urlencoded` crate does it (`+` is a space, a `%` not followed by two hex digits
    /// stays, empty `&&` segments are skipped), except that a name or value that is not UTF-8
    /// once decoded is `InvalidParameter` naming the parameter (the crate would substitute
    /// U+FFFD).
    pub fn from_parts(
        query: Option<&str>,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Params, AcsError> {
        let mut raw = RawParams::default();
        if let Some(query) = query {
            raw.decode(query.as_bytes(), Origin::Query);
        }
        if !body.is_empty() && content_type.is_some_and(is_form) {
            raw.decode(body, Origin::Body);
        }
        raw.finish()?.checked()
    }

    /// Builds a set from already-decoded pairs (all counted as query parameters), refusing
    /// repeated names like [`Params::from_parts`]. Handy for clients and tests.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Params, AcsError> {
        let mut params = Params::default();
        for (name, value) in pairs {
            let start = params.buf.len();
            params.buf.push_str(name);
            let mid = params.buf.len();
            params.buf.push_str(value);
            params.entries.push(Entry {
                start,
                mid,
                end: params.buf.len(),
                origin: Origin::Query,
            });
        }
        params.checked()
    }

    /// Adds the parameters of the request path (already decoded by the router), refusing a
    /// name that also arrived in the query or body, like any repeated name.
    pub fn with_path_params<'a>(
        mut self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Params, AcsError> {
        for (name, value) in pairs {
            let start = self.buf.len();
            self.buf.push_str(name);
            let mid = self.buf.len();
            self.buf.push_str(value);
            self.entries.push(Entry {
                start,
                mid,
                end: self.buf.len(),
                origin: Origin::Path,
            });
        }
        self.checked()
    }

    fn checked(self) -> Result<Params, AcsError> {
        match self.first_duplicate() {
            Some(name) => Err(AcsError::invalid_parameter(
                name,
                "The parameter occurs more than once.",
            )),
            None => Ok(self),
        }
    }

    fn name(&self, e: &Entry) -> &str {
        self.buf.get(e.start..e.mid).unwrap_or_default()
    }

    fn value(&self, e: &Entry) -> &str {
        self.buf.get(e.mid..e.end).unwrap_or_default()
    }

    fn find(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| self.name(e) == name)
    }

    /// The value of `name` (names are case-sensitive, as on Alibaba's gateway).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.find(name).map(|e| self.value(e))
    }

    /// Where `name` arrived, if present.
    pub fn origin(&self, name: &str) -> Option<Origin> {
        self.find(name).map(|e| e.origin)
    }

    /// All parameters as `(name, value)`, in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries.iter().map(|e| (self.name(e), self.value(e)))
    }

    /// Only the parameters that came from the query string (what V3 signs directly).
    pub fn query(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries
            .iter()
            .filter(|e| e.origin == Origin::Query)
            .map(|e| (self.name(e), self.value(e)))
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn first_duplicate(&self) -> Option<&str> {
        let n = self.entries.len();
        if n <= PAIRWISE_LIMIT {
            for i in 1..n {
                let name = self.name(&self.entries[i]);
                if self.entries[..i].iter().any(|e| self.name(e) == name) {
                    return Some(name);
                }
            }
            return None;
        }
        let mut names: Vec<&str> = self.entries.iter().map(|e| self.name(e)).collect();
        names.sort_unstable();
        names.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
    }
}

/// Decoded bytes before UTF-8 validation.
#[derive(Default)]
struct RawParams {
    bytes: Vec<u8>,
    entries: Vec<Entry>,
}

impl RawParams {
    fn decode(&mut self, input: &[u8], origin: Origin) {
        self.bytes.reserve(input.len());
        for segment in input.split(|&b| b == b'&').filter(|s| !s.is_empty()) {
            let (name, value) = match segment.iter().position(|&b| b == b'=') {
                Some(i) => (&segment[..i], &segment[i + 1..]),
                None => (segment, &segment[segment.len()..]),
            };
            let start = self.bytes.len();
            decode_component(&mut self.bytes, name);
            let mid = self.bytes.len();
            decode_component(&mut self.bytes, value);
            self.entries.push(Entry {
                start,
                mid,
                end: self.bytes.len(),
                origin,
            });
        }
    }

    /// Validates UTF-8 per name and value. A component that is not UTF-8 is refused with
    /// `InvalidParameter` naming the parameter (its name shown lossily when the name itself is
    /// the broken part): replacing bytes by U+FFFD would only turn the caller's mistake into a
    /// misleading `SignatureDoesNotMatch`, since the signature covers the original bytes.
    fn finish(self) -> Result<Params, AcsError> {
        let RawParams { bytes, entries } = self;
        // Whole buffer valid and every boundary a char boundary <=> every component valid.
        let bytes = match String::from_utf8(bytes) {
            Ok(buf) => {
                let aligned = entries.iter().all(|e| {
                    buf.is_char_boundary(e.start)
                        && buf.is_char_boundary(e.mid)
                        && buf.is_char_boundary(e.end)
                });
                if aligned {
                    return Ok(Params { buf, entries });
                }
                buf.into_bytes()
            }
            Err(e) => e.into_bytes(),
        };
        let broken = entries
            .iter()
            .find(|e| {
                std::str::from_utf8(&bytes[e.start..e.mid]).is_err()
                    || std::str::from_utf8(&bytes[e.mid..e.end]).is_err()
            })
            .map(|e| String::from_utf8_lossy(&bytes[e.start..e.mid]).into_owned())
            .unwrap_or_default();
        Err(AcsError::invalid_parameter(
            &broken,
            "The value is not valid UTF-8 once percent-decoded.",
        ))
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `+` -> space, `%XY` -> byte, anything else (a lone `%` included) as is.
fn decode_component(out: &mut Vec<u8>, input: &[u8]) {
    let mut i = 0;
    while i < input.len() {
        let run = input[i..]
            .iter()
            .position(|&b| b == b'+' || b == b'%')
            .unwrap_or(input.len() - i);
        out.extend_from_slice(&input[i..i + run]);
        i += run;
        match input.get(i) {
            Some(b'+') => {
                out.push(b' ');
                i += 1;
            }
            Some(b'%') => {
                let hi = input.get(i + 1).copied().and_then(hex_value);
                let lo = input.get(i + 2).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => {
                        out.push(hi << 4 | lo);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_form(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// Which operation a request asks for: `Action` and `Version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcTarget {
    /// The operation name, e.g. `UpdateConnection`.
    pub action: String,
    /// The API version, e.g. `2020-05-18`.
    pub version: String,
}

/// Header carrying the action when it is not a parameter (V3 requests).
pub const ACTION_HEADER: &str = "x-acs-action";
/// Header carrying the version when it is not a parameter (V3 requests).
pub const VERSION_HEADER: &str = "x-acs-version";

impl RpcTarget {
    /// Reads `Action`/`Version` from the parameters, or else from `x-acs-action`/`x-acs-version`
    /// (V3-signed requests carry them only there). Absent -> `MissingParameter`.
    ///
    /// The signature verifier separately makes sure whichever source is used was signed.
    pub fn resolve(params: &Params, headers: &HeaderMap) -> Result<RpcTarget, AcsError> {
        let pick = |param: &str, header: &str| -> Result<String, AcsError> {
            if let Some(v) = params.get(param) {
                return Ok(v.to_owned());
            }
            headers
                .get(header)
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| AcsError::missing_parameter(param))
        };
        Ok(RpcTarget {
            action: pick("Action", ACTION_HEADER)?,
            version: pick("Version", VERSION_HEADER)?,
        })
    }

    /// `InvalidVersion` unless the request asks for `served`.
    pub fn expect_version(&self, served: &str) -> Result<(), AcsError> {
        if self.version == served {
            Ok(())
        } else {
            Err(AcsError::invalid_version())
        }
    }
}
