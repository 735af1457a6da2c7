//! Layout of the 1 Hz grid, gap filling and derived channels (docs/science.md §1.3).

use std::ops::Range;

use super::validate::{Bin, bin_samples, check_lengths, in_range};
use super::{Grid, RawStreams, Rejected, StreamConfig};
use crate::ScienceError;

/// Validates and resamples raw streams onto the 1 Hz grid (docs/science.md §1.2–1.3).
///
/// - Times that are NaN/infinite, not strictly greater than the last kept time, or more than
///   2³² − 1 s after the first kept time drop their whole sample (counted in `rejected.time`).
/// - Channel values outside the [`StreamConfig`] limits (or not finite) become missing and are
///   counted; distance also when it falls below the last valid distance. Grade is never
///   rejected: it is clamped; a non-finite grade is simply missing.
/// - Second index s = floor(t − t_first); several samples in one second give the mean of the
///   valid values (distance and moving: the last value).
/// - Occupied seconds at most `gap_max_s` apart are a gap (filled); further apart a pause (its
///   seconds are not samples). Within a channel, a missing value is filled when its two valid
///   neighbours are at most `gap_max_s` apart: hold the previous value for power, heart rate,
///   speed, grade and moving; linear interpolation for distance and altitude.
/// - Without any speed value but with distance, speed is the per-second distance difference
///   inside a segment (a segment's first sample takes the next difference). Without any moving
///   value, moving = speed ≥ `moving_speed_mps`, or true where speed is missing.
///
/// # Errors
/// [`ScienceError::LengthMismatch`] when a non-empty channel is not as long as `time_s`. Empty
/// input gives an empty grid.
///
/// ```
/// use science::stream::{Channel, RawStreams, StreamConfig, resample};
/// let raw = RawStreams {
///     time_s: vec![0.0, 4.0, 30.0],
///     watts: vec![Some(200.0), Some(210.0), Some(5000.0)],
///     ..RawStreams::default()
/// };
/// let grid = resample(&raw, &StreamConfig::default()).unwrap();
/// assert_eq!(grid.offset_s, vec![0, 1, 2, 3, 4, 30]); // 1–3 filled, 5–29 a pause
/// assert_eq!(grid.watts[2], Some(200.0)); // power holds
/// assert_eq!(grid.rejected.watts, 1); // 5000 W is an artefact
/// assert_eq!(grid.coverage(Channel::Watts), 5.0 / 6.0);
/// ```
pub fn resample(raw: &RawStreams, cfg: &StreamConfig) -> Result<Grid, ScienceError> {
    check_lengths(raw)?;
    let mut rejected = Rejected::default();
    let bins = bin_samples(raw, cfg, &mut rejected);
    let gap_max = cfg.gap_max_s.max(1);
    let (offset_s, segments, pauses_s) = layout(&bins, gap_max);

    let hold = |a: f64, _: f64, _: f64| a;
    let lerp = |a: f64, b: f64, frac: f64| a + (b - a) * frac;
    let channel =
        |present: bool, pick: fn(&Bin) -> Option<f64>, interp: &dyn Fn(f64, f64, f64) -> f64| {
            if !present {
                return Vec::new();
            }
            let points: Vec<(u32, f64)> = bins
                .iter()
                .filter_map(|b| pick(b).map(|v| (b.second, v)))
                .collect();
            fill(&points, &offset_s, gap_max, interp)
        };
    let watts = channel(!raw.watts.is_empty(), |b| b.watts.get(), &hold);
    let heartrate_bpm = channel(!raw.heartrate_bpm.is_empty(), |b| b.heartrate.get(), &hold);
    let mut velocity_mps = channel(!raw.velocity_mps.is_empty(), |b| b.velocity.get(), &hold);
    let distance_m = channel(!raw.distance_m.is_empty(), |b| b.distance, &lerp);
    let altitude_m = channel(!raw.altitude_m.is_empty(), |b| b.altitude.get(), &lerp);
    let grade_pct = channel(!raw.grade_pct.is_empty(), |b| b.grade.get(), &hold);

    let has_speed = raw.velocity_mps.iter().any(Option::is_some);
    if !has_speed && !distance_m.is_empty() {
        velocity_mps = speed_from_distance(&distance_m, &segments, cfg, &mut rejected);
    }
    let moving = moving_flags(&bins, &offset_s, &velocity_mps, gap_max, cfg);

    Ok(Grid {
        offset_s,
        watts,
        heartrate_bpm,
        velocity_mps,
        distance_m,
        altitude_m,
        grade_pct,
        moving,
        segments,
        pauses_s,
        rejected,
    })
}

