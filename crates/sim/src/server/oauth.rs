//! Fake Strava OAuth: auto-approving authorize, token exchange and refresh (same access token
//! while over an hour is left; optional refresh-token rotation), deauthorize.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;

use super::activities::athlete_json;
use super::faults::bearer;
use super::{Shared, lock, reply, webhooks};
use crate::rng::{hex40, tag};

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/strava/oauth/authorize", get(authorize))
        .route("/strava/oauth/token", post(token))
        .route("/strava/api/v3/oauth/token", post(token))
        .route("/strava/oauth/deauthorize", post(deauthorize))
}

fn invalid_client() -> Response {
    reply::strava_fault(
        StatusCode::BAD_REQUEST,
        "Bad Request",
        "Application",
        "client_id",
        "invalid",
    )
}

/// Redirects to `redirect_uri` with `code`, `scope` and `state` (or `error=access_denied`).
async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or_default();
    if get("client_id") != shared.client_id {
        return invalid_client();
    }
    let index: usize = get("sim_athlete").parse().unwrap_or(0);
    if index >= shared.world.athletes.len() {
        return reply::strava_fault(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Athlete",
            "sim_athlete",
            "invalid",
        );
    }
    let state = encode(get("state"));
    let separator = if get("redirect_uri").contains('?') {
        '&'
    } else {
        '?'
    };
    let location = if get("sim_deny") == "1" {
        format!(
            "{}{separator}state={state}&error=access_denied",
            get("redirect_uri")
        )
    } else {
        let scope = params
            .get("sim_scope")
            .or(params.get("scope"))
            .cloned()
            .unwrap_or_else(|| "read".to_owned());
        let mut auth = lock(&shared.auth);
        auth.code_counter += 1;
        let code = hex40(&[
            shared.config.seed,
            index as u64,
            auth.code_counter,
            tag("code"),
        ]);
        auth.codes.insert(
            code.clone(),
            (index, scope.clone(), shared.config.clock.now_s()),
        );
        format!(
            "{}{separator}state={state}&code={code}&scope={}",
            get("redirect_uri"),
            encode(&scope)
        )
    };
    let mut response = reply::raw(StatusCode::FOUND, "text/html", "");
    if let Ok(value) = location.parse() {
        response.headers_mut().insert(header::LOCATION, value);
    }
    reply::tagged(response, index)
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn token(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    if get("client_id") != shared.client_id || get("client_secret") != shared.client_secret {
        return invalid_client();
    }
    match get("grant_type") {
        "authorization_code" => exchange(&shared, get("code")),
        "refresh_token" => refresh(&shared, get("refresh_token")),
        _ => reply::strava_fault(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Application",
            "grant_type",
            "invalid",
        ),
    }
}

/// Exchanges a single-use code (valid 10 minutes) for a fresh pair and the athlete summary.
fn exchange(shared: &Shared, code: &str) -> Response {
    let now_s = shared.config.clock.now_s();
    let mut auth = lock(&shared.auth);
    let Some((index, scope, issued)) = auth.codes.remove(code) else {
        return reply::strava_fault(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "AuthorizationCode",
            "code",
            "invalid",
        );
    };
    if now_s - issued > 600 {
        return reply::strava_fault(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "AuthorizationCode",
            "code",
            "invalid",
        );
    }
    let lifetime = shared.config.token_lifetime_s;
    let Some(grant) = auth.mint(shared.config.seed, index, now_s, lifetime, true) else {
        return invalid_client();
    };
    let mut grant = grant.clone();
    grant.scope = scope;
    if let Some(stored) = auth.grants.get_mut(index) {
        stored.scope = grant.scope.clone();
    }
    drop(auth);
    let body = json!({
        "token_type": "Bearer",
        "expires_at": grant.expires_at_s,
        "expires_in": grant.expires_at_s - now_s,
        "refresh_token": grant.refresh_token,
        "access_token": grant.access_token,
        "athlete": athlete_json(shared, index, 2),
    });
    reply::tagged(reply::json(StatusCode::OK, &body), index)
}

/// Refreshes: the same access token while more than an hour is left, else a new one (and a new
/// refresh token when rotation is on). A replaced or revoked refresh token gets 400.
fn refresh(shared: &Shared, refresh_token: &str) -> Response {
    let now_s = shared.config.clock.now_s();
    let mut auth = lock(&shared.auth);
    let Some(&index) = auth.refresh_index.get(refresh_token) else {
        return reply::refresh_invalid();
    };
    let Some(current) = auth.grants.get(index).cloned() else {
        return reply::refresh_invalid();
    };
    if current.revoked {
        return reply::tagged(reply::refresh_invalid(), index);
    }
    let grant = if current.access_token.is_some() && current.expires_at_s - now_s > 3600 {
        current
    } else {
        let rotate = shared.config.rotate_refresh_tokens;
        match auth.mint(
            shared.config.seed,
            index,
            now_s,
            shared.config.token_lifetime_s,
            rotate,
        ) {
            Some(grant) => grant.clone(),
            None => return reply::refresh_invalid(),
        }
    };
    let body = json!({
        "token_type": "Bearer",
        "access_token": grant.access_token,
        "expires_at": grant.expires_at_s,
        "expires_in": grant.expires_at_s - now_s,
        "refresh_token": grant.refresh_token,
    });
    reply::tagged(reply::json(StatusCode::OK, &body), index)
}

/// Revokes all of the athlete's tokens and sends the deauthorization event.
async fn deauthorize(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let from_form = || {
        std::str::from_utf8(&body)
            .ok()?
            .split('&')
            .find_map(|pair| pair.strip_prefix("access_token="))
            .map(str::to_owned)
    };
    let token = bearer(&headers).map(str::to_owned).or_else(from_form);
    let Some(token) = token else {
        return reply::strava_unauthorized();
    };
    let index = {
        let auth = lock(&shared.auth);
        let Some(&index) = auth.access_index.get(&token) else {
            return reply::strava_unauthorized();
        };
        index
    };
    lock(&shared.auth).revoke(index);
    webhooks::athlete_deauthorized(&shared, index);
    reply::tagged(
        reply::json(StatusCode::OK, &json!({"access_token": token})),
        index,
    )
}
