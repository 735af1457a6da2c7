use proptest::prelude::*;

use super::targets::{quantile, rounded};
use super::*;
use crate::acwr::AcwrValue;
use crate::wellness::WellnessStatus;
use crate::{LocalDate, SportClass};

/// Tolerance for hand-computed expectations.
const VECTOR_TOL: f64 = 1e-9;

fn close(a: f64, e: f64, tol: f64) -> bool {
    (a - e).abs() <= tol * e.abs().max(1.0)
}

fn today() -> LocalDate {
    LocalDate::from_ymd(2024, 9, 1).unwrap()
}

fn run(k: i32, utl: f64) -> HistoryActivity {
    HistoryActivity {
        date: today().add_days(k),
        class: SportClass::Run,
        utl,
        base_load: utl,
        intensity_factor: Some(0.7),
        method: LoadMethod::Pace,
        distance_m: Some(utl / 5.0 * 1000.0),
        moving_time_s: 3600.0,
    }
}

fn ride(k: i32, utl: f64) -> HistoryActivity {
    HistoryActivity {
        class: SportClass::Ride,
        method: LoadMethod::Power,
        ..run(k, utl)
    }
}

fn input(history: Vec<HistoryActivity>) -> RecommendInput {
    RecommendInput {
        threshold_speed_mps: Some(4.0),
        lthr_bpm: Some(170.0),
        wellness: WellnessStatus::Green,
        ..RecommendInput::from_activities(today(), history).unwrap()
    }
}

fn plan(input: &RecommendInput) -> Recommendation {
    let cfg = RecommendConfig::default();
    recommend(input, &cfg, &LoadConfig::default(), &SportTable::default()).unwrap()
}

fn intensities(r: &Recommendation) -> Vec<DayIntensity> {
    r.days.iter().map(|d| d.intensity).collect()
}

/// Steady 50 UTL runs every day for 60 days before T.
fn steady_runner() -> Vec<HistoryActivity> {
    (-60..=-1).map(|k| run(k, 50.0)).collect()
}

use DayIntensity::{Easy as E, Hard as H, Moderate as M, Rest as R};

#[test]
fn without_history_a_starter_week_of_any_sport_is_planned() {
    let r = plan(&input(Vec::new()));
    assert_eq!(r.state.mode, PlanMode::Building);
    assert_eq!(r.state.target_week_utl, 100.0);
    assert!(close(r.state.budget_utl, 500.0 / 7.0, VECTOR_TOL));
    assert_eq!(intensities(&r), [H, E, M, H, E]);
    assert!(r.days.iter().all(|d| d.sport == DaySport::Any));
    // Hard U = B·1.5/5.2 ≈ 20.6 is 13.7 min at IF 0.95: clamped to 20 min, U recomputed.
    let d0 = &r.days[0];
    assert_eq!(d0.duration_min.unwrap().rec, 20.0);
    assert_eq!(d0.utl.rec, (20.0 / 60.0 * 90.25f64).round());
    assert!(matches!(
        d0.guidance,
        Some(IntensityGuidance::HeartRateBpm { .. })
    ));
}

#[test]
fn a_steady_runner_gets_a_chronic_target_with_pace_and_distance() {
    let r = plan(&input(steady_runner()));
    let s = r.state;
    assert_eq!(s.mode, PlanMode::Normal);
    assert!(!s.reduced && !s.yesterday_hard);
    assert!(close(s.last_week_utl, 350.0, VECTOR_TOL));
    let y =
        (1.05 * s.chronic_weekly_utl).min(1.10 * s.last_week_utl.max(0.5 * s.chronic_weekly_utl));
    assert_eq!(s.target_week_utl, y);
    assert_eq!(intensities(&r), [H, E, M, H, E]);
    let d0 = &r.days[0];
    assert_eq!(d0.sport, DaySport::Group(SportGroup::Running));
    let u = s.budget_utl * 1.5 / 5.2;
    let minutes = u / 90.25 * 60.0;
    assert_eq!(d0.duration_min.unwrap().rec, (minutes / 5.0).round() * 5.0);
    // k = 5 UTL/km at IF_ref = sqrt(0.5); at IF 0.95 a km costs 5·0.95/0.7071.
    let km = u / (5.0 * 0.95 / 0.5f64.sqrt());
    assert_eq!(d0.distance_km.unwrap().rec, (km / 0.5).round() * 0.5);
    match d0.guidance {
        Some(IntensityGuidance::SpeedMps { lo, hi }) => {
            assert!(close(lo, 3.8, VECTOR_TOL) && close(hi, 4.2, VECTOR_TOL));
        }
        other => panic!("unexpected guidance {other:?}"),
    }
    assert!(d0.rationale.starts_with("Hard run: "), "{}", d0.rationale);
}

