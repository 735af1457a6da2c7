//! Thresholds the athlete sets by hand (FTP, running threshold pace, LTHR, max and resting HR),
//! effective from a date: recorded as a `manual` entry, which wins over every estimate for the
//! fields it carries (docs/science.md, "Thresholds the athlete sets"), and removable, after which the estimates apply
//! again. Either way the loads dated on or after the entry's date are recomputed at once. The
//! JSON API and the `/fitness` form both come here.

use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::http::{ApiError, AppState};
use crate::store::thresholds::{
    self, NewThresholdSet, ThresholdSetId, ThresholdSource, ThresholdValues,
};
use crate::store::users::UserId;
use crate::sync::SyncContext;

/// Plausible bounds of each hand-set value (inclusive).
const FTP_W: (f64, f64) = (20.0, 1000.0);
/// Threshold speed, m/s: 2:05/km … 33:20/km.
const SPEED_MPS: (f64, f64) = (0.5, 8.0);
const LTHR_BPM: (f64, f64) = (80.0, 230.0);
const MAX_HR_BPM: (f64, f64) = (100.0, 250.0);
const RESTING_HR_BPM: (f64, f64) = (25.0, 120.0);

/// `PUT /api/v1/me/thresholds`: the values to set from a date. At least one value; give the
/// running threshold either as a pace (seconds per km) or as a speed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualThresholds {
    /// First day the values apply to, `YYYY-MM-DD` (default: the athlete's today).
    pub effective_from: Option<String>,
    /// Functional threshold power, W (20–1000).
    pub ftp_w: Option<f64>,
    /// Running threshold pace, seconds per kilometre (e.g. 270 for 4:30/km).
    pub threshold_pace_s_per_km: Option<f64>,
    /// Running threshold speed, m/s (0.5–8), instead of the pace.
    pub threshold_speed_mps: Option<f64>,
    /// Lactate threshold heart rate, bpm (80–230).
    pub lthr_bpm: Option<f64>,
    /// Maximum heart rate, bpm (100–250).
    pub max_hr_bpm: Option<f64>,
    /// Resting heart rate, bpm (25–120).
    pub resting_hr_bpm: Option<f64>,
}

/// What a manual change did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ManualOutcome {
    /// The entry set (or removed).
    pub id: i64,
    /// Its first day, `YYYY-MM-DD`; loads from this day on were recomputed.
    pub effective_from: String,
    /// Loads whose value changed.
    pub loads_recomputed: u32,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_thresholds", message)
}

fn bounded(name: &str, value: Option<f64>, (lo, hi): (f64, f64)) -> Result<Option<f64>, ApiError> {
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && lo <= v && v <= hi => Ok(Some(v)),
        Some(v) => Err(invalid(format!("{name} {v} is outside {lo}–{hi}"))),
    }
}

impl ManualThresholds {
    /// The checked values and date (`today` when none is given).
    fn validate(&self, today: Date) -> Result<(Date, ThresholdValues), ApiError> {
        let effective_from = match self.effective_from.as_deref().map(str::trim) {
            None | Some("") => today,
            Some(text) => text
                .parse::<Date>()
                .map_err(|_| invalid(format!("effective_from {text:?} is not YYYY-MM-DD")))?,
        };
        if effective_from < Date::constant(2000, 1, 1) {
            return Err(invalid("effective_from must be in 2000 or later"));
        }
        let speed = match (self.threshold_pace_s_per_km, self.threshold_speed_mps) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "give threshold_pace_s_per_km or threshold_speed_mps, not both",
                ));
            }
            (Some(pace), None) if pace.is_finite() && pace > 0.0 => Some(1000.0 / pace),
            (Some(pace), None) => {
                return Err(invalid(format!("threshold pace {pace} s/km is not a pace")));
            }
            (None, speed) => speed,
        };
        let values = ThresholdValues {
            ftp_w: bounded("ftp_w", self.ftp_w, FTP_W)?,
            threshold_speed_mps: bounded("threshold speed (m/s)", speed, SPEED_MPS)?,
            lthr_bpm: bounded("lthr_bpm", self.lthr_bpm, LTHR_BPM)?,
            max_hr_bpm: bounded("max_hr_bpm", self.max_hr_bpm, MAX_HR_BPM)?,
            resting_hr_bpm: bounded("resting_hr_bpm", self.resting_hr_bpm, RESTING_HR_BPM)?,
            ..ThresholdValues::default()
        };
        if values == ThresholdValues::default() {
            return Err(invalid("set at least one threshold"));
        }
        if let (Some(lthr), Some(max)) = (values.lthr_bpm, values.max_hr_bpm)
            && lthr >= max
        {
            return Err(invalid("LTHR must be below max HR"));
        }
        if let (Some(rest), Some(lthr)) = (values.resting_hr_bpm, values.lthr_bpm)
            && rest >= lthr
        {
            return Err(invalid("resting HR must be below LTHR"));
        }
        Ok((effective_from, values))
    }
}

