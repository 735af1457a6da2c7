use proptest::prelude::*;

use super::*;

/// Tolerance for the exact decimals of the §6 worked examples.
const EXAMPLE_TOL: f64 = 1e-12;

fn close(a: f64, e: f64, tol: f64) -> bool {
    (a - e).abs() <= tol * e.abs().max(1.0)
}

fn day0() -> LocalDate {
    LocalDate::from_ymd(2024, 6, 30).unwrap()
}

fn hrv(z: f64) -> Result<HrvStats, &'static str> {
    Ok(HrvStats {
        m7: 4.10 + 0.10 * z,
        n_acute: 7,
        mu: 4.10,
        sigma: 0.10,
        n_baseline: 60,
        z,
    })
}

fn rhr(delta: f64) -> Result<RhrStats, &'static str> {
    Ok(RhrStats {
        acute_mean_bpm: 50.0 + delta,
        n_acute: 7,
        baseline_mean_bpm: 50.0,
        n_baseline: 30,
        delta_bpm: delta,
    })
}

fn hours(h: f64) -> Option<f64> {
    Some(h * 3600.0)
}

fn multipliers(m: &Modifier) -> Vec<f64> {
    m.components.iter().map(Component::multiplier).collect()
}

#[test]
fn example_a_without_data_is_neutral_and_unknown() {
    let m = modifier_from_readings(&WellnessReadings::none(), &WellnessConfig::default());
    assert_eq!(m.value, 1.0);
    assert_eq!(m.raw_product, 1.0);
    assert!(!m.clamped);
    assert_eq!(m.status, WellnessStatus::Unknown);
    assert!(m.components.iter().all(|c| !c.has_data()));
}

#[test]
fn example_b_good_recovery_lowers_the_cost() {
    let r = WellnessReadings {
        hrv: hrv(0.8),
        rhr: rhr(-2.0),
        sleep_s: hours(8.0),
        sleep_score: Some(86.0),
        readiness: Some(80.0),
        soreness: Some(1.0),
        fatigue: Some(2.0),
        ..WellnessReadings::none()
    };
    let m = modifier_from_readings(&r, &WellnessConfig::default());
    assert_eq!(multipliers(&m), [0.97, 1.00, 1.00, 0.99, 0.98, 1.00]);
    assert!(close(m.raw_product, 0.941094, EXAMPLE_TOL));
    assert!(close(m.value, 0.941094, EXAMPLE_TOL));
    assert_eq!(m.status, WellnessStatus::Green);
}

#[test]
fn example_c_short_sleep_and_fair_quality_is_amber() {
    let r = WellnessReadings {
        hrv: hrv(-0.2),
        rhr: rhr(1.0),
        sleep_s: hours(6.5),
        sleep_quality: Some(3.0),
        fatigue: Some(2.0),
        ..WellnessReadings::none()
    };
    let m = modifier_from_readings(&r, &WellnessConfig::default());
    assert_eq!(multipliers(&m), [1.00, 1.00, 1.02, 1.01, 1.00, 1.00]);
    assert!(close(m.raw_product, 1.0302, EXAMPLE_TOL));
    assert!(close(m.value, 1.0302, EXAMPLE_TOL));
    assert_eq!(m.status, WellnessStatus::Amber);
}

#[test]
fn example_d_poor_recovery_is_clamped_and_red() {
    let r = WellnessReadings {
        hrv: hrv(-0.7),
        rhr: rhr(4.0),
        sleep_s: hours(5.5),
        sleep_score: Some(55.0),
        readiness: Some(40.0),
        soreness: Some(3.0),
        fatigue: Some(2.0),
        short_sleep_nights: 1,
        ..WellnessReadings::none()
    };
    let m = modifier_from_readings(&r, &WellnessConfig::default());
    assert_eq!(multipliers(&m), [1.025, 1.015, 1.04, 1.01, 1.015, 1.015]);
    assert!(close(m.raw_product, 1.1258400792275, EXAMPLE_TOL));
    assert_eq!(m.value, 1.10);
    assert!(m.clamped);
    assert_eq!(m.status, WellnessStatus::Red);
}

