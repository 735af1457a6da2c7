use proptest::prelude::*;

use super::*;
use crate::load::DatedLoad;

/// Tolerance for hand-computed expectations.
const VECTOR_TOL: f64 = 1e-9;

fn close(a: f64, e: f64, tol: f64) -> bool {
    (a - e).abs() <= tol * e.abs().max(1.0)
}

fn day(k: i32) -> LocalDate {
    LocalDate::from_ymd(2024, 3, 1).unwrap().add_days(k)
}

fn load(k: i32, group: SportGroup, utl: f64) -> DatedLoad {
    DatedLoad {
        date: day(k),
        group,
        utl,
    }
}

/// Constant `utl` on days 1 … n (seed day 0), reported on day `as_of`.
fn constant(utl: f64, n: i32, as_of: i32, group: SportGroup) -> DailyLoads {
    let loads: Vec<_> = (1..=n).map(|k| load(k, group, utl)).collect();
    DailyLoads::new(&loads, day(as_of)).unwrap()
}

#[test]
fn smoothing_constants_are_two_over_n_plus_one() {
    let (a, c) = Ewma::new(&LoadConfig::default()).unwrap().lambdas();
    assert_eq!(a, 0.25);
    assert_eq!(c, 0.06896551724137931);
}

#[test]
fn bands_follow_the_gabbett_edges() {
    let cfg = LoadConfig::default();
    let b = |r| RiskBand::of(r, &cfg);
    assert_eq!(b(0.0), RiskBand::Detraining);
    assert_eq!(b(0.49), RiskBand::Detraining);
    assert_eq!(b(0.5), RiskBand::Low);
    assert_eq!(b(0.8), RiskBand::SweetSpot);
    assert_eq!(b(1.3), RiskBand::SweetSpot);
    assert_eq!(b(1.31), RiskBand::Elevated);
    assert_eq!(b(1.5), RiskBand::Elevated);
    assert_eq!(b(1.51), RiskBand::High);
}

#[test]
fn fewer_than_28_days_since_the_seed_is_insufficient() {
    let cfg = LoadConfig::default();
    let d = constant(100.0, 27, 27, SportGroup::Running);
    let r = acwr_on(&d, Series::Overall, &cfg).unwrap();
    assert_eq!(r.rolling.value, AcwrValue::InsufficientData);
    assert_eq!(r.ewma.value, AcwrValue::InsufficientData);
    let d = constant(100.0, 28, 28, SportGroup::Running);
    let r = acwr_on(&d, Series::Overall, &cfg).unwrap();
    assert_eq!(r.rolling.value.ratio(), Some(1.0));
    assert!(r.ewma.value.ratio().is_some());
}

#[test]
fn a_chronic_load_under_ten_a_week_is_insufficient() {
    let cfg = LoadConfig::default();
    let d = constant(1.0, 60, 60, SportGroup::Running);
    let r = acwr_on(&d, Series::Overall, &cfg).unwrap();
    assert!(close(r.rolling.chronic_weekly, 7.0, VECTOR_TOL));
    assert_eq!(r.rolling.value, AcwrValue::InsufficientData);
    assert_eq!(r.ewma.value, AcwrValue::InsufficientData);
}

#[test]
fn no_history_is_insufficient_everywhere() {
    let d = DailyLoads::new(&[], day(0)).unwrap();
    let r = acwr(&d, &LoadConfig::default()).unwrap();
    assert_eq!(r.overall.ewma.value, AcwrValue::InsufficientData);
    assert_eq!(r.combined, CombinedRisk::InsufficientData);
}

#[test]
fn ewma_follows_its_recurrence_from_zero_at_the_seed() {
    let cfg = LoadConfig::default();
    let d = constant(70.0, 2, 2, SportGroup::Cycling);
    let h = acwr_history(&d, Series::Overall, &cfg).unwrap();
    assert_eq!(h[0].ewma.acute_weekly, 0.0);
    let e1 = 0.25 * 70.0;
    let e2 = 0.25 * 70.0 + 0.75 * e1;
    assert!(close(h[2].ewma.acute_weekly, 7.0 * e2, VECTOR_TOL));
    let c1 = 2.0 / 29.0 * 70.0;
    assert!(close(h[1].ewma.chronic_weekly, 7.0 * c1, VECTOR_TOL));
}

