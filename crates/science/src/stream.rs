//! Validation and 1 Hz resampling of raw activity streams (SCIENCE.md §1).
//!
//! Raw streams come from Strava (index-aligned arrays) or from activity files (records with
//! optional fields). [`resample`] turns them into a [`Grid`]: one sample per recorded second,
//! short gaps filled, pauses skipped and artefacts counted.

use std::ops::Range;

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
}

#[derive(Debug, Clone, PartialEq, Default)]
/// Artefact limits and gap rules of §1.
pub struct StreamConfig {}
