//! The admin pages' cards as HTML. Every stored string (job names, errors, user names, reasons)
//! goes through `html::escape`.

use std::collections::HashMap;
use std::fmt::Write;

use queue::TaskRow;

use super::super::html;
use crate::jobs::view::{JobView, RunView};
use crate::store::integrations::Integration;

/// One row of the rate-budget card: a provider's window with its use so far.
#[derive(Debug, Clone)]
pub struct BudgetRow {
    /// "Strava" or "Intervals.icu".
    pub provider: &'static str,
    /// "15 minutes, all requests", …
    pub window: &'static str,
    /// `(used, limit)` in the current window; `None` when no call was made in it yet.
    pub usage: Option<(i32, i32)>,
    /// When the current window ends, epoch ms.
    pub resets_at_ms: i64,
}

/// The jobs with their schedule, next and last run, paused flag and buttons. The run-now
/// button's id is `run-<job id>` (the browser test clicks `run-quick_sync`).
pub fn jobs(jobs: &[JobView], clock: &html::Clock) -> String {
    let mut rows = String::new();
    for job in jobs {
        let id = html::escape(&job.id);
        let last = job.last_run.as_ref().map_or_else(
            || "never".to_owned(),
            |run| {
                format!(
                    r#"<a href="/admin/runs/{}">#{}</a> {}<div class="muted">{}</div>"#,
                    run.id,
                    run.id,
                    state_badge(run.state.as_str()),
                    run.finished_at.as_deref().map_or_else(
                        || "not finished".to_owned(),
                        |t| html::when_text(Some(t), clock)
                    )
                )
            },
        );
        let paused = if job.paused {
            format!(
                r#"<span class="band band-high">paused</span><div class="muted">{}</div>"#,
                html::escape(job.paused_reason.as_deref().unwrap_or(""))
            )
        } else {
            "no".to_owned()
        };
        let toggle = if job.paused {
            format!(
                r#"<form method="post" action="/admin/jobs/{id}/resume"><button id="resume-{id}" type="submit">Resume</button></form>"#
            )
        } else {
            format!(
                r#"<form method="post" action="/admin/jobs/{id}/pause"><input name="reason" placeholder="reason" aria-label="pause reason" size="10"><button id="pause-{id}" type="submit">Pause</button></form>"#
            )
        };
        let _ = write!(
            rows,
            r#"<tr class="job" data-job="{id}" data-paused="{paused_flag}"><td><strong>{name}</strong><div class="muted">{id}</div></td><td class="hide-sm">{trigger}</td><td>{next}</td><td>{last}</td><td>{paused}</td><td class="actions"><form method="post" action="/admin/jobs/{id}/run"><button id="run-{id}" type="submit">Run now</button></form>{toggle}</td></tr>"#,
            paused_flag = job.paused,
            name = html::escape(&job.name),
            trigger = html::escape(&job.trigger),
            next = job
                .next_run_time
                .as_deref()
                .map_or_else(|| "–".to_owned(), |t| html::when_text(Some(t), clock)),
        );
    }
    format!(
        r#"<div class="card"><h2>Jobs</h2><table><thead><tr><th>Job</th><th class="hide-sm">Schedule</th><th>Next run</th><th>Last run</th><th>Paused</th><th></th></tr></thead><tbody>{rows}</tbody></table></div>"#
    )
}

/// Runs as `tr.run[data-job]` rows, newest first.
pub fn runs(title: &str, runs: &[RunView], clock: &html::Clock) -> String {
    let mut rows = String::new();
    for run in runs {
        let _ = write!(
            rows,
            r#"<tr class="run" data-job="{job}" data-run="{id}"><td><a href="/admin/runs/{id}">#{id}</a></td><td>{job}</td><td class="hide-sm">{trigger}<div class="muted">{actor}</div></td><td>{state}{cancelled}</td><td class="hide-sm">{created}</td><td class="hide-sm">{finished}</td><td class="num">{ok}/{total}</td><td class="num">{failed}</td></tr>"#,
            id = run.id,
            job = html::escape(&run.job_id),
            trigger = html::escape(&run.trigger),
            actor = html::escape(&run.actor),
            state = state_badge(run.state.as_str()),
            cancelled = cancelled_note(run),
            created = html::when_text(Some(&run.created_at), clock),
            finished = run
                .finished_at
                .as_deref()
                .map_or_else(|| "–".to_owned(), |t| html::when_text(Some(t), clock)),
            ok = run.tasks_succeeded,
            total = run.tasks_total,
            failed = run.tasks_failed + run.tasks_dead,
        );
    }
    if runs.is_empty() {
        rows.push_str(r#"<tr><td colspan="8" class="muted">No runs yet.</td></tr>"#);
    }
    format!(
        r#"<div class="card"><h2>{title}</h2><table><thead><tr><th>Run</th><th>Job</th><th class="hide-sm">Trigger</th><th>State</th><th class="hide-sm">Created</th><th class="hide-sm">Finished</th><th class="num">Succeeded</th><th class="num">Failed</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
        title = html::escape(title),
    )
}

/// The providers' outcomes a sync task's report lists (`intervals: ok · strava: ok`), as a line.
fn provider_outcomes(task: &TaskRow) -> String {
    let Some(result) = task
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok())
    else {
        return String::new();
    };
    let Some(providers) = result["detail"]["providers"].as_object() else {
        return String::new();
    };
    let parts: Vec<String> = providers
        .iter()
        .map(|(name, outcome)| format!("{name}: {}", outcome.as_str().unwrap_or("?")))
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    format!(
        r#"<div class="providers">{}</div>"#,
        html::escape(&parts.join(" · "))
    )
}

