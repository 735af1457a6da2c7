use proptest::prelude::*;

use super::*;

/// Relative tolerance of the CTL closed form (docs/science.md §13.3).
const CLOSED_FORM_TOL: f64 = 1e-12;
/// Tolerance for hand-computed expectations.
const VECTOR_TOL: f64 = 1e-9;

fn close(a: f64, e: f64, tol: f64) -> bool {
    (a - e).abs() <= tol * e.abs().max(1.0)
}

fn day(k: i32) -> LocalDate {
    LocalDate::from_ymd(2024, 1, 1).unwrap().add_days(k)
}

fn load(k: i32, group: SportGroup, utl: f64) -> DatedLoad {
    DatedLoad {
        date: day(k),
        group,
        utl,
    }
}

#[test]
fn libm_gains_agree_with_the_documented_constants() {
    let cfg = LoadConfig::default();
    assert_eq!(cfg.ctl_gain().unwrap().to_bits(), CTL_GAIN.to_bits());
    assert_eq!(cfg.atl_gain().unwrap().to_bits(), ATL_GAIN.to_bits());
    assert_eq!(CTL_GAIN, 0.023528313347756735);
    assert_eq!(ATL_GAIN, 0.1331221002498184);
}

#[test]
fn bad_time_constants_are_rejected() {
    let cfg = LoadConfig {
        ctl_time_constant_days: 0.0,
        ..LoadConfig::default()
    };
    assert!(matches!(
        Pmc::new(&cfg),
        Err(ScienceError::NotPositive { .. })
    ));
    let cfg = LoadConfig {
        atl_time_constant_days: f64::NAN,
        ..LoadConfig::default()
    };
    assert!(matches!(
        Pmc::new(&cfg),
        Err(ScienceError::NotFinite { .. })
    ));
}

#[test]
fn the_seed_is_the_day_before_the_first_activity_and_rest_days_are_zero() {
    let loads = [
        load(3, SportGroup::Running, 50.0),
        load(1, SportGroup::Cycling, 40.0),
        load(3, SportGroup::Cycling, 10.0),
        load(9, SportGroup::Running, 99.0),
    ];
    let d = DailyLoads::new(&loads, day(5)).unwrap();
    assert_eq!(d.seed(), Some(day(0)));
    assert_eq!(d.days_since_seed(), 5);
    assert_eq!(d.series(Series::Overall), [0.0, 40.0, 0.0, 60.0, 0.0, 0.0]);
    let running = d.series(Series::Group(SportGroup::Running));
    assert_eq!(running, [0.0, 0.0, 0.0, 50.0, 0.0, 0.0]);
    assert_eq!(d.series(Series::Group(SportGroup::Swimming)), [0.0; 6]);
    assert_eq!(d.sum_days(day(3), 7, Series::Overall), 100.0);
    assert_eq!(d.load_on(day(-4), Series::Overall), 0.0);
}

#[test]
fn no_activity_means_no_seed_and_an_empty_chart() {
    let d = DailyLoads::new(&[load(9, SportGroup::Running, 9.0)], day(5)).unwrap();
    assert_eq!(d.seed(), None);
    assert!(d.series(Series::Overall).is_empty());
    let chart = pmc_series(&d, Series::Overall, &LoadConfig::default()).unwrap();
    assert!(chart.is_empty());
}

#[test]
fn invalid_loads_are_errors_not_zeros() {
    let nan = [load(1, SportGroup::Running, f64::NAN)];
    assert!(matches!(
        DailyLoads::new(&nan, day(5)),
        Err(ScienceError::NotFinite { .. })
    ));
    let neg = [load(1, SportGroup::Running, -1.0)];
    assert!(matches!(
        DailyLoads::new(&neg, day(5)),
        Err(ScienceError::OutOfRange { .. })
    ));
    let far = [load(-100_000, SportGroup::Running, 1.0)];
    assert!(DailyLoads::new(&far, day(5)).is_err());
    let mut pmc = Pmc::new(&LoadConfig::default()).unwrap();
    assert!(pmc.next(f64::INFINITY).is_err());
    assert_eq!(pmc.ctl(), 0.0);
}

