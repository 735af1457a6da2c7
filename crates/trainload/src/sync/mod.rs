//! The per-user sync pipeline: what every scheduled job, webhook and manual trigger does for
//! one athlete. Idempotent: safe to run twice, or concurrently for the same user.
//!
//! Order of one [`user_sync`]: Strava token (compare-and-swap refresh, docs/providers.md §1.2) →
//! activity listing, upserts and deletion detection → due streams, newest first → Intervals.icu
//! wellness → threshold checks and adoption → loads of everything an input change touched. Every
//! write is keyed and compared before it is made, so a repeat changes nothing; syncs of one user
//! inside a process are serialised by a per-user lock (`run::user_lock`), and across processes the
//! keyed writes and the token lease keep a second runner harmless.

mod activities;
mod announce;
mod convert;
mod daily_check;
mod events;
pub(crate) mod features;
mod grids;
mod loads;
mod notify;
mod onboarding;
mod recalc;
mod run;
mod science_pool;
mod streams;
mod thresholds;
mod tokens;
mod wellness;

pub use announce::{ACTIVITY_EVENT, THRESHOLDS_EVENT, WELLNESS_EVENT};
pub use daily_check::{
    CurveMonthDrift, DailyDrift, DailyDriftExample, check_curve_months, check_daily_loads,
};
pub use events::{EventsReport, handle_events};
pub use onboarding::{ONBOARDING_EVENT, OnboardingProgress, onboard};
pub use recalc::{
    DriftExample, UtlRecalc, recalculate_thresholds, recalculate_utl, recompute_from,
};
pub use run::user_sync;

pub(crate) use convert::{add_days, history_entry, local, science_wellness};
pub(crate) use loads::calc_version;

use std::collections::BTreeMap;
use std::sync::Arc;

use providers::budget::Priority;
use providers::intervals::IntervalsClient;
use providers::strava::StravaClient;
use serde::{Deserialize, Serialize};

use crate::store::Store;

/// Everything a sync needs: the store, the provider clients (absent when not configured), the
/// science configuration and the clock.
#[derive(Clone, Debug)]
pub struct SyncContext {
    /// The database.
    pub store: Store,
    /// Strava, when client credentials are configured.
    pub strava: Option<Arc<StravaClient>>,
    /// Intervals.icu.
    pub intervals: Option<Arc<IntervalsClient>>,
    /// Formulas and constants.
    pub science: Arc<science::Config>,
    /// "Now" (the scheduler's clock, so tests can move it).
    pub clock: Arc<dyn queue::Clock>,
    /// How Strava reads are placed (polling or the planner).
    pub planner: crate::planner::PlannerSettings,
    /// Web Push: notifications of what a sync processed (disabled in tools that need none).
    pub push: crate::push::Push,
}

/// What one sync covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// Activities whose start lies in the last N days.
    pub activity_days: u32,
    /// Wellness of the last N days, ending today (athlete-local).
    pub wellness_days: u32,
    /// Quick threshold check (≥ 3 significant activities in 7 days and new activities arrived).
    pub threshold_check: bool,
    /// Full 12-month threshold recalculation.
    pub threshold_full: bool,
    /// Resting HR from the 14-day wellness average.
    pub resting_hr: bool,
    /// Budget priority of the provider calls.
    pub priority: Priority,
}

impl SyncOptions {
    /// `quick_sync` (docs/scheduler.md §2): 3 days of activities, 7 of wellness, the quick check.
    pub const fn quick() -> Self {
        Self {
            activity_days: 3,
            wellness_days: 7,
            threshold_check: true,
            threshold_full: false,
            resting_hr: false,
            priority: Priority::Background,
        }
    }

    /// `daily_sync`: 14 days of activities, 30 of wellness, threshold validation, resting HR.
    pub const fn daily() -> Self {
        Self {
            activity_days: 14,
            wellness_days: 30,
            threshold_check: true,
            threshold_full: false,
            resting_hr: true,
            priority: Priority::Background,
        }
    }

    /// Everything: the daily windows plus the full 12-month threshold recalculation.
    pub const fn full() -> Self {
        Self {
            threshold_full: true,
            ..Self::daily()
        }
    }
}

/// A threshold that moved and was adopted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdChange {
    /// Field name (`ftp_w`, `threshold_speed_mps`, `lthr_bpm`, `max_hr_bpm`, `resting_hr_bpm`).
    pub field: String,
    /// Value in force before, if any.
    pub before: Option<f64>,
    /// The adopted value.
    pub after: f64,
    /// Its effective date.
    pub effective_from: String,
}

/// A step that failed while the others went on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncIssue {
    /// `strava.token`, `strava.activities`, `strava.streams`, `intervals.wellness`, `utl`,
    /// `thresholds`.
    pub step: String,
    /// Error class (`retryable`, `permanent`, `needs_reauth`, `rate_limited`).
    pub class: String,
    /// What happened (never a secret).
    pub message: String,
}

