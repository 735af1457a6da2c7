//! Sign-in with Strava (docs/providers.md §1.2): `/auth/strava/login` sends the
//! browser to Strava's authorize page with a random `state` that a short-lived HttpOnly cookie
//! binds to this browser; `/auth/strava/callback` checks it, exchanges the code, finds or creates
//! the user by Strava athlete id (never by e-mail), stores the tokens encrypted, queues the
//! onboarding of a new user and opens a session. An athlete whose access lapsed reconnects through
//! the same flow: the user is found by the Strava athlete id, so their data stays theirs.

use std::time::Duration;

use askama::Template;
use axum::extract::State;
use axum::http::header::{HOST, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use providers::ProviderError;
use providers::budget::Priority;
use providers::strava::{AthleteSummary, DEFAULT_SCOPE, StravaClient, TokenGrant};
use serde::Deserialize;

use super::html::{self, Nav};
use crate::analysis::Sex;
use crate::http::athlete::session::{self, cookie, cookie_value, random_hex, session_user};
use crate::http::extract::Query;
use crate::http::{ApiError, AppState, WebSettings};
use crate::store;
use crate::store::integrations::{self, NewIntegration, Provider, Status};
use crate::store::users::{self, NewUser, Role, UserId};

/// The cookie that binds the OAuth `state` to the browser.
const STATE_COOKIE: &str = "tl_oauth_state";
/// How long a sign-in may take between the redirect and the callback, seconds.
const STATE_LIFETIME_S: i64 = 600;
/// The scope without which a listing misses private activities.
const READ_ALL: &str = "activity:read_all";
/// Strava sometimes refuses a fresh code for a second (docs/providers.md §1.2): one retry after
/// this.
const CODE_RETRY_DELAY: Duration = Duration::from_secs(2);

/// The query of `/auth/strava/login`.
#[derive(Debug, Deserialize)]
pub struct Login {
    /// Demo mode only: which simulated athlete the simulated Strava approves.
    sim_athlete: Option<usize>,
}

/// `GET /auth/strava/login`: signing in, connecting and reconnecting Strava all start here.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Login>,
) -> Result<Response, ApiError> {
    let Some(strava) = strava_client(&state) else {
        return Ok(not_configured());
    };
    let oauth_state = random_hex(16)?;
    let mut url = strava
        .authorize_url(
            &redirect_url(&state.web, &headers),
            &oauth_state,
            DEFAULT_SCOPE,
        )
        .map_err(ApiError::internal)?;
    if let Some(index) = sim_athlete(&state, &headers, query.sim_athlete).await? {
        url.query_pairs_mut()
            .append_pair("sim_athlete", &index.to_string());
    }
    let secure = state.web.secure_cookies();
    let bind = cookie(STATE_COOKIE, &oauth_state, STATE_LIFETIME_S, secure);
    Ok(([(SET_COOKIE, bind)], Redirect::to(url.as_str())).into_response())
}

/// The query Strava sends the browser back with.
#[derive(Debug, Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    scope: Option<String>,
    error: Option<String>,
}

/// Demo mode: the simulated athlete to approve, as asked, else the signed-in athlete's own (a
/// reconnect), else none (the simulator's first athlete).
async fn sim_athlete(
    state: &AppState,
    headers: &HeaderMap,
    asked: Option<usize>,
) -> Result<Option<usize>, ApiError> {
    if !state.web.demo {
        return Ok(None);
    }
    if asked.is_some() {
        return Ok(asked);
    }
    let Some(user) = session_user(headers, &state.store).await? else {
        return Ok(None);
    };
    let connections = integrations::list_for_user(&state.store, user).await?;
    Ok(connections
        .iter()
        .filter(|i| i.provider == Provider::Strava)
        .find_map(|i| state.web.sim_strava_athletes.get(&i.external_athlete_id))
        .copied())
}

/// `GET /auth/strava/callback`: a session and `/dashboard`, or a page saying why not.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Callback>,
) -> Result<Response, ApiError> {
    let secure = state.web.secure_cookies();
    // The state is single-use: whatever happens next, the browser forgets it.
    let forget = cookie(STATE_COOKIE, "", 0, secure);
    Ok(match complete(&state, &headers, query).await? {
        Ok(user) => {
            let session = session::open(&state.store, user, secure).await?;
            let cookies = AppendHeaders([(SET_COOKIE, forget), (SET_COOKIE, session)]);
            (cookies, Redirect::to("/dashboard")).into_response()
        }
        Err(page) => (AppendHeaders([(SET_COOKIE, forget)]), page).into_response(),
    })
}

