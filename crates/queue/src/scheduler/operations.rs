//! What an admin drives (docs/scheduler.md §5.5, §7): manual runs with idempotency keys, pause and
//! resume, retry of failed tasks, cancel, and the read models behind the API.

use serde::Serialize;
use tracing::info;

use super::Scheduler;
use super::ledger::{NewRun, Terminal, TerminalState};
use crate::job::{FanOutRequest, Overlap};
use crate::{QueueError, RunState, TaskState, TriggerKind, next_fire, with_db, with_tx};

/// A request for a manual run.
#[derive(Debug, Clone, Default)]
pub struct ManualRunRequest {
    /// Who asked (`admin:<id>`, `cli:<user>`).
    pub actor: String,
    /// Repeats with the same key return the same run.
    pub idempotency_key: Option<String>,
    /// Start even while a run of the job is live (per-user dedupe still applies).
    pub allow_overlap: bool,
    /// Restrict the fan-out to these users.
    pub users: Option<Vec<i64>>,
    /// Write nothing when every planned user already has a live task of the job (the run would
    /// be empty): answered [`ManualRun::AllDeduped`].
    pub refuse_if_all_deduped: bool,
}

/// The result of asking for a manual run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManualRun {
    /// A new run.
    Created(i64),
    /// The run created earlier with the same idempotency key.
    Replayed(i64),
    /// A live run blocks it under `skip`; nothing was written.
    Conflict {
        /// The live run.
        live_run_id: i64,
    },
    /// Every planned user already has a live task of the job and the request asked
    /// [`ManualRunRequest::refuse_if_all_deduped`]; nothing was written.
    AllDeduped,
}

/// One `job_run` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RunRow {
    /// Run id.
    pub id: i64,
    /// Job id.
    pub job_id: String,
    /// The occurrence (null for manual and backfill runs), epoch ms.
    pub scheduled_for_ms: Option<i64>,
    /// The nominal local time of the occurrence.
    pub nominal_local: Option<String>,
    /// What created it.
    pub trigger_kind: TriggerKind,
    /// Who created it.
    pub actor: String,
    /// Where it stands.
    pub state: RunState,
    /// Why it was skipped or missed.
    pub reason: Option<String>,
    /// DST note.
    pub note: Option<String>,
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
    /// Summed counters and examples, JSON.
    pub summary: Option<String>,
    /// Created, epoch ms.
    pub created_at_ms: i64,
    /// First task leased, epoch ms.
    pub started_at_ms: Option<i64>,
    /// Final, epoch ms.
    pub finished_at_ms: Option<i64>,
}

/// One `task` row as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TaskRow {
    /// Task id.
    pub id: i64,
    /// The user.
    pub user_id: i64,
    /// Where it stands.
    pub state: TaskState,
    /// Attempts used.
    pub attempt: i32,
    /// Rate-limit waits.
    pub waits: i32,
    /// Class of the last error.
    pub last_error_class: Option<String>,
    /// The last error.
    pub last_error: Option<String>,
    /// Earliest next start, epoch ms.
    pub not_before_ms: i64,
    /// First start, epoch ms.
    pub first_started_at_ms: Option<i64>,
    /// End, epoch ms.
    pub finished_at_ms: Option<i64>,
    /// The winning attempt's report, JSON.
    pub result: Option<String>,
}

/// A run with its tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunDetail {
    /// The run.
    pub run: RunRow,
    /// Its tasks (all, or only those not succeeded).
    pub tasks: Vec<TaskRow>,
}

