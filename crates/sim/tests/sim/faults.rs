//! Every fault kind is observable.

use std::time::Duration;

use serde_json::Value;
use sim::{FaultKind, SimConfig};

use crate::helpers::{Ctx, start, unlimited};

async fn with_fault(kind: FaultKind) -> Ctx {
    let mut config: SimConfig = unlimited(21, 6);
    config.fault_settings.stall = Duration::from_millis(300);
    // Athlete 0 gets the fault; athlete 1 stays healthy. Intervals faults need an account.
    let target = if matches!(
        kind,
        FaultKind::Intervals5xx | FaultKind::IntervalsMalformed | FaultKind::Intervals401
    ) {
        let probe = crate::helpers::start(unlimited(21, 6)).await;
        let index = probe
            .info
            .athletes
            .iter()
            .find(|a| a.intervals_api_key.is_some())
            .unwrap()
            .index;
        probe.handle.shutdown();
        index
    } else {
        0
    };
    config.faults = vec![(target, kind)];
    start(config).await
}

#[tokio::test]
async fn strava_5xx_answers_a_fault_or_an_html_502_and_leaves_other_athletes_alone() {
    let ctx = with_fault(FaultKind::Strava5xx).await;
    let token = ctx.access_token(0).await;
    let first = ctx.strava(&token, "/athlete").await;
    assert_eq!(first.status(), 500);
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(ctx.strava(&token, "/athlete").await.status().as_u16());
    }
    assert!(
        statuses.contains(&502) && statuses.contains(&200),
        "{statuses:?}"
    );
    let healthy = ctx.access_token(1).await;
    assert_eq!(ctx.strava(&healthy, "/athlete").await.status(), 200);
}

#[tokio::test]
async fn strava_429_refuses_the_athletes_calls() {
    let ctx = with_fault(FaultKind::Strava429).await;
    let token = ctx.access_token(0).await;
    let response = ctx.strava(&token, "/athlete/activities").await;
    assert_eq!(response.status(), 429);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "exceeded");
}

#[tokio::test]
async fn strava_timeout_stalls_past_a_client_timeout() {
    let ctx = with_fault(FaultKind::StravaTimeout).await;
    let token = ctx.access_token(0).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let result = client
        .get(format!("{}/athlete", ctx.info.strava_api_base))
        .bearer_auth(&token)
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
}

#[tokio::test]
async fn strava_malformed_answers_200_with_broken_json() {
    let ctx = with_fault(FaultKind::StravaMalformed).await;
    let token = ctx.access_token(0).await;
    let response = ctx.strava(&token, "/athlete/activities").await;
    assert_eq!(response.status(), 200);
    assert!(serde_json::from_str::<Value>(&response.text().await.unwrap()).is_err());
}

#[tokio::test]
async fn strava_revoked_refuses_refresh_until_the_athlete_authorises_again() {
    let ctx = with_fault(FaultKind::StravaRevoked).await;
    assert_eq!(
        ctx.refresh(&ctx.info.athletes[0].strava_refresh_token)
            .await
            .status(),
        400
    );
    let minted = ctx
        .control_post("/_sim/tokens", serde_json::json!({"athlete": 0}))
        .await;
    let body: Value = minted.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(ctx.strava(token, "/athlete").await.status(), 200);
}

#[tokio::test]
async fn streams_not_ready_answers_404_then_empty_then_the_streams() {
    let ctx = with_fault(FaultKind::StreamsNotReady).await;
    let token = ctx.access_token(0).await;
    let acts = ctx
        .strava_json(&token, "/athlete/activities?per_page=10")
        .await;
    let id = acts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["manual"] == false)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/activities/{id}/streams?keys=time&key_by_type=true");
    assert_eq!(ctx.strava(&token, &path).await.status(), 404);
    assert_eq!(ctx.strava(&token, &path).await.text().await.unwrap(), "{}");
    let ready = ctx.strava_json(&token, &path).await;
    assert!(ready.get("time").is_some());
}

