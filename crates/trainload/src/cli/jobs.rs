//! `trainload jobs …` and `trainload runs …` (docs/scheduler.md §7.3): the scheduler's admin
//! operations straight on the database, so they work without a running server.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use queue::{
    Clock, ManualRun, ManualRunRequest, QueueError, RunState, Scheduler, SchedulerConfig,
    SystemClock,
};
use serde::Serialize;
use serde_json::json;

use crate::config::{ProviderArgs, StoreArgs};
use crate::jobs::{view, wait};

/// Exit codes of `jobs run` (and of an unknown job or run elsewhere).
pub mod exit {
    /// The run succeeded (or was started, without `--wait`).
    pub const SUCCEEDED: u8 = 0;
    /// Failed or cancelled.
    pub const FAILED: u8 = 1;
    /// Some tasks failed.
    pub const PARTIAL: u8 = 2;
    /// Unknown job or run, or a live run blocked it.
    pub const REFUSED: u8 = 3;
    /// `--timeout` passed before the run was final.
    pub const TIMEOUT: u8 = 4;
}

/// Where the data lives and what the jobs need.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// IANA time zone of the calendar jobs (as given to `serve`).
    #[arg(
        long,
        env = "TRAINLOAD_TIME_ZONE",
        default_value = "UTC",
        value_name = "ZONE",
        global = true
    )]
    pub time_zone: String,
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Provider endpoints and credentials (for running tasks in process).
    #[command(flatten)]
    pub providers: ProviderArgs,
}

/// Arguments of `trainload jobs`.
#[derive(Debug, clap::Args)]
pub struct JobsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: JobsCommand,
    /// Settings.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The `jobs` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum JobsCommand {
    /// The jobs with their next fires and newest runs.
    List {
        /// Print JSON (the `GET /scheduler/jobs` shape).
        #[arg(long)]
        json: bool,
    },
    /// Start a run now without moving the schedule.
    Run {
        /// Job id.
        id: String,
        /// Wait until the run is final (executing its tasks here if no worker is live).
        #[arg(long)]
        wait: bool,
        /// Longest wait, seconds.
        #[arg(long, default_value_t = 300, value_name = "S")]
        timeout: u64,
        /// Repeats with the same key return the same run.
        #[arg(long, value_name = "KEY")]
        idempotency_key: Option<String>,
        /// Start even while a run of the job is live (per-user dedupe still applies).
        #[arg(long)]
        allow_overlap: bool,
        /// Concurrent tasks when executing here.
        #[arg(long, default_value_t = 4, value_name = "N")]
        workers: usize,
    },
    /// Pause a job: its occurrences are recorded as skipped.
    Pause {
        /// Job id.
        id: String,
        /// Why (required).
        #[arg(long)]
        reason: String,
    },
    /// Resume a job from its next occurrence after now.
    Resume {
        /// Job id.
        id: String,
    },
}

/// Arguments of `trainload runs`.
#[derive(Debug, clap::Args)]
pub struct RunsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: RunsCommand,
    /// Settings.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The `runs` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum RunsCommand {
    /// Runs, newest first, as a table (or JSON with --json).
    List {
        /// Only this job's runs.
        #[arg(long)]
        job: Option<String>,
        /// How many, 1 to 500 (as `GET /scheduler/runs`).
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=500))]
        limit: i64,
        /// Print JSON (a list of `GET /scheduler/runs` items) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// One run with its tasks (or JSON with --json).
    Show {
        /// Run id.
        id: i64,
        /// All tasks, not only those that did not succeed.
        #[arg(long)]
        all: bool,
        /// Print JSON (the `GET /scheduler/runs/{id}` shape) instead of lines and a table.
        #[arg(long)]
        json: bool,
    },
    /// Put a run's failed and dead tasks back to ready.
    RetryFailed {
        /// Run id.
        id: i64,
    },
}

