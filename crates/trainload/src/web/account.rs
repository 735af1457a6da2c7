//! `/settings`: the athlete's connections (connect Intervals.icu with an API key
//! validated by one live call, disconnect Strava or Intervals.icu), a link to the display
//! settings, "Download my data" (links to the athlete API's export) and "Delete my data", which
//! removes the user and everything of theirs.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use providers::budget::Priority;
use providers::{ErrorClass, ProviderError};
use secrecy::SecretString;
use serde::Deserialize;

use super::html::{self, Nav};
use super::page_session::PageSession;
use crate::http::athlete::session;
use crate::http::{ApiError, AppState};
use crate::store::integrations::{self, Integration, NewIntegration, Provider, Status};
use crate::store::users::UserId;
use crate::store::{self, activities, users};

/// `GET /settings`.
pub async fn page(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Response, ApiError> {
    render(&state, session, StatusCode::OK, "").await
}

/// The settings page with `notice` (safe HTML) on top.
pub(super) async fn render(
    state: &AppState,
    session: PageSession,
    status: StatusCode,
    notice: &str,
) -> Result<Response, ApiError> {
    let connections = integrations::list_for_user(&state.store, session.user).await?;
    let find = |provider: Provider| {
        connections
            .iter()
            .find(|i| i.provider == provider.as_str() && i.status != Status::Revoked)
    };
    let strava = find(Provider::Strava);
    let intervals = find(Provider::Intervals);
    let strava_action = match strava {
        Some(i) if i.status == Status::NeedsReauth => format!(
            "{RECONNECT_STRAVA}{}",
            disconnect_form("strava", "Disconnect Strava")
        ),
        Some(_) => disconnect_form("strava", "Disconnect Strava"),
        None => {
            r#"<a class="button" id="connect-strava" href="/auth/strava/login">Connect Strava</a>"#
                .to_owned()
        }
    };
    let notifications = super::notifications::card(state, &session).await?;
    let intervals_action = match intervals {
        Some(_) => disconnect_form("intervals", "Disconnect Intervals.icu"),
        None => String::new(),
    };
    let body = format!(
        r#"<h1>Settings</h1>{notice}
<div class="card"><h2>Connections</h2><table class="connections"><thead><tr><th>Service</th><th>Status</th><th class="hide-sm">Account</th><th>Last sync</th><th></th></tr></thead><tbody>
<tr id="connection-strava"><td>Strava</td>{strava}<td class="actions">{strava_action}</td></tr>
<tr id="connection-intervals"><td>Intervals.icu</td>{intervals}<td class="actions">{intervals_action}</td></tr>
</tbody></table></div>
{intervals_card}
{notifications}
<div class="card"><h2>Display</h2><p><a href="/settings/display">Units (metric or imperial)</a></p></div>
<div class="card"><h2>Download my data</h2><p class="muted">Everything stored about you: activities with their loads and explanations, thresholds and wellness.</p><p><a id="export-json" href="/api/v1/me/export" download>All, as JSON</a> · CSV: <a id="export-activities" href="/api/v1/me/export/activities.csv" download>activities</a>, <a id="export-thresholds" href="/api/v1/me/export/thresholds.csv" download>thresholds</a>, <a id="export-wellness" href="/api/v1/me/export/wellness.csv" download>wellness</a></p></div>
<div class="card"><h2>Delete my data</h2><p class="muted">Removes your account, connections, activities, loads, thresholds and wellness for good, and signs you out.</p><p><a id="delete-my-data" href="/settings/delete">Delete my data…</a></p></div>"#,
        strava = status_cells(strava),
        intervals = status_cells(intervals),
        intervals_card = intervals_card(intervals),
    );
    Ok((status, html::page("Settings", session.nav(), &body)).into_response())
}

/// Reconnecting goes through Strava's consent page again; the athlete's data stays.
const RECONNECT_STRAVA: &str =
    r#"<a class="button" id="reconnect-strava" href="/auth/strava/login">Reconnect Strava</a>"#;

/// The Intervals.icu card: the form to connect, or to enter a new key when the old one stopped
/// working; nothing when the connection works (the table above shows it).
fn intervals_card(intervals: Option<&Integration>) -> String {
    let (title, intro, button) = match intervals.map(|i| i.status) {
        Some(Status::Active) => return String::new(),
        Some(_) => (
            "Reconnect Intervals.icu",
            "Intervals.icu no longer accepts the stored API key, so wellness is not synced. Enter the current one; your data stays as it is.",
            "Reconnect Intervals.icu",
        ),
        None => (
            "Connect Intervals.icu",
            "Wellness (resting HR, HRV, sleep) comes from Intervals.icu.",
            "Connect Intervals.icu",
        ),
    };
    format!(
        r#"<div class="card" id="connect-intervals-card"><h2>{title}</h2><p class="muted">{intro} Find your athlete id and API key under Settings → Developer Settings on intervals.icu; the key is checked once with Intervals.icu and stored encrypted.</p>
<form method="post" action="/settings/intervals"><p><label>Athlete id <input name="athlete_id" required placeholder="i12345" autocomplete="off"></label></p><p><label>API key <input name="api_key" type="password" required autocomplete="off"></label></p><p><button type="submit" id="connect-intervals">{button}</button></p></form></div>"#
    )
}

/// The status, account and last-sync cells of a connection.
fn status_cells(integration: Option<&Integration>) -> String {
    match integration {
        None => r#"<td>not connected</td><td class="hide-sm"></td><td></td>"#.to_owned(),
        Some(i) => {
            let status = match i.status {
                Status::Active => "connected".to_owned(),
                Status::NeedsReauth => format!(
                    "needs reconnecting: {}",
                    reauth_reason(i.status_reason.as_deref())
                ),
                Status::Revoked => "not connected".to_owned(),
            };
            format!(
                r#"<td>{status}</td><td class="hide-sm">{}</td><td class="last-sync">{}</td>"#,
                html::escape(&i.external_athlete_id),
                html::time(i.last_sync_at_ms)
            )
        }
    }
}

/// Why a connection needs reconnecting, in words (the stored reason is a code).
fn reauth_reason(code: Option<&str>) -> &'static str {
    match code {
        Some("scope_missing") => "permission to read activities is missing",
        Some("key_rejected") => "the API key was refused",
        Some("athlete_not_found") => "the athlete id is unknown",
        Some("token_persist_failed") => "new access could not be saved",
        _ => "access was revoked or has expired",
    }
}

