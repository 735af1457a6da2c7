//! The "Notifications" card of `/settings` (docs/push.md): "Notify me on this device" (the
//! browser part is `assets/push.js` with the service worker `assets/sw.js`), the athlete's
//! devices with a remove button each, the kinds they want and a test message. Every form works
//! without JavaScript except subscribing, which needs the browser's Push API.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::html::{self, Clock};
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

/// The card, for the settings page.
///
/// # Errors
/// 500 for a store failure.
pub async fn card(state: &AppState, session: &PageSession) -> Result<String, ApiError> {
    let status = push_api::read_status(state, session.user).await?;
    Ok(render(&status, &Clock::of(state)))
}

fn render(status: &PushStatus, clock: &Clock) -> String {
    let Some(key) = &status.public_key else {
        return r#"<div class="card" id="notifications"><h2>Notifications</h2><p class="muted">This server does not send push notifications.</p></div>"#.to_owned();
    };
    let devices = if status.devices.is_empty() {
        r#"<p class="muted" id="push-no-devices">No device gets notifications yet.</p>"#.to_owned()
    } else {
        let rows: String = status
            .devices
            .iter()
            .map(|d| {
                format!(
                    r#"<tr id="device-{id}"><td>{name}</td><td class="hide-sm">{since}</td><td>{last}</td><td class="actions"><form method="post" action="/settings/push/devices/{id}/remove"><button type="submit" class="secondary">Remove</button></form></td></tr>"#,
                    id = d.id,
                    name = html::escape(&d.device),
                    since = html::when(Some(d.created_at_ms), clock),
                    last = html::when(d.last_delivered_at_ms, clock),
                )
            })
            .collect();
        format!(
            r#"<table class="devices"><thead><tr><th>Device</th><th class="hide-sm">Since</th><th>Last notification</th><th></th></tr></thead><tbody>{rows}</tbody></table>"#
        )
    };
    let prefs = &status.preferences;
    let check = |on: bool| if on { " checked" } else { "" };
    format!(
        r#"<div class="card" id="notifications"><h2>Notifications</h2>
<p class="muted">A notification on your phone or computer when a new activity has been processed or a threshold estimate changes, even with no page open.</p>
<div id="push" data-public-key="{key}" data-state="loading"><p><button type="button" id="push-enable">Notify me on this device</button></p><p id="push-state" class="muted" role="status"></p></div>
{devices}
<form method="post" action="/settings/push/preferences" id="push-preferences"><fieldset><legend>Tell me about</legend>
<label><input type="checkbox" name="activities"{a}> each new activity</label>
<label><input type="checkbox" name="thresholds"{t}> threshold changes</label>
<label><input type="checkbox" name="summaries"{s}> imports and recalculations (one summary)</label>
</fieldset><button type="submit">Save</button></form>
<form method="post" action="/settings/push/test"><button type="submit" class="secondary" id="push-test">Send a test notification</button></form>
<script src="/assets/push.js" defer></script></div>"#,
        key = html::escape(key),
        a = check(prefs.activities),
        t = check(prefs.thresholds),
        s = check(prefs.summaries),
    )
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
            let notice = super::account::error_notice(error.message());
            super::account::render(&state, session, error.status(), &notice).await
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
