//! The tick: every process ticks, there is no leader, and each occurrence gets exactly one
//! ledger row (docs/scheduler.md §5.2–§5.5).

use jiff::Timestamp;
use tracing::{info, warn};

use super::Scheduler;
use super::ledger::{NewRun, TaskBatch};
use crate::db::Tx;
use crate::job::{FanOutRequest, Job, Overlap, PlannedTask};
use crate::{Fire, QueueError, RunState, TriggerKind, next_fire, with_db, with_tx};

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Runs created that do work.
    pub runs_started: Vec<i64>,
    /// `skipped` rows written.
    pub skipped: usize,
    /// `missed` rows written.
    pub missed: usize,
    /// Tasks whose expired lease was reclaimed.
    pub reclaimed: usize,
}

const SELECT_DUE: &str = "SELECT paused FROM schedule WHERE job_id = $1 AND next_fire_at_ms <= $2";

const LOCK_DUE: &str = "SELECT next_fire_at_ms, catch_up_window_ms, overlap, max_attempts, jitter_max_ms, paused, \
     version FROM schedule WHERE job_id = $1 AND next_fire_at_ms <= $2";

const MOVE_CURSOR: &str = "UPDATE schedule SET next_fire_at_ms = $2, next_fire_local = $3, next_fire_note = $4, \
     last_scheduled_for_ms = $5, version = version + 1, updated_at_ms = $6 WHERE job_id = $1 AND version = $7";

const LIVE_RUN: &str = "SELECT id FROM job_run WHERE job_id = $1 AND state IN ('pending', 'running') ORDER BY id LIMIT 1";

/// The locked schedule row.
#[derive(sqlx::FromRow)]
struct DueRow {
    next_fire_at_ms: i64,
    catch_up_window_ms: i64,
    overlap: Overlap,
    max_attempts: i32,
    jitter_max_ms: i64,
    paused: bool,
    version: i64,
}

/// The due occurrences of one job, newest last, plus those too old to enumerate.
struct Due {
    occurrences: Vec<Fire>,
    older: Option<(i64, i64, usize)>,
    next: Fire,
}

impl Scheduler {
    /// Creates the runs of every due occurrence, reclaims expired leases and finalises runs
    /// whose tasks all ended.
    ///
    /// # Errors
    /// A database error; the tick can simply be repeated.
    pub async fn tick(&self) -> Result<TickReport, QueueError> {
        let now = self.now_ms();
        let mut report = TickReport::default();
        let stale = self.stale_jobs();
        for (job_id, job) in &self.inner.jobs {
            if stale.iter().any(|s| s == job_id) {
                continue;
            }
            self.tick_job(job.as_ref(), now, &mut report).await?;
        }
        report.reclaimed = self.reclaim_expired(now).await?;
        self.sweep_finished_runs(now).await?;
        Ok(report)
    }

    async fn tick_job(
        &self,
        job: &dyn Job,
        now: i64,
        report: &mut TickReport,
    ) -> Result<(), QueueError> {
        let paused: Option<bool> = with_db!(self.db(), pool => {
            sqlx::query_scalar(SELECT_DUE).bind(job.id()).bind(now).fetch_optional(pool).await?
        });
        let Some(paused) = paused else {
            return Ok(());
        };
        // The users are read before the write transaction: reads never wait for the writer
        // lock, and the run and its tasks are still inserted atomically below.
        let planned = if paused {
            Vec::new()
        } else {
            let request = FanOutRequest {
                job_id: job.id().to_owned(),
                scheduled_for_ms: None,
                users: None,
            };
            job.fan_out(&request).await.map_err(QueueError::Invalid)?
        };
        let mut tx = self.db().begin_write().await?;
        let lock = format!("{LOCK_DUE} {}", tx.for_update_skip_locked());
        let row: Option<DueRow> = with_tx!(&mut tx, conn => {
            sqlx::query_as(sqlx::AssertSqlSafe(lock.as_str())).bind(job.id()).bind(now).fetch_optional(conn).await?
        });
        let Some(row) = row else { return Ok(()) };
        let due = self.due_occurrences(job, &row, now)?;
        let newest = due
            .occurrences
            .last()
            .map_or(row.next_fire_at_ms, |f| f.at.as_millisecond());
        let moved: u64 = with_tx!(&mut tx, conn => {
            sqlx::query(MOVE_CURSOR)
                .bind(job.id()).bind(due.next.at.as_millisecond())
                .bind(due.next.nominal.map(|n| n.to_string())).bind(due.next.note.map(|n| n.as_str()))
                .bind(newest).bind(now).bind(row.version)
                .execute(conn).await?.rows_affected()
        });
        if moved == 0 {
            return Ok(()); // another instance won the compare-and-set; dropping rolls back
        }
        self.record_occurrences(&mut tx, job, &row, &due, &planned, now, report)
            .await?;
        tx.commit().await?;
        self.refresh_task_statistics(planned.len()).await;
        Ok(())
    }

