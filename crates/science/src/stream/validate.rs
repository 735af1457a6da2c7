//! Validation of raw samples and their grouping by second (docs/science.md §1.2, §1.3 item 1).

use super::{RawStreams, Rejected, StreamConfig};
use crate::ScienceError;

/// Running mean of the valid values that fell into one second.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Mean {
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

    pub(super) fn get(self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / f64::from(self.count))
    }
}

/// Everything recorded in one occupied second.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Bin {
    pub(super) second: u32,
    pub(super) watts: Mean,
    pub(super) heartrate: Mean,
    pub(super) velocity: Mean,
    pub(super) altitude: Mean,
    pub(super) grade: Mean,
    pub(super) distance: Option<f64>,
    pub(super) moving: Option<bool>,
}

pub(super) fn check_lengths(raw: &RawStreams) -> Result<(), ScienceError> {
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
pub(super) fn in_range(
    value: Option<f64>,
    min: f64,
    max: f64,
    rejected: &mut usize,
) -> Option<f64> {
    let v = value?;
    if v.is_finite() && v >= min && v <= max {
        Some(v)
    } else {
        *rejected += 1;
        None
    }
}

/// Validates every raw sample (§1.2) and groups the kept ones by second (§1.3 item 1).
pub(super) fn bin_samples(
    raw: &RawStreams,
    cfg: &StreamConfig,
    rejected: &mut Rejected,
) -> Vec<Bin> {
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

#[cfg(test)]
mod tests {
    use crate::ScienceError;
    use crate::stream::testing::{grid, some};
    use crate::stream::{RawStreams, StreamConfig, resample};

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
}
