//! The athlete API (`/api/v1/me/...`, issue #6 §2): the signed-in athlete's own dashboard
//! summary, PMC series, activities and recommendations. Every handler reads the user from the
//! session, never from the request, so an athlete only ever sees their own data.

pub mod activities;
pub mod data;
pub mod fitness;
pub mod recommend;
pub mod session;
pub mod wellness;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

/// The house path extractor (400 JSON on a mismatch), for the pages.
pub use super::extract::Path as PathParam;
/// The house query extractor (400 JSON on a mismatch), for the pages.
pub use super::extract::Query as QueryParam;
use super::extract::{Path, Query};
use super::{ApiError, ApiResult, AppState};
use crate::store::activities::ActivityId;
use crate::store::{StoreError, loads};
pub use session::{AdminPage, AthleteSession, PageSession};

/// Longest PMC window, days.
const MAX_PMC_DAYS: u32 = 3650;
/// Largest activity page.
const MAX_PAGE: usize = 200;

/// The `/api/v1/me` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/dashboard", get(dashboard))
        .route("/api/v1/me/pmc", get(pmc))
        .route("/api/v1/me/activities", get(list_activities))
        .route("/api/v1/me/activities/{id}", get(one_activity))
        .route("/api/v1/me/recommendations", get(recommendations))
}

async fn dashboard(
    State(state): State<AppState>,
    session: AthleteSession,
) -> ApiResult<Json<data::Dashboard>> {
    let history = data::history(&state.store, session.user).await?;
    Ok(Json(data::dashboard(&state.store, &history).await?))
}

#[derive(Debug, Deserialize)]
struct PmcQuery {
    days: Option<u32>,
}

async fn pmc(
    State(state): State<AppState>,
    session: AthleteSession,
    Query(query): Query<PmcQuery>,
) -> ApiResult<Json<Value>> {
    let days = query.days.unwrap_or(90);
    if !(1..=MAX_PMC_DAYS).contains(&days) {
        return Err(ApiError::bad_request(
            "invalid_days",
            format!("days must be between 1 and {MAX_PMC_DAYS}"),
        ));
    }
    let history = data::history(&state.store, session.user).await?;
    let points = data::pmc(&history, days)?;
    Ok(Json(json!({ "days": days, "points": points })))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn list_activities(
    State(state): State<AppState>,
    session: AthleteSession,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    let limit = query.limit.unwrap_or(20);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            format!("limit must be between 1 and {MAX_PAGE}"),
        ));
    }
    let offset = query.offset.unwrap_or(0);
    let history = data::history(&state.store, session.user).await?;
    let (items, total) = activities::page(&history, limit, offset);
    Ok(Json(json!({
        "items": items, "total": total, "limit": limit, "offset": offset,
    })))
}

async fn one_activity(
    State(state): State<AppState>,
    session: AthleteSession,
    Path(id): Path<i64>,
) -> ApiResult<Json<activities::ActivityView>> {
    let activity = match crate::store::activities::get(&state.store, ActivityId(id)).await {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Err(data::not_found("activity")),
        Err(other) => return Err(other.into()),
    };
    // Another athlete's activity is answered exactly like a missing one.
    if activity.user != session.user || activity.deleted_at_ms.is_some() {
        return Err(data::not_found("activity"));
    }
    let load = loads::get(&state.store, activity.id).await?;
    Ok(Json(activities::ActivityView::new(
        &activity,
        load.as_ref(),
    )))
}

async fn recommendations(
    State(state): State<AppState>,
    session: AthleteSession,
) -> ApiResult<Json<recommend::Recommendations>> {
    let history = data::history(&state.store, session.user).await?;
    Ok(Json(
        recommend::recommendations(&state.store, &history).await?,
    ))
}
