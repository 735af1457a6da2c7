//! `bench scheduler`: the queue's own overhead — one manual run of a no-op job fanned out to
//! `tasks` users, claimed and completed by worker loops in this process or by worker processes
//! (`bench scheduler-worker`, this same executable) sharing the database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use jiff::SignedDuration;
use queue::{
    BoxFuture, FanOutRequest, Job, ManualRun, ManualRunRequest, Overlap, PlannedTask, Policy,
    RunRow, Scheduler, SchedulerConfig, SystemClock, TaskContext, TaskError, TaskReport, Trigger,
};
use serde_json::json;

use super::db::BenchDb;
use super::{per_second, round2};

/// Arguments of `bench scheduler`.
#[derive(Debug, Clone, clap::Args)]
pub struct SchedulerArgs {
    /// Tasks in the run (one per synthetic user).
    #[arg(long, default_value_t = 2000)]
    pub tasks: usize,
    /// Worker loops per process.
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// Worker processes (0: the loops run in this process).
    #[arg(long, default_value_t = 0)]
    pub processes: usize,
    /// PostgreSQL admin URL [default: a SQLite file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Arguments of the hidden `bench scheduler-worker` (one worker process).
#[derive(Debug, Clone, clap::Args)]
pub struct WorkerProcessArgs {
    /// The benchmark database (not an admin URL).
    #[arg(long)]
    pub url: String,
    /// The run to work on until it ends.
    #[arg(long)]
    pub run_id: i64,
    /// Worker loops.
    #[arg(long)]
    pub workers: usize,
}

/// A job whose tasks do nothing, so only the queue's work is measured.
#[derive(Debug)]
pub struct NoopJob {
    trigger: Trigger,
    tasks: usize,
}

impl NoopJob {
    /// The no-op job fanning out to users `1..=tasks`.
    ///
    /// # Errors
    /// Never in practice: the trigger is a constant.
    pub fn job(tasks: usize) -> anyhow::Result<Arc<dyn Job>> {
        let anchor = jiff::Timestamp::constant(1_704_067_200, 0);
        let trigger = Trigger::interval(SignedDuration::from_hours(24), anchor)?;
        Ok(Arc::new(Self { trigger, tasks }))
    }
}

impl Job for NoopJob {
    fn id(&self) -> &'static str {
        "bench_noop"
    }
    fn name(&self) -> &'static str {
        "Benchmark no-op"
    }
    fn spec_rev(&self) -> i32 {
        1
    }
    fn trigger(&self) -> Trigger {
        self.trigger.clone()
    }
    fn policy(&self) -> Policy {
        Policy {
            catch_up_window_ms: 0,
            overlap: Overlap::Allow,
            jitter_max_ms: 0,
            max_attempts: 3,
            timeout_ms: 60_000,
        }
    }
    fn fan_out<'a>(
        &'a self,
        _request: &'a FanOutRequest,
    ) -> BoxFuture<'a, Result<Vec<PlannedTask>, String>> {
        let tasks = (1..=self.tasks)
            .map(|user| PlannedTask {
                user_id: i64::try_from(user).unwrap_or(i64::MAX),
                params: serde_json::Value::Null,
            })
            .collect();
        Box::pin(async move { Ok(tasks) })
    }
    fn run_task<'a>(
        &'a self,
        _task: &'a TaskContext,
    ) -> BoxFuture<'a, Result<TaskReport, TaskError>> {
        Box::pin(async { Ok(TaskReport::default()) })
    }
}

/// Runs the scenario and returns its JSON line.
///
/// # Errors
/// Setup failures, a worker process that cannot start, or a run that does not finish.
pub async fn run(args: &SchedulerArgs) -> anyhow::Result<serde_json::Value> {
    let db = BenchDb::create(args.database_url.as_deref()).await?;
    let result = measure(args, &db).await;
    db.remove().await;
    result
}

