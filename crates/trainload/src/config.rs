//! Settings shared by every command that opens the store: data directory, database URL and
//! secret key, from flags or `TRAINLOAD_*` environment variables.

use std::fmt;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::store::{SecretKey, SecretKeyError};

/// Where the data lives. Flattened into `serve`, `worker`, `migrate`, `users`, ….
#[derive(Clone, clap::Args)]
pub struct StoreArgs {
    /// Directory for the SQLite file and the generated secret key.
    #[arg(
        long,
        env = "TRAINLOAD_DATA_DIR",
        default_value = "./data",
        value_name = "DIR"
    )]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://FILE` or `postgres://USER@HOST/DB` [default:
    /// `sqlite://DIR/trainload.db` in the data directory].
    #[arg(
        long,
        env = "TRAINLOAD_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Base64 of the 32-byte key that encrypts tokens at rest [default: `secret.key` in the data directory,
    /// generated on first start]. Prefer the environment variable: flags show in `ps`.
    #[arg(
        long,
        env = "TRAINLOAD_SECRET_KEY",
        value_name = "BASE64",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
}

impl StoreArgs {
    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("trainload.db").display()),
        }
    }

    /// The secret key from `--secret-key` / `TRAINLOAD_SECRET_KEY`, else the key file in the data
    /// directory (created on first use).
    ///
    /// # Errors
    /// A malformed key, or a key file that cannot be created or read.
    pub fn secret_key(&self) -> Result<SecretKey, SecretKeyError> {
        let from_env = self.secret_key.clone().map(SecretString::from);
        SecretKey::load(&self.data_dir, from_env.as_ref())
    }
}

impl fmt::Debug for StoreArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreArgs")
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url),
            )
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// `url` with any password replaced by `***`, for logs and Debug output.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_database_url_is_redacted() {
        assert_eq!(
            redact_url("postgres://app:hunter2@db.example:5432/trainload"),
            "postgres://app:***@db.example:5432/trainload"
        );
        assert_eq!(redact_url("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(redact_url("sqlite://./data/t.db"), "sqlite://./data/t.db");
    }

    #[test]
    fn debug_output_shows_no_password_and_no_key() {
        let args = StoreArgs {
            data_dir: PathBuf::from("d"),
            database_url: Some("postgres://app:hunter2@db/x".to_owned()),
            secret_key: Some("c2VjcmV0".to_owned()),
        };
        let debug = format!("{args:?}");
        assert!(!debug.contains("hunter2"));
        assert!(!debug.contains("c2VjcmV0"));
    }

    #[test]
    fn the_default_database_is_a_sqlite_file_in_the_data_dir() {
        let args = StoreArgs {
            data_dir: PathBuf::from("/tmp/x"),
            database_url: None,
            secret_key: None,
        };
        assert_eq!(args.database_url(), "sqlite:///tmp/x/trainload.db");
    }
}
