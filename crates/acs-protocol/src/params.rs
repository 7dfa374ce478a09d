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
}

#[derive(Clone)]
struct Param {
    name: String,
    value: String,
    origin: Origin,
}

/// The decoded parameters of one request, in arrival order (query first), names unique.
///
/// `Debug` lists names only: values carry passwords (`Content`) and tokens.
#[derive(Clone, Default)]
pub struct Params {
    entries: Vec<Param>,
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Params")
            .field(
                "names",
                &self
                    .entries
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Params {
    /// Decodes and merges the query string and a form body.
    ///
    /// `content_type` is the request's `Content-Type` header; the body counts as parameters only
    /// when it is `application/x-www-form-urlencoded` (parameters such as `; charset=UTF-8` and
    /// any letter case allowed).
    pub fn from_parts(
        query: Option<&str>,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Params, AcsError> {
        let mut entries = Vec::new();
        if let Some(query) = query {
            push_decoded(&mut entries, query.as_bytes(), Origin::Query);
        }
        if !body.is_empty() && content_type.is_some_and(is_form) {
            push_decoded(&mut entries, body, Origin::Body);
        }
        let params = Params { entries };
        if let Some(name) = params.first_duplicate() {
            return Err(AcsError::invalid_parameter(
                name,
                "The parameter occurs more than once.",
            ));
        }
        Ok(params)
    }

    /// Builds a set from already-decoded pairs (all counted as query parameters), refusing
    /// repeated names like [`Params::from_parts`]. Handy for clients and tests.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Params, AcsError> {
        let entries = pairs
            .into_iter()
            .map(|(name, value)| Param {
                name: name.to_owned(),
                value: value.to_owned(),
                origin: Origin::Query,
            })
            .collect();
        let params = Params { entries };
        match params.first_duplicate() {
            Some(name) => Err(AcsError::invalid_parameter(
                name,
                "The parameter occurs more than once.",
            )),
            None => Ok(params),
        }
    }

    /// The value of `name` (names are case-sensitive, as on Alibaba's gateway).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }

    /// Where `name` arrived, if present.
    pub fn origin(&self, name: &str) -> Option<Origin> {
        self.entries
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.origin)
    }

    /// All parameters as `(name, value)`, in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
    }

    /// Only the parameters that came from the query string (what V3 signs directly).
    pub fn query(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries
            .iter()
            .filter(|p| p.origin == Origin::Query)
            .map(|p| (p.name.as_str(), p.value.as_str()))
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
                let name = &self.entries[i].name;
                if self.entries[..i].iter().any(|p| &p.name == name) {
                    return Some(name);
                }
            }
            return None;
        }
        let mut names: Vec<&str> = self.entries.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        names.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
    }
}

fn push_decoded(entries: &mut Vec<Param>, input: &[u8], origin: Origin) {
    entries.extend(form_urlencoded::parse(input).map(|(name, value)| Param {
        name: name.into_owned(),
        value: value.into_owned(),
        origin,
    }));
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
