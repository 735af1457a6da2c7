//! The demo's cast and its simulator: the showcase profiles, the revoked athlete's re-auth
//! state, and new activities that a quick sync picks up.

use reqwest::StatusCode;
use trainload::sync::{SyncOptions, user_sync};

use crate::support::demo::start;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cast_shows_each_profile_and_the_fifth_athlete_must_reconnect_strava() {
    let demo = start(5, 10).await;
    let profiles: Vec<_> = demo.athletes.iter().map(|a| a.profile).collect();
    assert_eq!(
        &profiles[..4],
        ["cyclist", "runner", "triathlete", "hr_only"]
    );
    assert_eq!(
        demo.athletes.iter().map(|a| a.revoked).collect::<Vec<_>>(),
        [false, false, false, false, true]
    );

    let revoked = demo.sign_in(4).await;
    let (status, summary) = revoked.json("/api/v1/me/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    let strava = summary["integrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["provider"] == "strava")
        .unwrap();
    assert_eq!(strava["status"], "needs_reauth", "{summary}");
    let (_, html) = revoked.text("/dashboard").await;
    assert!(html.contains("Strava needs you to reconnect"));

    let fine = demo.sign_in(0).await;
    let (_, html) = fine.text("/dashboard").await;
    assert!(!html.contains("needs you to reconnect"));
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_activity_the_simulator_records_is_found_by_the_next_quick_sync() {
    let demo = start(1, 10).await;
    let me = demo.sign_in(0).await;
    let (_, before) = me.json("/api/v1/me/activities?limit=1").await;
    let client = trainload::demo::sim_client();
    trainload::demo::record_activity(&client, demo.sim.addr(), &demo.athletes[0])
        .await
        .unwrap();
    let report = user_sync(&demo.ctx, demo.athletes[0].user, &SyncOptions::quick())
        .await
        .unwrap();
    // The scheduler may have run a quick sync in between; either way the activity is stored.
    assert!(report.errors.is_empty(), "{report:?}");
    let (_, after) = me.json("/api/v1/me/activities?limit=1").await;
    assert_eq!(
        after["total"].as_u64().unwrap(),
        before["total"].as_u64().unwrap() + 1
    );
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_activity_reaches_the_dashboard_through_its_webhook_with_no_sync() {
    let demo = start(1, 10).await;
    demo.subscribe().await;
    let me = demo.sign_in(0).await;
    let (_, before) = me.json("/api/v1/me/activities?limit=1").await;
    let client = trainload::demo::sim_client();
    trainload::demo::record_activity(&client, demo.sim.addr(), &demo.athletes[0])
        .await
        .unwrap();
    // The demo's webhook task waits two seconds for more events, then the worker runs it.
    let mut total = 0;
    for _ in 0..150 {
        let (_, after) = me.json("/api/v1/me/activities?limit=1").await;
        total = after["total"].as_u64().unwrap();
        if total > before["total"].as_u64().unwrap() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        total,
        before["total"].as_u64().unwrap() + 1,
        "no quick sync ran"
    );
    demo.stop().await;
}
