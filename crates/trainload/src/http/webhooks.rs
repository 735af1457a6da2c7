//! Strava's webhook callback, `/webhooks/strava/{path token}` (docs/providers.md, "Webhooks").
//!
//! `GET` answers the subscription handshake from memory. `POST` does only what must happen
//! before Strava's two-second limit: parse, match the subscription and the athlete, and store
//! the event with its coalesced task in one transaction. A failed write answers 500 so Strava
//! retries; anything we ignore answers 200 so it does not.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use providers::strava::{AspectType, ChallengeResponse, ObjectType, WebhookEvent};
use serde_json::json;

use super::AppState;
use crate::jobs::strava_events;
use crate::store::integrations::{self, Provider};
use crate::store::users::UserId;
use crate::store::webhooks::{self, NewEvent, WebhookSecrets};
use crate::store::{self, StoreError};

/// Strava's events are a few hundred bytes; anything much larger is not one.
const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// What the receiver needs: the shared secrets and how long a new task waits for a burst of
/// events about the same object to gather.
#[derive(Debug, Clone)]
pub struct WebhookReceiver {
    /// Path token and verify token.
    pub secrets: WebhookSecrets,
    /// Delay of a task queued by a `create`, ms (streams are often not ready at once).
    pub create_delay_ms: i64,
    /// Delay of a task queued by an `update`, ms.
    pub update_delay_ms: i64,
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/strava/{token}", get(validate).post(receive))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}

/// The receiver when `token` is its path token; otherwise the route does not exist.
fn receiver(state: &AppState, token: &str) -> Option<std::sync::Arc<WebhookReceiver>> {
    state
        .webhooks
        .clone()
        .filter(|r| webhooks::path_token_matches(&r.secrets, token))
}

fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// `GET`: `hub.verify_token` must match (constant time); the challenge comes back unchanged.
async fn validate(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(receiver) = receiver(&state, &token) else {
        return not_found();
    };
    let presented = query.get("hub.verify_token").map_or("", String::as_str);
    let subscribe = query.get("hub.mode").map(String::as_str) == Some("subscribe");
    if !subscribe || !webhooks::verify_token_matches(&receiver.secrets, presented) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(challenge) = query.get("hub.challenge").cloned() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    (StatusCode::OK, axum::Json(ChallengeResponse { challenge })).into_response()
}

/// `POST`: one event.
async fn receive(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let Some(receiver) = receiver(&state, &token) else {
        return not_found();
    };
    let Ok(event) = WebhookEvent::parse(&body) else {
        return (StatusCode::BAD_REQUEST, "not a Strava webhook event").into_response();
    };
    match accept(&state, &receiver, &event).await {
        Ok(Accepted::Stored | Accepted::Duplicate) => StatusCode::OK.into_response(),
        Ok(Accepted::Ignored(reason)) => {
            let now = state.scheduler.now_ms();
            if let Err(error) = webhooks::count_ignored(&state.store, reason, now).await {
                tracing::warn!(%error, "could not count an ignored webhook event");
            }
            tracing::info!(reason, "webhook event ignored");
            StatusCode::OK.into_response()
        }
        Err(error) => {
            tracing::error!(%error, "webhook event not stored: Strava will retry");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// What became of an event.
enum Accepted {
    /// Stored, and its task queued or coalesced.
    Stored,
    /// The same event was stored before.
    Duplicate,
    /// Not for us; the reason is counted.
    Ignored(&'static str),
}

#[derive(Debug, thiserror::Error)]
enum AcceptError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] queue::QueueError),
}

async fn accept(
    state: &AppState,
    receiver: &WebhookReceiver,
    event: &WebhookEvent,
) -> Result<Accepted, AcceptError> {
    let (object_type, delay_ms) = match (event.object_type, event.aspect_type) {
        (ObjectType::Unknown, _) | (_, AspectType::Unknown) => {
            return Ok(Accepted::Ignored("unsupported"));
        }
        (ObjectType::Athlete, _) => ("athlete", 0),
        (ObjectType::Activity, AspectType::Create) => ("activity", receiver.create_delay_ms),
        (ObjectType::Activity, AspectType::Update) => ("activity", receiver.update_delay_ms),
        (ObjectType::Activity, AspectType::Delete) => ("activity", 0),
    };
    let owner = event.owner_id.to_string();
    let Some(integration) =
        integrations::find_by_athlete(&state.store, Provider::Strava, &owner).await?
    else {
        return Ok(Accepted::Ignored("unknown_athlete"));
    };
    let now = state.scheduler.now_ms();
    let mut tx = store::begin_write(&state.store).await?;
    if webhooks::subscription_id_in(&mut tx).await? != Some(event.subscription_id) {
        return Ok(Accepted::Ignored("unknown_subscription"));
    }
    let updates = serde_json::to_string(&event.updates).unwrap_or_else(|_| "{}".to_owned());
    let new = NewEvent {
        subscription_id: event.subscription_id,
        object_type,
        object_id: event.object_id,
        aspect_type: aspect_name(event.aspect_type),
        event_time_s: event.event_time_s,
        owner_id: event.owner_id,
        user: integration.user,
        updates: &updates,
    };
    if !webhooks::record_in(&mut tx, &new, now).await? {
        return Ok(Accepted::Duplicate);
    }
    enqueue(state, &mut tx, integration.user, now + delay_ms).await?;
    tx.commit().await?;
    Ok(Accepted::Stored)
}

async fn enqueue(
    state: &AppState,
    tx: &mut store::WriteTx,
    user: UserId,
    not_before_ms: i64,
) -> Result<(), queue::QueueError> {
    let task = queue::EventTask {
        job_id: strava_events::ID,
        user_id: user.0,
        params: json!({}),
        not_before_ms,
        actor: "webhook",
    };
    state.scheduler.enqueue(tx.queue_tx(), &task).await?;
    Ok(())
}

const fn aspect_name(aspect: AspectType) -> &'static str {
    match aspect {
        AspectType::Create => "create",
        AspectType::Update => "update",
        AspectType::Delete | AspectType::Unknown => "delete",
    }
}
