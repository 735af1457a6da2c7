//! The read model: what the athlete API and the pages show, computed from the store with the
//! science crate. Both interfaces call these functions and render the same types, so they always
//! agree; the functions answer domain errors ([`ReadError`]) and each interface decides how to
//! show them (`http` maps them to its JSON errors).

pub mod activities;
pub mod activity_list;
pub mod dashboard;
pub mod fitness;
pub mod history;
pub mod range;
pub mod recommend;
pub mod status;
pub mod wellness;
pub mod zone_times;

pub use dashboard::{AcwrView, Dashboard, PmcPoint, PmcSeries, dashboard, pmc, pmc_between};
pub use fitness::{PowerCurve, ThresholdEntry, power_curve, thresholds_history};
pub use history::{
    History, ThresholdsInForce, history, history_covering, local_today, thresholds_on, today_of,
};
pub use range::DateRange;
pub use status::{NextSync, SyncStatus, next_sync, sync_status};
pub use wellness::{WellnessDay, wellness_series};

pub(crate) use crate::sync::{add_days, local};

use crate::store::StoreError;

/// Why a read could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// No such thing (an unknown user, another athlete's activity, …).
    #[error("no such {0}")]
    NotFound(&'static str),
    /// A parameter that cannot be read (a malformed date, a range too long, …).
    #[error("{message}")]
    Invalid {
        /// Stable machine code (`invalid_date`, `invalid_range`, …).
        code: &'static str,
        /// What is wrong, for people.
        message: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The scheduler failed (reading the next sync).
    #[error(transparent)]
    Queue(#[from] queue::QueueError),
    /// A calculation failed.
    #[error("{0}")]
    Failed(String),
}

impl ReadError {
    /// An unreadable parameter with machine `code`.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    /// A failed calculation, keeping its cause's text.
    pub fn failed(cause: impl std::fmt::Display) -> Self {
        Self::Failed(cause.to_string())
    }
}
