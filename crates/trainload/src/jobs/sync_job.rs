//! The one adapter between the scheduler and the sync pipeline: each of the five jobs is a
//! [`JobSpec`] (trigger, policy, who it fans out to, what each task does) run by [`SyncJob`].

use std::sync::Arc;

use jiff::civil::Date;
use queue::{
    BoxFuture, FanOutRequest, Job, PlannedTask, Policy, TaskContext, TaskError, TaskReport,
    Trigger, TriggerKind,
};
use serde_json::json;

use crate::planner::{Reason, StravaSync};
use crate::store::fan_out;
use crate::store::users::UserId;
use crate::store::webhooks::STRANDED_AFTER_MS;
use crate::sync::{self, SyncContext, SyncError, SyncOptions, SyncReport};

/// Which users a job's runs fan out to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eligible {
    /// Users with an active Strava or Intervals.icu integration.
    ActiveIntegration,
    /// Users with a live activity in the last N days.
    ActivitiesWithin(i64),
    /// Users with wellness in the last N days.
    WellnessWithin(i64),
    /// Users with webhook events received over two minutes ago and still unprocessed.
    StrandedEvents,
    /// Whoever the Strava read planner places in this quarter hour.
    Planned,
    /// Users with push deliveries pending for over two minutes (their task was lost).
    StrandedPush,
}

/// What one user's task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// A sync with these windows and flags.
    Sync(SyncOptions),
    /// Full threshold recalculation over N days of history.
    Thresholds {
        /// History window, days.
        window_days: u32,
    },
    /// Recompute every UTL of the last N days and report drift.
    Utl {
        /// Days back from today.
        days: i64,
    },
    /// Handle the user's pending webhook events.
    Events,
    /// Pending events, then the listing the planner placed (`list_days` in the params).
    Planned,
    /// Deliver the user's pending push notifications.
    Push,
}

/// A job as docs/scheduler.md §2 defines it.
#[derive(Debug, Clone)]
pub struct JobSpec {
    /// Stable id.
    pub id: &'static str,
    /// Human name.
    pub name: &'static str,
    /// Bumped on any change of trigger or policy.
    pub spec_rev: i32,
    /// When it fires.
    pub trigger: Trigger,
    /// How it runs.
    pub policy: Policy,
    /// Who it fans out to.
    pub eligible: Eligible,
    /// What each task does.
    pub work: Work,
}

/// A [`JobSpec`] bound to the sync context.
#[derive(Debug)]
pub struct SyncJob {
    spec: JobSpec,
    ctx: SyncContext,
}

impl SyncJob {
    /// The job of `spec` over `ctx`, ready to register.
    pub fn registered(spec: JobSpec, ctx: &SyncContext) -> Arc<dyn Job> {
        Arc::new(Self {
            spec,
            ctx: ctx.clone(),
        })
    }

    /// The date `days` before today. The athlete-local "today" is per user; for eligibility
    /// windows and the monthly recalculation UTC is close enough (a day's margin either way).
    fn days_ago(&self, days: i64) -> Date {
        let now = jiff::Timestamp::from_millisecond(self.ctx.clock.now_ms())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        today
            .checked_sub(jiff::Span::new().days(days))
            .unwrap_or(today)
    }

    async fn users(&self) -> Result<Vec<UserId>, crate::store::StoreError> {
        let store = &self.ctx.store;
        match self.spec.eligible {
            Eligible::ActiveIntegration => fan_out::with_active_integration(store).await,
            Eligible::ActivitiesWithin(days) => {
                fan_out::with_activities_since(store, &self.days_ago(days).to_string()).await
            }
            Eligible::WellnessWithin(days) => {
                fan_out::with_wellness_since(store, &self.days_ago(days).to_string()).await
            }
            Eligible::StrandedEvents => {
                let before = self.ctx.clock.now_ms() - STRANDED_AFTER_MS;
                crate::store::webhooks::stranded_users(store, before).await
            }
            Eligible::StrandedPush => {
                let before = self.ctx.clock.now_ms() - STRANDED_AFTER_MS;
                crate::store::push::stranded_users(store, before).await
            }
            Eligible::Planned => Ok(Vec::new()),
        }
    }

