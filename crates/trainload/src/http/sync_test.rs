//! `POST /sync/test/{user_id}` (docs/scheduler.md §7.2): the user's `quick_sync` task, run inline
//! with a time limit, answered with the sync report's fields.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use queue::{TaskError, TaskReport};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Admin, Path};
use super::openapi::ApiErrorBody;
use super::{ApiError, ApiResult, AppState};
use crate::jobs::inline::{self, InlineOutcome};
use crate::store::StoreError;
use crate::store::users::{self, UserId};
use crate::sync::SyncReport;

/// The job `/sync/test` runs.
const QUICK_SYNC: &str = "quick_sync";

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    routes().into()
}

/// The routes with their OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sync_test))
}

/// Runs the user's `quick_sync` task inline and answers the sync report:
/// `{message, run_id, new_activities, updated_activities, wellness_days, wellness_synced,
/// has_strava, has_intervals, thresholds_changed, duration_ms, errors}`.
#[utoipa::path(
    post, path = "/sync/test/{user_id}", tag = "scheduler", security(("admin_token" = [])),
    params(("user_id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The sync report (its `errors` list the steps that failed, if any)", body = Object),
        (status = 401, description = "No or a wrong admin token", body = ApiErrorBody),
        (status = 404, description = "`user_not_found` or `job_not_found`", body = ApiErrorBody),
        (status = 409, description = "`task_live`: the user's sync is already queued or running", body = ApiErrorBody),
        (status = 429, description = "`budget_exhausted`; `Retry-After` says when", body = ApiErrorBody),
        (status = 502, description = "The sync failed as a whole: the same report fields, `message` \"sync failed\" and the error in `errors`", body = Object),
        (status = 504, description = "`sync_timeout`: the run continues under normal retry", body = ApiErrorBody),
    )
)]

async fn sync_test(
    admin: Admin,
    State(state): State<AppState>,
    Path(user_id): Path<i64>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    match users::get(&state.store, UserId(user_id)).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "user_not_found",
                format!("user {user_id} not found"),
            ));
        }
        Err(other) => return Err(other.into()),
    }
    let job = state.jobs.get(QUICK_SYNC).cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "job_not_found",
            "job quick_sync not found",
        )
    })?;
    let limit = state.inline_sync_limit;
    let outcome =
        inline::run_user_task(&state.scheduler, job, user_id, &admin.actor(), limit).await?;
    answer(outcome, state.scheduler.now_ms())
}

/// The 200 report, the 502 failure report, or 409 / 429 / 504.
fn answer(outcome: InlineOutcome, now_ms: i64) -> ApiResult<(StatusCode, Json<Value>)> {
    match outcome {
        InlineOutcome::Finished {
            run_id,
            result: Ok(report),
            duration_ms,
        } => Ok((
            StatusCode::OK,
            Json(report_body(run_id, &report, duration_ms)),
        )),
        InlineOutcome::Finished {
            result:
                Err(TaskError::RateLimited {
                    retry_at_ms,
                    message,
                }),
            run_id,
            ..
        } => {
            let wait_s = u64::try_from((retry_at_ms - now_ms).max(0))
                .unwrap_or(0)
                .div_ceil(1000);
            Err(
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "budget_exhausted", message)
                    .with_detail(json!({ "run_id": run_id }))
                    .with_retry_after(wait_s.max(1)),
            )
        }
        InlineOutcome::Finished {
            run_id,
            result: Err(error),
            duration_ms,
        } => Ok((
            StatusCode::BAD_GATEWAY,
            Json(failure_body(run_id, &error, duration_ms)),
        )),
        InlineOutcome::TaskLive { live_task_id } => Err(ApiError::new(
            StatusCode::CONFLICT,
            "task_live",
            "the user already has a quick_sync task queued or running; nothing was started",
        )
        .with_detail(json!({ "live_task_id": live_task_id }))),
        InlineOutcome::TimedOut { run_id } => Err(ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "sync_timeout",
            format!("the sync did not finish in time; run {run_id} continues under normal retry"),
        )
        .with_detail(json!({ "run_id": run_id }))),
    }
}

/// The report fields of a finished sync (the task's `detail` is the sync report).
fn report_body(run_id: i64, report: &TaskReport, duration_ms: u64) -> Value {
    let detail = SyncReport::deserialize(&report.detail).unwrap_or_else(|error| {
        tracing::warn!(run_id, %error, "unreadable sync report");
        SyncReport {
            duration_ms,
            ..SyncReport::default()
        }
    });
    let wellness_failed = detail
        .errors
        .iter()
        .any(|e| e.step.starts_with("intervals.wellness"));
    let (has_strava, has_intervals) = (detail.has_strava, detail.has_intervals);
    let message = if !has_strava && !has_intervals {
        "nothing to sync"
    } else if !detail.errors.is_empty() {
        "sync finished with errors"
    } else {
        "sync finished"
    };
    json!({
        "message": message,
        "run_id": run_id,
        "new_activities": detail.new_activities,
        "updated_activities": detail.updated_activities,
        "wellness_days": detail.wellness_days,
        "wellness_synced": has_intervals && !wellness_failed,
        "has_strava": has_strava,
        "has_intervals": has_intervals,
        "thresholds_changed": detail.thresholds_changed,
        "duration_ms": detail.duration_ms,
        "errors": detail.errors,
    })
}

/// The same fields for a task that failed as a whole.
fn failure_body(run_id: i64, error: &TaskError, duration_ms: u64) -> Value {
    json!({
        "message": "sync failed",
        "run_id": run_id,
        "new_activities": 0, "updated_activities": 0, "wellness_days": 0,
        "wellness_synced": false, "has_strava": false, "has_intervals": false,
        "thresholds_changed": [],
        "duration_ms": duration_ms,
        "errors": [{ "step": "sync", "class": error.class(), "message": error.to_string() }],
    })
}
