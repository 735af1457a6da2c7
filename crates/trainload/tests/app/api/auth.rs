//! Every admin endpoint answers 401 without the admin token or with a wrong one.

use crate::support::app::{TestJob, assert_error, body, spawn_app};

const ADMIN_ENDPOINTS: [(&str, &str); 9] = [
    ("GET", "/scheduler/jobs"),
    ("POST", "/scheduler/run/counting"),
    ("GET", "/scheduler/runs"),
    ("GET", "/scheduler/runs/1"),
    ("POST", "/scheduler/jobs/counting/pause"),
    ("POST", "/scheduler/jobs/counting/resume"),
    ("POST", "/scheduler/runs/1/retry-failed"),
    ("POST", "/scheduler/runs/1/cancel"),
    ("POST", "/sync/test/1"),
];

#[tokio::test]
async fn every_admin_endpoint_refuses_a_missing_or_wrong_token() {
    let app = spawn_app(vec![TestJob::new("counting", vec![1]).arc()]).await;
    for (method, path) in ADMIN_ENDPOINTS {
        for token in [None, Some("wrong-token")] {
            let mut request = app.client.request(method.parse().unwrap(), app.url(path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 401, "{method} {path} with {token:?}");
            assert_eq!(response.headers()["www-authenticate"], "Bearer");
            assert_error(&body(response).await, "unauthorized");
        }
    }
    // Nothing was started by the refused requests.
    assert!(
        app.scheduler
            .runs(None, None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn health_and_metrics_need_no_token() {
    let app = spawn_app(vec![]).await;
    for path in ["/health", "/metrics"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn an_unknown_path_is_a_json_404_with_the_request_id_echoed() {
    let app = spawn_app(vec![]).await;
    let response = app
        .client
        .get(app.url("/nope"))
        .header("x-request-id", "req-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["x-request-id"], "req-123");
    let body = body(response).await;
    assert_error(&body, "not_found");
    assert_eq!(body["request_id"], "req-123");
}
