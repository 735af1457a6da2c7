//! `GET /scheduler/runs`, `GET /scheduler/runs/{id}`, retry-failed and cancel.

use crate::support::app::{Script, TestJob, assert_error, body, spawn_app};
use queue::{RunState, TaskState};

#[tokio::test]
async fn an_unknown_run_is_404_and_a_malformed_id_is_400() {
    let app = spawn_app(vec![]).await;
    let response = app.get("/scheduler/runs/999").await;
    assert_eq!(response.status(), 404);
    assert_error(&body(response).await, "run_not_found");
    let response = app.get("/scheduler/runs/abc").await;
    assert_eq!(response.status(), 400);
    assert_error(&body(response).await, "invalid_path");
    for path in [
        "/scheduler/runs/999/retry-failed",
        "/scheduler/runs/999/cancel",
    ] {
        let response = app.post(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_error(&body(response).await, "run_not_found");
    }
}

#[tokio::test]
async fn runs_are_listed_newest_first_with_filters_and_a_cursor() {
    let app = spawn_app(vec![
        TestJob::new("a", vec![1]).arc(),
        TestJob::new("b", vec![1]).arc(),
    ])
    .await;
    let first = app.start_run("a").await;
    let second = app.start_run("b").await;
    let all = body(app.get("/scheduler/runs").await).await;
    let ids: Vec<i64> = all["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![second, first]);
    let only_a = body(app.get("/scheduler/runs?job=a").await).await;
    assert_eq!(only_a["runs"].as_array().unwrap().len(), 1);
    assert_eq!(only_a["runs"][0]["job_id"], "a");
    let page = body(app.get("/scheduler/runs?limit=1").await).await;
    assert_eq!(page["runs"][0]["id"], second);
    assert_eq!(page["next_before"], second);
    let next = body(
        app.get(&format!("/scheduler/runs?limit=1&before={second}"))
            .await,
    )
    .await;
    assert_eq!(next["runs"][0]["id"], first);
    let none = body(app.get("/scheduler/runs?state=succeeded").await).await;
    assert_eq!(none["runs"].as_array().unwrap().len(), 0);
    let response = app.get("/scheduler/runs?state=bogus").await;
    assert_eq!(response.status(), 400);
    assert_error(&body(response).await, "invalid_state");
    let response = app.get("/scheduler/runs?limit=many").await;
    assert_eq!(response.status(), 400);
    assert_error(&body(response).await, "invalid_query");
}

#[tokio::test]
async fn a_run_shows_problem_tasks_by_default_and_all_on_request() {
    let job = TestJob::new("mixed", vec![1, 2, 3]).script(2, Script::Permanent);
    let app = spawn_app(vec![job.arc()]).await;
    let run_id = app.start_run("mixed").await;
    app.drain().await;
    let problems = body(app.get(&format!("/scheduler/runs/{run_id}")).await).await;
    assert_eq!(problems["state"], "partial");
    assert_eq!(problems["task_counts"]["succeeded"], 2);
    assert_eq!(problems["task_counts"]["failed"], 1);
    let tasks = problems["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["user_id"], 2);
    assert_eq!(tasks[0]["state"], "failed");
    assert_eq!(tasks[0]["error_class"], "permanent");
    assert_eq!(tasks[0]["error"], "token revoked");
    assert_eq!(tasks[0]["attempt"], 1);
    assert!(tasks[0]["duration_ms"].is_i64());
    assert!(problems.get("lag_ms").is_some() && problems.get("note").is_some());
    let all = body(
        app.get(&format!("/scheduler/runs/{run_id}?tasks=all"))
            .await,
    )
    .await;
    assert_eq!(all["tasks"].as_array().unwrap().len(), 3);
    let response = app
        .get(&format!("/scheduler/runs/{run_id}?tasks=some"))
        .await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn retry_failed_requeues_failed_tasks_and_reopens_the_run() {
    let job = TestJob::new("mixed", vec![1, 2]).script(2, Script::Permanent);
    let app = spawn_app(vec![job.arc()]).await;
    let run_id = app.start_run("mixed").await;
    app.drain().await;
    assert_eq!(
        app.scheduler.run(run_id).await.unwrap().state,
        RunState::Partial
    );
    let response = app
        .post(&format!("/scheduler/runs/{run_id}/retry-failed"))
        .await;
    assert_eq!(response.status(), 200);
    let body = body(response).await;
    assert_eq!(body["requeued"], 1);
    assert_eq!(body["conflicts"], serde_json::json!([]));
    let run = app.scheduler.run(run_id).await.unwrap();
    assert_eq!((run.state, run.tasks_failed), (RunState::Running, 0));
    let detail = app.scheduler.run_detail(run_id, false).await.unwrap();
    assert_eq!(detail.tasks[0].state, TaskState::Ready);
    assert_eq!(detail.tasks[0].attempt, 0);
}

#[tokio::test]
async fn cancel_cancels_ready_tasks_and_a_final_run_cannot_be_cancelled() {
    let app = spawn_app(vec![TestJob::new("counting", vec![1, 2]).arc()]).await;
    let run_id = app.start_run("counting").await;
    let response = app.post(&format!("/scheduler/runs/{run_id}/cancel")).await;
    assert_eq!(response.status(), 200);
    let body_json = body(response).await;
    assert_eq!(body_json["cancelled"], 2);
    assert_eq!(body_json["run"]["state"], "cancelled");
    let again = app.post(&format!("/scheduler/runs/{run_id}/cancel")).await;
    assert_eq!(again.status(), 409);
    assert_error(&body(again).await, "run_final");
}
