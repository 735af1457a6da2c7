//! `trainload backup FILE` and `trainload restore FILE`: a consistent copy of a live SQLite
//! database, and putting one back while nothing runs on it. PostgreSQL: `pg_dump` and
//! `pg_restore`, as the README describes; both commands say so instead of guessing.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::json;

use crate::config::{StoreArgs, redact_url};
use crate::startup::lock::DatabaseLock;
use crate::store::secrets::KEY_FILE_NAME;
use crate::store::{Store, backup, integrations, users};

const POSTGRES_HELP: &str = "this database is PostgreSQL: back it up with \
     `pg_dump --format=custom --file=trainload.dump \"$TRAINLOAD_DATABASE_URL\"` and restore it \
     into an empty database with `pg_restore --no-owner --dbname=\"$TRAINLOAD_DATABASE_URL\" \
     trainload.dump` (see the README); keep a copy of the secret key (TRAINLOAD_SECRET_KEY or \
     secret.key), apart from the dump: the tokens inside open only with it";

/// Arguments of `trainload backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The new backup file (must not exist).
    pub file: PathBuf,
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Arguments of `trainload restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A file written by `trainload backup`.
    pub file: PathBuf,
    /// Overwrite an existing database.
    #[arg(long)]
    pub replace: bool,
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Writes the backup and prints `{backup, bytes, tables, secret_key}`.
///
/// # Errors
/// A PostgreSQL URL, an existing target, or a failed copy.
pub async fn run_backup(args: &BackupArgs) -> anyhow::Result<ExitCode> {
    let url = args.store.database_url();
    if !url.starts_with("sqlite:") {
        bail!("{POSTGRES_HELP}");
    }
    let copy = backup::backup(&url, &args.file)
        .await
        .with_context(|| format!("backing up {}", redact_url(&url)))?;
    print(&json!({
        "backup": copy.file,
        "bytes": copy.bytes,
        "tables": copy.tables,
        "secret_key": key_note(&args.store),
    }))
}

/// Puts the backup in place (under the process lock), applies any newer migrations, and checks
/// that the secret key opens the restored tokens.
///
/// # Errors
/// A PostgreSQL URL, a running server, a damaged backup, an existing database without
/// `--replace`, or no secret key to open the restored data with.
pub async fn run_restore(args: &RestoreArgs) -> anyhow::Result<ExitCode> {
    let url = args.store.database_url();
    if !url.starts_with("sqlite:") {
        bail!("{POSTGRES_HELP}");
    }
    let key_file = args.store.data_dir.join(KEY_FILE_NAME);
    if args.store.secret_key.is_none() && !key_file.exists() {
        // Without it a new key would be generated and the restored tokens would never open.
        bail!(
            "no secret key: copy the backed-up data directory's {KEY_FILE_NAME} to {} or set \
             TRAINLOAD_SECRET_KEY before restoring",
            key_file.display()
        );
    }
    let lock = DatabaseLock::acquire(&url)?;
    let copy = backup::restore(&args.file, &url, args.replace)
        .await
        .with_context(|| format!("restoring {}", args.file.display()))?;
    let store = args.store.open().await?;
    let keys_open = secrets_open(&store).await;
    store.close().await;
    drop(lock);
    print(&json!({
        "restored": copy.file,
        "from": args.file,
        "tables": copy.tables,
        "secret_key_opens_tokens": keys_open,
    }))?;
    if keys_open == Some(false) {
        eprintln!(
            "warning: the secret key does not open the restored tokens; use the key of the \
             data directory the backup came from"
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether the key opens the first stored connection's tokens; `None` with no connections.
async fn secrets_open(store: &Store) -> Option<bool> {
    for user in users::list(store).await.ok()? {
        let connections = integrations::list_for_user(store, user.id).await.ok()?;
        if let Some(first) = connections.first() {
            return Some(integrations::tokens(store, first.id).await.is_ok());
        }
    }
    None
}

/// Where the key that opens the backup's tokens is: it is not in the backup.
fn key_note(store: &StoreArgs) -> String {
    if store.secret_key.is_some() {
        "not in the backup: tokens inside open only with the current TRAINLOAD_SECRET_KEY; keep it apart".to_owned()
    } else {
        format!(
            "not in the backup: tokens inside open only with {}; keep a copy of it apart",
            store.data_dir.join(KEY_FILE_NAME).display()
        )
    }
}

fn print(value: &serde_json::Value) -> anyhow::Result<ExitCode> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).context("printing the report")?
    );
    Ok(ExitCode::SUCCESS)
}
