//! Fenced task transitions (docs/scheduler.md §6.3–§6.4): every write names the lease's fence, so a
//! worker that lost its lease changes nothing.

use tracing::warn;

use super::Scheduler;
use super::ledger::{Terminal, TerminalState};
use super::worker::ClaimedTask;
use crate::job::{TaskError, TaskReport};
use crate::{QueueError, TaskState, with_db, with_tx};

const SUCCEED: &str = "UPDATE task SET state = 'succeeded', result = $3, finished_at_ms = $4, lease_owner = NULL, \
     lease_expires_at_ms = NULL WHERE id = $1 AND fence = $2 AND state = 'leased'";

const FAIL: &str = "UPDATE task SET state = $3, last_error_class = $4, last_error = $5, finished_at_ms = $6, \
     lease_owner = NULL, lease_expires_at_ms = NULL WHERE id = $1 AND fence = $2 AND state = 'leased'";

const RETRY: &str = "UPDATE task SET state = 'ready', last_error_class = $3, last_error = $4, not_before_ms = $5, \
     lease_owner = NULL, lease_expires_at_ms = NULL WHERE id = $1 AND fence = $2 AND state = 'leased'";

/// Rate-limited or interrupted: back to ready and the attempt is given back.
const REFUND: &str = "UPDATE task SET state = 'ready', attempt = attempt - 1, waits = waits + $3, \
     last_error_class = $4, last_error = $5, not_before_ms = $6, lease_owner = NULL, lease_expires_at_ms = NULL \
     WHERE id = $1 AND fence = $2 AND state = 'leased'";

const HEARTBEAT: &str =
    "UPDATE task SET lease_expires_at_ms = $3 WHERE id = $1 AND fence = $2 AND state = 'leased'";

const RECLAIM: &str = "UPDATE task SET state = CASE WHEN attempt >= max_attempts THEN 'dead' ELSE 'ready' END, \
     last_error_class = 'lease_expired', last_error = 'the worker stopped renewing its lease', \
     not_before_ms = $1, finished_at_ms = CASE WHEN attempt >= max_attempts THEN $1 ELSE NULL END, \
     lease_owner = NULL, lease_expires_at_ms = NULL \
     WHERE state = 'leased' AND lease_expires_at_ms < $1 RETURNING id, run_id, state";

/// A task whose expired lease was taken back.
#[derive(Debug, sqlx::FromRow)]
struct Reclaimed {
    id: i64,
    run_id: i64,
    /// `ready`, or `dead` when out of attempts.
    state: TaskState,
}

/// How a handler's attempt ended, as the queue records it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// `Ok(report)`.
    Succeeded(TaskReport),
    /// The handler's error.
    Failed(TaskError),
    /// The task timeout passed.
    TimedOut,
    /// The handler panicked.
    Panicked(String),
    /// Shutdown interrupted the attempt: release the lease and refund the attempt.
    Interrupted,
    /// Claimed ahead of a free slot but never started (it waited too long, or the process
    /// stops): release the lease and refund the attempt.
    Unstarted,
}

impl Scheduler {
    /// Renews a lease; `false` means it was lost and the handler must stop.
    ///
    /// # Errors
    /// A database error (the lease may still be held).
    pub async fn heartbeat(&self, task: &ClaimedTask) -> Result<bool, QueueError> {
        let expires = self.now_ms() + self.config().lease_ms;
        let rows = with_db!(self.db(), pool => {
            sqlx::query(HEARTBEAT).bind(task.id).bind(task.fence).bind(expires).execute(pool).await?.rows_affected()
        });
        Ok(rows == 1)
    }

    /// Records a handler's result for a task this process leased (for callers that run a
    /// task inline). Returns `false` when the lease had been lost: the result is discarded.
    ///
    /// # Errors
    /// A database error; the lease then expires and the task is retried.
    pub async fn complete(
        &self,
        task: &ClaimedTask,
        result: Result<TaskReport, TaskError>,
    ) -> Result<bool, QueueError> {
        let outcome = match result {
            Ok(report) => Outcome::Succeeded(report),
            Err(error) => Outcome::Failed(error),
        };
        self.finish(task, outcome).await
    }

    /// Records the outcome of an attempt. Returns `false` when the lease had been lost (the
    /// result is discarded).
    pub(crate) async fn finish(
        &self,
        task: &ClaimedTask,
        outcome: Outcome,
    ) -> Result<bool, QueueError> {
        let now = self.now_ms();
        let mut tx = self.db().begin_write().await?;
        let recorded = self.record(&mut tx, task, &outcome, now).await?;
        if let Some(Some(state)) = recorded {
            self.count_terminal(&mut tx, task.run_id, Terminal::of(state, 1), now)
                .await?;
        }
        tx.commit().await?;
        Ok(recorded.is_some())
    }