/// The callback's steps: the signed-in athlete's user, or the page that says why there is none.
async fn complete(
    state: &AppState,
    headers: &HeaderMap,
    query: Callback,
) -> Result<Result<UserId, Response>, ApiError> {
    let bound = cookie_value(headers, STATE_COOKIE);
    if !same_state(bound.as_deref(), query.state.as_deref()) {
        return Ok(Err(failure(StatusCode::BAD_REQUEST, STATE_MISMATCH)));
    }
    if let Some(error) = &query.error {
        return Ok(Err(declined(error)));
    }
    let Some(strava) = strava_client(state) else {
        return Ok(Err(not_configured()));
    };
    let Some(code) = query.code else {
        return Ok(Err(failure(StatusCode::BAD_REQUEST, NO_CODE)));
    };
    let grant = match exchange(&strava, code).await {
        Ok(grant) => grant,
        Err(error) => {
            tracing::warn!(%error, "Strava refused the authorization code");
            return Ok(Err(failure(StatusCode::BAD_GATEWAY, TRY_AGAIN)));
        }
    };
    let scope = query.scope.unwrap_or_default();
    if !scope.split([',', ' ']).any(|s| s == READ_ALL) {
        give_back(&strava, &grant).await;
        return Ok(Err(failure(StatusCode::FORBIDDEN, MISSING_SCOPE)));
    }
    let Some(athlete) = &grant.athlete else {
        return Ok(Err(failure(StatusCode::BAD_GATEWAY, TRY_AGAIN)));
    };
    let signed_in = session_user(headers, &state.store).await?;
    link(state, athlete, &grant, &scope, signed_in)
        .await
        .map(Ok)
}

const STATE_MISMATCH: &str = "This sign-in was not started in this browser or took too long.";
const NO_CODE: &str = "Strava sent no authorization code.";
const TRY_AGAIN: &str = "Strava did not complete the sign-in. Please try again.";
const MISSING_SCOPE: &str = "TrainingLoad needs to read all your activities, including private \
     ones. Please sign in again and leave “View data about your private activities” ticked.";

/// The page for an `error` Strava sent back (`access_denied`: the athlete said no).
fn declined(error: &str) -> Response {
    let message = if error == "access_denied" {
        "You declined to connect Strava, so you are not signed in.".to_owned()
    } else {
        format!("Strava answered: {error}.")
    };
    failure(StatusCode::FORBIDDEN, &message)
}

/// Without the needed scope nothing is stored and the access is given back (docs/providers.md
/// §1.2).
async fn give_back(strava: &StravaClient, grant: &TokenGrant) {
    if let Err(error) = strava
        .deauthorize(&grant.access_token, Priority::Interactive)
        .await
    {
        tracing::warn!(%error, "could not deauthorize a sign-in without the needed scope");
    }
}

/// The Strava client, when this process has one.
fn strava_client(state: &AppState) -> Option<std::sync::Arc<StravaClient>> {
    state.providers.as_ref().and_then(|ctx| ctx.strava.clone())
}

/// Where Strava sends the browser back.
fn redirect_url(web: &WebSettings, headers: &HeaderMap) -> String {
    match &web.strava_redirect_url {
        Some(url) => url.clone(),
        None => {
            let host = headers.get(HOST).and_then(|v| v.to_str().ok());
            format!("{}/auth/strava/callback", web.base_url(host))
        }
    }
}

/// Whether the callback's `state` is the one bound to this browser (constant time).
fn same_state(bound: Option<&str>, returned: Option<&str>) -> bool {
    let (Some(bound), Some(returned)) = (bound, returned) else {
        return false;
    };
    !bound.is_empty()
        && crate::store::secrets::constant_time_eq(bound.as_bytes(), returned.as_bytes())
}