    /// The tasks of one run: the eligible users, or the planner's placements with their
    /// listing windows.
    async fn planned_tasks(&self) -> Result<Vec<PlannedTask>, crate::store::StoreError> {
        if self.spec.eligible != Eligible::Planned {
            let users = self.users().await?;
            return Ok(users
                .into_iter()
                .map(|u| PlannedTask {
                    user_id: u.0,
                    params: json!({}),
                })
                .collect());
        }
        let now = self.ctx.clock.now_ms();
        let plan = crate::planner::plan(&self.ctx.store, &self.ctx.planner, now).await?;
        Ok(plan
            .placements
            .into_iter()
            // Polling mode keeps the planner to the events whose task was lost.
            .filter(|p| self.ctx.planner.mode == StravaSync::Planned || p.reason == Reason::Events)
            .map(|p| PlannedTask {
                user_id: p.user_id,
                params: json!({ "list_days": p.list_days, "reason": p.reason }),
            })
            .collect())
    }

    async fn work(&self, task: &TaskContext) -> Result<TaskReport, TaskError> {
        let user = UserId(task.user_id);
        match self.spec.work {
            Work::Sync(options) => {
                let onboarding = super::onboarding::is_onboarding(&self.ctx.store, task.run_id)
                    .await
                    .map_err(|e| TaskError::Retryable(e.to_string()))?;
                let result = if onboarding {
                    let days = super::onboarding::DAYS;
                    sync::onboard(&self.ctx, user, days, &|_| {}).await
                } else if self.planner_reads_strava(task) {
                    // The planner places this job's Strava reads; the rest costs none.
                    let ctx = SyncContext {
                        strava: None,
                        ..self.ctx.clone()
                    };
                    sync::user_sync(&ctx, user, &options).await
                } else {
                    sync::user_sync(&self.ctx, user, &options).await
                };
                sync_report(&self.ctx, result)
            }
            Work::Thresholds { window_days } => {
                let result = sync::recalculate_thresholds(&self.ctx, user, window_days).await;
                sync_report(&self.ctx, result)
            }
            Work::Utl { days } => {
                let since = self.days_ago(days);
                let recalc = sync::recalculate_utl(&self.ctx, user, since)
                    .await
                    .map_err(task_error)?;
                let mut report = TaskReport::default();
                report
                    .counters
                    .insert("utl_recalculated".into(), i64::from(recalc.recalculated));
                report
                    .counters
                    .insert("drift".into(), i64::from(recalc.drift));
                report.counters.insert(
                    "daily_load_drift".into(),
                    i64::from(recalc.daily_loads.drift),
                );
                report.counters.insert(
                    "curve_month_drift".into(),
                    i64::from(recalc.curve_months.drift),
                );
                report.examples = recalc.examples.iter().map(|e| json!(e)).collect();
                report.detail = json!(recalc);
                Ok(report)
            }
            Work::Events => {
                let result = sync::handle_events(&self.ctx, user).await;
                events_report(&self.ctx, result)
            }
            Work::Push => self.push(user).await,
            Work::Planned => {
                let list_days = SyncParams::of(task).list_days;
                let result = sync::handle_events(&self.ctx, user).await;
                let events = events_report(&self.ctx, result);
                if list_days == 0 {
                    return events;
                }
                let options = SyncOptions {
                    activity_days: list_days,
                    wellness_days: 0,
                    resting_hr: false,
                    ..SyncOptions::quick()
                };
                let result = sync::user_sync(&self.ctx, user, &options).await;
                sync_report(&self.ctx, result)
            }
        }
    }
}

