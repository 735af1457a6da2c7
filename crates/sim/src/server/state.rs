//! Mutable simulator state: tokens, the overlay of mutations, counters and the rate windows.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::Serialize;

use crate::rng::{hex40, tag};

/// Strava scopes the simulator distinguishes.
pub(crate) const FULL_SCOPE: &str = "read,activity:read_all";

/// One athlete's Strava authorisation.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub refresh_token: String,
    pub access_token: Option<String>,
    pub expires_at_s: i64,
    pub scope: String,
    pub generation: u64,
    pub revoked: bool,
}

/// Tokens and codes of all athletes.
#[derive(Debug, Default)]
pub(crate) struct AuthState {
    pub grants: Vec<Grant>,
    pub access_index: HashMap<String, usize>,
    pub refresh_index: HashMap<String, usize>,
    /// Authorization codes: code → (athlete, scope, issued at s).
    pub codes: HashMap<String, (usize, String, i64)>,
    pub code_counter: u64,
}

impl AuthState {
    /// Initial grants: a refresh token per athlete, no access token yet.
    pub(crate) fn new(seed: u64, athletes: usize, revoked: &HashSet<usize>) -> Self {
        let mut state = Self::default();
        for index in 0..athletes {
            let refresh = hex40(&[seed, index as u64, 0, tag("refresh")]);
            state.refresh_index.insert(refresh.clone(), index);
            state.grants.push(Grant {
                refresh_token: refresh,
                access_token: None,
                expires_at_s: 0,
                scope: FULL_SCOPE.to_owned(),
                generation: 0,
                revoked: revoked.contains(&index),
            });
        }
        state
    }

    /// Mints a new access token (and, if asked, a new refresh token) for an athlete.
    pub(crate) fn mint(
        &mut self,
        seed: u64,
        index: usize,
        now_s: i64,
        lifetime_s: i64,
        new_refresh: bool,
    ) -> Option<&Grant> {
        let grant = self.grants.get_mut(index)?;
        grant.generation += 1;
        if let Some(old) = grant.access_token.take() {
            self.access_index.remove(&old);
        }
        let access = hex40(&[seed, index as u64, grant.generation, tag("access")]);
        self.access_index.insert(access.clone(), index);
        grant.access_token = Some(access);
        grant.expires_at_s = now_s + lifetime_s;
        if new_refresh {
            self.refresh_index.remove(&grant.refresh_token);
            grant.refresh_token = hex40(&[seed, index as u64, grant.generation, tag("refresh")]);
            self.refresh_index
                .insert(grant.refresh_token.clone(), index);
        }
        grant.revoked = false;
        Some(grant)
    }

    /// Revokes every token of an athlete.
    pub(crate) fn revoke(&mut self, index: usize) {
        if let Some(grant) = self.grants.get_mut(index) {
            if let Some(old) = grant.access_token.take() {
                self.access_index.remove(&old);
            }
            self.refresh_index.remove(&grant.refresh_token);
            grant.revoked = true;
        }
    }
}

/// An activity created through `/_sim/activities`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Created {
    pub day: i64,
    pub slot: u8,
    pub start_s: i64,
    pub sport: crate::model::calendar::Sport,
    pub minutes: u32,
}

/// Edits to an activity (title, sport, privacy).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub(crate) struct Edit {
    pub name: Option<String>,
    pub sport_type: Option<String>,
    pub private: Option<bool>,
}

/// Mutations on top of the generated world.
#[derive(Debug, Default)]
pub(crate) struct Overlay {
    pub created: HashMap<usize, Vec<Created>>,
    pub deleted: HashSet<i64>,
    pub edits: HashMap<i64, Edit>,
    /// Stream requests per activity (`streams-not-ready`).
    pub stream_requests: HashMap<i64, u32>,
    /// Requests per (athlete, fault class) for reproducible fault draws.
    pub fault_counters: HashMap<(usize, &'static str), u64>,
}

/// One logged request.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LogEntry {
    pub method: String,
    pub path: String,
    pub query: String,
    pub endpoint: &'static str,
    pub athlete: Option<usize>,
    pub status: u16,
}

/// Request counters.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Stats {
    pub total: u64,
    pub endpoints: BTreeMap<&'static str, u64>,
    pub athletes: BTreeMap<usize, BTreeMap<&'static str, u64>>,
    pub statuses: BTreeMap<u16, u64>,
    pub refused_429: u64,
    pub webhook_deliveries: u64,
    pub webhooks_dropped: u64,
    #[serde(skip)]
    pub log: VecDeque<LogEntry>,
}

/// How many requests the log keeps.
const LOG_CAP: usize = 5_000;

impl Stats {
    pub(crate) fn record(&mut self, entry: LogEntry) {
        self.total += 1;
        *self.endpoints.entry(entry.endpoint).or_default() += 1;
        if let Some(index) = entry.athlete {
            *self
                .athletes
                .entry(index)
                .or_default()
                .entry(entry.endpoint)
                .or_default() += 1;
        }
        *self.statuses.entry(entry.status).or_default() += 1;
        if entry.status == 429 {
            self.refused_429 += 1;
        }
        if self.log.len() == LOG_CAP {
            self.log.pop_front();
        }
        self.log.push_back(entry);
    }
}

/// Strava's fixed windows: 15 minutes from :00/:15/:30/:45, and the UTC day.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub(crate) struct RateWindows {
    pub window_15m_start_s: i64,
    pub day_start_s: i64,
    pub overall_15m: u32,
    pub overall_day: u32,
    pub read_15m: u32,
    pub read_day: u32,
}

impl RateWindows {
    /// Resets the counters whose window has passed.
    pub(crate) fn roll(&mut self, now_s: i64) {
        let quarter = now_s - now_s.rem_euclid(900);
        let day = now_s - now_s.rem_euclid(86_400);
        if quarter != self.window_15m_start_s {
            self.window_15m_start_s = quarter;
            self.overall_15m = 0;
            self.read_15m = 0;
        }
        if day != self.day_start_s {
            self.day_start_s = day;
            self.overall_day = 0;
            self.read_day = 0;
        }
    }
}
