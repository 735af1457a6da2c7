//! Simulator configuration: seed, athletes, history, faults, limits, tokens and clock.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::clock::SimClock;

/// A fault injected for one athlete (`--fault INDEX:KIND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FaultKind {
    /// Strava API calls answer 500 with a Fault body or 502 with an HTML page.
    Strava5xx,
    /// Strava API calls answer 429 as if the application's limit were reached.
    Strava429,
    /// Strava API calls stall longer than a client's timeout.
    StravaTimeout,
    /// Strava API calls answer 200 with broken JSON.
    StravaMalformed,
    /// The athlete revoked access: 401 on API calls and 400 on refresh until re-authorised.
    StravaRevoked,
    /// Stream requests answer 404 or `{}` for the first N requests of each activity.
    StreamsNotReady,
    /// Intervals.icu calls answer 500.
    Intervals5xx,
    /// Intervals.icu calls answer 200 with broken JSON.
    IntervalsMalformed,
    /// Intervals.icu rejects the athlete's key with 401.
    Intervals401,
    /// Each webhook event for the athlete is delivered several times.
    DuplicateWebhooks,
}

const FAULT_NAMES: [(FaultKind, &str); 10] = [
    (FaultKind::Strava5xx, "strava-5xx"),
    (FaultKind::Strava429, "strava-429"),
    (FaultKind::StravaTimeout, "strava-timeout"),
    (FaultKind::StravaMalformed, "strava-malformed"),
    (FaultKind::StravaRevoked, "strava-revoked"),
    (FaultKind::StreamsNotReady, "streams-not-ready"),
    (FaultKind::Intervals5xx, "intervals-5xx"),
    (FaultKind::IntervalsMalformed, "intervals-malformed"),
    (FaultKind::Intervals401, "intervals-401"),
    (FaultKind::DuplicateWebhooks, "duplicate-webhooks"),
];

impl FaultKind {
    /// Every fault kind, in the documented order.
    pub fn all() -> impl Iterator<Item = Self> {
        FAULT_NAMES.iter().map(|(kind, _)| *kind)
    }

    /// The kebab-case name used on the command line.
    pub fn as_str(self) -> &'static str {
        FAULT_NAMES
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("unknown", |(_, n)| n)
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A fault name or `INDEX:KIND` argument that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseFaultError {
    /// The kind is not one of the known names.
    #[error("unknown fault kind {given:?}; expected one of: {}", FAULT_NAMES.map(|(_, n)| n).join(", "))]
    UnknownKind {
        /// What was given.
        given: String,
    },
    /// The argument is not `INDEX:KIND` with a non-negative integer index.
    #[error("fault {given:?} is not INDEX:KIND (for example 3:strava-5xx)")]
    BadSpec {
        /// What was given.
        given: String,
    },
}

impl FromStr for FaultKind {
    type Err = ParseFaultError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FAULT_NAMES
            .iter()
            .find(|(_, name)| *name == s)
            .map(|(kind, _)| *kind)
            .ok_or_else(|| ParseFaultError::UnknownKind {
                given: s.to_owned(),
            })
    }
}

/// Parses a command-line fault `INDEX:KIND`, e.g. `3:strava-5xx`.
pub fn parse_fault(spec: &str) -> Result<(usize, FaultKind), ParseFaultError> {
    let (index, kind) = spec
        .split_once(':')
        .ok_or_else(|| ParseFaultError::BadSpec {
            given: spec.to_owned(),
        })?;
    let index = index.trim().parse().map_err(|_| ParseFaultError::BadSpec {
        given: spec.to_owned(),
    })?;
    Ok((index, kind.trim().parse()?))
}

/// Strava's per-application limits ("15-minute,daily"), overall and for reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Overall requests per 15-minute window.
    pub overall_15m: u32,
    /// Overall requests per UTC day.
    pub overall_day: u32,
    /// Read requests per 15-minute window.
    pub read_15m: u32,
    /// Read requests per UTC day.
    pub read_day: u32,
}