#[test]
fn example_e_too_few_hrv_values_is_neutral() {
    let r = WellnessReadings {
        hrv: Err("too few values in the acute window"),
        rhr: rhr(7.0),
        sleep_s: hours(9.5),
        soreness: Some(4.0),
        ..WellnessReadings::none()
    };
    let m = modifier_from_readings(&r, &WellnessConfig::default());
    assert_eq!(multipliers(&m), [1.00, 1.03, 1.00, 1.00, 1.00, 1.03]);
    assert!(close(m.raw_product, 1.0609, EXAMPLE_TOL));
    assert!(close(m.value, 1.0609, EXAMPLE_TOL));
    assert_eq!(m.status, WellnessStatus::Amber);
}

/// 54 baseline days alternating ln rMSSD 4.0 / 4.2 and resting HR 50 bpm, then the last seven
/// days (D−6 … D) at `ln_hrv_recent` and `rhr_recent` (HRV only on the last `n_hrv` of them).
fn history(ln_hrv_recent: f64, n_hrv: i32, rhr_recent: f64) -> Vec<WellnessRecord> {
    let d = day0();
    (-60..=0)
        .map(|k| {
            let mut r = WellnessRecord::empty(d.add_days(k));
            let recent = k > -7;
            let ln = if recent {
                ln_hrv_recent
            } else if k % 2 == 0 {
                4.0
            } else {
                4.2
            };
            if !recent || k > -n_hrv {
                r.hrv_rmssd_ms = Some(libm::exp(ln));
            }
            r.resting_hr_bpm = Some(if recent { rhr_recent } else { 50.0 });
            r
        })
        .collect()
}

fn set_today(records: &mut [WellnessRecord], f: impl Fn(&mut WellnessRecord)) {
    let last = records.len() - 1;
    f(&mut records[last]);
}

#[test]
fn example_d_from_records_gives_the_same_bands() {
    let mut records = history(4.03, 7, 54.0);
    set_today(&mut records, |r| {
        r.sleep_s = hours(5.5);
        r.sleep_score = Some(55.0);
        r.readiness = Some(40.0);
        r.soreness = Some(3.0);
        r.fatigue = Some(2.0);
    });
    let m = modifier(&records, day0(), &WellnessConfig::default());
    assert_eq!(multipliers(&m), [1.025, 1.015, 1.04, 1.01, 1.015, 1.015]);
    assert_eq!(m.value, 1.10);
    assert_eq!(m.status, WellnessStatus::Red);
}

#[test]
fn example_b_and_e_from_records_give_the_same_bands() {
    let mut b = history(4.18, 7, 49.0);
    set_today(&mut b, |r| {
        r.sleep_s = hours(8.0);
        r.sleep_score = Some(86.0);
        r.readiness = Some(80.0);
        r.soreness = Some(1.0);
        r.fatigue = Some(2.0);
    });
    let m = modifier(&b, day0(), &WellnessConfig::default());
    assert!(close(m.value, 0.941094, EXAMPLE_TOL));
    let mut e = history(4.18, 2, 58.0);
    set_today(&mut e, |r| {
        r.sleep_s = hours(9.5);
        r.soreness = Some(4.0);
    });
    let m = modifier(&e, day0(), &WellnessConfig::default());
    assert!(close(m.value, 1.0609, EXAMPLE_TOL));
    assert!(!m.components[0].has_data());
}

#[test]
fn values_outside_their_ranges_count_as_missing() {
    let mut r = WellnessRecord::empty(day0());
    r.sleep_s = Some(-5.0);
    r.sleep_score = Some(101.0);
    r.sleep_quality = Some(2.5);
    r.readiness = Some(f64::NAN);
    r.soreness = Some(0.0);
    r.fatigue = Some(5.0);
    r.hrv_rmssd_ms = Some(301.0);
    r.resting_hr_bpm = Some(24.0);
    let m = modifier(&[r], day0(), &WellnessConfig::default());
    assert_eq!(m.value, 1.0);
    assert_eq!(m.status, WellnessStatus::Unknown);
}

#[test]
fn an_invalid_sleep_score_falls_back_to_sleep_quality() {
    let mut r = WellnessRecord::empty(day0());
    r.sleep_score = Some(-1.0);
    r.sleep_quality = Some(4.0);
    let m = modifier(&[r], day0(), &WellnessConfig::default());
    assert_eq!(multipliers(&m)[3], 1.02);
}