async fn intervals_index(ctx: &Ctx) -> usize {
    ctx.info
        .athletes
        .iter()
        .find(|a| a.intervals_api_key.is_some())
        .unwrap()
        .index
}

#[tokio::test]
async fn intervals_faults_answer_500_broken_json_and_401() {
    let ctx = with_fault(FaultKind::Intervals5xx).await;
    let i = intervals_index(&ctx).await;
    assert_eq!(ctx.intervals(i, "/athlete/0").await.status(), 500);
    let ctx = with_fault(FaultKind::IntervalsMalformed).await;
    let i = intervals_index(&ctx).await;
    let response = ctx
        .intervals(i, "/athlete/0/wellness?oldest=2026-06-01&newest=2026-06-10")
        .await;
    assert_eq!(response.status(), 200);
    assert!(serde_json::from_str::<Value>(&response.text().await.unwrap()).is_err());
    let ctx = with_fault(FaultKind::Intervals401).await;
    let i = intervals_index(&ctx).await;
    assert_eq!(ctx.intervals(i, "/athlete/0").await.status(), 401);
}

/// A callback server that answers the validation and counts event POSTs.
async fn callback() -> (String, tokio::sync::mpsc::UnboundedReceiver<Value>) {
    use axum::routing::get;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/hook",
        get(|q: axum::extract::Query<std::collections::HashMap<String, String>>| async move {
            axum::Json(serde_json::json!({"hub.challenge": q.0.get("hub.challenge").cloned().unwrap_or_default()}))
        })
        .post(move |axum::Json(event): axum::Json<Value>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(event);
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

#[tokio::test]
async fn duplicate_webhooks_deliver_each_event_several_times() {
    let ctx = with_fault(FaultKind::DuplicateWebhooks).await;
    let (url, mut events) = callback().await;
    let form = [
        ("client_id", ctx.info.client_id.as_str()),
        ("client_secret", ctx.info.client_secret.as_str()),
        ("callback_url", url.as_str()),
        ("verify_token", "v"),
    ];
    let created = ctx
        .http
        .post(format!("{}/push_subscriptions", ctx.info.strava_api_base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let second = ctx
        .http
        .post(format!("{}/push_subscriptions", ctx.info.strava_api_base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 400, "one subscription per application");
    let activity: Value = ctx
        .control_post("/_sim/activities", serde_json::json!({"athlete": 0}))
        .await
        .json()
        .await
        .unwrap();
    for _ in 0..3 {
        let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(event["object_id"], activity["id"]);
        assert_eq!(event["aspect_type"], "create");
    }
}

#[tokio::test]
async fn activities_that_appear_as_the_clock_moves_send_create_events() {
    let ctx = start(unlimited(22, 1)).await;
    let (url, mut events) = callback().await;
    let form = [
        ("client_id", ctx.info.client_id.as_str()),
        ("client_secret", ctx.info.client_secret.as_str()),
        ("callback_url", url.as_str()),
        ("verify_token", "v"),
    ];
    let created = ctx
        .http
        .post(format!("{}/push_subscriptions", ctx.info.strava_api_base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let token = ctx.access_token(0).await;
    ctx.control_post("/_sim/clock", serde_json::json!({"advance_s": 3 * 86_400}))
        .await;
    let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event["aspect_type"], "create");
    assert_eq!(event["owner_id"], ctx.info.athletes[0].strava_athlete_id);
    let id = event["object_id"].as_i64().unwrap();
    assert_eq!(
        ctx.strava(&token, &format!("/activities/{id}"))
            .await
            .status(),
        401,
        "the six-hour token expired meanwhile"
    );
    let fresh = ctx.access_token(0).await;
    assert_eq!(
        ctx.strava(&fresh, &format!("/activities/{id}"))
            .await
            .status(),
        200
    );
}
