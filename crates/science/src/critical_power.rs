//! Critical power and critical speed fits, and the Morton 3-parameter curve (docs/science.md §7.2,
//! §7.3).
//!
//! Both fits are the Monod & Scherrer work–time model: work W = P·t (or distance d = v·t) is a
//! straight line in t with slope CP (CS) and intercept W′ (D′). Quality is judged in the rate
//! domain (power or speed), where a poor fit shows; in the work domain R² is ≥ 0.99 almost
//! regardless.

use crate::ScienceError;
use crate::error::{finite, positive};
use crate::mmp::{WindowCurve, WindowPoint};
use crate::thresholds::ThresholdConfig;

/// A critical-power fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpFit {
    /// Critical power, W (the slope of work on time).
    pub cp_w: f64,
    /// W′, J (the intercept of work on time).
    pub w_prime_j: f64,
    /// R² in the power domain, against P(t) = CP + W′/t.
    pub r2: f64,
}

/// A critical-speed fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CsFit {
    /// Critical speed, m/s (the slope of distance on time).
    pub cs_mps: f64,
    /// D′, m (the intercept of distance on time).
    pub d_prime_m: f64,
    /// R² in the speed domain, against v(t) = CS + D′/t.
    pub r2: f64,
}

/// A gated fit on a window curve, with the curve points it used.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveFit<F> {
    /// The fit.
    pub fit: F,
    /// The window-curve points used, ascending by duration (value, activity id, date).
    pub points: Vec<WindowPoint>,
}

/// Ordinary least squares of P·t on t over `(t_s, power_w)` points, no gates.
///
/// # Formula
/// W_k = P_k·t_k; CP = Σ(t − t̄)(W − W̄)/Σ(t − t̄)², W′ = W̄ − CP·t̄;
/// R² = 1 − Σ(P_k − (CP + W′/t_k))²/Σ(P_k − P̄)². Sums run in input order.
///
/// # Errors
/// [`ScienceError::TooFew`] with fewer than 2 points; `NotFinite`/`NotPositive` for a bad t or
/// P; [`ScienceError::Inconsistent`] when all t are equal or all P are equal (a flat curve has
/// no R²).
pub fn fit_work_time(points: &[(f64, f64)]) -> Result<CpFit, ScienceError> {
    let (slope, intercept, r2) = fit_rate_time(points)?;
    Ok(CpFit {
        cp_w: slope,
        w_prime_j: intercept,
        r2,
    })
}

/// Ordinary least squares of v·t on t over `(t_s, speed_mps)` points, no gates (same formula
/// and errors as [`fit_work_time`], with distance for work).
///
/// # Errors
/// As [`fit_work_time`].
pub fn fit_distance_time(points: &[(f64, f64)]) -> Result<CsFit, ScienceError> {
    let (slope, intercept, r2) = fit_rate_time(points)?;
    Ok(CsFit {
        cs_mps: slope,
        d_prime_m: intercept,
        r2,
    })
}

/// The shared regression: `(slope, intercept, rate-domain R²)`.
fn fit_rate_time(points: &[(f64, f64)]) -> Result<(f64, f64, f64), ScienceError> {
    if points.len() < 2 {
        return Err(ScienceError::TooFew {
            what: "work–time fit",
            needed: 2,
            actual: points.len(),
        });
    }
    for &(t, rate) in points {
        positive("duration", t)?;
        finite("rate", rate)?;
    }
    let n = points.len() as f64;
    let t_mean = points.iter().map(|&(t, _)| t).sum::<f64>() / n;
    let w_mean = points.iter().map(|&(t, r)| r * t).sum::<f64>() / n;
    let r_mean = points.iter().map(|&(_, r)| r).sum::<f64>() / n;
    let mut sxx = 0.0;
    let mut sxy = 0.0;
    let mut ss_tot = 0.0;
    for &(t, r) in points {
        sxx += (t - t_mean) * (t - t_mean);
        sxy += (t - t_mean) * (r * t - w_mean);
        ss_tot += (r - r_mean) * (r - r_mean);
    }
    if sxx <= 0.0 {
        return Err(ScienceError::Inconsistent(
            "work–time fit needs at least two different durations".to_owned(),
        ));
    }
    if ss_tot <= 0.0 {
        return Err(ScienceError::Inconsistent(
            "flat power–duration points: R² is undefined".to_owned(),
        ));
    }
    let slope = sxy / sxx;
    let intercept = w_mean - slope * t_mean;
    let ss_res: f64 = points
        .iter()
        .map(|&(t, r)| {
            let e = r - (slope + intercept / t);
            e * e
        })
        .sum();
    Ok((slope, intercept, 1.0 - ss_res / ss_tot))
}

/// The §7.2 points of a window curve: values at `cfg.fit_durations_s` present in the curve,
/// if there are at least `fit_min_points`, one ≤ `fit_short_max_s` and one ≥ `fit_long_min_s`.
fn fit_points(curve: &WindowCurve, cfg: &ThresholdConfig) -> Option<Vec<WindowPoint>> {
    let mut points: Vec<WindowPoint> = cfg
        .fit_durations_s
        .iter()
        .filter_map(|&d| curve.point(d).copied())
        .collect();
    points.sort_by_key(|p| p.duration_s);
    points.dedup_by_key(|p| p.duration_s);
    let short = points.iter().any(|p| p.duration_s <= cfg.fit_short_max_s);
    let long = points.iter().any(|p| p.duration_s >= cfg.fit_long_min_s);
    (points.len() >= cfg.fit_min_points && short && long).then_some(points)
}

