//! `GET /scheduler/budget`: the Strava reads of today per priority and projected, the read
//! planner's placements for this quarter hour, the webhook subscription's traffic and how
//! fresh new activities arrived.

use axum::Json;
use axum::Router;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Admin;
use super::openapi::ApiErrorBody;
use super::{ApiResult, AppState};
use crate::planner::{self, Overview};

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    routes().into()
}

/// The routes with their OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(budget))
}

/// The Strava budget and the read planner's view of it. Looking queues nothing.
#[utoipa::path(
    get, path = "/scheduler/budget", tag = "scheduler", security(("admin_token" = [])),
    responses(
        (status = 200, description = "Budget, plan, webhooks and freshness", body = Overview),
        (status = 401, description = "No or a wrong admin token", body = ApiErrorBody),
    )
)]
async fn budget(_: Admin, State(state): State<AppState>) -> ApiResult<Json<Overview>> {
    let settings = planner_settings(&state);
    let now = state.scheduler.now_ms();
    Ok(Json(planner::overview(&state.store, &settings, now).await?))
}

/// The planner settings of this process's sync context (defaults without providers).
pub fn planner_settings(state: &AppState) -> planner::PlannerSettings {
    state
        .providers
        .as_ref()
        .map(|ctx| ctx.planner)
        .unwrap_or_default()
}
