//! The wellness modifier and wellness status (docs/science.md §6).
//!
//! Poor recovery makes the same workout cost more (modifier > 1), good recovery makes it cost
//! less (< 1). Six components (HRV, resting HR, sleep duration, sleep quality, readiness,
//! subjective soreness/fatigue) each give a multiplier from a band table; a missing or
//! insufficient component is neutral (1.0). The product, taken left to right in that fixed order,
//! is clamped to [0.80, 1.10].
//!
//! Use [`WellnessHistory`] when many dates are evaluated against the same records (it validates
//! and indexes them once); [`modifier`] is the one-shot convenience.

mod bands;
mod config;
mod history;
#[cfg(test)]
mod tests;

use std::ops::RangeInclusive;

pub use config::WellnessConfig;
pub use history::{HrvStats, RhrStats, WellnessHistory, WellnessReadings};

use crate::LocalDate;

/// One Intervals.icu wellness record. The record dated D describes that morning and the night
/// that ended on it. Every field is optional; values outside their valid range count as missing.
#[derive(Debug, Clone, PartialEq)]
pub struct WellnessRecord {
    /// Athlete-local date of the record.
    pub date: LocalDate,
    /// Heart-rate variability, rMSSD in ms (`hrv`); valid in (0, 300].
    pub hrv_rmssd_ms: Option<f64>,
    /// Resting heart rate in bpm (`restingHR`); valid in [25, 120].
    pub resting_hr_bpm: Option<f64>,
    /// Sleep duration in seconds (`sleepSecs`); valid in (0, 24 h].
    pub sleep_s: Option<f64>,
    /// Device sleep score in [0, 100] (`sleepScore`).
    pub sleep_score: Option<f64>,
    /// Subjective sleep quality, 1 (great) … 4 (poor) (`sleepQuality`).
    pub sleep_quality: Option<f64>,
    /// Device readiness in [0, 100] (`readiness`).
    pub readiness: Option<f64>,
    /// Soreness, 1 (not sore) … 4 (very sore) (`soreness`).
    pub soreness: Option<f64>,
    /// Fatigue, 1 (low) … 4 (extreme) (`fatigue`).
    pub fatigue: Option<f64>,
}

impl WellnessRecord {
    /// A record for `date` with every field missing.
    pub const fn empty(date: LocalDate) -> Self {
        Self {
            date,
            hrv_rmssd_ms: None,
            resting_hr_bpm: None,
            sleep_s: None,
            sleep_score: None,
            sleep_quality: None,
            readiness: None,
            soreness: None,
            fatigue: None,
        }
    }
}

/// The six components, in the fixed multiplication order of §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentKind {
    /// 7-day mean of ln rMSSD against the 60-day baseline.
    Hrv,
    /// 7-day mean resting HR against the 30-day baseline.
    RestingHr,
    /// Hours slept the night that ended on D.
    SleepDuration,
    /// Sleep score, else subjective sleep quality.
    SleepQuality,
    /// Device readiness.
    Readiness,
    /// The worse of soreness and fatigue.
    Subjective,
}

impl ComponentKind {
    /// Every component, in multiplication order.
    pub const ALL: [Self; 6] = [
        Self::Hrv,
        Self::RestingHr,
        Self::SleepDuration,
        Self::SleepQuality,
        Self::Readiness,
        Self::Subjective,
    ];

    /// Lower-case name used in provenance.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hrv => "hrv",
            Self::RestingHr => "resting_hr",
            Self::SleepDuration => "sleep_duration",
            Self::SleepQuality => "sleep_quality",
            Self::Readiness => "readiness",
            Self::Subjective => "subjective",
        }
    }
}

/// One named number a component used (for example `z`, `delta_bpm`, `sleep_h`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ComponentInput {
    /// Name of the quantity.
    pub name: &'static str,
    /// Its value, in the unit the name states.
    pub value: f64,
}

/// What a component contributed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ComponentOutcome {
    /// The reading fell into a band.
    Band {
        /// Band label (for example `"below baseline"`).
        label: &'static str,
        /// The band's multiplier.
        multiplier: f64,
    },
    /// No usable reading: the component is neutral (1.0).
    Missing {
        /// Why (for example `"fewer than 3 values in the 7-day window"`).
        reason: &'static str,
    },
}

/// One component of the modifier, with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// Which component.
    pub kind: ComponentKind,
    /// The numbers it used (empty when missing for lack of data).
    pub inputs: Vec<ComponentInput>,
    /// Band and multiplier, or missing.
    pub outcome: ComponentOutcome,
}