/// Runs `trainload jobs …`.
///
/// # Errors
/// An unusable store or settings.
pub async fn run_jobs(args: &JobsArgs) -> anyhow::Result<ExitCode> {
    // Starting a run may set up a new database; the other subcommands only look or change
    // what is there.
    let starts_a_run = matches!(args.command, JobsCommand::Run { .. });
    let scheduler = open_scheduler(&args.common, starts_a_run).await?;
    if starts_a_run {
        // A manual run needs the job's schedule row; on a database no server has opened yet,
        // store the definitions that are missing (and nothing else).
        scheduler
            .ensure_jobs()
            .await
            .context("storing the job definitions")?;
    }
    let code = jobs(&args.command, &scheduler).await?;
    Ok(ExitCode::from(code))
}

/// Runs `trainload runs …`.
///
/// # Errors
/// An unusable store or settings.
pub async fn run_runs(args: &RunsArgs) -> anyhow::Result<ExitCode> {
    let scheduler = open_scheduler(&args.common, false).await?;
    let code = runs(&args.command, &scheduler).await?;
    Ok(ExitCode::from(code))
}

/// A scheduler over the store with this build's jobs. It does not register them (that would
/// retire what a newer server stored): registration is the long-running processes' business.
/// Without `create`, a missing SQLite database is an error rather than a new one.
async fn open_scheduler(common: &CommonArgs, create: bool) -> anyhow::Result<Scheduler> {
    let zone = jiff::tz::TimeZone::get(&common.time_zone)
        .with_context(|| format!("unknown IANA time zone {:?}", common.time_zone))?;
    let store = if create {
        common.store.open().await?
    } else {
        super::open_existing_store(&common.store).await?
    };
    let db = store.queue_db();
    db.migrate()
        .await
        .context("migrating the scheduler tables")?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let ctx = common.providers.sync_context(&store, clock.clone())?;
    let node_id = format!("cli-{}", std::process::id());
    let config = SchedulerConfig::new(zone, node_id);
    let jobs = crate::jobs::all(&ctx).context("defining the jobs")?;
    Ok(Scheduler::new(db, clock, config, jobs))
}

/// Executes a `jobs` subcommand on `scheduler`; returns the exit code.
///
/// # Errors
/// Database errors.
pub async fn jobs(command: &JobsCommand, scheduler: &Scheduler) -> anyhow::Result<u8> {
    let result = match command {
        JobsCommand::List { json } => list_jobs(scheduler, *json).await,
        JobsCommand::Run {
            id,
            wait,
            timeout,
            idempotency_key,
            allow_overlap,
            workers,
        } => {
            let request = ManualRunRequest {
                actor: request_actor(),
                idempotency_key: idempotency_key.clone(),
                allow_overlap: *allow_overlap,
                users: None,
                refuse_if_all_deduped: false,
            };
            let wait = wait.then(|| (Duration::from_secs(*timeout), *workers));
            run_job(scheduler, id, &request, wait).await
        }
        JobsCommand::Pause { id, reason } => pause(scheduler, id, reason).await,
        JobsCommand::Resume { id } => resume(scheduler, id).await,
    };
    refused_or(result)
}

/// Executes a `runs` subcommand on `scheduler`; returns the exit code.
///
/// # Errors
/// Database errors.
pub async fn runs(command: &RunsCommand, scheduler: &Scheduler) -> anyhow::Result<u8> {
    let result = match command {
        RunsCommand::List { job, limit, json } => scheduler
            .runs(job.as_deref(), None, None, *limit)
            .await
            .map(|runs| {
                let runs: Vec<_> = runs.iter().map(view::run_view).collect();
                if *json {
                    print(&runs)
                } else {
                    print_text(&super::runs_table::runs_list(&runs))
                }
            }),
        RunsCommand::Show { id, all, json } => {
            scheduler.run_detail(*id, true).await.map(|detail| {
                let detail = view::run_detail_view(&detail, *all);
                if *json {
                    print(&detail)
                } else {
                    print_text(&super::runs_table::run_detail(&detail, *all))
                }
            })
        }
        RunsCommand::RetryFailed { id } => scheduler.retry_failed(*id).await.map(|(requeued, conflicts)| {
            print(&json!({ "requeued": requeued.len(), "task_ids": requeued, "conflicts": conflicts }))
        }),
    };
    refused_or(result)
}

