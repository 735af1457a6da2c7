//! Best-speed curves and best times over standard running distances (docs/science.md §8).
//!
//! The speed curve is the mean-maximal machinery of [`crate::mmp`] applied to per-second
//! distance increments; best times come from a two-pointer sweep over cumulative distance.
//! Only running-group activities count (the caller filters by sport).

use crate::mmp::{self, MmpCurve, Piece};
use crate::stream::Grid;

/// Constants of §8: the series rule, the duration grid and the best-time distances.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveConfig {
    /// Pauses up to this many seconds are zero-filled; longer pauses split the series into
    /// pieces that no window crosses (600 s).
    pub max_zero_fill_pause_s: u32,
    /// Every whole second from 1 up to this duration is on the grid G (3600 s).
    pub fine_until_s: u32,
    /// Step of the medium part of G, after `fine_until_s` (60 s).
    pub medium_step_s: u32,
    /// Last duration of the medium part of G (7200 s).
    pub medium_until_s: u32,
    /// Step of G after `medium_until_s` (300 s).
    pub coarse_step_s: u32,
    /// Distances of the running best times, m: 400, 1000, 1609.344 (mile), 5000, 10 000,
    /// 21 097.5 (half marathon), 42 195 (marathon).
    pub best_time_distances_m: Vec<f64>,
}

impl Default for CurveConfig {
    fn default() -> Self {
        Self {
            max_zero_fill_pause_s: 600,
            fine_until_s: 3600,
            medium_step_s: 60,
            medium_until_s: 7200,
            coarse_step_s: 300,
            best_time_distances_m: vec![
                400.0, 1000.0, 1609.344, 5000.0, 10_000.0, 21_097.5, 42_195.0,
            ],
        }
    }
}

/// The distance series of §8: per-second distance increments, m, split into pieces.
///
/// Inside a segment the increment of sample s is d_s − d_{s−1}; a segment's first sample adds 0
/// (the jump across a pause is discarded), and so does any sample whose own or previous distance
/// is missing, not finite, or lower than the previous one (never credited as a burst when the
/// signal returns). Pauses ≤ `max_zero_fill_pause_s` add zeros; longer pauses split. Without a
/// distance channel, speed (m/s × 1 s) is used as the increment. Empty when the grid has
/// neither channel.
pub fn distance_pieces(grid: &Grid, cfg: &CurveConfig) -> Vec<Piece> {
    let n = grid.len();
    if grid.distance_m.len() == n && n > 0 {
        let dist = &grid.distance_m;
        mmp::split_pieces(grid, cfg, |i, first_of_segment| {
            if first_of_segment || i == 0 {
                return 0.0;
            }
            match (dist[i - 1], dist[i]) {
                (Some(a), Some(b)) => mmp::sanitize(b - a),
                _ => 0.0,
            }
        })
    } else if grid.velocity_mps.len() == n && n > 0 {
        let speed = &grid.velocity_mps;
        mmp::split_pieces(grid, cfg, |i, _| speed[i].map_or(0.0, mmp::sanitize))
    } else {
        Vec::new()
    }
}

/// The running best-speed curve: for every duration of G, the best average speed (m/s) over
/// exactly that long, with the window that achieved it (exact, like power, §8).
///
/// `None` when the grid has no distance or speed channel or no sample.
pub fn activity_speed_curve(grid: &Grid, cfg: &CurveConfig) -> Option<MmpCurve> {
    let pieces = distance_pieces(grid, cfg);
    mmp::exact_curve(&pieces, cfg)
        .ok()
        .filter(|c| !c.points.is_empty())
}

/// The fastest time over one distance within an activity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BestTime {
    /// The distance, m.
    pub distance_m: f64,
    /// The fastest time, s, linearly interpolated within the final second.
    pub time_s: f64,
    /// The piece of the distance series holding the effort.
    pub piece: usize,
    /// The start second inside that piece.
    pub start: usize,
    /// Seconds from the first sample of the activity to the start of the effort.
    pub start_offset_s: u32,
}

/// Best times for each configured distance that the activity covers within one piece.
///
/// # Formula
/// With cumulative distance X over a piece (X₀ = 0, X_j = X_{j−1} + x_j), for every start
/// second s the end is the first j with X_j ≥ X_s + L, interpolated inside second j:
/// t = (j − 1) + (X_s + L − X_{j−1}) / x_j, and the time is t − s. A two-pointer sweep (the end
/// never moves back because X never falls) makes it O(n) per distance. Ties keep the earliest
/// start. Error < 1 s against a continuous record.
pub fn best_times(grid: &Grid, cfg: &CurveConfig) -> Vec<BestTime> {
    let pieces = distance_pieces(grid, cfg);
    let cumulative: Vec<Vec<f64>> = pieces.iter().map(|p| cumulate(&p.values)).collect();
    let mut out = Vec::new();
    for &distance_m in &cfg.best_time_distances_m {
        if !(distance_m.is_finite() && distance_m > 0.0) {
            continue;
        }
        let mut best: Option<BestTime> = None;
        for (k, x) in cumulative.iter().enumerate() {
            if let Some((time_s, start)) = fastest_in_piece(x, distance_m)
                && best.is_none_or(|b| time_s < b.time_s)
            {
                let start_offset_s = u32::try_from(start)
                    .map_or(u32::MAX, |s| pieces[k].start_offset_s.saturating_add(s));
                best = Some(BestTime {
                    distance_m,
                    time_s,
                    piece: k,
                    start,
                    start_offset_s,
                });
            }
        }
        out.extend(best);
    }
    out
}

