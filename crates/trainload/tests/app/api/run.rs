//! `POST /scheduler/run/{job_id}`: 202 + Location, `?wait=true`, idempotency, overlap.

use serde_json::json;

use crate::support::app::{
    AppOptions, TestJob, assert_error, body, engines, spawn_app, spawn_app_with,
};
use queue::TriggerKind;

#[tokio::test]
async fn a_manual_run_answers_202_with_its_location_and_leaves_the_schedule_alone() {
    let app = spawn_app(vec![TestJob::new("counting", vec![1, 2]).arc()]).await;
    let before = app.scheduler.jobs().await.unwrap();
    let response = app.post("/scheduler/run/counting").await;
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body = body(response).await;
    let run_id = body["run_id"].as_i64().unwrap();
    assert_eq!(location, format!("/scheduler/runs/{run_id}"));
    assert_eq!(body["status_url"], location);
    assert_eq!(body["job_id"], "counting");
    assert_eq!(body["state"], "pending");
    let run = app.scheduler.run(run_id).await.unwrap();
    assert_eq!(run.scheduled_for_ms, None);
    assert_eq!(run.trigger_kind, TriggerKind::Manual);
    assert_eq!(run.tasks_total, 2);
    assert_eq!(
        app.scheduler.jobs().await.unwrap(),
        before,
        "the schedule row did not move"
    );
}

#[tokio::test]
async fn wait_true_returns_the_finished_run_summary() {
    let options = AppOptions {
        workers: 2,
        ..AppOptions::default()
    };
    let app = spawn_app_with(options, vec![TestJob::new("counting", vec![1, 2, 3]).arc()]).await;
    let response = app
        .post("/scheduler/run/counting?wait=true&timeout=30")
        .await;
    assert_eq!(response.status(), 200);
    let body = body(response).await;
    assert_eq!(body["state"], "succeeded");
    assert_eq!(body["tasks_total"], 3);
    assert_eq!(body["tasks_succeeded"], 3);
    assert_eq!(body["summary"]["counters"]["new_activities"], 6);
    assert_eq!(body["task_counts"]["succeeded"], 3);
    assert_eq!(
        body["tasks"],
        json!([]),
        "only problem tasks are listed by default"
    );
}

#[tokio::test]
async fn wait_true_answers_202_when_the_timeout_passes_first() {
    // No worker slots: the run stays pending.
    let app = spawn_app(vec![TestJob::new("counting", vec![1]).arc()]).await;
    let response = app
        .post("/scheduler/run/counting?wait=true&timeout=1")
        .await;
    assert_eq!(response.status(), 202);
    assert_eq!(body(response).await["state"], "pending");
}

#[tokio::test]
async fn an_unknown_job_is_a_json_404() {
    let app = spawn_app(vec![]).await;
    let response = app.post("/scheduler/run/nope").await;
    assert_eq!(response.status(), 404);
    let body = body(response).await;
    assert_error(&body, "job_not_found");
    assert_eq!(body["error"], "job nope not found");
    assert!(body["detail"].is_null());
}

#[tokio::test]
async fn the_same_idempotency_key_twice_returns_the_same_run() {
    for engine in engines() {
        let options = AppOptions {
            engine,
            ..AppOptions::default()
        };
        let app = spawn_app_with(options, vec![TestJob::new("counting", vec![1]).arc()]).await;
        let send = || {
            app.client
                .post(app.url("/scheduler/run/counting"))
                .bearer_auth(crate::support::app::TOKEN)
                .header("Idempotency-Key", "abc-1")
                .send()
        };
        let first = send().await.unwrap();
        assert_eq!(first.status(), 202);
        assert!(first.headers().get("idempotent-replayed").is_none());
        let second = send().await.unwrap();
        assert_eq!(second.status(), 202);
        assert_eq!(second.headers()["idempotent-replayed"], "true");
        assert_eq!(body(first).await["run_id"], body(second).await["run_id"]);
        assert_eq!(
            app.scheduler
                .runs(Some("counting"), None, None, 10)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_with_one_idempotency_key_create_one_run() {
    for engine in engines() {
        let options = AppOptions {
            engine,
            ..AppOptions::default()
        };
        let app = spawn_app_with(options, vec![TestJob::new("counting", vec![1]).arc()]).await;
        let requests = (0..8).map(|_| {
            app.client
                .post(app.url("/scheduler/run/counting"))
                .bearer_auth(crate::support::app::TOKEN)
                .header("Idempotency-Key", "same")
                .send()
        });
        let responses = futures_join_all(requests).await;
        let mut run_ids = std::collections::BTreeSet::new();
        let mut originals = 0;
        for response in responses {
            let response = response.unwrap();
            assert_eq!(response.status(), 202);
            if response.headers().get("idempotent-replayed").is_none() {
                originals += 1;
            }
            run_ids.insert(body(response).await["run_id"].as_i64().unwrap());
        }
        assert_eq!(run_ids.len(), 1, "{engine:?}: {run_ids:?}");
        assert_eq!(originals, 1, "{engine:?}");
        assert_eq!(
            app.scheduler
                .runs(Some("counting"), None, None, 10)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

/// Awaits every future concurrently (tokio tasks, no extra crate).
async fn futures_join_all<F, T>(futures: impl Iterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_live_run_under_skip_answers_409_and_records_nothing() {
    for engine in engines() {
        let options = AppOptions {
            engine,
            ..AppOptions::default()
        };
        let app = spawn_app_with(options, vec![TestJob::new("counting", vec![1, 2]).arc()]).await;
        let live = app.start_run("counting").await;
        let response = app.post("/scheduler/run/counting").await;
        assert_eq!(response.status(), 409);
        let body = body(response).await;
        assert_error(&body, "run_overlap");
        assert_eq!(body["live_run_id"], live);
        assert!(body.get("run_id").is_none(), "{body}");
        let runs = app
            .scheduler
            .runs(Some("counting"), None, None, 10)
            .await
            .unwrap();
        assert_eq!(runs.len(), 1, "{engine:?}: {runs:?}");
        // overlap=allow starts the run; both users' live tasks absorb it (per-user dedupe).
        let allowed = app
            .post_json("/scheduler/run/counting", &json!({"overlap": "allow"}))
            .await;
        assert_eq!(allowed.status(), 202);
        let allowed_id = crate::support::app::body(allowed).await["run_id"]
            .as_i64()
            .unwrap();
        let allowed = app.scheduler.run(allowed_id).await.unwrap();
        assert_eq!((allowed.tasks_total, allowed.users_deduped), (0, 2));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_requests_without_a_key_start_one_run_and_refuse_the_rest() {
    for engine in engines() {
        let options = AppOptions {
            engine,
            ..AppOptions::default()
        };
        let app = spawn_app_with(options, vec![TestJob::new("quick_sync", vec![1, 2]).arc()]).await;
        let requests = (0..16).map(|_| {
            app.client
                .post(app.url("/scheduler/run/quick_sync"))
                .bearer_auth(crate::support::app::TOKEN)
                .send()
        });
        let mut statuses = std::collections::BTreeMap::new();
        for response in futures_join_all(requests).await {
            *statuses
                .entry(response.unwrap().status().as_u16())
                .or_insert(0) += 1;
        }
        assert_eq!(
            statuses,
            std::collections::BTreeMap::from([(202, 1), (409, 15)]),
            "{engine:?}"
        );
        let runs = app
            .scheduler
            .runs(Some("quick_sync"), None, None, 50)
            .await
            .unwrap();
        assert_eq!(runs.len(), 1, "{engine:?}: {runs:?}");
        assert_eq!(runs[0].tasks_total, 2);
    }
}
