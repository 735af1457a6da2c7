//! Banister TRIMP and hrTSS (docs/science.md §4).
//!
//! TRIMP uses the Morton, Fitz-Clarke & Banister 1990 weighting y(x) = k1·e^(k2·x) of the
//! heart-rate reserve fraction x. hrTSS rescales TRIMP so that one hour at LTHR scores 100, the
//! anchor TSS and rTSS share (Skiba's HRSS, GoldenCheetah "TRIMP(100)").

use crate::ScienceError;
use crate::error::non_negative;
use crate::error::{finite, positive};
use crate::stream::Grid;

/// Constants of §4: the sex-specific coefficients of y(x) = k1·e^(k2·x).
#[derive(Debug, Clone, PartialEq)]
pub struct HeartRateConfig {
    /// k1 for men (and unknown sex), dimensionless (0.64).
    pub male_k1: f64,
    /// k2 for men (and unknown sex), dimensionless (1.92).
    pub male_k2: f64,
    /// k1 for women, dimensionless (0.86).
    pub female_k1: f64,
    /// k2 for women, dimensionless (1.67).
    pub female_k2: f64,
}

impl Default for HeartRateConfig {
    fn default() -> Self {
        Self {
            male_k1: 0.64,
            male_k2: 1.92,
            female_k1: 0.86,
            female_k2: 1.67,
        }
    }
}

/// The athlete's sex as far as TRIMP weighting is concerned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Male coefficients.
    Male,
    /// Female coefficients (both k1 and k2; GoldenCheetah's keeping k1 = 0.64 is a bug).
    Female,
    /// Unknown or other: male coefficients. k1 cancels in hrTSS, so only k2 matters there.
    #[default]
    Unknown,
}

/// Heart-rate thresholds of one date, validated so that rest < LTHR ≤ max.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HrThresholds {
    /// Resting heart rate, bpm.
    pub resting_bpm: f64,
    /// Lactate-threshold heart rate, bpm.
    pub lthr_bpm: f64,
    /// Maximal heart rate, bpm.
    pub max_bpm: f64,
}

impl HrThresholds {
    /// Validated thresholds.
    ///
    /// # Errors
    /// [`ScienceError::NotFinite`] / [`ScienceError::NotPositive`] for a value that is not a
    /// finite positive number; [`ScienceError::Inconsistent`] unless rest < LTHR ≤ max.
    pub fn new(resting_bpm: f64, lthr_bpm: f64, max_bpm: f64) -> Result<Self, ScienceError> {
        let resting_bpm = positive("resting heart rate", resting_bpm)?;
        let lthr_bpm = positive("LTHR", lthr_bpm)?;
        let max_bpm = positive("max heart rate", max_bpm)?;
        if !(resting_bpm < lthr_bpm && lthr_bpm <= max_bpm) {
            return Err(ScienceError::Inconsistent(format!(
                "heart rates need rest < LTHR <= max, got rest {resting_bpm}, LTHR {lthr_bpm}, \
                 max {max_bpm}"
            )));
        }
        Ok(Self {
            resting_bpm,
            lthr_bpm,
            max_bpm,
        })
    }
}

/// (k1, k2) for a sex.
fn coefficients(sex: Sex, cfg: &HeartRateConfig) -> (f64, f64) {
    match sex {
        Sex::Female => (cfg.female_k1, cfg.female_k2),
        Sex::Male | Sex::Unknown => (cfg.male_k1, cfg.male_k2),
    }
}

/// The heart-rate reserve scale: validates rest and max and returns (rest, max − rest).
fn reserve(resting_bpm: f64, max_bpm: f64) -> Result<(f64, f64), ScienceError> {
    let rest = positive("resting heart rate", resting_bpm)?;
    let max = positive("max heart rate", max_bpm)?;
    if rest >= max {
        return Err(ScienceError::Inconsistent(format!(
            "resting heart rate {rest} must be below max heart rate {max}"
        )));
    }
    Ok((rest, max - rest))
}

/// x · y(x) with x = clamp((HR − rest)/(max − rest), 0, 1).
fn weighted(hr_bpm: f64, rest: f64, range: f64, (k1, k2): (f64, f64)) -> f64 {
    let x = ((hr_bpm - rest) / range).clamp(0.0, 1.0);
    x * k1 * libm::exp(k2 * x)
}

