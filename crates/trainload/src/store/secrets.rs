//! Secrets at rest: the key, and XChaCha20-Poly1305 sealing bound to a row and column.
//!
//! A sealed value is `version (1 byte, 0x01) ‖ nonce (24 random bytes) ‖ ciphertext ‖ tag (16)`.
//! The associated data names the row identity and the column (for example
//! `integrations:42:strava:refresh_token`), so a ciphertext copied into another row or column
//! fails authentication instead of decrypting.
//!
//! The key comes from `TRAINLOAD_SECRET_KEY` (base64 of 32 bytes) or else from
//! `<data-dir>/secret.key`, generated on first start with mode 0600 and reused afterwards.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, SecretBox, SecretString};

use super::StoreError;

/// Name of the generated key file inside the data directory.
pub const KEY_FILE_NAME: &str = "secret.key";
/// Key length, bytes.
const KEY_LEN: usize = 32;
/// Format version of a sealed value.
const SEALED_VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// Why the secret key could not be loaded. Never contains key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretKeyError {
    /// `TRAINLOAD_SECRET_KEY` or the key file is not base64 of exactly 32 bytes.
    #[error("{source_name} is not a base64-encoded 32-byte key")]
    Malformed {
        /// Where the key came from (the variable or the file path).
        source_name: String,
    },
    /// The key file could not be created or read.
    #[error("cannot use the key file {path}: {error}")]
    Io {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// The operating system's random source failed.
    #[error("no randomness available: {0}")]
    Random(getrandom::Error),
}

/// The 32-byte key that encrypts secrets at rest. `Debug` never shows it.
pub struct SecretKey(SecretBox<[u8; KEY_LEN]>);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([REDACTED])")
    }
}

impl SecretKey {
    /// Parses a base64-encoded 32-byte key; `source_name` names its origin in the error.
    ///
    /// # Errors
    /// [`SecretKeyError::Malformed`] for anything but base64 of exactly 32 bytes.
    pub fn from_base64(text: &str, source_name: &str) -> Result<Self, SecretKeyError> {
        let malformed = || SecretKeyError::Malformed {
            source_name: source_name.to_owned(),
        };
        let bytes = BASE64.decode(text.trim()).map_err(|_| malformed())?;
        let key: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| malformed())?;
        Ok(Self(SecretBox::new(Box::new(key))))
    }

    /// A fresh random key.
    ///
    /// # Errors
    /// [`SecretKeyError::Random`] when the OS has no randomness to give.
    pub fn generate() -> Result<Self, SecretKeyError> {
        let mut key = [0u8; KEY_LEN];
        getrandom::fill(&mut key).map_err(SecretKeyError::Random)?;
        Ok(Self(SecretBox::new(Box::new(key))))
    }

    /// The key as base64 text (for the key file or `TRAINLOAD_SECRET_KEY`).
    pub fn to_base64(&self) -> SecretString {
        SecretString::from(BASE64.encode(self.0.expose_secret()))
    }

    /// The key from `env_key` (the value of `TRAINLOAD_SECRET_KEY`) when given, else from
    /// `<data_dir>/secret.key`, which is created (mode 0600, `create_new`) on first use.
    ///
    /// # Errors
    /// [`SecretKeyError::Malformed`] for a bad key in either place; [`SecretKeyError::Io`] when
    /// the directory or file cannot be created or read.
    pub fn load(data_dir: &Path, env_key: Option<&SecretString>) -> Result<Self, SecretKeyError> {
        if let Some(text) = env_key {
            return Self::from_base64(text.expose_secret(), "TRAINLOAD_SECRET_KEY");
        }
        let generate = || Ok(Self::generate()?.to_base64());
        let (text, path) = read_or_create_key_file(data_dir, KEY_FILE_NAME, generate)?;
        Self::from_base64(text.expose_secret(), &path.display().to_string())
    }
}

/// The contents of the key file `data_dir/name`, and its path. A missing file is created from
/// `generate()`: written to a private temporary file, then linked into place. The link fails if
/// another process won the race, and then its key is used: no reader ever sees a half-written
/// file.
///
/// # Errors
/// [`SecretKeyError::Io`] when the directory or file cannot be created or read; what
/// `generate` returns.
pub(crate) fn read_or_create_key_file(
    data_dir: &Path,
    name: &str,
    generate: impl FnOnce() -> Result<SecretString, SecretKeyError>,
) -> Result<(SecretString, PathBuf), SecretKeyError> {
    let path = data_dir.join(name);
    let io = |error| SecretKeyError::Io {
        path: path.clone(),
        error,
    };
    super::private_files::create_dir(data_dir).map_err(io)?;
    match std::fs::read_to_string(&path) {
        Ok(text) => return Ok((SecretString::from(text), path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    let contents = generate()?;
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(SecretKeyError::Random)?;
    let tmp = path.with_extension(format!("tmp-{}", u64::from_le_bytes(suffix)));
    write_private_file(&tmp, contents.expose_secret()).map_err(io)?;
    let linked = std::fs::hard_link(&tmp, &path);
    // The temporary name is removed either way; failing to remove it leaves a stray private file.
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok((contents, path)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(&path).map_err(io)?;
            Ok((SecretString::from(text), path))
        }
        Err(e) => Err(io(e)),
    }
}

/// Creates `path` (which must not exist) readable and writable by the owner only.
fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

/// Byte equality whose time depends only on the lengths, for comparing presented secrets.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Which row and column a secret belongs to: the associated data of its ciphertext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Binding {
    text: String,
    column: &'static str,
}

impl Binding {
    /// `table:row identity:column`.
    pub(crate) fn new(table: &str, row: &str, column: &'static str) -> Self {
        Self {
            text: format!("{table}:{row}:{column}"),
            column,
        }
    }
}

/// Seals and opens secrets with the store's key.
pub(crate) struct Cipher {
    aead: XChaCha20Poly1305,
}

impl fmt::Debug for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cipher([REDACTED])")
    }
}

