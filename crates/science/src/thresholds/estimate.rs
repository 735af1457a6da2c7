//! FTP (with CP/W′) and threshold speed (with CS/D′) from window curves (docs/science.md §7.2,
//! §7.3).

use super::{Candidate, EvidencePoint, Field, Method, ThresholdConfig, window_start};
use crate::critical_power::{cp_from_curve, cs_from_curve};
use crate::mmp::{DatedCurve, WindowCurve, WindowPoint, merge_window};
use crate::{CALC_VERSION, LocalDate};

/// The primary (`short_window_days`, 90) and fallback (`long_window_days`, 365) window curves
/// ending `as_of`, from eligible activities' envelopes (power for §7.2, speed for §7.3).
pub fn estimation_windows(
    curves: &[DatedCurve<'_>],
    as_of: LocalDate,
    cfg: &ThresholdConfig,
) -> (WindowCurve, WindowCurve) {
    let short = merge_window(curves, window_start(as_of, cfg.short_window_days), as_of);
    let long = merge_window(curves, window_start(as_of, cfg.long_window_days), as_of);
    (short, long)
}

/// FTP as of `as_of` (§7.2): the CP fit on `short` (FTP = CP, with CP and W′ as companions),
/// else 0.95 × MMP(1200) on `short` if within `ftp_range_w`, else both steps on `long`, else
/// `None`. The effective date is the newest date among the points used.
pub fn estimate_power(
    short: &WindowCurve,
    long: &WindowCurve,
    as_of: LocalDate,
    cfg: &ThresholdConfig,
) -> Option<Candidate> {
    [short, long]
        .into_iter()
        .find_map(|curve| power_from_curve(curve, as_of, cfg))
}

/// Threshold speed as of `as_of` (§7.3): the CS fit on `short` (threshold speed = CS, with
/// D′ as companion), else 0.95 × best 1200-s speed if within `threshold_speed_range_mps`, else
/// both steps on `long`, else `None`.
pub fn estimate_threshold_speed(
    short: &WindowCurve,
    long: &WindowCurve,
    as_of: LocalDate,
    cfg: &ThresholdConfig,
) -> Option<Candidate> {
    [short, long]
        .into_iter()
        .find_map(|curve| speed_from_curve(curve, as_of, cfg))
}

fn power_from_curve(
    curve: &WindowCurve,
    as_of: LocalDate,
    cfg: &ThresholdConfig,
) -> Option<Candidate> {
    if let Some(fit) = cp_from_curve(curve, cfg) {
        let companions = vec![
            (Field::Cp, fit.fit.cp_w),
            (Field::WPrime, fit.fit.w_prime_j),
        ];
        let parts = Parts {
            field: Field::Ftp,
            value: fit.fit.cp_w,
            companions,
            method: Method::CpFit,
            r2: Some(fit.fit.r2),
        };
        return candidate(parts, &fit.points, curve, as_of);
    }
    fallback(
        curve,
        as_of,
        cfg,
        Field::Ftp,
        Method::TwentyMinutePower,
        cfg.ftp_range_w,
    )
}

fn speed_from_curve(
    curve: &WindowCurve,
    as_of: LocalDate,
    cfg: &ThresholdConfig,
) -> Option<Candidate> {
    if let Some(fit) = cs_from_curve(curve, cfg) {
        let parts = Parts {
            field: Field::ThresholdSpeed,
            value: fit.fit.cs_mps,
            companions: vec![(Field::DPrime, fit.fit.d_prime_m)],
            method: Method::CsFit,
            r2: Some(fit.fit.r2),
        };
        return candidate(parts, &fit.points, curve, as_of);
    }
    let range = cfg.threshold_speed_range_mps;
    fallback(
        curve,
        as_of,
        cfg,
        Field::ThresholdSpeed,
        Method::TwentyMinuteSpeed,
        range,
    )
}

/// `fallback_factor` × the curve value at `fallback_duration_s`, if within `range`.
fn fallback(
    curve: &WindowCurve,
    as_of: LocalDate,
    cfg: &ThresholdConfig,
    field: Field,
    method: Method,
    (lo, hi): (f64, f64),
) -> Option<Candidate> {
    let point = curve.point(cfg.fallback_duration_s)?;
    let value = cfg.fallback_factor * point.value;
    if !(lo <= value && value <= hi) {
        return None;
    }
    let parts = Parts {
        field,
        value,
        companions: Vec::new(),
        method,
        r2: None,
    };
    candidate(parts, std::slice::from_ref(point), curve, as_of)
}

/// The estimate itself, before its evidence is attached.
struct Parts {
    field: Field,
    value: f64,
    companions: Vec<(Field, f64)>,
    method: Method,
    r2: Option<f64>,
}

fn candidate(
    parts: Parts,
    points: &[WindowPoint],
    curve: &WindowCurve,
    as_of: LocalDate,
) -> Option<Candidate> {
    let effective_from = points.iter().map(|p| p.date).max()?;
    Some(Candidate {
        field: parts.field,
        value: parts.value,
        companions: parts.companions,
        method: parts.method,
        r2: parts.r2,
        points: points
            .iter()
            .map(|p| EvidencePoint {
                duration_s: Some(p.duration_s),
                value: p.value,
                activity_id: Some(p.activity_id),
                date: p.date,
            })
            .collect(),
        window_first: curve.first_day,
        window_last: curve.last_day,
        as_of,
        effective_from,
        calc_version: CALC_VERSION,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::best_efforts::CurveConfig;
    use crate::mmp::{MmpCurve, Piece, exact_curve};

    const TOL: f64 = 1e-9;

    fn day(s: &str) -> LocalDate {
        s.parse().unwrap()
    }

    /// An activity curve holding `cp + w′/t` W for every t (an ideal CP athlete): built from
    /// a window curve's points directly, as the estimator only reads envelopes.
    fn ideal_curve(cp: f64, w_prime: f64, longest: u32) -> MmpCurve {
        MmpCurve {
            points: (1..=longest)
                .map(|d| crate::mmp::MmpPoint {
                    duration_s: d,
                    value: cp + w_prime / f64::from(d),
                    piece: 0,
                    start: 0,
                    start_offset_s: 0,
                    window_s: d,
                })
                .collect(),
        }
    }

    #[test]
    fn a_clean_curve_gives_ftp_equal_to_cp_dated_by_its_newest_point() {
        let cfg = ThresholdConfig::default();
        let short_effort = ideal_curve(250.0, 20_000.0, 400);
        let long_effort = ideal_curve(250.0, 20_000.0, 1300);
        let curves = [
            DatedCurve {
                activity_id: 1,
                date: day("2024-05-01"),
                curve: &short_effort,
            },
            DatedCurve {
                activity_id: 2,
                date: day("2024-04-01"),
                curve: &long_effort,
            },
        ];
        let as_of = day("2024-05-10");
        let (short, long) = estimation_windows(&curves, as_of, &cfg);
        let c = estimate_power(&short, &long, as_of, &cfg).unwrap();
        assert_eq!(c.method, Method::CpFit);
        assert!((c.value - 250.0).abs() <= TOL * 250.0);
        assert_eq!(c.companions[1].0, Field::WPrime);
        assert_eq!(c.points.len(), 9);
        // Ties between the two activities go to the newer one (1, dated 2024-05-01).
        assert_eq!(c.effective_from, day("2024-05-01"));
        assert_eq!(c.window_first, day("2024-02-11"));
        assert_eq!(c.calc_version, CALC_VERSION);
    }

    #[test]
    fn without_short_efforts_ftp_is_95_percent_of_twenty_minutes() {
        let cfg = ThresholdConfig::default();
        let pieces = [Piece {
            start_offset_s: 0,
            values: vec![280.0; 1200],
        }];
        let steady = exact_curve(&pieces, &CurveConfig::default()).unwrap();
        let curves = [DatedCurve {
            activity_id: 7,
            date: day("2024-05-01"),
            curve: &steady,
        }];
        let as_of = day("2024-05-10");
        let (short, long) = estimation_windows(&curves, as_of, &cfg);
        let c = estimate_power(&short, &long, as_of, &cfg).unwrap();
        assert_eq!(c.method, Method::TwentyMinutePower);
        assert!((c.value - 266.0).abs() <= TOL * 266.0);
        assert_eq!(c.points[0].activity_id, Some(7));
    }

    #[test]
    fn old_efforts_are_used_through_the_365_day_curve() {
        let cfg = ThresholdConfig::default();
        let old = ideal_curve(4.0, 200.0, 1300);
        let curves = [DatedCurve {
            activity_id: 3,
            date: day("2023-09-01"),
            curve: &old,
        }];
        let as_of = day("2024-05-10");
        let (short, long) = estimation_windows(&curves, as_of, &cfg);
        assert!(short.points.is_empty());
        let c = estimate_threshold_speed(&short, &long, as_of, &cfg).unwrap();
        assert_eq!(c.method, Method::CsFit);
        assert!((c.value - 4.0).abs() <= TOL * 4.0);
        assert_eq!(c.effective_from, day("2023-09-01"));
        let too_old = day("2024-09-01");
        let (s2, l2) = estimation_windows(&curves, too_old, &cfg);
        assert!(estimate_threshold_speed(&s2, &l2, too_old, &cfg).is_none());
    }
}
