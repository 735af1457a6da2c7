use super::search::Best;
use super::search::tests::brute_force;
use super::*;
use crate::LocalDate;
use proptest::prelude::*;

const TOL: f64 = 1e-12;

fn close(a: f64, e: f64, tol: f64) -> bool {
    (a - e).abs() <= tol * e.abs().max(1.0)
}

fn piece(values: &[f64]) -> Piece {
    Piece {
        start_offset_s: 0,
        values: values.to_vec(),
    }
}

/// A hand-built grid: 1 Hz power in segments separated by the given pauses.
fn power_grid(segments: &[Vec<Option<f64>>], pauses_s: &[u32]) -> Grid {
    let mut grid = Grid::default();
    let mut t = 0_u32;
    for (k, seg) in segments.iter().enumerate() {
        let from = grid.watts.len();
        for w in seg {
            grid.offset_s.push(t);
            grid.watts.push(*w);
            t += 1;
        }
        grid.segments.push(from..grid.watts.len());
        if let Some(&p) = pauses_s.get(k) {
            t += p;
        }
    }
    grid.pauses_s = pauses_s.to_vec();
    grid
}

/// A small grid configuration so short random series exercise every part of G.
fn small_grid_cfg() -> CurveConfig {
    CurveConfig {
        fine_until_s: 40,
        medium_step_s: 7,
        medium_until_s: 96,
        coarse_step_s: 25,
        ..CurveConfig::default()
    }
}

/// The raw curve by the plain scan, for comparison with [`raw_curve`].
fn brute_raw(pieces: &[Piece], cfg: &CurveConfig) -> Vec<(u32, Best)> {
    let slices: Vec<&[f64]> = pieces.iter().map(|p| p.values.as_slice()).collect();
    let longest = slices.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut durations: Vec<usize> = duration_grid(longest, cfg)
        .into_iter()
        .map(|d| d as usize)
        .collect();
    durations.extend(slices.iter().map(|s| s.len()).filter(|&l| l > 0));
    durations.sort_unstable();
    durations.dedup();
    let found = brute_force(&slices, &durations);
    durations
        .iter()
        .zip(found)
        .filter_map(|(&d, b)| b.map(|b| (d as u32, b)))
        .collect()
}

fn assert_fast_equals_brute(pieces: &[Piece], cfg: &CurveConfig) {
    let fast = raw_curve(pieces, cfg).unwrap();
    let brute = brute_raw(pieces, cfg);
    assert_eq!(fast.len(), brute.len());
    for (p, (d, b)) in fast.iter().zip(&brute) {
        assert_eq!(p.duration_s, *d);
        assert_eq!((p.piece, p.start), (b.piece, b.start), "window at {d} s");
        assert_eq!(p.value.to_bits(), (b.sum / f64::from(*d)).to_bits());
    }
}

#[test]
fn the_default_grid_has_every_second_then_minutes_then_five_minutes() {
    let cfg = CurveConfig::default();
    let g = duration_grid(10_000, &cfg);
    assert_eq!(g.len(), 3600 + 60 + 9);
    assert_eq!(&g[..3], &[1, 2, 3]);
    assert_eq!(&g[3599..3602], &[3600, 3660, 3720]);
    assert_eq!(&g[3659..3662], &[7200, 7500, 7800]);
    assert_eq!(g.last(), Some(&9900));
    assert!(duration_grid(0, &cfg).is_empty());
    assert_eq!(duration_grid(5, &cfg), vec![1, 2, 3, 4, 5]);
}

#[test]
fn the_raw_maximum_is_not_monotone_but_the_envelope_is() {
    let cfg = CurveConfig::default();
    let pieces = [piece(&[10.0, 0.0, 10.0])];
    let raw = raw_curve(&pieces, &cfg).unwrap();
    assert!(close(raw[1].value, 5.0, TOL));
    assert!(close(raw[2].value, 20.0 / 3.0, TOL));
    let env = exact_curve(&pieces, &cfg).unwrap();
    let two = env.point(2).unwrap();
    assert!(close(two.value, 20.0 / 3.0, TOL));
    assert_eq!((two.window_s, two.start), (3, 0));
    assert_eq!(env.point(1).unwrap().window_s, 1);
}

#[test]
fn short_pauses_are_zero_filled_and_long_pauses_split() {
    let cfg = CurveConfig::default();
    let seg = vec![Some(200.0); 10];
    let grid = power_grid(&[seg.clone(), seg.clone(), seg], &[600, 601]);
    let pieces = power_pieces(&grid, &cfg);
    assert_eq!(pieces.len(), 2);
    assert_eq!(pieces[0].values.len(), 620);
    assert_eq!(pieces[0].values[15], 0.0);
    assert_eq!(pieces[1].values.len(), 10);
    assert_eq!(pieces[1].start_offset_s, 10 + 600 + 10 + 601);
    let curve = exact_curve(&pieces, &cfg).unwrap();
    assert!(close(curve.at(620).unwrap(), 200.0 * 20.0 / 620.0, TOL));
    assert_eq!(curve.longest_s(), Some(620));
}

#[test]
fn missing_power_counts_as_zero() {
    let cfg = CurveConfig::default();
    let grid = power_grid(&[vec![Some(100.0), None, Some(100.0), Some(f64::NAN)]], &[]);
    let curve = activity_power_curve(&grid, &cfg).unwrap();
    assert!(close(curve.at(4).unwrap(), 50.0, TOL));
    assert!(close(curve.at(1).unwrap(), 100.0, TOL));
}

