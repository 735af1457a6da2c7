//! Input the scheduler API refuses: unknown enum values and keys, out-of-range limits, bad pause
//! reasons; and the `Authorization` scheme in any case.

use serde_json::json;

use crate::support::app::{TOKEN, TestJob, assert_error, body, spawn_app};

#[tokio::test]
async fn an_unknown_overlap_or_key_in_a_run_body_is_400_and_starts_nothing() {
    let app = spawn_app(vec![TestJob::new("counting", vec![1]).arc()]).await;
    for bad in [
        json!({"overlap": "sideways"}),
        json!({"overlap": 1}),
        json!({"overlap": "allow", "colour": "red"}),
        json!({"users": "all"}),
    ] {
        let response = app.post_json("/scheduler/run/counting", &bad).await;
        assert_eq!(response.status(), 400, "{bad}");
        assert_error(&body(response).await, "invalid_body");
    }
    assert!(
        app.scheduler
            .runs(None, None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let skip = app
        .post_json("/scheduler/run/counting", &json!({"overlap": "skip"}))
        .await;
    assert_eq!(skip.status(), 202);
}

#[tokio::test]
async fn a_run_list_limit_outside_1_to_500_is_400() {
    let app = spawn_app(vec![TestJob::new("counting", vec![1]).arc()]).await;
    for limit in ["-1", "0", "501", "x"] {
        let response = app.get(&format!("/scheduler/runs?limit={limit}")).await;
        assert_eq!(response.status(), 400, "limit={limit}");
        let body = body(response).await;
        let code = body["code"].as_str().unwrap().to_owned();
        assert!(code == "invalid_limit" || code == "invalid_query", "{body}");
    }
    for limit in ["1", "500"] {
        let response = app.get(&format!("/scheduler/runs?limit={limit}")).await;
        assert_eq!(response.status(), 200, "limit={limit}");
    }
}

#[tokio::test]
async fn a_pause_reason_must_be_a_bounded_string_without_unknown_keys() {
    let app = spawn_app(vec![TestJob::new("counting", vec![1]).arc()]).await;
    let long = "x".repeat(201);
    for (bad, code) in [
        (json!({"reason": 5}), "invalid_body"),
        (
            json!({"reason": "outage", "until": "tomorrow"}),
            "invalid_body",
        ),
        (json!({"reason": long}), "invalid_reason"),
    ] {
        let response = app.post_json("/scheduler/jobs/counting/pause", &bad).await;
        assert_eq!(response.status(), 400, "{bad}");
        assert_error(&body(response).await, code);
    }
    assert!(!app.scheduler.jobs().await.unwrap()[0].paused);
    let response = app
        .post_json(
            "/scheduler/jobs/counting/pause",
            &json!({"reason": "y".repeat(200)}),
        )
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn pausing_an_unknown_job_is_404_whatever_the_body() {
    let app = spawn_app(vec![]).await;
    for payload in [json!({}), json!({"reason": "x"})] {
        let response = app.post_json("/scheduler/jobs/nope/pause", &payload).await;
        assert_eq!(response.status(), 404, "{payload}");
        assert_error(&body(response).await, "job_not_found");
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = spawn_app(vec![]).await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = app
            .client
            .get(app.url("/scheduler/jobs"))
            .header("authorization", format!("{scheme} {TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{scheme}");
    }
    for value in [
        format!("Basic {TOKEN}"),
        format!("Bearer{TOKEN}"),
        "bearer ".to_owned(),
    ] {
        let response = app
            .client
            .get(app.url("/scheduler/jobs"))
            .header("authorization", value.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{value}");
    }
}
