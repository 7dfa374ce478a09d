//! Encryption at rest for secrets (Content passwords/keys, AccessKey secrets).
//!
//! AES-256-GCM under one master key, a fresh random 96-bit nonce per value, stored as the versioned
//! envelope `enc:v1:<base64(nonce || ciphertext || tag)>`. The version prefix lets a later key or
//! algorithm rotation tell old values from new ones without guessing.

use std::fmt;
use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use zeroize::Zeroizing;

/// Prefix of every value this module produced.
pub const ENVELOPE_PREFIX: &str = "enc:v1:";
const NONCE_LEN: usize = 12;

/// Why a master key could not be had or a value could not be decrypted.
///
/// Messages never contain key material or plaintext.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The configured key is not base64 of exactly 32 bytes.
    #[error("the master key must be base64 of exactly 32 bytes")]
    BadMasterKey,
    /// Reading or writing the key file failed.
    #[error("master key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: String,
        /// The I/O cause.
        #[source]
        source: std::io::Error,
    },
    /// A stored value is not an envelope of this version, or fails authentication (wrong key or
    /// tampered data).
    #[error("a stored secret could not be decrypted (wrong master key or damaged data)")]
    Undecryptable,
}

/// The 32-byte master key. Zeroed on drop, never printed.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    /// A new random key.
    pub fn generate() -> Self {
        let key = Aes256Gcm::generate_key(OsRng);
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&key);
        Self(bytes)
    }

    /// Parses base64 (standard alphabet, padding optional, surrounding whitespace ignored).
    pub fn from_base64(text: &str) -> Result<Self, CryptoError> {
        let trimmed = text.trim().trim_end_matches('=');
        let decoded = Zeroizing::new(
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(trimmed)
                .map_err(|_| CryptoError::BadMasterKey)?,
        );
        let array: [u8; 32] = decoded
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::BadMasterKey)?;
        Ok(Self(Zeroizing::new(array)))
    }

    /// The key as base64, for writing a key file.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.0.as_slice()))
    }

    /// Reads the key file at `path`, or creates it with a new random key (mode 0600, parent
    /// directories too) when it does not exist. This is how the embedded default gets a key
    /// without any configuration.
    pub fn load_or_create_file(path: &Path) -> Result<Self, CryptoError> {
        let io_err = |source| CryptoError::KeyFile {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => return Self::from_base64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(e)),
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io_err)?;
        }
        let key = Self::generate();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(key.to_base64().as_bytes()).map_err(io_err)?;
                file.write_all(b"\n").map_err(io_err)?;
                file.sync_all().map_err(io_err)?;
                Ok(key)
            }
            // Another process created it between our read and our create: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(path).map_err(io_err)?;
                Self::from_base64(&text)
            }
            Err(e) => Err(io_err(e)),
        }
    }
}

/// Encrypts and decrypts envelopes under one master key.
#[derive(Clone)]
pub struct Cipher {
    aead: Aes256Gcm,
}

impl fmt::Debug for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cipher(***)")
    }
}

impl Cipher {
    /// A cipher under `key`.
    pub fn new(key: &MasterKey) -> Self {
        Self {
            aead: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key.0.as_slice())),
        }
    }

    /// Encrypts `plaintext` into an `enc:v1:` envelope with a fresh random nonce, drawn from the
    /// thread's CSPRNG (ChaCha, seeded and reseeded from the OS) instead of one `getrandom`
    /// system call per secret.
    pub fn seal(&self, plaintext: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut rand::thread_rng());
        // Encryption with a valid key and nonce fails only beyond GCM's 64 GiB message limit,
        // which a `&str` held in memory for a connection field never reaches; fall back to an
        // empty ciphertext marker that will never decrypt rather than panic.
        let ciphertext = self
            .aead
            .encrypt(&nonce, plaintext.as_bytes())
            .unwrap_or_default();
        let mut raw = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&ciphertext);
        format!("{ENVELOPE_PREFIX}{}", STANDARD.encode(raw))
    }

    /// Decrypts an envelope made by [`Cipher::seal`] under the same key.
    pub fn open(&self, envelope: &str) -> Result<Zeroizing<String>, CryptoError> {
        let encoded = envelope
            .strip_prefix(ENVELOPE_PREFIX)
            .ok_or(CryptoError::Undecryptable)?;
        let raw = STANDARD
            .decode(encoded)
            .map_err(|_| CryptoError::Undecryptable)?;
        if raw.len() < NONCE_LEN + 16 {
            return Err(CryptoError::Undecryptable);
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        let plain = self
            .aead
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| CryptoError::Undecryptable)?;
        String::from_utf8(plain)
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Undecryptable)
    }
}

/// True when `value` looks like an envelope this module wrote.
pub fn is_envelope(value: &str) -> bool {
    value.starts_with(ENVELOPE_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_uses_fresh_nonces() {
        let cipher = Cipher::new(&MasterKey::generate());
        let a = cipher.seal("hunter2");
        let b = cipher.seal("hunter2");
        assert_ne!(a, b, "a fresh nonce per value");
        assert!(a.starts_with(ENVELOPE_PREFIX));
        assert!(!a.contains("hunter2"));
        assert_eq!(cipher.open(&a).unwrap().as_str(), "hunter2");
        assert_eq!(cipher.open(&b).unwrap().as_str(), "hunter2");
    }

    #[test]
    fn wrong_key_and_tampering_are_refused() {
        let cipher = Cipher::new(&MasterKey::generate());
        let other = Cipher::new(&MasterKey::generate());
        let sealed = cipher.seal("secret");
        assert!(matches!(
            other.open(&sealed),
            Err(CryptoError::Undecryptable)
        ));
        let mut raw = STANDARD
            .decode(sealed.strip_prefix(ENVELOPE_PREFIX).unwrap())
            .unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let tampered = format!("{ENVELOPE_PREFIX}{}", STANDARD.encode(raw));
        assert!(cipher.open(&tampered).is_err());
        assert!(cipher.open("plain").is_err());
        assert!(cipher.open("enc:v1:AAAA").is_err());
    }

    #[test]
    fn master_key_parsing() {
        let key = MasterKey::generate();
        let again = MasterKey::from_base64(&key.to_base64()).unwrap();
        let sealed = Cipher::new(&key).seal("x");
        assert_eq!(Cipher::new(&again).open(&sealed).unwrap().as_str(), "x");
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
        assert!(MasterKey::from_base64("not base64!").is_err());
        assert_eq!(format!("{key:?}"), "MasterKey(***)");
    }

    #[test]
    fn key_file_is_created_once_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/master.key");
        let first = MasterKey::load_or_create_file(&path).unwrap();
        let second = MasterKey::load_or_create_file(&path).unwrap();
        assert_eq!(first.to_base64().as_str(), second.to_base64().as_str());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
