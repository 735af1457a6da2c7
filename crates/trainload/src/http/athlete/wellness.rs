//! The athlete's wellness series, shared by the `/wellness` page and the API: each day's
//! readings (resting HR, HRV, sleep, readiness) and the wellness modifier SCIENCE.md §6 gives
//! an activity on that day, with its components.

use jiff::civil::Date;
use science::wellness::{ComponentOutcome, WellnessHistory};
use serde::Serialize;

use super::data::{add_days, local};
use crate::http::ApiError;
use crate::store::users::UserId;
use crate::store::{Store, wellness};

/// One component of a day's modifier.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentView {
    /// `hrv`, `resting_hr`, `sleep_duration`, `sleep_quality`, `readiness` or `subjective`.
    pub name: &'static str,
    /// Its multiplier (1.0 when missing).
    pub multiplier: f64,
    /// The band it fell into, or why it is missing.
    pub label: &'static str,
}

/// One day of wellness.
#[derive(Debug, Clone, Serialize)]
pub struct WellnessDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Resting heart rate, bpm.
    pub resting_hr_bpm: Option<i64>,
    /// HRV rMSSD, ms.
    pub hrv_rmssd_ms: Option<f64>,
    /// Time asleep, hours.
    pub sleep_h: Option<f64>,
    /// Device sleep score.
    pub sleep_score: Option<f64>,
    /// Device readiness.
    pub readiness: Option<f64>,
    /// The modifier an activity on this day gets (clamped).
    pub modifier: f64,
    /// `green`, `amber`, `red` or `unknown`.
    pub status: &'static str,
    /// The six components in multiplication order.
    pub components: Vec<ComponentView>,
}

/// Every day `from..=to`, oldest first (days without a record still carry their modifier,
/// which the trailing baselines may move).
///
/// # Errors
/// 500 for a store failure.
pub async fn wellness_series(
    store: &Store,
    user: UserId,
    from: Date,
    to: Date,
) -> Result<Vec<WellnessDay>, ApiError> {
    let cfg = science::Config::default().wellness;
    let lookback = i64::from(cfg.longest_lookback_days());
    let records = wellness::range(store, user, add_days(from, -lookback), to).await?;
    let science_records: Vec<_> = records.iter().map(crate::sync::science_wellness).collect();
    let history = WellnessHistory::new(&science_records, &cfg);
    let by_day: std::collections::BTreeMap<Date, &wellness::WellnessRecord> =
        records.iter().map(|r| (r.day, r)).collect();
    let mut days = Vec::new();
    let mut day = from;
    while day <= to {
        let modifier = history.modifier(local(day), &cfg);
        let record = by_day.get(&day);
        days.push(WellnessDay {
            date: day.to_string(),
            resting_hr_bpm: record.and_then(|r| r.resting_hr_bpm),
            hrv_rmssd_ms: record.and_then(|r| r.hrv_rmssd_ms),
            sleep_h: record.and_then(|r| r.sleep_s).map(|s| s as f64 / 3600.0),
            sleep_score: record.and_then(|r| r.sleep_score),
            readiness: record.and_then(|r| r.readiness),
            modifier: modifier.value,
            status: modifier.status.as_str(),
            components: modifier
                .components
                .iter()
                .map(|c| ComponentView {
                    name: c.kind.as_str(),
                    multiplier: c.multiplier(),
                    label: match c.outcome {
                        ComponentOutcome::Band { label, .. } => label,
                        ComponentOutcome::Missing { reason } => reason,
                    },
                })
                .collect(),
        });
        day = add_days(day, 1);
    }
    Ok(days)
}
