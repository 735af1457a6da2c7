//! The dashboard: server-rendered pages, charts drawn by a small embedded script
//! (no CDN). `/` is the sign-in page (plus the demo's athlete list in demo mode), `/dashboard`
//! the overview, `/activities` the list with one-click load explanations, `/activities/{id}` one
//! activity, `/fitness` and `/wellness` the trends, `/settings` the athlete's connections and
//! data, `/settings/display` the units, `/admin` the admin pages. Signed-in pages load the small
//! embedded `live.js`, which refreshes them on `/events`. Each page is an askama template under
//! `templates/` that extends `layout.html`; every value a template shows is escaped unless it is
//! marked `safe` (a component that escaped its own text).

mod account;
mod activity;
mod activity_list;
mod admin;
mod assets;
mod display;
pub(crate) mod error_page;
mod fitness;
mod html;
mod notifications;
pub mod page_session;
mod pages;
mod strava_auth;
mod threshold_chart;
mod wellness;
mod words;
pub(crate) mod zone_table;
mod zones_form;

pub mod chart;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::http::athlete::{PathParam, session};
use crate::http::{ApiError, AppState};
use crate::store::integrations::{self, Provider};
use crate::store::users::{self, UserId};
use crate::store::{StoreError, sessions};

pub use html::{Nav, admins_only};

/// The page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/dashboard", get(pages::dashboard))
        .route("/activities", get(activity_list::activities))
        .route("/activities/{id}", get(activity::activity))
        .route("/fitness", get(fitness::fitness))
        .route("/fitness/thresholds", post(fitness::set_thresholds))
        .route("/fitness/zones", post(zones_form::save))
        .route(
            "/fitness/thresholds/{id}/remove",
            post(fitness::remove_threshold),
        )
        .route("/wellness", get(wellness::wellness))
        .route("/settings/display", get(display::show).post(display::save))
        .route("/auth/strava/login", get(strava_auth::login))
        .route("/auth/strava/callback", get(strava_auth::callback))
        .route("/settings", get(account::page))
        .route("/settings/intervals", post(account::connect_intervals))
        .route(
            "/settings/intervals/disconnect",
            post(account::disconnect_intervals),
        )
        .route(
            "/settings/strava/disconnect",
            post(account::disconnect_strava),
        )
        .route(
            "/settings/delete",
            get(account::confirm_delete).post(account::delete),
        )
        .route(
            "/settings/push/preferences",
            post(notifications::save_preferences),
        )
        .route("/settings/push/test", post(notifications::send_test))
        .route(
            "/settings/push/devices/{id}/remove",
            post(notifications::remove_device),
        )
        .route("/sw.js", get(notifications::service_worker))
        .route("/demo/login/{user_id}", get(demo_login))
        .route("/logout", post(logout))
        .merge(admin::router())
        .merge(assets::router())
}

/// `/`: the sign-in page; in demo mode, `demo` lists the athletes to sign in as.
#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    nav: Nav,
    demo: Option<Vec<DemoPerson>>,
}

/// A simulated athlete of the demo's sign-in list.
struct DemoPerson {
    id: i64,
    name: String,
    time_zone: String,
    admin: bool,
    /// The athlete's index in the simulated Strava, for signing in through it.
    sim_strava_athlete: Option<usize>,
}

async fn index(State(state): State<AppState>) -> Result<Response, ApiError> {
    if !state.web.demo {
        return Ok(html::render(&IndexPage {
            nav: Nav::Anonymous,
            demo: None,
        }));
    }
    let mut people = Vec::new();
    for user in users::list(&state.store).await? {
        // The same athlete through the simulated Strava's sign-in, as a real athlete would.
        let sim_strava_athlete = integrations::list_for_user(&state.store, user.id)
            .await?
            .iter()
            .filter(|i| i.provider == Provider::Strava)
            .find_map(|i| state.web.sim_strava_athletes.get(&i.external_athlete_id))
            .copied();
        people.push(DemoPerson {
            id: user.id.0,
            admin: user.role == users::Role::Admin,
            name: user.name,
            time_zone: user.time_zone,
            sim_strava_athlete,
        });
    }
    Ok(html::render(&IndexPage {
        nav: Nav::Anonymous,
        demo: Some(people),
    }))
}

/// Demo only: signs in as `user_id` without a password and opens the dashboard.
async fn demo_login(
    State(state): State<AppState>,
    PathParam(user_id): PathParam<i64>,
) -> Result<Response, ApiError> {
    if !state.web.demo {
        return Err(ApiError::not_found("page"));
    }
    match users::get(&state.store, UserId(user_id)).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(ApiError::not_found("user")),
        Err(other) => return Err(other.into()),
    }
    let cookie = session::open(&state.store, UserId(user_id), state.web.secure_cookies()).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/dashboard")).into_response())
}

async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(hash) = session::presented_hash(&headers) {
        sessions::delete(&state.store, &hash).await?;
    }
    let clear = session::clear(state.web.secure_cookies());
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/")).into_response())
}
