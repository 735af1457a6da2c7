//! Validation and 1 Hz resampling of raw activity streams (SCIENCE.md §1).
//!
//! Raw streams come from Strava (index-aligned arrays) or from activity files (records with
//! optional fields). [`resample`] turns them into a [`Grid`]: one sample per recorded second,
//! short gaps filled, pauses skipped and artefacts counted.

use std::ops::Range;

use crate::ScienceError;

/// Index-aligned raw streams of one activity. A channel vector is either empty (the channel
/// was not recorded) or exactly as long as `time_s`; `None` marks a record without that value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawStreams {
    /// Seconds from the start, integer or fractional.
    pub time_s: Vec<f64>,
    /// Power, W.
    pub watts: Vec<Option<f64>>,
    /// Heart rate, bpm.
    pub heartrate_bpm: Vec<Option<f64>>,
    /// Speed, m/s (Strava `velocity_smooth`).
    pub velocity_mps: Vec<Option<f64>>,
    /// Cumulative distance, m.
    pub distance_m: Vec<Option<f64>>,
    /// Altitude, m.
    pub altitude_m: Vec<Option<f64>>,
    /// Grade, % (Strava `grade_smooth`).
    pub grade_pct: Vec<Option<f64>>,
    /// Whether the athlete was moving (Strava `moving`).
    pub moving: Vec<Option<bool>>,
}

/// How many samples of each channel validation rejected (SCIENCE.md §1.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rejected {
    /// Whole samples dropped because time did not increase.
    pub time: usize,
    /// Power values outside [0, 3000] W.
    pub watts: usize,
    /// Heart-rate values outside [25, 250] bpm.
    pub heartrate: usize,
    /// Speed values outside [0, 30] m/s.
    pub velocity: usize,
    /// Distance values below 0 or below the last valid value.
    pub distance: usize,
    /// Altitude values outside [−500, 9000] m.
    pub altitude: usize,
}

impl Rejected {
    /// Sum over all channels.
    pub fn total(&self) -> usize {
        self.time + self.watts + self.heartrate + self.velocity + self.distance + self.altitude
    }
}

/// The 1 Hz grid of one activity (SCIENCE.md §1.3, item 5).
///
/// Every channel vector is either empty (channel absent) or `offset_s.len()` long. Pause seconds
/// are not samples: they appear only in `pauses_s`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    /// Seconds from the first raw sample to each grid sample; strictly increasing.
    pub offset_s: Vec<u32>,
    /// Power, W.
    pub watts: Vec<Option<f64>>,
    /// Heart rate, bpm.
    pub heartrate_bpm: Vec<Option<f64>>,
    /// Speed, m/s; derived from distance when the raw stream had none (§1.3 item 6).
    pub velocity_mps: Vec<Option<f64>>,
    /// Cumulative distance, m.
    pub distance_m: Vec<Option<f64>>,
    /// Altitude, m.
    pub altitude_m: Vec<Option<f64>>,
    /// Grade, %, clamped to [−45, 45].
    pub grade_pct: Vec<Option<f64>>,
    /// Moving flag for every sample (raw, or derived from speed ≥ 0.5 m/s, or true).
    pub moving: Vec<bool>,
    /// Maximal runs of samples without a pause, as index ranges into the channels.
    pub segments: Vec<Range<usize>>,
    /// `pauses_s[k]` = seconds without samples between `segments[k]` and `segments[k + 1]`.
    pub pauses_s: Vec<u32>,
    /// Artefacts removed during validation.
    pub rejected: Rejected,
}

impl Grid {
    /// Number of 1 Hz samples.
    pub fn len(&self) -> usize {
        self.offset_s.len()
    }

    /// True when the grid holds no sample.
    pub fn is_empty(&self) -> bool {
        self.offset_s.is_empty()
    }

    /// The values of one numeric channel (empty when the channel is absent).
    pub fn channel(&self, channel: Channel) -> &[Option<f64>] {
        match channel {
            Channel::Watts => &self.watts,
            Channel::HeartRate => &self.heartrate_bpm,
            Channel::Velocity => &self.velocity_mps,
            Channel::Distance => &self.distance_m,
            Channel::Altitude => &self.altitude_m,
            Channel::Grade => &self.grade_pct,
        }
    }

