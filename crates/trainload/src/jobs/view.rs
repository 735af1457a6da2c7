//! Jobs and runs as the API and the CLI show them (docs/scheduler.md §7): RFC 3339 times with the
//! zone's offset, a human description of each trigger, the next five fires, and run summaries.
//! The field names of the replaced API are kept (`total_jobs`, `scheduler_running`, `jobs[].id`).

use std::collections::BTreeMap;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use queue::{JobStatus, QueueError, RunDetail, RunRow, Scheduler, TaskRow, TaskState, Trigger};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// How many future fires `upcoming` lists.
const UPCOMING: usize = 5;

/// `GET /scheduler/jobs` and `trainload jobs list --json`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobsOverview {
    /// Number of jobs.
    pub total_jobs: usize,
    /// This process ticked within the last three tick intervals.
    pub scheduler_running: bool,
    /// IANA zone of the calendar jobs.
    pub zone: String,
    /// The jobs, by id.
    pub jobs: Vec<JobView>,
}

/// One job.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobView {
    /// Stable id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// A description of the trigger, e.g. "daily at 02:00 (Europe/Berlin)".
    pub trigger: String,
    /// The canonical trigger JSON.
    pub spec: Value,
    /// Next fire, RFC 3339 with the zone's offset.
    pub next_run_time: Option<String>,
    /// DST note of the next fire (`dst_gap_shifted`, `dst_fold_first`).
    pub next_run_note: Option<String>,
    /// The next five fires, RFC 3339.
    pub upcoming: Vec<String>,
    /// Paused?
    pub paused: bool,
    /// Why.
    pub paused_reason: Option<String>,
    /// By whom.
    pub paused_by: Option<String>,
    /// When, RFC 3339.
    pub paused_at: Option<String>,
    /// How late an occurrence may still run, seconds.
    pub catch_up_window_s: i64,
    /// `skip` or `allow`.
    pub overlap: String,
    /// The newest run, if any.
    pub last_run: Option<LastRun>,
}

/// The newest run of a job.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LastRun {
    /// Run id.
    pub id: i64,
    /// Run state.
    pub state: String,
    /// schedule | catch_up | manual.
    pub trigger: String,
    /// The occurrence, RFC 3339 (null for manual runs).
    pub scheduled_for: Option<String>,
    /// When it became final, RFC 3339.
    pub finished_at: Option<String>,
    /// Tasks created.
    pub tasks_total: i32,
    /// Tasks failed or dead.
    pub tasks_failed: i32,
}

/// One run, without its tasks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunView {
    /// Run id.
    pub id: i64,
    /// Job id.
    pub job_id: String,
    /// pending | running | succeeded | partial | failed | skipped | missed | cancelled.
    pub state: String,
    /// schedule | catch_up | manual.
    pub trigger: String,
    /// Who created it.
    pub actor: String,
    /// Why it was skipped or missed.
    pub reason: Option<String>,
    /// DST note.
    pub note: Option<String>,
    /// The occurrence, RFC 3339 (null for manual runs).
    pub scheduled_for: Option<String>,
    /// The occurrence's nominal local time.
    pub nominal_local: Option<String>,
    /// Created, RFC 3339.
    pub created_at: String,
    /// First task leased, RFC 3339.
    pub started_at: Option<String>,
    /// Final, RFC 3339.
    pub finished_at: Option<String>,
    /// Start minus occurrence, ms.
    pub lag_ms: Option<i64>,
    /// Tasks created.
    pub tasks_total: i32,
    /// Tasks succeeded.
    pub tasks_succeeded: i32,
    /// Tasks failed permanently.
    pub tasks_failed: i32,
    /// Tasks out of attempts.
    pub tasks_dead: i32,
    /// Tasks cancelled.
    pub tasks_cancelled: i32,
    /// Users whose live task absorbed this run's.
    pub users_deduped: i32,
    /// Summed counters and examples.
    pub summary: Option<Value>,
}

/// `GET /scheduler/runs/{id}`: the run, its task counts by state, and its tasks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunDetailView {
    /// The run's fields.
    #[serde(flatten)]
    pub run: RunView,
    /// Tasks by state.
    pub task_counts: BTreeMap<String, usize>,
    /// The tasks (by default only those that did not succeed).
    pub tasks: Vec<TaskView>,
}

/// One task.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskView {
    /// Task id.
    pub task_id: i64,
    /// The user.
    pub user_id: i64,
    /// ready | leased | succeeded | failed | dead | cancelled.
    pub state: String,
    /// Attempts used.
    pub attempt: i32,
    /// Rate-limit waits.
    pub waits: i32,
    /// Class of the last error.
    pub error_class: Option<String>,
    /// The last error.
    pub error: Option<String>,
    /// Earliest next start, RFC 3339.
    pub not_before: Option<String>,
    /// From first start to end, ms.
    pub duration_ms: Option<i64>,
}

