//! Percent-encoding exactly as Alibaba's signatures need it (wire-protocol.md section 4).
//!
//! `pe()` keeps only the RFC 3986 unreserved set `A-Z a-z 0-9 - _ . ~` and writes every other
//! UTF-8 byte as `%XX` with upper-case hex. Signatures are always computed over `pe()` of the
//! *decoded* values, never over the bytes that arrived: clients disagree about `+`, `%20`, `*`
//! and `%2A` on the wire, and only the decoded value is the same for all of them.

use std::cmp::Ordering;

/// True for the bytes `pe()` keeps as they are.
const fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// [`unreserved`] as a table: one load per byte on the hot path.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = unreserved(b as u8);
        b += 1;
    }
    table
};

/// `"%00%01…%FF"` as bytes: the escape of byte `b` is `ESCAPES[3 * b..3 * b + 3]`.
const ESCAPES: [u8; 768] = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = [0u8; 768];
    let mut b = 0;
    while b < 256 {
        out[3 * b] = b'%';
        out[3 * b + 1] = HEX[b >> 4];
        out[3 * b + 2] = HEX[b & 0x0F];
        b += 1;
    }
    out
};

/// Percent-encodes `value` as Alibaba's signatures require (`" ~/*-+"` -> `%20~%2F%2A-%2B`).
pub fn pe(value: &str) -> String {
    let mut out = Vec::with_capacity(value.len() + value.len() / 2);
    pe_bytes(&mut out, value.as_bytes());
    ascii_string(out)
}

/// Like [`pe`], appending to `out`.
pub fn pe_into(out: &mut String, value: &str) {
    let mut buf = Vec::with_capacity(value.len() + value.len() / 2);
    pe_bytes(&mut buf, value.as_bytes());
    out.push_str(&String::from_utf8_lossy(&buf));
}

/// `pe()` into a byte buffer: the hot-path form. Hand-written rather than
/// `percent_encoding::utf8_percent_encode` because it runs over every byte of every parameter
/// (twice for v1) and a table loop over bytes is several times faster; `tests/encoding_oracle.rs`
/// checks it against that crate.
pub(crate) fn pe_bytes(out: &mut Vec<u8>, value: &[u8]) {
    // Write into a slice sized for the worst case (every byte escaped), then cut: indexed stores
    // instead of a `memcpy` call per short run between escapes.
    let base = out.len();
    out.resize(base + value.len() * 3, 0);
    let buf = &mut out[base..];
    let mut w = 0;
    for &b in value {
        if UNRESERVED[usize::from(b)] {
            buf[w] = b;
            w += 1;
        } else {
            let at = 3 * usize::from(b);
            buf[w..w + 3].copy_from_slice(&ESCAPES[at..at + 3]);
            w += 3;
        }
    }
    out.truncate(base + w);
}

/// `pe(pe(value))` in one pass: an escaped byte `%XY` re-encodes to `%25XY`. This is how a v1
/// parameter appears inside the string to sign.
pub(crate) fn pe_twice_bytes(out: &mut Vec<u8>, value: &[u8]) {
    let base = out.len();
    out.resize(base + value.len() * 5, 0);
    let buf = &mut out[base..];
    let mut w = 0;
    for &b in value {
        if UNRESERVED[usize::from(b)] {
            buf[w] = b;
            w += 1;
        } else {
            let at = 3 * usize::from(b);
            buf[w..w + 3].copy_from_slice(b"%25");
            buf[w + 3..w + 5].copy_from_slice(&ESCAPES[at + 1..at + 3]);
            w += 5;
        }
    }
    out.truncate(base + w);
}

/// A buffer built only from ASCII (encoder output) as a `String`; the lossy branch is never
/// taken but keeps this total without `unsafe`.
pub(crate) fn ascii_string(buf: Vec<u8>) -> String {
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends lower-case hex of `bytes` (V3 writes three digests per request; `hex::encode` goes
/// through a char iterator and was a visible share of verification time).
pub(crate) fn hex_lower_into(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut buf = Vec::with_capacity(bytes.len() * 2);
    for &b in bytes {
        buf.push(DIGITS[usize::from(b >> 4)]);
        buf.push(DIGITS[usize::from(b & 0x0F)]);
    }
    out.push_str(&ascii_string(buf));
}

/// Compares `a` and `b` in the order of `pe(a)` and `pe(b)` without encoding them.
///
/// `pe()` maps each byte to a code that is either the byte itself (unreserved) or `%XY`. `%`
/// sorts below every unreserved byte and upper-case hex preserves byte order, and no code is a
/// prefix of another, so comparing code by code equals comparing the encoded strings.
pub fn cmp_encoded(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Equal prefixes encode equally: only the first differing byte (or the length) decides.
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => (unreserved(a[i]), a[i]).cmp(&(unreserved(b[i]), b[i])),
        None => a.len().cmp(&b.len()),
    }
}

/// Joins `pe(name)=pe(value)` pairs with `&`, in the given order: the shared shape of the v1
/// canonicalized query, the V3 canonical query and the query string a client sends.
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = Vec::new();
    for (i, (name, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        pe_bytes(&mut out, name.as_bytes());
        out.push(b'=');
        pe_bytes(&mut out, value.as_bytes());
    }
    ascii_string(out)
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
    fn encoded_order_without_encoding() {
        let words = [
            "a", "a b", "a-b", "a~", "a{", "aé", "A", "", "%", "~", "z", "é", "a\u{7f}",
        ];
        for x in words {
            for y in words {
                assert_eq!(cmp_encoded(x, y), pe(x).cmp(&pe(y)), "{x:?} {y:?}");
            }
        }
    }

    #[test]
    fn twice_equals_pe_of_pe() {
        for v in ["", "a", " ~/*-+", "订单 & = %", "{\"k\":\"v\"}"] {
            let mut out = Vec::new();
            pe_twice_bytes(&mut out, v.as_bytes());
            assert_eq!(ascii_string(out), pe(&pe(v)), "{v:?}");
        }
    }

    #[test]
    fn pairs_keep_blank_values() {
        assert_eq!(encode_pairs([("a b", ""), ("c", "d/e")]), "a%20b=&c=d%2Fe");
    }
}
