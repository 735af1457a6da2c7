//! Every constant of docs/science.md §6.

/// Windows, valid ranges, band tables, clamp and status thresholds of the wellness modifier.
///
/// Band tables list multipliers from the best band to the worst. Windows are in days; "the N
/// days ending on D" means D−N+1 … D; a baseline of N days is D−N … D−1.
#[derive(Debug, Clone, PartialEq)]
pub struct WellnessConfig {
    /// HRV acute window: days ending on D (7).
    pub hrv_acute_days: u16,
    /// Minimum HRV values in the acute window (3, Plews 2014).
    pub hrv_acute_min_values: usize,
    /// HRV baseline: days D−N … D−1 (60).
    pub hrv_baseline_days: u16,
    /// Minimum HRV values in the baseline (14).
    pub hrv_baseline_min_values: usize,
    /// Largest valid rMSSD in ms (300); values ≤ 0 are invalid too.
    pub hrv_max_ms: f64,
    /// z above this is "above baseline" (+0.5 SD).
    pub hrv_z_high: f64,
    /// z at or above this (and ≤ `hrv_z_high`) is "normal" (−0.5 SD).
    pub hrv_z_low: f64,
    /// z at or above this (and < `hrv_z_low`) is "below baseline"; below it "well below" (−1 SD).
    pub hrv_z_very_low: f64,
    /// HRV multipliers: above baseline, normal, below, well below (0.97, 1.00, 1.025, 1.05).
    pub hrv_multipliers: [f64; 4],
    /// Resting-HR acute window: days ending on D (7).
    pub rhr_acute_days: u16,
    /// Minimum resting-HR values in the acute window (3).
    pub rhr_acute_min_values: usize,
    /// Resting-HR baseline: days D−N … D−1 (30).
    pub rhr_baseline_days: u16,
    /// Minimum resting-HR values in the baseline (10).
    pub rhr_baseline_min_values: usize,
    /// Smallest valid resting HR in bpm (25).
    pub rhr_min_bpm: f64,
    /// Largest valid resting HR in bpm (120).
    pub rhr_max_bpm: f64,
    /// Δ at or above this is "elevated", in bpm (3, the smallest worthwhile change).
    pub rhr_delta_elevated_bpm: f64,
    /// Δ at or above this is "high", in bpm (6).
    pub rhr_delta_high_bpm: f64,
    /// Resting-HR multipliers: normal, elevated, high (1.00, 1.015, 1.03).
    pub rhr_multipliers: [f64; 3],
    /// Longest valid sleep in hours (24); sleep ≤ 0 is invalid too.
    pub sleep_max_h: f64,
    /// Below this many hours sleep is "short" (6).
    pub sleep_short_h: f64,
    /// Below this many hours sleep is "slightly short" (7).
    pub sleep_adequate_h: f64,
    /// Above this many hours sleep is "long" (9); long sleep earns no credit.
    pub sleep_long_h: f64,
    /// Sleep multipliers: short, slightly short, adequate, long (1.04, 1.02, 1.00, 1.00).
    pub sleep_multipliers: [f64; 4],
    /// Sleep-score lower edges of great, good and fair, on [0, 100] (80, 60, 40).
    pub sleep_score_edges: [f64; 3],
    /// Sleep-score multipliers: great, good, fair, poor (0.99, 1.00, 1.01, 1.02).
    pub sleep_score_multipliers: [f64; 4],
    /// Sleep-quality multipliers for q = 1, 2, 3, 4 (0.99, 1.00, 1.01, 1.02).
    pub sleep_quality_multipliers: [f64; 4],
    /// Readiness lower edges of high, moderate and low, on [0, 100] (75, 50, 25).
    pub readiness_edges: [f64; 3],
    /// Readiness multipliers: high, moderate, low, poor (0.98, 1.00, 1.015, 1.03).
    pub readiness_multipliers: [f64; 4],
    /// Subjective multipliers for w = 1, 2, 3, 4 (0.99, 1.00, 1.015, 1.03).
    pub subjective_multipliers: [f64; 4],
    /// Lower clamp of the modifier (0.80).
    pub clamp_min: f64,
    /// Upper clamp of the modifier (1.10).
    pub clamp_max: f64,
    /// Raw product at or above this is red (1.08).
    pub red_raw_product: f64,
    /// Raw product at or above this is amber (1.03).
    pub amber_raw_product: f64,
    /// HRV z below this, together with a resting-HR rise, is red (−1.0).
    pub red_hrv_z: f64,
    /// Resting-HR Δ at or above this, together with low HRV, is red, in bpm (3).
    pub red_rhr_delta_bpm: f64,
    /// A night shorter than this many hours counts as short for the status (6).
    pub red_short_sleep_h: f64,
    /// Nights dated D−N+1 … D examined for short sleep (3).
    pub red_short_sleep_window_days: u16,
    /// This many short nights in that window is red (2).
    pub red_short_sleep_nights: usize,
}

