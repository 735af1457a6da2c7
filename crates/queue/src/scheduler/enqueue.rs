//! Tasks that come from outside the schedule, one at a time: an event (a webhook, say) becomes
//! one task of an on-demand job, inserted in the caller's transaction so that the event and its
//! task commit together. A user's live task of the same job absorbs later events (coalescing).

use serde_json::Value;

use super::Scheduler;
use super::ledger::{NewRun, TaskBatch};
use crate::db::Tx;
use crate::job::PlannedTask;
use crate::{QueueError, RunState, TriggerKind, with_tx};

/// One task to enqueue.
#[derive(Debug, Clone)]
pub struct EventTask<'a> {
    /// The job whose handler runs it (usually one with an on-demand trigger).
    pub job_id: &'a str,
    /// The user it works for.
    pub user_id: i64,
    /// Job-specific parameters.
    pub params: Value,
    /// Earliest start, epoch ms (a delay lets a burst of events gather into one task).
    pub not_before_ms: i64,
    /// Who asked (`webhook`, …), recorded on the run.
    pub actor: &'a str,
}

/// What [`Scheduler::enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new run with one task.
    Created {
        /// The run.
        run_id: i64,
    },
    /// The user already had a live task of this job, which will see the event.
    Coalesced {
        /// That task.
        task_id: i64,
    },
}

const LIVE_TASK: &str = "SELECT id FROM task WHERE user_id = $1 AND kind = $2 \
     AND state IN ('ready', 'leased') ORDER BY id LIMIT 1";

/// A waiting task starts no later than the newest event asks.
const PULL_FORWARD: &str = "UPDATE task SET not_before_ms = $2 \
     WHERE id = $1 AND state = 'ready' AND not_before_ms > $2";

const DROP_RUN: &str = "DELETE FROM job_run WHERE id = $1";

impl Scheduler {
    /// Enqueues `task` in `tx`: a run of trigger kind `event` with one task, or nothing when
    /// the user's live task of the job absorbs it (a waiting one is moved earlier if the event
    /// asks for an earlier start).
    ///
    /// # Errors
    /// [`QueueError::JobNotFound`] for a job this process does not know; database errors.
    pub async fn enqueue(&self, tx: &mut Tx, task: &EventTask<'_>) -> Result<Enqueued, QueueError> {
        let job = self
            .job(task.job_id)
            .cloned()
            .ok_or_else(|| QueueError::JobNotFound(task.job_id.to_owned()))?;
        if let Some(task_id) = self.coalesce(tx, task).await? {
            return Ok(Enqueued::Coalesced { task_id });
        }
        let now = self.now_ms();
        let run = NewRun {
            job_id: task.job_id,
            idempotency_key: None,
            scheduled_for_ms: None,
            nominal_local: None,
            trigger_kind: TriggerKind::Event,
            actor: task.actor,
            state: RunState::Pending,
            reason: None,
            note: None,
        };
        let Some(run_id) = self.insert_run(tx, &run, now).await? else {
            return Err(QueueError::Conflict(
                "event run was not inserted".to_owned(),
            ));
        };
        let batch = TaskBatch {
            run_id,
            job_id: task.job_id,
            scheduled_for_ms: None,
            trigger_kind: TriggerKind::Event,
            max_attempts: job.policy().max_attempts,
            not_before_ms: task.not_before_ms,
        };
        let planned = [PlannedTask {
            user_id: task.user_id,
            params: task.params.clone(),
        }];
        let (inserted, _) = self.insert_tasks(tx, &batch, &planned).await?;
        if inserted == 1 {
            return Ok(Enqueued::Created { run_id });
        }
        // Another transaction (PostgreSQL) inserted the user's live task first: keep no empty
        // run behind, and report the task that won.
        with_tx!(tx, conn => sqlx::query(DROP_RUN).bind(run_id).execute(conn).await?.rows_affected());
        match self.coalesce(tx, task).await? {
            Some(task_id) => Ok(Enqueued::Coalesced { task_id }),
            None => Err(QueueError::Conflict("event task race".to_owned())),
        }
    }

    /// The user's live task of the job, pulled forward to the event's start if it waits longer.
    async fn coalesce(&self, tx: &mut Tx, task: &EventTask<'_>) -> Result<Option<i64>, QueueError> {
        let live: Option<i64> = with_tx!(tx, conn => sqlx::query_scalar(LIVE_TASK)
            .bind(task.user_id).bind(task.job_id).fetch_optional(conn).await?);
        let Some(task_id) = live else {
            return Ok(None);
        };
        with_tx!(tx, conn => sqlx::query(PULL_FORWARD)
            .bind(task_id).bind(task.not_before_ms).execute(conn).await?.rows_affected());
        Ok(Some(task_id))
    }
}
