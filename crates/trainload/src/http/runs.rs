//! `GET /scheduler/runs`, `GET /scheduler/runs/{id}`, `POST /scheduler/runs/{id}/retry-failed`
//! and `POST /scheduler/runs/{id}/cancel`.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use queue::QueueError;
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{Admin, Path, Query};
use super::{ApiError, ApiResult, AppState};
use crate::jobs::view::{self, RunDetailView};

/// Default and largest page size.
const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 500;

/// Run states a filter may name.
const STATES: [&str; 8] = [
    "pending",
    "running",
    "succeeded",
    "partial",
    "failed",
    "skipped",
    "missed",
    "cancelled",
];

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scheduler/runs", get(list))
        .route("/scheduler/runs/{id}", get(show))
        .route("/scheduler/runs/{id}/retry-failed", post(retry_failed))
        .route("/scheduler/runs/{id}/cancel", post(cancel))
}

/// `?job=&state=&limit=&before=`.
#[derive(Debug, Deserialize)]
struct ListQuery {
    job: Option<String>,
    state: Option<String>,
    limit: Option<i64>,
    before: Option<i64>,
}

/// `?tasks=problems|all`.
#[derive(Debug, Deserialize)]
struct ShowQuery {
    tasks: Option<String>,
}

async fn list(
    _: Admin,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    if let Some(s) = query.state.as_deref().filter(|s| !STATES.contains(s)) {
        return Err(ApiError::bad_request(
            "invalid_state",
            format!("unknown run state {s}"),
        ));
    }
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let runs = state
        .scheduler
        .runs(
            query.job.as_deref(),
            query.state.as_deref(),
            query.before,
            limit,
        )
        .await?;
    let next_before = (i64::try_from(runs.len()).unwrap_or(0) == limit)
        .then(|| runs.last().map(|r| r.id))
        .flatten();
    let runs: Vec<_> = runs.iter().map(view::run_view).collect();
    Ok(Json(json!({ "runs": runs, "next_before": next_before })))
}

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
