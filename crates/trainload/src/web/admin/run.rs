//! `/admin/runs/{id}`: one run with every task's outcome per athlete and its errors.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use queue::TaskRow;
use serde::Deserialize;

use super::user_names;
use crate::http::athlete::{PathParam, QueryParam};
use crate::http::{ApiError, AppState};
use crate::jobs::view::{self, RunView};
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
    let page = RunPage {
        nav: html::Nav::Admin,
        run: &run,
        runs_title: "Run",
        runs: std::slice::from_ref(&run),
        clock: html::Clock::of(&state),
        requeued: notice.requeued,
        conflicts: notice.conflicts.unwrap_or(0),
        tasks: &detail.tasks,
        names,
    };
    Ok(html::render(&page))
}

/// The page (`admin/run.html`).
#[derive(Template)]
#[template(path = "admin/run.html")]
struct RunPage<'a> {
    nav: html::Nav,
    run: &'a RunView,
    runs_title: &'static str,
    /// The run as the runs card shows it.
    runs: &'a [RunView],
    clock: html::Clock,
    /// Tasks put back in the queue by the last retry.
    requeued: Option<usize>,
    /// Tasks the last retry skipped.
    conflicts: usize,
    tasks: &'a [TaskRow],
    names: HashMap<i64, String>,
}
