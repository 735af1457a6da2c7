//! The wellness series, shared by the API, the `/wellness` page and the dashboard's recovery
//! card: each stored day's readings with the wellness modifier (docs/science.md §6) that day's
//! activities get, and its components.

use science::wellness::WellnessHistory;
use serde::Serialize;
use utoipa::ToSchema;

use super::ReadError;
use super::range::DateRange;
use super::{add_days, local};
use crate::store::provenance::ModifierRecord;
use crate::store::users::UserId;
use crate::store::{Store, wellness};

/// One day of wellness.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WellnessDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Resting heart rate, bpm.
    pub resting_hr_bpm: Option<i64>,
    /// HRV rMSSD, ms.
    pub hrv_rmssd_ms: Option<f64>,
    /// HRV SDNN, ms.
    pub hrv_sdnn_ms: Option<f64>,
    /// Time asleep, s.
    pub sleep_s: Option<i64>,
    /// Device sleep score.
    pub sleep_score: Option<f64>,
    /// Subjective sleep quality, 1 (good) – 4.
    pub sleep_quality: Option<u8>,
    /// Device readiness score.
    pub readiness: Option<f64>,
    /// Soreness, 1 (none) – 4.
    pub soreness: Option<u8>,
    /// Fatigue, 1 (none) – 4.
    pub fatigue: Option<u8>,
    /// The modifier an activity on this day gets (0.80 – 1.10; 1.0 without data).
    pub modifier: f64,
    /// `green`, `amber`, `red` or `unknown` (no component had data).
    pub status: &'static str,
    /// The components with their inputs and bands, the raw product and the clamp, in the form
    /// activity loads store them.
    pub modifier_components: ModifierRecord,
}

/// `user`'s stored wellness days within `range`, oldest first.
///
/// # Errors
/// A store failure.
pub async fn wellness_series(
    store: &Store,
    user: UserId,
    range: DateRange,
) -> Result<Vec<WellnessDay>, ReadError> {
    let cfg = science::Config::default().wellness;
    // The baselines look back before the range's first day.
    let first = add_days(range.from, -i64::from(cfg.longest_lookback_days()));
    let rows = wellness::range(store, user, first, range.to).await?;
    let records: Vec<_> = rows.iter().map(crate::sync::science_wellness).collect();
    let history = WellnessHistory::new(&records, &cfg);
    Ok(rows
        .iter()
        .filter(|r| r.day >= range.from)
        .map(|r| {
            let modifier = history.modifier(local(r.day), &cfg);
            WellnessDay {
                date: r.day.to_string(),
                resting_hr_bpm: r.resting_hr_bpm,
                hrv_rmssd_ms: r.hrv_rmssd_ms,
                hrv_sdnn_ms: r.hrv_sdnn_ms,
                sleep_s: r.sleep_s,
                sleep_score: r.sleep_score,
                sleep_quality: r.sleep_quality,
                readiness: r.readiness,
                soreness: r.soreness,
                fatigue: r.fatigue,
                modifier: modifier.value,
                status: modifier.status.as_str(),
                modifier_components: ModifierRecord::from(&modifier),
            }
        })
        .collect())
}