    /// Valid samples of `channel` / n, in [0, 1] (SCIENCE.md §1.3 item 5). Pause seconds are not
    /// samples and do not count. 0.0 when the grid is empty or the channel absent.
    pub fn coverage(&self, channel: Channel) -> f64 {
        let values = self.channel(channel);
        if self.is_empty() || values.is_empty() {
            return 0.0;
        }
        let valid = values.iter().filter(|v| v.is_some()).count();
        valid as f64 / self.len() as f64
    }
}

/// A numeric channel of the [`Grid`], for [`Grid::channel`] and [`Grid::coverage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Power, W.
    Watts,
    /// Heart rate, bpm.
    HeartRate,
    /// Speed, m/s (raw or derived from distance).
    Velocity,
    /// Cumulative distance, m.
    Distance,
    /// Altitude, m.
    Altitude,
    /// Grade, %.
    Grade,
}

/// Artefact limits and gap rules of SCIENCE.md §1. A value is valid when it lies in the closed
/// interval [min, max] of its channel.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamConfig {
    /// Longest distance between two occupied seconds (or two valid values of one channel) that is
    /// still a gap and gets filled, s (10). Longer is a pause (or a missing stretch).
    pub gap_max_s: u32,
    /// Lowest valid power, W (0).
    pub watts_min_w: f64,
    /// Highest valid power, W (3000).
    pub watts_max_w: f64,
    /// Lowest valid heart rate, bpm (25; removes 0-bpm dropouts).
    pub heartrate_min_bpm: f64,
    /// Highest valid heart rate, bpm (250).
    pub heartrate_max_bpm: f64,
    /// Lowest valid speed, m/s (0).
    pub velocity_min_mps: f64,
    /// Highest valid speed, m/s (30); also applied to speed derived from distance.
    pub velocity_max_mps: f64,
    /// Lowest valid altitude, m (−500).
    pub altitude_min_m: f64,
    /// Highest valid altitude, m (9000).
    pub altitude_max_m: f64,
    /// Grade is clamped to [−limit, +limit], % (45: validity range of the Minetti polynomial).
    pub grade_limit_pct: f64,
    /// Without a `moving` stream a sample is moving when its speed is at least this, m/s (0.5).
    pub moving_speed_mps: f64,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            gap_max_s: 10,
            watts_min_w: 0.0,
            watts_max_w: 3000.0,
            heartrate_min_bpm: 25.0,
            heartrate_max_bpm: 250.0,
            velocity_min_mps: 0.0,
            velocity_max_mps: 30.0,
            altitude_min_m: -500.0,
            altitude_max_m: 9000.0,
            grade_limit_pct: 45.0,
            moving_speed_mps: 0.5,
        }
    }
}

/// Running mean of the valid values that fell into one second.
#[derive(Debug, Clone, Copy, Default)]
struct Mean {
    sum: f64,
    count: u32,
}

impl Mean {
    fn add(&mut self, value: Option<f64>) {
        if let Some(v) = value {
            self.sum += v;
            self.count += 1;
        }
    }

    fn get(self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / f64::from(self.count))
    }
}

/// Everything recorded in one occupied second.
#[derive(Debug, Clone, Copy, Default)]
struct Bin {
    second: u32,
    watts: Mean,
    heartrate: Mean,
    velocity: Mean,
    altitude: Mean,
    grade: Mean,
    distance: Option<f64>,
    moving: Option<bool>,
}

/// Validates and resamples raw streams onto the 1 Hz grid (SCIENCE.md §1.2–1.3).
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

fn check_lengths(raw: &RawStreams) -> Result<(), ScienceError> {
    let expected = raw.time_s.len();
    let lengths = [
        ("watts", raw.watts.len()),
        ("heartrate", raw.heartrate_bpm.len()),
        ("velocity", raw.velocity_mps.len()),
        ("distance", raw.distance_m.len()),
        ("altitude", raw.altitude_m.len()),
        ("grade", raw.grade_pct.len()),
        ("moving", raw.moving.len()),
    ];
    for (channel, actual) in lengths {
        if actual != 0 && actual != expected {
            return Err(ScienceError::LengthMismatch {
                channel,
                expected,
                actual,
            });
        }
    }
    Ok(())
}

