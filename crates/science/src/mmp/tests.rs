use super::search::Best;
use super::search::tests::brute_force;
use super::*;
use crate::LocalDate;

pub(super) const TOL: f64 = 1e-12;

pub(super) fn close(a: f64, e: f64, tol: f64) -> bool {
    (a - e).abs() <= tol * e.abs().max(1.0)
}

pub(super) fn piece(values: &[f64]) -> Piece {
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
pub(super) fn small_grid_cfg() -> CurveConfig {
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

pub(super) fn assert_fast_equals_brute(pieces: &[Piece], cfg: &CurveConfig) {
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
fn the_exact_curve_is_not_monotone_but_the_envelope_is() {
    let cfg = CurveConfig::default();
    let pieces = [piece(&[10.0, 0.0, 10.0])];
    let raw = raw_curve(&pieces, &cfg).unwrap();
    assert!(close(raw[1].value, 5.0, TOL));
    assert!(close(raw[2].value, 20.0 / 3.0, TOL));
    let exact = exact_curve(&pieces, &cfg).unwrap();
    assert!(
        close(exact.at(2).unwrap(), 5.0, TOL),
        "exactly 2 s, not held for 3 s"
    );
    assert_eq!(exact.point(2).unwrap().window_s, 2);
    let env = envelope(&raw);
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
fn pathological_rides_match_the_plain_scan() {
    // Shapes that defeat block bounds: periodic, constant, steady ±3 W, zero stretches, one
    // spike, and a noisy ride with repeated efforts (near-ties one period apart). Long enough
    // for leaves to grow and the memo and the cap to switch on and off.
    let n = 2600;
    let mut state = 99_u64;
    let mut next = move |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        ((state >> 33) % m) as f64
    };
    let rides: Vec<Vec<f64>> = vec![
        (0..n).map(|t| 180.0 + (t % 40) as f64).collect(),
        (0..n).map(|t| 100.0 + (t % 7 * 13 % 11) as f64).collect(),
        vec![200.0; n],
        (0..n).map(|_| 197.0 + next(7)).collect(),
        (0..n)
            .map(|t| {
                if t / 300 % 2 == 1 {
                    0.0
                } else {
                    150.0 + (t % 3) as f64
                }
            })
            .collect(),
        (0..n)
            .map(|t| if t == 1300 { 2000.0 } else { 150.0 })
            .collect(),
        (0..n)
            .map(|t| if t == 1300 { 2000.0 } else { 0.0 })
            .collect(),
        (0..n)
            .map(|t| {
                let effort = if t % 600 < 120 { 320.0 } else { 190.0 };
                if t % 97 < 4 {
                    0.0
                } else {
                    effort - 30.0 + next(61)
                }
            })
            .collect(),
    ];
    for ride in &rides {
        assert_fast_equals_brute(&[piece(ride)], &small_grid_cfg());
        assert_fast_equals_brute(&[piece(&ride[..700]), piece(ride)], &small_grid_cfg());
    }
}

#[test]
fn a_periodic_ride_ties_everywhere_and_keeps_the_first_window() {
    let values: Vec<f64> = (0..400).map(|t| 180.0 + (t % 40) as f64).collect();
    let raw = raw_curve(&[piece(&values)], &small_grid_cfg()).unwrap();
    for p in &raw {
        let d = p.duration_s as usize;
        if d.is_multiple_of(40) {
            assert_eq!(p.start, 0, "every window of {d} s ties; the first wins");
        }
        assert!(
            p.start < 40,
            "the best phase first occurs in the first period ({d} s)"
        );
    }
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

/// A ride shaped like a real one: a noisy 200 W warm-up, a coffee stop (zero-filled), two
/// 40-s surges over 900 W between 150 W recoveries, then a steady 240 W block.
fn real_shaped_ride() -> Vec<f64> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        f64::from(u32::try_from(seed % 61).unwrap()) - 30.0
    };
    let mut w = Vec::new();
    w.extend((0..1800).map(|_| 200.0 + noise()));
    w.extend(std::iter::repeat_n(0.0, 300));
    for _ in 0..2 {
        w.extend((0..40).map(|_| 900.0 + noise()));
        w.extend((0..200).map(|_| 150.0 + noise()));
    }
    w.extend((0..1500).map(|_| 240.0 + noise()));
    w
}

#[test]
fn a_real_shaped_ride_matches_brute_force_and_the_envelope_overstates_it() {
    let cfg = CurveConfig::default();
    let pieces = [piece(&real_shaped_ride())];
    assert_fast_equals_brute(&pieces, &cfg);
    let raw = raw_curve(&pieces, &cfg).unwrap();
    let exact = exact_curve(&pieces, &cfg).unwrap();
    let env = envelope(&raw);
    // Brute force at 20 min, straight from the definition.
    let v = &pieces[0].values;
    let brute_1200 = (0..=v.len() - 1200)
        .map(|i| v[i..i + 1200].iter().sum::<f64>() / 1200.0)
        .fold(0.0, f64::max);
    assert!(close(exact.at(1200).unwrap(), brute_1200, 1e-9));
    assert!(env.at(1200).unwrap() >= exact.at(1200).unwrap());
    // Somewhere the exact curve rises with duration, and there the envelope is higher.
    assert!(
        exact.points.windows(2).any(|w| w[1].value > w[0].value),
        "a stop then surges make the exact curve non-monotone"
    );
    assert!(
        exact
            .points
            .iter()
            .zip(&env.points)
            .any(|(e, m)| m.value > e.value && m.window_s > e.duration_s)
    );
    assert!(exact.points.iter().all(|p| p.window_s == p.duration_s));
}

#[test]
fn known_values_follow_the_goldencheetah_and_sweatpy_convention() {
    // Each duration's best mean over exactly that many samples, windows over the whole series.
    let cfg = CurveConfig::default();
    let c = exact_curve(&[piece(&[100.0, 200.0, 300.0, 400.0, 500.0])], &cfg).unwrap();
    let values: Vec<f64> = c.points.iter().map(|p| p.value).collect();
    assert_eq!(values, [500.0, 450.0, 400.0, 350.0, 300.0]);
    // A hole between two efforts: 2 s is 5 W (10 + 0), not the 3-s mean 6.67 W.
    let c = exact_curve(&[piece(&[10.0, 0.0, 10.0])], &cfg).unwrap();
    assert!(close(c.at(2).unwrap(), 5.0, TOL));
    assert!(close(c.at(3).unwrap(), 20.0 / 3.0, TOL));
}
