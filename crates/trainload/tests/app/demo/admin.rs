//! The demo's admin and live updates end to end: the first athlete is the admin, sees the five
//! jobs and starts a quick sync from the page; the sync finds the activity the simulator just
//! recorded and the athlete's open `/events` stream hears about it.

use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::support::demo::start;
use crate::support::sse::SseStream;

const JOBS: [&str; 5] = [
    "daily_sync",
    "monthly_utl",
    "quick_sync",
    "resting_hr_update",
    "weekly_thresholds",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_runs_a_quick_sync_from_the_page_and_the_open_dashboard_hears_of_the_new_activity()
 {
    let demo = start(2, 10).await;
    let admin = demo.sign_in(0).await;
    let athlete = demo.sign_in(1).await;
    let (status, _) = athlete.text("/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, overview) = admin.text("/admin").await;
    assert_eq!(status, StatusCode::OK);
    for job in JOBS {
        assert!(
            overview.contains(&format!(r#"<button id="run-{job}" type="submit">"#)),
            "{job}: {overview}"
        );
    }
    assert!(overview.contains("Provider rate budget"));

    let mut events = SseStream::greeted(admin.raw_get("/events").await).await;
    trainload::demo::record_activity(
        &trainload::demo::sim_client(),
        demo.sim.addr(),
        &demo.athletes[0],
    )
    .await
    .unwrap();
    let response = admin.post_form("/admin/jobs/quick_sync/run", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    let run_id = location.strip_prefix("/admin?started=").unwrap();
    let (status, landed) = admin.text(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        landed.contains(&format!(
            r#"<tr class="run" data-job="quick_sync" data-run="{run_id}">"#
        )),
        "{landed}"
    );

    // The quick sync (this run, or a scheduled one just before it) stores the new activity and
    // appends the event the open dashboard refreshes on.
    loop {
        let message = events.message().await;
        assert_eq!(message.data["user"], demo.athletes[0].user.0, "{message:?}");
        assert_eq!(
            message.id,
            Some(message.data["id"].to_string()),
            "the SSE id is the event id"
        );
        if message.data["kind"] == "activity_processed" {
            assert!(message.data["payload"]["new_activities"].as_u64().unwrap() >= 1);
            break;
        }
    }
    demo.stop().await;
}
