//! The five-day recommendations (docs/science.md §11) over the stored history, thresholds in effect
//! today and today's wellness status.

use science::SportClass;
use science::load::DaySums;
use science::recommend::{
    DayPlan, DaySport, HistoryActivity, IntensityGuidance, LoadMethod, PlanMode, RecommendConfig,
    RecommendInput, ValueRange,
};
use science::utl::Method;
use science::wellness::WellnessStatus;
use serde::Serialize;
use utoipa::ToSchema;

use super::ReadError;
use super::history::HISTORY_DAYS;
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
    /// Planned UTL.
    pub utl: RangeView,
    /// Duration, minutes; null on a rest day.
    pub duration_min: Option<RangeView>,
    /// Distance, km; null where the sport has no pace to plan by.
    pub distance_km: Option<RangeView>,
    /// How hard, or null.
    pub guidance: Option<GuidanceView>,
    /// Why.
    pub rationale: String,
}

/// A planned quantity: the recommended value within its range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct RangeView {
    /// Least.
    pub lo: f64,
    /// Recommended.
    pub rec: f64,
    /// Most.
    pub hi: f64,
}

impl From<ValueRange> for RangeView {
    fn from(r: ValueRange) -> Self {
        Self {
            lo: r.lo,
            rec: r.rec,
            hi: r.hi,
        }
    }
}

/// How hard a planned day is, as a range of power, speed or heart rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GuidanceView {
    /// Watts.
    PowerW {
        /// Least.
        lo: f64,
        /// Most.
        hi: f64,
    },
    /// Running speed, m/s.
    SpeedMps {
        /// Slowest.
        lo: f64,
        /// Fastest.
        hi: f64,
    },
    /// Heart rate, bpm; an easy day has only a ceiling.
    HeartRateBpm {
        /// Least, if any.
        lo: Option<f64>,
        /// Most.
        hi: f64,
    },
}

/// The numbers behind a plan.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlanState {
    /// Fitness.
    pub ctl: f64,
    /// Fatigue.
    pub atl: f64,
    /// Form.
    pub tsb: f64,
    /// The overall ratio on today, the same value as the overview's ACWR card (today's
    /// completed activities included); null without enough history.
    pub acwr: Option<f64>,
    /// Its band, or `insufficient_data`.
    pub acwr_band: &'static str,
    /// The chronic load as a weekly figure.
    pub chronic_weekly_utl: f64,
    /// The last seven days' load.
    pub last_week_utl: f64,
    /// The week's target.
    pub target_week_utl: f64,
    /// `building` (a short history) or `normal`.
    pub mode: &'static str,
    /// Whether the target was reduced for a high ratio or deep fatigue.
    pub reduced: bool,
    /// Load already done today.
    pub done_today_utl: f64,
    /// Load planned for the rest of today.
    pub planned_today_utl: f64,
}

/// `GET /api/v1/me/recommendations`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recommendations {
    /// The first planned day.
    pub as_of: String,
    /// `green`, `amber`, `red` or `unknown`.
    pub wellness_status: &'static str,
    /// The numbers behind the plan.
    pub state: PlanState,
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
    let input = plan_input(store, history, &cfg).await?;
    let status = input.wellness;
    let plan = science::recommend::recommend(&input, &cfg.recommend, &cfg.load, &cfg.utl.sports)
        .map_err(ReadError::failed)?;
    let st = plan.state;
    Ok(Recommendations {
        as_of: plan.as_of.to_string(),
        wellness_status: status.as_str(),
        state: PlanState {
            ctl: st.ctl,
            atl: st.atl,
            tsb: st.tsb,
            acwr: st.acwr.ratio(),
            acwr_band: st.acwr.band().map_or("insufficient_data", |b| b.as_str()),
            chronic_weekly_utl: st.chronic_weekly_utl,
            last_week_utl: st.last_week_utl,
            target_week_utl: st.target_week_utl,
            mode: match st.mode {
                PlanMode::Building => "building",
                PlanMode::Normal => "normal",
            },
            reduced: st.reduced,
            done_today_utl: st.done_today_utl,
            planned_today_utl: st.planned_today_utl,
        },
        days: plan.days.iter().map(day_view).collect(),
    })
}

/// What the plan is computed from: the stored day sums of three years, the activities of its
/// detail window, today's thresholds and wellness status.
///
/// # Errors
/// A store failure.
pub async fn plan_input(
    store: &Store,
    history: &History,
    cfg: &science::Config,
) -> Result<RecommendInput, ReadError> {
    let values = super::thresholds_on(store, history.user.id, history.today).await?;
    let as_of = local(history.today);
    Ok(RecommendInput {
        as_of,
        daily: plan_days(history),
        recent: recent_activities(store, history, as_of, &cfg.recommend).await?,
        ftp_w: values.ftp_w,
        threshold_speed_mps: values.threshold_speed_mps,
        lthr_bpm: values.lthr_bpm,
        wellness: wellness_status(store, history, cfg).await?,
    })
}

/// The day sums of the three years the plan has always looked at (a longer history read for a
/// PMC range would move its seed).
fn plan_days(history: &History) -> Vec<DaySums> {
    let first = local(add_days(history.today, -HISTORY_DAYS));
    history
        .days
        .iter()
        .filter(|d| d.date >= first)
        .copied()
        .collect()
}

/// The activities the plan reads one by one: those of its detail window (90 days). After a
/// break that leaves none of them before today, the sport of the days follows the latest
/// earlier activity, so the three years are read then (rare, and what was always read).
async fn recent_activities(
    store: &Store,
    history: &History,
    as_of: science::LocalDate,
    cfg: &RecommendConfig,
) -> Result<Vec<HistoryActivity>, ReadError> {
    let window = i64::from(cfg.detail_days());
    let recent =
        planned_activities(&super::history::loaded_activities(store, history, window).await?);
    if recent.iter().any(|a| a.date < as_of) {
        return Ok(recent);
    }
    let all = super::history::loaded_activities(store, history, HISTORY_DAYS).await?;
    Ok(planned_activities(&all))
}

/// Stored activities as the plan takes them; those without a load method (no load) are left
/// out.
pub fn planned_activities(activities: &[LoadedActivity]) -> Vec<HistoryActivity> {
    activities
        .iter()
        .filter_map(|a| {
            let method = match a.method {
                Method::Power => LoadMethod::Power,
                Method::Pace => LoadMethod::Pace,
                Method::Hr | Method::HrAvg => LoadMethod::Hr,
                Method::Estimated => LoadMethod::Estimated,
                Method::None => return None,
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
        utl: day.utl.into(),
        duration_min: day.duration_min.map(Into::into),
        distance_km: day.distance_km.map(Into::into),
        guidance: day.guidance.map(guidance),
        rationale: day.rationale.clone(),
    }
}

fn guidance(g: IntensityGuidance) -> GuidanceView {
    match g {
        IntensityGuidance::PowerW { lo, hi } => GuidanceView::PowerW { lo, hi },
        IntensityGuidance::SpeedMps { lo, hi } => GuidanceView::SpeedMps { lo, hi },
        IntensityGuidance::HeartRateBpm { lo, hi } => GuidanceView::HeartRateBpm { lo, hi },
    }
}