#[test]
fn a_load_spike_reduces_the_week() {
    let mut h = steady_runner();
    h.extend((-7..=-1).map(|k| run(k, 150.0)));
    let r = plan(&input(h));
    let s = r.state;
    assert!(s.reduced);
    assert!(s.acwr.ratio().unwrap() > 1.3);
    assert_eq!(intensities(&r), [R, E, M, E, M]);
    assert!(s.target_week_utl <= 0.8 * s.last_week_utl);
    assert!(s.target_week_utl <= 0.9 * s.chronic_weekly_utl);
    assert!(
        r.days[1].rationale.contains("load reduced"),
        "{}",
        r.days[1].rationale
    );
}

#[test]
fn a_hard_day_yesterday_starts_the_week_easy() {
    let mut h = steady_runner();
    h.push(HistoryActivity {
        intensity_factor: Some(0.9),
        utl: 10.0,
        ..run(-1, 10.0)
    });
    let r = plan(&input(h));
    assert!(r.state.yesterday_hard);
    assert_eq!(intensities(&r), [E, H, E, M, H]);
    assert!(
        r.days[0].rationale.contains("yesterday's hard run"),
        "{}",
        r.days[0].rationale
    );
}

#[test]
fn wellness_overrides_day_zero_without_moving_load() {
    let mut i = input(steady_runner());
    let base = plan(&i);
    i.wellness = WellnessStatus::Amber;
    let amber = plan(&i);
    assert_eq!(amber.days[0].intensity, M);
    let u = amber.state.budget_utl * 1.0 / 5.2;
    assert_eq!(amber.days[0].utl.rec, u.round());
    assert_eq!(amber.days[1..], base.days[1..]);
    assert!(amber.days[0].rationale.contains("wellness amber"));
    // Three rest days lift TSB above −10: red then means an easy day, not rest.
    i.recent.retain(|a| a.date < today().add_days(-3));
    i.daily = day_sums(&i.recent).unwrap();
    i.wellness = WellnessStatus::Red;
    let red = plan(&i);
    assert!(red.state.tsb >= -10.0, "tsb {}", red.state.tsb);
    assert_eq!(red.days[0].intensity, E);
}

#[test]
fn red_wellness_with_negative_form_is_a_rest_day() {
    let mut i = input(steady_runner());
    i.wellness = WellnessStatus::Red;
    let r = plan(&i);
    assert!(
        r.state.tsb < -10.0 && r.state.tsb >= -15.0,
        "tsb {}",
        r.state.tsb
    );
    assert_eq!(r.days[0].intensity, R);
    assert_eq!(
        r.days[0].utl,
        ValueRange {
            lo: 0.0,
            rec: 0.0,
            hi: 0.0
        }
    );
    assert_eq!(r.days[0].duration_min, None);
}

