//! The athlete's fitness markers: every effective-dated threshold entry, and the power and
//! best-speed curves of a date window with the best efforts on them. The window curve is the
//! pointwise maximum of the stored per-activity envelopes (`store::power_curves`), merged with
//! `science::mmp::merge_window` exactly as threshold estimation does.

use std::collections::HashMap;

use jiff::civil::Date;
use science::mmp::{DatedCurve, MmpCurve, MmpPoint, WindowCurve, merge_window};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::activities::pace;
use super::data::local;
use super::range::DateRange;
use crate::http::ApiError;
use crate::store::Store;
use crate::store::activities::{self, ActivityId};
use crate::store::power_curves::{self, CurveKind, CurvePoint};
use crate::store::thresholds::{self, ThresholdSet};
use crate::store::users::UserId;

/// Durations the curves are sampled at for a chart, s (a log-like ladder from 1 s to 6 h).
const CHART_DURATIONS_S: [u32; 30] = [
    1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2400,
    3600, 4500, 5400, 7200, 9000, 10_800, 14_400, 21_600,
];
/// Durations of the best efforts, s: 5 s, 1, 5, 20 and 60 min.
const EFFORT_DURATIONS_S: [u32; 5] = [5, 60, 300, 1200, 3600];

/// One threshold entry, effective from a date until the next one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThresholdEntry {
    /// Id of the set (loads name it as the set they used).
    pub id: i64,
    /// First day the entry applies to, `YYYY-MM-DD`.
    pub effective_from: String,
    /// `manual`, `estimated` or `wellness`.
    pub source: &'static str,
    /// How it was found (`manual`, `cp_3param`, `mmp_95pct_20min`, …).
    pub method: String,
    /// Functional threshold power, W.
    pub ftp_w: Option<f64>,
    /// Critical power, W.
    pub cp_w: Option<f64>,
    /// W′, J.
    pub w_prime_j: Option<f64>,
    /// Threshold (critical) speed, m/s.
    pub threshold_speed_mps: Option<f64>,
    /// The threshold speed as a pace, `m:ss/km`.
    pub threshold_pace: Option<String>,
    /// D′, m.
    pub d_prime_m: Option<f64>,
    /// Lactate threshold heart rate, bpm.
    pub lthr_bpm: Option<f64>,
    /// Maximum heart rate, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Resting heart rate, bpm.
    pub resting_hr_bpm: Option<f64>,
    /// The efforts or readings that support it, as stored.
    pub evidence: Value,
    /// Data considered up to this day, `YYYY-MM-DD`.
    pub as_of: Option<String>,
    /// Recorded, epoch ms.
    pub created_at_ms: i64,
}

impl ThresholdEntry {
    fn of(stored: &ThresholdSet) -> Self {
        let set = &stored.set;
        let v = &set.values;
        Self {
            id: stored.id.0,
            effective_from: set.effective_from.to_string(),
            source: set.source.as_str(),
            method: set.method.clone(),
            ftp_w: v.ftp_w,
            cp_w: v.cp_w,
            w_prime_j: v.w_prime_j,
            threshold_speed_mps: v.threshold_speed_mps,
            threshold_pace: v.threshold_speed_mps.map(pace),
            d_prime_m: v.d_prime_m,
            lthr_bpm: v.lthr_bpm,
            max_hr_bpm: v.max_hr_bpm,
            resting_hr_bpm: v.resting_hr_bpm,
            evidence: set.evidence.clone(),
            as_of: set.as_of.map(|d| d.to_string()),
            created_at_ms: stored.created_at_ms,
        }
    }
}

/// Every threshold entry of `user`, oldest effective date first.
///
/// # Errors
/// 500 for a store failure.
pub async fn thresholds_history(
    store: &Store,
    user: UserId,
) -> Result<Vec<ThresholdEntry>, ApiError> {
    let sets = thresholds::history(store, user).await?;
    Ok(sets.iter().map(ThresholdEntry::of).collect())
}

/// One point of a window curve and the activity that holds it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CurvePointView {
    /// Duration, s.
    pub duration_s: u32,
    /// Best mean over it: W (power) or m/s (speed).
    pub value: f64,
    /// The activity holding it.
    pub activity_id: i64,
    /// That activity's local date, `YYYY-MM-DD`.
    pub date: String,
}

/// The fastest time over a distance, estimated from the speed curve (see
/// `estimated_best_times`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BestTime {
    /// Distance, m.
    pub distance_m: f64,
    /// Time, s.
    pub time_s: f64,
    /// The pace, `m:ss/km`.
    pub pace: String,
    /// The activity holding it.
    pub activity_id: i64,
    /// That activity's local date, `YYYY-MM-DD`.
    pub date: String,
}

/// The curves of one kind over the window.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct CurveView {
    /// Activities in the window with a stored curve.
    pub activities: usize,
    /// The curve at the chart durations it reaches.
    pub points: Vec<CurvePointView>,
    /// Best efforts at 5 s, 1, 5, 20 and 60 min (those reached).
    pub best_efforts: Vec<CurvePointView>,
}

