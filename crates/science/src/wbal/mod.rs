//! W-prime balance, integral and differential (docs/science.md §9).
//!
//! Input is a [`BalanceSeries`]: the valid §2 power samples in order, each with the seconds of
//! recovery that precede it. Every pause, and every missing-power stretch, counts as that many
//! seconds at 0 W: those seconds decay the balance toward W′ but produce no output row and do not
//! enter the τ mean. Outputs have one W′bal value (J) per sample of the series.
//!
//! The differential model is unit-agnostic, so running D′bal uses it over speed samples
//! ([`BalanceSeries::from_grid_speed`]) with CS in m/s and D′ in m.

use crate::ScienceError;
use crate::error::non_negative;
use crate::error::positive;

mod series;

pub use series::BalanceSeries;

/// The W′ balance model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WbalModel {
    /// Skiba et al. 2012 integral model (default: what GoldenCheetah and most software show).
    #[default]
    Integral,
    /// Skiba et al. 2015 / Froncioni–Clarke differential model.
    Differential,
}

/// Constants of §9. τ = amplitude · e^(−rate · D_CP) + offset.
#[derive(Debug, Clone, PartialEq)]
pub struct WbalConfig {
    /// Model used by [`w_prime_balance`] (integral).
    pub model: WbalModel,
    /// τ amplitude, s (546).
    pub tau_amplitude_s: f64,
    /// τ decay rate per watt of D_CP, 1/W (0.01).
    pub tau_rate_per_w: f64,
    /// τ offset, s (316).
    pub tau_offset_s: f64,
}

impl Default for WbalConfig {
    fn default() -> Self {
        Self {
            model: WbalModel::Integral,
            tau_amplitude_s: 546.0,
            tau_rate_per_w: 0.01,
            tau_offset_s: 316.0,
        }
    }
}

/// The integral model's time constant τ, s (docs/science.md §9).
///
/// # Formula
/// τ = 546·e^(−0.01·D_CP) + 316, D_CP = CP − mean{p : p < CP} over all samples given (the mean
/// is 0 when no sample is below CP). τ is not rounded (GoldenCheetah floors it).
///
/// # Errors
/// [`ScienceError::NotPositive`] for CP ≤ 0 or non-finite; [`ScienceError::NotFinite`] /
/// [`ScienceError::OutOfRange`] for a sample that is not finite or negative.
pub fn tau_s(samples_w: &[f64], cp_w: f64, cfg: &WbalConfig) -> Result<f64, ScienceError> {
    let cp_w = positive("CP", cp_w)?;
    let mut below_sum = 0.0;
    let mut below_count = 0_usize;
    for &p in samples_w {
        if non_negative("power sample", p)? < cp_w {
            below_sum += p;
            below_count += 1;
        }
    }
    let below_mean = if below_count == 0 {
        0.0
    } else {
        below_sum / below_count as f64
    };
    let d_cp = cp_w - below_mean;
    Ok(cfg.tau_amplitude_s * libm::exp(-cfg.tau_rate_per_w * d_cp) + cfg.tau_offset_s)
}

/// Integral W′bal (Skiba et al. 2012) with τ from [`tau_s`] over the series' samples, J.
///
/// # Errors
/// As [`tau_s`] and [`integral_with_tau`].
///
/// ```
/// use science::wbal::{BalanceSeries, WbalConfig, integral};
/// let series = BalanceSeries::continuous(&[300.0; 60]);
/// let wbal = integral(&series, 250.0, 20_000.0, &WbalConfig::default()).unwrap();
/// assert!(wbal[59] < 20_000.0 - 2500.0);
/// ```
pub fn integral(
    series: &BalanceSeries,
    cp_w: f64,
    w_prime_j: f64,
    cfg: &WbalConfig,
) -> Result<Vec<f64>, ScienceError> {
    let tau = tau_s(&series.values, cp_w, cfg)?;
    integral_with_tau(series, cp_w, w_prime_j, tau)
}