#[test]
fn hard_days_go_to_the_sport_with_a_threshold_and_the_rest_by_remaining_days() {
    let mut h: Vec<_> = (-60..=-1).map(|k| run(k, 30.0)).collect();
    h.extend((-60..=-1).map(|k| ride(k, 20.0)));
    let mut i = input(h);
    i.threshold_speed_mps = None;
    i.ftp_w = Some(250.0);
    let r = plan(&i);
    let sports: Vec<_> = r.days.iter().map(|d| d.sport).collect();
    let (run_g, ride_g) = (
        DaySport::Group(SportGroup::Running),
        DaySport::Group(SportGroup::Cycling),
    );
    // 60/40 over five days: 3 runs, 2 rides; both hard days (0 and 3) are rides with FTP.
    assert_eq!(sports, [ride_g, run_g, run_g, ride_g, run_g]);
    assert!(
        matches!(r.days[0].guidance, Some(IntensityGuidance::PowerW { lo, .. }) if close(lo, 227.5, VECTOR_TOL))
    );
}

#[test]
fn other_sports_never_get_hard_days() {
    let h: Vec<_> = (-60..=-1)
        .map(|k| HistoryActivity {
            class: SportClass::Cross,
            method: LoadMethod::Hr,
            ..run(k, 40.0)
        })
        .collect();
    let r = plan(&input(h));
    assert_eq!(intensities(&r), [M, E, M, M, E]);
    assert!(
        r.days
            .iter()
            .all(|d| d.sport == DaySport::Group(SportGroup::Other))
    );
    assert!(r.days[0].rationale.contains("no hard days"));
    assert!(r.days.iter().all(|d| d.distance_km.is_none()));
}

#[test]
fn small_shares_get_no_days() {
    let mut h = steady_runner();
    h.push(HistoryActivity {
        class: SportClass::Swim,
        ..run(-3, 50.0)
    });
    let r = plan(&input(h));
    assert!(
        r.days
            .iter()
            .all(|d| d.sport == DaySport::Group(SportGroup::Running))
    );
}

#[test]
fn after_a_long_break_the_latest_sport_is_planned() {
    let h: Vec<_> = (-100..=-40).map(|k| ride(k, 60.0)).collect();
    let r = plan(&input(h));
    assert!(
        r.days
            .iter()
            .all(|d| d.sport == DaySport::Group(SportGroup::Cycling))
    );
}

#[test]
fn quartiles_interpolate_linearly() {
    let v = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(quantile(&v, 0.25), Some(2.0));
    assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
    assert_eq!(quantile(&[], 0.5), None);
}

#[test]
fn an_outlier_does_not_move_the_distance_model() {
    let mut h = steady_runner();
    // 50 base load over 1 km (ten times the usual cost per km), with no UTL so the loads stay.
    h.push(HistoryActivity {
        distance_m: Some(1000.0),
        utl: 0.0,
        ..run(-2, 50.0)
    });
    assert_eq!(
        plan(&input(h)).days[0].distance_km,
        plan(&input(steady_runner())).days[0].distance_km
    );
}

#[test]
fn ranges_round_outward_and_rec_to_nearest() {
    let cfg = RecommendConfig::default();
    assert_eq!(
        rounded(10.0, 1.0, &cfg),
        ValueRange {
            lo: 8.0,
            rec: 10.0,
            hi: 12.0
        }
    );
    assert_eq!(
        rounded(42.5, 5.0, &cfg),
        ValueRange {
            lo: 35.0,
            rec: 45.0,
            hi: 50.0
        }
    );
    assert_eq!(
        rounded(0.3, 0.5, &cfg),
        ValueRange {
            lo: 0.0,
            rec: 0.5,
            hi: 0.5
        }
    );
}

#[test]
fn a_session_done_today_leaves_an_easy_remainder_on_day_zero() {
    let base = plan(&input(steady_runner()));
    let planned = base.state.budget_utl * 1.5 / 5.2;
    assert_eq!(base.days[0].intensity, H);
    let mut h = steady_runner();
    h.push(run(0, 30.0));
    let r = plan(&input(h));
    assert_eq!(r.state.done_today_utl, 30.0);
    assert!(close(r.state.planned_today_utl, planned, VECTOR_TOL));
    let d0 = &r.days[0];
    assert_eq!(d0.intensity, E, "no hard session on top: {}", d0.rationale);
    assert_eq!(d0.utl.rec, (planned - 30.0).round());
    let minutes = (planned - 30.0) / (100.0 * 0.65 * 0.65) * 60.0;
    assert_eq!(d0.duration_min.unwrap().rec, (minutes / 5.0).round() * 5.0);
    assert!(
        d0.rationale
            .starts_with("Easy run for the rest of today: 30 of "),
        "{}",
        d0.rationale
    );
    // Today's load counts in the ratio, the later days keep the week's pattern.
    assert!(r.state.acwr.ratio().unwrap() > base.state.acwr.ratio().unwrap());
    assert_eq!(intensities(&r)[1..], intensities(&base)[1..]);
}