    /// Occurrences from the cursor up to `now`, the newest `max_occurrences_per_tick` kept.
    fn due_occurrences(&self, job: &dyn Job, row: &DueRow, now: i64) -> Result<Due, QueueError> {
        let trigger = job.trigger();
        let zone = &self.config().zone;
        let first_at = to_timestamp(row.next_fire_at_ms)?;
        let just_before = to_timestamp(row.next_fire_at_ms - 1)?;
        let mut fire = next_fire(&trigger, zone, just_before)?;
        if fire.at != first_at {
            // The stored cursor is not on the current grid (a definition changed): take it as is.
            fire = Fire {
                at: first_at,
                nominal: None,
                note: None,
            };
        }
        let cap = self.config().max_occurrences_per_tick.max(1);
        let mut occurrences = Vec::new();
        let mut older: Option<(i64, i64, usize)> = None;
        while fire.at.as_millisecond() <= now {
            if occurrences.len() == cap {
                let dropped: Fire = occurrences.remove(0);
                let at = dropped.at.as_millisecond();
                older = Some(older.map_or((at, at, 1), |(first, _, n)| (first, at, n + 1)));
            }
            occurrences.push(fire);
            fire = next_fire(&trigger, zone, fire.at)?;
        }
        Ok(Due {
            occurrences,
            older,
            next: fire,
        })
    }

    /// Writes the ledger rows of the due occurrences: the newest runs (or is skipped), older
    /// ones are `missed` (docs/scheduler.md §5.3).
    #[expect(
        clippy::too_many_arguments,
        reason = "one transaction's worth of context"
    )]
    async fn record_occurrences(
        &self,
        tx: &mut Tx,
        job: &dyn Job,
        row: &DueRow,
        due: &Due,
        planned: &[PlannedTask],
        now: i64,
        report: &mut TickReport,
    ) -> Result<(), QueueError> {
        let Some((newest, older)) = due.occurrences.split_last() else {
            return Ok(());
        };
        let scheduled_for = newest.at.as_millisecond();
        let lateness = now - scheduled_for;
        let actor = format!("scheduler@{}", self.config().node_id);
        let live: Option<i64> = with_tx!(&mut *tx, conn => {
            sqlx::query_scalar(LIVE_RUN).bind(job.id()).fetch_optional(conn).await?
        });
        let (state, reason, trigger_kind) = if row.paused {
            (
                RunState::Skipped,
                Some("paused".to_owned()),
                TriggerKind::Schedule,
            )
        } else if lateness > row.catch_up_window_ms {
            (
                RunState::Missed,
                Some("outside_catch_up_window".to_owned()),
                TriggerKind::Schedule,
            )
        } else if let (Overlap::Skip, Some(live_id)) = (row.overlap, live) {
            (
                RunState::Skipped,
                Some(format!("overlap:{live_id}")),
                TriggerKind::Schedule,
            )
        } else if lateness <= self.config().on_time_slack_ms {
            (RunState::Pending, None, TriggerKind::Schedule)
        } else {
            (RunState::Pending, None, TriggerKind::CatchUp)
        };
        let run = NewRun {
            job_id: job.id(),
            idempotency_key: None,
            scheduled_for_ms: Some(scheduled_for),
            nominal_local: newest.nominal.map(|n| n.to_string()),
            trigger_kind,
            actor: &actor,
            state,
            reason: reason.clone(),
            note: newest.note.map(|n| n.as_str()),
        };
        let Some(run_id) = self.insert_run(tx, &run, now).await? else {
            return Ok(());
        };
        match state {
            RunState::Pending => {
                let not_before = now + self.jitter_ms(row.jitter_max_ms);
                let batch = TaskBatch {
                    run_id,
                    job_id: job.id(),
                    scheduled_for_ms: Some(scheduled_for),
                    trigger_kind,
                    max_attempts: row.max_attempts,
                    not_before_ms: not_before,
                };
                self.insert_tasks(tx, &batch, planned).await?;
                report.runs_started.push(run_id);
                info!(
                    job = job.id(),
                    run_id,
                    trigger = trigger_kind.as_str(),
                    "run created"
                );
            }
            RunState::Skipped => report.skipped += 1,
            _ => {
                report.missed += 1;
                warn!(job = job.id(), run_id, reason = ?reason, "occurrence missed");
            }
        }
        let older_reason = if state == RunState::Missed {
            "outside_catch_up_window".to_owned()
        } else {
            format!("coalesced_into:{run_id}")
        };
        for fire in older.iter().rev() {
            let missed = NewRun {
                scheduled_for_ms: Some(fire.at.as_millisecond()),
                nominal_local: fire.nominal.map(|n| n.to_string()),
                state: RunState::Missed,
                reason: Some(older_reason.clone()),
                note: fire.note.map(|n| n.as_str()),
                trigger_kind: TriggerKind::Schedule,
                ..run.clone()
            };
            if self.insert_run(tx, &missed, now).await?.is_some() {
                report.missed += 1;
                warn!(job = job.id(), scheduled_for_ms = fire.at.as_millisecond(), reason = %older_reason, "occurrence missed");
            }
        }
        if let Some((first, last, n)) = due.older {
            let range = NewRun {
                scheduled_for_ms: Some(first),
                nominal_local: None,
                state: RunState::Missed,
                reason: Some(format!("missed_range:{first}..{last}:{n}")),
                note: None,
                trigger_kind: TriggerKind::Schedule,
                ..run.clone()
            };
            if self.insert_run(tx, &range, now).await?.is_some() {
                report.missed += 1;
            }
        }
        Ok(())
    }
}

fn to_timestamp(ms: i64) -> Result<Timestamp, QueueError> {
    Timestamp::from_millisecond(ms).map_err(|e| QueueError::Invalid(e.to_string()))
}