/// The overview of every stored job with its newest run.
///
/// # Errors
/// Database errors.
pub async fn jobs_overview(
    scheduler: &Scheduler,
    scheduler_running: bool,
) -> Result<JobsOverview, QueueError> {
    let zone = scheduler.config().zone.clone();
    let mut jobs = Vec::new();
    for status in scheduler.jobs().await? {
        let last = scheduler.runs(Some(&status.job_id), None, None, 1).await?;
        jobs.push(job_view(&status, last.first()));
    }
    Ok(JobsOverview {
        total_jobs: jobs.len(),
        scheduler_running,
        zone: zone.iana_name().unwrap_or("UTC").to_owned(),
        jobs,
    })
}

/// One stored job with its newest run.
///
/// # Errors
/// [`QueueError::JobNotFound`]; database errors.
pub async fn job(scheduler: &Scheduler, job_id: &str) -> Result<JobView, QueueError> {
    let status = scheduler
        .jobs()
        .await?
        .into_iter()
        .find(|job| job.job_id == job_id)
        .ok_or_else(|| QueueError::JobNotFound(job_id.to_owned()))?;
    let last = scheduler.runs(Some(job_id), None, None, 1).await?;
    Ok(job_view(&status, last.first()))
}

/// One job's view from its schedule row and newest run.
pub fn job_view(status: &JobStatus, last_run: Option<&RunRow>) -> JobView {
    let zone = TimeZone::get(&status.zone).unwrap_or(TimeZone::UTC);
    let trigger = Trigger::from_str(&status.spec).ok();
    JobView {
        id: status.job_id.clone(),
        name: status.name.clone(),
        trigger: trigger.as_ref().map_or_else(
            || status.kind.clone(),
            |t| describe_trigger(t, &status.zone),
        ),
        spec: serde_json::from_str(&status.spec).unwrap_or(Value::Null),
        // An on-demand job's cursor sits at the end of time: it has no next run.
        next_run_time: (!matches!(trigger, Some(Trigger::OnDemand)))
            .then(|| rfc3339(status.next_fire_at_ms, &zone))
            .flatten(),
        next_run_note: status.next_fire_note.clone(),
        upcoming: trigger
            .map(|t| upcoming(&t, &zone, status.next_fire_at_ms))
            .unwrap_or_default(),
        paused: status.paused,
        paused_reason: status.paused_reason.clone(),
        paused_by: status.paused_by.clone(),
        paused_at: status.paused_at_ms.and_then(|ms| rfc3339(ms, &zone)),
        catch_up_window_s: status.catch_up_window_ms / 1000,
        overlap: status.overlap.to_string(),
        last_run: last_run.map(|run| LastRun {
            id: run.id,
            state: run.state.to_string(),
            trigger: run.trigger_kind.to_string(),
            scheduled_for: run.scheduled_for_ms.and_then(|ms| rfc3339(ms, &zone)),
            finished_at: run.finished_at_ms.and_then(|ms| rfc3339(ms, &zone)),
            tasks_total: run.tasks_total,
            tasks_failed: run.tasks_failed + run.tasks_dead,
        }),
    }
}

/// One run's view (times in UTC).
pub fn run_view(run: &RunRow) -> RunView {
    let utc = TimeZone::UTC;
    RunView {
        id: run.id,
        job_id: run.job_id.clone(),
        state: run.state.to_string(),
        trigger: run.trigger_kind.to_string(),
        actor: run.actor.clone(),
        reason: run.reason.clone(),
        note: run.note.clone(),
        scheduled_for: run.scheduled_for_ms.and_then(|ms| rfc3339(ms, &utc)),
        nominal_local: run.nominal_local.clone(),
        created_at: rfc3339(run.created_at_ms, &utc).unwrap_or_default(),
        started_at: run.started_at_ms.and_then(|ms| rfc3339(ms, &utc)),
        finished_at: run.finished_at_ms.and_then(|ms| rfc3339(ms, &utc)),
        lag_ms: run
            .started_at_ms
            .zip(run.scheduled_for_ms)
            .map(|(started, scheduled)| started - scheduled),
        tasks_total: run.tasks_total,
        tasks_succeeded: run.tasks_succeeded,
        tasks_failed: run.tasks_failed,
        tasks_dead: run.tasks_dead,
        tasks_cancelled: run.tasks_cancelled,
        users_deduped: run.users_deduped,
        summary: run
            .summary
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok()),
    }
}

/// A run with its task counts; `all_tasks = false` keeps only tasks that did not succeed.
pub fn run_detail_view(detail: &RunDetail, all_tasks: bool) -> RunDetailView {
    let mut task_counts = BTreeMap::new();
    for task in &detail.tasks {
        *task_counts.entry(task.state.to_string()).or_insert(0) += 1;
    }
    let tasks = detail
        .tasks
        .iter()
        .filter(|task| all_tasks || task.state != TaskState::Succeeded)
        .map(task_view)
        .collect();
    RunDetailView {
        run: run_view(&detail.run),
        task_counts,
        tasks,
    }
}

