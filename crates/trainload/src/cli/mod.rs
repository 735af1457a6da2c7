//! The command line: one subcommand per file in this folder.

pub mod analyze;
mod analyze_text;
pub mod backup;
pub mod bench;
pub mod demo;
pub mod jobs;
pub mod migrate;
pub mod runs_table;
pub mod serve;
pub mod sim;
pub mod sync;
pub mod users;
pub mod webhooks;
pub mod worker;

use std::ffi::OsString;

use clap::{Parser, Subcommand};

use crate::config::StoreArgs;
use crate::store::Store;

/// TrainingLoad: one honest training-load number per session, kept fresh automatically.
#[derive(Debug, Parser)]
#[command(
    name = "trainload",
    version,
    about,
    after_help = "--data-dir, --database-url and --secret-key may come before or after the command."
)]
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
    /// Apply database migrations and exit.
    Migrate(migrate::MigrateArgs),
    /// Write a consistent copy of the live SQLite database to a new file.
    Backup(backup::BackupArgs),
    /// Put a backup in place of the SQLite database (no server may be running on it).
    Restore(backup::RestoreArgs),
    /// Add and list users.
    Users(users::UsersArgs),
    /// Run the HTTP API, the scheduler and the workers.
    Serve(serve::ServeArgs),
    /// Run the scheduler and the workers without HTTP.
    Worker(worker::WorkerArgs),
    /// List, run, pause and resume the scheduled jobs (straight on the database).
    Jobs(jobs::JobsArgs),
    /// List, show and retry runs (straight on the database).
    Runs(jobs::RunsArgs),
    /// Sync one user's activities, wellness, thresholds and loads; prints a summary (or JSON).
    Sync(Box<sync::SyncArgs>),
    /// Manage the Strava push subscription (webhooks): ensure, show, delete.
    Webhooks(Box<webhooks::WebhooksArgs>),
    /// Simulator, onboarded demo athletes and the dashboard on 127.0.0.1:8000; no accounts needed.
    Demo(demo::DemoArgs),
    /// End-to-end benchmarks against an in-process simulator (one JSON line per scenario).
    #[command(hide = true)]
    Bench(bench::BenchArgs),
}

/// The flags every command that opens the database takes, before or after its name.
const STORE_FLAGS: [&str; 3] = ["--data-dir", "--database-url", "--secret-key"];

/// `args` with the store flags given before the subcommand (`trainload --data-dir D jobs list`)
/// moved after it (`trainload jobs list --data-dir D`), where the commands that use them
/// declare them; so they work in either place, and `--help` lists them only where they apply.
pub fn hoist_store_flags(args: Vec<OsString>) -> Vec<OsString> {
    let mut rest = args.into_iter();
    let mut out: Vec<OsString> = rest.next().into_iter().collect();
    let mut hoisted = Vec::new();
    while let Some(arg) = rest.next() {
        let text = arg.to_string_lossy();
        let flag = STORE_FLAGS
            .iter()
            .find(|f| text == **f || text.starts_with(&format!("{f}=")));
        match flag {
            Some(f) if text == *f => {
                hoisted.push(arg);
                hoisted.extend(rest.next());
            }
            Some(_) => hoisted.push(arg),
            None => {
                out.push(arg);
                break;
            }
        }
    }
    let tail: Vec<OsString> = rest.collect();
    let separator = tail.iter().position(|a| a == "--").unwrap_or(tail.len());
    out.extend(tail[..separator].iter().cloned());
    out.extend(hoisted);
    out.extend(tail[separator..].iter().cloned());
    out
}

/// Opens the database of a command that reads or changes what is already there: a missing
/// SQLite file is an error instead of a new, empty database (and no key file is created).
///
/// # Errors
/// No database at the SQLite path; otherwise as [`StoreArgs::open`].
pub async fn open_existing_store(args: &StoreArgs) -> anyhow::Result<Store> {
    if let Some(file) = args.sqlite_file().filter(|file| !file.exists()) {
        anyhow::bail!(
            "there is no database at {} (create one with `trainload migrate` or `trainload users \
             add`, or point --data-dir or --database-url at an existing one)",
            file.display()
        );
    }
    args.open().await
}
