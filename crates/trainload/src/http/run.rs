//! `POST /scheduler/run/{job_id}` (docs/scheduler.md §7.1): a manual run now, without moving the
//! schedule; idempotent under `Idempotency-Key`; `?wait=true` blocks until it is final.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use queue::{ManualRun, ManualRunRequest, RunRow, RunState};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Admin, IdempotencyKey, JsonBody, Path, Query};
use super::openapi::ApiErrorBody;
use super::{ApiError, ApiResult, AppState};
use crate::jobs::view::RunDetailView;
use crate::jobs::{view, wait};

/// Default and largest `?timeout=` of a waiting request, seconds.
const WAIT_DEFAULT_S: u64 = 60;
const WAIT_MAX_S: u64 = 300;

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    routes().into()
}

/// The routes with their OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start))
}

/// `?wait=true&timeout=S`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct WaitQuery {
    /// Block until the run is final (or the timeout passes).
    #[serde(default)]
    wait: bool,
    /// Longest wait, seconds (default 60, at most 300).
    timeout: Option<u64>,
}

/// The optional body: `{"overlap": "allow", "users": [ids]}`; unknown keys and values are 400.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RunBody {
    /// `allow` runs even while another run of the job is live; `skip` (the default) refuses.
    overlap: Option<OverlapChoice>,
    /// Only these users (at most 10 000).
    users: Option<Vec<i64>>,
}

/// What a manual run does while another run of the job is live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum OverlapChoice {
    /// Refuse with 409.
    Skip,
    /// Start anyway (users with a live task are deduped).
    Allow,
}

/// The most users one request may name.
const MAX_USERS: usize = 10_000;

/// Starts a manual run of a job now, without moving its schedule.
#[utoipa::path(
    post, path = "/scheduler/run/{job_id}", tag = "scheduler", security(("admin_token" = [])),
    params(
        ("job_id" = String, Path, description = "Job id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the first request's answer"),
        WaitQuery,
    ),
    request_body(content = Option<RunBody>, description = "Optional"),
    responses(
        (status = 200, description = "With `wait=true`: the final run", body = RunDetailView),
        (status = 202, description = "`{run_id, job_id, state, status_url}`; `Location` names the run", body = Object),
        (status = 401, description = "No or a wrong admin token", body = ApiErrorBody),
        (status = 404, description = "`job_not_found`", body = ApiErrorBody),
        (status = 400, description = "`invalid_body`: unknown keys or values", body = ApiErrorBody),
        (status = 409, description = "`run_overlap`: a run is live; nothing was started", body = ApiErrorBody),
    )
)]

async fn start(
    admin: Admin,
    State(state): State<AppState>,
    Path(job_id): Path<String>,
    Query(query): Query<WaitQuery>,
    IdempotencyKey(key): IdempotencyKey,
    JsonBody(body): JsonBody<RunBody>,
) -> ApiResult<Response> {
    let body = body.unwrap_or_default();
    if body.users.as_ref().is_some_and(|u| u.len() > MAX_USERS) {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!("users names at most {MAX_USERS} ids"),
        ));
    }
    let request = ManualRunRequest {
        actor: admin.actor(),
        idempotency_key: key,
        allow_overlap: body.overlap == Some(OverlapChoice::Allow),
        users: body.users,
        refuse_if_all_deduped: false,
    };
    let (run_id, replayed) = match state.scheduler.start_manual_run(&job_id, &request).await? {
        ManualRun::Created(id) => (id, false),
        ManualRun::Replayed(id) => (id, true),
        ManualRun::Conflict { live_run_id } => return Err(overlap(&job_id, live_run_id)),
        ManualRun::AllDeduped => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "all_deduped",
                "every user already has a live task of this job",
            ));
        }
    };
    let mut run = state.scheduler.run(run_id).await?;
    if query.wait && run.finished_at_ms.is_none() {
        let timeout = Duration::from_secs(query.timeout.unwrap_or(WAIT_DEFAULT_S).min(WAIT_MAX_S));
        let stop = Some(state.shutdown.subscribe());
        run = wait::until_final(&state.scheduler, run_id, timeout, stop)
            .await?
            .unwrap_or(run);
    }
    answer(&state, run, query.wait, replayed).await
}

/// 409 for a live run under `skip`; nothing was recorded.
fn overlap(job_id: &str, live_run_id: i64) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "run_overlap",
        format!("job {job_id} has a live run {live_run_id}; nothing was started"),
    )
    .with_detail(json!({ "live_run_id": live_run_id }))
    .with_field("live_run_id", json!(live_run_id))
}

/// 200 with the run summary once final (when waiting), else 202 with where to look; a replay
/// of a request that met an overlap answers the same 409.
async fn answer(
    state: &AppState,
    run: RunRow,
    waited: bool,
    replayed: bool,
) -> ApiResult<Response> {
    let live = run
        .reason
        .as_deref()
        .and_then(|r| r.strip_prefix("overlap:"))
        .and_then(|id| id.parse::<i64>().ok());
    let mut response = match live {
        // A skipped row written by an earlier version for a refused request.
        Some(live_run_id) if run.state == RunState::Skipped => {
            overlap(&run.job_id, live_run_id).into_response()
        }
        _ if waited && run.finished_at_ms.is_some() => {
            let detail = state.scheduler.run_detail(run.id, true).await?;
            Json(view::run_detail_view(&detail, false)).into_response()
        }
        _ => accepted(&run),
    };
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

fn accepted(run: &RunRow) -> Response {
    let status_url = format!("/scheduler/runs/{}", run.id);
    let body = json!({
        "run_id": run.id, "job_id": run.job_id, "state": run.state, "status_url": status_url,
    });
    let location = HeaderValue::from_str(&status_url).unwrap_or(HeaderValue::from_static("/"));
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}