#[test]
fn a_session_that_reaches_the_target_is_done_for_today() {
    let mut h = steady_runner();
    let planned = plan(&input(h.clone())).state.budget_utl * 1.5 / 5.2;
    h.push(run(0, 0.9 * planned));
    let r = plan(&input(h));
    let d0 = &r.days[0];
    assert_eq!(d0.intensity, R);
    assert_eq!(d0.duration_min, None);
    assert_eq!(d0.guidance, None);
    assert!(
        d0.rationale.starts_with("Done for today: "),
        "{}",
        d0.rationale
    );
}

#[test]
fn activities_after_today_are_ignored() {
    let base = plan(&input(steady_runner()));
    let mut h = steady_runner();
    h.push(run(1, 80.0));
    assert_eq!(plan(&input(h)), base);
}

#[test]
fn a_target_inside_the_detraining_band_says_why() {
    // A steady block, a light last week (3 × 40), then a 400 UTL day today: the ratio jumps
    // above the sweet spot, the week is reduced to 0.8 × last week, far below the chronic load.
    let mut h: Vec<HistoryActivity> = (-60..=-8).map(|k| run(k, 50.0)).collect();
    h.extend([-6, -4, -2].map(|k| run(k, 40.0)));
    h.push(run(0, 400.0));
    let r = plan(&input(h));
    let s = r.state;
    assert!(s.reduced, "{s:?}");
    let aim = s.target_week_utl / s.chronic_weekly_utl;
    assert!(aim < 0.5, "aim {aim}");
    let why = &r.days[1].rationale;
    assert!(
        why.contains(&format!("aims at ACWR ≈ {aim:.2} (detraining)")),
        "{why}"
    );
    assert!(
        why.contains("below the detraining edge on purpose: ACWR "),
        "{why}"
    );
    let now = s.acwr.ratio().unwrap();
    assert!(
        why.contains(&format!("load reduced (ACWR {now:.2} high")),
        "{why}"
    );
}

#[test]
fn the_week_target_names_the_band_it_aims_at() {
    let r = plan(&input(steady_runner()));
    let aim = r.state.target_week_utl / r.state.chronic_weekly_utl;
    let why = &r.days[0].rationale;
    assert!(
        why.contains(&format!("aims at ACWR ≈ {aim:.2} (sweet spot)")),
        "{why}"
    );
    assert!(!why.contains("detraining"), "{why}");
}

#[test]
fn bad_values_are_errors() {
    let mut i = input(Vec::new());
    i.recent = vec![run(-1, f64::NAN)];
    let cfg = RecommendConfig::default();
    let (l, s) = (LoadConfig::default(), SportTable::default());
    assert!(matches!(
        recommend(&i, &cfg, &l, &s),
        Err(ScienceError::NotFinite { .. })
    ));
    i.recent = Vec::new();
    i.daily = day_sums(&[run(-1, 10.0)]).unwrap();
    i.daily[0].overall = f64::NAN;
    assert!(matches!(
        recommend(&i, &cfg, &l, &s),
        Err(ScienceError::NotFinite { .. })
    ));
    i.daily = day_sums(&[run(-1, 10.0)]).unwrap();
    i.daily.push(i.daily[0]);
    assert!(matches!(
        recommend(&i, &cfg, &l, &s),
        Err(ScienceError::Inconsistent(_))
    ));
    i.daily = Vec::new();
    i.ftp_w = Some(0.0);
    assert!(matches!(
        recommend(&i, &cfg, &l, &s),
        Err(ScienceError::NotPositive { .. })
    ));
}

