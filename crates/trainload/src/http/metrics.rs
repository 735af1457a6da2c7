//! `GET /metrics`: Prometheus text exposition (docs/scheduler.md §8.2), written by hand from the
//! scheduler's tables, so every process reports the same durable truth and no metrics crate is
//! needed, plus this process's HTTP requests per matched route (counts and a latency
//! histogram). `user_id` is never a label: routes are their templates (`/admin/runs/{id}`).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use queue::{Db, QueueError, with_db};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::bearer_token;
use super::{ApiError, ApiResult, AppState};

const BUDGET: &str = "SELECT provider, bucket, window_start_ms, used, lim FROM api_budget \
     WHERE window_start_ms >= $1 AND lim > 0 ORDER BY provider, bucket, window_start_ms";

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    routes().into()
}

/// The routes with their OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(metrics))
}

/// Prometheus text exposition of the scheduler's runs, tasks, fires and rate budgets. Needs
/// the admin bearer token when the server is set to (`--metrics-access`; by default when it
/// listens on anything but loopback).
#[utoipa::path(
    get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain"),
        (status = 401, description = "The token is required and missing or wrong", body = super::openapi::ApiErrorBody),
    ),
)]

async fn metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    if state.metrics_require_token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_token);
        if !presented.is_some_and(|token| state.admin.verify(token)) {
            return Err(ApiError::unauthorized());
        }
    }
    let text = render(&state.scheduler, state.scheduler.now_ms()).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    ))
}

/// Upper bounds of the request latency histogram's buckets, seconds.
const LATENCY_BUCKETS_S: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Requests of one method, route template and status class.
#[derive(Debug, Default, Clone)]
struct RouteStats {
    count: u64,
    /// Requests at or under each bound of `LATENCY_BUCKETS_S` (not cumulative here).
    buckets: [u64; LATENCY_BUCKETS_S.len()],
    sum_s: f64,
}