#[test]
fn the_start_offset_counts_pauses_before_the_window() {
    let cfg = CurveConfig::default();
    let grid = power_grid(
        &[vec![Some(100.0); 5], vec![Some(100.0), Some(400.0)]],
        &[700],
    );
    let curve = activity_power_curve(&grid, &cfg).unwrap();
    let one = curve.point(1).unwrap();
    assert_eq!(
        (one.piece, one.start, one.start_offset_s),
        (1, 1, 5 + 700 + 1)
    );
}

#[test]
fn a_grid_without_power_has_no_curve() {
    let cfg = CurveConfig::default();
    let mut grid = power_grid(&[vec![Some(1.0); 3]], &[]);
    grid.watts.clear();
    assert!(activity_power_curve(&grid, &cfg).is_none());
    assert!(activity_power_curve(&Grid::default(), &cfg).is_none());
}

#[test]
fn bad_values_are_errors_and_empty_input_is_an_empty_curve() {
    let cfg = CurveConfig::default();
    assert!(exact_curve(&[piece(&[1.0, f64::NAN])], &cfg).is_err());
    assert!(exact_curve(&[piece(&[1.0, -1.0])], &cfg).is_err());
    assert!(exact_curve(&[piece(&[f64::MAX, f64::MAX])], &cfg).is_err());
    assert!(exact_curve(&[], &cfg).unwrap().points.is_empty());
    assert!(exact_curve(&[piece(&[])], &cfg).unwrap().points.is_empty());
}

#[test]
fn an_all_zero_series_has_a_zero_curve() {
    let cfg = CurveConfig::default();
    let curve = exact_curve(&[piece(&[0.0; 50])], &cfg).unwrap();
    assert!(curve.points.iter().all(|p| p.value == 0.0 && p.start == 0));
}

#[test]
fn a_long_ride_matches_the_plain_scan_on_the_full_grid() {
    // 2 h 15 min of pseudo-random integer watts in three pieces: every part of G is used.
    let mut state = 12_345_u64;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        ((state >> 33) % 400) as f64
    };
    let pieces: Vec<Piece> = [8100_usize, 3700, 30]
        .iter()
        .map(|&n| piece(&(0..n).map(|_| next()).collect::<Vec<_>>()))
        .collect();
    assert_fast_equals_brute(&pieces, &CurveConfig::default());
}

#[test]
fn window_ties_go_to_the_newer_date_then_the_larger_id() {
    let cfg = CurveConfig::default();
    let a = exact_curve(&[piece(&[300.0; 10])], &cfg).unwrap();
    let b = a.clone();
    let d1 = LocalDate::from_ymd(2024, 5, 1).unwrap();
    let d2 = d1.add_days(1);
    let curves = [
        DatedCurve {
            activity_id: 9,
            date: d1,
            curve: &a,
        },
        DatedCurve {
            activity_id: 1,
            date: d2,
            curve: &b,
        },
        DatedCurve {
            activity_id: 2,
            date: d2,
            curve: &b,
        },
    ];
    let w = merge_window(&curves, d1, d2);
    assert!(w.points.iter().all(|p| p.activity_id == 2));
    let only_first = merge_window(&curves, d1, d1);
    assert!(only_first.points.iter().all(|p| p.activity_id == 9));
    assert!(
        merge_window(&curves, d2.add_days(1), d2.add_days(9))
            .points
            .is_empty()
    );
}

#[test]
fn a_window_holds_every_durations_of_its_activities() {
    let cfg = CurveConfig::default();
    let a = exact_curve(&[piece(&[100.0; 7])], &cfg).unwrap();
    let b = exact_curve(&[piece(&[50.0; 4]), piece(&[500.0; 3])], &cfg).unwrap();
    let day = LocalDate::from_ymd(2024, 1, 1).unwrap();
    let curves = [
        DatedCurve {
            activity_id: 1,
            date: day,
            curve: &a,
        },
        DatedCurve {
            activity_id: 2,
            date: day,
            curve: &b,
        },
    ];
    let w = merge_window(&curves, day, day);
    let durations: Vec<u32> = w.points.iter().map(|p| p.duration_s).collect();
    assert_eq!(durations, vec![1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(w.point(3).unwrap().activity_id, 2);
    assert_eq!(w.point(5).unwrap().activity_id, 1);
}

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
    fn the_fast_path_equals_the_plain_scan_on_fractional_values(
        p in prop::collection::vec(0.0_f64..500.0, 1..300)
    ) {
        assert_fast_equals_brute(&[piece(&p)], &small_grid_cfg());
    }

    #[test]
    fn the_envelope_is_non_increasing_and_starts_at_the_max_sample(pieces in series()) {
        let curve = exact_curve(&pieces, &small_grid_cfg()).unwrap();
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
                prop_assert!(w.at(p.duration_s).unwrap() >= p.value);
            }
        }
        for pair in w.points.windows(2) {
            prop_assert!(pair[0].value >= pair[1].value);
        }
        let mut reversed = dated.clone();
        reversed.reverse();
        prop_assert_eq!(merge_window(&reversed, day, day.add_days(10)), w);
    }
}
