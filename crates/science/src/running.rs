//! Grade-adjusted speed (Minetti), NGP and rTSS (docs/science.md §3).
//!
//! Samples are the grid seconds with a valid speed and moving = true; stopped seconds are skipped
//! like pauses. Speeds are adjusted for grade with the Minetti et al. 2002 cost of running, and
//! NGP is the §2.1 Normalized Power recipe applied to the adjusted speed.

use std::ops::Range;

use crate::ScienceError;
use crate::error::non_negative;
use crate::error::positive;
use crate::numeric::normalized_mean;
use crate::stream::Grid;

/// Largest |grade| (decimal) for which the Minetti polynomial is valid; grades are clamped to it.
pub const MINETTI_GRADE_LIMIT: f64 = 0.45;

/// Constants of §3.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningConfig {
    /// NGP rolling window, samples at 1 Hz = s (30).
    pub window_s: usize,
    /// Half-width of the grade window over altitude and distance, samples (15).
    pub grade_half_window: usize,
    /// Least distance covered by the grade window for a grade to be computed, m (10).
    pub min_grade_distance_m: f64,
    /// Grades are clamped to [−limit, +limit], decimal (0.45); never beyond
    /// [`MINETTI_GRADE_LIMIT`].
    pub grade_limit: f64,
}

impl Default for RunningConfig {
    fn default() -> Self {
        Self {
            window_s: 30,
            grade_half_window: 15,
            min_grade_distance_m: 10.0,
            grade_limit: MINETTI_GRADE_LIMIT,
        }
    }
}

/// The Minetti grade factor f(g) = C(g)/3.6 (docs/science.md §3 item 3).
///
/// # Formula
/// C(g) = 155.4g⁵ − 30.4g⁴ − 43.3g³ + 46.3g² + 19.5g + 3.6 J·kg⁻¹·m⁻¹ (Minetti et al. 2002),
/// evaluated in Horner form, with g (decimal grade, 0.1 = 10 %) clamped to [−0.45, 0.45].
/// A NaN grade counts as flat (factor 1).
///
/// Reference values: f(−0.2) = 0.5000, f(−0.1) = 0.5977, f(0) = 1, f(0.1) = 1.6578,
/// f(0.2) = 2.5019.
///
/// ```
/// use science::running::minetti_factor;
/// assert_eq!(minetti_factor(0.0), 1.0);
/// assert!((minetti_factor(0.1) - 1.6578).abs() < 1e-4);
/// ```
pub fn minetti_factor(grade: f64) -> f64 {
    if grade.is_nan() {
        return 1.0;
    }
    let g = grade.clamp(-MINETTI_GRADE_LIMIT, MINETTI_GRADE_LIMIT);
    let cost = ((((155.4 * g - 30.4) * g - 43.3) * g + 46.3) * g + 19.5) * g + 3.6;
    cost / 3.6
}

/// Pace figures of one run (docs/science.md §3).
#[derive(Debug, Clone, PartialEq)]
pub struct PaceSummary {
    /// Moving samples with a valid speed, n (1 Hz, so also seconds).
    pub samples: usize,
    /// Mean speed over those samples, m/s.
    pub avg_mps: f64,
    /// Normalized graded speed, m/s; `None` with fewer samples than the window.
    pub ngp_mps: Option<f64>,
}

/// Summarises the moving speed of a grid; `None` when no sample has a valid speed while moving.
///
/// Grade per sample: the `grade` channel / 100 when present; otherwise, with altitude and
/// distance, (a_{j2} − a_{j1})/(d_{j2} − d_{j1}) with j1 = max(segment start, i − 15) and
/// j2 = min(segment end, i + 15), used only when d_{j2} − d_{j1} ≥ 10 m; otherwise 0. The grade
/// is clamped, v_adj = v · [`minetti_factor`], and NGP = [`normalized_mean`] of v_adj.
pub fn summarize(grid: &Grid, cfg: &RunningConfig) -> Option<PaceSummary> {
    let mut speeds = 0.0;
    let mut adjusted = Vec::new();
    for segment in &grid.segments {
        for i in segment.clone() {
            if !grid.moving.get(i).copied().unwrap_or(false) {
                continue;
            }
            let Some(Some(v)) = grid.velocity_mps.get(i).copied() else {
                continue;
            };
            let limit = cfg.grade_limit.abs().min(MINETTI_GRADE_LIMIT);
            let g = grade_at(grid, i, segment, cfg).clamp(-limit, limit);
            speeds += v;
            adjusted.push(v * minetti_factor(g));
        }
    }
    if adjusted.is_empty() {
        return None;
    }
    Some(PaceSummary {
        samples: adjusted.len(),
        avg_mps: speeds / adjusted.len() as f64,
        ngp_mps: normalized_mean(&adjusted, cfg.window_s),
    })
}

