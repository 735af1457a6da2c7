//! Samples of any file format, and their conversion to index-aligned [`RawStreams`].

use science::stream::RawStreams;

use super::error::FileErrorKind;

/// One recorded point before it becomes streams; absent values are `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Sample {
    /// Unix time, s (fractional where the file has sub-second times).
    pub time_s: f64,
    /// Power, W.
    pub watts: Option<f64>,
    /// Heart rate, bpm.
    pub heartrate_bpm: Option<f64>,
    /// Speed, m/s.
    pub velocity_mps: Option<f64>,
    /// Cumulative distance, m.
    pub distance_m: Option<f64>,
    /// Altitude, m.
    pub altitude_m: Option<f64>,
    /// Latitude, degrees (only used to derive distance).
    pub lat_deg: Option<f64>,
    /// Longitude, degrees (only used to derive distance).
    pub lon_deg: Option<f64>,
    /// False while the device timer was stopped.
    pub moving: Option<bool>,
}

/// Index-aligned streams of `samples`, times relative to `start_s`. A channel is empty when no
/// sample has a value for it.
pub(super) fn to_streams(samples: &[Sample], start_s: f64) -> RawStreams {
    fn channel<T: Copy>(samples: &[Sample], get: impl Fn(&Sample) -> Option<T>) -> Vec<Option<T>> {
        if samples.iter().any(|s| get(s).is_some()) {
            samples.iter().map(get).collect()
        } else {
            Vec::new()
        }
    }
    RawStreams {
        time_s: samples.iter().map(|s| s.time_s - start_s).collect(),
        watts: channel(samples, |s| s.watts),
        heartrate_bpm: channel(samples, |s| s.heartrate_bpm),
        velocity_mps: channel(samples, |s| s.velocity_mps),
        distance_m: channel(samples, |s| s.distance_m),
        altitude_m: channel(samples, |s| s.altitude_m),
        grade_pct: Vec::new(),
        moving: channel(samples, |s| s.moving),
    }
}

/// Mean of the heart-rate values present, bpm.
pub(super) fn mean_heartrate(samples: &[Sample]) -> Option<f64> {
    let (sum, count) = samples
        .iter()
        .filter_map(|s| s.heartrate_bpm)
        .fold((0.0, 0u32), |(sum, n), hr| (sum + hr, n + 1));
    (count > 0).then(|| sum / f64::from(count))
}

/// The largest cumulative distance recorded, m.
pub(super) fn max_distance(samples: &[Sample]) -> Option<f64> {
    samples
        .iter()
        .filter_map(|s| s.distance_m)
        .fold(None, |best: Option<f64>, d| {
            Some(best.map_or(d, |b| b.max(d)))
        })
}

/// Time from `start_s` to the last sample, s (0 without samples).
pub(super) fn span_s(samples: &[Sample], start_s: f64) -> f64 {
    samples
        .last()
        .map_or(0.0, |s| (s.time_s - start_s).max(0.0))
}

/// The timestamp of Unix seconds (fractions dropped).
pub(super) fn start_timestamp(unix_s: f64) -> Result<jiff::Timestamp, FileErrorKind> {
    // `unix_s` came from a parsed timestamp, so it fits in i64.
    jiff::Timestamp::from_second(unix_s.floor() as i64)
        .map_err(|e| FileErrorKind::Invalid(format!("start time out of range: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(time_s: f64, hr: Option<f64>) -> Sample {
        Sample {
            time_s,
            heartrate_bpm: hr,
            ..Sample::default()
        }
    }

    #[test]
    fn channels_without_any_value_stay_empty_and_others_keep_their_gaps() {
        let streams = to_streams(&[sample(100.0, Some(120.0)), sample(101.5, None)], 100.0);
        assert_eq!(streams.time_s, vec![0.0, 1.5]);
        assert_eq!(streams.heartrate_bpm, vec![Some(120.0), None]);
        assert!(streams.watts.is_empty());
        assert!(streams.moving.is_empty());
        assert!(streams.grade_pct.is_empty());
    }

    #[test]
    fn mean_heartrate_ignores_missing_values() {
        let samples = [
            sample(0.0, Some(100.0)),
            sample(1.0, None),
            sample(2.0, Some(110.0)),
        ];
        assert_eq!(mean_heartrate(&samples), Some(105.0));
        assert_eq!(mean_heartrate(&[sample(0.0, None)]), None);
    }
}
