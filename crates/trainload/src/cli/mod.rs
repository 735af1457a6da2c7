//! The command line: one subcommand per file in this folder.

pub mod analyze;
pub mod sim;

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
    /// Serve a simulated Strava and Intervals.icu (no accounts or network needed).
    Sim(sim::SimArgs),
}