/// Decimal grade of grid sample `i` inside `segment` (docs/science.md §3 item 2), before clamping.
fn grade_at(grid: &Grid, i: usize, segment: &Range<usize>, cfg: &RunningConfig) -> f64 {
    if let Some(Some(pct)) = grid.grade_pct.get(i) {
        return pct / 100.0;
    }
    let j1 = segment.start.max(i.saturating_sub(cfg.grade_half_window));
    let j2 = (segment.end - 1).min(i + cfg.grade_half_window);
    let value = |channel: &[Option<f64>], j: usize| channel.get(j).copied().flatten();
    let points = (
        value(&grid.altitude_m, j1),
        value(&grid.altitude_m, j2),
        value(&grid.distance_m, j1),
        value(&grid.distance_m, j2),
    );
    match points {
        (Some(a1), Some(a2), Some(d1), Some(d2)) if d2 - d1 >= cfg.min_grade_distance_m => {
            (a2 - a1) / (d2 - d1)
        }
        _ => 0.0,
    }
}

/// Running intensity factor IF = v_NGP / v_threshold (speed over speed; docs/science.md §3 item 5).
///
/// In pace units this is threshold pace / NGP pace, so a faster run has a higher IF.
///
/// # Errors
/// [`ScienceError::NotFinite`] for a non-finite input, [`ScienceError::OutOfRange`] for a
/// negative NGP, [`ScienceError::NotPositive`] for a threshold speed ≤ 0.
pub fn pace_intensity_factor(ngp_mps: f64, threshold_speed_mps: f64) -> Result<f64, ScienceError> {
    let ngp_mps = non_negative("normalized graded speed", ngp_mps)?;
    let threshold = positive("threshold speed", threshold_speed_mps)?;
    Ok(ngp_mps / threshold)
}

