//! Samples that pass the range checks of §1.2 but cannot be true for the activity (§1.4):
//! isolated power spikes and running speeds no runner holds. They are removed from the grid, so
//! no curve, best effort or load sees them, and counted in [`super::Rejected`].

use super::{Grid, RawStreams, StreamConfig, resample};
use crate::{ScienceError, SportClass};

/// The grid every figure of an activity is computed from: [`resample`], then
/// [`reject_implausible`] for its sport class. The sync and `analyze` both use it, so one file
/// gives one grid.
///
/// # Errors
/// As [`resample`].
pub fn activity_grid(
    raw: &RawStreams,
    class: SportClass,
    cfg: &StreamConfig,
) -> Result<Grid, ScienceError> {
    let mut grid = resample(raw, cfg)?;
    reject_implausible(&mut grid, class, cfg);
    Ok(grid)
}

/// Removes implausible samples from `grid` (sport class `class`) and counts them in
/// `grid.rejected.power_spikes` and `grid.rejected.implausible_speed`; returns how many.
///
/// # Formula
/// A power spike is a run of at most `spike_max_s` consecutive seconds, inside one segment,
/// each ≥ `spike_min_w`, whose lowest value is ≥ `spike_ratio` × the highest valid value in the
/// `spike_context_s` seconds on either side (and that context is not empty). A real sprint ramps
/// up and down through its neighbours and lasts longer, so it is kept; a 2 000 W reading for
/// 1–3 s between 200 W seconds is not.
///
/// For runs (class [`SportClass::Run`]) a second whose speed exceeds `run_speed_max_mps`, or
/// whose distance increment does, loses its speed and distance (so the distance series adds
/// nothing for it).
pub fn reject_implausible(grid: &mut Grid, class: SportClass, cfg: &StreamConfig) -> usize {
    let spikes = reject_power_spikes(grid, cfg);
    let speed = if class == SportClass::Run {
        reject_run_speed(grid, cfg)
    } else {
        0
    };
    grid.rejected.power_spikes += spikes;
    grid.rejected.implausible_speed += speed;
    spikes + speed
}

fn segments(grid: &Grid) -> Vec<std::ops::Range<usize>> {
    let n = grid.len();
    if grid.segments.is_empty() {
        std::iter::once(0..n).collect()
    } else {
        grid.segments
            .iter()
            .map(|s| s.start.min(n)..s.end.min(n))
            .collect()
    }
}

fn reject_power_spikes(grid: &mut Grid, cfg: &StreamConfig) -> usize {
    if grid.watts.len() != grid.len() || cfg.spike_max_s == 0 {
        return 0;
    }
    let max_run = usize::try_from(cfg.spike_max_s).unwrap_or(usize::MAX);
    let context = usize::try_from(cfg.spike_context_s).unwrap_or(0);
    let mut flagged = Vec::new();
    for seg in segments(grid) {
        let w = &grid.watts;
        let high = |i: usize| w[i].is_some_and(|v| v >= cfg.spike_min_w);
        let mut i = seg.start;
        while i < seg.end {
            if !high(i) {
                i += 1;
                continue;
            }
            let start = i;
            while i < seg.end && high(i) {
                i += 1;
            }
            let end = i;
            if end - start > max_run {
                continue;
            }
            let before = start.saturating_sub(context).max(seg.start)..start;
            let after = end..(end + context).min(seg.end);
            let around = before
                .chain(after)
                .filter_map(|k| w[k])
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
            let lowest = (start..end)
                .filter_map(|k| w[k])
                .fold(f64::INFINITY, f64::min);
            if let Some(around) = around
                && lowest >= cfg.spike_ratio * around
            {
                flagged.extend(start..end);
            }
        }
    }
    for &k in &flagged {
        grid.watts[k] = None;
    }
    flagged.len()
}

