//! Percent-encoding exactly as Alibaba's signatures need it (wire-protocol.md section 4).
//!
//! `pe()` keeps only the RFC 3986 unreserved set `A-Z a-z 0-9 - _ . ~` and writes every other
//! UTF-8 byte as `%XX` with upper-case hex. Signatures are always computed over `pe()` of the
//! *decoded* values, never over the bytes that arrived: clients disagree about `+`, `%20`, `*`
//! and `%2A` on the wire, and only the decoded value is the same for all of them.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Every byte except the unreserved set is escaped.
const PE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `value` as Alibaba's signatures require (`" ~/*-+"` -> `%20~%2F%2A-%2B`).
pub fn pe(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + value.len() / 2);
    pe_into(&mut out, value);
    out
}

/// Like [`pe`], appending to `out` so that canonical strings are built without temporaries.
pub fn pe_into(out: &mut String, value: &str) {
    for chunk in utf8_percent_encode(value, PE_SET) {
        out.push_str(chunk);
    }
}

/// Joins `pe(name)=pe(value)` pairs with `&`, in the given order: the shared shape of the v1
/// canonicalized query, the V3 canonical query and the query string a client sends.
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        pe_into(&mut out, name);
        out.push('=');
        pe_into(&mut out, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_vector() {
        assert_eq!(pe(" ~/*-+"), "%20~%2F%2A-%2B");
    }

    #[test]
    fn unreserved_kept_everything_else_escaped_upper_case() {
        assert_eq!(pe("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(pe("()!'&=%:"), "%28%29%21%27%26%3D%25%3A");
        assert_eq!(pe("订单"), "%E8%AE%A2%E5%8D%95");
        assert_eq!(pe(""), "");
    }

    #[test]
    fn pairs_keep_blank_values() {
        assert_eq!(encode_pairs([("a b", ""), ("c", "d/e")]), "a%20b=&c=d%2Fe");
    }
}