#[test]
fn tsb_shown_for_a_day_is_the_form_going_into_it() {
    let loads = [
        load(1, SportGroup::Running, 100.0),
        load(2, SportGroup::Running, 50.0),
    ];
    let d = DailyLoads::new(&loads, day(3)).unwrap();
    let chart = pmc_series(&d, Series::Overall, &LoadConfig::default()).unwrap();
    assert_eq!(chart.len(), 4);
    assert_eq!(chart[0].date, day(0));
    assert_eq!(chart[1].tsb, 0.0);
    assert!(close(chart[1].ctl, 100.0 * CTL_GAIN, VECTOR_TOL));
    assert!(close(chart[1].atl, 100.0 * ATL_GAIN, VECTOR_TOL));
    for t in 1..4 {
        assert_eq!(chart[t].tsb, chart[t - 1].ctl - chart[t - 1].atl);
    }
}

#[test]
fn ramp_is_the_ctl_change_over_seven_days() {
    let loads: Vec<_> = (1..=20)
        .map(|k| load(k, SportGroup::Cycling, 60.0))
        .collect();
    let d = DailyLoads::new(&loads, day(20)).unwrap();
    let chart = pmc_series(&d, Series::Overall, &LoadConfig::default()).unwrap();
    for t in 0..chart.len() {
        let before = if t >= 7 { chart[t - 7].ctl } else { 0.0 };
        assert_eq!(chart[t].ramp, chart[t].ctl - before, "day {t}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ctl_of_a_constant_load_follows_the_closed_form(l in 0.0..500.0f64, t in 1u16..1500) {
        let mut pmc = Pmc::new(&LoadConfig::default()).unwrap();
        let mut ctl = 0.0;
        for _ in 0..t {
            ctl = pmc.next(l).unwrap().ctl;
        }
        let expected = l * (1.0 - libm::exp(-f64::from(t) / 42.0));
        prop_assert!((ctl - expected).abs() <= CLOSED_FORM_TOL * expected.abs(), "{ctl} vs {expected}");
    }

    #[test]
    fn non_negative_loads_give_non_negative_ctl_atl_that_decay_on_rest_days(
        loads in prop::collection::vec(prop_oneof![Just(0.0), 0.0..400.0f64], 1..200)
    ) {
        let mut pmc = Pmc::new(&LoadConfig::default()).unwrap();
        let (mut ctl, mut atl) = (0.0, 0.0);
        for &l in &loads {
            let s = pmc.next(l).unwrap();
            prop_assert!(s.ctl >= 0.0 && s.atl >= 0.0);
            if l == 0.0 {
                prop_assert!(s.ctl <= ctl && s.atl <= atl);
            }
            (ctl, atl) = (s.ctl, s.atl);
        }
    }

    #[test]
    fn reset_then_replay_equals_a_new_state(
        loads in prop::collection::vec(0.0..400.0f64, 1..60)
    ) {
        let cfg = LoadConfig::default();
        let mut used = Pmc::new(&cfg).unwrap();
        for &l in &loads {
            used.next(l).unwrap();
        }
        used.reset();
        prop_assert_eq!(&used, &Pmc::new(&cfg).unwrap());
    }

    #[test]
    fn shuffled_activities_give_bit_identical_daily_loads(
        raw in prop::collection::vec((0i32..40, 0usize..4, 0.0..300.0f64), 1..40),
        rot in 0usize..40
    ) {
        let loads: Vec<_> = raw.iter().map(|&(k, g, u)| load(k, SportGroup::ALL[g], u)).collect();
        let mut shuffled = loads.clone();
        shuffled.reverse();
        let n = shuffled.len();
        shuffled.rotate_left(rot % n);
        let a = DailyLoads::new(&loads, day(45)).unwrap();
        let b = DailyLoads::new(&shuffled, day(45)).unwrap();
        prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}