impl Component {
    /// The multiplier applied: the band's, or 1.0 when missing.
    pub fn multiplier(&self) -> f64 {
        match self.outcome {
            ComponentOutcome::Band { multiplier, .. } => multiplier,
            ComponentOutcome::Missing { .. } => 1.0,
        }
    }

    /// Whether the component had data.
    pub fn has_data(&self) -> bool {
        matches!(self.outcome, ComponentOutcome::Band { .. })
    }
}

/// Wellness status for the recommendations of §11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WellnessStatus {
    /// No component had data.
    Unknown,
    /// Strong signs of poor recovery.
    Red,
    /// Some signs of poor recovery.
    Amber,
    /// Nothing alarming.
    Green,
}

impl WellnessStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [Self::Unknown, Self::Red, Self::Amber, Self::Green];

    /// Lower-case name used in JSON and the UI.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Red => "red",
            Self::Amber => "amber",
            Self::Green => "green",
        }
    }
}

/// The wellness modifier for one date, with every component.
#[derive(Debug, Clone, PartialEq)]
pub struct Modifier {
    /// The clamped modifier that multiplies base load.
    pub value: f64,
    /// The product of the six multipliers before clamping.
    pub raw_product: f64,
    /// Whether the clamp changed the value (or the raw product was not finite).
    pub clamped: bool,
    /// The six components in multiplication order.
    pub components: Vec<Component>,
    /// Wellness status for the date.
    pub status: WellnessStatus,
}

/// The modifier for an activity on `date` from wellness `records` given in any order.
///
/// # Formula
/// `clamp(HRV × RHR × sleep duration × sleep quality × readiness × subjective, 0.80, 1.10)`,
/// multiplied left to right.
pub fn modifier(records: &[WellnessRecord], date: LocalDate, cfg: &WellnessConfig) -> Modifier {
    WellnessHistory::new(records, cfg).modifier(date, cfg)
}

/// The modifier from already computed readings (the second half of [`modifier`]).
pub fn modifier_from_readings(readings: &WellnessReadings, cfg: &WellnessConfig) -> Modifier {
    let components = vec![
        bands::hrv(&readings.hrv, cfg),
        bands::resting_hr(&readings.rhr, cfg),
        bands::sleep_duration(readings.sleep_s, cfg),
        bands::sleep_quality(readings.sleep_score, readings.sleep_quality, cfg),
        bands::readiness(readings.readiness, cfg),
        bands::subjective(readings.soreness, readings.fatigue, cfg),
    ];
    let mut raw_product = 1.0;
    for component in &components {
        raw_product *= component.multiplier();
    }
    let (value, clamped) = clamp(raw_product, cfg);
    let status = status(readings, &components, raw_product, cfg);
    Modifier {
        value,
        raw_product,
        clamped,
        components,
        status,
    }
}

/// Clamps without `f64::clamp` (which panics on a configured min > max). A non-finite product
/// (only possible with a non-finite configured multiplier) falls back to neutral 1.0.
fn clamp(raw: f64, cfg: &WellnessConfig) -> (f64, bool) {
    let (base, forced) = if raw.is_finite() {
        (raw, false)
    } else {
        (1.0, true)
    };
    let value = if base > cfg.clamp_max {
        cfg.clamp_max
    } else if base < cfg.clamp_min {
        cfg.clamp_min
    } else {
        base
    };
    (value, forced || value.to_bits() != raw.to_bits())
}

/// §6 wellness status. `unknown` when every component is missing (checked first, as listed).
fn status(
    readings: &WellnessReadings,
    components: &[Component],
    raw_product: f64,
    cfg: &WellnessConfig,
) -> WellnessStatus {
    if !components.iter().any(Component::has_data) {
        return WellnessStatus::Unknown;
    }
    let hrv_low = readings.hrv.as_ref().is_ok_and(|s| s.z < cfg.red_hrv_z);
    let rhr_up = readings
        .rhr
        .as_ref()
        .is_ok_and(|s| s.delta_bpm >= cfg.red_rhr_delta_bpm);
    if raw_product >= cfg.red_raw_product
        || (hrv_low && rhr_up)
        || readings.short_sleep_nights >= cfg.red_short_sleep_nights
    {
        WellnessStatus::Red
    } else if raw_product >= cfg.amber_raw_product {
        WellnessStatus::Amber
    } else {
        WellnessStatus::Green
    }
}

/// The activity dates whose modifiers change when the wellness record of `changed` changes:
/// `changed … changed + n`, where n is the longest look-back of any component (60 days with the
/// defaults: the HRV baseline D−60 … D−1). Base loads do not change.
pub fn reevaluation_window(changed: LocalDate, cfg: &WellnessConfig) -> RangeInclusive<LocalDate> {
    changed..=changed.add_days(cfg.longest_lookback_days())
}
