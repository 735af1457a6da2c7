//! The athlete's fitness markers, shared by the `/fitness` page and the API: every
//! effective-dated threshold entry, and the power and best-speed curves of a date window with
//! the best efforts on them, folded from the per-activity envelopes in `power_curves`
//! (docs/science.md §8) without touching any stream.

use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::ReadError;
use super::activities::pace;
use super::add_days;
use super::range::DateRange;
use crate::store::curve_fold::{CHART_DURATIONS_S, CurveFold};
use crate::store::power_curves::{self, CurveKind};
use crate::store::thresholds::{self, ThresholdSet};
use crate::store::users::UserId;
use crate::store::{Store, curve_months};

/// The first day of the `all` window (earlier than any recorded activity).
const EARLIEST: Date = Date::constant(1900, 1, 1);

/// A window of days ending today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CurveWindow {
    /// The last 90 days.
    #[serde(rename = "90d")]
    Days90,
    /// The last 365 days.
    #[serde(rename = "365d")]
    Year,
    /// Everything stored.
    #[serde(rename = "all")]
    All,
}

impl CurveWindow {
    /// Every window, shortest first.
    pub const ALL: [Self; 3] = [Self::Days90, Self::Year, Self::All];

    /// `90d`, `365d` or `all`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Days90 => "90d",
            Self::Year => "365d",
            Self::All => "all",
        }
    }

    /// The window named `text` (`1y` is accepted for `365d`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "90d" => Some(Self::Days90),
            "365d" | "1y" => Some(Self::Year),
            "all" => Some(Self::All),
            _ => None,
        }
    }

    /// The days of the window ending `today`.
    pub fn range(self, today: Date) -> DateRange {
        match self {
            Self::Days90 => DateRange::last_days(today, 90),
            Self::Year => DateRange::last_days(today, 365),
            Self::All => DateRange {
                from: EARLIEST,
                to: today,
            },
        }
    }
}

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
/// A store failure.
pub async fn thresholds_history(
    store: &Store,
    user: UserId,
) -> Result<Vec<ThresholdEntry>, ReadError> {
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

/// The fastest time over a distance within one run, estimated from its speed curve: the
/// distance at the best speed of the shortest duration that covers it.
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
/// The window curve follows docs/science.md (pointwise maximum of the activities' exact curves:
/// an activity counts at a duration only with its best mean over exactly that duration; ties to
/// the newer date, then the larger id), as `science::mmp::merge_window` gives it, but only at
/// the chart durations (all on the shared grid, so every activity reaching one lists it). Each
/// stored curve is folded in as it is decoded, so five years of rides cost one pass and only their
/// compact encoded form is held at once. A best time is the fastest over the distance within one
/// run.
///
/// # Errors
/// A store failure.
pub async fn power_curve(
    store: &Store,
    user: UserId,
    range: DateRange,
) -> Result<PowerCurve, ReadError> {
    let distances = science::Config::default().curves.best_time_distances_m;
    // Power and speed are read and folded side by side (decoding is the bulk of the work).
    let (power, speed) = tokio::try_join!(
        fold_window(store, user, CurveKind::Power, range, Vec::new()),
        fold_window(store, user, CurveKind::Speed, range, distances),
    )?;
    Ok(PowerCurve {
        from: range.from.to_string(),
        to: range.to.to_string(),
        power: view(&power),
        best_times: best_times(&speed),
        speed: view(&speed),
    })
}

/// Reads the stored curves of `kind` and folds them on a blocking thread: the window curve at
/// the chart durations and the best times over `distances`. Whole months inside the range come
/// from their stored folds (`curve_months`); only the days of a partial month at either end are
/// read curve by curve. The folds are merged in date order, so the result is the fold of every
/// curve one by one.
async fn fold_window(
    store: &Store,
    user: UserId,
    kind: CurveKind,
    range: DateRange,
    distances: Vec<f64>,
) -> Result<CurveFold, ReadError> {
    let months = whole_months(range);
    let (lead, folds, trail) = match months {
        None => (Some((range.from, range.to)), Vec::new(), None),
        Some((first, last)) => {
            let lead = (first > range.from).then(|| (range.from, add_days(first, -1)));
            let last_day = last.last_of_month();
            let trail = (last_day < range.to).then(|| (add_days(last_day, 1), range.to));
            let folds = curve_months::between(
                store,
                user,
                kind,
                &curve_months::month(first),
                &curve_months::month(last),
            )
            .await?;
            (lead, folds, trail)
        }
    };
    let mut raw = Vec::with_capacity(2);
    for part in [lead, trail] {
        raw.push(match part {
            Some((from, to)) => {
                power_curves::encoded_by_local_date(store, user, kind, from, to).await?
            }
            None => Vec::new(),
        });
    }
    let trail_rows = raw.pop().unwrap_or_default();
    let lead_rows = raw.pop().unwrap_or_default();
    tokio::task::spawn_blocking(move || {
        let mut fold = CurveFold::new(distances);
        let mut points = Vec::new();
        for (id, date, bytes) in lead_rows {
            power_curves::decode_into(&bytes, &mut points)?;
            fold.add(id, date, &points);
        }
        for month in &folds {
            fold.merge_later(month)?;
        }
        for (id, date, bytes) in trail_rows {
            power_curves::decode_into(&bytes, &mut points)?;
            fold.add(id, date, &points);
        }
        Ok(fold)
    })
    .await
    .map_err(ReadError::failed)?
}

/// The first days of the first and last whole months inside `range`, if any.
fn whole_months(range: DateRange) -> Option<(Date, Date)> {
    let first = if range.from.day() == 1 {
        range.from
    } else {
        range.from.last_of_month().tomorrow().ok()?
    };
    let last = if range.to == range.to.last_of_month() {
        range.to.first_of_month()
    } else {
        range.to.first_of_month().yesterday().ok()?.first_of_month()
    };
    (first <= last).then_some((first, last))
}

/// The window curve at the chart durations reached, and the best efforts on it.
pub fn view(fold: &CurveFold) -> CurveView {
    let points: Vec<CurvePointView> = CHART_DURATIONS_S
        .iter()
        .zip(fold.best())
        .filter_map(|(&duration_s, held)| {
            held.map(|h| CurvePointView {
                duration_s,
                value: h.value,
                activity_id: h.activity.0,
                date: h.date.to_string(),
            })
        })
        .collect();
    let best_efforts = points
        .iter()
        .filter(|p| EFFORT_DURATIONS_S.contains(&p.duration_s))
        .cloned()
        .collect();
    CurveView {
        activities: fold.activities(),
        points,
        best_efforts,
    }
}

/// The best times over the distances reached (a speed fold).
pub fn best_times(fold: &CurveFold) -> Vec<BestTime> {
    fold.distances()
        .iter()
        .zip(fold.efforts())
        .filter_map(|(&distance_m, held)| {
            held.map(|h| BestTime {
                distance_m,
                time_s: h.value,
                pace: pace(distance_m / h.value),
                activity_id: h.activity.0,
                date: h.date.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::activities::ActivityId;
    use crate::store::power_curves::CurvePoint;

    fn curve(points: &[(u32, f64)]) -> Vec<CurvePoint> {
        points
            .iter()
            .map(|&(duration_s, value)| CurvePoint { duration_s, value })
            .collect()
    }

    #[test]
    fn the_fold_keeps_the_best_per_duration_and_the_fastest_effort() {
        let day = |d| Date::constant(2026, 1, d);
        let mut fold = CurveFold::new(vec![10.0]);
        // The first lists 1 s and 3 s only: it has no value at exactly 2 s (no envelope).
        fold.add(ActivityId(1), day(1), &curve(&[(1, 500.0), (3, 400.0)]));
        fold.add(
            ActivityId(2),
            day(2),
            &curve(&[(1, 450.0), (2, 420.0), (60, 300.0)]),
        );
        fold.add(ActivityId(3), day(3), &curve(&[(1, 500.0)]));
        let view = view(&fold);
        assert_eq!(view.activities, 3);
        let bests: Vec<(u32, f64, i64)> = view
            .points
            .iter()
            .filter(|b| [1, 2, 3, 60].contains(&b.duration_s))
            .map(|b| (b.duration_s, b.value, b.activity_id))
            .collect();
        assert_eq!(
            bests,
            [(1, 500.0, 3), (2, 420.0, 2), (3, 400.0, 1), (60, 300.0, 2)],
            "ties go to the newer activity"
        );
        let efforts: Vec<u32> = view.best_efforts.iter().map(|p| p.duration_s).collect();
        assert_eq!(
            efforts,
            [60],
            "the efforts reached, from the chart points (no curve lists exactly 5 s)"
        );
        let mut runs = CurveFold::new(vec![10.0]);
        runs.add(ActivityId(4), day(1), &curve(&[(1, 4.0), (3, 4.0)]));
        runs.add(ActivityId(5), day(2), &curve(&[(1, 5.0), (2, 5.0)]));
        let times = best_times(&runs);
        assert_eq!((times[0].activity_id, times[0].time_s), (5, 2.0));
        assert_eq!(times[0].pace, "3:20/km");
    }

    #[test]
    fn the_fold_equals_the_science_window_merge_at_the_chart_durations() {
        use science::mmp::{DatedCurve, MmpCurve, merge_window};
        // Curves of different lengths and grids, with ties across activities and dates.
        let raw: Vec<(i64, Date, Vec<CurvePoint>)> = (0..12_i64)
            .map(|k| {
                let longest = 30 + 997 * (k as u32 % 7) * (k as u32 % 5);
                // Exact curves are not monotone: a bump after the first minutes.
                let points = (1..=longest)
                    .map(|d| CurvePoint {
                        duration_s: d,
                        value: (400.0 + 25.0 * (k % 3) as f64) * 30.0 / (30.0 + f64::from(d))
                            + if (200..400).contains(&d) { 40.0 } else { 0.0 },
                    })
                    .collect();
                (k + 1, Date::constant(2026, 1, 1 + (k / 2) as i8), points)
            })
            .collect();
        let mut fold = CurveFold::new(Vec::new());
        for (id, date, points) in &raw {
            fold.add(ActivityId(*id), *date, points);
        }
        let curves: Vec<MmpCurve> = raw
            .iter()
            .map(|(_, _, points)| crate::sync::features::exact_curve(points))
            .collect();
        let dated: Vec<DatedCurve<'_>> = raw
            .iter()
            .zip(&curves)
            .map(|((id, date, _), curve)| DatedCurve {
                activity_id: *id,
                date: crate::sync::local(*date),
                curve,
            })
            .collect();
        let window = merge_window(
            &dated,
            crate::sync::local(Date::constant(2026, 1, 1)),
            crate::sync::local(Date::constant(2026, 1, 31)),
        );
        let expected: Vec<(u32, f64, i64, String)> = CHART_DURATIONS_S
            .iter()
            .filter_map(|&d| window.point(d))
            .map(|p| (p.duration_s, p.value, p.activity_id, p.date.to_string()))
            .collect();
        let folded: Vec<(u32, f64, i64, String)> = view(&fold)
            .points
            .into_iter()
            .map(|p| (p.duration_s, p.value, p.activity_id, p.date))
            .collect();
        assert!(expected.len() > 20, "{expected:?}");
        assert_eq!(folded, expected);
    }

    #[test]
    fn windows_parse_their_names() {
        for w in CurveWindow::ALL {
            assert_eq!(CurveWindow::parse(w.as_str()), Some(w));
        }
        assert_eq!(CurveWindow::parse("1y"), Some(CurveWindow::Year));
        assert_eq!(CurveWindow::parse("2w"), None);
    }
}
