//! Group commit of task outcomes. A process's worker slots hand their outcomes to one writer,
//! which records everything that arrived while its previous transaction was committing in a
//! single transaction, with one counter update per run. On PostgreSQL every completion of a run
//! updates the run's row, so one transaction per task serialised all workers of all processes
//! on that row's lock for a commit each; a batch takes the lock once.

use std::collections::BTreeMap;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::warn;

use super::Scheduler;
use super::finish::Outcome;
use super::ledger::Terminal;
use super::worker::ClaimedTask;
use crate::QueueError;

/// Most outcomes recorded in one transaction.
const MAX_BATCH: usize = 256;

/// Outcomes that may wait for the writer before a slot has to wait for room.
const QUEUE_DEPTH: usize = 1024;

/// The sending side: cheap to share between slots. The writer stops once every sender is
/// dropped and what they sent is recorded.
#[derive(Debug, Clone)]
pub(super) struct Completions {
    sender: mpsc::Sender<(ClaimedTask, Outcome)>,
}

impl Completions {
    /// Starts the writer of `scheduler`; await the handle after dropping every sender to know
    /// that all outcomes are recorded.
    pub(super) fn start(scheduler: Scheduler) -> (Self, JoinHandle<()>) {
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        let writer = tokio::spawn(write_batches(scheduler, receiver));
        (Self { sender }, writer)
    }

    /// Hands over one outcome. The task keeps its lease until the writer records it, so no
    /// other worker can take the task (or the user's next task) in between; should the process
    /// die first, the lease expires and the task is retried, as for any crash.
    pub(super) async fn submit(&self, task: ClaimedTask, outcome: Outcome) {
        if let Err(mpsc::error::SendError((task, outcome))) =
            self.sender.send((task, outcome)).await
        {
            warn!(
                task_id = task.id,
                ?outcome,
                "the outcome writer has stopped; the lease will expire"
            );
        }
    }
}

async fn write_batches(scheduler: Scheduler, mut receiver: mpsc::Receiver<(ClaimedTask, Outcome)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if let Err(error) = scheduler.record_batch(&batch).await {
            // Nothing of the batch was written (or, after an ambiguous commit, all of it was
            // and the fences now refuse a second write): record each outcome on its own.
            warn!(%error, tasks = batch.len(), "recording a batch of outcomes failed; retrying one by one");
            for (task, outcome) in &batch {
                if let Err(error) = scheduler.finish(task, outcome.clone()).await {
                    warn!(task_id = task.id, %error, "could not record the task outcome; its lease will expire");
                }
            }
        }
        batch.clear();
    }
}

impl Scheduler {
    /// Records `batch` in one transaction: each outcome fenced as on its own, then each run's
    /// counters once (in run id order, so that two processes' batches never deadlock).
    async fn record_batch(&self, batch: &[(ClaimedTask, Outcome)]) -> Result<(), QueueError> {
        let now = self.now_ms();
        let mut tx = self.db().begin_write().await?;
        let mut ended: BTreeMap<i64, Terminal> = BTreeMap::new();
        for (task, outcome) in batch {
            if let Some(Some(state)) = self.record(&mut tx, task, outcome, now).await? {
                ended.entry(task.run_id).or_default().add(state, 1);
            }
        }
        for (run_id, add) in ended {
            self.count_terminal(&mut tx, run_id, add, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
