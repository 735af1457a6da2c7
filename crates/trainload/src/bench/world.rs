//! The simulator every scenario syncs against (no rate limits), a sync context on the
//! simulator's clock, and connected users.
//!
//! By default the simulator runs as a child process (`trainload sim --frozen-clock`), so the
//! benchmark's CPU and memory figures are the product's alone; `--in-process-sim` keeps it in
//! this process, as the first benchmarks did.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use providers::intervals::{IntervalsClient, IntervalsConfig};
use providers::strava::{StravaClient, StravaConfig};
use queue::{Clock, ManualClock};
use secrecy::SecretString;
use sim::{Sim, SimConfig, SimHandle, SimInfo};
use tokio::net::TcpListener;

use super::proc_stats;
use crate::store::Store;
use crate::store::budget::{BudgetLimits, SqlRateBudget};
use crate::store::users::UserId;
use crate::sync::SyncContext;

/// Where a benchmark's simulator runs.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct SimPlacement {
    /// Run the simulator inside the benchmark's process (its CPU and memory then count in the
    /// figures) instead of as a child process.
    #[arg(long)]
    pub in_process_sim: bool,
}

/// A running simulator and the clock the product reads (the simulator's "now").
#[derive(Debug)]
pub struct World {
    /// Base URLs and credentials.
    info: SimInfo,
    /// The simulator itself.
    sim: SimSide,
    /// The product's clock, equal to the simulator's.
    pub clock: Arc<ManualClock>,
}

#[derive(Debug)]
enum SimSide {
    InProcess(SimHandle),
    Process(SimProcess),
}

/// A `trainload sim` child, killed when dropped.
#[derive(Debug)]
struct SimProcess {
    child: Child,
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        // Killing an exited child fails harmlessly; wait reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time and peak memory of the simulator process.
#[derive(Debug, Clone, Copy)]
pub struct SimUsage {
    /// User plus system CPU time so far, seconds.
    pub cpu_s: f64,
    /// Peak resident memory, MiB.
    pub peak_rss_mib: f64,
}

/// Per-request timeout of the provider clients.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The seed of every benchmark's simulated athletes.
const SEED: u64 = 0xBE7C;

impl World {
    /// Starts a simulator of `athletes` athletes with `history_days` of history on 127.0.0.1,
    /// with Strava and Intervals.icu rate limits off, as a child process unless `placement`
    /// keeps it in this one.
    ///
    /// # Errors
    /// The port cannot be bound, or the child does not start.
    pub async fn start(
        athletes: usize,
        history_days: u32,
        placement: SimPlacement,
    ) -> anyhow::Result<Self> {
        if placement.in_process_sim {
            return Self::in_process(athletes, history_days).await;
        }
        let (sim, info) = spawn_sim(athletes, history_days).await?;
        let clock = control(&info, "/_sim/clock").await?;
        let now_ms = clock["now_ms"]
            .as_i64()
            .context("the simulator's clock has no now_ms")?;
        Ok(Self {
            info,
            sim: SimSide::Process(sim),
            clock: Arc::new(ManualClock::new(now_ms)),
        })
    }

    async fn in_process(athletes: usize, history_days: u32) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the simulator")?;
        let mut config = SimConfig::new(SEED, athletes);
        config.history_days = history_days;
        config.rate_limits = None;
        config.intervals_max_rps = None;
        let sim = Sim::start(config, listener).context("starting the simulator")?;
        let clock = Arc::new(ManualClock::new(sim.clock().now_ms()));
        Ok(Self {
            info: sim.info(),
            sim: SimSide::InProcess(sim),
            clock,
        })
    }

    /// The simulator process's CPU time and peak memory; `None` when it runs in this process.
    pub fn sim_usage(&self) -> Option<SimUsage> {
        match &self.sim {
            SimSide::InProcess(_) => None,
            SimSide::Process(p) => {
                let proc_dir = format!("/proc/{}", p.child.id());
                Some(SimUsage {
                    cpu_s: proc_stats::cpu_seconds_of(&proc_dir),
                    peak_rss_mib: proc_stats::peak_rss_mib_of(&proc_dir),
                })
            }
        }
    }

