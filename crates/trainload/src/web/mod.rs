//! The dashboard (issue #6 §3): server-rendered pages, charts drawn by a small embedded script
//! (no CDN). `/` is the sign-in page (the demo's athlete list in demo mode), `/dashboard` the
//! overview, `/activities` the list with one-click load explanations, `/activities/{id}` one
//! activity, `/fitness` and `/wellness` the trends, `/settings/display` the units. Every
//! user-provided string is escaped.

mod activity;
mod assets;
mod display;
mod fitness;
mod html;
mod pages;
mod wellness;

pub mod chart;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::http::athlete::{PathParam, session};
use crate::http::{ApiError, AppState};
use crate::store::users::{self, UserId};
use crate::store::{StoreError, sessions};

pub use html::escape;

/// The page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/dashboard", get(pages::dashboard))
        .route("/activities", get(pages::activities))
        .route("/activities/{id}", get(activity::activity))
        .route("/fitness", get(fitness::fitness))
        .route("/wellness", get(wellness::wellness))
        .route("/settings/display", get(display::show).post(display::save))
        .route("/demo/login/{user_id}", get(demo_login))
        .route("/logout", get(logout))
        .route("/assets/app.css", get(css))
        .merge(assets::router())
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        html::APP_CSS,
    )
        .into_response()
}

async fn index(State(state): State<AppState>) -> Result<Response, ApiError> {
    if !crate::demo::enabled() {
        return Ok(html::page(
            "Welcome",
            false,
            "<h1>TrainingLoad</h1><div class=\"card\"><p>One honest training-load number per \
             session, kept fresh automatically.</p><p class=\"muted\">Sign-in with Strava is not \
             available yet; run <code>trainload demo</code> to try the dashboard.</p></div>",
        ));
    }
    let mut items = String::new();
    for user in users::list(&state.store).await? {
        items.push_str(&format!(
            r#"<li><a href="/demo/login/{}">{}</a> <span class="muted">({})</span></li>"#,
            user.id.0,
            html::escape(&user.name),
            html::escape(&user.time_zone)
        ));
    }
    let body = format!(
        "<h1>TrainingLoad demo</h1><div class=\"card\"><h2>Sign in as a simulated athlete</h2>\
         <p class=\"muted\">Demo mode: no password. The data comes from the built-in simulator \
         of Strava and Intervals.icu.</p><ul class=\"people\">{items}</ul></div>"
    );
    Ok(html::page("Demo", false, &body))
}

/// Demo only: signs in as `user_id` without a password and opens the dashboard.
async fn demo_login(
    State(state): State<AppState>,
    PathParam(user_id): PathParam<i64>,
) -> Result<Response, ApiError> {
    if !crate::demo::enabled() {
        return Err(crate::http::athlete::data::not_found("page"));
    }
    match users::get(&state.store, UserId(user_id)).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(crate::http::athlete::data::not_found("user")),
        Err(other) => return Err(other.into()),
    }
    let cookie = session::open(&state.store, UserId(user_id)).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/dashboard")).into_response())
}

async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(hash) = session::presented_hash(&headers) {
        sessions::delete(&state.store, &hash).await?;
    }
    let clear = format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
        session::SESSION_COOKIE
    );
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/")).into_response())
}
