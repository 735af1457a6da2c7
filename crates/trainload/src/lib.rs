//! TrainingLoad: the application crate. The binary in `main.rs` only parses and reports;
//! everything else lives here so tests can drive it.

pub mod activity_file;
pub mod analysis;
pub mod cli;

use std::process::ExitCode;

/// Runs one parsed command line and returns the process exit status.
///
/// # Errors
/// Any failure that stops the command as a whole (per-file failures of `analyze` are reported in
/// its output instead).
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        cli::Command::Analyze(args) => cli::analyze::run(&args),
        cli::Command::Sim(args) => runtime()?.block_on(cli::sim::run(args)),
    }
}

/// The multi-threaded runtime of the commands that serve or talk to databases and providers.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
