//! The VAPID key (RFC 8292): the P-256 key pair that identifies this server to the browsers'
//! push services. Browsers subscribe with its public half, so every process of a deployment
//! must use the same key: it comes from `TRAINLOAD_VAPID_PRIVATE_KEY` (base64url of the 32-byte
//! private scalar, the form web-push tools print) or else from `<data-dir>/vapid.key`, created
//! on first start with mode 0600 like the secret key.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use secrecy::{ExposeSecret, SecretString};

use crate::store::secrets::{SecretKeyError, read_or_create_key_file};

/// Name of the generated key file inside the data directory.
pub const KEY_FILE_NAME: &str = "vapid.key";
/// The environment variable that overrides the key file.
pub const ENV_NAME: &str = "TRAINLOAD_VAPID_PRIVATE_KEY";
/// How long a signed authorization is valid; push services refuse more than a day.
const TOKEN_LIFETIME_S: i64 = 12 * 3600;

/// This server's VAPID key pair. `Debug` never shows the private half.
#[derive(Clone)]
pub struct VapidKey {
    signing: SigningKey,
    public: String,
}

impl fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VapidKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl VapidKey {
    /// Parses base64url (padded or not) of a 32-byte P-256 private scalar; `source_name` names
    /// its origin in the error.
    ///
    /// # Errors
    /// [`SecretKeyError::Malformed`] for anything else.
    pub fn from_base64url(text: &str, source_name: &str) -> Result<Self, SecretKeyError> {
        let malformed = || SecretKeyError::Malformed {
            source_name: source_name.to_owned(),
        };
        let bytes = BASE64URL
            .decode(text.trim().trim_end_matches('='))
            .map_err(|_| malformed())?;
        let signing = SigningKey::from_slice(&bytes).map_err(|_| malformed())?;
        Ok(Self::of(signing))
    }

    /// A fresh random key.
    ///
    /// # Errors
    /// [`SecretKeyError::Random`] when the OS has no randomness to give.
    pub fn generate() -> Result<Self, SecretKeyError> {
        loop {
            let mut scalar = [0u8; 32];
            getrandom::fill(&mut scalar).map_err(SecretKeyError::Random)?;
            // About one value in 2^32 is not a valid scalar: draw again.
            if let Ok(signing) = SigningKey::from_slice(&scalar) {
                return Ok(Self::of(signing));
            }
        }
    }

    /// The key from `env_key` (the value of [`ENV_NAME`]) when given, else from
    /// `<data_dir>/vapid.key`, created on first use.
    ///
    /// # Errors
    /// A malformed key in either place; a key file that cannot be created or read.
    pub fn load(data_dir: &Path, env_key: Option<&SecretString>) -> Result<Self, SecretKeyError> {
        if let Some(text) = env_key {
            return Self::from_base64url(text.expose_secret(), ENV_NAME);
        }
        let generate = || Ok(Self::generate()?.private_base64url());
        let (text, path) = read_or_create_key_file(data_dir, KEY_FILE_NAME, generate)?;
        Self::from_base64url(text.expose_secret(), &path.display().to_string())
    }

    fn of(signing: SigningKey) -> Self {
        let point = signing.verifying_key().to_encoded_point(false);
        let public = BASE64URL.encode(point.as_bytes());
        Self { signing, public }
    }

    /// The private scalar, base64url (for the key file).
    fn private_base64url(&self) -> SecretString {
        SecretString::from(BASE64URL.encode(self.signing.to_bytes()))
    }

    /// The public key as browsers take it (`applicationServerKey`): base64url of the
    /// uncompressed point.
    pub fn public_key(&self) -> &str {
        &self.public
    }

    /// The `Authorization` header for a request to `endpoint`: `vapid t=<JWT>, k=<public key>`.
    /// The token's audience is the endpoint's origin, port included when it is not the
    /// scheme's default, as RFC 8292 §2 asks.
    pub fn authorization(&self, endpoint: &reqwest::Url, now_s: i64, contact: &str) -> String {
        let header = BASE64URL.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": endpoint.origin().ascii_serialization(),
            "exp": now_s + TOKEN_LIFETIME_S,
            "sub": contact,
        });
        let claims = BASE64URL.encode(claims.to_string());
        let signed = format!("{header}.{claims}");
        let signature: Signature = self.signing.sign(signed.as_bytes());
        let signature = BASE64URL.encode(signature.to_bytes());
        format!("vapid t={signed}.{signature}, k={}", self.public)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failed test")]

    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier as _;

    use super::*;

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("keys");
        let first = VapidKey::load(&dir, None).unwrap();
        let again = VapidKey::load(&dir, None).unwrap();
        assert_eq!(first.public_key(), again.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(KEY_FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_malformed_key_is_refused_by_name() {
        let error = VapidKey::from_base64url("c2hvcnQ", ENV_NAME).unwrap_err();
        assert!(error.to_string().contains(ENV_NAME), "{error}");
    }

    #[test]
    fn the_token_verifies_with_the_public_key_and_names_the_origin_with_its_port() {
        let key = VapidKey::generate().unwrap();
        let endpoint = reqwest::Url::parse("http://127.0.0.1:4321/push/abc").unwrap();
        let header = key.authorization(&endpoint, 1_000, "mailto:ops@example.org");
        let (token, public) = header
            .strip_prefix("vapid t=")
            .and_then(|rest| rest.split_once(", k="))
            .unwrap();
        assert_eq!(public, key.public_key());
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let verifying = VerifyingKey::from_sec1_bytes(&BASE64URL.decode(public).unwrap()).unwrap();
        let signature = Signature::from_slice(&BASE64URL.decode(signature).unwrap()).unwrap();
        verifying.verify(signed.as_bytes(), &signature).unwrap();
        let claims = signed.split('.').nth(1).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&BASE64URL.decode(claims).unwrap()).unwrap();
        assert_eq!(claims["aud"], "http://127.0.0.1:4321");
        assert_eq!(claims["exp"], 1_000 + TOKEN_LIFETIME_S);
        assert_eq!(claims["sub"], "mailto:ops@example.org");
    }
}