/// The code exchange, retried once after a short pause when Strava refuses a fresh code.
async fn exchange(strava: &StravaClient, code: String) -> Result<TokenGrant, ProviderError> {
    let code = secrecy::SecretString::from(code);
    match strava.exchange_code(&code).await {
        Err(ProviderError::CodeRejected { .. }) => {
            tokio::time::sleep(CODE_RETRY_DELAY).await;
            strava.exchange_code(&code).await
        }
        other => other,
    }
}

/// The user of this Strava athlete: the one already linked to it, else the signed-in user,
/// else a new user (whose onboarding is queued). Stores the grant either way.
async fn link(
    state: &AppState,
    athlete: &AthleteSummary,
    grant: &TokenGrant,
    scope: &str,
    signed_in: Option<UserId>,
) -> Result<UserId, ApiError> {
    let store = &state.store;
    let now_ms = store::now_ms();
    let connection = |user| {
        NewIntegration::strava(
            user,
            athlete.id,
            grant.refresh_token.clone(),
            Some(scope.to_owned()),
        )
        .with_access_token(grant.access_token.clone(), grant.expires_at_s * 1000)
    };
    let linked =
        integrations::find_user_by_athlete(store, Provider::Strava, &athlete.id.to_string())
            .await?;
    if let Some(user) = linked {
        let before =
            integrations::find_by_athlete(store, Provider::Strava, &athlete.id.to_string()).await?;
        integrations::connect(store, &connection(user), now_ms).await?;
        if before.is_none_or(|i| i.status != Status::Active) {
            // A reconnect: the activities of the time without access come in through the same
            // backfill as a new athlete's (upserts, so nothing already stored is duplicated).
            queue_backfill(state, user).await;
        }
        return Ok(user);
    }
    let (user, created) = match signed_in {
        Some(user) => (user, false),
        None => (users::add(store, &new_user(athlete), now_ms).await?, true),
    };
    if let Err(error) = integrations::connect(store, &connection(user), now_ms).await {
        if created {
            // Leave no half-created user behind.
            let _ = users::delete(store, user).await;
        }
        return Err(error.into());
    }
    queue_backfill(state, user).await;
    Ok(user)
}

/// Queues the history import of `user`.
async fn queue_backfill(state: &AppState, user: UserId) {
    if let Err(error) = crate::jobs::onboarding::start(&state.scheduler, user).await {
        // The user is signed in either way; the next scheduled sync imports recent weeks.
        tracing::error!(%error, user = user.0, "could not queue the onboarding");
    }
}

/// A user from Strava's athlete summary.
fn new_user(athlete: &AthleteSummary) -> NewUser {
    let full_name = [&athlete.firstname, &athlete.lastname]
        .into_iter()
        .flatten()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let name = if full_name.is_empty() {
        athlete
            .username
            .clone()
            .unwrap_or_else(|| format!("Strava athlete {}", athlete.id))
    } else {
        full_name
    };
    let sex = match athlete.sex.as_deref() {
        Some("M") => Some(Sex::Male),
        Some("F") => Some(Sex::Female),
        _ => None,
    };
    NewUser {
        name,
        sex,
        birth_year: None,
        time_zone: "UTC".to_owned(),
        // `users::add` makes the very first user an admin.
        role: Role::Athlete,
    }
}

/// The page of a sign-in that did not happen: `message` says why.
#[derive(Template)]
#[template(path = "status/sign_in_failed.html")]
struct SignInFailed<'a> {
    title: &'a str,
    nav: Nav,
    message: &'a str,
}

/// The page of a sign-in that did not happen.
fn failure(status: StatusCode, message: &str) -> Response {
    let page = SignInFailed {
        title: "Sign-in failed",
        nav: Nav::Anonymous,
        message,
    };
    html::render_with(status, &page)
}

/// The page shown when this server has no Strava application configured.
#[derive(Template)]
#[template(path = "status/sign_in_unavailable.html")]
struct SignInUnavailable<'a> {
    title: &'a str,
    nav: Nav,
}

/// The page shown when this server has no Strava application configured.
fn not_configured() -> Response {
    let page = SignInUnavailable {
        title: "Sign-in unavailable",
        nav: Nav::Anonymous,
    };
    html::render_with(StatusCode::SERVICE_UNAVAILABLE, &page)
}
