//! The application-wide rate budget every provider call passes through.
//!
//! Strava limits an application, all athletes and all our processes together. The budget lives
//! where every process can see it (the database: `store::budget` in the application crate
//! implements [`RateBudget`] over the `api_budget` table). A client reserves one unit in every
//! bucket before a call and reconciles the buckets with the limits and usage the provider
//! reports after it. A refused reservation means the call is not made.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

/// A boxed future, so that [`RateBudget`] can be used as `Arc<dyn RateBudget>`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A provider we import from (and whose budget rows we keep), stored and serialised as
/// `strava` or `intervals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Strava API v3 (per-application 15-minute and daily limits).
    Strava,
    /// Intervals.icu (a shared per-minute row).
    Intervals,
}

impl Provider {
    /// Both providers.
    pub const ALL: [Self; 2] = [Self::Strava, Self::Intervals];

    /// The stored text: `strava` or `intervals`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Strava => "strava",
            Self::Intervals => "intervals",
        }
    }

    /// The provider's own name, for people.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Strava => "Strava",
            Self::Intervals => "Intervals.icu",
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider text no variant has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider {0:?}")]
pub struct UnknownProvider(pub String);

impl std::str::FromStr for Provider {
    type Err = UnknownProvider;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == text)
            .ok_or_else(|| UnknownProvider(text.to_owned()))
    }
}

/// How much of a bucket's limit a call may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority {
    /// A person is waiting (first onboarding page, "sync now", disconnect): the whole limit.
    Interactive,
    /// Following up a webhook event: the whole limit.
    Webhook,
    /// Schedules, backfills, stream catch-up: the limit less the configured reserve.
    Background,
}

/// One rate-limit bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// All requests, 15-minute window starting at :00, :15, :30, :45 UTC.
    Overall15m,
    /// All requests, UTC day.
    OverallDay,
    /// Read requests, 15-minute window.
    Read15m,
    /// Read requests, UTC day.
    ReadDay,
    /// Intervals.icu's shared per-minute row.
    Minute,
}

impl Bucket {
    /// The `bucket` column value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Overall15m => "overall_15m",
            Self::OverallDay => "overall_day",
            Self::Read15m => "read_15m",
            Self::ReadDay => "read_day",
            Self::Minute => "minute",
        }
    }

    /// Length of the bucket's window, ms.
    pub const fn window_ms(self) -> i64 {
        match self {
            Self::Overall15m | Self::Read15m => 15 * 60 * 1000,
            Self::OverallDay | Self::ReadDay => 24 * 60 * 60 * 1000,
            Self::Minute => 60 * 1000,
        }
    }

    /// Start of the window containing `now_ms` (windows are aligned to the UTC epoch).
    pub const fn window_start_ms(self, now_ms: i64) -> i64 {
        now_ms - now_ms.rem_euclid(self.window_ms())
    }
}

/// The limit and usage a provider reported for one bucket in a response's headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    /// The bucket.
    pub bucket: Bucket,
    /// The provider's limit for the window.
    pub limit: u32,
    /// The provider's count of requests in the window, ours and other processes'.
    pub usage: u32,
}

/// Why a reservation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    /// A bucket is full: no call until `until_ms` (epoch ms, the latest reset among the full
    /// buckets). Retryable without consuming an attempt.
    #[error("rate budget exhausted until {until_ms} ms")]
    Exhausted {
        /// When the call may be tried again, epoch ms.
        until_ms: i64,
    },
    /// The budget could not be read or written (a database error); the call is not made.
    #[error("rate budget unavailable: {0}")]
    Unavailable(String),
}

/// The shared budget. Implementations must be safe to use from many tasks and processes at once.
pub trait RateBudget: Send + Sync + Debug {
    /// Reserves one request in every bucket of `provider` at `priority`, all or nothing.
    fn reserve(
        &self,
        provider: Provider,
        priority: Priority,
    ) -> BoxFuture<'_, Result<(), BudgetError>>;

    /// Records what the provider reported after a response: `used = max(used, usage)`,
    /// `lim = limit` in the current windows.
    fn reconcile<'a>(
        &'a self,
        provider: Provider,
        observed: &'a [Observed],
    ) -> BoxFuture<'a, Result<(), BudgetError>>;

    /// Records a 429 for `bucket`: the window is full until it resets. Returns that reset time,
    /// epoch ms.
    fn exhaust(
        &self,
        provider: Provider,
        bucket: Bucket,
    ) -> BoxFuture<'_, Result<i64, BudgetError>>;
}
