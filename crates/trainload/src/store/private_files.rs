//! The data directory and the SQLite files hold health data, so only their owner may read them:
//! directories this process creates are 0700 and the database files 0600. SQLite gives its
//! `-wal` and `-shm` files the mode of the database file, so creating that file 0600 before the
//! first connection covers them too; files left by an older version are narrowed on open.

use std::path::{Path, PathBuf};

/// Mode of a directory this process creates.
pub const DIR_MODE: u32 = 0o700;
/// Mode of a database, lock or key file.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` and any missing parents with [`DIR_MODE`]. An existing directory is left as
/// the operator made it.
///
/// # Errors
/// The directory cannot be created.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder.create(dir)
}

/// Creates the empty database file `file` with [`FILE_MODE`] unless it exists, and narrows the
/// mode of the database and its `-wal`/`-shm` companions that already exist.
///
/// # Errors
/// A file cannot be created or its mode changed.
pub fn prepare_sqlite_file(file: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    match options.open(file) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    for path in sqlite_files(file) {
        restrict(&path)?;
    }
    Ok(())
}

/// The database file and its `-wal` and `-shm` companions.
pub fn sqlite_files(file: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [file.to_path_buf(), with("-wal"), with("-shm")]
}

/// Sets [`FILE_MODE`] on `path` if it exists.
fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::metadata(path) {
            Ok(meta) if meta.permissions().mode() & 0o777 != FILE_MODE => {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(FILE_MODE))?;
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