impl Default for RateLimits {
    /// The real numbers: 200 / 15 min and 2,000 / day; reads 100 / 15 min and 1,000 / day.
    fn default() -> Self {
        Self {
            overall_15m: 200,
            overall_day: 2_000,
            read_15m: 100,
            read_day: 1_000,
        }
    }
}

/// How faults behave.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultSettings {
    /// Chance that a request of a faulty athlete fails (the first one always does).
    pub probability: f64,
    /// How long `strava-timeout` stalls before answering.
    pub stall: Duration,
    /// How many stream requests per activity `streams-not-ready` refuses.
    pub streams_not_ready_count: u32,
    /// How often `duplicate-webhooks` delivers each event.
    pub duplicate_deliveries: u32,
}

impl Default for FaultSettings {
    fn default() -> Self {
        Self {
            probability: 0.5,
            stall: Duration::from_secs(35),
            streams_not_ready_count: 2,
            duplicate_deliveries: 3,
        }
    }
}

/// Everything `Sim::start` needs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SimConfig {
    /// Same seed, same data.
    pub seed: u64,
    /// Number of athletes.
    pub athletes: usize,
    /// Days of history before the clock's start (default 120).
    pub history_days: u32,
    /// Faults per athlete index.
    pub faults: Vec<(usize, FaultKind)>,
    /// Strava's limits; `None` turns limiting off (benchmarks).
    pub rate_limits: Option<RateLimits>,
    /// Intervals.icu requests per second per API key before 429 (`None`: off).
    pub intervals_max_rps: Option<u32>,
    /// Access-token lifetime (default 21,600 s).
    pub token_lifetime_s: i64,
    /// Whether a refresh that mints a new access token also replaces the refresh token.
    pub rotate_refresh_tokens: bool,
    /// The simulated clock (default: fixed at [`crate::clock::DEFAULT_START_MS`]).
    pub clock: SimClock,
    /// Fault behaviour.
    pub fault_settings: FaultSettings,
    /// Share of easy sessions recorded with an unknown `sport_type` (`FutureSport`).
    pub unknown_sport_share: f64,
    /// Timeout of webhook deliveries and callback validation (Strava: 2 s).
    pub webhook_timeout: Duration,
    /// Events lost, repeated or late, for every athlete (the per-athlete
    /// `duplicate-webhooks` fault stays as it is).
    pub webhook_faults: WebhookFaults,
}

/// Shares of webhook events delivered badly, drawn per event from the seed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WebhookFaults {
    /// Never delivered (Strava gives up after three attempts; events of downtime are gone).
    pub dropped: f64,
    /// Delivered twice.
    pub duplicated: f64,
    /// Delivered after `late_by` (real time), so later events may overtake them.
    pub late: f64,
    /// How late a late event is.
    pub late_by: Duration,
}

impl SimConfig {
    /// Defaults for `athletes` athletes from `seed`.
    pub fn new(seed: u64, athletes: usize) -> Self {
        Self {
            seed,
            athletes,
            history_days: 120,
            faults: Vec::new(),
            rate_limits: Some(RateLimits::default()),
            intervals_max_rps: Some(10),
            token_lifetime_s: 21_600,
            rotate_refresh_tokens: false,
            clock: SimClock::default(),
            fault_settings: FaultSettings::default(),
            unknown_sport_share: 0.03,
            webhook_timeout: Duration::from_secs(2),
            webhook_faults: WebhookFaults::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_name_parses_back_to_its_kind() {
        for kind in FaultKind::all() {
            assert_eq!(kind.as_str().parse::<FaultKind>(), Ok(kind));
        }
        assert_eq!(parse_fault("3:strava-5xx"), Ok((3, FaultKind::Strava5xx)));
    }

    #[test]
    fn unknown_fault_names_list_the_valid_ones() {
        let err = "strava-6xx".parse::<FaultKind>().unwrap_err().to_string();
        assert!(
            err.contains("strava-5xx") && err.contains("duplicate-webhooks"),
            "{err}"
        );
        assert!(parse_fault("x:strava-5xx").is_err());
        assert!(parse_fault("strava-5xx").is_err());
    }
}