#[test]
fn two_short_nights_in_three_days_are_red() {
    let d = day0();
    let night = |k: i32, h: f64| WellnessRecord {
        sleep_s: hours(h),
        ..WellnessRecord::empty(d.add_days(k))
    };
    let records = [night(-2, 5.0), night(-1, 8.0), night(0, 5.9)];
    let m = modifier(&records, d, &WellnessConfig::default());
    assert!(close(m.value, 1.04, EXAMPLE_TOL));
    assert_eq!(m.status, WellnessStatus::Red);
    let records = [night(-3, 5.0), night(-1, 8.0), night(0, 5.9)];
    assert_eq!(
        modifier(&records, d, &WellnessConfig::default()).status,
        WellnessStatus::Amber
    );
}

#[test]
fn low_hrv_with_rising_resting_hr_is_red_below_the_product_threshold() {
    let r = WellnessReadings {
        hrv: hrv(-1.2),
        rhr: rhr(3.0),
        ..WellnessReadings::none()
    };
    let m = modifier_from_readings(&r, &WellnessConfig::default());
    assert!(m.raw_product < 1.08);
    assert_eq!(m.status, WellnessStatus::Red);
}

#[test]
fn band_edges_follow_the_table() {
    let cfg = WellnessConfig::default();
    let hrv_m = |z| {
        modifier_from_readings(
            &WellnessReadings {
                hrv: hrv(z),
                ..WellnessReadings::none()
            },
            &cfg,
        )
        .value
    };
    assert_eq!(
        [hrv_m(0.5), hrv_m(-0.5), hrv_m(-1.0), hrv_m(-1.01)],
        [1.0, 1.0, 1.025, 1.05]
    );
    let sleep_m = |h| {
        multipliers(&modifier_from_readings(
            &WellnessReadings {
                sleep_s: hours(h),
                ..WellnessReadings::none()
            },
            &cfg,
        ))[2]
    };
    assert_eq!([sleep_m(6.0), sleep_m(7.0), sleep_m(9.0)], [1.02, 1.0, 1.0]);
}

#[test]
fn a_configured_table_can_hit_the_lower_clamp() {
    let cfg = WellnessConfig {
        readiness_multipliers: [0.5, 1.0, 1.0, 1.0],
        ..WellnessConfig::default()
    };
    let r = WellnessReadings {
        readiness: Some(90.0),
        ..WellnessReadings::none()
    };
    let m = modifier_from_readings(&r, &cfg);
    assert_eq!(m.value, 0.80);
    assert!(m.clamped);
}

#[test]
fn the_reevaluation_window_spans_the_longest_baseline() {
    let w = day0();
    let range = reevaluation_window(w, &WellnessConfig::default());
    assert_eq!(*range.start(), w);
    assert_eq!(*range.end(), w.add_days(60));
}

#[test]
fn duplicate_dates_are_resolved_independently_of_order() {
    let a = WellnessRecord {
        readiness: Some(30.0),
        ..WellnessRecord::empty(day0())
    };
    let b = WellnessRecord {
        readiness: Some(80.0),
        ..WellnessRecord::empty(day0())
    };
    let cfg = WellnessConfig::default();
    let ab = modifier(&[a.clone(), b.clone()], day0(), &cfg);
    assert_eq!(ab, modifier(&[b, a], day0(), &cfg));
}

fn any_opt() -> impl Strategy<Value = Option<f64>> {
    prop::option::of(prop::num::f64::ANY)
}

prop_compose! {
    fn any_readings()(z in any_opt(), d in any_opt(), s in any_opt(), sc in any_opt(),
                      q in any_opt(), r in any_opt(), so in any_opt(), f in any_opt(),
                      n in 0usize..4) -> WellnessReadings {
        WellnessReadings {
            hrv: z.map_or(Err("none"), hrv),
            rhr: d.map_or(Err("none"), rhr),
            sleep_s: s, sleep_score: sc, sleep_quality: q, readiness: r,
            soreness: so.or(Some(3.0)), fatigue: f, short_sleep_nights: n,
        }
    }
}

