//! The admin page buttons: POST forms that call the scheduler and redirect (303) to the page
//! that shows the result, so a reload does not repeat the action.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::response::Redirect;
use queue::{ManualRun, ManualRunRequest};
use serde::Deserialize;

use super::actor;
use crate::http::athlete::PathParam;
use crate::http::{ApiError, AppState};
use crate::web::page_session::AdminPage;

/// The reason recorded when the pause form leaves it empty.
const DEFAULT_PAUSE_REASON: &str = "paused from the admin page";

/// Starts a manual run of the job (the schedule does not move); lands on `/admin`, which lists
/// it among the recent runs.
pub async fn run_now(
    admin: AdminPage,
    State(state): State<AppState>,
    PathParam(job_id): PathParam<String>,
) -> Result<Redirect, ApiError> {
    let request = ManualRunRequest {
        actor: actor(admin),
        ..ManualRunRequest::default()
    };
    let target = match state.scheduler.start_manual_run(&job_id, &request).await? {
        ManualRun::Created(run_id) | ManualRun::Replayed(run_id) => {
            format!("/admin?started={run_id}")
        }
        // A live run blocks it: nothing was started; the page says which run is live.
        ManualRun::Conflict { live_run_id } => format!("/admin?live={live_run_id}"),
        ManualRun::AllDeduped => "/admin".to_owned(),
    };
    Ok(Redirect::to(&target))
}

/// The pause form.
#[derive(Debug, Deserialize)]
pub struct PauseForm {
    reason: Option<String>,
}

/// Pauses the job: its occurrences are recorded as skipped until it is resumed.
pub async fn pause(
    admin: AdminPage,
    State(state): State<AppState>,
    PathParam(job_id): PathParam<String>,
    form: Result<Form<PauseForm>, FormRejection>,
) -> Result<Redirect, ApiError> {
    let Form(form) = form.map_err(|e| ApiError::bad_request("invalid_form", e.body_text()))?;
    let reason = form
        .reason
        .map(|r| crate::http::jobs::bounded_reason(&r))
        .transpose()?
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| DEFAULT_PAUSE_REASON.to_owned());
    state
        .scheduler
        .pause(&job_id, &reason, &actor(admin))
        .await?;
    Ok(Redirect::to("/admin"))
}

/// Resumes the job from its next occurrence after now.
pub async fn resume(
    _: AdminPage,
    State(state): State<AppState>,
    PathParam(job_id): PathParam<String>,
) -> Result<Redirect, ApiError> {
    state.scheduler.resume(&job_id).await?;
    Ok(Redirect::to("/admin"))
}

/// Puts the run's failed and dead tasks back in the queue; lands on the run's page.
pub async fn retry(
    _: AdminPage,
    State(state): State<AppState>,
    PathParam(run_id): PathParam<i64>,
) -> Result<Redirect, ApiError> {
    let (requeued, conflicts) = state.scheduler.retry_failed(run_id).await?;
    Ok(Redirect::to(&format!(
        "/admin/runs/{run_id}?requeued={}&conflicts={}",
        requeued.len(),
        conflicts.len()
    )))
}
