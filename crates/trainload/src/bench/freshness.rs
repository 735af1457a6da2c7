//! `bench freshness`: how soon a new activity's load is stored, and what it costs in Strava
//! reads, when polling (every quick and daily sync lists every athlete) and with webhooks plus
//! the read planner, on the simulator's real limits (100 reads / 15 min, 1,000 / day).
//!
//! Simulated time runs days in minutes: the simulator's clock is fixed and moved a step at a
//! time, the product reads the same clock, and each step sends the webhook events that became
//! due, waits for their delivery, ticks the scheduler and runs every task that is due. Delays
//! are therefore measured to within one step.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use providers::strava::{StravaClient, StravaConfig};
use secrecy::SecretString;
use serde_json::{Value, json};
use sim::{Sim, SimClock, SimConfig, SimHandle, WebhookFaults};
use tokio::net::TcpListener;

use super::db::BenchDb;
use super::round2;
use crate::planner::{PlannerSettings, StravaSync};
use crate::startup::{Application, Settings};
use crate::store::budget::{BudgetLimits, SqlRateBudget};
use crate::store::integrations::{self, NewIntegration};
use crate::store::users::UserId;
use crate::store::{Store, planner};
use crate::sync::SyncContext;
use queue::TaskState;

/// Arguments of `bench freshness`.
#[derive(Debug, Clone, clap::Args)]
pub struct FreshnessArgs {
    /// Athlete counts to try, e.g. `100,300,500` (each a run of its own per mode).
    #[arg(long, value_delimiter = ',', default_value = "100")]
    pub athletes: Vec<usize>,
    /// Simulated days per run.
    #[arg(long, default_value_t = 3)]
    pub days: u32,
    /// Which modes to run side by side.
    #[arg(long, value_enum, default_value_t = Modes::Both)]
    pub mode: Modes,
    /// Share of webhook events never delivered, %.
    #[arg(long, default_value_t = 2.0)]
    pub dropped_pct: f64,
    /// Share of webhook events delivered twice, %.
    #[arg(long, default_value_t = 2.0)]
    pub duplicated_pct: f64,
    /// Share of webhook events delivered late (out of order), %.
    #[arg(long, default_value_t = 2.0)]
    pub late_pct: f64,
    /// Simulated seconds per step.
    #[arg(long, default_value_t = 60)]
    pub step_s: i64,
    /// PostgreSQL admin URL [default: a SQLite file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// The modes of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Modes {
    /// Polling only.
    Poll,
    /// Webhooks and the planner only.
    Webhooks,
    /// Both, one after the other on the same simulated days.
    Both,
}

/// The freshness target of the verdict: p95 within it, nothing older than a day missed.
const TARGET_S: f64 = 15.0 * 60.0;

/// Runs every (athlete count, mode) pair and returns one JSON object with all results and the
/// largest athlete count each mode keeps fresh.
///
/// # Errors
/// Setup failures.
pub async fn run(args: &FreshnessArgs) -> anyhow::Result<Value> {
    let modes: &[StravaSync] = match args.mode {
        Modes::Poll => &[StravaSync::Poll],
        Modes::Webhooks => &[StravaSync::Planned],
        Modes::Both => &[StravaSync::Poll, StravaSync::Planned],
    };
    let mut results = Vec::new();
    let mut largest: HashMap<&str, usize> = HashMap::new();
    for &athletes in &args.athletes {
        for &mode in modes {
            let db = BenchDb::create(args.database_url.as_deref()).await?;
            let result = one_run(args, &db, athletes, mode).await;
            db.remove().await;
            let result = result?;
            eprintln!("{result}");
            let name = mode_name(mode);
            if result["fresh"].as_bool() == Some(true) {
                let best = largest.entry(name).or_insert(0);
                *best = (*best).max(athletes);
            }
            results.push(result);
        }
    }
    Ok(json!({
        "scenario": "freshness", "days": args.days, "step_s": args.step_s,
        "webhook_faults_pct": {"dropped": args.dropped_pct, "duplicated": args.duplicated_pct, "late": args.late_pct},
        "largest_fresh_athletes": largest,
        "fresh_means": "p95 upload-to-load within 15 min and no activity older than 24 h missing",
        "runs": results,
    }))
}

const fn mode_name(mode: StravaSync) -> &'static str {
    match mode {
        StravaSync::Poll => "poll",
        StravaSync::Planned => "webhooks",
    }
}

/// The product's clock: the simulator's.
#[derive(Debug)]
struct SimTime(SimClock);

impl queue::Clock for SimTime {
    fn now_ms(&self) -> i64 {
        self.0.now_ms()
    }
}

