//! `trainload worker`: the tick loop and the worker slots without HTTP.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{ProviderArgs, StoreArgs};
use crate::startup::test_clock::FileClock;

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
    /// Hidden, test-only knobs for driving a real process.
    #[command(flatten)]
    pub test: TestOnlyArgs,
}

/// Hidden options for tests that run real `trainload worker` processes (tests/app/multiproc): they
/// make time controllable and leases short. Not shown in `--help`, not read from the
/// environment, and not meant for production.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TestOnlyArgs {
    /// TEST ONLY: read "now" (epoch ms) from this file at every clock reading instead of the
    /// system clock; the test moves time by rewriting the file.
    #[arg(long, hide = true, value_name = "PATH")]
    pub test_clock_file: Option<PathBuf>,
    /// TEST ONLY: task lease length in ms (default 60,000).
    #[arg(long, hide = true, value_name = "MS")]
    pub test_lease_ms: Option<i64>,
    /// TEST ONLY: period of the tick loop in ms (default 5,000).
    #[arg(long, hide = true, value_name = "MS")]
    pub test_tick_ms: Option<u64>,
}

/// Runs until SIGTERM or SIGINT.
///
/// # Errors
/// Invalid settings, a second scheduling process on a SQLite file, or a failed start.
pub async fn run(args: WorkerArgs) -> anyhow::Result<ExitCode> {
    crate::telemetry::init();
    let mut settings = args.scheduler.settings(args.store.clone())?;
    settings.listen = None;
    if let Some(path) = args.test.test_clock_file {
        tracing::warn!(path = %path.display(), "TEST ONLY: the clock is read from a file");
        settings.clock = Arc::new(FileClock::open(path)?);
    }
    if let Some(lease_ms) = args.test.test_lease_ms {
        anyhow::ensure!(lease_ms > 0, "--test-lease-ms must be positive");
        settings.lease_ms = lease_ms;
    }
    if let Some(tick_ms) = args.test.test_tick_ms {
        settings.tick_interval = Duration::from_millis(tick_ms.max(1));
    }
    super::serve::start(settings, args.providers).await
}