/// A job's schedule row as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct JobStatus {
    /// Job id.
    pub job_id: String,
    /// Name.
    pub name: String,
    /// Trigger kind.
    pub kind: String,
    /// Canonical trigger JSON.
    pub spec: String,
    /// Zone.
    pub zone: String,
    /// Next fire, epoch ms.
    pub next_fire_at_ms: i64,
    /// Its nominal local time.
    pub next_fire_local: Option<String>,
    /// Its DST note.
    pub next_fire_note: Option<String>,
    /// Catch-up window, ms.
    pub catch_up_window_ms: i64,
    /// Whether an occurrence may start while a run is live.
    pub overlap: Overlap,
    /// Paused?
    pub paused: bool,
    /// Why.
    pub paused_reason: Option<String>,
    /// By whom.
    pub paused_by: Option<String>,
    /// When, epoch ms.
    pub paused_at_ms: Option<i64>,
}

/// A task as deleting or retrying it needs it.
#[derive(Debug, sqlx::FromRow)]
struct UserTask {
    id: i64,
    run_id: i64,
    user_id: i64,
    kind: String,
    state: TaskState,
}

const RUN_BY_KEY: &str = "SELECT id FROM job_run WHERE job_id = $1 AND idempotency_key = $2";

const RUN_COLUMNS: &str = "id, job_id, scheduled_for_ms, nominal_local, trigger_kind, actor, state, reason, note, \
     tasks_total, tasks_succeeded, tasks_failed, tasks_dead, tasks_cancelled, users_deduped, summary, created_at_ms, \
     started_at_ms, finished_at_ms";

const TASK_COLUMNS: &str = "id, user_id, state, attempt, waits, last_error_class, last_error, not_before_ms, \
     first_started_at_ms, finished_at_ms, result";

const JOB_COLUMNS: &str = "job_id, name, kind, spec, zone, next_fire_at_ms, next_fire_local, next_fire_note, \
     catch_up_window_ms, overlap, paused, paused_reason, paused_by, paused_at_ms";

impl Scheduler {
    /// Starts a run now without moving the schedule (docs/scheduler.md §7.1).
    ///
    /// # Errors
    /// [`QueueError::JobNotFound`] for an unknown job; database errors.
    pub async fn start_manual_run(
        &self,
        job_id: &str,
        request: &ManualRunRequest,
    ) -> Result<ManualRun, QueueError> {
        let job = self
            .job(job_id)
            .cloned()
            .ok_or_else(|| QueueError::JobNotFound(job_id.to_owned()))?;
        if let Some(run_id) = self
            .run_by_key(job_id, request.idempotency_key.as_deref())
            .await?
        {
            return Ok(ManualRun::Replayed(run_id));
        }
        let fan_out = FanOutRequest {
            job_id: job_id.to_owned(),
            scheduled_for_ms: None,
            users: request.users.clone(),
        };
        let planned = job.fan_out(&fan_out).await.map_err(QueueError::Invalid)?;
        let now = self.now_ms();
        let mut tx = self.db().begin_write().await?;
        // Concurrent requests queue on the job's schedule row, so the live-run check and the
        // insert below are one step: SQLite's `BEGIN IMMEDIATE` already serialises writers,
        // PostgreSQL's READ COMMITTED needs the row lock (the tick takes the same row).
        let lock = format!(
            "SELECT job_id FROM schedule WHERE job_id = $1 {}",
            tx.for_update()
        );
        let locked: Option<String> = with_tx!(&mut tx, conn => sqlx::query_scalar(sqlx::AssertSqlSafe(lock))
            .bind(job_id).fetch_optional(conn).await?);
        if locked.is_none() {
            return Err(QueueError::JobNotFound(job_id.to_owned()));
        }
        if let Some(run_id) = self
            .run_by_key_in(&mut tx, job_id, request.idempotency_key.as_deref())
            .await?
        {
            return Ok(ManualRun::Replayed(run_id));
        }
        let live: Option<i64> = with_tx!(&mut tx, conn => sqlx::query_scalar(
            "SELECT id FROM job_run WHERE job_id = $1 AND state IN ('pending', 'running') ORDER BY id LIMIT 1")
            .bind(job_id).fetch_optional(conn).await?);
        if let Some(live_run_id) =
            live.filter(|_| !request.allow_overlap && job.policy().overlap == Overlap::Skip)
        {
            return Ok(ManualRun::Conflict { live_run_id });
        }
        let run = NewRun {
            job_id,
            idempotency_key: request.idempotency_key.as_deref(),
            scheduled_for_ms: None,
            nominal_local: None,
            trigger_kind: TriggerKind::Manual,
            actor: &request.actor,
            state: RunState::Pending,
            reason: None,
            note: None,
        };
        let Some(run_id) = self.insert_run(&mut tx, &run, now).await? else {
            return Err(QueueError::Conflict("run key race".to_owned()));
        };
        let batch = super::ledger::TaskBatch {
            run_id,
            job_id,
            scheduled_for_ms: None,
            trigger_kind: TriggerKind::Manual,
            max_attempts: job.policy().max_attempts,
            not_before_ms: now,
        };
        let (total, deduped) = self.insert_tasks(&mut tx, &batch, &planned).await?;
        if request.refuse_if_all_deduped && total == 0 && deduped > 0 {
            return Ok(ManualRun::AllDeduped); // dropping the transaction rolls it back
        }
        tx.commit().await?;
        self.refresh_task_statistics(usize::try_from(total).unwrap_or(0))
            .await;
        info!(job = job_id, run_id, actor = %request.actor, "manual run created");
        Ok(ManualRun::Created(run_id))
    }