/// Integral W′bal with a given τ, J, one value per sample.
///
/// # Formula
/// W′bal(t) = W′ − Σ_{u≤t} max(0, p_u − CP)·e^(−(t−u)/τ), evaluated as the stable recurrence
/// I_t = I_{t−1}·e^(−1/τ) + max(0, p_t − CP), W′bal_t = W′ − I_t, with I_0 = 0 and
/// I ← I·e^(−g/τ) for g recovery seconds before a sample.
///
/// # Errors
/// [`ScienceError::NotPositive`] for CP, W′ or τ ≤ 0 or non-finite; the errors of an invalid
/// series ([`ScienceError::LengthMismatch`], [`ScienceError::NotFinite`],
/// [`ScienceError::OutOfRange`]).
pub fn integral_with_tau(
    series: &BalanceSeries,
    cp_w: f64,
    w_prime_j: f64,
    tau_s: f64,
) -> Result<Vec<f64>, ScienceError> {
    let cp_w = positive("CP", cp_w)?;
    let w_prime_j = positive("W'", w_prime_j)?;
    let tau_s = positive("tau", tau_s)?;
    series.validate()?;
    let step_decay = libm::exp(-1.0 / tau_s);
    let mut debt = 0.0;
    let mut out = Vec::with_capacity(series.len());
    for (&p, &gap_s) in series.values.iter().zip(&series.recovery_before_s) {
        if gap_s > 0 {
            debt *= libm::exp(-f64::from(gap_s) / tau_s);
        }
        debt = debt * step_decay + (p - cp_w).max(0.0);
        out.push(w_prime_j - debt);
    }
    Ok(out)
}

/// Differential W′bal (Skiba et al. 2015 / Froncioni–Clarke), J, one value per sample.
///
/// # Formula
/// b_0 = W′. If p_t < CP: b_t = b_{t−1} + (CP − p_t)(W′ − b_{t−1})/W′; else
/// b_t = b_{t−1} − (p_t − CP). g recovery seconds: (W′ − b) ← (W′ − b)·(1 − CP/W′)^g, which is g
/// steps at 0 W.
///
/// # Errors
/// As [`integral_with_tau`], and [`ScienceError::Inconsistent`] when CP ≥ W′ (a recovery step
/// would overshoot W′; it signals swapped or mis-scaled units).
pub fn differential(
    series: &BalanceSeries,
    cp_w: f64,
    w_prime_j: f64,
) -> Result<Vec<f64>, ScienceError> {
    let cp_w = positive("CP", cp_w)?;
    let w_prime_j = positive("W'", w_prime_j)?;
    if cp_w >= w_prime_j {
        return Err(ScienceError::Inconsistent(format!(
            "CP {cp_w} must be below W' {w_prime_j} for the differential model"
        )));
    }
    series.validate()?;
    let recovery_per_s = 1.0 - cp_w / w_prime_j;
    let mut balance = w_prime_j;
    let mut out = Vec::with_capacity(series.len());
    for (&p, &gap_s) in series.values.iter().zip(&series.recovery_before_s) {
        if gap_s > 0 {
            let deficit = (w_prime_j - balance) * libm::pow(recovery_per_s, f64::from(gap_s));
            balance = w_prime_j - deficit;
        }
        balance = if p < cp_w {
            balance + (cp_w - p) * (w_prime_j - balance) / w_prime_j
        } else {
            balance - (p - cp_w)
        };
        out.push(balance);
    }
    Ok(out)
}