fn reject_run_speed(grid: &mut Grid, cfg: &StreamConfig) -> usize {
    let n = grid.len();
    let cap = cfg.run_speed_max_mps;
    let has_speed = grid.velocity_mps.len() == n;
    let has_distance = grid.distance_m.len() == n;
    let mut flagged = vec![false; n];
    if has_speed {
        for (f, v) in flagged.iter_mut().zip(&grid.velocity_mps) {
            *f |= v.is_some_and(|v| v > cap);
        }
    }
    if has_distance {
        let d = &grid.distance_m;
        for seg in segments(grid) {
            let from = seg.start + 1;
            for (k, f) in flagged.iter_mut().enumerate().take(seg.end).skip(from) {
                if let (Some(a), Some(b)) = (d[k - 1], d[k]) {
                    *f |= b - a > cap;
                }
            }
        }
    }
    let mut count = 0;
    for (i, _) in flagged.iter().enumerate().filter(|(_, f)| **f) {
        count += 1;
        if has_speed {
            grid.velocity_mps[i] = None;
        }
        if has_distance {
            grid.distance_m[i] = None;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ride(watts: &[f64]) -> Grid {
        let n = watts.len();
        Grid {
            offset_s: (0..u32::try_from(n).unwrap()).collect(),
            watts: watts.iter().map(|&v| Some(v)).collect(),
            segments: std::iter::once(0..n).collect(),
            ..Grid::default()
        }
    }

    #[test]
    fn a_two_second_2000_w_spike_in_a_200_w_ride_is_removed() {
        let mut w = vec![200.0; 60];
        w[30] = 2000.0;
        w[31] = 1950.0;
        let mut grid = ride(&w);
        let cfg = StreamConfig::default();
        assert_eq!(reject_implausible(&mut grid, SportClass::Ride, &cfg), 2);
        assert_eq!((grid.watts[30], grid.watts[31]), (None, None));
        assert_eq!(grid.rejected.power_spikes, 2);
        assert_eq!(grid.rejected.total(), 2);
    }

    #[test]
    fn a_real_sprint_that_ramps_through_its_neighbours_is_kept() {
        let mut w = vec![250.0; 60];
        for (k, v) in [500.0, 800.0, 1100.0, 1200.0, 1150.0, 1000.0, 800.0, 500.0]
            .into_iter()
            .enumerate()
        {
            w[20 + k] = v;
        }
        let mut grid = ride(&w);
        let cfg = StreamConfig::default();
        assert_eq!(reject_implausible(&mut grid, SportClass::Ride, &cfg), 0);
        // A short sharp kick from a 400 W effort is not a spike either.
        let mut w = vec![400.0; 30];
        w[10] = 1100.0;
        let mut grid = ride(&w);
        assert_eq!(reject_implausible(&mut grid, SportClass::Ride, &cfg), 0);
    }

    #[test]
    fn a_40_km_h_stretch_of_a_run_loses_its_speed_and_distance() {
        let n = 20;
        let mut speed: Vec<Option<f64>> = vec![Some(3.0); n];
        let mut dist: Vec<Option<f64>> = (0..n).map(|s| Some(3.0 * s as f64)).collect();
        for v in &mut speed[10..13] {
            *v = Some(40.0 / 3.6);
        }
        for (s, d) in dist.iter_mut().enumerate().skip(10) {
            *d = Some(3.0 * s as f64 + 11.1 * (s.min(12) - 9) as f64);
        }
        let mut grid = Grid {
            offset_s: (0..20).collect(),
            velocity_mps: speed,
            distance_m: dist,
            segments: std::iter::once(0..n).collect(),
            ..Grid::default()
        };
        let cfg = StreamConfig::default();
        let mut ride = grid.clone();
        assert_eq!(reject_implausible(&mut ride, SportClass::Ride, &cfg), 0);
        assert_eq!(reject_implausible(&mut grid, SportClass::Run, &cfg), 3);
        assert_eq!(grid.rejected.implausible_speed, 3);
        assert!(grid.velocity_mps[10..13].iter().all(Option::is_none));
    }
}
