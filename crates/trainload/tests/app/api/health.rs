//! `GET /health` and `GET /metrics`.

use crate::support::app::{TestJob, body, eventually, spawn_app};

#[tokio::test]
async fn health_reports_the_database_and_the_scheduler() {
    let app = spawn_app(vec![]).await;
    let response = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body = body(response).await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["ok"], true);
    assert_eq!(body["database"]["engine"], "sqlite");
    assert!(body["database"]["latency_ms"].is_u64());
    assert_eq!(body["scheduler"]["enabled"], true);
    assert!(body["scheduler"]["running"].is_boolean());
    assert_eq!(body["scheduler"]["stale_jobs"], serde_json::json!([]));
    assert_eq!(body["build"], env!("CARGO_PKG_VERSION"));
    // The tick loop ticks at start.
    eventually("a tick", || async {
        let body =
            crate::support::app::body(app.client.get(app.url("/health")).send().await.unwrap())
                .await;
        body["scheduler"]["last_tick_at"].is_string() && body["scheduler"]["running"] == true
    })
    .await;
}

#[tokio::test]
async fn health_is_503_when_the_database_is_down() {
    let app = spawn_app(vec![]).await;
    app.store.close().await;
    let response = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    let body = body(response).await;
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database"]["ok"], false);
}

#[tokio::test]
async fn metrics_expose_runs_tasks_and_next_fires_as_prometheus_text() {
    let app = spawn_app(vec![TestJob::new("counting", vec![1, 2]).arc()]).await;
    app.start_run("counting").await;
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains("# TYPE trainload_scheduler_runs_total counter"),
        "{text}"
    );
    assert!(text.contains("trainload_scheduler_runs_total{job=\"counting\",state=\"pending\",trigger=\"manual\"} 1"), "{text}");
    assert!(
        text.contains("trainload_scheduler_tasks{job=\"counting\",state=\"ready\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("trainload_scheduler_next_fire_timestamp_seconds{job=\"counting\"} "),
        "{text}"
    );
    assert!(
        text.contains("trainload_scheduler_oldest_ready_task_age_seconds "),
        "{text}"
    );
    assert!(!text.contains("user_id"));
}

#[tokio::test]
async fn metrics_count_http_requests_per_route_template_and_status_class() {
    let app = spawn_app(vec![]).await;
    for path in ["/health", "/health", "/no/such/page/12345"] {
        app.client.get(app.url(path)).send().await.unwrap();
    }
    let response = app
        .client
        .get(app.url("/scheduler/runs/424242"))
        .bearer_auth(crate::support::app::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("# TYPE trainload_http_requests_total counter"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE trainload_http_request_duration_seconds histogram"),
        "{text}"
    );
    assert!(
        text.contains(
            "trainload_http_requests_total{method=\"GET\",route=\"/health\",status=\"2xx\"} 2"
        ),
        "{text}"
    );
    // The route is its template: no id, so no user id, becomes a label value.
    assert!(
        text.contains("trainload_http_requests_total{method=\"GET\",route=\"/scheduler/runs/{id}\",status=\"4xx\"} 1"),
        "{text}"
    );
    assert!(
        text.contains(
            "trainload_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"4xx\"} 1"
        ),
        "{text}"
    );
    assert!(
        !text.contains("424242") && !text.contains("12345"),
        "{text}"
    );
    let labels = "method=\"GET\",route=\"/health\",status=\"2xx\"";
    assert!(
        text.contains(&format!(
            "trainload_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 2"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "trainload_http_request_duration_seconds_count{{{labels}}} 2"
        )),
        "{text}"
    );
    // Buckets are cumulative: never decreasing up to the total.
    let counts: Vec<u64> = text
        .lines()
        .filter(|l| {
            l.starts_with(&format!(
                "trainload_http_request_duration_seconds_bucket{{{labels}"
            ))
        })
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(counts.len(), 12, "{text}");
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert!(!text.contains("user_id"));
}
