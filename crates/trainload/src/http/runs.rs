//! `GET /scheduler/runs`, `GET /scheduler/runs/{id}`, `POST /scheduler/runs/{id}/retry-failed`
//! and `POST /scheduler/runs/{id}/cancel`.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use queue::{QueueError, RunState};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Admin, Path, Query};
use super::openapi::ApiErrorBody;
use super::{ApiError, ApiResult, AppState};
use crate::jobs::view::{self, RunDetailView, RunView};

/// Default and largest page size.
const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 500;

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    routes().into()
}

/// The routes with their OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(show))
        .routes(routes!(retry_failed))
        .routes(routes!(cancel))
}

/// `?job=&state=&limit=&before=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only this job's runs.
    job: Option<String>,
    /// Only runs in this state (pending, running, succeeded, partial, failed, skipped, missed,
    /// cancelled).
    state: Option<String>,
    /// Page size, 1 – 500 (default 50).
    limit: Option<i64>,
    /// Only runs with ids below this (the previous page's `next_before`).
    before: Option<i64>,
}

/// `?tasks=problems|all`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ShowQuery {
    /// `problems` (default: tasks that did not succeed) or `all`.
    tasks: Option<String>,
}

/// One page of runs, newest first.
#[derive(Debug, Serialize, ToSchema)]
struct RunPage {
    /// The runs.
    runs: Vec<RunView>,
    /// The `before` of the next page; null on the last one.
    next_before: Option<i64>,
}

/// Runs, newest first, filtered by job and state.
#[utoipa::path(
    get, path = "/scheduler/runs", tag = "scheduler", security(("admin_token" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "One page of runs", body = RunPage),
        (status = 400, description = "`invalid_state`, `invalid_limit` or `invalid_query`", body = ApiErrorBody),
        (status = 401, description = "No or a wrong admin token", body = ApiErrorBody),
    )
)]
async fn list(
    _: Admin,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<RunPage>> {
    let run_state = match query.state.as_deref() {
        None => None,
        Some(s) => Some(s.parse::<RunState>().map_err(|_| {
            ApiError::bad_request("invalid_state", format!("unknown run state {s}"))
        })?),
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let runs = state
        .scheduler
        .runs(query.job.as_deref(), run_state, query.before, limit)
        .await?;
    let next_before = (i64::try_from(runs.len()).unwrap_or(0) == limit)
        .then(|| runs.last().map(|r| r.id))
        .flatten();
    let runs = runs.iter().map(view::run_view).collect();
    Ok(Json(RunPage { runs, next_before }))
}

/// One run with its task counts and its tasks.
#[utoipa::path(
    get, path = "/scheduler/runs/{id}", tag = "scheduler", security(("admin_token" = [])),
    params(("id" = i64, Path, description = "Run id"), ShowQuery),
    responses(
        (status = 200, description = "The run", body = RunDetailView),
        (status = 400, description = "`invalid_query` or `invalid_path`", body = ApiErrorBody),
        (status = 401, description = "No or a wrong admin token", body = ApiErrorBody),
        (status = 404, description = "`run_not_found`", body = ApiErrorBody),
    )
)]
async fn show(
    _: Admin,
    State(state): State<AppState>,
    Path(run_id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> ApiResult<Json<RunDetailView>> {
    let all = match query.tasks.as_deref() {
        None | Some("problems") => false,
        Some("all") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("tasks must be problems or all, not {other}"),
            ));
        }
    };
    let detail = state.scheduler.run_detail(run_id, true).await?;
    Ok(Json(view::run_detail_view(&detail, all)))
}

/// Requeues the run's failed and dead tasks: `{requeued, task_ids, conflicts}`.
#[utoipa::path(
    post, path = "/scheduler/runs/{id}/retry-failed", tag = "scheduler",
    security(("admin_token" = [])),
    params(("id" = i64, Path, description = "Run id")),
    responses(
        (status = 200, description = "`{requeued, task_ids, conflicts}`", body = Object),
        (status = 401, description = "No or a wrong admin token", body = ApiErrorBody),
        (status = 404, description = "`run_not_found`", body = ApiErrorBody),
    )
)]
async fn retry_failed(
    _: Admin,
    State(state): State<AppState>,
    Path(run_id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let (requeued, conflicts) = state.scheduler.retry_failed(run_id).await?;
    Ok(Json(json!({
        "requeued": requeued.len(),
        "task_ids": requeued,
        "conflicts": conflicts,
    })))
}

/// Cancels the run's tasks that have not started: `{cancelled, run}`.
#[utoipa::path(
    post, path = "/scheduler/runs/{id}/cancel", tag = "scheduler", security(("admin_token" = [])),
    params(("id" = i64, Path, description = "Run id")),
    responses(
        (status = 200, description = "`{cancelled, run}`", body = Object),
        (status = 401, description = "No or a wrong admin token", body = ApiErrorBody),
        (status = 404, description = "`run_not_found`", body = ApiErrorBody),
        (status = 409, description = "`run_final`: the run already ended", body = ApiErrorBody),
    )
)]
async fn cancel(
    _: Admin,
    State(state): State<AppState>,
    Path(run_id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let cancelled = state.scheduler.cancel(run_id).await.map_err(|e| match e {
        QueueError::Conflict(message) => ApiError::new(StatusCode::CONFLICT, "run_final", message),
        other => other.into(),
    })?;
    let run = state.scheduler.run(run_id).await?;
    Ok(Json(
        json!({ "cancelled": cancelled, "run": view::run_view(&run) }),
    ))
}
