//! `/settings`: the athlete's connections (connect Intervals.icu with an API key
//! validated by one live call, disconnect Strava or Intervals.icu), a link to the display
//! settings, "Download my data" (links to the athlete API's export) and "Delete my data", which
//! removes the user and everything of theirs.

use askama::Template;
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
use super::notifications::NotificationsCard;
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
    render(&state, session, StatusCode::OK, None).await
}

/// The settings page (`settings.html`).
#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage<'a> {
    nav: Nav,
    /// Why the last form was refused.
    notice: Option<&'a str>,
    connections: [ConnectionRow; 2],
    intervals_card: Option<IntervalsCard>,
    notifications: NotificationsCard,
}

/// A row of the connections table.
struct ConnectionRow {
    /// `strava` or `intervals`, for ids and the disconnect address.
    provider: &'static str,
    name: &'static str,
    /// Nothing when not connected.
    cells: Option<ConnectionCells>,
    /// Whether Strava needs the athlete's consent again.
    reconnect: bool,
    /// Whether there is a connection to disconnect.
    connected: bool,
}

/// The status, account and last-sync cells of a connection.
struct ConnectionCells {
    status: String,
    account: String,
    last_sync: String,
}

/// The Intervals.icu card: the form to connect, or to enter a new key when the old one stopped
/// working.
struct IntervalsCard {
    title: &'static str,
    intro: &'static str,
}

/// The settings page with `notice` (why a form was refused) on top.
pub(super) async fn render(
    state: &AppState,
    session: PageSession,
    status: StatusCode,
    notice: Option<&str>,
) -> Result<Response, ApiError> {
    let connections = integrations::list_for_user(&state.store, session.user).await?;
    let find = |provider: Provider| {
        connections
            .iter()
            .find(|i| i.provider == provider && i.status != Status::Revoked)
    };
    let strava = find(Provider::Strava);
    let intervals = find(Provider::Intervals);
    let notifications = super::notifications::card(state, &session).await?;
    let row = |provider: Provider, name, integration: Option<&Integration>| ConnectionRow {
        provider: provider.as_str(),
        name,
        cells: integration.map(connection_cells),
        reconnect: provider == Provider::Strava
            && integration.is_some_and(|i| i.status == Status::NeedsReauth),
        connected: integration.is_some(),
    };
    let page = SettingsPage {
        nav: session.nav(),
        notice,
        connections: [
            row(Provider::Strava, "Strava", strava),
            row(Provider::Intervals, "Intervals.icu", intervals),
        ],
        intervals_card: intervals_card(intervals),
        notifications,
    };
    Ok(html::render_with(status, &page))
}

/// The Intervals.icu card; none when the connection works (the table above shows it).
fn intervals_card(intervals: Option<&Integration>) -> Option<IntervalsCard> {
    match intervals.map(|i| i.status) {
        Some(Status::Active) => None,
        Some(_) => Some(IntervalsCard {
            title: "Reconnect Intervals.icu",
            intro: "Intervals.icu no longer accepts the stored API key, so wellness is not synced. Enter the current one; your data stays as it is.",
        }),
        None => Some(IntervalsCard {
            title: "Connect Intervals.icu",
            intro: "Wellness (resting HR, HRV, sleep) comes from Intervals.icu.",
        }),
    }
}

fn connection_cells(i: &Integration) -> ConnectionCells {
    let status = match i.status {
        Status::Active => "connected".to_owned(),
        Status::NeedsReauth => format!(
            "needs reconnecting: {}",
            reauth_reason(i.status_reason.as_deref())
        ),
        Status::Revoked => "not connected".to_owned(),
    };
    ConnectionCells {
        status,
        account: i.external_athlete_id.clone(),
        last_sync: html::time(i.last_sync_at_ms),
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
        let notice = Some("Intervals.icu is not configured on this server.");
        return render(&state, session, StatusCode::SERVICE_UNAVAILABLE, notice).await;
    };
    if athlete_id.is_empty() {
        let notice = Some("Enter your Intervals.icu athlete id.");
        return render(&state, session, StatusCode::BAD_REQUEST, notice).await;
    }
    let athlete = match client
        .athlete(athlete_id, &api_key, Priority::Interactive)
        .await
    {
        Ok(athlete) => athlete,
        Err(error) => {
            let (status, text) = refusal(&error);
            return render(&state, session, status, Some(text)).await;
        }
    };
    let new = NewIntegration::intervals(session.user, &athlete.id, api_key);
    match integrations::connect(&state.store, &new, store::now_ms()).await {
        Ok(_) => Ok(Redirect::to("/settings").into_response()),
        Err(store::StoreError::Conflict(_)) => {
            let notice =
                Some("This Intervals.icu athlete is already connected to another account.");
            render(&state, session, StatusCode::CONFLICT, notice).await
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
        activities::delete_from_provider(&state.store, session.user, Provider::Strava).await?;
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
        .find(|i| i.provider == provider && i.status != Status::Revoked))
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

/// The confirmation step of deleting one's data.
#[derive(Template)]
#[template(path = "confirm_delete.html")]
struct ConfirmDelete {
    nav: Nav,
}

/// `GET /settings/delete`: the confirmation step.
pub async fn confirm_delete(session: PageSession) -> Response {
    html::render(&ConfirmDelete { nav: session.nav() })
}

/// The confirmation form.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    confirm: Option<String>,
}

/// The notice after the deletion.
#[derive(Template)]
#[template(path = "status/deleted.html")]
struct Deleted<'a> {
    title: &'a str,
    nav: Nav,
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
    let page = html::render(&Deleted {
        title: "Your data was deleted",
        nav: Nav::Anonymous,
    });
    let clear = session::clear(state.web.secure_cookies());
    Ok(([(SET_COOKIE, clear)], page).into_response())
}
