//! Validation and 1 Hz resampling of raw activity streams (docs/science.md §1).
//!
//! Raw streams come from Strava (index-aligned arrays) or from activity files (records with
//! optional fields). [`resample`] turns them into a [`Grid`]: one sample per recorded second,
//! short gaps filled, pauses skipped and artefacts counted.

use std::ops::Range;

mod plausible;
mod resample;
mod validate;

pub use plausible::{activity_grid, reject_implausible};
pub use resample::resample;

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

/// How many samples of each channel validation rejected (docs/science.md §1.2).
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
    /// Power samples removed as isolated spikes ([`reject_implausible`]).
    pub power_spikes: usize,
    /// Seconds of a run whose speed no runner holds ([`reject_implausible`]).
    pub implausible_speed: usize,
}

impl Rejected {
    /// Sum over all channels.
    pub fn total(&self) -> usize {
        self.time
            + self.watts
            + self.heartrate
            + self.velocity
            + self.distance
            + self.altitude
            + self.power_spikes
            + self.implausible_speed
    }
}

/// The 1 Hz grid of one activity (docs/science.md §1.3, item 5).
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

    /// Valid samples of `channel` / n, in [0, 1] (docs/science.md §1.3 item 5). Pause seconds are
    /// not samples and do not count. 0.0 when the grid is empty or the channel absent.
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

/// Artefact limits and gap rules of docs/science.md §1. A value is valid when it lies in the closed
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
    /// Longest run of seconds that can be a power spike, s (3).
    pub spike_max_s: u32,
    /// A spike's seconds are all at least this, W (800).
    pub spike_min_w: f64,
    /// … and at least this multiple of the highest power around them (3).
    pub spike_ratio: f64,
    /// Seconds on either side of a spike that form its surroundings, s (5).
    pub spike_context_s: u32,
    /// Highest plausible running speed, m/s (7.5 = 27 km/h, faster than a 1500 m world
    /// record's average; a 100 m sprint is faster and would be cut).
    pub run_speed_max_mps: f64,
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
            spike_max_s: 3,
            spike_min_w: 800.0,
            spike_ratio: 3.0,
            spike_context_s: 5,
            run_speed_max_mps: 7.5,
        }
    }
}

#[cfg(test)]
mod testing {
    use super::{Grid, RawStreams, StreamConfig, resample};

    pub(super) const TOL: f64 = 1e-12;

    pub(super) fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() <= TOL * expected.abs().max(1.0)
    }

    pub(super) fn some(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().map(|&v| Some(v)).collect()
    }

    pub(super) fn grid(raw: &RawStreams) -> Grid {
        resample(raw, &StreamConfig::default()).unwrap()
    }
}