/// Grid seconds, segments and pause lengths from the occupied seconds (§1.3 items 2 and 5).
fn layout(bins: &[Bin], gap_max: u32) -> (Vec<u32>, Vec<Range<usize>>, Vec<u32>) {
    let mut offsets: Vec<u32> = Vec::new();
    let mut segments = Vec::new();
    let mut pauses = Vec::new();
    let mut segment_start = 0;
    for bin in bins {
        if let Some(&prev) = offsets.last() {
            let delta = bin.second - prev;
            if delta <= gap_max {
                offsets.extend(prev + 1..bin.second);
            } else {
                segments.push(segment_start..offsets.len());
                pauses.push(delta - 1);
                segment_start = offsets.len();
            }
        }
        offsets.push(bin.second);
    }
    if !offsets.is_empty() {
        segments.push(segment_start..offsets.len());
    }
    (offsets, segments, pauses)
}

/// Values of one channel on the grid seconds, from its valid points (sorted by second).
///
/// A grid second without its own value is filled from its valid neighbours a < s < b when
/// b − a ≤ `gap_max`, with `interp(value_a, value_b, (s − a)/(b − a))`; otherwise it is missing.
fn fill<T: Copy>(
    points: &[(u32, T)],
    offsets: &[u32],
    gap_max: u32,
    interp: &dyn Fn(T, T, f64) -> T,
) -> Vec<Option<T>> {
    let mut next = 0;
    let mut out = Vec::with_capacity(offsets.len());
    for &s in offsets {
        while points.get(next).is_some_and(|&(second, _)| second < s) {
            next += 1;
        }
        let after = points.get(next);
        let before = next.checked_sub(1).and_then(|k| points.get(k));
        let value = match (before, after) {
            (_, Some(&(b, vb))) if b == s => Some(vb),
            (Some(&(a, va)), Some(&(b, vb))) if b - a <= gap_max => {
                Some(interp(va, vb, f64::from(s - a) / f64::from(b - a)))
            }
            _ => None,
        };
        out.push(value);
    }
    out
}

/// Speed as the per-second distance difference inside each segment (§1.3 item 6).
fn speed_from_distance(
    distance_m: &[Option<f64>],
    segments: &[Range<usize>],
    cfg: &StreamConfig,
    rejected: &mut Rejected,
) -> Vec<Option<f64>> {
    let mut speed = vec![None; distance_m.len()];
    for segment in segments {
        for i in segment.clone() {
            let (from, to) = if i > segment.start {
                (i - 1, i)
            } else {
                (i, i + 1)
            };
            if to >= segment.end {
                continue;
            }
            let (Some(Some(d0)), Some(Some(d1))) = (distance_m.get(from), distance_m.get(to))
            else {
                continue;
            };
            let v = Some(d1 - d0);
            speed[i] = in_range(
                v,
                cfg.velocity_min_mps,
                cfg.velocity_max_mps,
                &mut rejected.velocity,
            );
        }
    }
    speed
}

