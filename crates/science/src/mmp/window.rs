//! Window curves: the pointwise maximum of exact activity curves over a date window (§8).

use super::{MmpCurve, MmpPoint};
use crate::LocalDate;

/// One activity's exact curve with the identity the window curve keeps as provenance.
#[derive(Debug, Clone, Copy)]
pub struct DatedCurve<'a> {
    /// The activity id (unique per athlete).
    pub activity_id: i64,
    /// The activity's local start date.
    pub date: LocalDate,
    /// Its exact curve ([`super::activity_power_curve`] or the speed curve).
    pub curve: &'a MmpCurve,
}

/// One point of a window curve and where it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowPoint {
    /// The duration, s.
    pub duration_s: u32,
    /// The best value at exactly this duration over the window's activities (W or m/s).
    pub value: f64,
    /// The activity that holds it.
    pub activity_id: i64,
    /// That activity's date.
    pub date: LocalDate,
    /// Seconds from that activity's first sample to the start of the winning window.
    pub start_offset_s: u32,
    /// True length of the winning window, s (= `duration_s` for exact activity curves).
    pub window_s: u32,
}

/// The pointwise maximum of the exact curves of the activities dated `first_day ..= last_day`.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowCurve {
    /// First day of the window (inclusive).
    pub first_day: LocalDate,
    /// Last day of the window (inclusive), usually `as_of`.
    pub last_day: LocalDate,
    /// Points in ascending duration (not always non-increasing: exact values).
    pub points: Vec<WindowPoint>,
}

impl WindowCurve {
    /// The point at exactly `duration_s`, if any activity in the window reaches it.
    pub fn point(&self, duration_s: u32) -> Option<&WindowPoint> {
        self.points
            .binary_search_by_key(&duration_s, |p| p.duration_s)
            .ok()
            .and_then(|k| self.points.get(k))
    }

    /// The value at exactly `duration_s`, if any activity in the window reaches it.
    pub fn at(&self, duration_s: u32) -> Option<f64> {
        self.point(duration_s).map(|p| p.value)
    }
}

/// Merges the exact curves of the activities dated `first_day ..= last_day` into a window
/// curve.
///
/// An activity contributes at duration d only its value at exactly d. The durations kept are
/// those every activity reaching them lists: the shared grid G, and an activity's own piece
/// length only when no longer activity in the window lacks it (otherwise the window value there
/// would ignore that longer activity and be understated). So each window value is the exact
/// best over the window's activities.
///
/// Ties go to the newer date, then the larger activity id, so the input order does not matter
/// (activity ids are assumed unique). Cost: O(Σ curve points + activities × union size), with no
/// sorting of the full point set.
pub fn merge_window(
    curves: &[DatedCurve<'_>],
    first_day: LocalDate,
    last_day: LocalDate,
) -> WindowCurve {
    let in_window: Vec<&DatedCurve<'_>> = curves
        .iter()
        .filter(|c| first_day <= c.date && c.date <= last_day && !c.curve.points.is_empty())
        .collect();
    let durations = union_durations(&in_window);
    let mut best: Vec<Option<WindowPoint>> = vec![None; durations.len()];
    let mut complete = vec![true; durations.len()];
    for c in &in_window {
        let pts = &c.curve.points;
        let mut k = 0;
        for ((slot, ok), &d) in best.iter_mut().zip(complete.iter_mut()).zip(&durations) {
            while k < pts.len() && pts[k].duration_s < d {
                k += 1;
            }
            let Some(p) = pts.get(k) else { break };
            if p.duration_s != d {
                // The activity reaches beyond d without a value at exactly d.
                *ok = false;
                continue;
            }
            if slot.is_none_or(|b| beats(p.value, c, &b)) {
                *slot = Some(window_point(d, p, c));
            }
        }
    }
    WindowCurve {
        first_day,
        last_day,
        points: best
            .into_iter()
            .zip(complete)
            .filter_map(|(p, ok)| p.filter(|_| ok))
            .collect(),
    }
}

/// Whether `(value, c)` replaces `b`: higher value, then newer date, then larger id.
#[inline]
fn beats(value: f64, c: &DatedCurve<'_>, b: &WindowPoint) -> bool {
    value > b.value || (value == b.value && (c.date, c.activity_id) > (b.date, b.activity_id))
}

fn window_point(duration_s: u32, p: &MmpPoint, c: &DatedCurve<'_>) -> WindowPoint {
    WindowPoint {
        duration_s,
        value: p.value,
        activity_id: c.activity_id,
        date: c.date,
        start_offset_s: p.start_offset_s,
        window_s: p.window_s,
    }
}

/// The sorted union of the curves' durations. The curve reaching furthest is the base; the
/// others add only the durations it lacks (their own piece lengths), found by one merge walk
/// each, so the full point set is never sorted.
fn union_durations(curves: &[&DatedCurve<'_>]) -> Vec<u32> {
    let Some(base) = curves.iter().max_by_key(|c| c.curve.longest_s()) else {
        return Vec::new();
    };
    let base: Vec<u32> = base.curve.points.iter().map(|p| p.duration_s).collect();
    let mut extra = Vec::new();
    for c in curves {
        let mut j = 0;
        for p in &c.curve.points {
            while j < base.len() && base[j] < p.duration_s {
                j += 1;
            }
            if base.get(j) != Some(&p.duration_s) {
                extra.push(p.duration_s);
            }
        }
    }
    if extra.is_empty() {
        return base;
    }
    extra.sort_unstable();
    let mut out = Vec::with_capacity(base.len() + extra.len());
    let (mut i, mut j) = (0, 0);
    while i < base.len() || j < extra.len() {
        let next = match (base.get(i), extra.get(j)) {
            (Some(&a), Some(&b)) if a <= b => {
                i += 1;
                a
            }
            (_, Some(&b)) => {
                j += 1;
                b
            }
            (Some(&a), None) => {
                i += 1;
                a
            }
            (None, None) => break,
        };
        if out.last() != Some(&next) {
            out.push(next);
        }
    }
    out
}
