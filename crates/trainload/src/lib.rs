//! TrainingLoad: the application crate. The binary in `main.rs` only parses and reports;
//! everything else lives here so tests can drive it.

pub mod activity_file;
pub mod analysis;
pub mod bench;
pub mod cli;
pub mod config;
pub mod demo;
pub mod http;
pub mod jobs;
pub mod live;
pub mod planner;
pub mod push;
pub mod read;
pub mod shutdown;
pub mod startup;
pub mod store;
pub mod subscription;
pub mod sync;
pub mod telemetry;
pub mod units;
pub mod web;

use std::process::ExitCode;

/// Runs one parsed command line and returns the process exit status.
///
/// # Errors
/// Any failure that stops the command as a whole (per-file failures of `analyze` are reported in
/// its output instead).
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        cli::Command::Analyze(args) => cli::analyze::run(&args),
        cli::Command::Sim(args) => block_on(cli::sim::run(args)),
        cli::Command::Migrate(args) => block_on(cli::migrate::run(&args)),
        cli::Command::Backup(args) => block_on(cli::backup::run_backup(&args)),
        cli::Command::Restore(args) => block_on(cli::backup::run_restore(&args)),
        cli::Command::Users(args) => block_on(cli::users::run(&args)),
        cli::Command::Serve(args) => block_on(cli::serve::run(args)),
        cli::Command::Worker(args) => block_on(cli::worker::run(args)),
        cli::Command::Jobs(args) => block_on(cli::jobs::run_jobs(&args)),
        cli::Command::Runs(args) => block_on(cli::jobs::run_runs(&args)),
        cli::Command::Sync(args) => block_on(cli::sync::run(*args)),
        cli::Command::Webhooks(args) => block_on(cli::webhooks::run(*args)),
        cli::Command::Demo(args) => block_on(cli::demo::run(args)),
        cli::Command::Bench(args) => block_on(cli::bench::run(args)),
    }
}

/// Runs an async command on a multi-threaded runtime (`analyze` stays synchronous).
fn block_on(
    command: impl std::future::Future<Output = anyhow::Result<ExitCode>>,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(command)
}
