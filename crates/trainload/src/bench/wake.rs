//! `bench wake`: how long a task added while the workers are idle waits before it starts. One
//! worker loop set in this process, idle between runs; each run is a one-task run of the no-op
//! job, and the wait is the task's first start less the run's creation (both stamped by the
//! database's clock reader, in ms). With wake-ups (LISTEN/NOTIFY on PostgreSQL, in memory on
//! SQLite) it is a few milliseconds; a dispatcher that only polled would wait up to its poll
//! interval, half of it on average.

use std::time::Duration;

use anyhow::Context;
use serde_json::json;

use super::db::BenchDb;
use super::scheduler::{self, NoopJob};

/// Arguments of `bench wake`.
#[derive(Debug, Clone, clap::Args)]
pub struct WakeArgs {
    /// One-task runs started one after the other.
    #[arg(long, default_value_t = 50)]
    pub runs: usize,
    /// The workers' poll interval when no wake-up comes, ms.
    #[arg(long, default_value_t = 1_000)]
    pub idle_poll_ms: u64,
    /// PostgreSQL admin URL [default: a SQLite file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Runs the scenario and returns its JSON line.
///
/// # Errors
/// Setup failures, or a run that does not finish.
pub async fn run(args: &WakeArgs) -> anyhow::Result<serde_json::Value> {
    let db = BenchDb::create(args.database_url.as_deref()).await?;
    let result = measure(args, &db).await;
    db.remove().await;
    result
}

async fn measure(args: &WakeArgs, db: &BenchDb) -> anyhow::Result<serde_json::Value> {
    let store = db.store().await?;
    let queue_db = store.queue_db();
    queue_db
        .migrate()
        .await
        .context("migrating the queue tables")?;
    let config = queue::SchedulerConfig {
        idle_poll_ms: args.idle_poll_ms,
        ..queue::SchedulerConfig::new(jiff::tz::TimeZone::UTC, "bench-wake")
    };
    let workers = queue::Scheduler::new(
        queue_db,
        std::sync::Arc::new(queue::SystemClock),
        config,
        vec![NoopJob::job(1)?],
    );
    workers.register_jobs().await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let loops = {
        let workers = workers.clone();
        tokio::spawn(async move {
            workers
                .run_workers(4, stopped, Duration::from_secs(5))
                .await
        })
    };
    let mut waits = Vec::with_capacity(args.runs);
    for i in 0..args.runs {
        // Idle workers: their last claim found nothing. The pause varies so that runs do not
        // fall in step with a poll.
        tokio::time::sleep(Duration::from_millis(150 + (i as u64 * 37) % 200)).await;
        let run_id = scheduler::start_run(&workers, "bench_noop").await?;
        scheduler::wait_for_run(&workers, run_id, Duration::from_secs(60)).await?;
        let detail = workers.run_detail(run_id, true).await?;
        let started = detail
            .tasks
            .first()
            .and_then(|t| t.first_started_at_ms)
            .context("the run's task never started")?;
        let wait_ms = u64::try_from(started - detail.run.created_at_ms).unwrap_or(0);
        waits.push(Duration::from_millis(wait_ms));
    }
    let _ = stop.send(true);
    loops.await.context("the worker loops stopped abnormally")?;
    store.close().await;
    let quantile = |q| super::http_get::quantile_ms(&mut waits.clone(), q);
    Ok(json!({
        "scenario": "wake", "engine": db.engine(), "runs": args.runs,
        "idle_poll_ms": args.idle_poll_ms,
        "start_wait_p50_ms": quantile(0.5), "start_wait_p90_ms": quantile(0.9),
        "start_wait_max_ms": quantile(1.0),
    }))
}