/// The value when it is finite and inside [min, max]; otherwise missing, counting a rejection.
fn in_range(value: Option<f64>, min: f64, max: f64, rejected: &mut usize) -> Option<f64> {
    let v = value?;
    if v.is_finite() && v >= min && v <= max {
        Some(v)
    } else {
        *rejected += 1;
        None
    }
}

/// Validates every raw sample (§1.2) and groups the kept ones by second (§1.3 item 1).
fn bin_samples(raw: &RawStreams, cfg: &StreamConfig, rejected: &mut Rejected) -> Vec<Bin> {
    let mut bins: Vec<Bin> = Vec::new();
    let mut first_t: Option<f64> = None;
    let mut last_t: Option<f64> = None;
    let mut last_distance = 0.0_f64;
    let get = |v: &[Option<f64>], i: usize| v.get(i).copied().flatten();
    for (i, &t) in raw.time_s.iter().enumerate() {
        let Some(second) = second_index(t, &mut first_t, last_t) else {
            rejected.time += 1;
            continue;
        };
        last_t = Some(t);
        if bins.last().is_none_or(|b| b.second != second) {
            bins.push(Bin {
                second,
                ..Bin::default()
            });
        }
        let Some(bin) = bins.last_mut() else { continue };
        let (r, c) = (&mut *rejected, cfg);
        let w = in_range(
            get(&raw.watts, i),
            c.watts_min_w,
            c.watts_max_w,
            &mut r.watts,
        );
        bin.watts.add(w);
        let hr = get(&raw.heartrate_bpm, i);
        let hr = in_range(
            hr,
            c.heartrate_min_bpm,
            c.heartrate_max_bpm,
            &mut r.heartrate,
        );
        bin.heartrate.add(hr);
        let v = get(&raw.velocity_mps, i);
        bin.velocity.add(in_range(
            v,
            c.velocity_min_mps,
            c.velocity_max_mps,
            &mut r.velocity,
        ));
        let a = get(&raw.altitude_m, i);
        bin.altitude.add(in_range(
            a,
            c.altitude_min_m,
            c.altitude_max_m,
            &mut r.altitude,
        ));
        let limit = c.grade_limit_pct;
        let g = get(&raw.grade_pct, i).filter(|g| g.is_finite());
        bin.grade.add(g.map(|g| g.clamp(-limit, limit)));
        if let Some(d) = in_range(
            get(&raw.distance_m, i),
            last_distance,
            f64::MAX,
            &mut r.distance,
        ) {
            last_distance = d;
            bin.distance = Some(d);
        }
        if let Some(m) = raw.moving.get(i).copied().flatten() {
            bin.moving = Some(m);
        }
    }
    bins
}

