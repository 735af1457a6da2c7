//! Heart-rate thresholds: max HR, LTHR and resting HR (docs/science.md §7.4), and the per-activity
//! HR windows they use. HR windows stay inside one segment and never include a missing sample
//! (never zero-filled, §8).

use super::{Candidate, EvidencePoint, Field, Method, ThresholdConfig, window_start};
use crate::stream::Grid;
use crate::{CALC_VERSION, LocalDate, SportGroup};

/// The maximal runs of valid (finite, > 0) HR samples inside each segment, as index ranges.
fn valid_runs(grid: &Grid) -> Vec<std::ops::Range<usize>> {
    let hr = &grid.heartrate_bpm;
    let n = grid.len().min(hr.len());
    let whole = 0..n;
    let segments = if grid.segments.is_empty() {
        std::slice::from_ref(&whole)
    } else {
        &grid.segments[..]
    };
    let valid = |i: usize| hr[i].is_some_and(|v| v.is_finite() && v > 0.0);
    let mut runs = Vec::new();
    for seg in segments {
        let mut i = seg.start.min(n);
        let end = seg.end.min(n);
        while i < end {
            if !valid(i) {
                i += 1;
                continue;
            }
            let from = i;
            while i < end && valid(i) {
                i += 1;
            }
            runs.push(from..i);
        }
    }
    runs
}

/// An activity's max-HR candidate: the highest HR held for `max_hr_hold_s` (5) samples, i.e.
/// the maximum over windows of that many consecutive valid samples inside one segment of the
/// window's minimum. `None` without such a window. HR coverage ≥ 80 % is the caller's check.
pub fn max_hr_candidate(grid: &Grid, cfg: &ThresholdConfig) -> Option<f64> {
    let hold = usize::try_from(cfg.max_hr_hold_s.max(1)).ok()?;
    let mut best: Option<f64> = None;
    for run in valid_runs(grid) {
        let values: Vec<f64> = run.map(|i| grid.heartrate_bpm[i].unwrap_or(0.0)).collect();
        for w in values.windows(hold) {
            let low = w.iter().copied().fold(f64::INFINITY, f64::min);
            if best.is_none_or(|b| low > b) {
                best = Some(low);
            }
        }
    }
    best
}

/// The best average HR over `duration_s` consecutive valid samples inside one segment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HrWindow {
    /// The average, bpm.
    pub avg_bpm: f64,
    /// Seconds from the activity's first sample to the window's start.
    pub start_offset_s: u32,
}

/// The best `duration_s` average HR of an activity (for LTHR, 1200 s); ties keep the earliest.
/// `None` without a long enough run of valid samples.
pub fn best_hr_average(grid: &Grid, duration_s: u32) -> Option<HrWindow> {
    let d = usize::try_from(duration_s).ok().filter(|&d| d > 0)?;
    let mut best: Option<(f64, usize)> = None;
    let mut prefix = Vec::new();
    for run in valid_runs(grid) {
        prefix.clear();
        prefix.push(0.0);
        let mut acc = 0.0;
        for i in run.clone() {
            acc += grid.heartrate_bpm[i].unwrap_or(0.0);
            prefix.push(acc);
        }
        for k in 0..(run.len() + 1).saturating_sub(d) {
            let sum = prefix[k + d] - prefix[k];
            if best.is_none_or(|(b, _)| sum > b) {
                best = Some((sum, run.start + k));
            }
        }
    }
    let (sum, start) = best?;
    Some(HrWindow {
        avg_bpm: sum / f64::from(duration_s),
        start_offset_s: *grid.offset_s.get(start)?,
    })
}

/// One activity's max-HR candidate with its identity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HrPeak {
    /// The activity.
    pub activity_id: i64,
    /// Its date.
    pub date: LocalDate,
    /// [`max_hr_candidate`], bpm.
    pub bpm: f64,
}

/// Max HR as of `as_of` (§7.4) from the candidates of activities with HR coverage ≥ 80 %.
///
/// Candidates in the `max_hr_window_days` (365) days ending `as_of` are sorted descending
/// (ties: newer date, then larger id); the first c_k with c_{k+1} ≥ c_k − 5 bpm is taken. A
/// single candidate is taken as is; with none corroborated, the second-highest. Effective date:
/// the chosen candidate's date.
pub fn estimate_max_hr(
    peaks: &[HrPeak],
    as_of: LocalDate,
    cfg: &ThresholdConfig,
) -> Option<Candidate> {
    let first = window_start(as_of, cfg.max_hr_window_days);
    let mut c: Vec<HrPeak> = peaks
        .iter()
        .filter(|p| first <= p.date && p.date <= as_of && p.bpm.is_finite() && p.bpm > 0.0)
        .copied()
        .collect();
    c.sort_by(|a, b| {
        b.bpm
            .total_cmp(&a.bpm)
            .then(b.date.cmp(&a.date))
            .then(b.activity_id.cmp(&a.activity_id))
    });
    let chosen = match c.len() {
        0 => return None,
        1 => 0,
        _ => (0..c.len() - 1)
            .find(|&k| c[k + 1].bpm >= c[k].bpm - cfg.max_hr_corroboration_bpm)
            .unwrap_or(1),
    };
    let evidence: Vec<EvidencePoint> = c[chosen..c.len().min(chosen + 2)]
        .iter()
        .map(|p| hr_point(cfg.max_hr_hold_s, p.bpm, p.activity_id, p.date))
        .collect();
    let pick = c[chosen];
    Some(hr_candidate(
        Field::MaxHr,
        pick.bpm,
        Method::CorroboratedPeak,
        evidence,
        (first, as_of),
        pick.date,
    ))
}

