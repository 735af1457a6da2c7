//! SQLite allows one scheduling process (docs/scheduler.md §9): `serve` and `worker` hold an
//! exclusive lock on `<db>.lock` for their lifetime, so a second one refuses to start. The
//! operating system drops the lock when the process dies, even after `kill -9`.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, bail};
use sqlx::sqlite::SqliteConnectOptions;

/// A held lock; released on drop.
#[derive(Debug)]
pub struct DatabaseLock {
    /// Kept open: closing the file releases the lock.
    _file: File,
    path: PathBuf,
}

impl DatabaseLock {
    /// Locks the SQLite database behind `database_url`; `None` for PostgreSQL (any number of
    /// processes) and in-memory databases.
    ///
    /// # Errors
    /// Another process holds the lock, or the lock file cannot be created.
    pub fn acquire(database_url: &str) -> anyhow::Result<Option<Self>> {
        if !database_url.starts_with("sqlite:") {
            return Ok(None);
        }
        let options = SqliteConnectOptions::from_str(database_url)
            .context("parsing the SQLite database URL")?;
        let db_file = options.get_filename();
        if db_file.as_os_str().is_empty() || db_file.as_os_str() == ":memory:" {
            return Ok(None);
        }
        let path = lock_path(db_file);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::store::private_files::create_dir(dir)
                .with_context(|| format!("creating the directory {}", dir.display()))?;
        }
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(crate::store::private_files::FILE_MODE);
        }
        let mut file = options
            .open(&path)
            .with_context(|| format!("opening the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => bail!(
                "another trainload serve or worker is already running on {} (lock file {}); \
                 SQLite allows one scheduling process, use PostgreSQL for several",
                db_file.display(),
                path.display()
            ),
            Err(TryLockError::Error(error)) => {
                return Err(error).with_context(|| format!("locking {}", path.display()));
            }
        }
        // The pid is informative only; the lock is what counts.
        let _ = file.set_len(0);
        let _ = writeln!(file, "{}", std::process::id());
        Ok(Some(Self { _file: file, path }))
    }

    /// Where the lock file is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// `<db>.lock` beside the database file.
fn lock_path(db_file: &Path) -> PathBuf {
    let mut name = db_file.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}
