//! A simulator, a sync context on the same clock, connected athletes and snapshots of what is
//! stored.

use std::sync::Arc;
use std::time::Duration;

use providers::intervals::{IntervalsClient, IntervalsConfig};
use providers::strava::{StravaClient, StravaConfig};
use queue::{Clock, ManualClock};
use secrecy::SecretString;
use sim::{SimConfig, SimHandle};
use trainload::store::budget::{BudgetLimits, SqlRateBudget};
use trainload::store::integrations::{self, Credential, NewIntegration, Provider};
use trainload::store::users::{self, NewUser, Role, UserId};
use trainload::store::{Store, activities, loads, thresholds};
use trainload::sync::SyncContext;

/// A running simulator and a sync context whose clock reads the same time.
pub struct World {
    pub sim: SimHandle,
    pub clock: Arc<ManualClock>,
    pub ctx: SyncContext,
}

/// Starts `config` on 127.0.0.1:0 and builds a context over `store` with `timeout` per request.
pub async fn world(store: &Store, config: SimConfig, timeout: Duration) -> World {
    let rate_limits = config.rate_limits;
    let sim = crate::support::start_sim(config).await;
    let clock = Arc::new(ManualClock::new(sim.clock().now_ms()));
    let info = sim.info();
    let budget_clock = clock.clone();
    let limits = rate_limits.map_or(
        BudgetLimits {
            strava_overall_15m: 1_000_000,
            strava_overall_day: 1_000_000,
            strava_read_15m: 1_000_000,
            strava_read_day: 1_000_000,
            ..BudgetLimits::default()
        },
        |l| BudgetLimits {
            strava_overall_15m: l.overall_15m,
            strava_overall_day: l.overall_day,
            strava_read_15m: l.read_15m,
            strava_read_day: l.read_day,
            ..BudgetLimits::default()
        },
    );
    let budget = Arc::new(SqlRateBudget::with_clock(
        store.clone(),
        limits,
        Arc::new(move || budget_clock.now_ms()),
    ));
    let mut strava = StravaConfig::new(
        info.client_id.clone(),
        SecretString::from(info.client_secret.clone()),
    );
    strava.api_base_url = info.strava_api_base.clone();
    strava.oauth_base_url = info.strava_oauth_base.clone();
    strava.request_timeout = timeout;
    let intervals = IntervalsConfig {
        base_url: info.intervals_base.clone(),
        request_timeout: timeout,
        max_rps: 0,
        ..IntervalsConfig::default()
    };
    let ctx = SyncContext {
        store: store.clone(),
        strava: Some(Arc::new(StravaClient::new(strava, budget.clone()).unwrap())),
        intervals: Some(Arc::new(IntervalsClient::new(intervals, budget).unwrap())),
        science: Arc::new(science::Config::default()),
        clock: clock.clone(),
        planner: trainload::planner::PlannerSettings::default(),
        push: trainload::push::Push::disabled(),
    };
    World { sim, clock, ctx }
}

impl World {
    /// Moves both clocks forward.
    pub fn advance(&self, duration: Duration) {
        self.sim.clock().advance(duration);
        self.clock
            .advance(i64::try_from(duration.as_millis()).unwrap());
    }

    /// A user connected to Strava (and to Intervals.icu when `with_intervals` and the athlete
    /// has an account) as sim athlete `index`.
    pub async fn athlete(&self, index: usize, with_intervals: bool) -> UserId {
        self.athlete_in(&self.ctx.store, index, with_intervals)
            .await
    }

    /// As [`World::athlete`], in another database.
    pub async fn athlete_in(&self, store: &Store, index: usize, with_intervals: bool) -> UserId {
        let now = self.clock.now_ms();
        let info = &self.sim.info().athletes[index];
        let new = NewUser {
            name: info.name.clone(),
            sex: None,
            birth_year: None,
            time_zone: self.sim.timezone(index).unwrap().to_owned(),
            role: Role::Athlete,
        };
        let user = users::add(store, &new, now).await.unwrap();
        self.connect_strava_in(store, user, index, &info.strava_refresh_token)
            .await;
        if with_intervals {
            self.connect_intervals_in(store, user, index).await;
        }
        user
    }

    /// (Re)connects Strava with `refresh_token`.
    pub async fn connect_strava(&self, user: UserId, index: usize, refresh_token: &str) {
        self.connect_strava_in(&self.ctx.store, user, index, refresh_token)
            .await;
    }