/// `(method, route, status class)` → stats, since this process started.
type HttpStats = BTreeMap<(String, String, &'static str), RouteStats>;

static HTTP: LazyLock<Mutex<HttpStats>> = LazyLock::new(|| Mutex::new(BTreeMap::new()));

/// Middleware: counts every request by method, matched route template (`unmatched` when no
/// route matched) and status class, and its time to the response head.
pub async fn record(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed().as_secs_f64();
    let class = match response.status().as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    if let Ok(mut stats) = HTTP.lock() {
        let entry = stats.entry((method, route, class)).or_default();
        entry.count += 1;
        entry.sum_s += elapsed;
        if let Some(i) = LATENCY_BUCKETS_S.iter().position(|bound| elapsed <= *bound) {
            entry.buckets[i] += 1;
        }
    }
    response
}

/// The HTTP families: a counter and a latency histogram per method, route and status class.
fn render_http(out: &mut String) {
    let stats = HTTP.lock().map(|s| s.clone()).unwrap_or_default();
    family(
        out,
        "trainload_http_requests_total",
        "counter",
        "HTTP requests answered by this process, by method, route template and status class.",
    );
    for ((method, route, class), s) in &stats {
        let _ = writeln!(
            out,
            "trainload_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{class}\"}} {}",
            label(route),
            s.count
        );
    }
    family(
        out,
        "trainload_http_request_duration_seconds",
        "histogram",
        "Time to the response head, by method, route template and status class.",
    );
    for ((method, route, class), s) in &stats {
        let labels = format!(
            "method=\"{method}\",route=\"{}\",status=\"{class}\"",
            label(route)
        );
        let mut cumulative = 0;
        for (bound, n) in LATENCY_BUCKETS_S.iter().zip(s.buckets) {
            cumulative += n;
            let _ = writeln!(
                out,
                "trainload_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "trainload_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
             trainload_http_request_duration_seconds_sum{{{labels}}} {:.6}\n\
             trainload_http_request_duration_seconds_count{{{labels}}} {}",
            s.count, s.sum_s, s.count
        );
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// One gauge or counter family.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// The exposition text at `now_ms`.
async fn render(scheduler: &queue::Scheduler, now_ms: i64) -> Result<String, QueueError> {
    let mut out = String::new();
    let census = scheduler.reader().census(now_ms).await?;
    family(
        &mut out,
        "trainload_scheduler_runs_total",
        "counter",
        "Runs in the ledger by job, state and trigger.",
    );
    for count in &census.runs {
        let _ = writeln!(
            out,
            "trainload_scheduler_runs_total{{job=\"{}\",state=\"{}\",trigger=\"{}\"}} {}",
            count.job_id, count.state, count.trigger_kind, count.runs
        );
    }
    family(
        &mut out,
        "trainload_scheduler_tasks",
        "gauge",
        "Tasks by job and state.",
    );
    for count in &census.tasks {
        let _ = writeln!(
            out,
            "trainload_scheduler_tasks{{job=\"{}\",state=\"{}\"}} {}",
            count.job_id, count.state, count.tasks
        );
    }
    family(
        &mut out,
        "trainload_scheduler_next_fire_timestamp_seconds",
        "gauge",
        "Next fire of each job, Unix seconds.",
    );
    for fire in &census.next_fires {
        let _ = writeln!(
            out,
            "trainload_scheduler_next_fire_timestamp_seconds{{job=\"{}\"}} {}",
            fire.job_id,
            seconds(fire.next_fire_at_ms)
        );
    }
    family(
        &mut out,
        "trainload_scheduler_last_success_timestamp_seconds",
        "gauge",
        "End of each job's newest succeeded run, Unix seconds.",
    );
    for success in &census.last_successes {
        let _ = writeln!(
            out,
            "trainload_scheduler_last_success_timestamp_seconds{{job=\"{}\"}} {}",
            success.job_id,
            seconds(success.finished_at_ms)
        );
    }
    family(
        &mut out,
        "trainload_scheduler_oldest_ready_task_age_seconds",
        "gauge",
        "Age of the oldest task ready to run.",
    );
    let age_ms = census.oldest_ready_ms.map_or(0, |ms| (now_ms - ms).max(0));
    let _ = writeln!(
        out,
        "trainload_scheduler_oldest_ready_task_age_seconds {}",
        seconds(age_ms)
    );
    render_budget(scheduler.db(), now_ms, &mut out).await?;
    render_http(&mut out);
    Ok(out)
}

/// Used and remaining calls of the current window of each provider bucket.
async fn render_budget(db: &Db, now_ms: i64, out: &mut String) -> Result<(), QueueError> {
    const DAY_MS: i64 = 86_400_000;
    let rows: Vec<(String, String, i64, i32, i32)> = with_db!(db, pool => sqlx::query_as(BUDGET)
        .bind(now_ms - DAY_MS).fetch_all(pool).await?);
    // Rows are ordered by window start, so the last one per bucket is the current window.
    let current: BTreeMap<(String, String), (i32, i32)> = rows
        .into_iter()
        .map(|(provider, bucket, _, used, lim)| ((provider, bucket), (used, lim)))
        .collect();
    family(
        out,
        "trainload_api_budget_used",
        "gauge",
        "Provider calls used in the current window.",
    );
    for ((provider, bucket), (used, _)) in &current {
        let window = bucket.rsplit('_').next().unwrap_or(bucket);
        let _ = writeln!(
            out,
            "trainload_api_budget_used{{provider=\"{provider}\",bucket=\"{bucket}\",window=\"{window}\"}} {used}"
        );
    }
    family(
        out,
        "trainload_api_budget_remaining",
        "gauge",
        "Provider calls left in the current window.",
    );
    for ((provider, bucket), (used, lim)) in &current {
        let window = bucket.rsplit('_').next().unwrap_or(bucket);
        let remaining = (lim - used).max(0);
        let _ = writeln!(
            out,
            "trainload_api_budget_remaining{{provider=\"{provider}\",bucket=\"{bucket}\",window=\"{window}\"}} {remaining}"
        );
    }
    Ok(())
}

/// Milliseconds as fractional seconds.
fn seconds(ms: i64) -> String {
    format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
}