impl Default for WellnessConfig {
    fn default() -> Self {
        Self {
            hrv_acute_days: 7,
            hrv_acute_min_values: 3,
            hrv_baseline_days: 60,
            hrv_baseline_min_values: 14,
            hrv_max_ms: 300.0,
            hrv_z_high: 0.5,
            hrv_z_low: -0.5,
            hrv_z_very_low: -1.0,
            hrv_multipliers: [0.97, 1.00, 1.025, 1.05],
            rhr_acute_days: 7,
            rhr_acute_min_values: 3,
            rhr_baseline_days: 30,
            rhr_baseline_min_values: 10,
            rhr_min_bpm: 25.0,
            rhr_max_bpm: 120.0,
            rhr_delta_elevated_bpm: 3.0,
            rhr_delta_high_bpm: 6.0,
            rhr_multipliers: [1.00, 1.015, 1.03],
            sleep_max_h: 24.0,
            sleep_short_h: 6.0,
            sleep_adequate_h: 7.0,
            sleep_long_h: 9.0,
            sleep_multipliers: [1.04, 1.02, 1.00, 1.00],
            sleep_score_edges: [80.0, 60.0, 40.0],
            sleep_score_multipliers: [0.99, 1.00, 1.01, 1.02],
            sleep_quality_multipliers: [0.99, 1.00, 1.01, 1.02],
            readiness_edges: [75.0, 50.0, 25.0],
            readiness_multipliers: [0.98, 1.00, 1.015, 1.03],
            subjective_multipliers: [0.99, 1.00, 1.015, 1.03],
            clamp_min: 0.80,
            clamp_max: 1.10,
            red_raw_product: 1.08,
            amber_raw_product: 1.03,
            red_hrv_z: -1.0,
            red_rhr_delta_bpm: 3.0,
            red_short_sleep_h: 6.0,
            red_short_sleep_window_days: 3,
            red_short_sleep_nights: 2,
        }
    }
}

impl WellnessConfig {
    /// The longest look-back of any input, in days: a record dated W can affect dates up to
    /// W + this (60 with the defaults).
    pub fn longest_lookback_days(&self) -> i32 {
        let acute = |n: u16| i32::from(n.saturating_sub(1));
        [
            i32::from(self.hrv_baseline_days),
            i32::from(self.rhr_baseline_days),
            acute(self.hrv_acute_days),
            acute(self.rhr_acute_days),
            acute(self.red_short_sleep_window_days),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    }

    /// rMSSD in (0, `hrv_max_ms`].
    pub(crate) fn valid_hrv(&self, ms: f64) -> bool {
        ms > 0.0 && ms <= self.hrv_max_ms
    }

    /// Resting HR in [`rhr_min_bpm`, `rhr_max_bpm`].
    pub(crate) fn valid_rhr(&self, bpm: f64) -> bool {
        bpm >= self.rhr_min_bpm && bpm <= self.rhr_max_bpm
    }

    /// Sleep in (0, `sleep_max_h`] hours.
    pub(crate) fn valid_sleep_s(&self, s: f64) -> bool {
        s > 0.0 && s / 3600.0 <= self.sleep_max_h
    }
}

/// A score on [0, 100].
pub(crate) fn valid_percent(v: f64) -> bool {
    (0.0..=100.0).contains(&v)
}

/// A 1…4 scale value given as a whole number; its index 0…3.
pub(crate) fn scale_index(v: f64) -> Option<usize> {
    [1.0, 2.0, 3.0, 4.0].iter().position(|&k| k == v)
}
