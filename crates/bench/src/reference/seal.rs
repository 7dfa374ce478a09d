//! AES-256-GCM for secrets at rest, in the same envelope as the service (`enc:v1:` + base64 of
//! nonce || ciphertext || tag), so that the reference pays the same cipher and encoding costs.

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

const PREFIX: &str = "enc:v1:";
const NONCE_LEN: usize = 12;

/// Content keys whose values are secrets (the service's list).
pub const SECRET_KEYS: &[&str] = &[
    "password",
    "accessKey",
    "accessKeySecret",
    "secretKey",
    "secretAccessKey",
    "securityToken",
    "token",
    "saslPassword",
    "sslPassword",
    "keystorePassword",
    "truststorePassword",
    "privateKey",
];

/// What answers show instead of a secret.
pub const MASK: &str = "******";

/// Seals and opens envelopes under one 32-byte key.
#[derive(Clone)]
pub struct Sealer {
    aead: Aes256Gcm,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(***)")
    }
}

impl Sealer {
    /// A sealer for `key`.
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            aead: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)),
        }
    }

    /// Encrypts `plaintext` with a fresh random nonce.
    pub fn seal(&self, plaintext: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        // Fails only past GCM's 64 GiB limit; an empty ciphertext never opens, so nothing leaks.
        let ciphertext = self
            .aead
            .encrypt(&nonce, plaintext.as_bytes())
            .unwrap_or_default();
        let mut raw = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&ciphertext);
        let mut out = String::with_capacity(PREFIX.len() + raw.len() * 4 / 3 + 4);
        out.push_str(PREFIX);
        STANDARD.encode_string(raw, &mut out);
        out
    }

    /// Decrypts an envelope; `None` when it is not one of ours or fails authentication.
    pub fn open(&self, envelope: &str) -> Option<String> {
        let raw = STANDARD.decode(envelope.strip_prefix(PREFIX)?).ok()?;
        if raw.len() < NONCE_LEN + 16 {
            return None;
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        let plain = self
            .aead
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Content as received: a JSON object.
pub type ContentMap = serde_json::Map<String, serde_json::Value>;

/// Parses Content (a JSON object).
pub fn parse_content(text: &str) -> Option<ContentMap> {
    serde_json::from_str(text).ok()
}

/// True when a secret is sent as [`MASK`] ("keep the stored one").
pub fn has_mask(map: &ContentMap) -> bool {
    map.iter()
        .any(|(k, v)| SECRET_KEYS.contains(&k.as_str()) && v.as_str() == Some(MASK))
}

/// Parses Content (a JSON object), seals its secrets, renders it for storage.
pub fn seal_content(text: &str, sealer: &Sealer) -> Option<String> {
    seal_map(parse_content(text)?, None, sealer)
}

/// Seals the secrets of `map`; a masked one takes the stored (sealed) value from `stored`,
/// and is refused when there is none.
pub fn seal_map(mut map: ContentMap, stored: Option<&str>, sealer: &Sealer) -> Option<String> {
    let stored: Option<ContentMap> = stored.and_then(parse_content);
    for (key, value) in map.iter_mut() {
        if SECRET_KEYS.contains(&key.as_str()) {
            let serde_json::Value::String(s) = value else {
                return None;
            };
            if s == MASK {
                *value = stored.as_ref()?.get(key)?.clone();
            } else {
                *s = sealer.seal(s);
            }
        }
    }
    Some(serde_json::Value::Object(map).to_string())
}

/// Stored Content with every secret replaced by [`MASK`].
pub fn mask_content(stored: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(stored) {
        Ok(serde_json::Value::Object(mut map)) => {
            for (key, value) in map.iter_mut() {
                if SECRET_KEYS.contains(&key.as_str()) {
                    *value = serde_json::Value::String(MASK.to_owned());
                }
            }
            serde_json::Value::Object(map).to_string()
        }
        _ => "{}".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_mask() {
        let sealer = Sealer::new(&[7; 32]);
        let env = sealer.seal("pw");
        assert!(env.starts_with(PREFIX));
        assert_eq!(sealer.open(&env).as_deref(), Some("pw"));
        assert_eq!(Sealer::new(&[8; 32]).open(&env), None);
        let stored = seal_content(r#"{"password":"pw","username":"u"}"#, &sealer).expect("object");
        assert!(!stored.contains("\"pw\""));
        assert_eq!(
            mask_content(&stored),
            r#"{"password":"******","username":"u"}"#
        );
        assert_eq!(seal_content("[1]", &sealer), None);
        let masked = parse_content(r#"{"password":"******","username":"v"}"#).expect("object");
        assert!(has_mask(&masked));
        let merged = seal_map(masked.clone(), Some(&stored), &sealer).expect("merged");
        let merged = parse_content(&merged).expect("object");
        assert_eq!(
            sealer
                .open(merged["password"].as_str().expect("text"))
                .as_deref(),
            Some("pw")
        );
        assert_eq!(seal_map(masked, None, &sealer), None);
        assert_eq!(seal_content(r#"{"password":1}"#, &sealer), None);
    }
}