async fn measure(args: &SchedulerArgs, db: &BenchDb) -> anyhow::Result<serde_json::Value> {
    let store = db.store().await?;
    let scheduler = scheduler_over(&store, args.tasks, "bench-parent").await?;
    let enqueue = Instant::now();
    let run_id = start_run(&scheduler, "bench_noop").await?;
    let enqueue_s = enqueue.elapsed().as_secs_f64();
    let started = Instant::now();
    let row = if args.processes == 0 {
        work_until_done(&scheduler, run_id, args.workers).await?
    } else {
        let exe = std::env::current_exe().context("finding this executable")?;
        let mut children = Vec::new();
        for _ in 0..args.processes {
            let child = std::process::Command::new(&exe)
                .args(["bench", "scheduler-worker", "--url", &db.url])
                .args(["--run-id", &run_id.to_string()])
                .args(["--workers", &args.workers.to_string()])
                .spawn()
                .context("starting a worker process")?;
            children.push(child);
        }
        let row = wait_for_run(&scheduler, run_id, Duration::from_secs(3600)).await;
        let failed = row.is_err();
        tokio::task::spawn_blocking(move || {
            for mut child in children {
                if failed {
                    let _ = child.kill();
                }
                let _ = child.wait();
            }
        })
        .await?;
        row?
    };
    let seconds = started.elapsed().as_secs_f64();
    store.close().await;
    Ok(json!({
        "scenario": "scheduler", "engine": db.engine(), "tasks": args.tasks,
        "processes": args.processes, "workers_per_process": args.workers,
        "run_state": row.state, "tasks_succeeded": row.tasks_succeeded,
        "enqueue_s": round2(enqueue_s),
        "tasks_enqueued_per_s": per_second(args.tasks as f64, enqueue_s),
        "work_s": round2(seconds),
        "tasks_completed_per_s": per_second(f64::from(row.tasks_succeeded), seconds),
    }))
}

/// The hidden worker process: works on `run_id` until it ends.
///
/// # Errors
/// The database cannot be opened, or the run does not end within an hour.
pub async fn worker_process(args: &WorkerProcessArgs) -> anyhow::Result<serde_json::Value> {
    let key = crate::store::SecretKey::generate().context("generating a key")?;
    let store = crate::store::Store::connect(&args.url, &key).await?;
    let node = format!("bench-worker-{}", std::process::id());
    let scheduler = scheduler_over(&store, 0, &node).await?;
    let row = work_until_done(&scheduler, args.run_id, args.workers).await?;
    store.close().await;
    Ok(json!({ "worker_process": std::process::id(), "run_state": row.state }))
}

async fn scheduler_over(
    store: &crate::store::Store,
    tasks: usize,
    node: &str,
) -> anyhow::Result<Scheduler> {
    let db = store.queue_db();
    db.migrate().await.context("migrating the queue tables")?;
    let config = SchedulerConfig::new(jiff::tz::TimeZone::UTC, node);
    let scheduler = Scheduler::new(
        db,
        Arc::new(SystemClock),
        config,
        vec![NoopJob::job(tasks)?],
    );
    scheduler.register_jobs().await?;
    Ok(scheduler)
}

/// Starts a manual run of `job_id` and returns its id.
///
/// # Errors
/// A database error, or a run that was not created.
pub async fn start_run(scheduler: &Scheduler, job_id: &str) -> anyhow::Result<i64> {
    let request = ManualRunRequest {
        actor: "cli:bench".to_owned(),
        ..ManualRunRequest::default()
    };
    match scheduler.start_manual_run(job_id, &request).await? {
        ManualRun::Created(id) => Ok(id),
        other => anyhow::bail!("the benchmark run was not created: {other:?}"),
    }
}

/// Runs `workers` worker loops of `scheduler` until run `run_id` has ended.
///
/// # Errors
/// A database error, or a run still live after an hour.
pub async fn work_until_done(
    scheduler: &Scheduler,
    run_id: i64,
    workers: usize,
) -> anyhow::Result<RunRow> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let loops = {
        let scheduler = scheduler.clone();
        tokio::spawn(async move {
            scheduler
                .run_workers(workers, stopped, Duration::from_secs(5))
                .await;
        })
    };
    let row = wait_for_run(scheduler, run_id, Duration::from_secs(3600)).await;
    let _ = stop.send(true);
    loops.await.context("the worker loops stopped abnormally")?;
    row
}

/// Polls run `run_id` every 20 ms until it is no longer pending or running.
///
/// # Errors
/// A database error, or `limit` passed first.
pub async fn wait_for_run(
    scheduler: &Scheduler,
    run_id: i64,
    limit: Duration,
) -> anyhow::Result<RunRow> {
    let deadline = Instant::now() + limit;
    loop {
        let row = scheduler.run(run_id).await?;
        if !row.state.is_live() {
            return Ok(row);
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "run {run_id} still {}",
            row.state
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
