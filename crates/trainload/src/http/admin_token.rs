//! The admin bearer token (docs/scheduler.md §7): from `TRAINLOAD_ADMIN_TOKEN`, or generated on
//! first start into `<data-dir>/admin-token` (created with `create_new`, mode 0600) and reused
//! after. Only a SHA-256 digest is kept in memory, and presented tokens are compared in constant
//! time.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// The token file's name in the data directory.
pub const ADMIN_TOKEN_FILE: &str = "admin-token";

/// The admin token, as a digest.
#[derive(Clone)]
pub struct AdminToken {
    digest: [u8; 32],
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken([REDACTED])")
    }
}

/// Where the token came from, for the start-up log line (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminTokenSource {
    /// `--admin-token` / `TRAINLOAD_ADMIN_TOKEN`.
    Environment,
    /// A file in the data directory, created now or earlier.
    File {
        /// The file.
        path: PathBuf,
        /// True when this start created it.
        created: bool,
    },
}

impl AdminToken {
    /// The token `secret`.
    pub fn new(secret: &SecretString) -> Self {
        Self {
            digest: digest(secret.expose_secret()),
        }
    }

    /// True when `presented` is the token. The digests are compared byte for byte without
    /// an early exit, so the time taken says nothing about how much matched.
    pub fn verify(&self, presented: &str) -> bool {
        crate::store::secrets::constant_time_eq(&self.digest, &digest(presented))
    }

    /// The token from `configured` when set, else from (or into) `<data_dir>/admin-token`.
    ///
    /// # Errors
    /// An empty token, or a token file that cannot be created or read.
    pub fn load(
        data_dir: &Path,
        configured: Option<&SecretString>,
    ) -> anyhow::Result<(Self, AdminTokenSource)> {
        if let Some(secret) = configured {
            if secret.expose_secret().trim().is_empty() {
                bail!("TRAINLOAD_ADMIN_TOKEN is empty");
            }
            return Ok((Self::new(secret), AdminTokenSource::Environment));
        }
        crate::store::private_files::create_dir(data_dir)
            .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
        let path = data_dir.join(ADMIN_TOKEN_FILE);
        let created = match create_token_file(&path) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            Err(e) => return Err(e).with_context(|| format!("creating {}", path.display())),
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let token = text.trim();
        if token.is_empty() {
            bail!("the admin token file {} is empty", path.display());
        }
        Ok((
            Self::new(&SecretString::from(token.to_owned())),
            AdminTokenSource::File { path, created },
        ))
    }
}

/// Writes 32 random bytes as hex to a new file readable by the owner only.
fn create_token_file(path: &Path) -> std::io::Result<()> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(std::io::Error::other)?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(token.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

fn digest(text: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&Sha256::digest(text.as_bytes()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_verifies() {
        let token = AdminToken::new(&SecretString::from("s3cret".to_owned()));
        assert!(token.verify("s3cret"));
        assert!(!token.verify("s3cre"));
        assert!(!token.verify("s3cret "));
        assert!(!token.verify(""));
        assert!(!format!("{token:?}").contains("s3cret"));
    }
}