/// What a sync task's params carry: the queue's trigger, and the planner's listing window.
#[derive(Debug, Default, serde::Deserialize)]
struct SyncParams {
    /// What started the run.
    trigger: Option<TriggerKind>,
    /// Days of Strava activities the planner placed this listing for (0: events only).
    #[serde(default)]
    list_days: u32,
}

impl SyncParams {
    /// The task's params; params this version cannot read count as none (events only, not
    /// scheduled), and are logged.
    fn of(task: &TaskContext) -> Self {
        serde_json::from_value(task.params.clone()).unwrap_or_else(|error| {
            tracing::warn!(task = task.task_id, %error, "unreadable sync task params");
            Self::default()
        })
    }
}

impl SyncJob {
    /// Delivers `user`'s pending notifications; sends that must wait make the task retry
    /// (what was sent stays sent).
    async fn push(&self, user: UserId) -> Result<TaskReport, TaskError> {
        let clock = self.ctx.clock.clone();
        let now = move || clock.now_ms();
        let report = crate::push::deliver::deliver(&self.ctx.push, &self.ctx.store, user, &now)
            .await
            .map_err(|e| TaskError::Retryable(e.to_string()))?;
        if report.waiting > 0 {
            let message = format!("{} deliveries wait for their push service", report.waiting);
            return Err(match report.retry_at_ms {
                Some(retry_at_ms) => TaskError::RateLimited {
                    retry_at_ms,
                    message,
                },
                None => TaskError::Retryable(message),
            });
        }
        let mut task = TaskReport::default();
        let counters = [
            ("sent", report.sent),
            ("expired", report.expired),
            ("rejected", report.rejected),
            ("gone", report.gone),
        ];
        for (name, n) in counters {
            task.counters.insert(name.into(), i64::from(n));
        }
        task.detail = json!(report);
        Ok(task)
    }

    /// Whether a scheduled run of this job leaves its Strava reads to the planner.
    fn planner_reads_strava(&self, task: &TaskContext) -> bool {
        let scheduled = matches!(
            SyncParams::of(task).trigger,
            Some(TriggerKind::Schedule | TriggerKind::CatchUp)
        );
        scheduled && self.ctx.planner.mode == StravaSync::Planned
    }
}

impl Job for SyncJob {
    fn id(&self) -> &'static str {
        self.spec.id
    }

    fn name(&self) -> &'static str {
        self.spec.name
    }

    fn spec_rev(&self) -> i32 {
        self.spec.spec_rev
    }

    fn trigger(&self) -> Trigger {
        self.spec.trigger.clone()
    }

    fn policy(&self) -> Policy {
        self.spec.policy
    }

    fn fan_out<'a>(
        &'a self,
        request: &'a FanOutRequest,
    ) -> BoxFuture<'a, Result<Vec<PlannedTask>, String>> {
        Box::pin(async move {
            let tasks = self.planned_tasks().await.map_err(|e| e.to_string())?;
            Ok(tasks
                .into_iter()
                .filter(|t| {
                    request
                        .users
                        .as_ref()
                        .is_none_or(|only| only.contains(&t.user_id))
                })
                .collect())
        })
    }

    fn run_task<'a>(
        &'a self,
        task: &'a TaskContext,
    ) -> BoxFuture<'a, Result<TaskReport, TaskError>> {
        Box::pin(self.work(task))
    }
}

/// The task's report from a sync: its counters, and the whole report as detail (with each
/// provider's outcome). A step that failed makes the task fail with that step's class, after
/// everything else was stored, so the queue waits (rate limit), retries (transient) or stops
/// (re-authorisation needed, permanent).
fn sync_report(
    ctx: &SyncContext,
    result: Result<SyncReport, SyncError>,
) -> Result<TaskReport, TaskError> {
    let report = result.map_err(task_error)?;
    if let Some(error) = worst_issue(ctx, &report) {
        return Err(error);
    }
    let mut task = TaskReport::default();
    let counters = [
        ("new_activities", report.new_activities),
        ("updated_activities", report.updated_activities),
        ("deleted_activities", report.deleted_activities),
        ("wellness_days", report.wellness_days),
        ("utl_recalculated", report.utl_recalculated),
    ];
    for (name, value) in counters {
        task.counters.insert(name.to_owned(), i64::from(value));
    }
    task.counters.insert(
        "thresholds_changed".into(),
        i64::try_from(report.thresholds_changed.len()).unwrap_or(0),
    );
    task.detail = json!(report);
    Ok(task)
}