    async fn run_by_key(&self, job_id: &str, key: Option<&str>) -> Result<Option<i64>, QueueError> {
        let Some(key) = key else { return Ok(None) };
        Ok(with_db!(self.db(), pool => sqlx::query_scalar(RUN_BY_KEY)
            .bind(job_id).bind(key).fetch_optional(pool).await?))
    }

    async fn run_by_key_in(
        &self,
        tx: &mut crate::db::Tx,
        job_id: &str,
        key: Option<&str>,
    ) -> Result<Option<i64>, QueueError> {
        let Some(key) = key else { return Ok(None) };
        Ok(with_tx!(tx, conn => sqlx::query_scalar(RUN_BY_KEY)
            .bind(job_id).bind(key).fetch_optional(conn).await?))
    }

    /// Pauses a job: its occurrences are recorded as `skipped` until it is resumed.
    ///
    /// # Errors
    /// [`QueueError::JobNotFound`]; database errors.
    pub async fn pause(&self, job_id: &str, reason: &str, by: &str) -> Result<(), QueueError> {
        if self.job(job_id).is_none() {
            // A row left by a job this build no longer has is not pausable either.
            return Err(QueueError::JobNotFound(job_id.to_owned()));
        }
        let now = self.now_ms();
        let rows = with_db!(self.db(), pool => sqlx::query(
            "UPDATE schedule SET paused = TRUE, paused_reason = $2, paused_by = $3, paused_at_ms = $4, \
             version = version + 1, updated_at_ms = $4 WHERE job_id = $1")
            .bind(job_id).bind(reason).bind(by).bind(now).execute(pool).await?.rows_affected());
        if rows == 0 {
            return Err(QueueError::JobNotFound(job_id.to_owned()));
        }
        Ok(())
    }

    /// Resumes a job; its next fire is the next occurrence after now, so nothing floods.
    ///
    /// # Errors
    /// [`QueueError::JobNotFound`]; database errors.
    pub async fn resume(&self, job_id: &str) -> Result<(), QueueError> {
        let job = self
            .job(job_id)
            .cloned()
            .ok_or_else(|| QueueError::JobNotFound(job_id.to_owned()))?;
        let now = self.now_ms();
        let after = jiff::Timestamp::from_millisecond(now)
            .map_err(|e| QueueError::Invalid(e.to_string()))?;
        let fire = next_fire(&job.trigger(), &self.config().zone, after)?;
        with_db!(self.db(), pool => sqlx::query(
            "UPDATE schedule SET paused = FALSE, paused_reason = NULL, paused_by = NULL, paused_at_ms = NULL, \
             next_fire_at_ms = $2, next_fire_local = $3, next_fire_note = $4, version = version + 1, \
             updated_at_ms = $5 WHERE job_id = $1")
            .bind(job_id).bind(fire.at.as_millisecond()).bind(fire.nominal.map(|n| n.to_string()))
            .bind(fire.note.map(|n| n.as_str())).bind(now).execute(pool).await?.rows_affected());
        Ok(())
    }

