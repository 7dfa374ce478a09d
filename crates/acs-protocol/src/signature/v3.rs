//! Signature V3: `ACS3-HMAC-SHA256` over a canonical request, sent in `Authorization`.
//!
//! ```text
//! CanonicalRequest = METHOD \n "/" \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
//! CanonicalQueryString = decoded query params sorted by name, pe(name)=pe(value) joined by &
//! CanonicalHeaders = for each signed header: lower(name) ":" trim(value) "\n"
//! StringToSign = "ACS3-HMAC-SHA256\n" + hex(sha256(CanonicalRequest))
//! Signature = hex(HMAC-SHA256(key = AccessKeySecret, StringToSign))
//! ```

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::encoding::{ascii_string, hex_lower_into, pe_bytes};
use crate::secret::AccessKeySecret;

/// The algorithm name that starts the `Authorization` header and the string to sign.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// Header carrying the request timestamp.
pub const DATE_HEADER: &str = "x-acs-date";
/// Header carrying the nonce.
pub const NONCE_HEADER: &str = "x-acs-signature-nonce";
/// Header carrying hex(sha256(body)).
pub const CONTENT_SHA256_HEADER: &str = "x-acs-content-sha256";
/// Header carrying an STS token.
pub const SECURITY_TOKEN_HEADER: &str = "x-acs-security-token";

/// The canonical query of decoded query parameters, sorted by name (then value).
pub fn canonical_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = Vec::new();
    push_canonical_query(&mut out, params);
    ascii_string(out)
}

/// [`canonical_query`] appended to a byte buffer (the verifier builds the whole canonical
/// request in one buffer).
pub(crate) fn push_canonical_query<'a>(
    out: &mut Vec<u8>,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    let mut sorted: Vec<(&str, &str)> = params.into_iter().collect();
    sorted.sort_unstable();
    out.reserve(sorted.iter().map(|(n, v)| n.len() + v.len() * 2 + 2).sum());
    for (i, (name, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        pe_bytes(out, name.as_bytes());
        out.push(b'=');
        pe_bytes(out, value.as_bytes());
    }
}

/// hex(sha256("")), the hashed payload of every bodiless request.
pub const EMPTY_PAYLOAD_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// hex(sha256(body)): the last line of the canonical request and the `x-acs-content-sha256` value.
pub fn hashed_payload(body: &[u8]) -> String {
    if body.is_empty() {
        return EMPTY_PAYLOAD_HASH.to_owned();
    }
    let mut out = String::with_capacity(64);
    hex_lower_into(&mut out, &Sha256::digest(body));
    out
}

/// Appends one canonical header line `lower(name):trim(value)\n`. `trim` removes ASCII
/// whitespace only, exactly as the verifier does on the received bytes (`str::trim` would also
/// strip e.g. U+00A0, and the signature would then cover a value the server never sees).
pub fn push_canonical_header(out: &mut String, name: &str, value: &str) {
    for c in name.chars() {
        out.push(c.to_ascii_lowercase());
    }
    out.push(':');
    out.push_str(value.trim_ascii());
    out.push('\n');
}

/// Assembles the canonical request. `canonical_headers` is the concatenation of
/// [`push_canonical_header`] lines, in the order of `signed_headers`. The path is always `/`.
pub fn canonical_request(
    method: &str,
    canonical_query: &str,
    canonical_headers: &str,
    signed_headers: &str,
    hashed_payload: &str,
) -> String {
    let mut out = String::with_capacity(
        method.len()
            + canonical_query.len()
            + canonical_headers.len()
            + signed_headers.len()
            + hashed_payload.len()
            + 8,
    );
    for part in [
        method,
        "\n/\n",
        canonical_query,
        "\n",
        canonical_headers,
        "\n",
        signed_headers,
        "\n",
        hashed_payload,
    ] {
        out.push_str(part);
    }
    out
}

/// `ACS3-HMAC-SHA256\n` + hex(sha256(canonical_request)).
pub fn string_to_sign(canonical_request: &str) -> String {
    string_to_sign_bytes(canonical_request.as_bytes())
}

/// [`string_to_sign`] of a canonical request held as bytes.
pub(crate) fn string_to_sign_bytes(canonical_request: &[u8]) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + 65);
    out.push_str(ALGORITHM);
    out.push('\n');
    hex_lower_into(&mut out, &Sha256::digest(canonical_request));
    out
}

