//! `GET /scheduler/jobs`, `POST /scheduler/jobs/{id}/pause` and `…/resume`.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Admin, JsonBody, Path};
use super::openapi::ApiErrorBody;
use super::{ApiError, ApiResult, AppState};
use crate::jobs::view::{self, JobView, JobsOverview};

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    routes().into()
}

/// The routes with their OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(pause))
        .routes(routes!(resume))
}

/// The body of a pause; unknown keys are 400.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PauseBody {
    /// Why the job is paused (required, 1 to 200 characters).
    reason: Option<String>,
}

/// The longest pause reason, in characters: it is shown on every admin page load.
pub const MAX_PAUSE_REASON: usize = 200;

/// The trimmed reason, or 400 when it is longer than [`MAX_PAUSE_REASON`].
///
/// # Errors
/// `invalid_reason`.
pub fn bounded_reason(reason: &str) -> Result<String, ApiError> {
    let reason = reason.trim();
    if reason.chars().count() > MAX_PAUSE_REASON {
        return Err(ApiError::bad_request(
            "invalid_reason",
            format!("a pause reason is at most {MAX_PAUSE_REASON} characters"),
        ));
    }
    Ok(reason.to_owned())
}

/// Every job with its trigger, next fires, pause state and newest run.
#[utoipa::path(
    get, path = "/scheduler/jobs", tag = "scheduler", security(("admin_token" = [])),
    responses(
        (status = 200, description = "The jobs", body = JobsOverview),
        (status = 401, description = "No or a wrong admin token", body = ApiErrorBody),
    )
)]
async fn list(_: Admin, State(state): State<AppState>) -> ApiResult<Json<JobsOverview>> {
    let running = state.status.is_running(state.scheduler.now_ms());
    Ok(Json(view::jobs_overview(&state.scheduler, running).await?))
}

/// Pauses a job: no scheduled run is created until it is resumed.
#[utoipa::path(
    post, path = "/scheduler/jobs/{id}/pause", tag = "scheduler", security(("admin_token" = [])),
    params(("id" = String, Path, description = "Job id")),
    request_body = PauseBody,
    responses(
        (status = 200, description = "The paused job", body = JobView),
        (status = 401, description = "No or a wrong admin token", body = ApiErrorBody),
        (status = 400, description = "`invalid_body` (unknown keys, a reason that is not a string) or `invalid_reason` (too long)", body = ApiErrorBody),
        (status = 404, description = "`job_not_found`", body = ApiErrorBody),
        (status = 422, description = "`reason_required`", body = ApiErrorBody),
    )
)]
async fn pause(
    admin: Admin,
    State(state): State<AppState>,
    Path(job_id): Path<String>,
    JsonBody(body): JsonBody<PauseBody>,
) -> ApiResult<Json<JobView>> {
    if state.scheduler.job(&job_id).is_none() {
        return Err(queue::QueueError::JobNotFound(job_id).into());
    }
    let reason = body
        .and_then(|b| b.reason)
        .map(|r| bounded_reason(&r))
        .transpose()?
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

/// Resumes a paused job from its next occurrence.
#[utoipa::path(
    post, path = "/scheduler/jobs/{id}/resume", tag = "scheduler", security(("admin_token" = [])),
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The resumed job", body = JobView),
        (status = 401, description = "No or a wrong admin token", body = ApiErrorBody),
        (status = 404, description = "`job_not_found`", body = ApiErrorBody),
    )
)]
async fn resume(
    _: Admin,
    State(state): State<AppState>,
    Path(job_id): Path<String>,
) -> ApiResult<Json<JobView>> {
    state.scheduler.resume(&job_id).await?;
    Ok(Json(view::job(&state.scheduler, &job_id).await?))
}
