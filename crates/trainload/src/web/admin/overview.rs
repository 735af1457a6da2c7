//! `/admin`: jobs, recent runs, failed and dead tasks, rate budget, re-authorisation.

use std::fmt::Write;

use axum::extract::State;
use axum::response::Response;
use providers::budget::{Bucket, Provider};
use serde::Deserialize;

use super::sections::{self, BudgetRow};
use super::strava;
use super::user_names;
use crate::http::athlete::QueryParam;
use crate::http::{ApiError, AppState};
use crate::jobs::view;
use crate::store::budget::{BudgetLimits, SqlRateBudget};
use crate::store::{self, Store, integrations};
use crate::web::html;
use crate::web::page_session::AdminPage;

/// Runs in the "recent runs" card.
const RECENT_RUNS: i64 = 25;
/// Runs searched for failed or dead tasks, and how many of those are shown.
const PROBLEM_SCAN: i64 = 200;
const PROBLEM_RUNS: usize = 5;

/// The windows shown in the rate-budget card.
const WINDOWS: [(Provider, Bucket, &str, &str); 5] = [
    (
        Provider::Strava,
        Bucket::Overall15m,
        "Strava",
        "15 minutes, all requests",
    ),
    (
        Provider::Strava,
        Bucket::OverallDay,
        "Strava",
        "day (UTC), all requests",
    ),
    (
        Provider::Strava,
        Bucket::Read15m,
        "Strava",
        "15 minutes, reads",
    ),
    (
        Provider::Strava,
        Bucket::ReadDay,
        "Strava",
        "day (UTC), reads",
    ),
    (
        Provider::Intervals,
        Bucket::Minute,
        "Intervals.icu",
        "minute",
    ),
];

/// What the previous action left to say (`?started=`, `?live=`).
#[derive(Debug, Deserialize)]
pub struct Notice {
    started: Option<i64>,
    live: Option<i64>,
}