fn task_view(task: &TaskRow) -> TaskView {
    TaskView {
        task_id: task.id,
        user_id: task.user_id,
        state: task.state.to_string(),
        attempt: task.attempt,
        waits: task.waits,
        error_class: task.last_error_class.clone(),
        error: task.last_error.clone(),
        not_before: rfc3339(task.not_before_ms, &TimeZone::UTC),
        duration_ms: task
            .finished_at_ms
            .zip(task.first_started_at_ms)
            .map(|(end, start)| end - start),
    }
}

/// `ms` as RFC 3339 with `zone`'s offset at that instant, to the second.
pub fn rfc3339(ms: i64, zone: &TimeZone) -> Option<String> {
    let at = Timestamp::from_millisecond(ms).ok()?;
    Some(
        at.to_zoned(zone.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
    )
}

/// The next fires from `next_fire_at_ms` on (inclusive).
fn upcoming(trigger: &Trigger, zone: &TimeZone, next_fire_at_ms: i64) -> Vec<String> {
    let Ok(from) = Timestamp::from_millisecond(next_fire_at_ms - 1) else {
        return Vec::new();
    };
    queue::fires(trigger, zone, from, Timestamp::MAX)
        .take(UPCOMING)
        .filter_map(|fire| rfc3339(fire.at.as_millisecond(), zone))
        .collect()
}

/// "every 3h30m on a UTC grid from 2024-01-01T00:00Z", "daily at 02:00 (Europe/Berlin)",
/// "every 3 days at 05:00 from 2024-01-01 (UTC)".
pub fn describe_trigger(trigger: &Trigger, zone: &str) -> String {
    match trigger {
        Trigger::Interval { every, anchor } => {
            let minutes = every.as_secs() / 60;
            let (hours, minutes) = (minutes / 60, minutes % 60);
            let period = match (hours, minutes) {
                (0, m) => format!("{m}m"),
                (h, 0) => format!("{h}h"),
                (h, m) => format!("{h}h{m}m"),
            };
            format!(
                "every {period} on a UTC grid from {}",
                anchor.strftime("%Y-%m-%dT%H:%MZ")
            )
        }
        Trigger::Calendar { expression, .. } => describe_cron(expression, zone),
        Trigger::CalendarInterval {
            every_days,
            at,
            anchor_date,
        } => format!(
            "every {every_days} days at {} from {anchor_date} ({zone})",
            at.strftime("%H:%M")
        ),
        Trigger::OnDemand => "on demand (events and Run now)".to_owned(),
    }
}

/// Plain words for the common shapes of a 5-field cron spec; the spec itself otherwise.
fn describe_cron(expression: &str, zone: &str) -> String {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    let [minute, hour, dom, month, dow] = fields.as_slice() else {
        return format!("cron {expression} ({zone})");
    };
    let (Ok(minute), Ok(hour)) = (minute.parse::<u8>(), hour.parse::<u8>()) else {
        return format!("cron {expression} ({zone})");
    };
    let time = format!("{hour:02}:{minute:02}");
    match (*dom, *month, *dow) {
        ("*", "*", "*") => format!("daily at {time} ({zone})"),
        ("*", "*", day) => format!("weekly on {day} at {time} ({zone})"),
        (day, "*", "*") => format!("monthly on day {day} at {time} ({zone})"),
        _ => format!("cron {expression} ({zone})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_are_described_in_plain_words() {
        let interval = Trigger::interval(
            jiff::SignedDuration::from_mins(210),
            "2024-01-01T00:00:00Z".parse().unwrap(),
        )
        .unwrap();
        assert_eq!(
            describe_trigger(&interval, "UTC"),
            "every 3h30m on a UTC grid from 2024-01-01T00:00Z"
        );
        let daily = Trigger::calendar("0 2 * * *").unwrap();
        assert_eq!(
            describe_trigger(&daily, "Europe/Berlin"),
            "daily at 02:00 (Europe/Berlin)"
        );
        let weekly = Trigger::calendar("0 3 * * SUN").unwrap();
        assert_eq!(
            describe_trigger(&weekly, "UTC"),
            "weekly on SUN at 03:00 (UTC)"
        );
        let every3 = Trigger::calendar_interval(
            3,
            jiff::civil::time(5, 0, 0, 0),
            jiff::civil::date(2024, 1, 1),
        )
        .unwrap();
        assert_eq!(
            describe_trigger(&every3, "UTC"),
            "every 3 days at 05:00 from 2024-01-01 (UTC)"
        );
    }

    #[test]
    fn times_carry_the_zone_offset() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let ms = "2024-07-01T00:00:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_millisecond();
        assert_eq!(
            rfc3339(ms, &berlin).as_deref(),
            Some("2024-07-01T02:00:00+02:00")
        );
    }
}
