//! `GET /scheduler/jobs`, `POST /scheduler/jobs/{id}/pause` and `…/resume`.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;

use super::extract::{Admin, JsonBody, Path};
use super::{ApiError, ApiResult, AppState};
use crate::jobs::view::{self, JobView, JobsOverview};

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scheduler/jobs", get(list))
        .route("/scheduler/jobs/{id}/pause", post(pause))
        .route("/scheduler/jobs/{id}/resume", post(resume))
}

/// The body of a pause.
#[derive(Debug, Deserialize)]
struct PauseBody {
    reason: Option<String>,
}

async fn list(_: Admin, State(state): State<AppState>) -> ApiResult<Json<JobsOverview>> {
    let running = state.status.is_running(state.scheduler.now_ms());
    Ok(Json(view::jobs_overview(&state.scheduler, running).await?))
}

async fn pause(
    admin: Admin,
    State(state): State<AppState>,
    Path(job_id): Path<String>,
    JsonBody(body): JsonBody<PauseBody>,
) -> ApiResult<Json<JobView>> {
    let reason = body
        .and_then(|b| b.reason)
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "reason_required",
                "pausing a job requires {\"reason\": \"…\"}",
            )
        })?;
    state
        .scheduler
        .pause(&job_id, &reason, &admin.actor())
        .await?;
    Ok(Json(view::job(&state.scheduler, &job_id).await?))
}

async fn resume(
    _: Admin,
    State(state): State<AppState>,
    Path(job_id): Path<String>,
) -> ApiResult<Json<JobView>> {
    state.scheduler.resume(&job_id).await?;
    Ok(Json(view::job(&state.scheduler, &job_id).await?))
}
