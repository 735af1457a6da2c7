//! The athlete's fitness profile, shared by the `/fitness` page and the API: the threshold
//! history, and the power-duration curve with best efforts over a window of days, merged from
//! the per-activity envelopes in `power_curves` (SCIENCE.md §8) without touching any stream.

use jiff::civil::Date;
use science::mmp::{DatedCurve, WindowCurve, merge_window};
use serde::Serialize;

use super::data::{add_days, local};
use crate::http::ApiError;
use crate::store::power_curves::{self, CurveKind};
use crate::store::thresholds::{self, ThresholdSet};
use crate::store::users::UserId;
use crate::store::{Store, activities::ActivityId};
use crate::sync::envelope;

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
/// # Errors
/// 500 for a store failure.
pub async fn power_curve(
    store: &Store,
    user: UserId,
    from: Date,
    to: Date,
) -> Result<PowerCurve, ApiError> {
    let power = window(store, user, CurveKind::Power, from, to).await?;
    let speed = window(store, user, CurveKind::Speed, from, to).await?;
    let distances = science::Config::default().curves.best_time_distances_m;
    Ok(PowerCurve {
        from: (from > EARLIEST).then(|| from.to_string()),
        to: to.to_string(),
        power: bests(&power),
        best_efforts: distances
            .iter()
            .filter_map(|&d| best_effort(&speed, d))
            .collect(),
        speed: bests(&speed),
    })
}

async fn window(
    store: &Store,
    user: UserId,
    kind: CurveKind,
    from: Date,
    to: Date,
) -> Result<WindowCurve, ApiError> {
    let stored = power_curves::list_by_local_date(store, user, kind, from, to).await?;
    let curves: Vec<(ActivityId, science::LocalDate, science::mmp::MmpCurve)> = stored
        .iter()
        .map(|(id, date, points)| (*id, local(*date), envelope(points)))
        .collect();
    let dated: Vec<DatedCurve<'_>> = curves
        .iter()
        .map(|(id, date, curve)| DatedCurve {
            activity_id: id.0,
            date: *date,
            curve,
        })
        .collect();
    let first = dated.iter().map(|c| c.date).min().unwrap_or(local(to));
    Ok(merge_window(&dated, first, local(to)))
}

fn bests(curve: &WindowCurve) -> Vec<CurveBest> {
    curve
        .points
        .iter()
        .map(|p| CurveBest {
            duration_s: p.duration_s,
            value: p.value,
            activity_id: p.activity_id,
            date: p.date.to_string(),
        })
        .collect()
}

/// The best time over `distance_m` from a best-speed curve: the shortest duration whose best
/// speed covers the distance, then the time at that speed (so the error stays under a second on
/// the 1 s grid).
fn best_effort(speed: &WindowCurve, distance_m: f64) -> Option<BestEffort> {
    let p = speed
        .points
        .iter()
        .find(|p| p.value > 0.0 && f64::from(p.duration_s) * p.value >= distance_m)?;
    Some(BestEffort {
        distance_m,
        time_s: distance_m / p.value,
        activity_id: p.activity_id,
        date: p.date.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use science::mmp::WindowPoint;

    use super::*;

    fn curve(points: &[(u32, f64)]) -> WindowCurve {
        let day = local(Date::constant(2026, 1, 1));
        WindowCurve {
            first_day: day,
            last_day: day,
            points: points
                .iter()
                .map(|&(duration_s, value)| WindowPoint {
                    duration_s,
                    value,
                    activity_id: 7,
                    date: day,
                    start_offset_s: 0,
                    window_s: duration_s,
                })
                .collect(),
        }
    }

    #[test]
    fn a_best_effort_is_the_first_duration_that_covers_the_distance() {
        let speed = curve(&[(100, 5.0), (200, 4.5), (300, 4.0), (400, 3.0)]);
        let effort = best_effort(&speed, 1000.0).unwrap();
        assert!((effort.time_s - 1000.0 / 4.0).abs() < 1e-9, "{effort:?}");
        assert!(best_effort(&speed, 5000.0).is_none(), "never covered");
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