/// Banister TRIMP summed per 1 Hz sample (docs/science.md §4).
///
/// # Formula
/// x_i = clamp((HR_i − HR_rest)/(HR_max − HR_rest), 0, 1), y(x) = k1·e^(k2·x),
/// TRIMP = (1/60) · Σ_i x_i·y(x_i) (the sum in index order, then divided by 60).
///
/// # Errors
/// [`ScienceError::Empty`] without samples; [`ScienceError::NotFinite`] for a non-finite sample;
/// rest and max must be finite, positive and rest < max ([`ScienceError::Inconsistent`]).
pub fn trimp(
    hr_bpm: &[f64],
    resting_bpm: f64,
    max_bpm: f64,
    sex: Sex,
    cfg: &HeartRateConfig,
) -> Result<f64, ScienceError> {
    let (rest, range) = reserve(resting_bpm, max_bpm)?;
    if hr_bpm.is_empty() {
        return Err(ScienceError::Empty {
            what: "heart-rate samples",
        });
    }
    let k = coefficients(sex, cfg);
    let mut sum = 0.0;
    for &hr in hr_bpm {
        sum += weighted(finite("heart rate", hr)?, rest, range, k);
    }
    Ok(sum / 60.0)
}

/// Banister TRIMP from an average heart rate: TRIMP_avg = T_min · x̄ · y(x̄) (docs/science.md §4).
///
/// # Errors
/// [`ScienceError::NotFinite`] / [`ScienceError::OutOfRange`] for minutes that are not finite
/// or negative, [`ScienceError::NotFinite`] for the average, and the rest/max errors of
/// [`trimp`].
pub fn trimp_avg(
    minutes: f64,
    avg_hr_bpm: f64,
    resting_bpm: f64,
    max_bpm: f64,
    sex: Sex,
    cfg: &HeartRateConfig,
) -> Result<f64, ScienceError> {
    let (rest, range) = reserve(resting_bpm, max_bpm)?;
    let minutes = non_negative("duration in minutes", minutes)?;
    let avg = finite("average heart rate", avg_hr_bpm)?;
    Ok(minutes * weighted(avg, rest, range, coefficients(sex, cfg)))
}

/// hrTSS = 100 × TRIMP / TRIMP_LT (docs/science.md §4).
///
/// # Formula
/// TRIMP_LT = 60 · x_LT · y(x_LT), x_LT = (LTHR − HR_rest)/(HR_max − HR_rest): one hour at LTHR
/// scores 100.
///
/// ```
/// use science::heart_rate::{HeartRateConfig, HrThresholds, Sex, hrtss, trimp};
/// let cfg = HeartRateConfig::default();
/// let thresholds = HrThresholds::new(50.0, 170.0, 190.0).unwrap();
/// let load = trimp(&[170.0; 3600], 50.0, 190.0, Sex::Female, &cfg).unwrap();
/// assert!((hrtss(load, &thresholds, Sex::Female, &cfg).unwrap() - 100.0).abs() < 1e-9);
/// ```
///
/// # Errors
/// [`ScienceError::NotFinite`] / [`ScienceError::OutOfRange`] for a TRIMP that is not finite or
/// negative; the errors of [`HrThresholds::new`] when the thresholds' fields were set by hand.
pub fn hrtss(
    trimp: f64,
    thresholds: &HrThresholds,
    sex: Sex,
    cfg: &HeartRateConfig,
) -> Result<f64, ScienceError> {
    let trimp = non_negative("TRIMP", trimp)?;
    let t = HrThresholds::new(
        thresholds.resting_bpm,
        thresholds.lthr_bpm,
        thresholds.max_bpm,
    )?;
    let range = t.max_bpm - t.resting_bpm;
    let trimp_lt = 60.0 * weighted(t.lthr_bpm, t.resting_bpm, range, coefficients(sex, cfg));
    positive("TRIMP at LTHR", trimp_lt)?;
    Ok(100.0 * trimp / trimp_lt)
}