const CLASSES: [SportClass; 5] = [
    SportClass::Run,
    SportClass::Ride,
    SportClass::Swim,
    SportClass::Cross,
    SportClass::Ebike,
];
const METHODS: [LoadMethod; 4] = [
    LoadMethod::Power,
    LoadMethod::Pace,
    LoadMethod::Hr,
    LoadMethod::Estimated,
];

prop_compose! {
    fn activity()(k in -80i32..=-1, c in 0usize..5, m in 0usize..4, utl in 0.0..250.0f64,
                  f in prop::option::of(0.4..1.2f64), km in prop::option::of(0.0..60.0f64),
                  min in 0.0..300.0f64) -> HistoryActivity {
        HistoryActivity {
            date: today().add_days(k), class: CLASSES[c], utl, base_load: utl * 0.95,
            intensity_factor: f, method: METHODS[m], distance_m: km.map(|x| x * 1000.0),
            moving_time_s: min * 60.0,
        }
    }
}

prop_compose! {
    fn any_input()(history in prop::collection::vec(activity(), 0..90),
                   ftp in prop::option::of(150.0..350.0f64), v in prop::option::of(2.5..5.5f64),
                   lthr in prop::option::of(140.0..185.0f64), w in 0usize..4,
                   spike in prop::option::of(100.0..600.0f64)) -> RecommendInput {
        // An optional spike over the last week makes reductions common.
        let mut history = history;
        history.extend(spike.into_iter().flat_map(|u| (-7..=-1).map(move |k| run(k, u))));
        let wellness = [WellnessStatus::Unknown, WellnessStatus::Red, WellnessStatus::Amber, WellnessStatus::Green][w];
        RecommendInput {
            ftp_w: ftp, threshold_speed_mps: v, lthr_bpm: lthr, wellness,
            ..RecommendInput::from_activities(today(), history).unwrap()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_range_has_lo_le_rec_le_hi(i in any_input()) {
        let r = plan(&i);
        for d in &r.days {
            for range in [Some(d.utl), d.duration_min, d.distance_km].into_iter().flatten() {
                prop_assert!(range.lo <= range.rec && range.rec <= range.hi, "{range:?}");
            }
        }
    }

    #[test]
    fn plans_have_an_easy_day_and_no_consecutive_hard_days(i in any_input()) {
        let r = plan(&i);
        prop_assert!(r.days.iter().any(|d| matches!(d.intensity, E | R)));
        let mut previous_hard = r.state.yesterday_hard;
        for d in &r.days {
            prop_assert!(!(previous_hard && d.intensity == H));
            previous_hard = d.intensity == H;
        }
    }

    #[test]
    fn the_weekly_target_respects_its_caps(i in any_input()) {
        let s = plan(&i).state;
        if s.mode == PlanMode::Normal {
            let cap = 1.10 * s.last_week_utl.max(0.5 * s.chronic_weekly_utl);
            prop_assert!(s.target_week_utl <= cap);
            if s.reduced {
                prop_assert!(s.target_week_utl <= 0.9 * s.chronic_weekly_utl);
            }
        }
        if s.reduced {
            prop_assert!(s.target_week_utl <= 0.8 * s.last_week_utl);
        }
        prop_assert!(s.acwr == AcwrValue::InsufficientData || s.acwr.ratio().is_some());
    }

    #[test]
    fn shuffled_history_gives_a_bit_identical_plan(i in any_input(), rot in 0usize..90) {
        let mut shuffled = i.clone();
        shuffled.recent.reverse();
        let n = shuffled.recent.len().max(1);
        shuffled.recent.rotate_left(rot % n);
        shuffled.daily.reverse();
        prop_assert_eq!(format!("{:?}", plan(&i)), format!("{:?}", plan(&shuffled)));
    }
}