impl Cipher {
    pub(crate) fn new(key: &SecretKey) -> Self {
        let aead = XChaCha20Poly1305::new(key.0.expose_secret().into());
        Self { aead }
    }

    /// Encrypts `plaintext` for the row and column `binding`, with a fresh random nonce.
    pub(crate) fn seal(&self, plaintext: &str, binding: &Binding) -> Result<Vec<u8>, StoreError> {
        let crypto = || StoreError::Crypto {
            column: binding.column,
        };
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| crypto())?;
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: binding.text.as_bytes(),
        };
        let ciphertext = self
            .aead
            .encrypt(&XNonce::from(nonce), payload)
            .map_err(|_| crypto())?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(SEALED_VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// Decrypts a value sealed for `binding`.
    ///
    /// # Errors
    /// [`StoreError::Crypto`] for another key, another binding, a tampered or truncated value.
    pub(crate) fn open(
        &self,
        sealed: &[u8],
        binding: &Binding,
    ) -> Result<SecretString, StoreError> {
        let crypto = || StoreError::Crypto {
            column: binding.column,
        };
        let (&version, rest) = sealed.split_first().ok_or_else(crypto)?;
        if version != SEALED_VERSION || rest.len() < NONCE_LEN {
            return Err(crypto());
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| crypto())?;
        let payload = Payload {
            msg: ciphertext,
            aad: binding.text.as_bytes(),
        };
        let plaintext = self
            .aead
            .decrypt(&XNonce::from(nonce), payload)
            .map_err(|_| crypto())?;
        let text = String::from_utf8(plaintext).map_err(|_| crypto())?;
        Ok(SecretString::from(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> Cipher {
        Cipher::new(&SecretKey::generate().unwrap())
    }

    #[test]
    fn a_sealed_secret_opens_with_the_same_binding() {
        let cipher = cipher();
        let binding = Binding::new("integrations", "1:strava", "refresh_token");
        let sealed = cipher.seal("tok-123", &binding).unwrap();
        assert_eq!(sealed[0], SEALED_VERSION);
        let opened = cipher.open(&sealed, &binding).unwrap();
        assert_eq!(opened.expose_secret(), "tok-123");
    }

    #[test]
    fn a_sealed_secret_does_not_open_for_another_row_or_column() {
        let cipher = cipher();
        let sealed = cipher
            .seal(
                "tok-123",
                &Binding::new("integrations", "1:strava", "refresh_token"),
            )
            .unwrap();
        let other_row = Binding::new("integrations", "2:strava", "refresh_token");
        let other_column = Binding::new("integrations", "1:strava", "access_token");
        assert!(matches!(
            cipher.open(&sealed, &other_row),
            Err(StoreError::Crypto { .. })
        ));
        assert!(matches!(
            cipher.open(&sealed, &other_column),
            Err(StoreError::Crypto { .. })
        ));
    }

    #[test]
    fn a_sealed_secret_does_not_open_under_another_key() {
        let binding = Binding::new("integrations", "1:strava", "api_key");
        let sealed = cipher().seal("key", &binding).unwrap();
        assert!(cipher().open(&sealed, &binding).is_err());
    }

    #[test]
    fn a_malformed_key_is_refused_with_its_source_named() {
        let error = SecretKey::from_base64("not base64!", "TRAINLOAD_SECRET_KEY").unwrap_err();
        assert!(error.to_string().contains("TRAINLOAD_SECRET_KEY"));
        let short = BASE64.encode([0u8; 16]);
        assert!(SecretKey::from_base64(&short, "x").is_err());
    }

    #[test]
    fn a_key_survives_its_base64_form() {
        let key = SecretKey::generate().unwrap();
        let again = SecretKey::from_base64(key.to_base64().expose_secret(), "x").unwrap();
        assert_eq!(key.0.expose_secret(), again.0.expose_secret());
        assert_eq!(format!("{key:?}"), "SecretKey([REDACTED])");
    }
}