    /// Deletes every task of `user_id` (a user who deleted their data), keeping the counters of
    /// their runs consistent: a deleted task no longer counts, and a run whose remaining tasks
    /// are all final is finalised. A worker holding one of the tasks loses its lease (its result
    /// is discarded). Returns how many tasks were deleted.
    ///
    /// # Errors
    /// Database errors.
    pub async fn forget_user(&self, user_id: i64) -> Result<u64, QueueError> {
        let now = self.now_ms();
        let mut tx = self.db().begin_write().await?;
        let tasks: Vec<UserTask> = with_tx!(&mut tx, conn => sqlx::query_as(
            "SELECT id, run_id, user_id, kind, state FROM task WHERE user_id = $1 ORDER BY id")
            .bind(user_id).fetch_all(conn).await?);
        for task in &tasks {
            let counter = match task.state {
                TaskState::Succeeded => ", tasks_succeeded = tasks_succeeded - 1",
                TaskState::Failed => ", tasks_failed = tasks_failed - 1",
                TaskState::Dead => ", tasks_dead = tasks_dead - 1",
                TaskState::Cancelled => ", tasks_cancelled = tasks_cancelled - 1",
                TaskState::Ready | TaskState::Leased => "",
            };
            let sql =
                format!("UPDATE job_run SET tasks_total = tasks_total - 1{counter} WHERE id = $1");
            with_tx!(&mut tx, conn => sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(task.run_id).execute(conn).await?.rows_affected());
        }
        let deleted = with_tx!(&mut tx, conn => sqlx::query("DELETE FROM task WHERE user_id = $1")
            .bind(user_id).execute(conn).await?.rows_affected());
        tx.commit().await?;
        self.sweep_finished_runs(now).await?;
        info!(user_id, deleted, "forgot a user's tasks");
        Ok(deleted)
    }

    /// Puts a run's failed and dead tasks back to ready (attempt 0). Returns the requeued task
    /// ids and the users skipped because they already have a live task of that kind.
    ///
    /// # Errors
    /// [`QueueError::RunNotFound`]; database errors.
    pub async fn retry_failed(&self, run_id: i64) -> Result<(Vec<i64>, Vec<i64>), QueueError> {
        self.run(run_id).await?;
        let now = self.now_ms();
        let mut tx = self.db().begin_write().await?;
        let failed: Vec<UserTask> = with_tx!(&mut tx, conn => sqlx::query_as(
            "SELECT id, run_id, user_id, kind, state FROM task WHERE run_id = $1 AND state IN ('failed', 'dead') ORDER BY id")
            .bind(run_id).fetch_all(conn).await?);
        let (mut requeued, mut conflicts) = (Vec::new(), Vec::new());
        for task in failed {
            let live: Option<i64> = with_tx!(&mut tx, conn => sqlx::query_scalar(
                "SELECT id FROM task WHERE user_id = $1 AND kind = $2 AND state IN ('ready', 'leased')")
                .bind(task.user_id).bind(&task.kind).fetch_optional(conn).await?);
            if live.is_some() {
                conflicts.push(task.user_id);
                continue;
            }
            with_tx!(&mut tx, conn => sqlx::query(
                "UPDATE task SET state = 'ready', attempt = 0, not_before_ms = $2, finished_at_ms = NULL WHERE id = $1")
                .bind(task.id).bind(now).execute(conn).await?.rows_affected());
            let column = if task.state == TaskState::Dead {
                "tasks_dead"
            } else {
                "tasks_failed"
            };
            let sql = format!(
                "UPDATE job_run SET {column} = {column} - 1, state = 'running', finished_at_ms = NULL WHERE id = $1"
            );
            with_tx!(&mut tx, conn => sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(run_id).execute(conn).await?.rows_affected());
            requeued.push(task.id);
        }
        if !requeued.is_empty() {
            self.announce_ready(&mut tx).await?;
        }
        tx.commit().await?;
        Ok((requeued, conflicts))
    }