/// `GET /api/v1/me/power-curve`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PowerCurve {
    /// First day of the window, `YYYY-MM-DD`.
    pub from: String,
    /// Last day of the window, `YYYY-MM-DD`.
    pub to: String,
    /// Mean-maximal power, W.
    pub power: CurveView,
    /// Best average speed, m/s.
    pub speed: CurveView,
    /// Best times over the standard running distances (400 m … marathon) that were reached.
    pub best_times: Vec<BestTime>,
}

/// The power and speed curves of `user`'s activities dated within `range`.
///
/// Each stored curve is first cut down to the chart durations (its value at a duration it does
/// not list being its value at the next longer one, as in the window merge), so a window of
/// years merges a few dozen points per activity instead of thousands.
///
/// # Errors
/// 500 for a store failure.
pub async fn power_curve(
    store: &Store,
    user: UserId,
    range: DateRange,
) -> Result<PowerCurve, ApiError> {
    let acts = activities::list_by_local_date(store, user, range.from, range.to).await?;
    let dates: HashMap<ActivityId, Date> = acts.iter().map(|a| (a.id, a.local_date)).collect();
    let span = (
        acts.iter().map(|a| a.summary.start_at_ms).min(),
        acts.iter().map(|a| a.summary.start_at_ms).max(),
    );
    let mut curves = [CurveView::default(), CurveView::default()];
    let mut best_times = Vec::new();
    if let (Some(from_ms), Some(to_ms)) = span {
        for (slot, kind) in curves.iter_mut().zip([CurveKind::Power, CurveKind::Speed]) {
            let stored = power_curves::list_between(store, user, kind, from_ms, to_ms + 1).await?;
            let dated: Vec<(i64, Date, &[CurvePoint])> = stored
                .iter()
                .filter_map(|(id, points)| Some((id.0, *dates.get(id)?, points.as_slice())))
                .collect();
            if kind == CurveKind::Speed {
                best_times = estimated_best_times(&dated);
            }
            let reduced: Vec<(i64, Date, MmpCurve)> = dated
                .iter()
                .map(|(id, date, points)| (*id, *date, at_durations(points, &CHART_DURATIONS_S)))
                .collect();
            let envelopes: Vec<DatedCurve<'_>> = reduced
                .iter()
                .map(|(id, date, curve)| DatedCurve {
                    activity_id: *id,
                    date: local(*date),
                    curve,
                })
                .collect();
            let window = merge_window(&envelopes, local(range.from), local(range.to));
            *slot = CurveView {
                activities: envelopes.len(),
                points: sample(&window, &CHART_DURATIONS_S),
                best_efforts: sample(&window, &EFFORT_DURATIONS_S),
            };
        }
    }
    let [power, speed] = curves;
    Ok(PowerCurve {
        from: range.from.to_string(),
        to: range.to.to_string(),
        power,
        speed,
        best_times,
    })
}

/// A stored curve's values at `durations` (ascending): at each, the value of the first point at
/// least that long; none beyond the curve's longest.
fn at_durations(points: &[CurvePoint], durations: &[u32]) -> MmpCurve {
    MmpCurve {
        points: durations
            .iter()
            .filter_map(|&d| {
                let p = points.get(points.partition_point(|p| p.duration_s < d))?;
                Some(MmpPoint {
                    duration_s: d,
                    value: p.value,
                    piece: 0,
                    start: 0,
                    start_offset_s: 0,
                    window_s: p.duration_s,
                })
            })
            .collect(),
    }
}

fn sample(window: &WindowCurve, durations: &[u32]) -> Vec<CurvePointView> {
    durations
        .iter()
        .filter_map(|&d| window.point(d))
        .map(|p| CurvePointView {
            duration_s: p.duration_s,
            value: p.value,
            activity_id: p.activity_id,
            date: p.date.to_string(),
        })
        .collect()
}

/// For each standard distance, the fastest estimate over the window's speed curves: in each
/// curve, the first duration whose best speed, held that long, covers the distance (distance
/// covered grows with duration, so a binary search finds it); the time is the distance at that
/// speed. Curves store no distances, so this estimates from the mean speed of a real effort at
/// least that long.
fn estimated_best_times(curves: &[(i64, Date, &[CurvePoint])]) -> Vec<BestTime> {
    let distances = science::Config::default().curves.best_time_distances_m;
    distances
        .iter()
        .filter_map(|&distance_m| {
            curves
                .iter()
                .filter_map(|(id, date, points)| {
                    let k =
                        points.partition_point(|p| p.value * f64::from(p.duration_s) < distance_m);
                    let p = points.get(k).filter(|p| p.value > 0.0)?;
                    Some((distance_m / p.value, p.value, *id, *date))
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(time_s, speed, activity_id, date)| BestTime {
                    distance_m,
                    time_s,
                    pace: pace(speed),
                    activity_id,
                    date: date.to_string(),
                })
        })
        .collect()
}
