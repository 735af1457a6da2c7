//! `trainload analyze` without a database: each activity of each file becomes one
//! [`ActivityReport`], serialised as one JSON object.
//!
//! The file-level keys (`file`, `error`, sport, start, durations) are filled here; the metric
//! sections come from the `metrics` submodule. A key that does not apply is `null`, never left out.

mod metrics;
mod zone_time_view;
mod zones;

use std::path::Path;

use serde::Serialize;

use crate::activity_file::{self, FileActivity, FileError};
/// Sex is the athlete's, stored with them; `analyze` takes it on the command line.
pub use crate::store::users::Sex;
pub use metrics::{
    CriticalPowerReport, HeartRateReport, LoadReport, Metrics, MmpReport, PaceReport, PowerReport,
};
pub use zone_time_view::{ZoneSeconds, ZoneTimeView};

/// The athlete's thresholds given on the command line; every one is optional.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AthleteSettings {
    /// Functional threshold power, W.
    pub ftp_w: Option<f64>,
    /// Threshold running speed, m/s.
    pub threshold_speed_mps: Option<f64>,
    /// Lactate threshold heart rate, bpm.
    pub lthr_bpm: Option<f64>,
    /// Maximum heart rate, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Resting heart rate, bpm.
    pub rest_hr_bpm: Option<f64>,
    /// Sex.
    pub sex: Option<Sex>,
}

/// The JSON object of one activity (or of one file that failed). Keys are always present; a
/// failed file has `error` set and every other key except `file` null.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityReport {
    /// The path as given, suffixed `#1`, `#2`, … when the file holds several activities.
    pub file: String,
    /// Why the file could not be read (names the file), or null.
    pub error: Option<String>,
    /// Strava sport type.
    pub sport_type: Option<String>,
    /// Sport group: `running`, `cycling`, `swimming` or `other`.
    pub sport: Option<&'static str>,
    /// Start, RFC 3339 UTC.
    pub start_time: Option<String>,
    /// Elapsed time, s.
    pub elapsed_s: Option<f64>,
    /// Moving time, s: the file's timer time (FIT session, TCX laps) or, for a track without
    /// one (GPX), the seconds the resampled track was moving; the load counts the same.
    pub moving_s: Option<f64>,
    /// Where `moving_s` comes from: `timer` or `track`.
    pub moving_source: Option<&'static str>,
    /// Number of 1 Hz samples after resampling.
    pub samples: Option<usize>,
    /// Values rejected as artefacts while resampling (all channels, spikes included).
    pub samples_rejected: Option<usize>,
    /// Of those, isolated power spikes kept out of curves, best efforts and loads.
    pub power_spikes_rejected: Option<usize>,
    /// Of those, seconds of a run at an implausible speed (over 27 km/h).
    pub implausible_speed_rejected: Option<usize>,
    /// Power metrics; null without a power stream.
    pub power: Option<PowerReport>,
    /// Heart-rate metrics; null without a heart-rate stream.
    pub heart_rate: Option<HeartRateReport>,
    /// Running pace metrics; null unless a run with speed.
    pub pace: Option<PaceReport>,
    /// Mean-maximal power at standard durations no longer than the activity, W.
    pub mmp_w: Option<MmpReport>,
    /// Critical power fit; null unless its quality gates pass.
    pub critical_power: Option<CriticalPowerReport>,
    /// Training load: method, base load, wellness modifier and UTL.
    pub load: Option<LoadReport>,
    /// Time in each zone model that applies (power for rides with `--ftp`, heart rate with an
    /// LTHR, pace for runs with a threshold pace), default boundaries, shaped like the API's
    /// `time_in_zone`; empty when none applies.
    pub time_in_zone: Option<Vec<ZoneTimeView>>,
}

impl ActivityReport {
    /// A report with only `file` set.
    fn empty(file: String) -> Self {
        Self {
            file,
            error: None,
            sport_type: None,
            sport: None,
            start_time: None,
            elapsed_s: None,
            moving_s: None,
            moving_source: None,
            samples: None,
            samples_rejected: None,
            power_spikes_rejected: None,
            implausible_speed_rejected: None,
            power: None,
            heart_rate: None,
            pace: None,
            mmp_w: None,
            critical_power: None,
            load: None,
            time_in_zone: None,
        }
    }

    /// The report of a file that could not be read.
    pub fn failed(file: String, error: &FileError) -> Self {
        Self {
            error: Some(error.to_string()),
            ..Self::empty(file)
        }
    }

    /// The report of one activity read from a file; inconsistent streams make it a failure.
    pub fn of(file: String, activity: &FileActivity, athlete: &AthleteSettings) -> Self {
        let metrics = match metrics::compute(activity, athlete) {
            Ok(metrics) => metrics,
            Err(error) => {
                return Self {
                    error: Some(format!("{file}: {error}")),
                    ..Self::empty(file)
                };
            }
        };
        let sport = science::SportClass::of(&activity.sport_type)
            .group()
            .as_str();
        Self {
            sport_type: Some(activity.sport_type.clone()),
            sport: Some(sport),
            start_time: Some(activity.start_time.to_string()),
            elapsed_s: Some(activity.elapsed_s),
            moving_s: Some(metrics.moving_s),
            moving_source: Some(metrics.moving_source),
            samples: Some(metrics.samples),
            samples_rejected: Some(metrics.samples_rejected),
            power_spikes_rejected: Some(metrics.power_spikes),
            implausible_speed_rejected: Some(metrics.implausible_speed),
            power: metrics.power,
            heart_rate: metrics.heart_rate,
            pace: metrics.pace,
            mmp_w: metrics.mmp_w,
            critical_power: metrics.critical_power,
            load: Some(metrics.load),
            time_in_zone: Some(metrics.time_in_zone),
            ..Self::empty(file)
        }
    }
}

/// Reads one file and reports each of its activities (or its error).
pub fn analyze_path(path: &Path, athlete: &AthleteSettings) -> Vec<ActivityReport> {
    let name = path.display().to_string();
    reports(name, activity_file::read_path(path), athlete)
}

/// Reports each activity of a file already in memory (an upload), named `name` in the output.
pub fn analyze_bytes(
    bytes: &[u8],
    format: activity_file::Format,
    name: &str,
    athlete: &AthleteSettings,
) -> Vec<ActivityReport> {
    let read = activity_file::read_named(bytes, format, name);
    reports(name.to_owned(), read, athlete)
}

/// One report per activity, `#1`, `#2`, … when there are several, or the file's error.
fn reports(
    name: String,
    read: Result<Vec<FileActivity>, FileError>,
    athlete: &AthleteSettings,
) -> Vec<ActivityReport> {
    match read {
        Err(error) => vec![ActivityReport::failed(name, &error)],
        Ok(activities) if activities.len() == 1 => activities
            .iter()
            .map(|a| ActivityReport::of(name.clone(), a, athlete))
            .collect(),
        Ok(activities) => activities
            .iter()
            .enumerate()
            .map(|(i, a)| ActivityReport::of(format!("{name}#{}", i + 1), a, athlete))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_file_has_every_key_and_only_file_and_error_set() {
        let error = FileError::new("x.fit", activity_file::FileErrorKind::NoRecords);
        let json = serde_json::to_value(ActivityReport::failed("x.fit".into(), &error)).unwrap();
        let object = json.as_object().unwrap();
        assert_eq!(object.len(), 19);
        assert_eq!(object["file"], "x.fit");
        assert_eq!(object["error"], "x.fit: no records");
        let set: Vec<&String> = object
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, _)| k)
            .collect();
        assert_eq!(set, ["error", "file"]);
    }
}