/// W′bal with the configured model ([`integral`] or [`differential`]), J.
///
/// # Errors
/// Those of the chosen model.
pub fn w_prime_balance(
    series: &BalanceSeries,
    cp_w: f64,
    w_prime_j: f64,
    cfg: &WbalConfig,
) -> Result<Vec<f64>, ScienceError> {
    match cfg.model {
        WbalModel::Integral => integral(series, cp_w, w_prime_j, cfg),
        WbalModel::Differential => differential(series, cp_w, w_prime_j),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VECTOR_TOL: f64 = 1e-9;

    fn close(actual: f64, expected: f64, tol: f64) -> bool {
        (actual - expected).abs() <= tol * expected.abs().max(1.0)
    }

    fn ramp() -> BalanceSeries {
        let watts: Vec<f64> = (0..100).map(f64::from).collect();
        BalanceSeries::continuous(&watts)
    }

    fn cfg() -> WbalConfig {
        WbalConfig::default()
    }

    #[test]
    fn tau_matches_the_sweatpy_vector() {
        let tau = tau_s(&ramp().values, 25.0, &cfg()).unwrap();
        assert!(close(tau, 795.4401052826265, VECTOR_TOL), "{tau}");
    }

    #[test]
    fn integral_balance_matches_the_sweatpy_vectors() {
        let wbal = integral(&ramp(), 25.0, 2000.0, &cfg()).unwrap();
        assert_eq!(wbal.len(), 100);
        assert!(
            close(wbal[75], 750.7741774439294, VECTOR_TOL),
            "{}",
            wbal[75]
        );
        assert!(
            close(wbal[50], 1678.243108624266, VECTOR_TOL),
            "{}",
            wbal[50]
        );
        let wbal = integral_with_tau(&ramp(), 25.0, 2000.0, 100.0).unwrap();
        assert!(
            close(wbal[75], 909.6189473286977, VECTOR_TOL),
            "{}",
            wbal[75]
        );
    }

    #[test]
    fn differential_balance_matches_the_exact_vectors() {
        let wbal = differential(&ramp(), 25.0, 2000.0).unwrap();
        assert_eq!(wbal[75], 725.0);
        assert_eq!(wbal[50], 1675.0);
        let model = WbalConfig {
            model: WbalModel::Differential,
            ..cfg()
        };
        assert_eq!(
            w_prime_balance(&ramp(), 25.0, 2000.0, &model).unwrap(),
            wbal
        );
    }

    #[test]
    fn tau_without_samples_below_cp_uses_a_zero_mean() {
        let tau = tau_s(&[300.0, 400.0], 250.0, &cfg()).unwrap();
        assert!(close(tau, 546.0 * libm::exp(-2.5) + 316.0, VECTOR_TOL));
        assert!(close(tau_s(&[], 250.0, &cfg()).unwrap(), tau, VECTOR_TOL));
    }

    #[test]
    fn bad_inputs_are_rejected() {
        let series = ramp();
        assert!(integral(&series, 0.0, 2000.0, &cfg()).is_err());
        assert!(integral(&series, 25.0, f64::NAN, &cfg()).is_err());
        assert!(integral_with_tau(&series, 25.0, 2000.0, 0.0).is_err());
        assert!(matches!(
            differential(&series, 2000.0, 2000.0),
            Err(ScienceError::Inconsistent(_))
        ));
        let bad = BalanceSeries::continuous(&[100.0, f64::NAN]);
        assert!(integral(&bad, 25.0, 2000.0, &cfg()).is_err());
        let negative = BalanceSeries::continuous(&[-1.0]);
        assert!(differential(&negative, 25.0, 2000.0).is_err());
        let mut short = ramp();
        short.recovery_before_s.pop();
        assert!(matches!(
            integral_with_tau(&short, 25.0, 2000.0, 300.0),
            Err(ScienceError::LengthMismatch { .. })
        ));
    }

    #[test]
    fn an_empty_series_gives_no_rows() {
        let empty = BalanceSeries::default();
        assert!(
            integral(&empty, 250.0, 20_000.0, &cfg())
                .unwrap()
                .is_empty()
        );
        assert!(differential(&empty, 250.0, 20_000.0).unwrap().is_empty());
    }

    /// The series with every recovery second written out as a 0 W sample, and the indices of
    /// the original samples in it.
    fn zero_filled(series: &BalanceSeries) -> (BalanceSeries, Vec<usize>) {
        let mut values = Vec::new();
        let mut rows = Vec::new();
        for (&v, &gap) in series.values.iter().zip(&series.recovery_before_s) {
            values.extend(std::iter::repeat_n(0.0, gap as usize));
            rows.push(values.len());
            values.push(v);
        }
        (BalanceSeries::continuous(&values), rows)
    }

    fn series_strategy() -> impl Strategy<Value = BalanceSeries> {
        prop::collection::vec(
            (0.0..1200.0_f64, prop::option::weighted(0.05, 1_u32..400)),
            1..300,
        )
        .prop_map(|samples| {
            let values = samples.iter().map(|s| s.0).collect();
            let recovery_before_s = samples.iter().map(|s| s.1.unwrap_or(0)).collect();
            let offset_s = (0..samples.len())
                .map(|i| u32::try_from(i).unwrap())
                .collect();
            BalanceSeries {
                offset_s,
                values,
                recovery_before_s,
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn balance_never_exceeds_w_prime(
            series in series_strategy(),
            cp in 150.0..400.0_f64,
            w_prime in 5_000.0..40_000.0_f64,
        ) {
            for wbal in [
                integral(&series, cp, w_prime, &cfg()).unwrap(),
                differential(&series, cp, w_prime).unwrap(),
            ] {
                prop_assert!(wbal.iter().all(|&b| b <= w_prime));
            }
        }

        #[test]
        fn balance_stays_at_w_prime_without_work_above_cp(
            series in series_strategy(),
            w_prime in 5_000.0..40_000.0_f64,
        ) {
            let cp = 1200.0;
            for wbal in [
                integral(&series, cp, w_prime, &cfg()).unwrap(),
                differential(&series, cp, w_prime).unwrap(),
            ] {
                prop_assert!(wbal.iter().all(|&b| b == w_prime));
            }
        }

        #[test]
        fn the_recurrence_equals_the_direct_double_sum(
            series in series_strategy(),
            cp in 150.0..400.0_f64,
            w_prime in 5_000.0..40_000.0_f64,
        ) {
            let tau = tau_s(&series.values, cp, &cfg()).unwrap();
            let fast = integral_with_tau(&series, cp, w_prime, tau).unwrap();
            // Elapsed time of each sample, counting recovery seconds.
            let mut t = Vec::with_capacity(series.len());
            let mut now = 0.0;
            for (k, &gap) in series.recovery_before_s.iter().enumerate() {
                now += f64::from(gap) + if k == 0 { 0.0 } else { 1.0 };
                t.push(now);
            }
            for (k, &got) in fast.iter().enumerate() {
                let mut debt = 0.0;
                for u in 0..=k {
                    let above = (series.values[u] - cp).max(0.0);
                    debt += above * libm::exp(-(t[k] - t[u]) / tau);
                }
                // W′ − debt cancels, so the tolerance scales with the terms, not their difference.
                let scale = w_prime.max(debt);
                prop_assert!((got - (w_prime - debt)).abs() <= VECTOR_TOL * scale, "{} vs {}", got, w_prime - debt);
            }
        }

        #[test]
        fn recovery_seconds_act_as_zero_watt_samples(
            series in series_strategy(),
            cp in 150.0..400.0_f64,
            w_prime in 5_000.0..40_000.0_f64,
        ) {
            let (filled, rows) = zero_filled(&series);
            let tau = 400.0;
            let a = integral_with_tau(&series, cp, w_prime, tau).unwrap();
            let b = integral_with_tau(&filled, cp, w_prime, tau).unwrap();
            let c = differential(&series, cp, w_prime).unwrap();
            let d = differential(&filled, cp, w_prime).unwrap();
            for (k, &row) in rows.iter().enumerate() {
                prop_assert!(close(a[k], b[row], VECTOR_TOL));
                prop_assert!(close(c[k], d[row], VECTOR_TOL));
            }
        }
    }
}