/// Cumulative sums with a leading 0.
fn cumulate(values: &[f64]) -> Vec<f64> {
    let mut x = Vec::with_capacity(values.len() + 1);
    let mut acc = 0.0;
    x.push(acc);
    for &v in values {
        acc += v;
        x.push(acc);
    }
    x
}

/// The fastest `(time_s, start)` covering `distance_m` in one piece's cumulative distance `x`.
fn fastest_in_piece(x: &[f64], distance_m: f64) -> Option<(f64, usize)> {
    let mut best: Option<(f64, usize)> = None;
    let mut j = 1;
    for s in 0..x.len().saturating_sub(1) {
        let target = x[s] + distance_m;
        j = j.max(s + 1);
        while j < x.len() && x[j] < target {
            j += 1;
        }
        if j == x.len() {
            break;
        }
        let step = x[j] - x[j - 1];
        let frac = if step > 0.0 {
            (target - x[j - 1]) / step
        } else {
            1.0
        };
        let time_s = (j - 1 - s) as f64 + frac;
        if best.is_none_or(|(t, _)| time_s < t) {
            best = Some((time_s, s));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: f64 = 1e-9;

    fn close(a: f64, e: f64, tol: f64) -> bool {
        (a - e).abs() <= tol * e.abs().max(1.0)
    }

    fn run_grid(distance: Vec<Option<f64>>, segments: Vec<std::ops::Range<usize>>) -> Grid {
        let n = distance.len();
        Grid {
            offset_s: (0..u32::try_from(n).unwrap()).collect(),
            distance_m: distance,
            segments,
            ..Grid::default()
        }
    }

    #[test]
    fn constant_speed_gives_a_flat_curve_and_exact_best_times() {
        let dist: Vec<Option<f64>> = (0..1200).map(|s| Some(4.0 * f64::from(s))).collect();
        let grid = run_grid(dist, std::iter::once(0..1200).collect());
        let cfg = CurveConfig::default();
        let curve = activity_speed_curve(&grid, &cfg).unwrap();
        assert!(close(curve.at(1).unwrap(), 4.0, TOL));
        // The first sample adds nothing, so the full 1200 s hold 1199 increments of 4 m.
        assert!(close(curve.at(1200).unwrap(), 4.0 * 1199.0 / 1200.0, TOL));
        let times = best_times(&grid, &cfg);
        assert!(close(times[0].time_s, 100.0, TOL));
        assert!(close(times[1].time_s, 250.0, TOL));
        assert_eq!(times.len(), 3, "400 m, 1000 m and the mile fit in 4796 m");
    }

    #[test]
    fn best_time_interpolates_within_the_last_second() {
        // 3 m/s: 400 m needs 133.33 s.
        let dist: Vec<Option<f64>> = (0..300).map(|s| Some(3.0 * f64::from(s))).collect();
        let grid = run_grid(dist, std::iter::once(0..300).collect());
        let times = best_times(&grid, &CurveConfig::default());
        assert!(close(times[0].time_s, 400.0 / 3.0, TOL));
    }

    #[test]
    fn the_jump_across_a_pause_is_not_credited() {
        let mut dist: Vec<Option<f64>> = (0..200).map(|s| Some(2.0 * f64::from(s))).collect();
        // After the pause the watch reports 1 km more than before it.
        for d in dist.iter_mut().skip(100) {
            *d = d.map(|v| v + 1000.0);
        }
        let mut grid = run_grid(dist, vec![0..100, 100..200]);
        grid.pauses_s = vec![30];
        let curve = activity_speed_curve(&grid, &CurveConfig::default()).unwrap();
        assert!(close(curve.at(1).unwrap(), 2.0, TOL));
    }

    #[test]
    fn a_grid_without_distance_or_speed_has_no_curve() {
        let grid = Grid {
            offset_s: vec![0, 1, 2],
            segments: std::iter::once(0..3).collect(),
            ..Grid::default()
        };
        assert!(activity_speed_curve(&grid, &CurveConfig::default()).is_none());
        assert!(best_times(&grid, &CurveConfig::default()).is_empty());
    }

    #[test]
    fn speed_is_used_when_distance_is_absent() {
        let grid = Grid {
            offset_s: vec![0, 1, 2, 3],
            velocity_mps: vec![Some(3.0), Some(5.0), None, Some(f64::NAN)],
            segments: std::iter::once(0..4).collect(),
            ..Grid::default()
        };
        let curve = activity_speed_curve(&grid, &CurveConfig::default()).unwrap();
        assert!(close(curve.at(1).unwrap(), 5.0, TOL));
        assert!(close(curve.at(4).unwrap(), 2.0, TOL));
    }
}
