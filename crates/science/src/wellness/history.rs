//! Validated wellness records indexed by date, and the readings of one date.

use std::collections::BTreeMap;

use super::config::{scale_index, valid_percent};
use super::{Modifier, WellnessConfig, WellnessRecord, modifier_from_readings};
use crate::LocalDate;

/// HRV statistics for day D (docs/science.md §6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HrvStats {
    /// Mean ln(rMSSD) over the acute window.
    pub m7: f64,
    /// Values in the acute window.
    pub n_acute: usize,
    /// Mean ln(rMSSD) over the baseline D−60 … D−1.
    pub mu: f64,
    /// Sample SD (n−1) of ln(rMSSD) over the baseline.
    pub sigma: f64,
    /// Values in the baseline.
    pub n_baseline: usize,
    /// z = (m7 − μ)/σ.
    pub z: f64,
}

/// Resting-HR statistics for day D (docs/science.md §6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RhrStats {
    /// Mean resting HR over the acute window, bpm.
    pub acute_mean_bpm: f64,
    /// Values in the acute window.
    pub n_acute: usize,
    /// Mean resting HR over the baseline D−30 … D−1, bpm.
    pub baseline_mean_bpm: f64,
    /// Values in the baseline.
    pub n_baseline: usize,
    /// Δ = acute − baseline, bpm.
    pub delta_bpm: f64,
}

/// Everything the modifier of one date reads. `Err` holds why a windowed component is missing;
/// single-day values are `None` when missing or invalid.
#[derive(Debug, Clone, PartialEq)]
pub struct WellnessReadings {
    /// HRV statistics, or why they are missing.
    pub hrv: Result<HrvStats, &'static str>,
    /// Resting-HR statistics, or why they are missing.
    pub rhr: Result<RhrStats, &'static str>,
    /// Sleep of record D, seconds.
    pub sleep_s: Option<f64>,
    /// Sleep score of record D.
    pub sleep_score: Option<f64>,
    /// Sleep quality of record D.
    pub sleep_quality: Option<f64>,
    /// Readiness of record D.
    pub readiness: Option<f64>,
    /// Soreness of record D.
    pub soreness: Option<f64>,
    /// Fatigue of record D.
    pub fatigue: Option<f64>,
    /// Nights in the status window (D−2 … D) shorter than the red threshold.
    pub short_sleep_nights: usize,
}

impl WellnessReadings {
    /// Readings with no data at all.
    pub const fn none() -> Self {
        Self {
            hrv: Err("no data"),
            rhr: Err("no data"),
            sleep_s: None,
            sleep_score: None,
            sleep_quality: None,
            readiness: None,
            soreness: None,
            fatigue: None,
            short_sleep_nights: 0,
        }
    }
}

/// Valid values of one date (invalid inputs already dropped).
#[derive(Debug, Clone, Copy, Default)]
struct Day {
    ln_hrv: Option<f64>,
    rhr_bpm: Option<f64>,
    sleep_s: Option<f64>,
    sleep_score: Option<f64>,
    sleep_quality: Option<f64>,
    readiness: Option<f64>,
    soreness: Option<f64>,
    fatigue: Option<f64>,
}

/// Wellness records validated and indexed by date, independent of input order.
///
/// Several records on one date are a caller error (wellness is upserted by day); the result is
/// still deterministic: each field takes the largest valid value among them.
#[derive(Debug, Clone, Default)]
pub struct WellnessHistory {
    days: BTreeMap<LocalDate, Day>,
}

fn merge(slot: &mut Option<f64>, value: Option<f64>) {
    if let Some(v) = value {
        *slot = Some(slot.map_or(v, |old| old.max(v)));
    }
}

impl WellnessHistory {
    /// Validates and indexes `records` (any order). Invalid values count as missing.
    pub fn new(records: &[WellnessRecord], cfg: &WellnessConfig) -> Self {
        let mut days: BTreeMap<LocalDate, Day> = BTreeMap::new();
        for r in records {
            let day = days.entry(r.date).or_default();
            let hrv = r.hrv_rmssd_ms.filter(|&v| cfg.valid_hrv(v));
            merge(&mut day.ln_hrv, hrv.map(libm::log));
            merge(
                &mut day.rhr_bpm,
                r.resting_hr_bpm.filter(|&v| cfg.valid_rhr(v)),
            );
            merge(
                &mut day.sleep_s,
                r.sleep_s.filter(|&v| cfg.valid_sleep_s(v)),
            );
            merge(
                &mut day.sleep_score,
                r.sleep_score.filter(|&v| valid_percent(v)),
            );
            let scale = |v: Option<f64>| v.filter(|&x| scale_index(x).is_some());
            merge(&mut day.sleep_quality, scale(r.sleep_quality));
            merge(
                &mut day.readiness,
                r.readiness.filter(|&v| valid_percent(v)),
            );
            merge(&mut day.soreness, scale(r.soreness));
            merge(&mut day.fatigue, scale(r.fatigue));
        }
        Self { days }
    }

