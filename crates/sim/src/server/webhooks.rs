//! Push subscriptions (create with callback validation, list, delete) and event delivery: 2 s
//! timeout, up to 3 attempts, several copies per event for `duplicate-webhooks`. Activity
//! `create` events become due when an activity turns visible on the sim clock.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get};
use serde::Serialize;
use serde_json::{Value, json};

use super::{Shared, lock, reply};
use crate::config::FaultKind;
use crate::time::format_instant_z;

/// The application's subscription.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Subscription {
    pub id: i64,
    pub resource_state: u8,
    pub application_id: i64,
    pub callback_url: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Webhook state.
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    pub subscription: Option<Subscription>,
    pub created: u64,
    /// The sim time up to which `create` events were sent.
    pub scanned_until_s: Option<i64>,
    /// (activity id, visible at) of each generated plan, by (athlete, local day): the scan runs
    /// every quarter second over seven weeks of days, so the plans are generated once.
    pub uploads_by_day: HashMap<(usize, i64), Vec<(i64, i64)>>,
}

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/strava/api/v3/push_subscriptions", get(list).post(create))
        .route("/strava/api/v3/push_subscriptions/{id}", delete(remove))
}

fn credentials_ok(shared: &Shared, params: &HashMap<String, String>) -> bool {
    params.get("client_id") == Some(&shared.client_id)
        && params.get("client_secret") == Some(&shared.client_secret)
}

fn sub_fault(field: &str, code: &str) -> Response {
    reply::strava_fault(
        StatusCode::BAD_REQUEST,
        "Bad Request",
        "PushSubscription",
        field,
        code,
    )
}

async fn create(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !credentials_ok(&shared, &form) {
        return reply::strava_fault(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Application",
            "client_id",
            "invalid",
        );
    }
    if lock(&shared.webhooks).subscription.is_some() {
        return sub_fault("", "already exists");
    }
    let callback = form.get("callback_url").cloned().unwrap_or_default();
    let verify = form.get("verify_token").cloned().unwrap_or_default();
    if callback.is_empty() || callback.len() > 255 || !validate(&shared, &callback, &verify).await {
        return sub_fault("callback url", "GET to callback URL does not return 200");
    }
    let now = format_instant_z(shared.config.clock.now_s());
    let mut hooks = lock(&shared.webhooks);
    hooks.created += 1;
    let subscription = Subscription {
        id: 120_000 + hooks.created as i64,
        resource_state: 2,
        application_id: shared.client_id.parse().unwrap_or(0),
        callback_url: callback,
        created_at: now.clone(),
        updated_at: now,
    };
    hooks.subscription = Some(subscription.clone());
    hooks.scanned_until_s = Some(shared.config.clock.now_s());
    reply::json(StatusCode::CREATED, &subscription)
}

/// Strava's synchronous validation: the challenge must come back within the timeout.
async fn validate(shared: &Shared, callback: &str, verify: &str) -> bool {
    let challenge = format!(
        "{:x}",
        shared.config.clock.now_ms().wrapping_mul(2_654_435_761)
    );
    let query = [
        ("hub.mode", "subscribe"),
        ("hub.verify_token", verify),
        ("hub.challenge", challenge.as_str()),
    ];
    let Ok(response) = shared.http.get(callback).query(&query).send().await else {
        return false;
    };
    if !response.status().is_success() {
        return false;
    }
    let body: Value = response.json().await.unwrap_or(Value::Null);
    body.get("hub.challenge").and_then(Value::as_str) == Some(challenge.as_str())
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if !credentials_ok(&shared, &params) {
        return reply::strava_fault(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Application",
            "client_id",
            "invalid",
        );
    }
    let subscription = lock(&shared.webhooks).subscription.clone();
    reply::json(
        StatusCode::OK,
        &subscription.into_iter().collect::<Vec<_>>(),
    )
}

async fn remove(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if !credentials_ok(&shared, &params) {
        return reply::strava_fault(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Application",
            "client_id",
            "invalid",
        );
    }
    let mut hooks = lock(&shared.webhooks);
    if hooks.subscription.as_ref().is_some_and(|s| s.id == id) {
        hooks.subscription = None;
        reply::raw(StatusCode::NO_CONTENT, "application/json", "")
    } else {
        reply::strava_not_found()
    }
}