/// floor(t − t_first) as a second index, or `None` when the sample's time must be dropped.
fn second_index(t: f64, first_t: &mut Option<f64>, last_t: Option<f64>) -> Option<u32> {
    if !t.is_finite() || last_t.is_some_and(|last| t <= last) {
        return None;
    }
    let first = *first_t.get_or_insert(t);
    let second = (t - first).floor();
    // The range check makes the float-to-integer conversion exact.
    (second >= 0.0 && second <= f64::from(u32::MAX)).then_some(second as u32)
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
    use super::*;
    use proptest::prelude::*;

    const TOL: f64 = 1e-12;

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() <= TOL * expected.abs().max(1.0)
    }

    fn some(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().map(|&v| Some(v)).collect()
    }

    fn grid(raw: &RawStreams) -> Grid {
        resample(raw, &StreamConfig::default()).unwrap()
    }

    #[test]
    fn empty_input_gives_an_empty_grid() {
        let g = grid(&RawStreams::default());
        assert!(g.is_empty());
        assert!(g.segments.is_empty());
        assert_eq!(g.coverage(Channel::Watts), 0.0);
    }

    #[test]
    fn a_channel_of_another_length_is_rejected() {
        let raw = RawStreams {
            time_s: vec![0.0, 1.0],
            watts: some(&[100.0]),
            ..RawStreams::default()
        };
        let err = resample(&raw, &StreamConfig::default()).unwrap_err();
        assert_eq!(
            err,
            ScienceError::LengthMismatch {
                channel: "watts",
                expected: 2,
                actual: 1
            }
        );
        let raw = RawStreams {
            time_s: vec![0.0],
            moving: vec![Some(true), Some(false)],
            ..RawStreams::default()
        };
        assert!(resample(&raw, &StreamConfig::default()).is_err());
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
    fn bad_times_drop_their_whole_sample() {
        let raw = RawStreams {
            time_s: vec![f64::NAN, 0.0, 1.0, 1.0, 0.5, f64::INFINITY, 2.0, 1e300],
            watts: some(&[1.0, 10.0, 11.0, 99.0, 99.0, 99.0, 12.0, 99.0]),
            ..RawStreams::default()
        };
        let g = grid(&raw);
        assert_eq!(g.rejected.time, 5);
        assert_eq!(g.rejected.total(), 5);
        assert_eq!(g.offset_s, vec![0, 1, 2]);
        assert_eq!(g.watts, some(&[10.0, 11.0, 12.0]));
    }

    #[test]
    fn artefacts_become_missing_and_are_counted() {
        let raw = RawStreams {
            time_s: (0..4).map(f64::from).collect(),
            watts: vec![Some(-1.0), Some(3000.0), Some(3000.5), Some(f64::NAN)],
            heartrate_bpm: some(&[0.0, 25.0, 250.0, 251.0]),
            velocity_mps: some(&[-0.1, 0.0, 30.0, 1e308]),
            distance_m: some(&[-1.0, 10.0, 9.0, 12.0]),
            altitude_m: some(&[-501.0, -500.0, 9000.0, 9000.1]),
            grade_pct: vec![Some(-80.0), Some(12.0), Some(f64::NAN), Some(f64::INFINITY)],
            moving: Vec::new(),
        };
        let g = grid(&raw);
        let r = g.rejected;
        assert_eq!((r.watts, r.heartrate, r.velocity), (3, 2, 2));
        assert_eq!((r.distance, r.altitude, r.time), (2, 2, 0));
        assert_eq!(g.watts, vec![None, Some(3000.0), None, None]);
        assert_eq!(g.heartrate_bpm, vec![None, Some(25.0), Some(250.0), None]);
        assert_eq!(g.velocity_mps, vec![None, Some(0.0), Some(30.0), None]);
        // Distance 9 < 10 is rejected; the stretch between 10 (s 1) and 12 (s 3) is interpolated.
        assert_eq!(g.distance_m, vec![None, Some(10.0), Some(11.0), Some(12.0)]);
        assert_eq!(g.altitude_m, vec![None, Some(-500.0), Some(9000.0), None]);
        // Grade clamps; NaN and +inf are missing, and nothing valid follows them to fill from.
        assert_eq!(g.grade_pct, vec![Some(-45.0), Some(12.0), None, None]);
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
    fn several_samples_in_one_second_are_averaged_but_distance_keeps_the_last() {
        let raw = RawStreams {
            time_s: vec![0.0, 0.25, 0.5, 1.0, 1.9],
            watts: vec![Some(100.0), None, Some(200.0), Some(50.0), Some(5000.0)],
            distance_m: some(&[0.0, 1.0, 2.0, 3.0, 4.0]),
            moving: vec![Some(true), Some(false), None, Some(false), Some(true)],
            ..RawStreams::default()
        };
        let g = grid(&raw);
        assert_eq!(g.offset_s, vec![0, 1]);
        assert_eq!(g.watts, vec![Some(150.0), Some(50.0)]);
        assert_eq!(g.distance_m, vec![Some(2.0), Some(4.0)]);
        assert_eq!(g.moving, vec![false, true]);
        assert_eq!(g.rejected.watts, 1);
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