/// Task rows (user, state, attempts, error, providers' outcomes) of one run.
pub fn tasks(tasks: &[TaskRow], names: &HashMap<i64, String>) -> String {
    let mut rows = String::new();
    for task in tasks {
        let _ = write!(
            rows,
            r#"<tr class="task" data-state="{state_attr}"><td>{user}<div class="muted">user {user_id}</div></td><td>{state}</td><td class="num">{attempt}</td><td class="num hide-sm">{waits}</td><td>{class}<div class="muted">{error}</div>{providers}</td><td class="num hide-sm">{duration}</td></tr>"#,
            user = html::escape(
                names
                    .get(&task.user_id)
                    .map_or("(deleted user)", String::as_str)
            ),
            user_id = task.user_id,
            state_attr = html::escape(task.state.as_str()),
            state = state_badge(task.state.as_str()),
            attempt = task.attempt,
            waits = task.waits,
            class = html::escape(task.last_error_class.as_deref().unwrap_or("")),
            error = html::escape(task.last_error.as_deref().unwrap_or("")),
            providers = provider_outcomes(task),
            duration = task
                .finished_at_ms
                .zip(task.first_started_at_ms)
                .map_or_else(
                    || "–".to_owned(),
                    |(end, start)| format!("{} ms", end - start)
                ),
        );
    }
    format!(
        r#"<table><thead><tr><th>Athlete</th><th>State</th><th class="num">Attempts</th><th class="num hide-sm">Waits</th><th>Error</th><th class="num hide-sm">Duration</th></tr></thead><tbody>{rows}</tbody></table>"#
    )
}

/// The retry button of a run's failed and dead tasks.
pub fn retry_button(run_id: i64) -> String {
    format!(
        r#"<form method="post" action="/admin/runs/{run_id}/retry"><button id="retry-{run_id}" type="submit">Retry failed and dead tasks</button></form>"#
    )
}

/// The rate budget: used versus limit in each current window.
pub fn budget(rows: &[BudgetRow], clock: &html::Clock) -> String {
    let mut body = String::new();
    for row in rows {
        let (used, limit, share) = match row.usage {
            Some((used, limit)) => (
                used.to_string(),
                limit.to_string(),
                if limit > 0 {
                    format!("{}%", i64::from(used) * 100 / i64::from(limit))
                } else {
                    "–".to_owned()
                },
            ),
            None => ("0".to_owned(), "–".to_owned(), "no calls yet".to_owned()),
        };
        let _ = write!(
            body,
            r#"<tr class="budget"><td>{}</td><td>{}</td><td class="num">{used}</td><td class="num">{limit}</td><td class="num">{share}</td><td class="hide-sm">{}</td></tr>"#,
            row.provider,
            row.window,
            html::when(Some(row.resets_at_ms), clock),
        );
    }
    format!(
        r#"<div class="card"><h2>Provider rate budget</h2><table><thead><tr><th>Provider</th><th>Window</th><th class="num">Used</th><th class="num">Limit</th><th class="num">Share</th><th class="hide-sm">Resets</th></tr></thead><tbody>{body}</tbody></table></div>"#
    )
}

/// Integrations that are not active, with their athlete's name.
pub fn reauth(
    integrations: &[Integration],
    names: &HashMap<i64, String>,
    clock: &html::Clock,
) -> String {
    let mut rows = String::new();
    for integration in integrations {
        let _ = write!(
            rows,
            r#"<tr class="reauth"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="hide-sm">{}</td></tr>"#,
            html::escape(
                names
                    .get(&integration.user.0)
                    .map_or("(deleted user)", String::as_str)
            ),
            html::escape(integration.provider),
            html::escape(integration.status.as_str()),
            html::escape(integration.status_reason.as_deref().unwrap_or("")),
            html::when(integration.last_sync_at_ms, clock),
        );
    }
    if integrations.is_empty() {
        rows.push_str(
            r#"<tr><td colspan="5" class="muted">Every integration is active.</td></tr>"#,
        );
    }
    format!(
        r#"<div class="card"><h2>Integrations needing re-authorisation</h2><table><thead><tr><th>Athlete</th><th>Provider</th><th>Status</th><th>Reason</th><th class="hide-sm">Last sync</th></tr></thead><tbody>{rows}</tbody></table></div>"#
    )
}

/// "2 of 3 tasks cancelled" under a run's state, when any were.
fn cancelled_note(run: &RunView) -> String {
    if run.tasks_cancelled == 0 {
        return String::new();
    }
    format!(
        r#"<div class="muted cancelled">{} of {} task(s) cancelled</div>"#,
        run.tasks_cancelled, run.tasks_total
    )
}

/// A run or task state as a coloured badge.
fn state_badge(state: &str) -> String {
    let band = match state {
        "succeeded" => "sweet_spot",
        "partial" | "skipped" | "missed" | "cancelled" => "elevated",
        "failed" | "dead" => "high",
        _ => "low",
    };
    format!(
        r#"<span class="band band-{band}">{}</span>"#,
        html::escape(state)
    )
}
