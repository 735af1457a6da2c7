//! Threshold history, resolution, estimation and adoption (docs/science.md §7).
//!
//! - [`history`]: entries, per-field resolution for a date (manual > estimated > back-fill >
//!   unknown, LTHR from % of max HR), the threshold set id, and the 5 % adoption rule.
//! - [`estimate`]: FTP/CP/W′ and threshold speed/CS/D′ from window curves.
//! - [`heart`]: max HR, LTHR and resting HR, and the per-activity HR windows they use.
//! - [`schedule`]: `is_significant`, the quick check and the first-import schedule.
//!
//! Every estimator returns a [`Candidate`] with its evidence; adopting it is a separate step
//! ([`history::decide`]) so the caller can store suggestions and recompute what changed.

pub mod estimate;
pub mod heart;
pub mod history;
pub mod schedule;

use crate::LocalDate;

/// Constants of §7.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdConfig {
    /// Durations (s) whose curve values feed the CP/CS fits: 180, 240, 300, 360, 480, 600, 720,
    /// 900, 1200.
    pub fit_durations_s: Vec<u32>,
    /// Fewest fit points (3).
    pub fit_min_points: usize,
    /// At least one point must be this short or shorter, s (300).
    pub fit_short_max_s: u32,
    /// At least one point must be this long or longer, s (720).
    pub fit_long_min_s: u32,
    /// Smallest accepted R² of a fit in the rate domain (0.95).
    pub fit_min_r2: f64,
    /// Accepted CP, W, inclusive (50, 600).
    pub cp_range_w: (f64, f64),
    /// Accepted W′, J, inclusive (3 000, 60 000).
    pub w_prime_range_j: (f64, f64),
    /// Accepted FTP from the 20-minute rule, W, inclusive (50, 600).
    pub ftp_range_w: (f64, f64),
    /// Accepted CS, m/s, inclusive (1.5, 6.5).
    pub cs_range_mps: (f64, f64),
    /// Accepted D′, m, inclusive (20, 600).
    pub d_prime_range_m: (f64, f64),
    /// Accepted threshold speed from the 20-minute rule, m/s, inclusive (1.5, 6.5; docs/science.md
    /// names no range here, so the CS range is used, as FTP's fallback uses CP's).
    pub threshold_speed_range_mps: (f64, f64),
    /// The 20-minute fallback duration, s (1200).
    pub fallback_duration_s: u32,
    /// FTP = this × MMP(1200), threshold speed = this × v(1200) (0.95).
    pub fallback_factor: f64,
    /// Days of the primary curve window ending `as_of` (90).
    pub short_window_days: u32,
    /// Days of the fallback curve window ending `as_of` (365).
    pub long_window_days: u32,
    /// Smallest channel coverage (valid samples / samples) of an eligible activity (0.80).
    pub min_coverage: f64,
    /// Days of the max-HR window ending `as_of` (365).
    pub max_hr_window_days: u32,
    /// Samples a max-HR candidate must be held, s (5).
    pub max_hr_hold_s: u32,
    /// A candidate is corroborated by the next one within this many bpm (5).
    pub max_hr_corroboration_bpm: f64,
    /// Days of the LTHR window ending `as_of` (90).
    pub lthr_window_days: u32,
    /// The LTHR test duration, s (1200).
    pub lthr_duration_s: u32,
    /// A window is hard when its average ≥ this × max HR (0.90).
    pub lthr_hard_fraction: f64,
    /// LTHR = this × the best hard average (0.95, Friel).
    pub lthr_factor: f64,
    /// LTHR without an entry = this × max HR (0.89, §7.1 rule 4).
    pub lthr_pct_max: f64,
    /// Days of the resting-HR window ending `as_of` (14).
    pub resting_hr_window_days: u32,
    /// Fewest resting-HR values (4).
    pub resting_hr_min_values: usize,
    /// Valid resting HR, bpm, inclusive (25, 250: the heart-rate artefact limits of §1.2).
    pub resting_hr_range_bpm: (f64, f64),
    /// A candidate is adopted when it moves more than this relative amount (0.05).
    pub adoption_tolerance: f64,
    /// A significant activity moves for more than this, s (1800).
    pub significant_moving_s: u32,
    /// Days ending `as_of` that the quick check counts (7).
    pub quick_check_days: u32,
    /// Significant activities that make the quick check due (3).
    pub quick_check_min_activities: usize,
    /// First import: the first estimate is this many days after the first activity (27).
    pub first_estimate_after_days: u32,
    /// First import: later estimates every this many days (28).
    pub first_import_step_days: u32,
}