/// The report of one sync (a sync task's `detail`; read back with every field defaulted, so a
/// report of an older version still reads).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncReport {
    /// Activities inserted.
    pub new_activities: u32,
    /// Activities whose content changed.
    pub updated_activities: u32,
    /// Activities soft-deleted.
    pub deleted_activities: u32,
    /// Stream sets fetched.
    pub streams_fetched: u32,
    /// Wellness days upserted (inserted or changed).
    pub wellness_days: u32,
    /// Thresholds adopted.
    pub thresholds_changed: Vec<ThresholdChange>,
    /// Loads (re)computed.
    pub utl_recalculated: u32,
    /// Provider calls made, by provider.
    pub api_calls: BTreeMap<String, u32>,
    /// Wall time, ms.
    pub duration_ms: u64,
    /// Steps that failed.
    pub errors: Vec<SyncIssue>,
    /// The user has a connected Strava integration.
    pub has_strava: bool,
    /// The user has a connected Intervals.icu integration.
    pub has_intervals: bool,
    /// When a rate-limited step may run again, epoch ms (`None`: nothing was rate limited).
    pub retry_at_ms: Option<i64>,
    /// Each connected provider's outcome, by provider (`strava`, `intervals`): `ok`,
    /// `skipped` (not read in this sync), or the class of the failure that decides it (see
    /// [`SyncReport::provider_outcome`]).
    pub providers: BTreeMap<String, String>,
}

impl SyncReport {
    /// Records a failed step.
    pub(crate) fn issue(&mut self, step: &str, class: &str, message: impl Into<String>) {
        self.errors.push(SyncIssue {
            step: step.to_owned(),
            class: class.to_owned(),
            message: message.into(),
        });
    }

    /// The outcome of `provider`'s steps (those named `provider.…`): the class of its failure
    /// that decides what happens next — a rate-limit wait first (the retry after the window
    /// re-runs every step), then a transient failure, then re-authorisation, then a permanent
    /// failure — or `None` when none of its steps failed.
    pub fn provider_outcome(&self, provider: &str) -> Option<&'static str> {
        let failed = |class: &str| {
            self.errors
                .iter()
                .any(|e| e.class == class && step_provider(&e.step) == provider)
        };
        ISSUE_PRECEDENCE.into_iter().find(|class| failed(class))
    }

    /// Counts one provider call.
    pub(crate) fn count_call(&mut self, provider: &str, calls: u32) {
        *self.api_calls.entry(provider.to_owned()).or_default() += calls;
    }
}

/// Failure classes, the one that decides an outcome first.
pub(crate) const ISSUE_PRECEDENCE: [&str; 4] =
    ["rate_limited", "retryable", "needs_reauth", "permanent"];

/// The provider (or other part) a step belongs to: `strava` for `strava.streams[12]`.
pub(crate) fn step_provider(step: &str) -> &str {
    step.split(['.', '[']).next().unwrap_or(step)
}

/// Why a sync as a whole could not run (partial failures are in [`SyncReport::errors`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// No such user.
    #[error("user {0} not found")]
    UserNotFound(i64),
    /// The rate budget is exhausted until this instant (epoch ms).
    #[error("rate budget exhausted until {until_ms}")]
    RateLimited {
        /// When to try again.
        until_ms: i64,
    },
    /// Try again later.
    #[error("retryable: {0}")]
    Retryable(String),
    /// Do not retry.
    #[error("permanent: {0}")]
    Permanent(String),
}

impl From<crate::store::StoreError> for SyncError {
    fn from(error: crate::store::StoreError) -> Self {
        match error {
            crate::store::StoreError::NotFound => Self::Permanent(error.to_string()),
            other => Self::Retryable(other.to_string()),
        }
    }
}

/// Why one step stopped: the provider (reported, the sync goes on) or the store (the sync stops).
#[derive(Debug)]
pub(crate) enum Failure {
    /// A classified provider error.
    Provider(providers::ProviderError),
    /// A database error.
    Store(crate::store::StoreError),
}

impl From<providers::ProviderError> for Failure {
    fn from(error: providers::ProviderError) -> Self {
        Self::Provider(error)
    }
}

impl From<crate::store::StoreError> for Failure {
    fn from(error: crate::store::StoreError) -> Self {
        Self::Store(error)
    }
}

/// The report's name for an error class.
pub(crate) fn class_name(class: providers::ErrorClass) -> &'static str {
    match class {
        providers::ErrorClass::Retryable => "retryable",
        providers::ErrorClass::Permanent => "permanent",
        providers::ErrorClass::NeedsReauth => "needs_reauth",
        providers::ErrorClass::RateLimited { .. } => "rate_limited",
    }
}
