//! The plan from daily load sums and a window of recent activities equals, bit for bit, the plan
//! that summed every activity of the history itself (how it was computed before the sums).

use proptest::prelude::*;

use super::state::Loads;
use super::*;
use crate::wellness::WellnessStatus;
use crate::{LocalDate, SportClass};

fn today() -> LocalDate {
    LocalDate::from_ymd(2024, 9, 1).unwrap()
}

/// The earlier computation: every activity in detail, daily loads summed from them.
fn plan_from_every_activity(all: &RecommendInput) -> Recommendation {
    let (cfg, load_cfg, sports) = configs();
    let (history, today) = canonical_history(all).unwrap();
    let loads = Loads::from_activities(&history, &today, all.as_of).unwrap();
    plan_from(all, &history, &today, &loads, &cfg, &load_cfg, &sports).unwrap()
}

/// What a store passes: the sums of every stored day (today and later ones included, which
/// the plan must ignore), and the activities of the detail window, or all of them when none of
/// the window precedes T.
fn from_sums_and_window(all: &RecommendInput) -> RecommendInput {
    let cfg = RecommendConfig::default();
    let first = all.as_of.add_days(-i32::from(cfg.detail_days()));
    let window: Vec<HistoryActivity> = all
        .recent
        .iter()
        .filter(|a| a.date >= first)
        .cloned()
        .collect();
    let recent = if window.iter().any(|a| a.date < all.as_of) {
        window
    } else {
        all.recent.clone()
    };
    RecommendInput {
        daily: day_sums(&all.recent).unwrap(),
        recent,
        ..all.clone()
    }
}

fn configs() -> (RecommendConfig, LoadConfig, SportTable) {
    Default::default()
}

fn plan(input: &RecommendInput) -> Recommendation {
    let (cfg, load_cfg, sports) = configs();
    recommend(input, &cfg, &load_cfg, &sports).unwrap()
}

const CLASSES: [SportClass; 6] = [
    SportClass::Run,
    SportClass::Ride,
    SportClass::Swim,
    SportClass::Cross,
    SportClass::Ebike,
    SportClass::Other,
];
const METHODS: [LoadMethod; 4] = [
    LoadMethod::Power,
    LoadMethod::Pace,
    LoadMethod::Hr,
    LoadMethod::Estimated,
];

prop_compose! {
    fn activity(from: i32, to: i32)(k in from..=to, c in 0usize..6, m in 0usize..4,
                  utl in prop_oneof![Just(0.0), 0.0..250.0f64],
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
    /// Up to three years before T, today and two days after; sometimes a break over the whole
    /// detail window, so the sport comes from an older activity.
    fn any_history()(old in prop::collection::vec(activity(-1095, -91), 0..300),
                     recent in prop::collection::vec(activity(-90, 2), 0..120),
                     same_day in prop::collection::vec(activity(-3, 0), 0..6),
                     break_days in prop::option::of(1i32..=200),
                     ftp in prop::option::of(150.0..350.0f64), v in prop::option::of(2.5..5.5f64),
                     lthr in prop::option::of(140.0..185.0f64), w in 0usize..4) -> RecommendInput {
        let mut activities: Vec<HistoryActivity> =
            old.into_iter().chain(recent).chain(same_day).collect();
        if let Some(days) = break_days {
            activities.retain(|a| a.date < today().add_days(-days) || a.date >= today());
        }
        let wellness = [WellnessStatus::Unknown, WellnessStatus::Red, WellnessStatus::Amber,
            WellnessStatus::Green][w];
        RecommendInput {
            ftp_w: ftp, threshold_speed_mps: v, lthr_bpm: lthr, wellness,
            ..RecommendInput::from_activities(today(), activities).unwrap()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn day_sums_and_recent_activities_plan_as_every_activity_did(all in any_history()) {
        let before = plan_from_every_activity(&all);
        let after = plan(&from_sums_and_window(&all));
        prop_assert_eq!(format!("{before:?}"), format!("{after:?}"));
    }
}

#[test]
fn a_steady_five_year_history_plans_the_same_from_its_sums() {
    let activities: Vec<HistoryActivity> = (-1825..=0)
        .flat_map(|k| {
            let run = HistoryActivity {
                date: today().add_days(k),
                class: SportClass::Run,
                utl: 40.0 + f64::from(k.rem_euclid(7)) * 9.7,
                base_load: 38.0 + f64::from(k.rem_euclid(5)) * 3.1,
                intensity_factor: Some(0.6 + f64::from(k.rem_euclid(9)) * 0.04),
                method: LoadMethod::Pace,
                distance_m: Some(8000.0 + f64::from(k.rem_euclid(11)) * 500.0),
                moving_time_s: 2400.0 + f64::from(k.rem_euclid(13)) * 120.0,
            };
            let ride = HistoryActivity {
                class: SportClass::Ride,
                method: LoadMethod::Power,
                utl: 60.0 + f64::from(k.rem_euclid(4)) * 12.3,
                ..run.clone()
            };
            let rides = k.rem_euclid(3) == 0;
            std::iter::once(run).chain(rides.then_some(ride))
        })
        .collect();
    let all = RecommendInput {
        ftp_w: Some(260.0),
        threshold_speed_mps: Some(4.1),
        lthr_bpm: Some(168.0),
        wellness: WellnessStatus::Green,
        ..RecommendInput::from_activities(today(), activities).unwrap()
    };
    let windowed = from_sums_and_window(&all);
    assert_eq!(windowed.recent.len(), 91 + 31);
    assert_eq!(
        format!("{:?}", plan_from_every_activity(&all)),
        format!("{:?}", plan(&windowed))
    );
}
