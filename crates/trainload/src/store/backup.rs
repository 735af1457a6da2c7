//! Backing up and restoring a SQLite database. The backup is SQLite's `VACUUM INTO`: one read
//! transaction, so the copy is the database as of one commit even while a server and its syncs
//! keep writing, and it does not block them (WAL readers and the writer do not wait for each
//! other). A restore checks the copy and puts it in place of the database file while no process
//! holds the database (the caller takes the process lock). PostgreSQL has its own tools
//! (`pg_dump`, `pg_restore`); the README says how.
//!
//! The secret key is not in the copy: tokens and API keys inside stay sealed and open only with
//! the key of the data directory they came from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use super::{StoreError, private_files};

/// What a backup or restore found in the copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Copy {
    /// The copy.
    pub file: PathBuf,
    /// Its size, bytes.
    pub bytes: u64,
    /// Rows per table.
    pub tables: BTreeMap<String, i64>,
}

/// The SQLite file behind `database_url`.
///
/// # Errors
/// [`StoreError::Config`] for a PostgreSQL or in-memory URL.
pub fn sqlite_file(database_url: &str) -> Result<PathBuf, StoreError> {
    if !database_url.starts_with("sqlite:") {
        return Err(StoreError::Config(
            "only a SQLite database is backed up and restored by trainload; on PostgreSQL use \
             pg_dump and pg_restore (see the README)"
                .to_owned(),
        ));
    }
    let options = SqliteConnectOptions::from_str(database_url)
        .map_err(|e| StoreError::Config(format!("invalid SQLite URL: {e}")))?;
    let file = options.get_filename();
    if file.as_os_str().is_empty() || file.as_os_str() == ":memory:" {
        return Err(StoreError::Config(
            "an in-memory database has nothing to back up".to_owned(),
        ));
    }
    Ok(file.to_path_buf())
}

/// Writes a consistent copy of the live database behind `database_url` to `target` (a new
/// file, owner-only), then checks it.
///
/// # Errors
/// [`StoreError::Config`] when `target` exists or the URL is not a SQLite file; database
/// errors; a copy that fails its integrity check.
pub async fn backup(database_url: &str, target: &Path) -> Result<Copy, StoreError> {
    let source = sqlite_file(database_url)?;
    if !source.exists() {
        return Err(StoreError::Config(format!(
            "no database at {}",
            source.display()
        )));
    }
    // `VACUUM INTO` accepts an existing empty file, so creating it first gives it the
    // owner-only mode and refuses to overwrite an earlier backup.
    create_empty_private(target)?;
    let mut conn = connect(&source, false).await?;
    let written = sqlx::query("VACUUM INTO $1")
        .bind(target.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await;
    conn.close().await?;
    if let Err(error) = written {
        let _ = std::fs::remove_file(target);
        return Err(error.into());
    }
    check(target).await
}

/// Checks the backup `file` and puts it in place of the database behind `database_url`. An
/// existing database is replaced only with `replace`. The caller must hold the database's
/// process lock so no server or worker has it open.
///
/// # Errors
/// [`StoreError::Config`] for a missing or damaged backup, an existing database without
/// `replace`, or a URL that is not a SQLite file; I/O errors.
pub async fn restore(file: &Path, database_url: &str, replace: bool) -> Result<Copy, StoreError> {
    let target = sqlite_file(database_url)?;
    let checked = check(file).await?;
    if target.exists() && !replace {
        return Err(StoreError::Config(format!(
            "{} exists; pass --replace to overwrite it with the backup",
            target.display()
        )));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        private_files::create_dir(dir).map_err(io("creating", dir))?;
    }
    // Copy beside the target, then rename: a crash leaves either the old or the new database.
    let mut staging = target.as_os_str().to_owned();
    staging.push(".restoring");
    let staging = PathBuf::from(staging);
    let _ = std::fs::remove_file(&staging);
    create_empty_private(&staging)?;
    std::fs::copy(file, &staging).map_err(io("copying to", &staging))?;
    std::fs::File::open(&staging)
        .and_then(|f| f.sync_all())
        .map_err(io("syncing", &staging))?;
    // The old database's WAL must not be replayed onto the restored file.
    for companion in &private_files::sqlite_files(&target)[1..] {
        match std::fs::remove_file(companion) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io("removing", companion)(e)),
        }
    }
    std::fs::rename(&staging, &target).map_err(io("renaming", &target))?;
    // `fs::copy` carries the backup file's mode over; the database is owner-only whatever it was.
    private_files::prepare_sqlite_file(&target).map_err(io("restricting", &target))?;
    Ok(Copy {
        file: target,
        ..checked
    })
}

/// Opens `file` read-only, runs `PRAGMA integrity_check` and counts each table's rows.
///
/// # Errors
/// [`StoreError::Config`] for a file that is not a sound SQLite database.
pub async fn check(file: &Path) -> Result<Copy, StoreError> {
    let bytes = std::fs::metadata(file).map_err(io("reading", file))?.len();
    let mut conn = connect(file, true).await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await?;
    if verdict != "ok" {
        return Err(StoreError::Config(format!(
            "{} failed its integrity check: {verdict}",
            file.display()
        )));
    }
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await?;
    let mut tables = BTreeMap::new();
    for name in names {
        let sql = format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\""));
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut conn)
            .await?;
        tables.insert(name, rows);
    }
    conn.close().await?;
    if tables.is_empty() {
        return Err(StoreError::Config(format!(
            "{} holds no tables: not a trainload database",
            file.display()
        )));
    }
    Ok(Copy {
        file: file.to_path_buf(),
        bytes,
        tables,
    })
}

async fn connect(file: &Path, read_only: bool) -> Result<SqliteConnection, StoreError> {
    Ok(SqliteConnectOptions::new()
        .filename(file)
        .read_only(read_only)
        .busy_timeout(std::time::Duration::from_secs(10))
        .connect()
        .await?)
}

fn create_empty_private(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(private_files::FILE_MODE);
    }
    options.open(path).map(drop).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            StoreError::Config(format!("{} already exists", path.display()))
        } else {
            io("creating", path)(e)
        }
    })
}

fn io<'a>(what: &'static str, path: &'a Path) -> impl Fn(std::io::Error) -> StoreError + 'a {
    move |e| StoreError::Config(format!("{what} {}: {e}", path.display()))
}
