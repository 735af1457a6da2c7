//! `trainload migrate`: apply the embedded migrations and exit.

use std::process::ExitCode;

use anyhow::Context;

use crate::config::{StoreArgs, redact_url};

/// Arguments of `trainload migrate`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Opens the database (which applies pending migrations) and prints `{"migrated": true}`.
///
/// # Errors
/// A bad key or URL, an unreachable database, or a failed migration.
pub async fn run(args: &MigrateArgs) -> anyhow::Result<ExitCode> {
    let store = args.store.open().await?;
    store.close().await;
    let database = redact_url(&args.store.database_url());
    let report = serde_json::json!({ "migrated": true, "database": database });
    println!(
        "{}",
        serde_json::to_string(&report).context("printing the report")?
    );
    Ok(ExitCode::SUCCESS)
}