/// Running Training Stress Score rTSS = 100 × (n/3600) × IF², IF from
/// [`pace_intensity_factor`] (docs/science.md §3 item 5).
///
/// # Errors
/// As [`pace_intensity_factor`].
pub fn rtss(samples: usize, ngp_mps: f64, threshold_speed_mps: f64) -> Result<f64, ScienceError> {
    let intensity = pace_intensity_factor(ngp_mps, threshold_speed_mps)?;
    Ok(100.0 * (samples as f64 / 3600.0) * intensity * intensity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MINETTI_TOL: f64 = 1e-4;
    const VECTOR_TOL: f64 = 1e-9;
    const PROPERTY_TOL: f64 = 1e-12;

    fn close(actual: f64, expected: f64, tol: f64) -> bool {
        (actual - expected).abs() <= tol * expected.abs().max(1.0)
    }

    /// A one-segment grid at constant speed, climbing `rise_per_s` metres each second.
    fn run(n: usize, speed_mps: f64, rise_per_s: f64) -> Grid {
        let t: Vec<f64> = (0..n).map(|i| i as f64).collect();
        Grid {
            offset_s: (0..n).map(|i| u32::try_from(i).unwrap()).collect(),
            velocity_mps: vec![Some(speed_mps); n],
            distance_m: t.iter().map(|s| Some(s * speed_mps)).collect(),
            altitude_m: t.iter().map(|s| Some(100.0 + s * rise_per_s)).collect(),
            moving: vec![true; n],
            segments: std::iter::once(0..n).collect(),
            ..Grid::default()
        }
    }

    #[test]
    fn minetti_factors_match_the_reference_values() {
        let table = [
            (-0.20, 0.5000),
            (-0.10, 0.5977),
            (0.0, 1.0),
            (0.10, 1.6578),
            (0.20, 2.5019),
        ];
        for (g, f) in table {
            assert!(close(minetti_factor(g), f, MINETTI_TOL), "{g}");
        }
    }

    #[test]
    fn minetti_factor_clamps_the_grade() {
        assert_eq!(minetti_factor(0.9), minetti_factor(0.45));
        assert_eq!(minetti_factor(f64::NEG_INFINITY), minetti_factor(-0.45));
        assert_eq!(minetti_factor(f64::NAN), 1.0);
        assert!(minetti_factor(-0.45) > 0.0);
    }

    #[test]
    fn grade_comes_from_altitude_and_distance() {
        let s = summarize(&run(600, 3.0, 0.3), &RunningConfig::default()).unwrap();
        assert_eq!(s.samples, 600);
        assert!(close(s.avg_mps, 3.0, VECTOR_TOL));
        assert!(close(
            s.ngp_mps.unwrap(),
            3.0 * minetti_factor(0.1),
            VECTOR_TOL
        ));
    }

    #[test]
    fn the_grade_channel_wins_over_altitude() {
        let mut grid = run(100, 3.0, 0.3);
        grid.grade_pct = vec![Some(-10.0); 100];
        let s = summarize(&grid, &RunningConfig::default()).unwrap();
        assert!(close(
            s.ngp_mps.unwrap(),
            3.0 * minetti_factor(-0.1),
            VECTOR_TOL
        ));
    }

    #[test]
    fn grade_needs_ten_metres_of_distance() {
        // 0.3 m/s over a 31-sample window is 9 m: too short, so the grade is 0.
        let s = summarize(&run(100, 0.3, 0.03), &RunningConfig::default()).unwrap();
        assert!(close(s.ngp_mps.unwrap(), 0.3, VECTOR_TOL));
        // Missing altitude gives grade 0 as well (a treadmill run).
        let mut grid = run(100, 3.0, 0.3);
        grid.altitude_m.clear();
        let s = summarize(&grid, &RunningConfig::default()).unwrap();
        assert!(close(s.ngp_mps.unwrap(), 3.0, VECTOR_TOL));
    }

    #[test]
    fn the_grade_window_stays_inside_its_segment() {
        let mut grid = run(40, 3.0, 0.0);
        grid.segments = vec![0..20, 20..40];
        grid.pauses_s = vec![500];
        // A 50 m altitude jump across the pause must not create a grade on either side.
        for a in &mut grid.altitude_m[20..] {
            *a = a.map(|a| a + 50.0);
        }
        let s = summarize(&grid, &RunningConfig::default()).unwrap();
        assert!(close(s.ngp_mps.unwrap(), 3.0, VECTOR_TOL));
    }

    #[test]
    fn stopped_seconds_and_missing_speeds_are_skipped() {
        let mut grid = run(50, 3.0, 0.0);
        grid.moving[0] = false;
        grid.velocity_mps[1] = None;
        let s = summarize(&grid, &RunningConfig::default()).unwrap();
        assert_eq!(s.samples, 48);
        let mut grid = run(50, 3.0, 0.0);
        grid.moving = vec![false; 50];
        assert_eq!(summarize(&grid, &RunningConfig::default()), None);
        assert_eq!(summarize(&Grid::default(), &RunningConfig::default()), None);
    }

    #[test]
    fn ngp_needs_thirty_samples() {
        let s = summarize(&run(29, 3.0, 0.0), &RunningConfig::default()).unwrap();
        assert_eq!(s.ngp_mps, None);
        assert_eq!(s.samples, 29);
        let s = summarize(&run(1, 3.0, 0.0), &RunningConfig::default()).unwrap();
        assert_eq!(s.samples, 1);
    }

    #[test]
    fn rtss_of_one_hour_at_threshold_is_100() {
        assert!(close(rtss(3600, 4.2, 4.2).unwrap(), 100.0, VECTOR_TOL));
        assert!(close(
            pace_intensity_factor(5.0, 4.0).unwrap(),
            1.25,
            VECTOR_TOL
        ));
    }

    #[test]
    fn rtss_rejects_bad_inputs() {
        assert!(rtss(3600, 4.0, 0.0).is_err());
        assert!(rtss(3600, f64::NAN, 4.0).is_err());
        assert!(rtss(3600, -1.0, 4.0).is_err());
        assert!(pace_intensity_factor(4.0, f64::INFINITY).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn rtss_strictly_increases_with_speed(
            slow in 0.5..8.0_f64,
            faster_by in 0.01..4.0_f64,
            threshold in 2.0..6.5_f64,
            n in 1_usize..20_000,
        ) {
            let a = rtss(n, slow, threshold).unwrap();
            let b = rtss(n, slow + faster_by, threshold).unwrap();
            prop_assert!(b > a, "{} <= {}", b, a);
        }

        #[test]
        fn ngp_of_a_constant_speed_on_the_flat_is_that_speed(
            v in 0.5..12.0_f64,
            n in 30_usize..1500,
        ) {
            let s = summarize(&run(n, v, 0.0), &RunningConfig::default()).unwrap();
            prop_assert!(close(s.ngp_mps.unwrap(), v, PROPERTY_TOL));
        }
    }
}
