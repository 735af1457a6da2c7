//! `trainload worker`: the tick loop and the worker slots without HTTP.

use std::process::ExitCode;

use crate::config::{ProviderArgs, StoreArgs};

/// Arguments of `trainload worker`.
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// Scheduler settings.
    #[command(flatten)]
    pub scheduler: super::serve::SchedulerArgs,
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Provider endpoints and credentials.
    #[command(flatten)]
    pub providers: ProviderArgs,
}

/// Runs until SIGTERM or SIGINT.
///
/// # Errors
/// Invalid settings, a second scheduling process on a SQLite file, or a failed start.
pub async fn run(args: WorkerArgs) -> anyhow::Result<ExitCode> {
    crate::telemetry::init();
    let mut settings = args.scheduler.settings(args.store.clone())?;
    settings.listen = None;
    super::serve::start(settings, args.providers).await
}