    /// The real provider clients over `store`'s budget (limits far above any run), pointed at
    /// the simulator.
    ///
    /// # Errors
    /// A client that cannot be built.
    pub fn context(&self, store: &Store) -> anyhow::Result<SyncContext> {
        let info = &self.info;
        // Far above any benchmark's call count, yet small enough that PostgreSQL's INTEGER
        // arithmetic on `lim * share_pct` cannot overflow (u32::MAX / 2 does).
        const UNLIMITED: u32 = 10_000_000;
        let limits = BudgetLimits {
            strava_overall_15m: UNLIMITED,
            strava_overall_day: UNLIMITED,
            strava_read_15m: UNLIMITED,
            strava_read_day: UNLIMITED,
            intervals_minute: UNLIMITED,
            ..BudgetLimits::default()
        };
        let clock = self.clock.clone();
        let budget = Arc::new(SqlRateBudget::with_clock(
            store.clone(),
            limits,
            Arc::new(move || clock.now_ms()),
        ));
        let mut strava = StravaConfig::new(
            info.client_id.clone(),
            SecretString::from(info.client_secret.clone()),
        );
        strava.api_base_url.clone_from(&info.strava_api_base);
        strava.oauth_base_url.clone_from(&info.strava_oauth_base);
        strava.request_timeout = REQUEST_TIMEOUT;
        let intervals = IntervalsConfig {
            base_url: info.intervals_base.clone(),
            request_timeout: REQUEST_TIMEOUT,
            max_rps: 0,
            ..IntervalsConfig::default()
        };
        Ok(SyncContext {
            store: store.clone(),
            strava: Some(Arc::new(StravaClient::new(strava, budget.clone())?)),
            intervals: Some(Arc::new(IntervalsClient::new(intervals, budget)?)),
            science: Arc::new(science::Config::default()),
            clock: self.clock.clone(),
            planner: crate::planner::PlannerSettings::default(),
            push: crate::push::Push::disabled(),
        })
    }

    /// Adds one user per simulated athlete, connected to Strava and (when the athlete has an
    /// account) Intervals.icu; returns them in athlete order.
    ///
    /// # Errors
    /// A store error.
    pub async fn connect_all(&self, store: &Store) -> anyhow::Result<Vec<UserId>> {
        let now = self.clock.now_ms();
        let mut out = Vec::with_capacity(self.info.athletes.len());
        for athlete in &self.info.athletes {
            out.push(crate::demo::add_sim_athlete(store, athlete, now).await?);
        }
        Ok(out)
    }

    /// Where the simulator ran and, for a child process, its CPU time since `before` and its
    /// peak memory, as fields for a scenario's JSON line.
    pub fn sim_fields(&self, before: Option<SimUsage>) -> serde_json::Value {
        match (self.sim_usage(), before) {
            (Some(now), Some(before)) => serde_json::json!({
                "simulator": "child process",
                "sim_cpu_s": super::round2(now.cpu_s - before.cpu_s),
                "sim_peak_rss_mib": now.peak_rss_mib,
                "note": "CPU and memory are the product's alone; the simulator's are sim_*",
            }),
            _ => serde_json::json!({
                "simulator": "in process",
                "note": "CPU and memory are the whole process, in-process simulator included",
            }),
        }
    }

    /// Strava requests the simulator has served so far (API and OAuth token endpoints).
    ///
    /// # Errors
    /// The simulator process does not answer.
    pub async fn strava_calls(&self) -> anyhow::Result<u64> {
        let stats = match &self.sim {
            SimSide::InProcess(sim) => sim.stats(),
            SimSide::Process(_) => control(&self.info, "/_sim/stats").await?,
        };
        Ok(stats["endpoints"].as_object().map_or(0, |endpoints| {
            endpoints
                .iter()
                .filter(|(name, _)| name.starts_with("strava."))
                .filter_map(|(_, count)| count.as_u64())
                .sum()
        }))
    }
}

/// Starts `trainload sim` on a free port with a frozen clock and reads the JSON line it prints
/// once it listens.
async fn spawn_sim(athletes: usize, history_days: u32) -> anyhow::Result<(SimProcess, SimInfo)> {
    let exe = std::env::current_exe().context("finding this executable")?;
    let mut child = Command::new(exe)
        .args([
            "sim",
            "--listen",
            "127.0.0.1:0",
            "--no-rate-limits",
            "--frozen-clock",
        ])
        .args(["--athletes", &athletes.to_string()])
        .args(["--history-days", &history_days.to_string()])
        .args(["--seed", &SEED.to_string()])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .context("starting the simulator process")?;
    let stdout = child
        .stdout
        .take()
        .context("the simulator process has no stdout")?;
    // Owned from here, so the child is killed on every early return.
    let process = SimProcess { child };
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await?
    .context("reading the simulator's address")?;
    if line.is_empty() {
        anyhow::bail!("the simulator process exited before it listened");
    }
    let info: SimInfo = serde_json::from_str(&line).context("reading the simulator's JSON line")?;
    Ok((process, info))
}

/// GETs a control endpoint (`/_sim/*`) of the simulator as JSON; the control API is served
/// beside the Strava API.
async fn control(info: &SimInfo, path: &str) -> anyhow::Result<serde_json::Value> {
    let base = info
        .strava_api_base
        .strip_suffix("/strava/api/v3")
        .context("the simulator's Strava base URL has an unexpected shape")?;
    crate::demo::sim_client()
        .get(format!("{base}{path}"))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .with_context(|| format!("asking the simulator for {path}"))?
        .json()
        .await
        .with_context(|| format!("reading the simulator's {path}"))
}
