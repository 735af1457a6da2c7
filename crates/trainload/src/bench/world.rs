//! The simulator every scenario syncs against (no rate limits), a sync context on the
//! simulator's clock, and connected users.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use providers::intervals::{IntervalsClient, IntervalsConfig};
use providers::strava::{StravaClient, StravaConfig};
use queue::{Clock, ManualClock};
use secrecy::SecretString;
use sim::{Sim, SimConfig, SimHandle};
use tokio::net::TcpListener;

use crate::store::Store;
use crate::store::budget::{BudgetLimits, SqlRateBudget};
use crate::store::users::UserId;
use crate::sync::SyncContext;

/// A running simulator and the clock the product reads (the simulator's "now").
#[derive(Debug)]
pub struct World {
    /// The simulator.
    pub sim: SimHandle,
    /// The product's clock, equal to the simulator's.
    pub clock: Arc<ManualClock>,
}

/// Per-request timeout of the provider clients.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl World {
    /// Starts a simulator of `athletes` athletes with `history_days` of history on 127.0.0.1:0,
    /// with Strava and Intervals.icu rate limits off.
    ///
    /// # Errors
    /// The port cannot be bound.
    pub async fn start(athletes: usize, history_days: u32) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the simulator")?;
        let mut config = SimConfig::new(0xBE7C, athletes);
        config.history_days = history_days;
        config.rate_limits = None;
        config.intervals_max_rps = None;
        let sim = Sim::start(config, listener).context("starting the simulator")?;
        let clock = Arc::new(ManualClock::new(sim.clock().now_ms()));
        Ok(Self { sim, clock })
    }

    /// The real provider clients over `store`'s budget (limits far above any run), pointed at
    /// the simulator.
    ///
    /// # Errors
    /// A client that cannot be built.
    pub fn context(&self, store: &Store) -> anyhow::Result<SyncContext> {
        let info = self.sim.info();
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
        let mut strava = StravaConfig::new(info.client_id, SecretString::from(info.client_secret));
        strava.api_base_url = info.strava_api_base;
        strava.oauth_base_url = info.strava_oauth_base;
        strava.request_timeout = REQUEST_TIMEOUT;
        let intervals = IntervalsConfig {
            base_url: info.intervals_base,
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
        let info = self.sim.info();
        let now = self.clock.now_ms();
        let mut out = Vec::with_capacity(info.athletes.len());
        for athlete in &info.athletes {
            out.push(crate::demo::add_sim_athlete(store, &self.sim, athlete, now).await?);
        }
        Ok(out)
    }

    /// Strava requests the simulator has served so far (API and OAuth token endpoints).
    pub fn strava_calls(&self) -> u64 {
        let stats = self.sim.stats();
        stats["endpoints"].as_object().map_or(0, |endpoints| {
            endpoints
                .iter()
                .filter(|(name, _)| name.starts_with("strava."))
                .filter_map(|(_, count)| count.as_u64())
                .sum()
        })
    }
}
