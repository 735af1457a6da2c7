//! `/admin`: jobs, recent runs, failed and dead tasks, rate budget, re-authorisation.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use providers::budget::{Bucket, Provider};
use queue::{TaskRow, TaskState};
use serde::Deserialize;

use super::sections::BudgetRow;
use super::strava::{self, WebhookHour};
use super::user_names;
use crate::http::athlete::QueryParam;
use crate::http::{ApiError, AppState};
use crate::jobs::view::{self, JobView, RunView};
use crate::planner::{Overview, Placement};
use crate::store::budget::{BudgetLimits, SqlRateBudget};
use crate::store::integrations::{self, Integration};
use crate::store::{self, Store};
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
    let (problems, reconnect_repeats) = problems(&state).await?;
    let budget = budget(&state.store).await?;
    let settings = crate::http::planner_settings(&state);
    let strava =
        crate::planner::overview(&state.store, &settings, state.scheduler.now_ms()).await?;
    let inactive = integrations::not_active(&state.store).await?;
    let page = OverviewPage {
        nav: html::Nav::Admin,
        started: notice.started,
        live: notice.live.filter(|_| notice.started.is_none()),
        scheduler_running: jobs.scheduler_running,
        jobs: &jobs.jobs,
        runs_title: "Recent runs",
        runs: &recent,
        problems,
        reconnect_repeats,
        budget,
        webhook_hours: strava::webhook_hours(&strava, &clock),
        listings: strava::listings(&strava),
        strava: &strava,
        inactive,
        names,
        clock,
    };
    Ok(html::render(&page))
}

/// The page (`admin/overview.html` and the cards it includes).
#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage<'a> {
    nav: html::Nav,
    /// The run the last action started.
    started: Option<i64>,
    /// The live run that kept the last action from starting one.
    live: Option<i64>,
    scheduler_running: bool,
    jobs: &'a [JobView],
    runs_title: &'static str,
    runs: &'a [RunView],
    problems: Vec<Problem>,
    /// Older tasks left out because they only repeat a reconnect shown above.
    reconnect_repeats: usize,
    budget: Vec<BudgetRow>,
    strava: &'a Overview,
    webhook_hours: Vec<WebhookHour>,
    listings: Vec<(&'a Placement, bool)>,
    inactive: Vec<Integration>,
    names: HashMap<i64, String>,
    clock: html::Clock,
}

/// A run with failed or dead tasks, and those tasks.
struct Problem {
    run_id: i64,
    job_id: String,
    tasks: Vec<TaskRow>,
}

/// The newest runs with failed or dead tasks: their tasks and a retry button each. A failure
/// that only says an integration must be reconnected is shown once per integration (its newest
/// task): every later sync repeats it until the athlete reconnects, and the re-authorisation
/// card lists the integration.
async fn problems(state: &AppState) -> Result<(Vec<Problem>, usize), ApiError> {
    let runs = state.scheduler.runs(None, None, None, PROBLEM_SCAN).await?;
    let mut problems = Vec::new();
    let mut reconnects = std::collections::HashSet::new();
    let mut repeats = 0;
    for run in runs
        .iter()
        .filter(|run| run.tasks_failed + run.tasks_dead > 0)
    {
        if problems.len() == PROBLEM_RUNS {
            break;
        }
        let detail = state.scheduler.run_detail(run.id, false).await?;
        let mut failed = Vec::new();
        for task in detail
            .tasks
            .into_iter()
            .filter(|task| task.state == TaskState::Failed || task.state == TaskState::Dead)
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
        problems.push(Problem {
            run_id: run.id,
            job_id: run.job_id.clone(),
            tasks: failed,
        });
    }
    Ok((problems, repeats))
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
