//! The "Notifications" card of `/settings` (docs/push.md): "Notify me on this device" (the
//! browser part is `assets/push.js` with the service worker `assets/sw.js`), the athlete's
//! devices with a remove button each, the kinds they want and a test message. Every form works
//! without JavaScript except subscribing, which needs the browser's Push API.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::html::{self, Clock, Moment};
use super::page_session::PageSession;
use crate::http::athlete::PathParam;
use crate::http::athlete::push_api::{self, PushStatus};
use crate::http::{ApiError, AppState};
use crate::store::push::{self as store_push, Preferences};

/// The service worker, served from the root so that its scope is the whole site.
pub const SW_JS: &str = include_str!("../../assets/sw.js");
/// The subscribe button's script.
pub const PUSH_JS: &str = include_str!("../../assets/push.js");

/// `GET /sw.js`: revalidated on every registration so that a new version takes over.
pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SW_JS,
    )
        .into_response()
}

/// The card (`components/notifications.html`): the subscribe button, the devices, the kinds
/// wanted and the test message; only a notice when the server sends no notifications.
#[derive(Template)]
#[template(path = "components/notifications.html")]
pub struct NotificationsCard {
    public_key: Option<String>,
    devices: Vec<DeviceRow>,
    preferences: Preferences,
}

/// A subscribed device.
struct DeviceRow {
    id: i64,
    name: String,
    since: Moment,
    last: Moment,
}

/// The card, for the settings page.
///
/// # Errors
/// 500 for a store failure.
pub async fn card(state: &AppState, session: &PageSession) -> Result<NotificationsCard, ApiError> {
    let status = push_api::read_status(state, session.user).await?;
    Ok(render(status, &Clock::of(state)))
}

fn render(status: PushStatus, clock: &Clock) -> NotificationsCard {
    let devices = status
        .devices
        .into_iter()
        .map(|d| DeviceRow {
            id: d.id,
            since: html::when(Some(d.created_at_ms), clock),
            last: html::when(d.last_delivered_at_ms, clock),
            name: d.device,
        })
        .collect();
    NotificationsCard {
        public_key: status.public_key,
        devices,
        preferences: status.preferences,
    }
}

/// The preferences form: a checkbox is sent only when ticked.
#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    activities: Option<String>,
    thresholds: Option<String>,
    summaries: Option<String>,
}

/// `POST /settings/push/preferences`.
pub async fn save_preferences(
    State(state): State<AppState>,
    session: PageSession,
    form: Result<Form<PreferencesForm>, FormRejection>,
) -> Result<Response, ApiError> {
    let Form(form) = form.map_err(|e| ApiError::bad_request("invalid_form", e.body_text()))?;
    let prefs = Preferences {
        activities: form.activities.is_some(),
        thresholds: form.thresholds.is_some(),
        summaries: form.summaries.is_some(),
    };
    let now_ms = state.scheduler.now_ms();
    store_push::set_preferences(&state.store, session.user, &prefs, now_ms).await?;
    Ok(back())
}

/// `POST /settings/push/test`: queues the test message, or says why not on the settings page.
pub async fn send_test(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Response, ApiError> {
    match push_api::test(&state, session.user).await {
        Ok(_) => Ok(back()),
        Err(error) if error.status() != StatusCode::INTERNAL_SERVER_ERROR => {
            let notice = Some(error.message());
            super::account::render(&state, session, error.status(), notice).await
        }
        Err(error) => Err(error),
    }
}

/// `POST /settings/push/devices/{id}/remove`.
pub async fn remove_device(
    State(state): State<AppState>,
    session: PageSession,
    PathParam(id): PathParam<i64>,
) -> Result<Response, ApiError> {
    store_push::unsubscribe(&state.store, session.user, id).await?;
    Ok(back())
}

fn back() -> Response {
    Redirect::to("/settings#notifications").into_response()
}
