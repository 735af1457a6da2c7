//! The command line: one subcommand per file in this folder.

pub mod analyze;

use clap::{Parser, Subcommand};

/// TrainingLoad: one honest training-load number per session, kept fresh automatically.
#[derive(Debug, Parser)]
#[command(name = "trainload", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and metrics of FIT, TCX and GPX files, printed as one JSON array.
    Analyze(analyze::AnalyzeArgs),
}
