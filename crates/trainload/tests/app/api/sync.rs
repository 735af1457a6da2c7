//! `POST /sync/test/{user_id}`: the user's `quick_sync` task inline.

use crate::support::app::{
    AppOptions, Script, TestApp, TestJob, add_user, assert_error, body, engines, spawn_app,
    spawn_app_with,
};
use queue::{RunState, TriggerKind};

#[tokio::test]
async fn sync_test_runs_the_users_task_inline_and_answers_the_report_fields() {
    let app = spawn_app(vec![TestJob::new("quick_sync", vec![]).arc()]).await;
    let user = add_user(&app.store).await;
    let response = app.post(&format!("/sync/test/{user}")).await;
    assert_eq!(response.status(), 200);
    let body = body(response).await;
    assert_eq!(body["message"], "sync finished");
    assert_eq!(body["new_activities"], 2);
    assert_eq!(body["updated_activities"], 1);
    assert_eq!(body["wellness_days"], 7);
    assert_eq!(body["wellness_synced"], true);
    assert_eq!(body["has_strava"], true);
    assert_eq!(body["has_intervals"], true);
    assert_eq!(body["thresholds_changed"], serde_json::json!([]));
    assert_eq!(body["errors"], serde_json::json!([]));
    assert!(body["duration_ms"].is_u64());
    // The call is in the ledger as a manual quick_sync run of that user, finished.
    let run = app
        .scheduler
        .run(body["run_id"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(
        (run.job_id.as_str(), run.trigger_kind, run.state),
        ("quick_sync", TriggerKind::Manual, RunState::Succeeded)
    );
    let detail = app.scheduler.run_detail(run.id, true).await.unwrap();
    assert_eq!(detail.tasks.len(), 1);
    assert_eq!(detail.tasks[0].user_id, user);
}

#[tokio::test]
async fn sync_test_of_an_unknown_user_is_404() {
    let app = spawn_app(vec![TestJob::new("quick_sync", vec![]).arc()]).await;
    let response = app.post("/sync/test/4242").await;
    assert_eq!(response.status(), 404);
    assert_error(&body(response).await, "user_not_found");
    assert!(
        app.scheduler
            .runs(None, None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn sync_test_is_409_while_the_user_has_a_live_task_and_records_no_run() {
    for engine in engines() {
        let options = AppOptions {
            engine,
            ..AppOptions::default()
        };
        let app = spawn_app_with(options, vec![TestJob::new("quick_sync", vec![]).arc()]).await;
        refused_sync_test_leaves_no_run(&app).await;
    }
}

async fn refused_sync_test_leaves_no_run(app: &TestApp) {
    let user = add_user(&app.store).await;
    // A queued quick_sync task for the user (no worker slots, so it stays ready).
    let queued = app
        .post_json(
            "/scheduler/run/quick_sync",
            &serde_json::json!({"users": [user]}),
        )
        .await;
    assert_eq!(queued.status(), 202);
    let response = app.post(&format!("/sync/test/{user}")).await;
    assert_eq!(response.status(), 409);
    let body = body(response).await;
    assert_error(&body, "task_live");
    assert!(body["detail"]["live_task_id"].is_i64(), "{body}");
    let runs = app
        .scheduler
        .runs(Some("quick_sync"), None, None, 10)
        .await
        .unwrap();
    assert_eq!(runs.len(), 1, "only the queued run: {runs:?}");
}

#[tokio::test]
async fn sync_test_is_429_with_retry_after_when_the_budget_is_exhausted() {
    let until = jiff::Timestamp::now().as_millisecond() + 90_000;
    // The first user of a fresh database is user 1.
    let job = TestJob::new("quick_sync", vec![]).script(1, Script::RateLimited(until));
    let app = spawn_app(vec![job.arc()]).await;
    let user = add_user(&app.store).await;
    assert_eq!(user, 1);
    let response = app.post(&format!("/sync/test/{user}")).await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=90).contains(&retry_after), "{retry_after}");
    assert_error(&body(response).await, "budget_exhausted");
}

#[tokio::test]
async fn sync_test_answers_502_with_the_failed_task_in_errors() {
    let job = TestJob::new("quick_sync", vec![]).script(1, Script::Permanent);
    let app = spawn_app(vec![job.arc()]).await;
    let user = add_user(&app.store).await;
    assert_eq!(user, 1);
    let response = app.post(&format!("/sync/test/{user}")).await;
    // A failed sync says so in its status code, not only in its body.
    assert_eq!(response.status(), 502);
    let body = body(response).await;
    assert_eq!(body["message"], "sync failed");
    assert_eq!(body["errors"][0]["class"], "permanent");
}
