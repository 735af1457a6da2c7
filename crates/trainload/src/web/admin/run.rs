//! `/admin/runs/{id}`: one run with every task's outcome per athlete and its errors.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::sections;
use super::user_names;
use crate::http::athlete::{PathParam, QueryParam};
use crate::http::{ApiError, AppState};
use crate::jobs::view;
use crate::web::html;
use crate::web::page_session::AdminPage;

/// What a retry left to say (`?requeued=&conflicts=`).
#[derive(Debug, Deserialize)]
pub struct RetryNotice {
    requeued: Option<usize>,
    conflicts: Option<usize>,
}

/// `/admin/runs/{id}`.
pub async fn page(
    _: AdminPage,
    State(state): State<AppState>,
    PathParam(run_id): PathParam<i64>,
    QueryParam(notice): QueryParam<RetryNotice>,
) -> Result<Response, ApiError> {
    let detail = state.scheduler.run_detail(run_id, true).await?;
    let names = user_names(&state.store).await?;
    let run = view::run_view(&detail.run);
    let mut body = format!(
        r#"<h1>Run #{} · {}</h1><p><a href="/admin">← Admin</a></p>"#,
        run.id,
        html::escape(&run.job_id)
    );
    if let Some(requeued) = notice.requeued {
        body.push_str(&format!(
            r#"<div class="card" id="notice">{requeued} task(s) put back in the queue; {} skipped because the athlete already has a live task.</div>"#,
            notice.conflicts.unwrap_or(0)
        ));
    }
    body.push_str(&sections::runs(
        "Run",
        std::slice::from_ref(&run),
        &crate::web::html::Clock::of(&state),
    ));
    if let Some(reason) = &run.reason {
        body.push_str(&format!(
            r#"<div class="card warn">Reason: {}</div>"#,
            html::escape(reason)
        ));
    }
    if run.tasks_cancelled > 0 {
        body.push_str(&format!(
            r#"<div class="card warn" id="cancelled">{} of {} task(s) of this run were cancelled: they did not run and will not be retried.</div>"#,
            run.tasks_cancelled, run.tasks_total
        ));
    }
    let retry = if run.tasks_failed + run.tasks_dead > 0 {
        sections::retry_button(run.id)
    } else {
        String::new()
    };
    body.push_str(&format!(
        r#"<div class="card"><h2>Tasks · {} athlete(s)</h2>{}{retry}</div>"#,
        detail.tasks.len(),
        sections::tasks(&detail.tasks, &names)
    ));
    Ok(html::page(
        &format!("Run {}", run.id),
        html::Nav::Admin,
        &body,
    ))
}