    async fn connect_strava_in(
        &self,
        store: &Store,
        user: UserId,
        index: usize,
        refresh_token: &str,
    ) {
        let info = &self.sim.info().athletes[index];
        let new = NewIntegration {
            user,
            provider: Provider::Strava,
            external_athlete_id: info.strava_athlete_id.to_string(),
            credential: Credential::RefreshToken(SecretString::from(refresh_token.to_owned())),
            access_token: None,
            expires_at_ms: None,
            scopes: Some("read,activity:read_all".to_owned()),
        };
        integrations::connect(store, &new, self.clock.now_ms())
            .await
            .unwrap();
    }

    /// Connects Intervals.icu when the athlete has an account.
    pub async fn connect_intervals(&self, user: UserId, index: usize) {
        self.connect_intervals_in(&self.ctx.store, user, index)
            .await;
    }

    async fn connect_intervals_in(&self, store: &Store, user: UserId, index: usize) {
        let info = &self.sim.info().athletes[index];
        let (Some(id), Some(key)) = (&info.intervals_athlete_id, &info.intervals_api_key) else {
            return;
        };
        let new = NewIntegration {
            user,
            provider: Provider::Intervals,
            external_athlete_id: id.clone(),
            credential: Credential::ApiKey(SecretString::from(key.clone())),
            access_token: None,
            expires_at_ms: None,
            scopes: None,
        };
        integrations::connect(store, &new, self.clock.now_ms())
            .await
            .unwrap();
    }

    /// A control-API call on the simulator.
    pub async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let url = format!("http://{}{path}", self.sim.addr());
        let response = reqwest::Client::new()
            .request(method, url)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap_or(serde_json::Value::Null)
    }

    /// Strava API calls the simulator counted for athlete `index`, by endpoint.
    pub fn strava_calls(&self, index: usize, endpoint: &str) -> u64 {
        self.sim.stats()["athletes"][index.to_string()][endpoint]
            .as_u64()
            .unwrap_or(0)
    }
}

/// `config` without Strava or Intervals.icu rate limits.
pub fn unlimited(mut config: SimConfig) -> SimConfig {
    config.rate_limits = None;
    config.intervals_max_rps = None;
    config
}

/// Index of the first sim athlete with this profile (`cyclist`, `runner`, …).
pub fn first_with_profile(sim: &SimHandle, profile: &str) -> usize {
    sim.info()
        .athletes
        .iter()
        .find(|a| a.profile.as_str() == profile)
        .map(|a| a.index)
        .unwrap()
}

/// Everything stored for a user that a sync decides, in a comparable form.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub activities: Vec<(String, Option<String>, i64, String)>,
    pub loads: Vec<(String, science::utl::Method, u64, u64, Option<i64>)>,
    pub thresholds: Vec<(String, String, String)>,
}

/// The user's live activities (key, name, revision, streams state), loads (key, method, UTL
/// and base-load bits, set) and threshold history (date, source, values).
pub async fn snapshot(store: &Store, user: UserId) -> Snapshot {
    let from = jiff::civil::date(2000, 1, 1);
    let to = jiff::civil::date(2100, 1, 1);
    let acts = activities::list_by_local_date(store, user, from, to)
        .await
        .unwrap();
    let mut loads_out = Vec::new();
    for a in &acts {
        if let Some(l) = loads::get(store, a.id).await.unwrap() {
            loads_out.push((
                a.summary.external_id.clone(),
                l.method,
                l.utl.to_bits(),
                l.base_load.to_bits(),
                l.threshold_set.map(|t| t.0),
            ));
        }
    }
    let history = thresholds::history(store, user).await.unwrap();
    Snapshot {
        activities: acts
            .iter()
            .map(|a| {
                (
                    a.summary.external_id.clone(),
                    a.summary.name.clone(),
                    a.revision,
                    a.streams_state.as_str().to_owned(),
                )
            })
            .collect(),
        loads: loads_out,
        thresholds: history
            .iter()
            .map(|t| {
                (
                    t.set.effective_from.to_string(),
                    t.set.source.as_str().to_owned(),
                    format!("{:?}", t.set.values),
                )
            })
            .collect(),
    }
}

/// Every live activity has a load and no streams are left to fetch.
pub async fn assert_complete(store: &Store, user: UserId) {
    let snap = snapshot(store, user).await;
    assert!(!snap.activities.is_empty(), "no activities stored");
    assert_eq!(
        snap.loads.len(),
        snap.activities.len(),
        "every activity has a load"
    );
    for (key, _, _, state) in &snap.activities {
        assert!(
            !["pending", "failed", "not_ready"].contains(&state.as_str()),
            "activity {key} still has streams {state}"
        );
    }
}
