//! The athlete's Web Push devices and preferences (docs/push.md): the VAPID public key a
//! browser subscribes with, subscribing and removing a device, which kinds to receive, and a
//! test notification.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header::USER_AGENT};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::session::AthleteSession;
use crate::http::extract::{JsonBody, Path};
use crate::http::openapi::ApiErrorBody;
use crate::http::{ApiError, ApiResult, AppState};
use crate::push::{Push, subscription};
use crate::store::push::{self as store_push, DeliveryCounts, Device, Draft, Kind, Preferences};

/// `GET /api/v1/me/push`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushStatus {
    /// The server's VAPID public key (base64url) for `pushManager.subscribe`; `null` when this
    /// server does not send notifications.
    pub public_key: Option<String>,
    /// The athlete's subscribed devices.
    pub devices: Vec<Device>,
    /// Which kinds they receive.
    pub preferences: Preferences,
    /// Their deliveries by state.
    pub deliveries: DeliveryCounts,
}

/// A browser's `PushSubscription.toJSON()`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SubscriptionBody {
    /// The push service URL (https).
    pub endpoint: String,
    /// When the browser will drop it, if it says (ignored).
    #[serde(default)]
    pub expiration_time: Option<f64>,
    /// The browser's keys.
    pub keys: SubscriptionKeys,
}

/// `keys` of a `PushSubscription`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionKeys {
    /// P-256 public key, base64url.
    pub p256dh: String,
    /// 16-byte authentication secret, base64url.
    pub auth: String,
}

/// `POST /api/v1/me/push/subscriptions`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Subscribed {
    /// The device's id (for removing it).
    pub id: i64,
    /// Its label.
    pub device: String,
}

/// `POST /api/v1/me/push/test`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestSent {
    /// Deliveries queued, one per device.
    pub deliveries: u64,
}

fn push_of(state: &AppState) -> Result<&Push, ApiError> {
    state
        .providers
        .as_ref()
        .map(|ctx| &ctx.push)
        .filter(|push| push.enabled())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "push_unavailable",
                "this server does not send push notifications",
            )
        })
}

/// The athlete's devices, preferences and deliveries, and the key to subscribe with.
#[utoipa::path(
    get, path = "/api/v1/me/push", tag = "athlete", security(("session" = [])),
    responses(
        (status = 200, description = "Devices and preferences", body = PushStatus),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn status(
    State(state): State<AppState>,
    session: AthleteSession,
) -> ApiResult<Json<PushStatus>> {
    Ok(Json(read_status(&state, session.user).await?))
}

/// What `/settings` and the API show.
///
/// # Errors
/// 500 for a store failure.
pub async fn read_status(
    state: &AppState,
    user: crate::store::users::UserId,
) -> Result<PushStatus, ApiError> {
    Ok(PushStatus {
        public_key: push_of(state)
            .ok()
            .and_then(Push::public_key)
            .map(str::to_owned),
        devices: store_push::devices(&state.store, user).await?,
        preferences: store_push::preferences(&state.store, user).await?,
        deliveries: store_push::counts(&state.store, Some(user)).await?,
    })
}

/// Stores this browser's subscription (a browser that subscribes again replaces its entry).
#[utoipa::path(
    post, path = "/api/v1/me/push/subscriptions", tag = "athlete", security(("session" = [])),
    request_body = SubscriptionBody,
    responses(
        (status = 201, description = "Subscribed", body = Subscribed),
        (status = 400, description = "`invalid_body` or `invalid_subscription`", body = ApiErrorBody),
        (status = 401, description = "No live session", body = ApiErrorBody),
        (status = 503, description = "`push_unavailable`", body = ApiErrorBody),
    )
)]
pub(super) async fn subscribe(
    State(state): State<AppState>,
    session: AthleteSession,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SubscriptionBody>,
) -> ApiResult<(StatusCode, Json<Subscribed>)> {
    let push = push_of(&state)?;
    let body =
        body.ok_or_else(|| ApiError::bad_request("invalid_body", "a JSON body is needed"))?;
    let invalid = |e: subscription::InvalidSubscription| {
        ApiError::bad_request("invalid_subscription", e.to_string())
    };
    let allow_loopback = push.settings().is_some_and(|s| s.allow_loopback_http);
    subscription::endpoint(&body.endpoint, allow_loopback).map_err(invalid)?;
    subscription::public_key(&body.keys.p256dh).map_err(invalid)?;
    subscription::auth(&body.keys.auth).map_err(invalid)?;
    let user_agent = headers.get(USER_AGENT).and_then(|v| v.to_str().ok());
    let device = device_label(user_agent.unwrap_or_default());
    let new = store_push::NewSubscription {
        endpoint: body.endpoint,
        p256dh: body.keys.p256dh,
        auth: SecretString::from(body.keys.auth),
        device: device.clone(),
    };
    let now_ms = state.scheduler.now_ms();
    let id = store_push::subscribe(&state.store, session.user, &new, now_ms).await?;
    Ok((StatusCode::CREATED, Json(Subscribed { id: id.0, device })))
}

