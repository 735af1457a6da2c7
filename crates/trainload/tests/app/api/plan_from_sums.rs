//! The plan reads the stored day sums and only its detail window of activities; on both engines
//! it equals, bit for bit, the plan over every activity of the three years it used to read, for
//! a long history and for one whose last activity is older than the window.

use science::recommend::{RecommendInput, day_sums, recommend};
use trainload::read::recommend::{plan_input, planned_activities};
use trainload::store::Store;
use trainload::store::loaded_activities;
use trainload::store::users::UserId;

use crate::api::athlete_data::{Athlete, add_ride, app, day, today};
use crate::support::app::engines;

/// Rides on every day of `days` (days from today), two on every fifth, with loads of many
/// different bits.
async fn rides(store: &Store, user: UserId, days: std::ops::RangeInclusive<i64>) {
    let mut id = 1_000;
    for k in days {
        let utl = 35.0 + (k * 37).rem_euclid(90) as f64 + 0.013 * k as f64;
        id += 1;
        add_ride(store, user, id, day(k), utl.max(0.0)).await;
        if k % 5 == 0 {
            id += 1;
            add_ride(store, user, id, day(k), utl / 3.0 + 7.1).await;
        }
    }
}

/// The plan from the stored sums and the window, and the plan over every activity of three
/// years (the earlier input); the number of activities each read in detail.
async fn both_plans(store: &Store, user: UserId) -> (String, String, usize, usize) {
    let history = trainload::read::history(store, user).await.unwrap();
    let cfg = science::Config::default();
    let input = plan_input(store, &history, &cfg).await.unwrap();
    let stored = loaded_activities::between(store, user, day(-3 * 365), today())
        .await
        .unwrap();
    let every = planned_activities(&stored);
    let earlier = RecommendInput {
        daily: day_sums(&every).unwrap(),
        recent: every,
        ..input.clone()
    };
    let plan = |i: &RecommendInput| {
        let r = recommend(i, &cfg.recommend, &cfg.load, &cfg.utl.sports).unwrap();
        format!("{r:?}")
    };
    (
        plan(&input),
        plan(&earlier),
        input.recent.len(),
        earlier.recent.len(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_from_day_sums_is_the_plan_from_every_activity() {
    for engine in engines() {
        let app = app(engine).await;

        let steady = Athlete::new(&app).await;
        rides(&app.store, steady.id, -200..=0).await;
        let (new, old, window, every) = both_plans(&app.store, steady.id).await;
        assert_eq!(new, old);
        assert!(
            window < every,
            "only the window in detail: {window} of {every}"
        );

        // Nothing in the last 90 days: the days' sport follows the latest earlier ride.
        let back = Athlete::new(&app).await;
        rides(&app.store, back.id, -160..=-100).await;
        let (new, old, window, every) = both_plans(&app.store, back.id).await;
        assert_eq!(new, old);
        assert_eq!(window, every, "every activity read after a break");
        let plan = back.ok(&app, "/api/v1/me/recommendations").await;
        let sports: Vec<&str> = plan["days"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["intensity"] != "rest")
            .map(|d| d["sport"].as_str().unwrap())
            .collect();
        assert!(
            !sports.is_empty() && sports.iter().all(|&s| s == "cycling"),
            "{plan}"
        );
    }
}