/// The moving flag of every grid sample (§1.3 items 3 and 6).
fn moving_flags(
    bins: &[Bin],
    offsets: &[u32],
    speed_mps: &[Option<f64>],
    gap_max: u32,
    cfg: &StreamConfig,
) -> Vec<bool> {
    let points: Vec<(u32, bool)> = bins
        .iter()
        .filter_map(|b| b.moving.map(|m| (b.second, m)))
        .collect();
    let recorded = if points.is_empty() {
        vec![None; offsets.len()]
    } else {
        fill(&points, offsets, gap_max, &|a, _, _| a)
    };
    recorded
        .iter()
        .enumerate()
        .map(|(i, flag)| {
            flag.unwrap_or_else(|| match speed_mps.get(i).copied().flatten() {
                Some(v) => v >= cfg.moving_speed_mps,
                None => true,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::stream::testing::{close, grid, some};
    use crate::stream::{Channel, RawStreams};
    use proptest::prelude::*;

    #[test]
    fn empty_input_gives_an_empty_grid() {
        let g = grid(&RawStreams::default());
        assert!(g.is_empty());
        assert!(g.segments.is_empty());
        assert_eq!(g.coverage(Channel::Watts), 0.0);
    }

    #[test]
    fn one_sample_gives_one_sample_in_one_segment() {
        let raw = RawStreams {
            time_s: vec![12.5],
            watts: some(&[180.0]),
            ..RawStreams::default()
        };
        let g = grid(&raw);
        assert_eq!(g.offset_s, vec![0]);
        assert_eq!(g.watts, some(&[180.0]));
        assert_eq!(g.segments, vec![0..1]);
        assert!(g.pauses_s.is_empty());
        assert_eq!(g.moving, vec![true]);
        assert_eq!(g.coverage(Channel::Watts), 1.0);
        assert_eq!(g.coverage(Channel::HeartRate), 0.0);
    }

    #[test]
    fn smart_recording_holds_powers_and_interpolates_positions() {
        let raw = RawStreams {
            time_s: vec![0.0, 1.0, 4.0, 12.0, 13.0],
            watts: some(&[100.0, 200.0, 300.0, 400.0, 500.0]),
            distance_m: some(&[0.0, 5.0, 20.0, 60.0, 65.0]),
            altitude_m: some(&[10.0, 10.0, 13.0, 5.0, 5.0]),
            ..RawStreams::default()
        };
        let g = grid(&raw);
        assert_eq!(g.offset_s, (0..=13).collect::<Vec<u32>>());
        assert_eq!(g.segments, vec![0..14]);
        let w = [
            100., 200., 200., 200., 300., 300., 300., 300., 300., 300., 300., 300., 400., 500.,
        ];
        assert_eq!(g.watts, some(&w));
        assert_eq!(g.distance_m[2], Some(10.0));
        assert_eq!(g.distance_m[8], Some(40.0));
        assert!(close(g.altitude_m[3].unwrap(), 12.0));
        assert!(close(g.altitude_m[10].unwrap(), 7.0));
        // Speed derived from distance: 5 m/s at the start, 5 m/s within each filled gap.
        assert_eq!(g.velocity_mps[0], Some(5.0));
        assert_eq!(g.velocity_mps[1], Some(5.0));
        assert_eq!(g.velocity_mps[3], Some(5.0));
        assert_eq!(g.velocity_mps[13], Some(5.0));
        assert!(g.moving.iter().all(|&m| m));
        assert_eq!(g.rejected.total(), 0);
    }

    #[test]
    fn a_gap_of_ten_seconds_is_filled_and_eleven_is_a_pause() {
        let raw = RawStreams {
            time_s: vec![0.0, 10.0, 21.0, 22.0],
            watts: some(&[1.0, 2.0, 3.0, 4.0]),
            ..RawStreams::default()
        };
        let g = grid(&raw);
        assert_eq!(g.len(), 13);
        assert_eq!(g.segments, vec![0..11, 11..13]);
        assert_eq!(g.pauses_s, vec![10]);
        assert_eq!(*g.offset_s.last().unwrap(), 22);
        assert_eq!(g.watts[9], Some(1.0));
        assert_eq!(g.watts[11], Some(3.0));
        assert_eq!(g.coverage(Channel::Watts), 1.0);
    }

    #[test]
    fn long_missing_stretches_inside_a_channel_stay_missing() {
        let mut hr = vec![None; 30];
        hr[0] = Some(120.0);
        hr[5] = Some(130.0);
        hr[20] = Some(140.0);
        let raw = RawStreams {
            time_s: (0..30).map(f64::from).collect(),
            heartrate_bpm: hr,
            ..RawStreams::default()
        };
        let g = grid(&raw);
        assert_eq!(g.heartrate_bpm[4], Some(120.0));
        assert_eq!(g.heartrate_bpm[6], None);
        assert_eq!(g.heartrate_bpm[19], None);
        assert_eq!(g.heartrate_bpm[21], None);
        assert!(close(g.coverage(Channel::HeartRate), 7.0 / 30.0));
    }

    #[test]
    fn moving_comes_from_speed_without_a_moving_stream() {
        let raw = RawStreams {
            time_s: (0..4).map(f64::from).collect(),
            velocity_mps: vec![Some(0.4), Some(0.5), None, Some(f64::NAN)],
            ..RawStreams::default()
        };
        let g = grid(&raw);
        // Second 2 holds 0.5; second 3 has no later neighbour, so speed is missing there.
        assert_eq!(g.velocity_mps, vec![Some(0.4), Some(0.5), None, None]);
        assert_eq!(g.moving, vec![false, true, true, true]);
    }

    #[test]
    fn derived_speed_restarts_after_a_pause() {
        let raw = RawStreams {
            time_s: vec![0.0, 1.0, 2.0, 100.0, 101.0],
            distance_m: some(&[0.0, 3.0, 6.0, 500.0, 504.0]),
            ..RawStreams::default()
        };
        let g = grid(&raw);
        assert_eq!(g.pauses_s, vec![97]);
        let expected = some(&[3.0, 3.0, 3.0, 4.0, 4.0]);
        assert_eq!(g.velocity_mps, expected);
    }

    #[test]
    fn derived_speed_above_the_limit_is_an_artefact() {
        let raw = RawStreams {
            time_s: vec![0.0, 1.0, 2.0],
            distance_m: some(&[0.0, 100.0, 103.0]),
            ..RawStreams::default()
        };
        let g = grid(&raw);
        assert_eq!(g.velocity_mps, vec![None, None, Some(3.0)]);
        assert_eq!(g.rejected.velocity, 2);
    }

    fn clean_raw(watts: Vec<f64>, hr: Vec<f64>) -> RawStreams {
        let n = watts.len().min(hr.len());
        RawStreams {
            time_s: (0..n).map(|i| i as f64).collect(),
            watts: some(&watts[..n]),
            heartrate_bpm: some(&hr[..n]),
            ..RawStreams::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn resampling_a_clean_one_hertz_series_is_the_identity(
            watts in prop::collection::vec(0.0..3000.0_f64, 1..300),
            hr in prop::collection::vec(25.0..250.0_f64, 300),
        ) {
            let raw = clean_raw(watts, hr);
            let g = grid(&raw);
            let expected: Vec<u32> = (0..raw.time_s.len()).map(|i| i as u32).collect();
            prop_assert_eq!(&g.offset_s, &expected);
            prop_assert_eq!(&g.watts, &raw.watts);
            prop_assert_eq!(&g.heartrate_bpm, &raw.heartrate_bpm);
            prop_assert_eq!(g.segments.len(), 1);
            prop_assert_eq!(g.rejected.total(), 0);
        }

        #[test]
        fn irregular_recording_keeps_the_grid_consistent(
            steps in prop::collection::vec(0.1..30.0_f64, 1..200),
            watts in prop::collection::vec(-100.0..3500.0_f64, 200),
        ) {
            let mut t = 0.0;
            let time_s: Vec<f64> = steps.iter().map(|s| { t += s; t }).collect();
            let n = time_s.len();
            let raw = RawStreams { time_s, watts: some(&watts[..n]), ..RawStreams::default() };
            let g = grid(&raw);
            prop_assert!(g.offset_s.windows(2).all(|w| w[0] < w[1]));
            prop_assert_eq!(g.watts.len(), g.len());
            prop_assert_eq!(g.moving.len(), g.len());
            prop_assert_eq!(g.segments.len(), g.pauses_s.len() + 1);
            let covered: usize = g.segments.iter().map(ExactSizeIterator::len).sum();
            prop_assert_eq!(covered, g.len());
            for (k, pause) in g.pauses_s.iter().enumerate() {
                let before = g.offset_s[g.segments[k].end - 1];
                let after = g.offset_s[g.segments[k + 1].start];
                prop_assert_eq!(after - before - 1, *pause);
                prop_assert!(*pause >= 10);
            }
            prop_assert!(g.watts.iter().flatten().all(|w| (0.0..=3000.0).contains(w)));
            prop_assert!((0.0..=1.0).contains(&g.coverage(Channel::Watts)));
        }
    }
}