/// `/admin`.
pub async fn page(
    _: AdminPage,
    State(state): State<AppState>,
    QueryParam(notice): QueryParam<Notice>,
) -> Result<Response, ApiError> {
    let running = state.status.is_running(state.scheduler.now_ms());
    let jobs = view::jobs_overview(&state.scheduler, running).await?;
    let recent: Vec<_> = state
        .scheduler
        .runs(None, None, None, RECENT_RUNS)
        .await?
        .iter()
        .map(view::run_view)
        .collect();
    let names = user_names(&state.store).await?;
    let clock = crate::web::html::Clock::of(&state);
    let mut body = String::from("<h1>Admin</h1>");
    body.push_str(&notice_card(&notice));
    if !jobs.scheduler_running {
        body.push_str(r#"<div class="card warn">The scheduler is not ticking in this process: scheduled runs start only where it runs.</div>"#);
    }
    body.push_str(&sections::jobs(&jobs.jobs, &clock));
    body.push_str(&sections::runs("Recent runs", &recent, &clock));
    body.push_str(&problems(&state, &names).await?);
    body.push_str(&sections::budget(&budget(&state.store).await?, &clock));
    let settings = crate::http::planner_settings(&state);
    let strava =
        crate::planner::overview(&state.store, &settings, state.scheduler.now_ms()).await?;
    body.push_str(&strava::webhooks(&strava, &clock));
    body.push_str(&strava::planner(&strava));
    let inactive = integrations::not_active(&state.store).await?;
    body.push_str(&sections::reauth(&inactive, &names, &clock));
    Ok(html::page("Admin", html::Nav::Admin, &body))
}

fn notice_card(notice: &Notice) -> String {
    match (notice.started, notice.live) {
        (Some(run), _) => format!(
            r#"<div class="card" id="notice">Run <a href="/admin/runs/{run}">#{run}</a> started.</div>"#
        ),
        (None, Some(live)) => format!(
            r#"<div class="card warn" id="notice">Not started: run <a href="/admin/runs/{live}">#{live}</a> of this job is still live.</div>"#
        ),
        (None, None) => String::new(),
    }
}

/// The newest runs with failed or dead tasks: their tasks and a retry button each. A failure
/// that only says an integration must be reconnected is shown once per integration (its newest
/// task): every later sync repeats it until the athlete reconnects, and the re-authorisation
/// card lists the integration.
async fn problems(
    state: &AppState,
    names: &std::collections::HashMap<i64, String>,
) -> Result<String, ApiError> {
    let runs = state.scheduler.runs(None, None, None, PROBLEM_SCAN).await?;
    let mut body = String::new();
    let mut shown = 0;
    let mut reconnects = std::collections::HashSet::new();
    let mut repeats = 0;
    for run in runs
        .iter()
        .filter(|run| run.tasks_failed + run.tasks_dead > 0)
    {
        if shown == PROBLEM_RUNS {
            break;
        }
        let detail = state.scheduler.run_detail(run.id, false).await?;
        let mut failed = Vec::new();
        for task in detail
            .tasks
            .into_iter()
            .filter(|task| task.state == "failed" || task.state == "dead")
        {
            let keys = reconnect_keys(task.user_id, task.last_error.as_deref());
            if !keys.is_empty() && keys.iter().all(|key| reconnects.contains(key)) {
                repeats += 1;
                continue;
            }
            reconnects.extend(keys);
            failed.push(task);
        }
        if failed.is_empty() {
            continue;
        }
        shown += 1;
        let _ = write!(
            body,
            r#"<div class="problem" data-run="{id}"><h3><a href="/admin/runs/{id}">Run #{id}</a> · {job}</h3>{tasks}{retry}</div>"#,
            id = run.id,
            job = html::escape(&run.job_id),
            tasks = sections::tasks(&failed, names),
            retry = sections::retry_button(run.id),
        );
    }
    if body.is_empty() {
        body.push_str(r#"<p class="muted">No failed or dead tasks in the recent runs.</p>"#);
    }
    if repeats > 0 {
        let _ = write!(
            body,
            r#"<p class="muted" id="reconnect-repeats">{repeats} older task(s) failed only because the same integration must be reconnected; each integration is shown once above and listed under “Integrations needing re-authorisation”.</p>"#
        );
    }
    Ok(format!(
        r#"<div class="card"><h2>Failed and dead tasks</h2>{body}</div>"#
    ))
}

/// The integrations a task's error says must be reconnected, as `(user, provider)`, when that
/// is all it says failed. A sync task's error lists each provider's outcome:
/// `strava: needs_reauth (…) | intervals: ok`.
fn reconnect_keys(user_id: i64, error: Option<&str>) -> Vec<(i64, String)> {
    let Some(error) = error else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    for part in error.split(" | ") {
        let Some((provider, outcome)) = part.split_once(": ") else {
            return Vec::new();
        };
        let class = outcome.split(' ').next().unwrap_or(outcome);
        match class {
            "needs_reauth" => keys.push((user_id, provider.to_owned())),
            "ok" | "skipped" => {}
            // Another failure: the task is not only a reconnect.
            _ => return Vec::new(),
        }
    }
    keys
}

/// Use of each rate-budget window now (the `api_budget` rows every process shares).
async fn budget(store: &Store) -> Result<Vec<BudgetRow>, ApiError> {
    // Only reads: the limits given here are not used.
    let budget = SqlRateBudget::new(store.clone(), BudgetLimits::default());
    let now_ms = store::now_ms();
    let mut rows = Vec::new();
    for (provider, bucket, provider_name, window) in WINDOWS {
        rows.push(BudgetRow {
            provider: provider_name,
            window,
            usage: budget.usage(provider, bucket).await?,
            resets_at_ms: bucket.window_start_ms(now_ms) + bucket.window_ms(),
        });
    }
    Ok(rows)
}