    /// Cancels a run's ready tasks (leased ones finish).
    ///
    /// # Errors
    /// [`QueueError::RunNotFound`]; [`QueueError::Conflict`] when the run is already final.
    pub async fn cancel(&self, run_id: i64) -> Result<u64, QueueError> {
        let run = self.run(run_id).await?;
        if run.finished_at_ms.is_some() {
            return Err(QueueError::Conflict(format!(
                "run {run_id} is already {}",
                run.state
            )));
        }
        let now = self.now_ms();
        let mut tx = self.db().begin_write().await?;
        let cancelled: Vec<i64> = with_tx!(&mut tx, conn => sqlx::query_scalar(
            "UPDATE task SET state = 'cancelled', finished_at_ms = $2 WHERE run_id = $1 AND state = 'ready' RETURNING id")
            .bind(run_id).bind(now).fetch_all(conn).await?);
        if !cancelled.is_empty() {
            let add = Terminal::of(TerminalState::Cancelled, cancelled.len());
            self.count_terminal(&mut tx, run_id, add, now).await?;
        }
        tx.commit().await?;
        Ok(u64::try_from(cancelled.len()).unwrap_or(0))
    }

    /// One run.
    ///
    /// # Errors
    /// [`QueueError::RunNotFound`].
    pub async fn run(&self, run_id: i64) -> Result<RunRow, QueueError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM job_run WHERE id = $1");
        let row: Option<RunRow> = with_db!(self.db(), pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(run_id).fetch_optional(pool).await?);
        row.ok_or(QueueError::RunNotFound(run_id))
    }

    /// One run with its tasks; `all_tasks = false` lists only tasks that did not succeed.
    ///
    /// # Errors
    /// [`QueueError::RunNotFound`].
    pub async fn run_detail(&self, run_id: i64, all_tasks: bool) -> Result<RunDetail, QueueError> {
        let run = self.run(run_id).await?;
        let filter = if all_tasks {
            ""
        } else {
            "AND state <> 'succeeded'"
        };
        let sql = format!("SELECT {TASK_COLUMNS} FROM task WHERE run_id = $1 {filter} ORDER BY id");
        let tasks: Vec<TaskRow> = with_db!(self.db(), pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(run_id).fetch_all(pool).await?);
        Ok(RunDetail { run, tasks })
    }

    /// Runs newest first, optionally for one job and state, before a run-id cursor.
    ///
    /// # Errors
    /// Database errors.
    pub async fn runs(
        &self,
        job: Option<&str>,
        state: Option<RunState>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<RunRow>, QueueError> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM job_run WHERE ($1 IS NULL OR job_id = $1) AND ($2 IS NULL OR state = $2) \
             AND ($3 IS NULL OR id < $3) ORDER BY id DESC LIMIT $4"
        );
        Ok(
            with_db!(self.db(), pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(job).bind(state.map(RunState::as_str)).bind(before).bind(limit.clamp(1, 500))
            .fetch_all(pool).await?),
        )
    }

    /// Every stored job, in id order.
    ///
    /// # Errors
    /// Database errors.
    pub async fn jobs(&self) -> Result<Vec<JobStatus>, QueueError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM schedule ORDER BY job_id");
        Ok(
            with_db!(self.db(), pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(pool).await?),
        )
    }
}
