//! Property tests of the exact search against the plain scan, and of envelopes and window
//! curves (docs/science.md §13.3).

use super::tests::{TOL, assert_fast_equals_brute, close, piece, small_grid_cfg};
use super::*;
use crate::LocalDate;
use proptest::prelude::*;

fn series() -> impl Strategy<Value = Vec<Piece>> {
    prop::collection::vec(prop::collection::vec(0_u16..1500, 1..160), 1..4).prop_map(|ps| {
        ps.into_iter()
            .map(|p| Piece {
                start_offset_s: 0,
                values: p.into_iter().map(f64::from).collect(),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_fast_path_equals_the_plain_scan_on_integer_watts(pieces in series()) {
        assert_fast_equals_brute(&pieces, &small_grid_cfg());
        assert_fast_equals_brute(&pieces, &CurveConfig::default());
    }

    #[test]
    fn the_fast_path_equals_the_plain_scan_on_steady_efforts_with_many_ties(
        p in prop::collection::vec(200_u16..204, 1..400),
        zeros in prop::collection::vec(0_usize..400, 0..4),
    ) {
        let mut values: Vec<f64> = p.into_iter().map(f64::from).collect();
        for z in zeros {
            if let Some(v) = values.get_mut(z) {
                *v = 0.0;
            }
        }
        assert_fast_equals_brute(&[piece(&values)], &small_grid_cfg());
    }

    #[test]
    fn the_fast_path_equals_the_plain_scan_on_periodic_series(
        period in prop::collection::vec(0_u16..400, 1..60),
        len in 1_usize..900,
        noise in prop::collection::vec((0_usize..900, 0_u16..3), 0..6),
        pieces in 1_usize..3,
    ) {
        let mut values: Vec<f64> = (0..len).map(|t| f64::from(period[t % period.len()])).collect();
        for (at, bump) in noise {
            if let Some(v) = values.get_mut(at) {
                *v += f64::from(bump);
            }
        }
        let cut = len / pieces;
        let split: Vec<Piece> = if pieces == 2 && cut > 0 {
            vec![piece(&values[..cut]), piece(&values[cut..])]
        } else {
            vec![piece(&values)]
        };
        assert_fast_equals_brute(&split, &small_grid_cfg());
    }

    #[test]
    fn the_fast_path_equals_the_plain_scan_on_flat_series_with_rare_changes(
        level in 0_u16..3,
        len in 1_usize..900,
        changes in prop::collection::vec((0_usize..900, 0_u16..5, 1_usize..200), 0..5),
    ) {
        let mut values = vec![f64::from(level); len];
        for (at, v, run) in changes {
            for x in values.iter_mut().skip(at).take(run) {
                *x = f64::from(v);
            }
        }
        assert_fast_equals_brute(&[piece(&values)], &small_grid_cfg());
    }

    #[test]
    fn the_fast_path_equals_the_plain_scan_on_fractional_values(
        p in prop::collection::vec(0.0_f64..500.0, 1..300)
    ) {
        assert_fast_equals_brute(&[piece(&p)], &small_grid_cfg());
    }

    #[test]
    fn the_envelope_is_non_increasing_and_starts_at_the_max_sample(pieces in series()) {
        let curve = envelope(&raw_curve(&pieces, &small_grid_cfg()).unwrap());
        for w in curve.points.windows(2) {
            prop_assert!(w[0].value >= w[1].value);
            prop_assert!(w[0].duration_s < w[1].duration_s);
        }
        let max = pieces.iter().flat_map(|p| p.values.iter().copied()).fold(0.0, f64::max);
        prop_assert_eq!(curve.at(1).unwrap(), max);
    }

    #[test]
    fn the_full_length_mmp_is_the_mean_of_the_piece(p in prop::collection::vec(0_u16..1500, 1..400)) {
        let values: Vec<f64> = p.into_iter().map(f64::from).collect();
        let n = values.len();
        let cfg = small_grid_cfg();
        let raw = raw_curve(&[piece(&values)], &cfg).unwrap();
        let last = raw.last().unwrap();
        let mean = values.iter().sum::<f64>() / n as f64;
        prop_assert_eq!(last.duration_s as usize, n);
        prop_assert!(close(last.value, mean, TOL));
        let env = envelope(&raw);
        prop_assert!(close(env.at(n as u32).unwrap(), mean, TOL));
    }

    #[test]
    fn the_window_curve_is_at_least_each_activity_curve(
        acts in prop::collection::vec(series(), 1..5)
    ) {
        let cfg = small_grid_cfg();
        let curves: Vec<MmpCurve> = acts.iter().map(|a| exact_curve(a, &cfg).unwrap()).collect();
        let day = LocalDate::from_ymd(2024, 3, 1).unwrap();
        let dated: Vec<DatedCurve<'_>> = curves
            .iter()
            .enumerate()
            .map(|(k, c)| DatedCurve { activity_id: k as i64, date: day.add_days(k as i32), curve: c })
            .collect();
        let w = merge_window(&dated, day, day.add_days(10));
        for c in &curves {
            for p in &c.points {
                if let Some(v) = w.at(p.duration_s) {
                    prop_assert!(v >= p.value);
                }
            }
        }
        // Every window value is the exact best of the activities at that very duration, and no
        // activity reaching the duration lacks it.
        for wp in &w.points {
            let mut best: Option<f64> = None;
            for c in &curves {
                if c.longest_s().is_some_and(|l| l >= wp.duration_s) {
                    let v = c.at(wp.duration_s);
                    prop_assert!(v.is_some());
                    let v = v.unwrap_or(0.0);
                    best = Some(best.map_or(v, |b: f64| b.max(v)));
                }
            }
            prop_assert_eq!(best, Some(wp.value));
        }
        let mut reversed = dated.clone();
        reversed.reverse();
        prop_assert_eq!(merge_window(&reversed, day, day.add_days(10)), w);
    }
}

proptest! {
    // Long pieces on the full default grid: enough memo checks per value that the search
    // switches to short-range maxima part way ([`super::bounds::Near`]).
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn the_fast_path_equals_the_plain_scan_on_long_rides_with_repeated_efforts(
        len in 1200_usize..2400,
        period in 60_usize..400,
        effort in 10_usize..120,
        noise in prop::collection::vec(0_u16..60, 64),
        pause in prop::option::of((0_usize..2400, 1_usize..300)),
    ) {
        let mut values: Vec<f64> = (0..len)
            .map(|t| {
                let base = if t % period < effort { 320 } else { 190 };
                f64::from(base + noise[(t * 7 + t / 13) % noise.len()])
            })
            .collect();
        if let Some((at, run)) = pause {
            for v in values.iter_mut().skip(at).take(run) {
                *v = 0.0;
            }
        }
        let cut = len / 3;
        assert_fast_equals_brute(&[piece(&values)], &CurveConfig::default());
        assert_fast_equals_brute(
            &[piece(&values[..cut]), piece(&values[cut..])],
            &CurveConfig::default(),
        );
    }
}
