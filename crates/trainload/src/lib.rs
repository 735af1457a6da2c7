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
    }
}
