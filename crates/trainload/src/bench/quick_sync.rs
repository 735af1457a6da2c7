//! `bench quick-sync`: one manual `quick_sync` run over every connected athlete, end to end
//! through the scheduler (fan-out, claims, leases, the sync pipeline, the run summary).

use std::time::Instant;

use anyhow::Context;
use queue::{Scheduler, SchedulerConfig};
use serde_json::json;

use super::db::BenchDb;
use super::scheduler::{start_run, work_until_done};
use super::world::{SimPlacement, World};
use super::{per_second, proc_stats, round2};

/// Arguments of `bench quick-sync`.
#[derive(Debug, Clone, clap::Args)]
pub struct QuickSyncArgs {
    /// Simulated athletes, all connected before the run.
    #[arg(long, default_value_t = 1000)]
    pub athletes: usize,
    /// Worker loops running the run's tasks.
    #[arg(long, default_value_t = 8)]
    pub workers: usize,
    /// PostgreSQL admin URL [default: a SQLite file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Where the simulator runs.
    #[command(flatten)]
    pub sim: SimPlacement,
}

/// Runs the scenario and returns its JSON line.
///
/// # Errors
/// Setup failures or a run that does not end.
pub async fn run(args: &QuickSyncArgs) -> anyhow::Result<serde_json::Value> {
    let db = BenchDb::create(args.database_url.as_deref()).await?;
    let result = measure(args, &db).await;
    db.remove().await;
    result
}

async fn measure(args: &QuickSyncArgs, db: &BenchDb) -> anyhow::Result<serde_json::Value> {
    let world = World::start(args.athletes, 30, args.sim).await?;
    let store = db.store().await?;
    let ctx = world.context(&store)?;
    let connect = Instant::now();
    world.connect_all(&store).await?;
    let connect_s = connect.elapsed().as_secs_f64();
    let queue_db = store.queue_db();
    queue_db
        .migrate()
        .await
        .context("migrating the queue tables")?;
    let config = SchedulerConfig::new(jiff::tz::TimeZone::UTC, "bench");
    let scheduler = Scheduler::new(
        queue_db,
        world.clock.clone(),
        config,
        crate::jobs::all(&ctx)?,
    );
    scheduler.register_jobs().await?;
    let rss_before_mib = proc_stats::rss_mib();
    let reset = proc_stats::reset_peak_rss();
    let sim_before = world.sim_usage();
    let (cpu_before, started) = (proc_stats::cpu_seconds(), Instant::now());
    let run_id = start_run(&scheduler, "quick_sync").await?;
    let fan_out_s = started.elapsed().as_secs_f64();
    let row = work_until_done(&scheduler, run_id, args.workers).await?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu = proc_stats::cpu_seconds() - cpu_before;
    store.close().await;
    let summary: serde_json::Value = row
        .summary
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let mut line = json!({
        "scenario": "quick-sync", "engine": db.engine(), "athletes": args.athletes,
        "workers": args.workers, "connect_s": round2(connect_s),
        "run_state": row.state, "tasks_total": row.tasks_total,
        "tasks_succeeded": row.tasks_succeeded, "tasks_failed": row.tasks_failed,
        "fan_out_s": round2(fan_out_s),
        "run_wall_s": round2(seconds),
        "athletes_per_s": per_second(f64::from(row.tasks_succeeded), seconds),
        "cpu_s": round2(cpu),
        "cpu_ms_per_athlete": round2(cpu * 1000.0 / args.athletes.max(1) as f64),
        "rss_before_run_mib": rss_before_mib,
        "peak_rss_during_run_mib": proc_stats::peak_rss_mib(),
        "peak_rss_is_run_only": reset,
        "summary": summary,
    });
    super::extend(&mut line, world.sim_fields(sim_before));
    Ok(line)
}