/// The raw HMAC-SHA256 digest (key = secret).
pub fn signature_bytes(secret: &AccessKeySecret, string_to_sign: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The signature as lower-case hex.
pub fn sign(secret: &AccessKeySecret, string_to_sign: &str) -> String {
    let mut out = String::with_capacity(64);
    hex_lower_into(&mut out, &signature_bytes(secret, string_to_sign));
    out
}

/// The parts of an `Authorization: ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The AccessKey id (`Credential`).
    pub access_key_id: &'a str,
    /// `SignedHeaders` exactly as sent: lower-case names joined by `;`.
    pub signed_headers: &'a str,
    /// The hex signature.
    pub signature: &'a str,
}

impl<'a> Authorization<'a> {
    /// Parses the header value; `None` when it is not V3 or a part is missing, empty or repeated.
    pub fn parse(value: &'a str) -> Option<Self> {
        let rest = value.strip_prefix(ALGORITHM)?;
        if !rest.starts_with(' ') {
            return None;
        }
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (key, val) = part.trim().split_once('=')?;
            let slot = match key.trim() {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed,
                "Signature" => &mut signature,
                _ => continue,
            };
            if slot.replace(val.trim()).is_some() {
                return None;
            }
        }
        let auth = Authorization {
            access_key_id: credential.filter(|v| !v.is_empty())?,
            signed_headers: signed.filter(|v| !v.is_empty())?,
            signature: signature.filter(|v| !v.is_empty())?,
        };
        Some(auth)
    }

    /// The signed header names, in the client's order.
    pub fn signed_header_names(&self) -> impl Iterator<Item = &'a str> {
        self.signed_headers.split(';').filter(|n| !n.is_empty())
    }

    /// Renders the header value.
    pub fn to_header_value(&self) -> String {
        format!(
            "{ALGORITHM} Credential={},SignedHeaders={},Signature={}",
            self.access_key_id, self.signed_headers, self.signature
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_run_instances_vector() {
        let query = canonical_query([
            ("RegionId", "cn-shanghai"),
            (
                "ImageId",
                "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
            ),
        ]);
        let empty = hashed_payload(b"");
        let mut headers = String::new();
        for (n, v) in [
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-content-sha256", empty.as_str()),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-version", "2014-05-26"),
        ] {
            push_canonical_header(&mut headers, n, v);
        }
        let signed =
            "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";
        let cr = canonical_request("POST", &query, &headers, signed, &empty);
        let sts = string_to_sign(&cr);
        assert_eq!(
            sts,
            "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        );
        assert_eq!(
            sign(&AccessKeySecret::new("YourAccessKeySecret"), &sts),
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
    }

    /// Found by cargo-fuzz (fuzz/ verify_v3, input `wqA9zzo=`): an Action of U+00A0 was signed
    /// as an empty header value and refused by the verifier with SignatureDoesNotMatch.
    #[test]
    fn canonical_header_trims_only_ascii_whitespace_like_the_verifier() {
        let mut out = String::new();
        push_canonical_header(&mut out, "X-Acs-Action", "\u{a0}A \t");
        assert_eq!(out, "x-acs-action:\u{a0}A\n");
    }

    #[test]
    fn empty_payload_constant_is_the_digest_of_nothing() {
        assert_eq!(EMPTY_PAYLOAD_HASH, hex::encode(Sha256::digest(b"")));
        assert_eq!(hashed_payload(b"abc"), hex::encode(Sha256::digest(b"abc")));
    }

    #[test]
    fn authorization_parses_and_refuses() {
        let a = Authorization::parse(
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;x-acs-date, Signature=ab12",
        )
        .expect("valid");
        assert_eq!(a.access_key_id, "id");
        assert_eq!(
            a.signed_header_names().collect::<Vec<_>>(),
            ["host", "x-acs-date"]
        );
        assert_eq!(a.signature, "ab12");
        assert_eq!(
            Authorization::parse(&a.to_header_value()).as_ref(),
            Some(&Authorization {
                signature: "ab12",
                ..a.clone()
            })
        );
        for bad in [
            "ACS3-HMAC-SHA256",
            "ACS3-HMAC-SHA256x Credential=id,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host",
            "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential",
            "HMAC-SHA1 Credential=id,SignedHeaders=host,Signature=ab",
        ] {
            assert!(Authorization::parse(bad).is_none(), "{bad}");
        }
    }
}
