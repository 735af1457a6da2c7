//! Cycling power metrics: NP, IF, TSS, work, VI, xPower (docs/science.md §2).
//!
//! Every function takes the valid power samples of a grid in order ([`power_samples`]): pauses
//! and missing stretches are skipped, so rolling windows run on across pauses over the
//! concatenated samples, with no zero-fill and no restart (§1.4).

use crate::ScienceError;
use crate::error::{non_negative, positive};
use crate::numeric::{normalized_mean, pow4, root4};
use crate::stream::Grid;

/// How the Normalized Power rolling window starts (docs/science.md §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NpVariant {
    /// Coggan 2003: the partial windows of the first 29 samples are dropped.
    #[default]
    Coggan,
    /// GoldenCheetah IsoPower: the window is zero-seeded, so every sample yields a rolling mean
    /// and NP reads low over the first 30 s.
    GoldenCheetah,
}

/// Constants of §2.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerConfig {
    /// Rolling-window variant of Normalized Power (Coggan).
    pub np_variant: NpVariant,
    /// Rolling-window length of Normalized Power, samples at 1 Hz = s (30).
    pub window_s: usize,
    /// Time constant of the xPower EWMA, s (25): e_i = (τ·e_{i−1} + p_i)/(τ + 1).
    pub xpower_time_constant_s: f64,
}

impl Default for PowerConfig {
    fn default() -> Self {
        Self {
            np_variant: NpVariant::Coggan,
            window_s: 30,
            xpower_time_constant_s: 25.0,
        }
    }
}

/// The valid power samples of a grid in grid order, W; missing samples are skipped.
pub fn power_samples(grid: &Grid) -> Vec<f64> {
    grid.watts.iter().flatten().copied().collect()
}

/// Normalized Power, W (docs/science.md §2.1).
///
/// # Formula
/// Coggan: r_i = mean of the 30 samples ending at i, for i = 30 … n;
/// NP = ((1/(n − 29)) · Σ r_i⁴)^(1/4).
/// GoldenCheetah: r_i = (1/30) · Σ_{j=max(1,i−29)..i} p_j for i = 1 … n;
/// NP = ((1/n) · Σ r_i⁴)^(1/4).
///
/// Returns `None` when there are fewer samples than the window (both variants), when the
/// window is 0, or when a sample is not finite.
///
/// ```
/// use science::power::{PowerConfig, normalized_power, tss};
/// let samples = vec![250.0; 3600];
/// let np = normalized_power(&samples, &PowerConfig::default()).unwrap();
/// assert_eq!(np, 250.0);
/// assert_eq!(tss(samples.len(), np, 250.0).unwrap(), 100.0);
/// ```
pub fn normalized_power(samples: &[f64], cfg: &PowerConfig) -> Option<f64> {
    match cfg.np_variant {
        NpVariant::Coggan => normalized_mean(samples, cfg.window_s),
        NpVariant::GoldenCheetah => zero_seeded_normalized_mean(samples, cfg.window_s),
    }
}

fn zero_seeded_normalized_mean(samples: &[f64], window: usize) -> Option<f64> {
    if window == 0 || samples.len() < window {
        return None;
    }
    let mut sum4 = 0.0;
    for end in 1..=samples.len() {
        let mut sum = 0.0;
        for p in &samples[end.saturating_sub(window)..end] {
            sum += p;
        }
        sum4 += pow4(sum / window as f64);
    }
    let np = root4(sum4 / samples.len() as f64);
    np.is_finite().then_some(np)
}

/// xPower, W (Skiba's BikeScore; docs/science.md §2.3).
///
/// # Formula
/// e_0 = 0, e_i = (τ·e_{i−1} + p_i)/(τ + 1) with τ = 25 s at 1 Hz; xPower = ((1/n) Σ e_i⁴)^(1/4).
/// Nothing is dropped, and the EWMA runs on across pauses without decay (GoldenCheetah decays it
/// through gaps; a documented difference).
///
/// Returns `None` for no samples, a non-finite sample or a negative time constant.
pub fn xpower(samples: &[f64], cfg: &PowerConfig) -> Option<f64> {
    let tau = cfg.xpower_time_constant_s;
    if samples.is_empty() || !tau.is_finite() || tau < 0.0 {
        return None;
    }
    let mut ewma = 0.0;
    let mut sum4 = 0.0;
    for &p in samples {
        ewma = (tau * ewma + p) / (tau + 1.0);
        sum4 += pow4(ewma);
    }
    let xp = root4(sum4 / samples.len() as f64);
    xp.is_finite().then_some(xp)
}

