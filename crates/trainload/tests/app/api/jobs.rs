//! `GET /scheduler/jobs`, pause and resume.

use crate::support::app::{AppOptions, TestJob, assert_error, body, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_job_list_keeps_the_replaced_api_names_and_shows_times_with_the_zone_offset() {
    let options = AppOptions {
        zone: "Europe/Berlin",
        ..AppOptions::default()
    };
    let app = spawn_app_with(options, vec![TestJob::new("counting", vec![1]).arc()]).await;
    let run_id = app.start_run("counting").await;
    let response = app.get("/scheduler/jobs").await;
    assert_eq!(response.status(), 200);
    let body = body(response).await;
    assert_eq!(body["total_jobs"], 1);
    assert!(body["scheduler_running"].is_boolean());
    assert_eq!(body["zone"], "Europe/Berlin");
    let job = &body["jobs"][0];
    assert_eq!(job["id"], "counting");
    assert_eq!(job["name"], "Test job");
    assert_eq!(job["spec"]["kind"], "calendar");
    assert_eq!(job["overlap"], "skip");
    assert_eq!(job["catch_up_window_s"], 3600);
    assert_eq!(job["paused"], false);
    // 02:00 on 1 January in Berlin is 01:00Z: winter time, offset +01:00.
    let next = job["next_run_time"].as_str().unwrap();
    assert!(
        next.ends_with("T02:00:00+01:00") && next.contains("-01-01"),
        "{next}"
    );
    assert_eq!(job["upcoming"].as_array().unwrap().len(), 5);
    assert_eq!(job["upcoming"][0], job["next_run_time"]);
    assert_eq!(job["trigger"], "cron 0 2 1 1 * (Europe/Berlin)");
    assert_eq!(job["last_run"]["id"], run_id);
    assert_eq!(job["last_run"]["trigger"], "manual");
}

#[tokio::test]
async fn pause_without_a_reason_is_422_and_changes_nothing() {
    let app = spawn_app(vec![TestJob::new("counting", vec![1]).arc()]).await;
    for body_json in [
        None,
        Some(serde_json::json!({})),
        Some(serde_json::json!({"reason": "  "})),
    ] {
        let request = app
            .client
            .post(app.url("/scheduler/jobs/counting/pause"))
            .bearer_auth(crate::support::app::TOKEN);
        let request = match &body_json {
            Some(b) => request.json(b),
            None => request,
        };
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 422, "{body_json:?}");
        assert_error(&body(response).await, "reason_required");
    }
    assert!(!app.scheduler.jobs().await.unwrap()[0].paused);
}

#[tokio::test]
async fn pause_then_resume_round_trips() {
    let app = spawn_app(vec![TestJob::new("counting", vec![1]).arc()]).await;
    let paused = app
        .post_json(
            "/scheduler/jobs/counting/pause",
            &serde_json::json!({"reason": "provider outage"}),
        )
        .await;
    assert_eq!(paused.status(), 200);
    let paused = body(paused).await;
    assert_eq!(paused["paused"], true);
    assert_eq!(paused["paused_reason"], "provider outage");
    assert_eq!(paused["paused_by"], "admin:token");
    assert!(paused["paused_at"].is_string());
    let resumed = app.post("/scheduler/jobs/counting/resume").await;
    assert_eq!(resumed.status(), 200);
    let resumed = body(resumed).await;
    assert_eq!(resumed["paused"], false);
    assert!(resumed["paused_reason"].is_null());
    assert!(resumed["next_run_time"].is_string());
}

#[tokio::test]
async fn pausing_or_resuming_an_unknown_job_is_404() {
    let app = spawn_app(vec![]).await;
    let response = app
        .post_json(
            "/scheduler/jobs/nope/pause",
            &serde_json::json!({"reason": "x"}),
        )
        .await;
    assert_eq!(response.status(), 404);
    assert_error(&body(response).await, "job_not_found");
    let response = app.post("/scheduler/jobs/nope/resume").await;
    assert_eq!(response.status(), 404);
    assert_error(&body(response).await, "job_not_found");
}
