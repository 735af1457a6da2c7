//! Opening the connection pool for a database URL.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{StoreError, private_files};
use queue::Db;

/// How long a SQLite writer waits for the lock before `SQLITE_BUSY` (at least 5 s, so that
/// a burst of writers from several workers queues instead of failing).
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections per pool. SQLite serialises writers anyway; readers run in parallel under WAL.
const SQLITE_MAX_CONNECTIONS: u32 = 8;
const POSTGRES_MAX_CONNECTIONS: u32 = 10;
/// How long a caller waits for a free connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens the pool for `database_url` (`sqlite:` or `postgres:`/`postgresql:`).
pub(super) async fn open_pool(database_url: &str) -> Result<Db, StoreError> {
    if database_url.starts_with("sqlite:") {
        open_sqlite(database_url).await
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        open_postgres(database_url).await
    } else {
        Err(StoreError::Config(
            "the database URL must start with sqlite:// or postgres://".to_owned(),
        ))
    }
}

async fn open_sqlite(database_url: &str) -> Result<Db, StoreError> {
    let options = SqliteConnectOptions::from_str(database_url)
        .map_err(|e| StoreError::Config(format!("invalid SQLite URL: {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .foreign_keys(true);
    prepare_files(options.get_filename())?;
    let pool = SqlitePoolOptions::new()
        .max_connections(SQLITE_MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await?;
    Ok(Db::Sqlite(pool))
}

async fn open_postgres(database_url: &str) -> Result<Db, StoreError> {
    // The parse error never repeats the URL, so a password cannot leak through it.
    let options = PgConnectOptions::from_str(database_url)
        .map_err(|_| StoreError::Config("invalid PostgreSQL URL".to_owned()))?;
    let pool = PgPoolOptions::new()
        .max_connections(POSTGRES_MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await?;
    Ok(Db::Postgres(pool))
}

/// Creates the directory a SQLite file lives in (0700), so `trainload serve` just works on a
/// fresh machine, and the file itself owner-only (0600).
fn prepare_files(file: &Path) -> Result<(), StoreError> {
    if file.as_os_str().is_empty() || file.as_os_str() == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        private_files::create_dir(dir).map_err(|e| {
            StoreError::Config(format!(
                "cannot create the directory {}: {e}",
                dir.display()
            ))
        })?;
    }
    private_files::prepare_sqlite_file(file).map_err(|e| {
        StoreError::Config(format!(
            "cannot prepare the database file {}: {e}",
            file.display()
        ))
    })
}