fn as_pairs(points: &[WindowPoint]) -> Vec<(f64, f64)> {
    points
        .iter()
        .map(|p| (f64::from(p.duration_s), p.value))
        .collect()
}

fn within(v: f64, (lo, hi): (f64, f64)) -> bool {
    lo <= v && v <= hi
}

/// CP and W′ from a window power curve with the §7.2 point rule and gates.
///
/// `None` unless the points exist and R² ≥ `fit_min_r2`, CP ∈ `cp_range_w` and
/// W′ ∈ `w_prime_range_j` (defaults 0.95, 50–600 W, 3 000–60 000 J).
pub fn cp_from_curve(curve: &WindowCurve, cfg: &ThresholdConfig) -> Option<CurveFit<CpFit>> {
    let points = fit_points(curve, cfg)?;
    let fit = fit_work_time(&as_pairs(&points)).ok()?;
    let pass = fit.r2 >= cfg.fit_min_r2
        && within(fit.cp_w, cfg.cp_range_w)
        && within(fit.w_prime_j, cfg.w_prime_range_j);
    pass.then_some(CurveFit { fit, points })
}

/// CS and D′ from a window best-speed curve with the §7.3 point rule and gates.
///
/// `None` unless the points exist and R² ≥ `fit_min_r2`, CS ∈ `cs_range_mps` and
/// D′ ∈ `d_prime_range_m` (defaults 0.95, 1.5–6.5 m/s, 20–600 m).
pub fn cs_from_curve(curve: &WindowCurve, cfg: &ThresholdConfig) -> Option<CurveFit<CsFit>> {
    let points = fit_points(curve, cfg)?;
    let fit = fit_distance_time(&as_pairs(&points)).ok()?;
    let pass = fit.r2 >= cfg.fit_min_r2
        && within(fit.cs_mps, cfg.cs_range_mps)
        && within(fit.d_prime_m, cfg.d_prime_range_m);
    pass.then_some(CurveFit { fit, points })
}

