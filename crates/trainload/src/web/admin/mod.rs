//! The admin pages, for users with the admin role: `/admin` shows the jobs
//! with pause/resume and run-now buttons, the recent runs, the failed and dead tasks with a retry
//! button, the provider rate budget and the integrations that need re-authorisation;
//! `/admin/runs/{id}` shows one run's per-user task outcomes. The buttons are POST forms that
//! call the same `queue::Scheduler` operations as the admin JSON API, then redirect back.

mod actions;
mod overview;
mod run;
mod sections;
mod strava;

use std::collections::HashMap;

use axum::Router;
use axum::routing::{get, post};

use crate::http::{ApiError, AppState};
use crate::store::{Store, users};

/// The admin page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(overview::page))
        .route("/admin/runs/{id}", get(run::page))
        .route("/admin/jobs/{id}/run", post(actions::run_now))
        .route("/admin/jobs/{id}/pause", post(actions::pause))
        .route("/admin/jobs/{id}/resume", post(actions::resume))
        .route("/admin/runs/{id}/retry", post(actions::retry))
}

/// Every user's display name by id (task rows name the athlete, not just the id).
async fn user_names(store: &Store) -> Result<HashMap<i64, String>, ApiError> {
    Ok(users::list(store)
        .await?
        .into_iter()
        .map(|user| (user.id.0, user.name))
        .collect())
}

/// The actor recorded on runs and pauses started from these pages.
fn actor(admin: crate::web::page_session::AdminPage) -> String {
    format!("admin:user:{}", admin.user.0)
}
