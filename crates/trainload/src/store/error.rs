//! The store's error type: sqlx facts mapped to what callers decide on.

use sqlx::error::ErrorKind;

/// Why a store operation failed. Messages never contain secrets or row contents.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique key is already taken (the database's message, which names no values).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A secret did not decrypt: wrong key, tampered ciphertext, or a ciphertext copied from
    /// another row or column.
    #[error("a stored secret could not be decrypted ({column})")]
    Crypto {
        /// The column whose value failed.
        column: &'static str,
    },
    /// A stored value does not parse (an unknown enum value, a corrupt stream blob).
    #[error("corrupt stored value in {column}: {detail}")]
    Corrupt {
        /// The column.
        column: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// A value cannot be stored as given (e.g. a stream channel of the wrong length).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// Bad settings: an unknown URL scheme, an uncreatable data directory.
    #[error("configuration: {0}")]
    Config(String),
    /// Any other database failure (connection, I/O, syntax).
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// A migration failed.
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) if db.kind() == ErrorKind::UniqueViolation => {
                Self::Conflict(db.message().to_owned())
            }
            other => Self::Database(other),
        }
    }
}