/// What the task does about its failed steps. Each provider's steps ran on their own, so the
/// outcome that lets the most work happen decides: a rate-limit wait first (it uses no attempt,
/// and the retry after the window re-runs the other provider's step too, so its error is not
/// lost), then a transient failure (retried with backoff), and only then a failure no retry
/// mends (re-authorisation needed, permanent), which ends the task once the other provider's
/// work is done. The message names every provider's outcome.
fn worst_issue(ctx: &SyncContext, report: &SyncReport) -> Option<TaskError> {
    let decisive = sync::ISSUE_PRECEDENCE
        .into_iter()
        .find(|class| report.errors.iter().any(|e| e.class == *class))?;
    let message = outcomes(report);
    Some(match decisive {
        "rate_limited" => {
            // Strava's windows turn every quarter hour.
            let now = ctx.clock.now_ms();
            let quarter = 15 * 60 * 1000;
            TaskError::RateLimited {
                retry_at_ms: now - now.rem_euclid(quarter) + quarter,
                message,
            }
        }
        "retryable" => TaskError::Retryable(message),
        _ => TaskError::Permanent(message),
    })
}

/// Every provider's outcome with its failed steps, for the task's error:
/// `strava: rate_limited (strava.activities: …); intervals: needs_reauth (intervals.wellness: …)`.
fn outcomes(report: &SyncReport) -> String {
    let mut parts: Vec<(String, String)> = report
        .providers
        .iter()
        .map(|(name, outcome)| (name.clone(), outcome.clone()))
        .collect();
    // Steps of no provider (or of one the report does not list) still show.
    for issue in &report.errors {
        let part = sync::step_provider(&issue.step);
        if !parts.iter().any(|(name, _)| name == part) {
            let outcome = report.provider_outcome(part).unwrap_or("ok");
            parts.push((part.to_owned(), outcome.to_owned()));
        }
    }
    parts
        .iter()
        .map(|(name, outcome)| {
            let steps: Vec<String> = report
                .errors
                .iter()
                .filter(|e| sync::step_provider(&e.step) == name)
                .map(|e| format!("{} {}: {}", e.step, e.class, e.message))
                .collect();
            if steps.is_empty() {
                format!("{name}: {outcome}")
            } else {
                format!("{name}: {outcome} ({})", steps.join("; "))
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A webhook task's report; events kept for later make the task wait for that time without
/// using an attempt.
fn events_report(
    ctx: &SyncContext,
    result: Result<sync::EventsReport, SyncError>,
) -> Result<TaskReport, TaskError> {
    let report = result.map_err(task_error)?;
    let retry_at = report.retry_at_ms;
    let mut task = sync_report(ctx, Ok(report.sync))?;
    if let Some(retry_at_ms) = retry_at {
        return Err(TaskError::RateLimited {
            retry_at_ms,
            message: "waiting for Strava to show a new activity".to_owned(),
        });
    }
    task.counters
        .insert("events".into(), i64::from(report.events_processed));
    Ok(task)
}

fn task_error(error: SyncError) -> TaskError {
    match error {
        SyncError::RateLimited { until_ms } => TaskError::RateLimited {
            retry_at_ms: until_ms,
            message: error.to_string(),
        },
        SyncError::Retryable(_) => TaskError::Retryable(error.to_string()),
        other => TaskError::Permanent(other.to_string()),
    }
}