/// Intensity factor IF = NP / FTP (docs/science.md §2.2).
///
/// # Errors
/// [`ScienceError::NotFinite`] for a non-finite input, [`ScienceError::OutOfRange`] for a
/// negative NP, [`ScienceError::NotPositive`] for FTP ≤ 0.
pub fn intensity_factor(np_w: f64, ftp_w: f64) -> Result<f64, ScienceError> {
    let np_w = non_negative("normalized power", np_w)?;
    let ftp_w = positive("FTP", ftp_w)?;
    Ok(np_w / ftp_w)
}

/// Training Stress Score (docs/science.md §2.2).
///
/// # Formula
/// TSS = 100 × (n/3600) × IF², IF = NP/FTP, where n counts every power sample used, including
/// the first 29 (head units count n − 29; this deliberately does not).
///
/// # Errors
/// As [`intensity_factor`].
pub fn tss(samples: usize, np_w: f64, ftp_w: f64) -> Result<f64, ScienceError> {
    let intensity = intensity_factor(np_w, ftp_w)?;
    Ok(100.0 * (samples as f64 / 3600.0) * intensity * intensity)
}

/// Power figures of one activity (docs/science.md §2).
#[derive(Debug, Clone, PartialEq)]
pub struct PowerSummary {
    /// Valid power samples used, n (1 Hz, so also seconds).
    pub samples: usize,
    /// Mean power Σp/n, zeros included, W.
    pub avg_w: f64,
    /// Highest sample, W.
    pub max_w: f64,
    /// Normalized Power, W; `None` with fewer samples than the window.
    pub np_w: Option<f64>,
    /// Work Σp · 1 s / 1000, kJ.
    pub work_kj: f64,
    /// Variability index NP / mean power; `None` without NP or when the mean is 0.
    pub variability_index: Option<f64>,
    /// xPower, W.
    pub xpower_w: Option<f64>,
}

