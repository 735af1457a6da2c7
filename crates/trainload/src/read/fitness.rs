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
use super::range::DateRange;
use crate::store::Store;
use crate::store::activities::ActivityId;
use crate::store::power_curves::{self, CurveKind, CurvePoint};
use crate::store::thresholds::{self, ThresholdSet};
use crate::store::users::UserId;

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
        power: power.view(),
        best_times: speed.best_times(),
        speed: speed.view(),
    })
}

/// Reads the stored curves of `kind` and folds them on a blocking thread: the window curve at
/// the chart durations and the best times over `distances`.
async fn fold_window(
    store: &Store,
    user: UserId,
    kind: CurveKind,
    range: DateRange,
    distances: Vec<f64>,
) -> Result<WindowFold, ReadError> {
    let rows = power_curves::encoded_by_local_date(store, user, kind, range.from, range.to).await?;
    tokio::task::spawn_blocking(move || {
        let mut fold = WindowFold::new(distances);
        let mut points = Vec::new();
        for (id, date, bytes) in rows {
            power_curves::decode_into(&bytes, &mut points)?;
            fold.add(id, date, &points);
        }
        Ok(fold)
    })
    .await
    .map_err(ReadError::failed)?
}

/// The window curve (at [`CHART_DURATIONS_S`]) and best times being folded together, one
/// activity at a time.
struct WindowFold {
    /// Activities folded in.
    activities: usize,
    best: Vec<Option<Held>>,
    distances: Vec<f64>,
    efforts: Vec<Option<Held>>,
}

/// The best so far for one duration (a value) or distance (a time), and whose it is. Plain
/// data: the fold touches it millions of times over years of activities.
#[derive(Debug, Clone, Copy)]
struct Held {
    value: f64,
    activity: ActivityId,
    date: Date,
}

impl WindowFold {
    fn new(distances: Vec<f64>) -> Self {
        Self {
            activities: 0,
            best: vec![None; CHART_DURATIONS_S.len()],
            efforts: vec![None; distances.len()],
            distances,
        }
    }

    /// Folds in one activity's exact curve (durations increasing). Activities come by date
    /// then id, so on a tie the later one is the newer date or the larger id and wins.
    fn add(&mut self, activity: ActivityId, date: Date, points: &[CurvePoint]) {
        self.activities += 1;
        let mut k = 0;
        for (slot, &d) in self.best.iter_mut().zip(&CHART_DURATIONS_S) {
            while k < points.len() && points[k].duration_s < d {
                k += 1;
            }
            let Some(p) = points.get(k) else { break };
            if p.duration_s != d {
                continue;
            }
            if slot.is_none_or(|b| p.value >= b.value) {
                *slot = Some(Held {
                    value: p.value,
                    activity,
                    date,
                });
            }
        }
        for (slot, time_s) in self
            .efforts
            .iter_mut()
            .zip(effort_times(points, &self.distances))
        {
            let Some(time_s) = time_s else { continue };
            if slot.is_none_or(|e| time_s <= e.value) {
                *slot = Some(Held {
                    value: time_s,
                    activity,
                    date,
                });
            }
        }
    }

    /// The window curve at the chart durations reached, and the best efforts on it.
    fn view(&self) -> CurveView {
        let points: Vec<CurvePointView> = CHART_DURATIONS_S
            .iter()
            .zip(&self.best)
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
            activities: self.activities,
            points,
            best_efforts,
        }
    }

    /// The best times over the distances reached (a speed fold).
    fn best_times(&self) -> Vec<BestTime> {
        self.distances
            .iter()
            .zip(&self.efforts)
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
}

/// The times over `distances` (increasing) from one best-speed curve, in one pass: for each,
/// the shortest duration whose best speed covers the distance, then the time at that speed
/// (under a second off on the 1 s grid); `None` for a distance never covered.
fn effort_times(speed: &[CurvePoint], distances: &[f64]) -> Vec<Option<f64>> {
    let mut times = vec![None; distances.len()];
    let mut next = 0;
    for p in speed.iter().filter(|p| p.value > 0.0) {
        let covered = f64::from(p.duration_s) * p.value;
        while let Some(&distance_m) = distances.get(next)
            && covered >= distance_m
        {
            times[next] = Some(distance_m / p.value);
            next += 1;
        }
        if next == distances.len() {
            break;
        }
    }
    times
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(points: &[(u32, f64)]) -> Vec<CurvePoint> {
        points
            .iter()
            .map(|&(duration_s, value)| CurvePoint { duration_s, value })
            .collect()
    }

    #[test]
    fn a_best_effort_is_the_first_duration_that_covers_the_distance() {
        let speed = curve(&[(100, 5.0), (200, 4.5), (300, 4.0), (400, 3.0)]);
        let times = effort_times(&speed, &[400.0, 1000.0, 5000.0]);
        assert_eq!(times[0], Some(400.0 / 5.0));
        assert!((times[1].unwrap() - 1000.0 / 4.0).abs() < 1e-9, "{times:?}");
        assert_eq!(times[2], None, "never covered");
    }

    #[test]
    fn the_fold_keeps_the_best_per_duration_and_the_fastest_effort() {
        let day = |d| Date::constant(2026, 1, d);
        let mut fold = WindowFold::new(vec![10.0]);
        // The first lists 1 s and 3 s only: it has no value at exactly 2 s (no envelope).
        fold.add(ActivityId(1), day(1), &curve(&[(1, 500.0), (3, 400.0)]));
        fold.add(
            ActivityId(2),
            day(2),
            &curve(&[(1, 450.0), (2, 420.0), (60, 300.0)]),
        );
        fold.add(ActivityId(3), day(3), &curve(&[(1, 500.0)]));
        let view = fold.view();
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
        let mut runs = WindowFold::new(vec![10.0]);
        runs.add(ActivityId(4), day(1), &curve(&[(1, 4.0), (3, 4.0)]));
        runs.add(ActivityId(5), day(2), &curve(&[(1, 5.0), (2, 5.0)]));
        let times = runs.best_times();
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
        let mut fold = WindowFold::new(Vec::new());
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
        let folded: Vec<(u32, f64, i64, String)> = fold
            .view()
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