/// Implied intensity IF_hr = sqrt(hrTSS / (100 × hours)) (docs/science.md §4, used by §11).
///
/// # Errors
/// [`ScienceError::OutOfRange`] / [`ScienceError::NotFinite`] for a negative or non-finite
/// hrTSS; [`ScienceError::NotPositive`] for a duration ≤ 0.
pub fn hr_intensity_factor(hrtss: f64, duration_s: f64) -> Result<f64, ScienceError> {
    let hrtss = non_negative("hrTSS", hrtss)?;
    let hours = positive("duration", duration_s)? / 3600.0;
    Ok((hrtss / (100.0 * hours)).sqrt())
}

/// The valid heart-rate samples of a grid in grid order, bpm; missing samples are skipped.
pub fn hr_samples(grid: &Grid) -> Vec<f64> {
    grid.heartrate_bpm.iter().flatten().copied().collect()
}

/// Heart-rate figures of one activity.
#[derive(Debug, Clone, PartialEq)]
pub struct HrSummary {
    /// Valid heart-rate samples, n (1 Hz, so also seconds).
    pub samples: usize,
    /// Mean heart rate, bpm.
    pub avg_bpm: f64,
    /// Highest sample, bpm.
    pub max_bpm: f64,
}

/// Summarises the valid heart rate of a grid; `None` when it has no valid sample.
pub fn summarize(grid: &Grid) -> Option<HrSummary> {
    let samples = hr_samples(grid);
    if samples.is_empty() {
        return None;
    }
    let mut sum = 0.0;
    let mut max_bpm = f64::NEG_INFINITY;
    for &hr in &samples {
        sum += hr;
        max_bpm = max_bpm.max(hr);
    }
    Some(HrSummary {
        samples: samples.len(),
        avg_bpm: sum / samples.len() as f64,
        max_bpm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VECTOR_TOL: f64 = 1e-9;
    const PROPERTY_TOL: f64 = 1e-12;

    fn close(actual: f64, expected: f64, tol: f64) -> bool {
        (actual - expected).abs() <= tol * expected.abs().max(1.0)
    }

    fn cfg() -> HeartRateConfig {
        HeartRateConfig::default()
    }

    #[test]
    fn trimp_avg_matches_the_banister_vectors() {
        let male = trimp_avg(54.0, 117.0, 77.0, 173.0, Sex::Male, &cfg()).unwrap();
        assert!(close(male, 32.04778937029154, VECTOR_TOL), "{male}");
        let female = trimp_avg(54.0, 117.0, 77.0, 173.0, Sex::Female, &cfg()).unwrap();
        assert!(close(female, 38.80409385573972, VECTOR_TOL), "{female}");
        let unknown = trimp_avg(54.0, 117.0, 77.0, 173.0, Sex::Unknown, &cfg()).unwrap();
        assert_eq!(unknown, male);
    }

    #[test]
    fn one_hour_at_lthr_scores_100() {
        let thresholds = HrThresholds::new(50.0, 170.0, 190.0).unwrap();
        for sex in [Sex::Male, Sex::Female, Sex::Unknown] {
            let t = trimp(&[170.0; 3600], 50.0, 190.0, sex, &cfg()).unwrap();
            let score = hrtss(t, &thresholds, sex, &cfg()).unwrap();
            assert!(close(score, 100.0, VECTOR_TOL), "{score}");
        }
        assert!(close(
            hr_intensity_factor(100.0, 3600.0).unwrap(),
            1.0,
            VECTOR_TOL
        ));
    }

    #[test]
    fn heart_rates_outside_the_reserve_are_clamped() {
        let low = trimp(&[40.0, 0.0, -3.0], 50.0, 190.0, Sex::Male, &cfg()).unwrap();
        assert_eq!(low, 0.0);
        let high = trimp(&[250.0], 50.0, 190.0, Sex::Male, &cfg()).unwrap();
        let at_max = trimp(&[190.0], 50.0, 190.0, Sex::Male, &cfg()).unwrap();
        assert_eq!(high, at_max);
        assert!(close(at_max, 0.64 * libm::exp(1.92) / 60.0, VECTOR_TOL));
    }

    #[test]
    fn trimp_rejects_bad_inputs() {
        let c = cfg();
        assert!(matches!(
            trimp(&[], 50.0, 190.0, Sex::Male, &c),
            Err(ScienceError::Empty { .. })
        ));
        assert!(matches!(
            trimp(&[120.0, f64::NAN], 50.0, 190.0, Sex::Male, &c),
            Err(ScienceError::NotFinite { .. })
        ));
        assert!(matches!(
            trimp(&[120.0], 190.0, 190.0, Sex::Male, &c),
            Err(ScienceError::Inconsistent(_))
        ));
        assert!(trimp(&[120.0], -1.0, 190.0, Sex::Male, &c).is_err());
        assert!(trimp_avg(-1.0, 120.0, 50.0, 190.0, Sex::Male, &c).is_err());
        assert!(trimp_avg(60.0, f64::INFINITY, 50.0, 190.0, Sex::Male, &c).is_err());
        assert_eq!(
            trimp_avg(0.0, 150.0, 50.0, 190.0, Sex::Male, &c).unwrap(),
            0.0
        );
    }

    #[test]
    fn thresholds_need_rest_below_lthr_at_most_max() {
        assert!(HrThresholds::new(50.0, 190.0, 190.0).is_ok());
        assert!(HrThresholds::new(50.0, 50.0, 190.0).is_err());
        assert!(HrThresholds::new(50.0, 191.0, 190.0).is_err());
        assert!(HrThresholds::new(f64::NAN, 170.0, 190.0).is_err());
        assert!(HrThresholds::new(0.0, 170.0, 190.0).is_err());
        let forged = HrThresholds {
            resting_bpm: 180.0,
            lthr_bpm: 170.0,
            max_bpm: 190.0,
        };
        assert!(hrtss(50.0, &forged, Sex::Male, &cfg()).is_err());
        let ok = HrThresholds::new(50.0, 170.0, 190.0).unwrap();
        assert!(hrtss(-1.0, &ok, Sex::Male, &cfg()).is_err());
        assert!(hr_intensity_factor(50.0, 0.0).is_err());
    }

    #[test]
    fn summary_counts_valid_samples_only() {
        let grid = Grid {
            offset_s: vec![0, 1, 2],
            heartrate_bpm: vec![Some(120.0), None, Some(140.0)],
            ..Grid::default()
        };
        let s = summarize(&grid).unwrap();
        assert_eq!((s.samples, s.avg_bpm, s.max_bpm), (2, 130.0, 140.0));
        assert_eq!(summarize(&Grid::default()), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn per_sample_trimp_is_at_least_trimp_avg(
            rest in 35.0..70.0_f64,
            span in 60.0..150.0_f64,
            fractions in prop::collection::vec(0.0..=1.0_f64, 1..600),
            female in any::<bool>(),
        ) {
            let max = rest + span;
            let sex = if female { Sex::Female } else { Sex::Male };
            let hr: Vec<f64> = fractions.iter().map(|f| rest + f * span).collect();
            let avg = hr.iter().sum::<f64>() / hr.len() as f64;
            let minutes = hr.len() as f64 / 60.0;
            let per_sample = trimp(&hr, rest, max, sex, &cfg()).unwrap();
            let averaged = trimp_avg(minutes, avg, rest, max, sex, &cfg()).unwrap();
            prop_assert!(per_sample >= averaged * (1.0 - PROPERTY_TOL), "{} < {}", per_sample, averaged);
        }

        #[test]
        fn hrtss_of_one_hour_at_lthr_is_100(
            rest in 35.0..70.0_f64,
            lt_gap in 30.0..120.0_f64,
            max_gap in 0.0..40.0_f64,
            female in any::<bool>(),
        ) {
            let (lthr, max) = (rest + lt_gap, rest + lt_gap + max_gap);
            let sex = if female { Sex::Female } else { Sex::Male };
            let thresholds = HrThresholds::new(rest, lthr, max).unwrap();
            let t = trimp(&vec![lthr; 3600], rest, max, sex, &cfg()).unwrap();
            let score = hrtss(t, &thresholds, sex, &cfg()).unwrap();
            prop_assert!(close(score, 100.0, VECTOR_TOL), "{}", score);
        }
    }
}