/// Removes one of the athlete's devices.
#[utoipa::path(
    delete, path = "/api/v1/me/push/subscriptions/{id}", tag = "athlete",
    security(("session" = [])),
    params(("id" = i64, Path, description = "Device id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No live session", body = ApiErrorBody),
        (status = 404, description = "No device of yours with that id", body = ApiErrorBody),
    )
)]
pub(super) async fn unsubscribe(
    State(state): State<AppState>,
    session: AthleteSession,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    if store_push::unsubscribe(&state.store, session.user, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("device"))
    }
}

/// Sets which kinds of notification the athlete receives.
#[utoipa::path(
    put, path = "/api/v1/me/push/preferences", tag = "athlete", security(("session" = [])),
    request_body = Preferences,
    responses(
        (status = 200, description = "Stored", body = Preferences),
        (status = 400, description = "`invalid_body`", body = ApiErrorBody),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn set_preferences(
    State(state): State<AppState>,
    session: AthleteSession,
    JsonBody(body): JsonBody<Preferences>,
) -> ApiResult<Json<Preferences>> {
    let prefs =
        body.ok_or_else(|| ApiError::bad_request("invalid_body", "a JSON body is needed"))?;
    let now_ms = state.scheduler.now_ms();
    store_push::set_preferences(&state.store, session.user, &prefs, now_ms).await?;
    Ok(Json(prefs))
}

/// Sends a test notification to each of the athlete's devices.
#[utoipa::path(
    post, path = "/api/v1/me/push/test", tag = "athlete", security(("session" = [])),
    responses(
        (status = 202, description = "Queued", body = TestSent),
        (status = 401, description = "No live session", body = ApiErrorBody),
        (status = 409, description = "`no_devices`: subscribe a device first", body = ApiErrorBody),
        (status = 429, description = "`too_many_notifications`: the hourly limit is reached", body = ApiErrorBody),
        (status = 503, description = "`push_unavailable`", body = ApiErrorBody),
    )
)]
pub(super) async fn send_test(
    State(state): State<AppState>,
    session: AthleteSession,
) -> ApiResult<(StatusCode, Json<TestSent>)> {
    Ok((
        StatusCode::ACCEPTED,
        Json(test(&state, session.user).await?),
    ))
}

/// Queues a test notification for `user`'s devices (the API and the settings page).
///
/// # Errors
/// 409 `no_devices`, 429 `too_many_notifications`, 503 `push_unavailable`, 500 otherwise.
pub async fn test(
    state: &AppState,
    user: crate::store::users::UserId,
) -> Result<TestSent, ApiError> {
    let push = push_of(state)?;
    if !store_push::has_device(&state.store, user).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_devices",
            "no device is subscribed: choose \"Notify me on this device\" first",
        ));
    }
    let draft = Draft {
        kind: Kind::Test,
        title: "TrainingLoad notifications work".to_owned(),
        body: "You will hear about new activities and threshold changes here.".to_owned(),
        url: "/settings".to_owned(),
    };
    let written = push
        .notify(&state.store, user, &[draft], state.scheduler.now_ms())
        .await
        .map_err(ApiError::internal)?;
    if written.notifications == 0 {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_notifications",
            "the hourly limit of notifications is reached: try again later",
        ));
    }
    Ok(TestSent {
        deliveries: written.deliveries,
    })
}

/// "Chrome on Android": enough to tell one's devices apart in the list.
pub fn device_label(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map_or("Browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| *name);
    match system {
        Some(system) => format!("{browser} on {system}"),
        None => browser.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::device_label;

    #[test]
    fn devices_are_told_apart_by_browser_and_system() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
        assert_eq!(device_label(android), "Chrome on Android");
        let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
        assert_eq!(device_label(mac), "Safari on macOS");
        assert_eq!(device_label(""), "Browser");
    }
}
