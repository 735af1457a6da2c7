//! `trainload bench …` (hidden): the end-to-end benchmarks of [`crate::bench`], one JSON line
//! of results per scenario on stdout.

use std::process::ExitCode;

use crate::bench::{api, athlete_api, freshness, onboard, pages, quick_sync, scheduler, wake};

/// Arguments of `trainload bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// The scenario.
    #[command(subcommand)]
    pub scenario: Scenario,
}

/// The benchmark scenarios.
#[derive(Debug, clap::Subcommand)]
pub enum Scenario {
    /// Onboard simulated athletes: athletes/s, Strava calls and CPU per activity, peak RSS.
    Onboard(onboard::OnboardArgs),
    /// One `quick_sync` run of every athlete through the scheduler, end to end.
    QuickSync(quick_sync::QuickSyncArgs),
    /// Scheduling overhead: no-op tasks claimed and completed per second.
    Scheduler(scheduler::SchedulerArgs),
    /// How long a task added to idle workers waits before it starts.
    Wake(wake::WakeArgs),
    /// API latency idle versus during a large `quick_sync` run.
    ApiLatency(api::ApiArgs),
    /// Server time of the dashboard pages for one athlete with years of data.
    Pages(pages::PagesArgs),
    /// Latency of every `/api/v1/me` endpoint for one athlete with years of history.
    AthleteApi(athlete_api::AthleteApiArgs),
    /// Upload-to-load delay and Strava reads, polling versus webhooks, over simulated days.
    Freshness(freshness::FreshnessArgs),
    /// One worker process of `bench scheduler --processes N` (internal).
    #[command(hide = true)]
    SchedulerWorker(scheduler::WorkerProcessArgs),
}

/// Runs the scenario and prints its JSON line; worker processes print nothing.
///
/// # Errors
/// Any failure of the scenario.
pub async fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let result = match &args.scenario {
        Scenario::Onboard(a) => onboard::run(a).await?,
        Scenario::QuickSync(a) => quick_sync::run(a).await?,
        Scenario::Scheduler(a) => scheduler::run(a).await?,
        Scenario::Wake(a) => wake::run(a).await?,
        Scenario::ApiLatency(a) => api::run(a).await?,
        Scenario::Pages(a) => pages::run(a).await?,
        Scenario::AthleteApi(a) => athlete_api::run(a).await?,
        Scenario::Freshness(a) => freshness::run(a).await?,
        Scenario::SchedulerWorker(a) => {
            scheduler::worker_process(a).await?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    crate::bench::print_result(&result);
    Ok(ExitCode::SUCCESS)
}
