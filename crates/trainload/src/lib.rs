//! TrainingLoad: the application crate. The binary in `main.rs` only parses and reports;
//! everything else lives here so tests can drive it.

pub mod activity_file;
pub mod analysis;
pub mod cli;
pub mod config;
pub mod store;

use std::process::ExitCode;

/// Runs one parsed command line and returns the process exit status.
///
/// # Errors
/// Any failure that stops the command as a whole (per-file failures of `analyze` are reported in
/// its output instead).
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        cli::Command::Analyze(args) => cli::analyze::run(&args),
        cli::Command::Migrate(args) => block_on(cli::migrate::run(&args)),
        cli::Command::Users(args) => block_on(cli::users::run(&args)),
    }
}

/// Runs a database command on a current-thread runtime (`analyze` stays synchronous).
fn block_on(
    command: impl std::future::Future<Output = anyhow::Result<ExitCode>>,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(command)
}