    /// The modifier of an activity dated `date`.
    pub fn modifier(&self, date: LocalDate, cfg: &WellnessConfig) -> Modifier {
        modifier_from_readings(&self.readings(date, cfg), cfg)
    }

    /// The readings the modifier of `date` uses.
    pub fn readings(&self, date: LocalDate, cfg: &WellnessConfig) -> WellnessReadings {
        let today = self.days.get(&date).copied().unwrap_or_default();
        let short = self
            .window(date, cfg.red_short_sleep_window_days, |d| d.sleep_s)
            .iter()
            .filter(|&&s| s / 3600.0 < cfg.red_short_sleep_h)
            .count();
        WellnessReadings {
            hrv: self.hrv(date, cfg),
            rhr: self.rhr(date, cfg),
            sleep_s: today.sleep_s,
            sleep_score: today.sleep_score,
            sleep_quality: today.sleep_quality,
            readiness: today.readiness,
            soreness: today.soreness,
            fatigue: today.fatigue,
            short_sleep_nights: short,
        }
    }

    /// Values of `field` over the `n` days ending on `last`, in date order.
    fn window(&self, last: LocalDate, n: u16, field: impl Fn(&Day) -> Option<f64>) -> Vec<f64> {
        if n == 0 {
            return Vec::new();
        }
        let first = last.add_days(1 - i32::from(n));
        self.days
            .range(first..=last)
            .filter_map(|(_, d)| field(d))
            .collect()
    }

    fn hrv(&self, date: LocalDate, cfg: &WellnessConfig) -> Result<HrvStats, &'static str> {
        let acute = self.window(date, cfg.hrv_acute_days, |d| d.ln_hrv);
        if acute.is_empty() {
            return Err("no data");
        }
        if acute.len() < cfg.hrv_acute_min_values {
            return Err("too few values in the acute window");
        }
        let base = self.window(date.add_days(-1), cfg.hrv_baseline_days, |d| d.ln_hrv);
        if base.len() < cfg.hrv_baseline_min_values.max(2) {
            return Err("too few values in the baseline");
        }
        let m7 = mean(&acute);
        let mu = mean(&base);
        let sigma = sample_sd(&base, mu);
        if sigma.is_nan() || sigma <= 0.0 {
            return Err("baseline SD is zero");
        }
        Ok(HrvStats {
            m7,
            n_acute: acute.len(),
            mu,
            sigma,
            n_baseline: base.len(),
            z: (m7 - mu) / sigma,
        })
    }

    fn rhr(&self, date: LocalDate, cfg: &WellnessConfig) -> Result<RhrStats, &'static str> {
        let acute = self.window(date, cfg.rhr_acute_days, |d| d.rhr_bpm);
        if acute.is_empty() {
            return Err("no data");
        }
        if acute.len() < cfg.rhr_acute_min_values {
            return Err("too few values in the acute window");
        }
        let base = self.window(date.add_days(-1), cfg.rhr_baseline_days, |d| d.rhr_bpm);
        if base.is_empty() || base.len() < cfg.rhr_baseline_min_values {
            return Err("too few values in the baseline");
        }
        let acute_mean_bpm = mean(&acute);
        let baseline_mean_bpm = mean(&base);
        Ok(RhrStats {
            acute_mean_bpm,
            n_acute: acute.len(),
            baseline_mean_bpm,
            n_baseline: base.len(),
            delta_bpm: acute_mean_bpm - baseline_mean_bpm,
        })
    }
}

/// Mean in index order; callers guarantee a non-empty slice.
fn mean(values: &[f64]) -> f64 {
    let sum: f64 = values.iter().sum();
    sum / count_f64(values.len())
}

/// Sample SD (n − 1); callers guarantee at least two values.
fn sample_sd(values: &[f64], mean: f64) -> f64 {
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (ss / (count_f64(values.len()) - 1.0)).sqrt()
}

/// A window count as f64 (windows hold at most a few hundred values).
fn count_f64(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}
