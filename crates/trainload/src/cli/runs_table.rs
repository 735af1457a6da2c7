//! How `trainload runs list` and `runs show` read to a person: one line per run, and a run's
//! facts followed by its tasks. `--json` prints the API's shapes instead, for scripts.

use std::fmt::Write;

use crate::jobs::view::{RunDetailView, RunView, TaskView};

/// The runs as a table, newest first; a sentence when there are none.
pub fn runs_list(runs: &[RunView]) -> String {
    if runs.is_empty() {
        return "No runs yet: `trainload jobs run ID` starts one, or wait for a schedule.\n"
            .to_owned();
    }
    let mut out = format!(
        "{:>6}  {:<20} {:<10} {:<9} {:<20} TASKS\n",
        "ID", "JOB", "STATE", "TRIGGER", "CREATED"
    );
    for run in runs {
        let _ = writeln!(
            out,
            "{:>6}  {:<20} {:<10} {:<9} {:<20} {}",
            run.id,
            run.job_id,
            run.state,
            run.trigger,
            short_time(&run.created_at),
            task_summary(run),
        );
    }
    out
}

/// One run: its facts as `label: value` lines, then its tasks as a table.
pub fn run_detail(detail: &RunDetailView, all: bool) -> String {
    let run = &detail.run;
    let mut out = String::new();
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "{label:<14} {value}");
    };
    line("Run", &run.id.to_string());
    line("Job", &run.job_id);
    line("State", &run.state);
    line("Trigger", &format!("{} by {}", run.trigger, run.actor));
    if let Some(at) = &run.scheduled_for {
        line("Scheduled for", &short_time(at));
    }
    line("Created", &short_time(&run.created_at));
    line(
        "Started",
        &run.started_at.as_deref().map_or("-".to_owned(), short_time),
    );
    line(
        "Finished",
        &run.finished_at
            .as_deref()
            .map_or("-".to_owned(), short_time),
    );
    for (label, text) in [("Reason", &run.reason), ("Note", &run.note)] {
        if let Some(text) = text {
            line(label, text);
        }
    }
    line("Tasks", &task_summary(run));
    if run.users_deduped > 0 {
        line("Deduplicated", &format!("{} users", run.users_deduped));
    }
    out.push('\n');
    if detail.tasks.is_empty() {
        out.push_str(if all {
            "No tasks.\n"
        } else {
            "Every task succeeded (--all lists them).\n"
        });
        return out;
    }
    let _ = writeln!(
        out,
        "{:>8}  {:>6}  {:<10} {:>7} {:>5} {:>9}  ERROR",
        "TASK", "USER", "STATE", "ATTEMPT", "WAITS", "TOOK"
    );
    for task in &detail.tasks {
        let _ = writeln!(
            out,
            "{:>8}  {:>6}  {:<10} {:>7} {:>5} {:>9}  {}",
            task.task_id,
            task.user_id,
            task.state,
            task.attempt,
            task.waits,
            task.duration_ms.map_or("-".to_owned(), took),
            task_error(task),
        );
    }
    out
}

/// "12/12 ok" or "10/12 ok, 1 failed, 1 dead".
fn task_summary(run: &RunView) -> String {
    let mut text = format!("{}/{} ok", run.tasks_succeeded, run.tasks_total);
    for (count, what) in [
        (run.tasks_failed, "failed"),
        (run.tasks_dead, "dead"),
        (run.tasks_cancelled, "cancelled"),
    ] {
        if count > 0 {
            let _ = write!(text, ", {count} {what}");
        }
    }
    text
}

/// The error class and message on one line, or a dash.
fn task_error(task: &TaskView) -> String {
    match (&task.error_class, &task.error) {
        (Some(class), Some(error)) => format!("{class}: {}", error.replace('\n', " ")),
        (Some(text), None) | (None, Some(text)) => text.replace('\n', " "),
        (None, None) => "-".to_owned(),
    }
}

/// An RFC 3339 time as `YYYY-MM-DD HH:MM:SS UTC`; the text itself if it does not parse.
fn short_time(text: &str) -> String {
    text.parse::<jiff::Timestamp>().map_or_else(
        |_| text.to_owned(),
        |t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

/// Milliseconds as "850 ms", "12.3 s" or "4 min 5 s".
fn took(ms: i64) -> String {
    match ms {
        ms if ms < 1_000 => format!("{ms} ms"),
        ms if ms < 60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        ms => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times_read_as_people_write_them() {
        assert_eq!(took(850), "850 ms");
        assert_eq!(took(12_340), "12.3 s");
        assert_eq!(took(245_000), "4 min 5 s");
        assert_eq!(
            short_time("2026-12-06T16:08:49.123Z"),
            "2026-12-06 16:08:49 UTC"
        );
        assert_eq!(short_time("soon"), "soon");
    }
}