/// Summarises the valid power of a grid; `None` when the grid has no valid power sample.
pub fn summarize(grid: &Grid, cfg: &PowerConfig) -> Option<PowerSummary> {
    let samples = power_samples(grid);
    if samples.is_empty() {
        return None;
    }
    let mut sum = 0.0;
    let mut max_w = f64::NEG_INFINITY;
    for &p in &samples {
        sum += p;
        max_w = max_w.max(p);
    }
    let avg_w = sum / samples.len() as f64;
    let np_w = normalized_power(&samples, cfg);
    let variability_index = np_w.filter(|_| avg_w > 0.0).map(|np| np / avg_w);
    Some(PowerSummary {
        samples: samples.len(),
        avg_w,
        max_w,
        np_w,
        work_kj: sum / 1000.0,
        variability_index,
        xpower_w: xpower(&samples, cfg),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::{RawStreams, StreamConfig, resample};
    use proptest::prelude::*;

    const VECTOR_TOL: f64 = 1e-9;
    const PROPERTY_TOL: f64 = 1e-12;

    fn close(actual: f64, expected: f64, tol: f64) -> bool {
        (actual - expected).abs() <= tol * expected.abs().max(1.0)
    }

    fn ramp() -> Vec<f64> {
        (0..100).map(f64::from).collect()
    }

    fn golden_cheetah() -> PowerConfig {
        PowerConfig {
            np_variant: NpVariant::GoldenCheetah,
            ..PowerConfig::default()
        }
    }

    #[test]
    fn np_of_a_ramp_matches_the_coggan_vector() {
        let np = normalized_power(&ramp(), &PowerConfig::default()).unwrap();
        assert!(close(np, 59.45534981958064, VECTOR_TOL), "{np}");
    }

    #[test]
    fn one_hour_at_ftp_gives_np_ftp_and_tss_100_exactly() {
        let samples = vec![250.0; 3600];
        let np = normalized_power(&samples, &PowerConfig::default()).unwrap();
        assert_eq!(np, 250.0);
        assert_eq!(tss(samples.len(), np, 250.0).unwrap(), 100.0);
    }

    #[test]
    fn if_and_tss_match_the_sweatpy_vector() {
        assert_eq!(intensity_factor(300.0, 300.0).unwrap(), 1.0);
        assert_eq!(tss(3600, 300.0, 300.0).unwrap(), 100.0);
    }

    #[test]
    fn golden_cheetah_np_matches_the_derived_checks() {
        let cfg = golden_cheetah();
        let np = normalized_power(&ramp(), &cfg).unwrap();
        assert!(close(np, 54.578383448680164, VECTOR_TOL), "{np}");
        let np = normalized_power(&[250.0; 3600], &cfg).unwrap();
        assert!(close(np, 249.5912051820643, VECTOR_TOL), "{np}");
    }

    #[test]
    fn np_needs_a_full_window() {
        let cfg = PowerConfig::default();
        assert_eq!(normalized_power(&[], &cfg), None);
        assert_eq!(normalized_power(&[200.0], &cfg), None);
        assert_eq!(normalized_power(&[200.0; 29], &cfg), None);
        assert_eq!(normalized_power(&[200.0; 29], &golden_cheetah()), None);
        assert!(normalized_power(&[200.0; 30], &cfg).is_some());
    }

    #[test]
    fn np_can_be_below_mean_power() {
        let mut samples = vec![0.0; 60];
        samples[0] = 3000.0;
        let np = normalized_power(&samples, &PowerConfig::default()).unwrap();
        let expected = 100.0 / root4(31.0);
        assert!(close(np, expected, VECTOR_TOL), "{np}");
        assert!(np < 50.0);
    }

    #[test]
    fn xpower_follows_its_ewma() {
        let xp = xpower(&[26.0, 0.0], &PowerConfig::default()).unwrap();
        let e2: f64 = 25.0 / 26.0;
        let expected = root4((1.0 + pow4(e2)) / 2.0);
        assert!(close(xp, expected, VECTOR_TOL));
        assert_eq!(xpower(&[], &PowerConfig::default()), None);
        assert_eq!(xpower(&[f64::NAN], &PowerConfig::default()), None);
    }

    #[test]
    fn intensity_factor_rejects_bad_inputs() {
        assert!(matches!(
            intensity_factor(f64::NAN, 250.0),
            Err(ScienceError::NotFinite { .. })
        ));
        assert!(matches!(
            intensity_factor(200.0, 0.0),
            Err(ScienceError::NotPositive { .. })
        ));
        assert!(matches!(
            intensity_factor(-1.0, 250.0),
            Err(ScienceError::OutOfRange { .. })
        ));
        assert!(tss(3600, 200.0, f64::INFINITY).is_err());
        assert_eq!(intensity_factor(0.0, 250.0).unwrap(), 0.0);
    }

    fn raw_power(time_s: Vec<f64>, watts: &[Option<f64>]) -> RawStreams {
        RawStreams {
            time_s,
            watts: watts.to_vec(),
            ..RawStreams::default()
        }
    }

    #[test]
    fn summary_skips_pauses_and_missing_power() {
        let mut watts = vec![Some(100.0); 40];
        watts[3] = None;
        watts.extend([Some(400.0), Some(-5.0)]);
        let mut time_s: Vec<f64> = (0..40).map(f64::from).collect();
        time_s.extend([100.0, 101.0]);
        let grid = resample(&raw_power(time_s, &watts), &StreamConfig::default()).unwrap();
        let s = summarize(&grid, &PowerConfig::default()).unwrap();
        // Second 3 is held at 100 W; the -5 W sample is an artefact at the end, so missing.
        assert_eq!(s.samples, 41);
        assert_eq!(s.max_w, 400.0);
        assert!(close(s.avg_w, 4400.0 / 41.0, VECTOR_TOL));
        assert!(close(s.work_kj, 4.4, VECTOR_TOL));
        assert!(s.np_w.is_some() && s.variability_index.is_some() && s.xpower_w.is_some());
    }

    #[test]
    fn summary_of_all_zero_power_has_no_variability_index() {
        let grid = Grid {
            offset_s: (0..60).collect(),
            watts: vec![Some(0.0); 60],
            ..Grid::default()
        };
        let s = summarize(&grid, &PowerConfig::default()).unwrap();
        assert_eq!(s.np_w, Some(0.0));
        assert_eq!(s.variability_index, None);
        assert_eq!(s.work_kj, 0.0);
    }

    #[test]
    fn summary_without_power_is_none() {
        let grid = Grid {
            offset_s: vec![0, 1],
            watts: vec![None, None],
            ..Grid::default()
        };
        assert_eq!(summarize(&grid, &PowerConfig::default()), None);
        assert_eq!(summarize(&Grid::default(), &PowerConfig::default()), None);
    }

    fn rolling_means(samples: &[f64], window: usize) -> Vec<f64> {
        samples
            .windows(window)
            .map(|w| w.iter().sum::<f64>() / window as f64)
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn np_of_constant_power_is_that_power(c in 0.0..3000.0_f64, n in 30_usize..2000) {
            let np = normalized_power(&vec![c; n], &PowerConfig::default()).unwrap();
            prop_assert!(close(np, c, PROPERTY_TOL), "{} vs {}", np, c);
        }

        #[test]
        fn np_is_at_least_the_mean_of_its_rolling_means(
            samples in prop::collection::vec(0.0..3000.0_f64, 30..400),
        ) {
            let np = normalized_power(&samples, &PowerConfig::default()).unwrap();
            let r = rolling_means(&samples, 30);
            let mean = r.iter().sum::<f64>() / r.len() as f64;
            prop_assert!(np >= mean * (1.0 - PROPERTY_TOL), "{} < {}", np, mean);
        }

        #[test]
        fn tss_of_one_hour_at_ftp_is_100_and_linear_in_duration(
            ftp in 50.0..500.0_f64,
            intensity in 0.1..1.5_f64,
            n in 1_usize..20_000,
            k in 1_usize..5,
        ) {
            let samples = vec![ftp; 3600];
            let np = normalized_power(&samples, &PowerConfig::default()).unwrap();
            prop_assert!(close(tss(3600, np, ftp).unwrap(), 100.0, PROPERTY_TOL));
            let np = intensity * ftp;
            let one = tss(n, np, ftp).unwrap();
            prop_assert!(close(tss(k * n, np, ftp).unwrap(), k as f64 * one, PROPERTY_TOL));
        }

        #[test]
        fn inserting_a_pause_leaves_np_and_tss_unchanged(
            watts in prop::collection::vec(0.0..2000.0_f64, 60..400),
            split in 0.0..1.0_f64,
            pause_s in 11.0..5000.0_f64,
        ) {
            let n = watts.len();
            let cut = ((n as f64 * split) as usize).clamp(1, n - 1);
            let watts: Vec<Option<f64>> = watts.into_iter().map(Some).collect();
            let cfg = StreamConfig::default();
            let time_s: Vec<f64> = (0..n).map(|i| i as f64).collect();
            let paused: Vec<f64> =
                time_s.iter().map(|&t| if t >= cut as f64 { t + pause_s } else { t }).collect();
            let plain = resample(&raw_power(time_s, &watts), &cfg).unwrap();
            let split_grid = resample(&raw_power(paused, &watts), &cfg).unwrap();
            prop_assert_eq!(split_grid.segments.len(), 2);
            let (a, b) = (power_samples(&plain), power_samples(&split_grid));
            prop_assert_eq!(&a, &b);
            let pc = PowerConfig::default();
            let (np_a, np_b) = (normalized_power(&a, &pc).unwrap(), normalized_power(&b, &pc).unwrap());
            prop_assert_eq!(np_a, np_b);
            prop_assert_eq!(tss(a.len(), np_a, 250.0).unwrap(), tss(b.len(), np_b, 250.0).unwrap());
        }
    }
}