prop_compose! {
    fn any_tables()(h in prop::array::uniform4(prop::num::f64::ANY),
                    r in prop::array::uniform3(0.0..5.0f64),
                    s in prop::array::uniform4(0.0..5.0f64),
                    q in prop::array::uniform4(0.0..5.0f64),
                    x in prop::array::uniform4(0.0..5.0f64),
                    edges in prop::array::uniform3(-10.0..110.0f64)) -> WellnessConfig {
        WellnessConfig {
            hrv_multipliers: h, rhr_multipliers: r, sleep_multipliers: s,
            sleep_score_multipliers: q, sleep_quality_multipliers: q,
            readiness_multipliers: x, subjective_multipliers: s, readiness_edges: edges,
            ..WellnessConfig::default()
        }
    }
}

// One day's record with optional valid readings.
prop_compose! {
    fn day_record(k: i32)(hrv in prop::option::of(10.0..200.0f64),
                          rhr in prop::option::of(35.0..90.0f64),
                          sleep in prop::option::of(3.0..11.0f64),
                          score in prop::option::of(0.0..100.0f64),
                          quality in prop::option::of(1u8..=4),
                          ready in prop::option::of(0.0..100.0f64),
                          sore in prop::option::of(1u8..=4),
                          fat in prop::option::of(1u8..=4)) -> WellnessRecord {
        WellnessRecord {
            date: day0().add_days(k),
            hrv_rmssd_ms: hrv, resting_hr_bpm: rhr, sleep_s: sleep.map(|h| h * 3600.0),
            sleep_score: score, sleep_quality: quality.map(f64::from), readiness: ready,
            soreness: sore.map(f64::from), fatigue: fat.map(f64::from),
        }
    }
}

fn any_history() -> impl Strategy<Value = Vec<WellnessRecord>> {
    (-60..=0).map(day_record).collect::<Vec<_>>()
}

/// Makes day D's reading of component `c` worse by fraction `f` in (0, 1].
fn worsen(r: &mut WellnessRecord, c: usize, f: f64) {
    let up4 = |v: Option<f64>| v.map(|x| (x + (f * (4.0 - x)).ceil()).min(4.0));
    match c {
        0 => r.hrv_rmssd_ms = r.hrv_rmssd_ms.map(|v| v * (1.0 - 0.9 * f)),
        1 => r.resting_hr_bpm = r.resting_hr_bpm.map(|v| v + f * (120.0 - v)),
        2 => r.sleep_s = r.sleep_s.map(|v| v * (1.0 - 0.9 * f)),
        3 => {
            r.sleep_score = r.sleep_score.map(|v| v * (1.0 - f));
            r.sleep_quality = up4(r.sleep_quality);
        }
        4 => r.readiness = r.readiness.map(|v| v * (1.0 - f)),
        _ => {
            r.soreness = up4(r.soreness);
            r.fatigue = up4(r.fatigue);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn modifier_stays_in_its_clamp_for_any_readings_and_tables(
        r in any_readings(), cfg in any_tables()
    ) {
        let m = modifier_from_readings(&r, &cfg);
        prop_assert!((0.80..=1.10).contains(&m.value), "{}", m.value);
    }

    #[test]
    fn worsening_one_reading_of_day_d_never_lowers_the_modifier(
        records in any_history(), c in 0usize..6, f in 0.01..1.0f64
    ) {
        let cfg = WellnessConfig::default();
        let before = modifier(&records, day0(), &cfg);
        let mut worse = records.clone();
        set_today(&mut worse, |r| worsen(r, c, f));
        let after = modifier(&worse, day0(), &cfg);
        prop_assert!(after.value >= before.value, "{} < {}", after.value, before.value);
        prop_assert!(after.raw_product >= before.raw_product);
    }

    #[test]
    fn shuffled_records_give_bit_identical_modifiers(records in any_history(), seed in 0usize..61) {
        let cfg = WellnessConfig::default();
        let mut shuffled = records.clone();
        shuffled.reverse();
        shuffled.rotate_left(seed);
        let a = modifier(&records, day0(), &cfg);
        let b = modifier(&shuffled, day0(), &cfg);
        prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}