impl Default for ThresholdConfig {
    fn default() -> Self {
        Self {
            fit_durations_s: vec![180, 240, 300, 360, 480, 600, 720, 900, 1200],
            fit_min_points: 3,
            fit_short_max_s: 300,
            fit_long_min_s: 720,
            fit_min_r2: 0.95,
            cp_range_w: (50.0, 600.0),
            w_prime_range_j: (3000.0, 60_000.0),
            ftp_range_w: (50.0, 600.0),
            cs_range_mps: (1.5, 6.5),
            d_prime_range_m: (20.0, 600.0),
            threshold_speed_range_mps: (1.5, 6.5),
            fallback_duration_s: 1200,
            fallback_factor: 0.95,
            short_window_days: 90,
            long_window_days: 365,
            min_coverage: 0.80,
            max_hr_window_days: 365,
            max_hr_hold_s: 5,
            max_hr_corroboration_bpm: 5.0,
            lthr_window_days: 90,
            lthr_duration_s: 1200,
            lthr_hard_fraction: 0.90,
            lthr_factor: 0.95,
            lthr_pct_max: 0.89,
            resting_hr_window_days: 14,
            resting_hr_min_values: 4,
            resting_hr_range_bpm: (25.0, 250.0),
            adoption_tolerance: 0.05,
            significant_moving_s: 1800,
            quick_check_days: 7,
            quick_check_min_activities: 3,
            first_estimate_after_days: 27,
            first_import_step_days: 28,
        }
    }
}

/// A threshold field of the history (§7.1). A stored row may carry several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Functional threshold power, W.
    Ftp,
    /// Critical power, W.
    Cp,
    /// W′, J.
    WPrime,
    /// Threshold speed (= critical speed), m/s.
    ThresholdSpeed,
    /// D′, m.
    DPrime,
    /// Lactate-threshold heart rate, bpm.
    Lthr,
    /// Maximum heart rate, bpm.
    MaxHr,
    /// Resting heart rate, bpm.
    RestingHr,
}

impl Field {
    /// Every field, in the order of the threshold set id.
    pub const ALL: [Self; 8] = [
        Self::Ftp,
        Self::Cp,
        Self::WPrime,
        Self::ThresholdSpeed,
        Self::DPrime,
        Self::Lthr,
        Self::MaxHr,
        Self::RestingHr,
    ];

    /// Snake-case name for storage and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ftp => "ftp",
            Self::Cp => "cp",
            Self::WPrime => "w_prime",
            Self::ThresholdSpeed => "threshold_speed",
            Self::DPrime => "d_prime",
            Self::Lthr => "lthr",
            Self::MaxHr => "max_hr",
            Self::RestingHr => "resting_hr",
        }
    }

    /// Position in [`Field::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// How an estimate was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// FTP = CP of a gated work–time fit (§7.2 step 1).
    CpFit,
    /// FTP = 0.95 × MMP(1200) (§7.2 step 2).
    TwentyMinutePower,
    /// Threshold speed = CS of a gated distance–time fit (§7.3).
    CsFit,
    /// Threshold speed = 0.95 × best 20-minute speed (§7.3 fallback).
    TwentyMinuteSpeed,
    /// Max HR = the highest corroborated 5-s-held candidate (§7.4).
    CorroboratedPeak,
    /// LTHR = 0.95 × best hard 20-minute average HR (§7.4, Friel).
    TwentyMinuteHr,
    /// Resting HR = mean of wellness values (§7.4).
    WellnessMean,
}

/// One piece of evidence behind an estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvidencePoint {
    /// The duration, s (`None` for a wellness value).
    pub duration_s: Option<u32>,
    /// The value (W, m/s or bpm).
    pub value: f64,
    /// The activity it came from (`None` for a wellness value).
    pub activity_id: Option<i64>,
    /// Its date.
    pub date: LocalDate,
}

/// An estimated threshold with its evidence (docs/science.md §12), not yet adopted.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The field decided by adoption (FTP, threshold speed, LTHR, max HR or resting HR).
    pub field: Field,
    /// Its value.
    pub value: f64,
    /// Fields that follow this one's adoption (CP and W′ with FTP; D′ with threshold speed).
    pub companions: Vec<(Field, f64)>,
    /// How it was estimated.
    pub method: Method,
    /// R² of the fit, when there was one.
    pub r2: Option<f64>,
    /// The points used.
    pub points: Vec<EvidencePoint>,
    /// First day of the data window.
    pub window_first: LocalDate,
    /// Last day of the data window.
    pub window_last: LocalDate,
    /// The day the estimate was made for.
    pub as_of: LocalDate,
    /// The day it takes effect: the newest evidence date.
    pub effective_from: LocalDate,
    /// [`crate::CALC_VERSION`].
    pub calc_version: &'static str,
}

/// The first day of the `days` days ending `as_of` (`days` = 0 counts as 1).
pub(crate) fn window_start(as_of: LocalDate, days: u32) -> LocalDate {
    let back = i32::try_from(days.max(1) - 1).unwrap_or(i32::MAX);
    as_of.add_days(-back)
}

/// Share of samples with a finite value: valid / len, 0 for an empty channel.
pub fn coverage(channel: &[Option<f64>]) -> f64 {
    if channel.is_empty() {
        return 0.0;
    }
    let valid = channel
        .iter()
        .filter(|v| v.is_some_and(f64::is_finite))
        .count();
    valid as f64 / channel.len() as f64
}