#[test]
fn sport_series_share_the_athletes_seed() {
    let cfg = LoadConfig::default();
    let mut loads: Vec<_> = (1..=60)
        .map(|k| load(k, SportGroup::Cycling, 60.0))
        .collect();
    loads.extend((54..=60).map(|k| load(k, SportGroup::Running, 40.0)));
    let d = DailyLoads::new(&loads, day(60)).unwrap();
    let r = acwr(&d, &cfg).unwrap();
    // Running started a week ago: 280 acute against 280/4 chronic → ratio 4 (high), not 1.
    assert_eq!(r.running.rolling.value.ratio(), Some(4.0));
    assert_eq!(r.running.ewma.value.band(), Some(RiskBand::High));
    assert_eq!(r.combined, CombinedRisk::Band(RiskBand::High));
}

#[test]
fn a_single_sport_athlete_is_rated_by_the_overall_band() {
    let d = constant(50.0, 90, 90, SportGroup::Running);
    let r = acwr(&d, &LoadConfig::default()).unwrap();
    assert_eq!(r.cycling.ewma.value, AcwrValue::InsufficientData);
    assert_eq!(r.combined, CombinedRisk::Band(RiskBand::SweetSpot));
}

#[test]
fn monotony_uses_the_population_sd_of_the_week() {
    let loads: Vec<_> = [1, 3, 5, 7]
        .iter()
        .map(|&k| load(k, SportGroup::Running, 100.0))
        .collect();
    let d = DailyLoads::new(&loads, day(7)).unwrap();
    let m = monotony_strain(&d, Series::Overall, &LoadConfig::default());
    let mean: f64 = 400.0 / 7.0;
    let var = (4.0 * (100.0 - mean) * (100.0 - mean) + 3.0 * mean * mean) / 7.0;
    assert!(close(m.sd, var.sqrt(), VECTOR_TOL));
    assert!(close(m.monotony.unwrap(), mean / var.sqrt(), VECTOR_TOL));
    assert!(close(
        m.strain.unwrap(),
        400.0 * mean / var.sqrt(),
        VECTOR_TOL
    ));
}

#[test]
fn a_flat_or_empty_week_has_no_monotony() {
    let cfg = LoadConfig::default();
    let d = constant(33.3, 20, 20, SportGroup::Running);
    let m = monotony_strain(&d, Series::Overall, &cfg);
    assert_eq!((m.sd, m.monotony, m.strain), (0.0, None, None));
    let d = DailyLoads::new(&[], day(0)).unwrap();
    let m = monotony_strain(&d, Series::Overall, &cfg);
    assert_eq!((m.weekly_total, m.monotony), (0.0, None));
}

fn any_value() -> impl Strategy<Value = AcwrValue> {
    prop_oneof![
        Just(AcwrValue::InsufficientData),
        (0.0..3.0f64).prop_map(|v| AcwrValue::Ratio {
            value: v,
            band: RiskBand::of(v, &LoadConfig::default())
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rolling_acwr_of_an_integer_constant_load_is_exactly_one(l in 2u32..5000, extra in 0i32..60) {
        let d = constant(f64::from(l), 28 + extra, 28 + extra, SportGroup::Running);
        let r = acwr_on(&d, Series::Overall, &LoadConfig::default()).unwrap();
        prop_assert_eq!(r.rolling.value.ratio(), Some(1.0));
    }

    #[test]
    fn an_insufficient_or_low_sport_never_raises_combined_risk(
        overall in any_value(), other in any_value(), weak in 0.0..0.8f64, insufficient in any::<bool>()
    ) {
        let sport = if insufficient {
            AcwrValue::InsufficientData
        } else {
            AcwrValue::Ratio { value: weak, band: RiskBand::of(weak, &LoadConfig::default()) }
        };
        prop_assert_eq!(combined_risk(overall, &[sport, other]), combined_risk(overall, &[other]));
    }

    #[test]
    fn shuffled_activities_give_a_bit_identical_report(
        raw in prop::collection::vec((0i32..70, 0usize..4, 0.0..300.0f64), 1..60), rot in 0usize..60
    ) {
        let loads: Vec<_> = raw.iter().map(|&(k, g, u)| load(k, SportGroup::ALL[g], u)).collect();
        let mut shuffled = loads.clone();
        shuffled.reverse();
        let n = shuffled.len();
        shuffled.rotate_left(rot % n);
        let cfg = LoadConfig::default();
        let a = acwr(&DailyLoads::new(&loads, day(70)).unwrap(), &cfg).unwrap();
        let b = acwr(&DailyLoads::new(&shuffled, day(70)).unwrap(), &cfg).unwrap();
        prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}