fn disconnect_form(provider: &str, label: &str) -> String {
    format!(
        r#"<form method="post" action="/settings/{provider}/disconnect"><button type="submit" id="disconnect-{provider}">{label}</button></form>"#
    )
}

/// The Intervals.icu connect form.
#[derive(Debug, Deserialize)]
pub struct IntervalsForm {
    athlete_id: String,
    api_key: String,
}

/// `POST /settings/intervals`: one live call validates the id and key before anything is
/// stored; a refused key shows the settings page again with the reason and stores nothing.
pub async fn connect_intervals(
    State(state): State<AppState>,
    session: PageSession,
    form: Result<Form<IntervalsForm>, FormRejection>,
) -> Result<Response, ApiError> {
    let Form(form) = form.map_err(|e| ApiError::bad_request("invalid_form", e.body_text()))?;
    let athlete_id = form.athlete_id.trim();
    let api_key = SecretString::from(form.api_key.trim().to_owned());
    let Some(client) = state.providers.as_ref().and_then(|p| p.intervals.clone()) else {
        let notice = error_notice("Intervals.icu is not configured on this server.");
        return render(&state, session, StatusCode::SERVICE_UNAVAILABLE, &notice).await;
    };
    if athlete_id.is_empty() {
        let notice = error_notice("Enter your Intervals.icu athlete id.");
        return render(&state, session, StatusCode::BAD_REQUEST, &notice).await;
    }
    let athlete = match client
        .athlete(athlete_id, &api_key, Priority::Interactive)
        .await
    {
        Ok(athlete) => athlete,
        Err(error) => {
            let (status, text) = refusal(&error);
            return render(&state, session, status, &error_notice(text)).await;
        }
    };
    let new = NewIntegration::intervals(session.user, &athlete.id, api_key);
    match integrations::connect(&state.store, &new, store::now_ms()).await {
        Ok(_) => Ok(Redirect::to("/settings").into_response()),
        Err(store::StoreError::Conflict(_)) => {
            let notice =
                error_notice("This Intervals.icu athlete is already connected to another account.");
            render(&state, session, StatusCode::CONFLICT, &notice).await
        }
        Err(other) => Err(other.into()),
    }
}

/// What to tell the athlete about a failed validation call.
fn refusal(error: &ProviderError) -> (StatusCode, &'static str) {
    match error.class() {
        ErrorClass::NeedsReauth | ErrorClass::Permanent => (
            StatusCode::BAD_REQUEST,
            "Intervals.icu did not accept this athlete id and API key. Nothing was stored.",
        ),
        _ => (
            StatusCode::BAD_GATEWAY,
            "Intervals.icu could not be reached to check the key. Nothing was stored; please try again.",
        ),
    }
}

pub(super) fn error_notice(text: &str) -> String {
    format!(
        r#"<div class="card warn" id="settings-error">{}</div>"#,
        html::escape(text)
    )
}