/// Sends an event to the subscription, if any, in the background.
pub(crate) fn send(
    shared: &Arc<Shared>,
    owner: usize,
    object_type: &str,
    object_id: i64,
    aspect: &str,
    updates: Value,
) {
    let Some(subscription) = lock(&shared.webhooks).subscription.clone() else {
        return;
    };
    let Some(athlete) = shared.world.athletes.get(owner) else {
        return;
    };
    let event = json!({
        "aspect_type": aspect, "event_time": shared.config.clock.now_s(), "object_id": object_id,
        "object_type": object_type, "owner_id": athlete.strava_id, "subscription_id": subscription.id,
        "updates": updates,
    });
    let faults = shared.config.webhook_faults;
    let draw = |purpose: &str| {
        crate::rng::unit(&[
            shared.config.seed,
            crate::rng::tag(purpose),
            object_id as u64,
            crate::rng::tag(aspect),
            shared.config.clock.now_s() as u64,
        ])
    };
    if draw("webhook-dropped") < faults.dropped {
        lock(&shared.stats).webhooks_dropped += 1;
        return;
    }
    let copies = if shared.has_fault(owner, FaultKind::DuplicateWebhooks) {
        shared.config.fault_settings.duplicate_deliveries.max(1)
    } else if draw("webhook-duplicated") < faults.duplicated {
        2
    } else {
        1
    };
    let delay = if draw("webhook-late") < faults.late {
        faults.late_by
    } else {
        Duration::ZERO
    };
    let shared = shared.clone();
    shared
        .webhooks_in_flight
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        for _ in 0..copies {
            deliver(&shared, &subscription.callback_url, &event).await;
        }
        shared
            .webhooks_in_flight
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    });
}

async fn deliver(shared: &Shared, url: &str, event: &Value) {
    for attempt in 0..3 {
        lock(&shared.stats).webhook_deliveries += 1;
        let ok = shared
            .http
            .post(url)
            .json(event)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
    }
}

/// The athlete revoked access: `{"authorized": "false"}`.
pub(crate) fn athlete_deauthorized(shared: &Arc<Shared>, index: usize) {
    let id = shared.world.athletes.get(index).map_or(0, |a| a.strava_id);
    send(
        shared,
        index,
        "athlete",
        id,
        "update",
        json!({"authorized": "false"}),
    );
}

/// Sends `create` events for activities that became visible since the last scan.
pub(crate) fn scan(shared: &Arc<Shared>) {
    let now_s = shared.config.clock.now_s();
    let since = {
        let mut hooks = lock(&shared.webhooks);
        if hooks.subscription.is_none() {
            return;
        }
        let since = hooks.scanned_until_s.unwrap_or(now_s);
        hooks.scanned_until_s = Some(now_s);
        since
    };
    if since >= now_s {
        return;
    }
    let connected: Vec<usize> = {
        let auth = lock(&shared.auth);
        auth.grants
            .iter()
            .enumerate()
            .filter(|(_, g)| g.access_token.is_some() && !g.revoked)
            .map(|(i, _)| i)
            .collect()
    };
    for index in connected {
        for (id, _) in uploads_between(shared, index, since, now_s) {
            send(shared, index, "activity", id, "create", json!({}));
        }
    }
}

/// Generated activities of athlete `index` that became visible in `(from_s, to_s]`, oldest
/// first (late uploads included: up to 46 days after their day); deleted ones left out.
/// Activities created through the control API send their own event and are not listed.
pub(crate) fn uploads_between(
    shared: &Shared,
    index: usize,
    from_s: i64,
    to_s: i64,
) -> Vec<(i64, i64)> {
    let Some(athlete) = shared.world.athletes.get(index) else {
        return Vec::new();
    };
    let first = shared.world.local_day(athlete, from_s) - 46;
    let last = shared.world.local_day(athlete, to_s) + 1;
    let mut out = Vec::new();
    for day in first..=last {
        let cached = lock(&shared.webhooks)
            .uploads_by_day
            .get(&(index, day))
            .cloned();
        let uploads = cached.unwrap_or_else(|| {
            let fresh: Vec<(i64, i64)> = shared
                .world
                .day_plans(athlete, day)
                .iter()
                .map(|plan| (plan.id, plan.visible_at_s()))
                .collect();
            lock(&shared.webhooks)
                .uploads_by_day
                .insert((index, day), fresh.clone());
            fresh
        });
        out.extend(
            uploads
                .into_iter()
                .filter(|&(_, at)| at > from_s && at <= to_s),
        );
    }
    let overlay = lock(&shared.overlay);
    out.retain(|(id, _)| !overlay.deleted.contains(id));
    out.sort_by_key(|&(_, at)| at);
    out
}

/// Scans for due events every 250 ms of real time until the simulator stops.
pub(crate) async fn run(shared: Arc<Shared>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        tokio::select! {
            _ = tick.tick() => scan(&shared),
            _ = stop.changed() => return,
        }
    }
}