/// One activity's best LTHR-test window with what the hard rule needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LthrEffort {
    /// The activity.
    pub activity_id: i64,
    /// Its date.
    pub date: LocalDate,
    /// Its sport group (running or cycling count).
    pub group: SportGroup,
    /// [`best_hr_average`] over `lthr_duration_s`, bpm; `None` when too short.
    pub best_avg_bpm: Option<f64>,
    /// The max HR in force on the activity's date, bpm.
    pub max_hr_bpm: Option<f64>,
}

/// LTHR as of `as_of` (§7.4) from activities with HR coverage ≥ 80 %.
///
/// Over the `lthr_window_days` (90) days ending `as_of`, runs are used, or rides when there is
/// no run. A window counts when hard (average ≥ 0.90 × that date's max HR); LTHR = 0.95 × the
/// highest hard average (ties: newer date, larger id), effective on that activity's date.
/// `None` otherwise (resolution then falls back to 0.89 × max HR).
pub fn estimate_lthr(
    efforts: &[LthrEffort],
    as_of: LocalDate,
    cfg: &ThresholdConfig,
) -> Option<Candidate> {
    let first = window_start(as_of, cfg.lthr_window_days);
    let in_window = |e: &&LthrEffort| first <= e.date && e.date <= as_of;
    let has_runs = efforts
        .iter()
        .filter(in_window)
        .any(|e| e.group == SportGroup::Running);
    let group = if has_runs {
        SportGroup::Running
    } else {
        SportGroup::Cycling
    };
    let best = efforts
        .iter()
        .filter(in_window)
        .filter(|e| e.group == group)
        .filter_map(|e| {
            let avg = e.best_avg_bpm.filter(|v| v.is_finite())?;
            let max = e.max_hr_bpm.filter(|v| v.is_finite())?;
            (avg >= cfg.lthr_hard_fraction * max).then_some((avg, e))
        })
        .max_by(|(a, x), (b, y)| {
            a.total_cmp(b)
                .then(x.date.cmp(&y.date))
                .then(x.activity_id.cmp(&y.activity_id))
        })?;
    let (avg, e) = best;
    let evidence = vec![hr_point(cfg.lthr_duration_s, avg, e.activity_id, e.date)];
    let value = cfg.lthr_factor * avg;
    Some(hr_candidate(
        Field::Lthr,
        value,
        Method::TwentyMinuteHr,
        evidence,
        (first, as_of),
        e.date,
    ))
}

/// Resting HR as of `as_of` (§7.4): the mean of valid wellness values (finite, within
/// `resting_hr_range_bpm`) over the `resting_hr_window_days` (14) days ending `as_of`, summed in
/// date order, needing `resting_hr_min_values` (4). Effective date: the newest date used. No
/// fallback (a resting HR derived from max HR is forbidden).
pub fn estimate_resting_hr(
    wellness: &[(LocalDate, f64)],
    as_of: LocalDate,
    cfg: &ThresholdConfig,
) -> Option<Candidate> {
    let first = window_start(as_of, cfg.resting_hr_window_days);
    let (lo, hi) = cfg.resting_hr_range_bpm;
    let mut used: Vec<(LocalDate, f64)> = wellness
        .iter()
        .filter(|(d, v)| first <= *d && *d <= as_of && v.is_finite() && lo <= *v && *v <= hi)
        .copied()
        .collect();
    if used.len() < cfg.resting_hr_min_values.max(1) {
        return None;
    }
    used.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mean = used.iter().map(|(_, v)| v).sum::<f64>() / used.len() as f64;
    let newest = used.last().map(|(d, _)| *d)?;
    let evidence = used
        .iter()
        .map(|&(date, value)| EvidencePoint {
            duration_s: None,
            value,
            activity_id: None,
            date,
        })
        .collect();
    Some(hr_candidate(
        Field::RestingHr,
        mean,
        Method::WellnessMean,
        evidence,
        (first, as_of),
        newest,
    ))
}

fn hr_point(duration_s: u32, value: f64, activity_id: i64, date: LocalDate) -> EvidencePoint {
    EvidencePoint {
        duration_s: Some(duration_s),
        value,
        activity_id: Some(activity_id),
        date,
    }
}

fn hr_candidate(
    field: Field,
    value: f64,
    method: Method,
    points: Vec<EvidencePoint>,
    (window_first, as_of): (LocalDate, LocalDate),
    effective_from: LocalDate,
) -> Candidate {
    Candidate {
        field,
        value,
        companions: Vec::new(),
        method,
        r2: None,
        points,
        window_first,
        window_last: as_of,
        as_of,
        effective_from,
        calc_version: CALC_VERSION,
    }
}

#[cfg(test)]
mod tests;
