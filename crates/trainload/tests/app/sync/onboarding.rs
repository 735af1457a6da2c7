//! A 90-day onboarding recovers the simulator's hidden thresholds and gives every activity the
//! method docs/science.md §5.1 prescribes; the rate budget and the call counts per activity.

use std::time::Duration;

use queue::Clock;

use science::SportClass;
use science::utl::Method;
use sim::SimConfig;
use trainload::store::provenance::{LoadInput, Provenance};
use trainload::store::thresholds::ThresholdValues;
use trainload::store::users::UserId;
use trainload::store::{Store, activities, loads, thresholds, users};
use trainload::sync::{self, OnboardingProgress};

use crate::support::world::{World, first_with_profile, unlimited, world};

/// The value of one field in force today: the latest entry carrying it.
async fn latest(
    store: &Store,
    user: UserId,
    pick: fn(&ThresholdValues) -> Option<f64>,
) -> Option<f64> {
    let history = thresholds::history(store, user).await.unwrap();
    history.iter().rev().find_map(|t| pick(&t.set.values))
}

fn within(name: &str, got: Option<f64>, truth: f64, tolerance: f64) {
    let got = got.unwrap_or_else(|| panic!("{name}: no estimate"));
    let error = (got - truth).abs() / truth;
    assert!(
        error <= tolerance,
        "{name}: estimated {got:.2}, truth {truth:.2} ({:.1} %)",
        error * 100.0
    );
}

/// docs/science.md §5.1, from the coverage the load recorded.
fn prescribed(
    sport_type: &str,
    device_watts: Option<bool>,
    p: &Provenance,
    has_avg_hr: bool,
) -> Method {
    let class = SportClass::of(sport_type);
    let streams = p.input == LoadInput::Streams;
    let cycling = class.group() == science::SportGroup::Cycling && class != SportClass::Ebike;
    if streams && cycling && device_watts != Some(false) && p.coverage.watts >= 0.8 {
        Method::Power
    } else if streams && class.group() == science::SportGroup::Running && p.coverage.velocity >= 0.8
    {
        Method::Pace
    } else if streams && p.coverage.heartrate >= 0.8 {
        Method::Hr
    } else if !streams && has_avg_hr {
        Method::HrAvg
    } else {
        Method::Estimated
    }
}

async fn onboard(world: &World, index: usize) -> (UserId, sync::SyncReport) {
    let user = world.athlete(index, true).await;
    let seen = std::sync::Mutex::new(Vec::<OnboardingProgress>::new());
    let report = sync::onboard(&world.ctx, user, 90, &|p| seen.lock().unwrap().push(p))
        .await
        .unwrap();
    let phases: Vec<_> = seen.lock().unwrap().iter().map(|p| p.phase).collect();
    assert_eq!(
        phases,
        [
            "listing",
            "streams",
            "wellness",
            "thresholds",
            "loads",
            "done"
        ]
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    (user, report)
}

conformance!(
    async fn onboarding_recovers_thresholds_within_five_percent_and_prescribed_methods(db) {
        let world = world(&db.store, unlimited(SimConfig::new(7, 6)), Duration::from_secs(30)).await;
        for profile in ["cyclist", "runner", "triathlete"] {
            let index = first_with_profile(&world.sim, profile);
            let truth = world.sim.truth(index).unwrap();
            let (user, report) = onboard(&world, index).await;
            assert!(report.new_activities > 10, "{profile}: {report:?}");
            let store = &db.store;
            if let Some(ftp) = truth.ftp_w {
                within("ftp", latest(store, user, |v| v.ftp_w).await, ftp, 0.05);
            }
            if let Some(speed) = truth.threshold_speed_mps {
                within("threshold speed", latest(store, user, |v| v.threshold_speed_mps).await, speed, 0.05);
            }
            within("max hr", latest(store, user, |v| v.max_hr_bpm).await, truth.max_hr_bpm, 0.05);
            let from = jiff::civil::date(2000, 1, 1);
            let to = jiff::civil::date(2100, 1, 1);
            for a in activities::list_by_local_date(store, user, from, to).await.unwrap() {
                let load = loads::get(store, a.id).await.unwrap().expect("every activity has a load");
                let s = &a.summary;
                let want = prescribed(&s.sport_type, s.device_watts, &load.provenance, s.average_hr_bpm.is_some());
                assert_eq!(load.method, want, "{profile} {} {:?}", s.sport_type, load.provenance);
            }
        }
    }
);

conformance!(
    async fn onboarding_never_exceeds_the_rate_budget_and_fetches_each_stream_set_once(db) {
        let mut config = SimConfig::new(11, 1);
        config.rate_limits = Some(sim::RateLimits { overall_15m: 40, overall_day: 400, read_15m: 20, read_day: 200 });
        let world = world(&db.store, config, Duration::from_secs(30)).await;
        let user = world.athlete(0, true).await;
        let mut report = sync::onboard(&world.ctx, user, 90, &|_| {}).await.unwrap();
        let mut new_activities = report.new_activities;
        let mut rounds = 0;
        while let Some(until_ms) = report.retry_at_ms {
            assert!(report.errors.iter().all(|e| e.class == "rate_limited"), "{:?}", report.errors);
            rounds += 1;
            assert!(rounds < 40, "the backfill does not finish");
            let wait = until_ms - world.clock.now_ms() + 1_000;
            world.advance(Duration::from_millis(u64::try_from(wait.max(0)).unwrap()));
            let options = sync::SyncOptions { activity_days: 91, ..sync::SyncOptions::quick() };
            report = sync::user_sync(&world.ctx, user, &options).await.unwrap();
            new_activities += report.new_activities;
        }
        assert!(rounds > 0, "a 20-call window cannot hold a 90-day backfill");
        assert_eq!(world.sim.stats()["refused_429"].as_u64(), Some(0), "the budget refused before Strava had to");
        let streams = world.strava_calls(0, "strava.streams");
        assert_eq!(streams, u64::from(new_activities), "one streams call per new activity");
        crate::support::world::assert_complete(&db.store, user).await;
    }
);

conformance!(
    async fn a_user_still_in_utc_takes_the_time_zone_of_their_activities(db) {
        let world = world(&db.store, unlimited(SimConfig::new(5, 3)), Duration::from_secs(30)).await;
        let index = (0..3)
            .find(|&i| world.sim.timezone(i) != Some("UTC"))
            .expect("a simulated athlete outside UTC");
        let user = world.athlete(index, false).await;
        users::set_time_zone(&db.store, user, "UTC").await.unwrap();
        sync::onboard(&world.ctx, user, 30, &|_| {}).await.unwrap();
        let zone = users::get(&db.store, user).await.unwrap().time_zone;
        assert_eq!(Some(zone.as_str()), world.sim.timezone(index));
        // A zone the athlete chose is never replaced.
        users::set_time_zone(&db.store, user, "Pacific/Auckland").await.unwrap();
        sync::onboard(&world.ctx, user, 30, &|_| {}).await.unwrap();
        assert_eq!(users::get(&db.store, user).await.unwrap().time_zone, "Pacific/Auckland");
    }
);