/// Unknown jobs and runs exit 3 with a message; other errors stop the command.
fn refused_or(result: Result<u8, QueueError>) -> anyhow::Result<u8> {
    match result {
        Ok(code) => Ok(code),
        Err(error @ (QueueError::JobNotFound(_) | QueueError::RunNotFound(_))) => {
            eprintln!("error: {error}");
            Ok(exit::REFUSED)
        }
        Err(error) => Err(error.into()),
    }
}

fn request_actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned())
    )
}

async fn list_jobs(scheduler: &Scheduler, as_json: bool) -> Result<u8, QueueError> {
    let overview = view::jobs_overview(scheduler, false).await?;
    if as_json {
        return Ok(print(&overview));
    }
    if overview.jobs.is_empty() {
        println!(
            "No jobs yet: `trainload serve` or `trainload worker` registers them when it starts."
        );
    }
    for job in &overview.jobs {
        let last = job.last_run.as_ref().map_or("-", |r| r.state.as_str());
        let paused = if job.paused { " (paused)" } else { "" };
        let next = job.next_run_time.as_deref().unwrap_or("-");
        println!(
            "{:<20} next {next}{paused}  last {last}  {}",
            job.id, job.trigger
        );
    }
    Ok(exit::SUCCEEDED)
}

async fn pause(scheduler: &Scheduler, id: &str, reason: &str) -> Result<u8, QueueError> {
    scheduler.pause(id, reason, &request_actor()).await?;
    print_job(scheduler, id).await
}

async fn resume(scheduler: &Scheduler, id: &str) -> Result<u8, QueueError> {
    scheduler.resume(id).await?;
    print_job(scheduler, id).await
}

async fn print_job(scheduler: &Scheduler, id: &str) -> Result<u8, QueueError> {
    Ok(print(&view::job(scheduler, id).await?))
}

/// Starts the run and, with `wait`, waits for it (draining here when no worker is live).
async fn run_job(
    scheduler: &Scheduler,
    job_id: &str,
    request: &ManualRunRequest,
    wait: Option<(Duration, usize)>,
) -> Result<u8, QueueError> {
    let run_id = match scheduler.start_manual_run(job_id, request).await? {
        ManualRun::Created(id) | ManualRun::Replayed(id) => id,
        ManualRun::AllDeduped => {
            eprintln!("error: every user of job {job_id} already has a live task");
            return Ok(exit::REFUSED);
        }
        ManualRun::Conflict { live_run_id } => {
            print(&json!({ "live_run_id": live_run_id, "state": "refused" }));
            eprintln!("error: job {job_id} has a live run {live_run_id}");
            return Ok(exit::REFUSED);
        }
    };
    let Some((timeout, workers)) = wait else {
        let run = scheduler.run(run_id).await?;
        return Ok(print(
            &json!({ "run_id": run.id, "job_id": run.job_id, "state": run.state }),
        ));
    };
    let deadline = tokio::time::Instant::now() + timeout;
    if !scheduler.live_worker_exists().await? {
        let owner = format!("{}/cli", scheduler.config().node_id);
        // A drain that outlives the timeout is cut; its leases lapse and are retried.
        let _ = tokio::time::timeout(timeout, scheduler.drain(&owner, workers.max(1))).await;
    }
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    let Some(run) = wait::until_final(scheduler, run_id, left, None).await? else {
        print(
            &json!({ "run_id": run_id, "state": scheduler.run(run_id).await?.state, "timed_out": true }),
        );
        return Ok(exit::TIMEOUT);
    };
    let detail = scheduler.run_detail(run.id, true).await?;
    print(&view::run_detail_view(&detail, false));
    Ok(match run.state {
        RunState::Succeeded => exit::SUCCEEDED,
        RunState::Partial => exit::PARTIAL,
        _ => exit::FAILED,
    })
}

/// Prints text for people as it is; returns exit code 0.
fn print_text(text: &str) -> u8 {
    print!("{text}");
    exit::SUCCEEDED
}

/// Prints `value` as pretty JSON; returns exit code 0.
fn print<T: Serialize>(value: &T) -> u8 {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(error) => eprintln!("error: cannot print the result: {error}"),
    }
    exit::SUCCEEDED
}
