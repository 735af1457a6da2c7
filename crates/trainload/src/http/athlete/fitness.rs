//! The athlete's fitness profile, shared by the `/fitness` page and the API: the threshold
//! history, and the power-duration curve with best efforts over a window of days, folded from
//! the per-activity envelopes in `power_curves` (SCIENCE.md §8) without touching any stream.

use jiff::civil::Date;
use serde::Serialize;

use super::data::add_days;
use crate::http::ApiError;
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

    /// The first day of the window ending `today`.
    pub fn first_day(self, today: Date) -> Date {
        match self {
            Self::Days90 => add_days(today, -89),
            Self::Year => add_days(today, -364),
            Self::All => EARLIEST,
        }
    }
}

/// The best value held for one duration, and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct CurveBest {
    /// Duration, s.
    pub duration_s: u32,
    /// Mean power (W) or speed (m/s) held for at least that long.
    pub value: f64,
    /// The activity.
    pub activity_id: i64,
    /// Its local date.
    pub date: String,
}

/// The best time over a standard distance (running group).
#[derive(Debug, Clone, Serialize)]
pub struct BestEffort {
    /// Distance, m.
    pub distance_m: f64,
    /// Time, s (to within a second: derived from the best-speed curve).
    pub time_s: f64,
    /// The activity.
    pub activity_id: i64,
    /// Its local date.
    pub date: String,
}

/// The power-duration curve and best efforts of a window.
#[derive(Debug, Clone, Serialize)]
pub struct PowerCurve {
    /// The first day included (`None` for `all`).
    pub from: Option<String>,
    /// The last day included.
    pub to: String,
    /// Mean-maximal power by duration, non-increasing.
    pub power: Vec<CurveBest>,
    /// Best average running speed by duration, non-increasing.
    pub speed: Vec<CurveBest>,
    /// Best times over the standard distances reached in the window.
    pub best_efforts: Vec<BestEffort>,
}

/// The athlete's threshold sets by effective date (each with its source and method).
///
/// # Errors
/// 500 for a store failure.
pub async fn thresholds_history(
    store: &Store,
    user: UserId,
) -> Result<Vec<ThresholdSet>, ApiError> {
    Ok(thresholds::history(store, user).await?)
}

/// The power and speed curves and best efforts of the activities dated `from..=to`.
///
/// The window curve follows SCIENCE.md §8 (pointwise maximum of the activities' envelopes, an
/// activity's value at a duration it does not list being its value at the next longer one it
/// lists; ties to the newer date, then the larger id), reported on the standard duration grid
/// G. Each stored curve is folded in as it is decoded, so five years of rides cost one pass
/// and only their compact encoded form is held at once. A best effort is the fastest time over
/// the distance within one run.
///
/// # Errors
/// 500 for a store failure.
pub async fn power_curve(
    store: &Store,
    user: UserId,
    from: Date,
    to: Date,
) -> Result<PowerCurve, ApiError> {
    let cfg = science::Config::default().curves;
    let grid = science::mmp::duration_grid(LONGEST_CURVE_S, &cfg);
    // Power and speed are read and folded side by side (decoding is the bulk of the work).
    let ((power, _), (speed, best_efforts)) = tokio::try_join!(
        fold_window(
            store,
            user,
            CurveKind::Power,
            from,
            to,
            grid.clone(),
            Vec::new()
        ),
        fold_window(
            store,
            user,
            CurveKind::Speed,
            from,
            to,
            grid,
            cfg.best_time_distances_m
        ),
    )?;
    Ok(PowerCurve {
        from: (from > EARLIEST).then(|| from.to_string()),
        to: to.to_string(),
        power,
        speed,
        best_efforts,
    })
}

/// Reads the stored curves of `kind` and folds them on a blocking thread: the window curve on
/// `grid` and the best times over `distances`.
async fn fold_window(
    store: &Store,
    user: UserId,
    kind: CurveKind,
    from: Date,
    to: Date,
    grid: Vec<u32>,
    distances: Vec<f64>,
) -> Result<(Vec<CurveBest>, Vec<BestEffort>), ApiError> {
    let rows = power_curves::encoded_by_local_date(store, user, kind, from, to).await?;
    tokio::task::spawn_blocking(move || {
        let mut fold = WindowFold::new(&grid, &distances);
        let mut points = Vec::new();
        for (id, date, bytes) in rows {
            power_curves::decode_into(&bytes, &mut points)?;
            fold.add(id, date, &points);
        }
        Ok((fold.bests(), fold.best_efforts()))
    })
    .await
    .map_err(ApiError::internal)?
}

/// The longest duration reported, s (a day: longer pieces are not training).
const LONGEST_CURVE_S: usize = 86_400;

/// The window curve and best efforts being folded together, one activity at a time.
struct WindowFold<'a> {
    grid: &'a [u32],
    best: Vec<Option<Held>>,
    distances: &'a [f64],
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

impl<'a> WindowFold<'a> {
    fn new(grid: &'a [u32], distances: &'a [f64]) -> Self {
        Self {
            grid,
            best: vec![None; grid.len()],
            distances,
            efforts: vec![None; distances.len()],
        }
    }

    /// Folds in one activity's envelope (durations increasing). Activities come by date then
    /// id, so on a tie the later one is the newer date or the larger id and wins.
    fn add(&mut self, activity: ActivityId, date: Date, points: &[CurvePoint]) {
        let mut k = 0;
        for (slot, &d) in self.best.iter_mut().zip(self.grid) {
            while k < points.len() && points[k].duration_s < d {
                k += 1;
            }
            let Some(p) = points.get(k) else { break };
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
            .zip(effort_times(points, self.distances))
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

    fn bests(&self) -> Vec<CurveBest> {
        self.grid
            .iter()
            .zip(&self.best)
            .filter_map(|(&duration_s, held)| {
                held.map(|h| CurveBest {
                    duration_s,
                    value: h.value,
                    activity_id: h.activity.0,
                    date: h.date.to_string(),
                })
            })
            .collect()
    }

    fn best_efforts(&self) -> Vec<BestEffort> {
        self.distances
            .iter()
            .zip(&self.efforts)
            .filter_map(|(&distance_m, held)| {
                held.map(|h| BestEffort {
                    distance_m,
                    time_s: h.value,
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
        let grid = [1, 2, 3, 60];
        let day = |d| Date::constant(2026, 1, d);
        let mut fold = WindowFold::new(&grid, &[10.0]);
        // The first lists 1 s and 3 s only: its 2 s value is its 3 s value (held longer).
        fold.add(ActivityId(1), day(1), &curve(&[(1, 500.0), (3, 400.0)]));
        fold.add(
            ActivityId(2),
            day(2),
            &curve(&[(1, 450.0), (2, 420.0), (60, 300.0)]),
        );
        fold.add(ActivityId(3), day(3), &curve(&[(1, 500.0)]));
        let bests: Vec<(u32, f64, i64)> = fold
            .bests()
            .iter()
            .map(|b| (b.duration_s, b.value, b.activity_id))
            .collect();
        assert_eq!(
            bests,
            [(1, 500.0, 3), (2, 420.0, 2), (3, 400.0, 1), (60, 300.0, 2)],
            "ties go to the newer activity"
        );
        let mut runs = WindowFold::new(&grid, &[10.0]);
        runs.add(ActivityId(4), day(1), &curve(&[(1, 4.0), (3, 4.0)]));
        runs.add(ActivityId(5), day(2), &curve(&[(1, 5.0), (2, 5.0)]));
        let efforts = runs.best_efforts();
        assert_eq!((efforts[0].activity_id, efforts[0].time_s), (5, 2.0));
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
