//! Test support: an in-memory [`RateBudget`] with a fixed clock, fixture loading and clients
//! pointed at a wiremock server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use providers::budget::BoxFuture;
use providers::{
    Bucket, BudgetError, IntervalsClient, IntervalsConfig, Observed, Priority, Provider,
    RateBudget, StravaClient, StravaConfig,
};
use secrecy::SecretString;
use wiremock::{MockServer, ResponseTemplate};

/// Midnight UTC starting 2026-11-30.
pub const DAY_START_MS: i64 = 1_795_996_800_000;
/// The budget's fixed clock: 2026-11-30T05:22:00Z, inside the 05:15–05:30 window.
pub const NOW_MS: i64 = DAY_START_MS + (5 * 60 + 22) * 60 * 1000;
/// The end of that 15-minute window: 05:30.
pub const NEXT_QUARTER_MS: i64 = DAY_START_MS + (5 * 60 + 30) * 60 * 1000;
/// The next midnight UTC.
pub const NEXT_MIDNIGHT_MS: i64 = DAY_START_MS + 24 * 60 * 60 * 1000;

/// Something the budget was asked to do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Reserve(Provider, Priority),
    Reconcile(Provider, Vec<Observed>),
    Exhaust(Provider, Bucket),
}

#[derive(Debug, Clone, Copy)]
struct Row {
    used: u32,
    lim: u32,
}

#[derive(Debug, Default)]
struct State {
    rows: HashMap<(Provider, Bucket), Row>,
    events: Vec<Event>,
    unavailable: bool,
}

/// The `api_budget` rules of docs/providers.md §1.5 in memory, at a fixed instant (tests never
/// cross a window boundary by accident).
#[derive(Debug)]
pub struct MemoryBudget {
    now_ms: i64,
    reserve_pct: u32,
    state: Mutex<State>,
}

const fn buckets(provider: Provider) -> &'static [Bucket] {
    match provider {
        Provider::Strava => &[
            Bucket::Overall15m,
            Bucket::OverallDay,
            Bucket::Read15m,
            Bucket::ReadDay,
        ],
        Provider::Intervals => &[Bucket::Minute],
    }
}

const fn default_limit(bucket: Bucket) -> u32 {
    match bucket {
        Bucket::Overall15m => 200,
        Bucket::OverallDay => 2000,
        Bucket::Read15m => 100,
        Bucket::ReadDay => 1000,
        Bucket::Minute => 300,
    }
}

impl MemoryBudget {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            now_ms: NOW_MS,
            reserve_pct: 10,
            state: Mutex::new(State::default()),
        })
    }

    /// Sets a bucket's usage (its limit stays the default unless reconciled).
    pub fn set_used(&self, provider: Provider, bucket: Bucket, used: u32) {
        let mut state = self.state.lock().unwrap();
        let row = state.rows.entry((provider, bucket)).or_insert(Row {
            used: 0,
            lim: default_limit(bucket),
        });
        row.used = used;
    }

    /// Makes every call fail as if the database were down.
    pub fn make_unavailable(&self) {
        self.state.lock().unwrap().unavailable = true;
    }

    pub fn used(&self, provider: Provider, bucket: Bucket) -> u32 {
        let state = self.state.lock().unwrap();
        state
            .rows
            .get(&(provider, bucket))
            .map_or(0, |row| row.used)
    }

    pub fn events(&self) -> Vec<Event> {
        self.state.lock().unwrap().events.clone()
    }

    pub fn reserves(&self) -> usize {
        self.events()
            .iter()
            .filter(|event| matches!(event, Event::Reserve(..)))
            .count()
    }

    fn reset_ms(&self, bucket: Bucket) -> i64 {
        bucket.window_start_ms(self.now_ms) + bucket.window_ms()
    }

    fn try_reserve(&self, provider: Provider, priority: Priority) -> Result<(), BudgetError> {
        let mut state = self.state.lock().unwrap();
        state.events.push(Event::Reserve(provider, priority));
        if state.unavailable {
            return Err(BudgetError::Unavailable("test database down".into()));
        }
        let mut full_until = None;
        for &bucket in buckets(provider) {
            let row = state.rows.get(&(provider, bucket)).copied().unwrap_or(Row {
                used: 0,
                lim: default_limit(bucket),
            });
            let allowed = match priority {
                Priority::Background => row.lim * (100 - self.reserve_pct) / 100,
                Priority::Interactive | Priority::Webhook => row.lim,
            };
            if row.used + 1 > allowed {
                full_until = full_until.max(Some(self.reset_ms(bucket)));
            }
        }
        if let Some(until_ms) = full_until {
            return Err(BudgetError::Exhausted { until_ms });
        }
        for &bucket in buckets(provider) {
            state
                .rows
                .entry((provider, bucket))
                .or_insert(Row {
                    used: 0,
                    lim: default_limit(bucket),
                })
                .used += 1;
        }
        Ok(())
    }
}

