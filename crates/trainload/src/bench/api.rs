//! `bench api-latency`: the real HTTP application (API, workers) over the simulator; p50/p99 of
//! a few endpoints while idle, then while a `quick_sync` run of every athlete is in progress.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use serde_json::{Value, json};

use super::db::BenchDb;
use super::http_get::{get, quantile_ms};
use super::round2;
use super::scheduler::{start_run, wait_for_run};
use super::serving::{self, Serving};
use super::world::{SimPlacement, World};
use crate::startup::Application;

/// Arguments of `bench api-latency`.
#[derive(Debug, Clone, clap::Args)]
pub struct ApiArgs {
    /// Simulated athletes in the background run.
    #[arg(long, default_value_t = 1000)]
    pub athletes: usize,
    /// Worker slots of the application.
    #[arg(long, default_value_t = 8)]
    pub workers: usize,
    /// Requests per endpoint and phase.
    #[arg(long, default_value_t = 300)]
    pub samples: usize,
    /// PostgreSQL admin URL [default: a SQLite file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Where the simulator runs.
    #[command(flatten)]
    pub sim: SimPlacement,
}

const TOKEN: &str = "bench-admin-token";

/// The endpoints timed: (label, path, needs the admin token).
const ENDPOINTS: [(&str, &str, bool); 3] = [
    ("health", "/health", false),
    ("scheduler_jobs", "/scheduler/jobs", true),
    ("scheduler_runs", "/scheduler/runs", true),
];

/// Runs the scenario and returns its JSON line.
///
/// # Errors
/// Setup failures, a failing request, or a run that does not end.
pub async fn run(args: &ApiArgs) -> anyhow::Result<Value> {
    let db = BenchDb::create(args.database_url.as_deref()).await?;
    let result = measure(args, &db).await;
    db.remove().await;
    result
}

async fn measure(args: &ApiArgs, db: &BenchDb) -> anyhow::Result<Value> {
    let world = World::start(args.athletes, 30, args.sim).await?;
    let mut settings = serving::settings(db, args.workers);
    settings.admin_token = Some(SecretString::from(TOKEN));
    settings.clock = world.clock.clone();
    let app = Application::build(settings, |store| {
        Ok(crate::jobs::all(&world.context(store)?)?)
    })
    .await?;
    world.connect_all(app.store()).await?;
    let scheduler = app.scheduler().clone();
    let serving = Serving::start(app)?;
    let addr = serving.addr;
    let idle = sample(addr, args.samples, None).await?;
    let sim_before = world.sim_usage();
    let started = Instant::now();
    let run_id = start_run(&scheduler, "quick_sync").await?;
    let busy = sample(addr, args.samples, Some((&scheduler, run_id))).await?;
    let row = wait_for_run(&scheduler, run_id, Duration::from_secs(3600)).await?;
    let run_wall_s = started.elapsed().as_secs_f64();
    serving.stop().await?;
    let mut endpoints = serde_json::Map::new();
    for (i, (label, _, _)) in ENDPOINTS.iter().enumerate() {
        endpoints.insert((*label).to_owned(), compare(&idle[i], &busy[i]));
    }
    let mut line = json!({
        "scenario": "api-latency", "engine": db.engine(), "athletes": args.athletes,
        "workers": args.workers, "samples": args.samples,
        "run_state": row.state, "run_tasks_succeeded": row.tasks_succeeded,
        "run_wall_s": round2(run_wall_s),
        "busy_samples_while_run_live": busy.first().map_or(0, Vec::len),
        "endpoints": endpoints,
    });
    super::extend(&mut line, world.sim_fields(sim_before));
    Ok(line)
}

/// Sequential requests to every endpoint, `count` rounds; with `live_run`, stops early once
/// that run has ended (so "busy" samples really overlap it).
async fn sample(
    addr: SocketAddr,
    count: usize,
    live_run: Option<(&queue::Scheduler, i64)>,
) -> anyhow::Result<Vec<Vec<Duration>>> {
    let mut out = vec![Vec::with_capacity(count); ENDPOINTS.len()];
    for round in 0..count {
        if let Some((scheduler, run_id)) = live_run
            && round % 10 == 0
            && !scheduler.run(run_id).await?.state.is_live()
        {
            break;
        }
        for (i, (_, path, admin)) in ENDPOINTS.iter().enumerate() {
            let (status, elapsed) = get(addr, path, admin.then_some(TOKEN)).await?;
            anyhow::ensure!(status == 200, "GET {path} answered {status}");
            if let Some(samples) = out.get_mut(i) {
                samples.push(elapsed);
            }
        }
    }
    Ok(out)
}

/// p50/p99 idle and busy, and the busy/idle ratios.
fn compare(idle: &[Duration], busy: &[Duration]) -> Value {
    let (mut idle, mut busy) = (idle.to_vec(), busy.to_vec());
    let idle_p50 = quantile_ms(&mut idle, 0.5);
    let idle_p99 = quantile_ms(&mut idle, 0.99);
    let busy_p50 = quantile_ms(&mut busy, 0.5);
    let busy_p99 = quantile_ms(&mut busy, 0.99);
    let ratio = |b: f64, i: f64| if i > 0.0 { round2(b / i) } else { 0.0 };
    json!({
        "idle_p50_ms": idle_p50, "idle_p99_ms": idle_p99,
        "busy_p50_ms": busy_p50, "busy_p99_ms": busy_p99,
        "p50_ratio": ratio(busy_p50, idle_p50), "p99_ratio": ratio(busy_p99, idle_p99),
    })
}