    /// Writes one outcome with its fence inside `tx`: `None` when the lease had been lost
    /// (nothing written), else the terminal state the run must count, if the task ended.
    pub(super) async fn record(
        &self,
        tx: &mut crate::db::Tx,
        task: &ClaimedTask,
        outcome: &Outcome,
        now: i64,
    ) -> Result<Option<Option<TerminalState>>, QueueError> {
        let (rows, terminal) = match outcome {
            Outcome::Succeeded(report) => {
                let result = serde_json::to_string(report).unwrap_or_else(|_| "{}".to_owned());
                let rows = with_tx!(tx, conn => sqlx::query(SUCCEED).bind(task.id).bind(task.fence)
                    .bind(result).bind(now).execute(conn).await?.rows_affected());
                (rows, Some(TerminalState::Succeeded))
            }
            Outcome::Failed(TaskError::Permanent(message)) => {
                let rows = self
                    .fail(tx, task, "failed", "permanent", message, now)
                    .await?;
                (rows, Some(TerminalState::Failed))
            }
            Outcome::Failed(TaskError::RateLimited {
                retry_at_ms,
                message,
            }) => {
                let not_before = retry_at_ms + self.jitter_ms(60_000);
                let rows = self
                    .refund(tx, task, 1, "rate_limited", message, not_before)
                    .await?;
                (rows, None)
            }
            Outcome::Interrupted => {
                let rows = self
                    .refund(tx, task, 0, "interrupted", "shutdown", now)
                    .await?;
                (rows, None)
            }
            Outcome::Unstarted => {
                let rows = self
                    .refund(
                        tx,
                        task,
                        0,
                        "unstarted",
                        "claimed ahead, released unstarted",
                        now,
                    )
                    .await?;
                (rows, None)
            }
            Outcome::Failed(TaskError::Retryable(message)) => {
                self.retry_or_dead(tx, task, "retryable", message, now)
                    .await?
            }
            Outcome::TimedOut => {
                self.retry_or_dead(tx, task, "timeout", "the task timed out", now)
                    .await?
            }
            Outcome::Panicked(message) => {
                self.retry_or_dead(tx, task, "panic", message, now).await?
            }
        };
        if rows == 0 {
            warn!(
                task_id = task.id,
                fence = task.fence,
                "lease lost: result discarded"
            );
            return Ok(None);
        }
        Ok(Some(terminal))
    }

    /// Full-jitter backoff while attempts remain, else `dead`.
    async fn retry_or_dead(
        &self,
        tx: &mut crate::db::Tx,
        task: &ClaimedTask,
        class: &str,
        message: &str,
        now: i64,
    ) -> Result<(u64, Option<TerminalState>), QueueError> {
        if task.attempt >= task.max_attempts {
            let rows = self.fail(tx, task, "dead", class, message, now).await?;
            return Ok((rows, Some(TerminalState::Dead)));
        }
        let not_before = now + self.backoff_ms(task.attempt);
        let rows = with_tx!(tx, conn => sqlx::query(RETRY).bind(task.id).bind(task.fence).bind(class)
            .bind(message).bind(not_before).execute(conn).await?.rows_affected());
        Ok((rows, None))
    }

    async fn fail(
        &self,
        tx: &mut crate::db::Tx,
        task: &ClaimedTask,
        state: &str,
        class: &str,
        message: &str,
        now: i64,
    ) -> Result<u64, QueueError> {
        Ok(
            with_tx!(tx, conn => sqlx::query(FAIL).bind(task.id).bind(task.fence).bind(state).bind(class)
            .bind(message).bind(now).execute(conn).await?.rows_affected()),
        )
    }

    async fn refund(
        &self,
        tx: &mut crate::db::Tx,
        task: &ClaimedTask,
        waits: i32,
        class: &str,
        message: &str,
        not_before: i64,
    ) -> Result<u64, QueueError> {
        Ok(
            with_tx!(tx, conn => sqlx::query(REFUND).bind(task.id).bind(task.fence).bind(waits).bind(class)
            .bind(message).bind(not_before).execute(conn).await?.rows_affected()),
        )
    }

    /// Uniform in [0, min(cap, base · 2^(attempt−1))): "full jitter".
    pub(crate) fn backoff_ms(&self, attempt: i32) -> i64 {
        let config = self.config();
        let exponent = u32::try_from((attempt - 1).clamp(0, 30)).unwrap_or(0);
        let window = config
            .retry_base_ms
            .saturating_mul(1_i64 << exponent)
            .min(config.retry_cap_ms);
        self.jitter_ms(window)
    }

    /// Leases that expired go back to `ready` (or `dead` when out of attempts).
    pub(super) async fn reclaim_expired(&self, now: i64) -> Result<usize, QueueError> {
        let mut tx = self.db().begin_write().await?;
        let reclaimed: Vec<Reclaimed> =
            with_tx!(&mut tx, conn => sqlx::query_as(RECLAIM).bind(now).fetch_all(conn).await?);
        for task in &reclaimed {
            warn!(task_id = task.id, run_id = task.run_id, state = %task.state, "lease expired: task reclaimed");
            if task.state == TaskState::Dead {
                let add = Terminal::of(TerminalState::Dead, 1);
                self.count_terminal(&mut tx, task.run_id, add, now).await?;
            }
        }
        tx.commit().await?;
        Ok(reclaimed.len())
    }
}
