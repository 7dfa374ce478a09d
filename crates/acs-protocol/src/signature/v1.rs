//! Signature "v1": HMAC-SHA1 over the sorted, percent-encoded parameters.
//!
//! ```text
//! CanonicalizedQueryString = all params except Signature, pe(name)=pe(value), sorted by pe(name), joined by &
//! StringToSign = METHOD + "&" + pe("/") + "&" + pe(CanonicalizedQueryString)
//! Signature    = base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign))
//! ```

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::encoding::{ascii_string, cmp_encoded, pe_bytes, pe_twice_bytes};
use crate::secret::AccessKeySecret;

/// `SignatureMethod` value of this scheme.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// `SignatureVersion` value of this scheme.
pub const SIGNATURE_VERSION: &str = "1.0";
/// The parameter that carries the signature and is excluded from what is signed.
pub const SIGNATURE_PARAM: &str = "Signature";

/// The parameters to sign, sorted by `pe(name)` (then `pe(value)`), `Signature` left out; the
/// order is computed on the raw strings so that nothing is encoded just to be compared.
fn sorted<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<(&'a str, &'a str)> {
    let mut pairs: Vec<(&str, &str)> = params
        .into_iter()
        .filter(|(name, _)| *name != SIGNATURE_PARAM)
        .collect();
    pairs.sort_unstable_by(|a, b| cmp_encoded(a.0, b.0).then_with(|| cmp_encoded(a.1, b.1)));
    pairs
}

/// Canonicalized query of decoded `params`; the `Signature` parameter is left out.
pub fn canonicalized_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let pairs = sorted(params);
    let mut out = Vec::with_capacity(pairs.iter().map(|(n, v)| n.len() + v.len() * 2 + 2).sum());
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

/// `METHOD&%2F&pe(canonicalized_query)`, with the real HTTP method (upper case).
pub fn string_to_sign(method: &str, canonicalized_query: &str) -> String {
    let mut out = Vec::with_capacity(method.len() + 5 + canonicalized_query.len() * 3 / 2);
    out.extend_from_slice(method.as_bytes());
    out.extend_from_slice(b"&%2F&");
    pe_bytes(&mut out, canonicalized_query.as_bytes());
    ascii_string(out)
}

/// `string_to_sign(method, &canonicalized_query(params))` in one pass, without building the
/// canonicalized query first (the verifier's path).
pub fn string_to_sign_for<'a>(
    method: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let pairs = sorted(params);
    let len: usize = pairs.iter().map(|(n, v)| n.len() + v.len() * 3 + 6).sum();
    let mut out = Vec::with_capacity(method.len() + 5 + len);
    out.extend_from_slice(method.as_bytes());
    out.extend_from_slice(b"&%2F&");
    for (i, (name, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b"%26");
        }
        pe_twice_bytes(&mut out, name.as_bytes());
        out.extend_from_slice(b"%3D");
        pe_twice_bytes(&mut out, value.as_bytes());
    }
    ascii_string(out)
}

/// The raw HMAC-SHA1 digest (key = secret + "&").
pub fn signature_bytes(secret: &AccessKeySecret, string_to_sign: &str) -> [u8; 20] {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(format!("{}&", secret.expose()).as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The `Signature` value: base64 of [`signature_bytes`].
pub fn sign(secret: &AccessKeySecret, string_to_sign: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(signature_bytes(secret, string_to_sign))
}

/// Decodes a received `Signature` value; `None` when it is not standard base64 of 20 bytes.
pub fn decode_signature(value: &str) -> Option<[u8; 20]> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value.as_bytes())
        .ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_describe_regions_vector() {
        let params = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ];
        let sts = string_to_sign("GET", &canonicalized_query(params));
        assert_eq!(
            sign(&AccessKeySecret::new("testsecret"), &sts),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    #[test]
    fn sdk_unit_test_vector() {
        let sts = string_to_sign(
            "GET",
            &canonicalized_query([("query", "test"), ("body", "test")]),
        );
        assert_eq!(sts, "GET&%2F&body%3Dtest%26query%3Dtest");
        assert_eq!(
            sign(&AccessKeySecret::new("secret"), &sts),
            "XlUyV4sXjOuX5FnjUz9IF9tm5rU="
        );
    }

    #[test]
    fn one_pass_string_to_sign_equals_the_two_step_one() {
        let params = [
            ("b", "x y"),
            ("a", "订单&=%"),
            ("Signature", "s"),
            ("a b", ""),
        ];
        assert_eq!(
            string_to_sign_for("POST", params),
            string_to_sign("POST", &canonicalized_query(params))
        );
    }

    #[test]
    fn signature_param_is_not_signed_and_blank_values_are() {
        assert_eq!(
            canonicalized_query([("Signature", "x"), ("SignatureType", ""), ("A", "b c")]),
            "A=b%20c&SignatureType="
        );
    }

    #[test]
    fn decode_rejects_wrong_lengths() {
        assert!(decode_signature("OLeaidS1JvxuMvnyHOwuJ+uX5qY=").is_some());
        assert!(decode_signature("AAAA").is_none());
        assert!(decode_signature("not base64!").is_none());
    }
}