/// `POST /settings/strava/disconnect`: deauthorizes at Strava (best effort), deletes the
/// tokens and the activities imported from Strava, as Strava's API agreement requires.
pub async fn disconnect_strava(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Response, ApiError> {
    if let Some(integration) = connected(&state, session.user, Provider::Strava).await? {
        deauthorize(&state, &integration).await;
        integrations::revoke(
            &state.store,
            integration.id,
            "disconnected",
            store::now_ms(),
        )
        .await?;
        activities::delete_from_provider(&state.store, session.user, Provider::Strava.as_str())
            .await?;
    }
    Ok(Redirect::to("/settings").into_response())
}

/// `POST /settings/intervals/disconnect`: deletes the API key.
pub async fn disconnect_intervals(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Response, ApiError> {
    if let Some(integration) = connected(&state, session.user, Provider::Intervals).await? {
        integrations::revoke(
            &state.store,
            integration.id,
            "disconnected",
            store::now_ms(),
        )
        .await?;
    }
    Ok(Redirect::to("/settings").into_response())
}

/// The user's integration with `provider` unless it is already revoked.
async fn connected(
    state: &AppState,
    user: UserId,
    provider: Provider,
) -> Result<Option<Integration>, ApiError> {
    Ok(integrations::list_for_user(&state.store, user)
        .await?
        .into_iter()
        .find(|i| i.provider == provider.as_str() && i.status != Status::Revoked))
}

/// Revokes our access at Strava with the stored access token, refreshed first when it expired.
/// Failures are logged: the tokens are deleted here either way, so they die with their expiry.
async fn deauthorize(state: &AppState, integration: &Integration) {
    let Some(strava) = state.providers.as_ref().and_then(|p| p.strava.clone()) else {
        return;
    };
    let tokens = match integrations::tokens(&state.store, integration.id).await {
        Ok(tokens) => tokens,
        Err(error) => {
            tracing::warn!(%error, "could not read the Strava tokens to deauthorize");
            return;
        }
    };
    let margin_ms = strava.config().refresh_margin_s.saturating_mul(1000);
    let fresh = tokens.access_token.filter(|_| {
        tokens
            .expires_at_ms
            .is_some_and(|at| at - store::now_ms() > margin_ms)
    });
    let access = match (fresh, tokens.refresh_token) {
        (Some(access), _) => access,
        (None, Some(refresh)) => match strava.refresh(&refresh).await {
            Ok(grant) => grant.access_token,
            Err(error) => {
                tracing::warn!(%error, "could not refresh the Strava token to deauthorize");
                return;
            }
        },
        (None, None) => return,
    };
    if let Err(error) = strava.deauthorize(&access, Priority::Interactive).await {
        tracing::warn!(%error, "Strava deauthorization failed; the tokens are deleted anyway");
    }
}

/// `GET /settings/delete`: the confirmation step.
pub async fn confirm_delete(session: PageSession) -> Response {
    let body = r#"<h1>Delete my data</h1><div class="card warn"><p>This deletes your account, your Strava and Intervals.icu connections, every activity, load, threshold and wellness day, and signs you out. It cannot be undone.</p>
<form method="post" action="/settings/delete"><input type="hidden" name="confirm" value="yes"><p><button type="submit" id="confirm-delete">Yes, delete everything</button> <a href="/settings">Cancel</a></p></form></div>"#;
    html::page("Delete my data", session.nav(), body)
}

/// The confirmation form.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    confirm: Option<String>,
}

/// `POST /settings/delete`: removes the user (every table of theirs cascades from `users`) and
/// their scheduler tasks, then signs out.
pub async fn delete(
    State(state): State<AppState>,
    session: PageSession,
    form: Result<Form<DeleteForm>, FormRejection>,
) -> Result<Response, ApiError> {
    let confirmed = form.is_ok_and(|Form(f)| f.confirm.as_deref() == Some("yes"));
    if !confirmed {
        return Err(ApiError::bad_request(
            "not_confirmed",
            "confirm the deletion on /settings/delete",
        ));
    }
    match users::delete(&state.store, session.user).await {
        Ok(()) | Err(store::StoreError::NotFound) => {}
        Err(other) => return Err(other.into()),
    }
    state.scheduler.forget_user(session.user.0).await?;
    tracing::info!(user = session.user.0, "a user deleted their data");
    let page = html::status_page(
        StatusCode::OK,
        "Your data was deleted",
        Nav::Anonymous,
        r#"<p id="deleted">Your account and all its data are gone, and you are signed out.</p><p><a href="/">Home</a></p>"#,
    );
    let clear = session::clear(state.web.secure_cookies());
    Ok(([(SET_COOKIE, clear)], page).into_response())
}