impl RateBudget for MemoryBudget {
    fn reserve(
        &self,
        provider: Provider,
        priority: Priority,
    ) -> BoxFuture<'_, Result<(), BudgetError>> {
        Box::pin(async move { self.try_reserve(provider, priority) })
    }

    fn reconcile<'a>(
        &'a self,
        provider: Provider,
        observed: &'a [Observed],
    ) -> BoxFuture<'a, Result<(), BudgetError>> {
        Box::pin(async move {
            let mut state = self.state.lock().unwrap();
            state
                .events
                .push(Event::Reconcile(provider, observed.to_vec()));
            for seen in observed {
                let row = state.rows.entry((provider, seen.bucket)).or_insert(Row {
                    used: 0,
                    lim: seen.limit,
                });
                row.used = row.used.max(seen.usage);
                row.lim = seen.limit;
            }
            Ok(())
        })
    }

    fn exhaust(
        &self,
        provider: Provider,
        bucket: Bucket,
    ) -> BoxFuture<'_, Result<i64, BudgetError>> {
        Box::pin(async move {
            let mut state = self.state.lock().unwrap();
            state.events.push(Event::Exhaust(provider, bucket));
            let row = state.rows.entry((provider, bucket)).or_insert(Row {
                used: 0,
                lim: default_limit(bucket),
            });
            row.used = row.lim;
            Ok(self.reset_ms(bucket))
        })
    }
}

/// The bytes of `tests/fixtures/<path>`.
pub fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|error| panic!("fixture {full}: {error}"))
}

/// A response carrying a fixture as JSON.
pub fn json_fixture(status: u16, path: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(path), "application/json")
}

pub const CLIENT_ID: &str = "55555";
pub const CLIENT_SECRET: &str = "synthetic-client-secret-77";
pub const ACCESS_TOKEN: &str = "synthetic-access-token-0042";
pub const API_KEY: &str = "synthetic-intervals-key-abcdef";

pub fn access_token() -> SecretString {
    SecretString::from(ACCESS_TOKEN)
}

pub fn api_key() -> SecretString {
    SecretString::from(API_KEY)
}

/// Strava settings pointing both base URLs at `server` (`/api/v3` and `/oauth`).
pub fn strava_config(server: &MockServer) -> StravaConfig {
    let mut config = StravaConfig::new(CLIENT_ID, SecretString::from(CLIENT_SECRET));
    config.api_base_url = format!("{}/api/v3", server.uri());
    config.oauth_base_url = format!("{}/oauth", server.uri());
    config.request_timeout = Duration::from_secs(10);
    config
}

pub fn strava(server: &MockServer) -> (StravaClient, Arc<MemoryBudget>) {
    let budget = MemoryBudget::new();
    let client = StravaClient::new(strava_config(server), budget.clone()).unwrap();
    (client, budget)
}

pub fn intervals(server: &MockServer) -> (IntervalsClient, Arc<MemoryBudget>) {
    let budget = MemoryBudget::new();
    let config = IntervalsConfig {
        base_url: server.uri(),
        max_rps: 0,
        ..IntervalsConfig::default()
    };
    let client = IntervalsClient::new(config, budget.clone()).unwrap();
    (client, budget)
}
