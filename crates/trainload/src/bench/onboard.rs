//! `bench onboard`: onboarding (the `days`-day backfill) of every simulated athlete, `workers`
//! at a time.

use std::time::Instant;

use anyhow::Context;
use serde_json::json;

use super::db::BenchDb;
use super::world::{SimPlacement, World};
use super::{for_each_concurrent, per_second, proc_stats, round2};
use crate::sync::{self, SyncReport};

/// Arguments of `bench onboard`.
#[derive(Debug, Clone, clap::Args)]
pub struct OnboardArgs {
    /// Simulated athletes to onboard.
    #[arg(long, default_value_t = 100)]
    pub athletes: usize,
    /// Days of history each onboarding imports.
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// Onboardings in flight at once.
    #[arg(long, default_value_t = 8)]
    pub workers: usize,
    /// PostgreSQL admin URL: the benchmark creates and drops its own database there
    /// [default: a SQLite file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Where the simulator runs.
    #[command(flatten)]
    pub sim: SimPlacement,
}

/// Runs the scenario and returns its JSON line.
///
/// # Errors
/// Setup failures, or an onboarding that failed as a whole.
pub async fn run(args: &OnboardArgs) -> anyhow::Result<serde_json::Value> {
    let db = BenchDb::create(args.database_url.as_deref()).await?;
    let result = measure(args, &db).await;
    db.remove().await;
    result
}

async fn measure(args: &OnboardArgs, db: &BenchDb) -> anyhow::Result<serde_json::Value> {
    let world = World::start(args.athletes, args.days.saturating_add(5), args.sim).await?;
    let store = db.store().await?;
    let ctx = world.context(&store)?;
    let users = world.connect_all(&store).await?;
    let strava_before = world.strava_calls().await?;
    let sim_before = world.sim_usage();
    let reset = proc_stats::reset_peak_rss();
    let (cpu_before, started) = (proc_stats::cpu_seconds(), Instant::now());
    let days = args.days;
    let reports: Vec<SyncReport> = for_each_concurrent(users.len(), args.workers, move |i| {
        let (ctx, user) = (ctx.clone(), users[i]);
        async move {
            sync::onboard(&ctx, user, days, &|_| {})
                .await
                .with_context(|| format!("onboarding user {}", user.0))
        }
    })
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu = proc_stats::cpu_seconds() - cpu_before;
    let sim_fields = world.sim_fields(sim_before);
    let strava_calls = world.strava_calls().await? - strava_before;
    store.close().await;
    let new: u64 = reports.iter().map(|r| u64::from(r.new_activities)).sum();
    let reported_strava: u64 = reports
        .iter()
        .filter_map(|r| r.api_calls.get("strava"))
        .map(|c| u64::from(*c))
        .sum();
    let errors: usize = reports.iter().map(|r| r.errors.len()).sum();
    let new_f = new.max(1) as f64;
    let mut line = json!({
        "scenario": "onboard", "engine": db.engine(), "athletes": args.athletes,
        "days": args.days, "workers": args.workers,
        "wall_s": round2(seconds),
        "athletes_per_s": per_second(args.athletes as f64, seconds),
        "new_activities": new,
        "activities_per_s": per_second(new as f64, seconds),
        "streams_fetched": reports.iter().map(|r| u64::from(r.streams_fetched)).sum::<u64>(),
        "wellness_days": reports.iter().map(|r| u64::from(r.wellness_days)).sum::<u64>(),
        "sync_errors": errors,
        "first_error": reports.iter().flat_map(|r| r.errors.iter()).next()
            .and_then(|e| serde_json::to_value(e).ok()),
        "strava_calls_served": strava_calls,
        "strava_calls_reported": reported_strava,
        "strava_calls_per_new_activity": round2(strava_calls as f64 / new_f),
        "cpu_s": round2(cpu),
        "cpu_ms_per_activity": round2(cpu * 1000.0 / new_f),
        "peak_rss_mib": proc_stats::peak_rss_mib(),
        "peak_rss_is_phase_only": reset,
    });
    super::extend(&mut line, sim_fields);
    Ok(line)
}
