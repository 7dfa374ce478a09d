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

use crate::encoding::pe_into;
use crate::secret::AccessKeySecret;

/// `SignatureMethod` value of this scheme.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// `SignatureVersion` value of this scheme.
pub const SIGNATURE_VERSION: &str = "1.0";
/// The parameter that carries the signature and is excluded from what is signed.
pub const SIGNATURE_PARAM: &str = "Signature";

/// Canonicalized query of decoded `params`; the `Signature` parameter is left out.
pub fn canonicalized_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut encoded: Vec<(String, String)> = params
        .into_iter()
        .filter(|(name, _)| *name != SIGNATURE_PARAM)
        .map(|(name, value)| {
            let mut n = String::with_capacity(name.len());
            pe_into(&mut n, name);
            let mut v = String::with_capacity(value.len() + 8);
            pe_into(&mut v, value);
            (n, v)
        })
        .collect();
    encoded.sort_unstable();
    let len = encoded.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(len);
    for (name, value) in &encoded {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// `METHOD&%2F&pe(canonicalized_query)`, with the real HTTP method (upper case).
pub fn string_to_sign(method: &str, canonicalized_query: &str) -> String {
    let mut out = String::with_capacity(method.len() + 5 + canonicalized_query.len() * 3 / 2);
    out.push_str(method);
    out.push_str("&%2F&");
    pe_into(&mut out, canonicalized_query);
    out
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
