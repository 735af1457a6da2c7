//! The five-day recommendations (docs/science.md §11) over the stored history, thresholds in effect
//! today and today's wellness status.

use science::SportClass;
use science::recommend::{
    DayPlan, DaySport, HistoryActivity, IntensityGuidance, LoadMethod, PlanMode, RecommendInput,
    ValueRange,
};
use science::wellness::WellnessStatus;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::ReadError;
use super::{History, add_days, local};
use crate::store::loaded_activities::LoadedActivity;
use crate::store::{Store, wellness};

/// Days of wellness the status looks at (the baselines need a few weeks).
const WELLNESS_DAYS: i64 = 60;

/// One planned day as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayView {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `rest`, `easy`, `moderate` or `hard`.
    pub intensity: &'static str,
    /// `running`, `cycling`, `swimming`, `other` or `any`.
    pub sport: &'static str,
    /// Planned UTL: `{lo, rec, hi}`.
    pub utl: Value,
    /// Duration, minutes: `{lo, rec, hi}` or null.
    pub duration_min: Value,
    /// Distance, km: `{lo, rec, hi}` or null.
    pub distance_km: Value,
    /// How hard, in the athlete's units, or null.
    pub guidance: Value,
    /// Why.
    pub rationale: String,
}

/// `GET /api/v1/me/recommendations`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recommendations {
    /// The first planned day.
    pub as_of: String,
    /// `green`, `amber`, `red` or `unknown`.
    pub wellness_status: &'static str,
    /// The numbers behind the plan.
    pub state: Value,
    /// Today and the next four days.
    pub days: Vec<DayView>,
}

/// The plan from the athlete's local today; activities already done today (their local date)
/// reduce today's target.
///
/// # Errors
/// A store or calculation failure.
pub async fn recommendations(
    store: &Store,
    history: &History,
) -> Result<Recommendations, ReadError> {
    let cfg = science::Config::default();
    let values = super::thresholds_on(store, history.user.id, history.today).await?;
    let status = wellness_status(store, history, &cfg).await?;
    let input = RecommendInput {
        as_of: local(history.today),
        history: history_of(&super::history::loaded_activities(store, history).await?),
        ftp_w: values.ftp_w,
        threshold_speed_mps: values.threshold_speed_mps,
        lthr_bpm: values.lthr_bpm,
        wellness: status,
    };
    let plan = science::recommend::recommend(&input, &cfg.recommend, &cfg.load, &cfg.utl.sports)
        .map_err(ReadError::failed)?;
    let st = plan.state;
    Ok(Recommendations {
        as_of: plan.as_of.to_string(),
        wellness_status: status.as_str(),
        state: json!({
            "ctl": st.ctl, "atl": st.atl, "tsb": st.tsb,
            // The overall ratio on today and its band: the same function and the same value as
            // the overview's ACWR card (today's completed activities included).
            "acwr": st.acwr.ratio(),
            "acwr_band": st.acwr.band().map_or("insufficient_data", |b| b.as_str()),
            "chronic_weekly_utl": st.chronic_weekly_utl,
            "last_week_utl": st.last_week_utl,
            "target_week_utl": st.target_week_utl,
            "mode": match st.mode { PlanMode::Building => "building", PlanMode::Normal => "normal" },
            "reduced": st.reduced,
            "done_today_utl": st.done_today_utl,
            "planned_today_utl": st.planned_today_utl,
        }),
        days: plan.days.iter().map(day_view).collect(),
    })
}

fn history_of(activities: &[LoadedActivity]) -> Vec<HistoryActivity> {
    activities
        .iter()
        .filter_map(|a| {
            let method = match a.method.as_str() {
                "power" => LoadMethod::Power,
                "pace" => LoadMethod::Pace,
                "hr" | "hr_avg" => LoadMethod::Hr,
                "estimated" => LoadMethod::Estimated,
                _ => return None,
            };
            Some(HistoryActivity {
                date: local(a.local_date),
                class: SportClass::of(&a.sport_type),
                utl: a.utl.max(0.0),
                base_load: a.base_load.max(0.0),
                intensity_factor: a.intensity_factor,
                method,
                distance_m: a.distance_m,
                moving_time_s: a.moving_s.or(a.elapsed_s).map_or(0.0, |s| s as f64),
            })
        })
        .collect()
}

async fn wellness_status(
    store: &Store,
    history: &History,
    cfg: &science::Config,
) -> Result<WellnessStatus, ReadError> {
    let from = add_days(history.today, -WELLNESS_DAYS);
    let rows = wellness::range(store, history.user.id, from, history.today).await?;
    let records: Vec<_> = rows.iter().map(crate::sync::science_wellness).collect();
    let modifier = science::wellness::modifier(&records, local(history.today), &cfg.wellness);
    Ok(modifier.status)
}

fn day_view(day: &DayPlan) -> DayView {
    DayView {
        date: day.date.to_string(),
        intensity: day.intensity.as_str(),
        sport: match day.sport {
            DaySport::Group(group) => group.as_str(),
            DaySport::Any => "any",
        },
        utl: range(Some(day.utl)),
        duration_min: range(day.duration_min),
        distance_km: range(day.distance_km),
        guidance: day.guidance.map_or(Value::Null, guidance),
        rationale: day.rationale.clone(),
    }
}

fn range(r: Option<ValueRange>) -> Value {
    r.map_or(
        Value::Null,
        |r| json!({"lo": r.lo, "rec": r.rec, "hi": r.hi}),
    )
}

fn guidance(g: IntensityGuidance) -> Value {
    match g {
        IntensityGuidance::PowerW { lo, hi } => json!({"kind": "power_w", "lo": lo, "hi": hi}),
        IntensityGuidance::SpeedMps { lo, hi } => {
            json!({"kind": "speed_mps", "lo": lo, "hi": hi})
        }
        IntensityGuidance::HeartRateBpm { lo, hi } => {
            json!({"kind": "heart_rate_bpm", "lo": lo, "hi": hi})
        }
    }
}