async fn one_run(
    args: &FreshnessArgs,
    db: &BenchDb,
    athletes: usize,
    mode: StravaSync,
) -> anyhow::Result<Value> {
    let mut config = SimConfig::new(0xF4E5, athletes);
    config.history_days = 30;
    // From a UTC midnight, so the run's days are Strava's budget days.
    let midnight = sim::DEFAULT_START_MS.div_euclid(86_400_000) * 86_400_000;
    config.clock = SimClock::fixed(midnight);
    config.intervals_max_rps = None;
    config.webhook_faults = WebhookFaults {
        dropped: args.dropped_pct / 100.0,
        duplicated: args.duplicated_pct / 100.0,
        late: args.late_pct / 100.0,
        late_by: Duration::from_millis(300),
    };
    let start_ms = config.clock.now_ms();
    let clock = config.clock.clone();
    let sim = Sim::start(config, TcpListener::bind("127.0.0.1:0").await?)?;
    let wall = Instant::now();
    let (app, ctx, users) = start_product(db, &sim, mode).await?;
    let scheduler = app.scheduler().clone();
    let base = format!("http://127.0.0.1:{}", app.port().context("no port")?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    if mode == StravaSync::Planned {
        let strava = ctx.strava.clone().context("no Strava client")?;
        crate::subscription::ensure(&ctx.store, &strava, &base, false, || clock.now_ms()).await?;
    }
    let reads_before = strava_reads(&sim);
    let end_ms = start_ms + i64::from(args.days) * 86_400_000;
    let mut now = start_ms;
    while now < end_ms {
        now += args.step_s * 1000;
        clock.set_ms(now);
        sim.scan_webhooks();
        settle(&sim).await;
        scheduler.tick().await?;
        scheduler.drain("bench-freshness", 4).await?;
    }
    let reads = strava_reads(&sim) - reads_before;
    let measured = measure(&ctx.store, &sim, &users, start_ms, end_ms).await?;
    let backlog = backlog(&ctx.store).await?;
    let _ = stop.send(());
    server.await??;
    sim.shutdown();
    let days = f64::from(args.days);
    let uploads = measured.uploads as f64;
    let fresh = measured.p95_s <= TARGET_S && measured.missed_older_than_day == 0;
    Ok(json!({
        "mode": mode_name(mode), "engine": db.engine(), "athletes": athletes,
        "uploads": measured.uploads, "uploads_per_athlete_day": round2(uploads / athletes.max(1) as f64 / days),
        "reads": reads, "reads_per_day": round2(reads as f64 / days),
        "reads_per_new_activity": round2(reads as f64 / uploads.max(1.0)),
        "delay_p50_s": round2(measured.p50_s), "delay_p95_s": round2(measured.p95_s),
        "delay_max_s": round2(measured.max_s),
        "not_synced": measured.missing, "not_synced_older_than_24h": measured.missed_older_than_day,
        "without_load": measured.without_load,
        "refused_429": sim.stats()["refused_429"], "webhooks_dropped": sim.stats()["webhooks_dropped"],
        "fresh": fresh, "wall_s": round2(wall.elapsed().as_secs_f64()),
        "at_end": backlog,
    }))
}

/// What was still waiting when the run ended: unprocessed events, and tasks by job and state.
async fn backlog(store: &Store) -> anyhow::Result<Value> {
    let reader = queue::Reader::new(store.queue_db());
    let tasks = reader.task_counts().await?;
    let waiting = reader.waiting_tasks(5).await?;
    let events = crate::store::webhooks::hourly_counts(store, 0).await?;
    let pending = crate::store::webhooks::stranded_users(store, i64::MAX)
        .await?
        .len();
    Ok(json!({
        "users_with_unprocessed_events": pending,
        "events_received": events.received.iter().map(|(_, n)| n).sum::<i64>(),
        "waiting": waiting.iter().map(|w| json!({"job": w.job_id, "last_error": w.last_error, "earliest_ms": w.earliest_ms, "tasks": w.tasks})).collect::<Vec<_>>(),
        "tasks_not_succeeded": tasks.iter().filter(|c| c.state != TaskState::Succeeded)
            .map(|c| json!({"job": c.job_id, "state": c.state, "tasks": c.tasks})).collect::<Vec<_>>(),
    }))
}

/// Waits until the simulator's webhook deliveries are answered (at most 5 s of real time).
async fn settle(sim: &SimHandle) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while sim.webhooks_in_flight() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Strava API reads the simulator served (token and subscription calls are not reads of the
/// athletes' data and are left out).
fn strava_reads(sim: &SimHandle) -> u64 {
    let stats = sim.stats();
    [
        "strava.activities",
        "strava.activity",
        "strava.streams",
        "strava.athlete",
    ]
    .iter()
    .filter_map(|name| stats["endpoints"][name].as_u64())
    .sum()
}

/// The product on `db` over `sim`, on the simulator's clock: HTTP only (the benchmark ticks
/// and runs the tasks itself), every athlete connected with freshly minted tokens.
async fn start_product(
    db: &BenchDb,
    sim: &SimHandle,
    mode: StravaSync,
) -> anyhow::Result<(Application, SyncContext, Vec<UserId>)> {
    let clock: Arc<dyn queue::Clock> = Arc::new(SimTime(sim.clock().clone()));
    let mut settings = Settings::new(db.store_args());
    settings.listen = Some("127.0.0.1:0".parse()?);
    settings.workers = 0;
    settings.scheduler_enabled = false;
    settings.clock = clock.clone();
    let info = sim.info();
    let mut built = None;
    let app = Application::build(settings, |store| {
        let ctx = context(store, &info, clock.clone(), mode)?;
        let jobs = crate::jobs::all(&ctx)?;
        built = Some(ctx);
        Ok(jobs)
    })
    .await?;
    let ctx = built.context("no context")?;
    let app = app.with_providers(ctx.clone());
    let users = connect_all(&ctx.store, sim, clock.now_ms()).await?;
    Ok((app, ctx, users))
}

/// The real clients on the real limits, Strava only (wellness is not what this measures).
fn context(
    store: &Store,
    info: &sim::SimInfo,
    clock: Arc<dyn queue::Clock>,
    mode: StravaSync,
) -> anyhow::Result<SyncContext> {
    let limits = BudgetLimits::default();
    let budget_clock = clock.clone();
    let budget = Arc::new(SqlRateBudget::with_clock(
        store.clone(),
        limits,
        Arc::new(move || budget_clock.now_ms()),
    ));
    let mut strava = StravaConfig::new(
        info.client_id.clone(),
        SecretString::from(info.client_secret.clone()),
    );
    strava.api_base_url.clone_from(&info.strava_api_base);
    strava.oauth_base_url.clone_from(&info.strava_oauth_base);
    Ok(SyncContext {
        store: store.clone(),
        strava: Some(Arc::new(StravaClient::new(strava, budget)?)),
        intervals: None,
        science: Arc::new(science::Config::default()),
        clock,
        planner: PlannerSettings {
            mode,
            limits,
            ..PlannerSettings::default()
        },
        push: crate::push::Push::disabled(),
    })
}

/// One user per simulated athlete, connected with a token pair minted now (so the simulator
/// counts them as connected and sends their events), listed "now" as if just onboarded.
async fn connect_all(store: &Store, sim: &SimHandle, now_ms: i64) -> anyhow::Result<Vec<UserId>> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for athlete in sim.info().athletes {
        let minted: Value = client
            .post(format!("http://{}/_sim/tokens", sim.addr()))
            .json(&json!({ "athlete": athlete.index }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        // The simulator's athlete, then reconnected with the pair just minted.
        let user = crate::demo::add_sim_athlete(store, &athlete, now_ms).await?;
        let text = |key: &str| minted[key].as_str().unwrap_or_default().to_owned();
        let strava = NewIntegration::strava(
            user,
            athlete.strava_athlete_id,
            SecretString::from(text("refresh_token")),
            Some("read,activity:read_all".to_owned()),
        )
        .with_access_token(
            SecretString::from(text("access_token")),
            minted["expires_at"].as_i64().unwrap_or(0) * 1000,
        );
        let integration = integrations::connect(store, &strava, now_ms).await?;
        planner::set_last_listed(store, integration, now_ms).await?;
        out.push(user);
    }
    Ok(out)
}

/// What the run achieved.
struct Measured {
    uploads: usize,
    missing: usize,
    missed_older_than_day: usize,
    without_load: usize,
    p50_s: f64,
    p95_s: f64,
    max_s: f64,
}

/// Every activity that became visible during the run against when its load was stored.
async fn measure(
    store: &Store,
    sim: &SimHandle,
    users: &[UserId],
    start_ms: i64,
    end_ms: i64,
) -> anyhow::Result<Measured> {
    let mut delays = Vec::new();
    let (mut uploads, mut missing, mut old_missing, mut without_load) = (0, 0, 0, 0);
    for (index, user) in users.iter().enumerate() {
        let arrivals: HashMap<String, planner::Arrival> = planner::arrivals(store, *user)
            .await?
            .into_iter()
            .map(|a| (a.external_id.clone(), a))
            .collect();
        for (id, visible_s) in sim.uploads_between(index, start_ms / 1000, end_ms / 1000) {
            uploads += 1;
            match arrivals.get(&id.to_string()) {
                Some(arrival) => {
                    delays
                        .push((arrival.first_seen_at_ms - visible_s * 1000).max(0) as f64 / 1000.0);
                    without_load += usize::from(!arrival.has_load);
                }
                None => {
                    missing += 1;
                    old_missing += usize::from(end_ms - visible_s * 1000 > 86_400_000);
                }
            }
        }
    }
    let max_s = delays.iter().copied().fold(0.0, f64::max);
    // A missing activity is later than any stored one: it counts at the tail (as infinity,
    // which the JSON shows as null).
    delays.extend(std::iter::repeat_n(f64::INFINITY, missing));
    delays.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let rank = ((q * delays.len() as f64).ceil() as usize).clamp(1, delays.len().max(1));
        delays.get(rank - 1).copied().unwrap_or(0.0)
    };
    Ok(Measured {
        uploads,
        missing,
        missed_older_than_day: old_missing,
        without_load,
        p50_s: at(0.5),
        p95_s: at(0.95),
        max_s,
    })
}