/// The sync context that recomputes loads: the server's, or one over the store alone (a
/// recomputation reads nothing from the providers).
pub(super) fn context(state: &AppState) -> SyncContext {
    state.providers.clone().unwrap_or_else(|| SyncContext {
        store: state.store.clone(),
        strava: None,
        intervals: None,
        science: Arc::new(science::Config::default()),
        clock: Arc::new(queue::SystemClock),
        planner: crate::planner::PlannerSettings::default(),
        push: crate::push::Push::disabled(),
    })
}

async fn recompute(state: &AppState, user: UserId, from: Date) -> Result<u32, ApiError> {
    crate::sync::recompute_from(&context(state), user, from)
        .await
        .map_err(ApiError::internal)
}

/// Records `input` as a manual entry of `user` and recomputes the loads from its date.
///
/// # Errors
/// 400 `invalid_thresholds` for a missing, malformed or implausible value; 500 otherwise.
pub async fn set(
    state: &AppState,
    user: UserId,
    input: &ManualThresholds,
) -> Result<ManualOutcome, ApiError> {
    let today = crate::read::today_of(&state.store, user).await?;
    let (effective_from, values) = input.validate(today)?;
    let now_ms = jiff::Timestamp::now().as_millisecond();
    let set = NewThresholdSet {
        user,
        effective_from,
        source: ThresholdSource::Manual,
        method: "manual".to_owned(),
        values,
        evidence: json!({"set_by": "athlete"}),
        as_of: None,
        calc_version: crate::sync::calc_version(),
    };
    let id = thresholds::add(&state.store, &set, now_ms).await?;
    let loads_recomputed = recompute(state, user, effective_from).await?;
    Ok(ManualOutcome {
        id: id.0,
        effective_from: effective_from.to_string(),
        loads_recomputed,
    })
}

/// Removes `user`'s manual entry `id` and recomputes the loads from its date (the estimates in
/// force then apply again).
///
/// # Errors
/// 404 when `id` is not a manual entry of `user` (estimates cannot be removed); 500 otherwise.
pub async fn remove(state: &AppState, user: UserId, id: i64) -> Result<ManualOutcome, ApiError> {
    let Some(effective_from) =
        thresholds::delete_manual(&state.store, user, ThresholdSetId(id)).await?
    else {
        return Err(ApiError::not_found("manual threshold entry"));
    };
    let loads_recomputed = recompute(state, user, effective_from).await?;
    Ok(ManualOutcome {
        id,
        effective_from: effective_from.to_string(),
        loads_recomputed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pace_becomes_a_speed_and_bad_values_are_refused() {
        let today = Date::constant(2026, 6, 1);
        let input = ManualThresholds {
            threshold_pace_s_per_km: Some(250.0),
            ..ManualThresholds::default()
        };
        let (day, v) = input.validate(today).unwrap();
        assert_eq!(day, today);
        assert_eq!(v.threshold_speed_mps, Some(4.0));
        for bad in [
            ManualThresholds::default(),
            ManualThresholds {
                ftp_w: Some(5000.0),
                ..ManualThresholds::default()
            },
            ManualThresholds {
                lthr_bpm: Some(190.0),
                max_hr_bpm: Some(180.0),
                ..ManualThresholds::default()
            },
            ManualThresholds {
                ftp_w: Some(250.0),
                effective_from: Some("01/06/2026".into()),
                ..ManualThresholds::default()
            },
            ManualThresholds {
                threshold_pace_s_per_km: Some(250.0),
                threshold_speed_mps: Some(4.0),
                ..ManualThresholds::default()
            },
        ] {
            assert!(bad.validate(today).is_err(), "{bad:?}");
        }
    }
}