/// The Morton (1996) 3-parameter power–duration curve, for display.
///
/// # Formula
/// P(t) = W′/(t + W′/(Pmax − CP)) + CP; P(0) = Pmax and P → CP as t → ∞.
///
/// # Errors
/// `NotFinite`/`NotPositive` for a negative or non-finite t, a non-positive CP or W′;
/// [`ScienceError::Inconsistent`] when Pmax ≤ CP.
pub fn morton_power(t_s: f64, cp_w: f64, w_prime_j: f64, pmax_w: f64) -> Result<f64, ScienceError> {
    finite("duration", t_s)?;
    if t_s < 0.0 {
        return Err(ScienceError::NotPositive {
            what: "duration",
            value: t_s,
        });
    }
    positive("CP", cp_w)?;
    positive("W′", w_prime_j)?;
    finite("Pmax", pmax_w)?;
    if pmax_w <= cp_w {
        return Err(ScienceError::Inconsistent(format!(
            "Pmax {pmax_w} W must exceed CP {cp_w} W"
        )));
    }
    Ok(w_prime_j / (t_s + w_prime_j / (pmax_w - cp_w)) + cp_w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LocalDate;
    use proptest::prelude::*;

    const VECTOR_TOL: f64 = 1e-9;
    const MORTON_TOL: f64 = 1e-6;

    fn close(a: f64, e: f64, tol: f64) -> bool {
        (a - e).abs() <= tol * e.abs().max(1.0)
    }

    /// A window curve holding `value(d)` at each duration, from activity `d` on day `d`.
    fn curve(durations: &[u32], value: impl Fn(f64) -> f64) -> WindowCurve {
        let day = LocalDate::from_ymd(2024, 1, 1).unwrap();
        WindowCurve {
            first_day: day,
            last_day: day.add_days(89),
            points: durations
                .iter()
                .map(|&d| WindowPoint {
                    duration_s: d,
                    value: value(f64::from(d)),
                    activity_id: i64::from(d),
                    date: day.add_days(i32::try_from(d % 90).unwrap()),
                    start_offset_s: 0,
                    window_s: d,
                })
                .collect(),
        }
    }

    const FIT_DURATIONS: [u32; 9] = [180, 240, 300, 360, 480, 600, 720, 900, 1200];

    #[test]
    fn the_two_parameter_vector_gives_cp_200_and_w_prime_10000() {
        let points: Vec<(f64, f64)> = (0..180)
            .map(|k| {
                let t = f64::from(1 + 10 * k);
                (t, 10_000.0 / t + 200.0)
            })
            .collect();
        let fit = fit_work_time(&points).unwrap();
        assert!(close(fit.cp_w, 200.0, VECTOR_TOL));
        assert!(close(fit.w_prime_j, 10_000.0, VECTOR_TOL));
        assert!(close(fit.r2, 1.0, VECTOR_TOL));
    }

    #[test]
    fn the_morton_vector_is_reproduced() {
        let expected = [
            (5.0, 881.578947),
            (10.0, 795.454545),
            (30.0, 602.941176),
            (60.0, 480.769231),
            (120.0, 386.363636),
            (180.0, 346.774194),
            (300.0, 311.22449),
            (600.0, 281.914894),
            (900.0, 271.582734),
            (1200.0, 266.304348),
        ];
        for (t, p) in expected {
            let got = morton_power(t, 250.0, 20_000.0, 1000.0).unwrap();
            assert!((got - p).abs() <= MORTON_TOL, "t = {t}: {got} vs {p}");
        }
        assert!(close(
            morton_power(0.0, 250.0, 20_000.0, 1000.0).unwrap(),
            1000.0,
            VECTOR_TOL
        ));
    }

    #[test]
    fn morton_rejects_bad_parameters() {
        assert!(morton_power(-1.0, 250.0, 20_000.0, 1000.0).is_err());
        assert!(morton_power(f64::NAN, 250.0, 20_000.0, 1000.0).is_err());
        assert!(morton_power(10.0, 0.0, 20_000.0, 1000.0).is_err());
        assert!(morton_power(10.0, 250.0, 20_000.0, 250.0).is_err());
    }

    #[test]
    fn the_fit_rejects_too_few_flat_or_bad_points() {
        assert!(fit_work_time(&[(100.0, 300.0)]).is_err());
        assert!(fit_work_time(&[(100.0, 300.0), (100.0, 310.0)]).is_err());
        assert!(fit_work_time(&[(100.0, 300.0), (200.0, 300.0)]).is_err());
        assert!(fit_work_time(&[(0.0, 300.0), (200.0, 250.0)]).is_err());
        assert!(fit_work_time(&[(100.0, f64::NAN), (200.0, 250.0)]).is_err());
    }

    #[test]
    fn a_clean_curve_passes_the_gates_and_ftp_example_holds() {
        let c = curve(&FIT_DURATIONS, |t| 250.0 + 20_000.0 / t);
        let got = cp_from_curve(&c, &ThresholdConfig::default()).unwrap();
        assert!(close(got.fit.cp_w, 250.0, VECTOR_TOL));
        assert!(close(got.fit.w_prime_j, 20_000.0, VECTOR_TOL));
        assert_eq!(got.points.len(), 9);
        // docs/science.md §7.2 example: P20 = 266.67 W and 0.95 × P20 = 253.3 W.
        assert!(close(
            c.at(1200).unwrap(),
            266.666_666_666_666_7,
            VECTOR_TOL
        ));
    }

    #[test]
    fn the_gates_refuse_missing_long_or_short_points_and_implausible_values() {
        let cfg = ThresholdConfig::default();
        let no_long = curve(&[180, 240, 300, 360, 480, 600], |t| 250.0 + 20_000.0 / t);
        assert!(cp_from_curve(&no_long, &cfg).is_none());
        let no_short = curve(&[360, 480, 600, 720, 900, 1200], |t| 250.0 + 20_000.0 / t);
        assert!(cp_from_curve(&no_short, &cfg).is_none());
        let two = curve(&[300, 720], |t| 250.0 + 20_000.0 / t);
        assert!(cp_from_curve(&two, &cfg).is_none());
        let flat = curve(&FIT_DURATIONS, |_| 250.0);
        assert!(cp_from_curve(&flat, &cfg).is_none());
        let huge_w_prime = curve(&FIT_DURATIONS, |t| 250.0 + 90_000.0 / t);
        assert!(cp_from_curve(&huge_w_prime, &cfg).is_none());
        let noisy = curve(&FIT_DURATIONS, |t| if t < 400.0 { 200.0 } else { 300.0 });
        assert!(cp_from_curve(&noisy, &cfg).is_none());
    }

    #[test]
    fn critical_speed_uses_the_speed_gates() {
        let cfg = ThresholdConfig::default();
        let c = curve(&FIT_DURATIONS, |t| 4.0 + 200.0 / t);
        let got = cs_from_curve(&c, &cfg).unwrap();
        assert!(close(got.fit.cs_mps, 4.0, VECTOR_TOL));
        assert!(close(got.fit.d_prime_m, 200.0, VECTOR_TOL));
        let too_fast = curve(&FIT_DURATIONS, |t| 7.0 + 200.0 / t);
        assert!(cs_from_curve(&too_fast, &cfg).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn the_fit_recovers_cp_and_w_prime_from_noise_free_points(
            cp in 100.0_f64..=400.0,
            w_prime in 5_000.0_f64..=40_000.0,
        ) {
            let c = curve(&FIT_DURATIONS, |t| cp + w_prime / t);
            let got = cp_from_curve(&c, &ThresholdConfig::default()).unwrap();
            prop_assert!(close(got.fit.cp_w, cp, VECTOR_TOL));
            prop_assert!(close(got.fit.w_prime_j, w_prime, VECTOR_TOL));
        }
    }
}
