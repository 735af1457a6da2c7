//! Claiming and executing tasks (docs/scheduler.md §6.1–§6.3, §6.8): one statement claims a batch,
//! each task runs in its own tokio task under a timeout, a heartbeat renews its lease, and a
//! lost lease stops it.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{Semaphore, watch};
use tracing::{Instrument, info_span, warn};

use super::Scheduler;
use super::completions::Completions;
use super::finish::Outcome;
use crate::job::{Job, TaskContext};
use crate::{QueueError, with_tx};

/// Tasks claimed ahead per slot while tasks are quick: the claim round trip then serves several
/// tasks per slot, as the batched fetch of other PostgreSQL queues does.
pub const AHEAD_PER_SLOT: usize = 4;

/// Handlers shorter than this on average count as quick.
const QUICK: Duration = Duration::from_millis(100);

/// How long handlers take lately: an exponentially weighted mean (weight 1/8) of their
/// durations, so that claiming ahead follows the work rather than a setting. Until the first
/// handler ends it says "not quick".
#[derive(Debug)]
struct Pace {
    mean_us: AtomicU64,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            mean_us: AtomicU64::new(u64::MAX),
        }
    }
}

impl Pace {
    fn record(&self, took: Duration) {
        let took = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        // Racing updates may drop a sample; the mean is a hint, not an account.
        let mean = self.mean_us.load(Ordering::Relaxed);
        let next = if mean == u64::MAX {
            took
        } else {
            mean - mean / 8 + took / 8
        };
        self.mean_us.store(next, Ordering::Relaxed);
    }

    fn is_quick(&self) -> bool {
        self.mean_us.load(Ordering::Relaxed) < u64::try_from(QUICK.as_micros()).unwrap_or(0)
    }
}

/// A task this process holds a lease on.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedTask {
    /// Task id.
    pub id: i64,
    /// Its run.
    pub run_id: i64,
    /// Its job.
    pub job_id: String,
    /// Its user.
    pub user_id: i64,
    /// Parameters.
    pub params: Value,
    /// This attempt's number (1-based).
    pub attempt: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
    /// The fence of this lease.
    pub fence: i64,
}

/// A claimed row as the database returns it (`params` still JSON text).
#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: i64,
    run_id: i64,
    job_id: String,
    user_id: i64,
    params: String,
    attempt: i32,
    max_attempts: i32,
    fence: i64,
}

impl ClaimRow {
    fn into_task(self) -> ClaimedTask {
        ClaimedTask {
            id: self.id,
            run_id: self.run_id,
            job_id: self.job_id,
            user_id: self.user_id,
            params: serde_json::from_str(&self.params).unwrap_or(Value::Null),
            attempt: self.attempt,
            max_attempts: self.max_attempts,
            fence: self.fence,
        }
    }
}

const CLAIM: &str = "UPDATE task SET state = 'leased', lease_owner = $1, lease_expires_at_ms = $2, fence = fence + 1, \
     attempt = attempt + 1, started_at_ms = $3, first_started_at_ms = COALESCE(first_started_at_ms, $3) \
     WHERE id IN (SELECT t.id FROM task t WHERE t.state = 'ready' AND t.not_before_ms <= $3 \
       AND NOT EXISTS (SELECT 1 FROM task l WHERE l.user_id = t.user_id AND l.state = 'leased') \
       AND t.id = (SELECT MIN(r.id) FROM task r WHERE r.user_id = t.user_id AND r.state = 'ready' \
                   AND r.not_before_ms <= $3) \
       ORDER BY t.not_before_ms, t.fair_seq, t.id LIMIT $4 {LOCK}) \
     RETURNING id, run_id, job_id, user_id, params, attempt, max_attempts, fence";

/// Leases the ready task of one run (a caller that runs a task inline).
const CLAIM_RUN: &str = "UPDATE task SET state = 'leased', lease_owner = $2, lease_expires_at_ms = $3, \
     fence = fence + 1, attempt = attempt + 1, started_at_ms = $4, \
     first_started_at_ms = COALESCE(first_started_at_ms, $4) \
     WHERE id = (SELECT MIN(id) FROM task WHERE run_id = $1 AND state = 'ready') \
     RETURNING id, run_id, job_id, user_id, params, attempt, max_attempts, fence";

const START_RUNS: &str = "UPDATE job_run SET state = 'running', started_at_ms = COALESCE(started_at_ms, $2) \
     WHERE id = $1 AND state = 'pending'";

impl Scheduler {
    /// Leases up to `limit` ready tasks for `owner`, at most one per user.
    ///
    /// # Errors
    /// A database error; nothing is claimed then.
    pub async fn claim(&self, owner: &str, limit: usize) -> Result<Vec<ClaimedTask>, QueueError> {
        let now = self.now_ms();
        let mut tx = self.db().begin_write().await?;
        let sql = CLAIM.replace("{LOCK}", tx.for_update_skip_locked());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<ClaimRow> = with_tx!(&mut tx, conn => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(owner).bind(now + self.config().lease_ms).bind(now).bind(limit)
                .fetch_all(conn).await?
        });
        for run_id in rows
            .iter()
            .map(|r| r.run_id)
            .collect::<std::collections::BTreeSet<_>>()
        {
            with_tx!(&mut tx, conn => sqlx::query(START_RUNS).bind(run_id).bind(now).execute(conn).await?.rows_affected());
        }
        tx.commit().await?;
        Ok(rows.into_iter().map(ClaimRow::into_task).collect())
    }

    /// Leases the first ready task of `run_id` for `owner`, whatever its `not_before` (a caller
    /// that executes a manual run's task inline, docs/scheduler.md §7.2). `None` when the run has
    /// no ready task (a worker took it, or it was deduped).
    ///
    /// # Errors
    /// A database error; nothing is claimed then.
    pub async fn claim_run(
        &self,
        run_id: i64,
        owner: &str,
    ) -> Result<Option<ClaimedTask>, QueueError> {
        let now = self.now_ms();
        let mut tx = self.db().begin_write().await?;
        let row: Option<ClaimRow> = with_tx!(&mut tx, conn => {
            sqlx::query_as(CLAIM_RUN).bind(run_id).bind(owner).bind(now + self.config().lease_ms).bind(now)
                .fetch_optional(conn).await?
        });
        if row.is_some() {
            with_tx!(&mut tx, conn => sqlx::query(START_RUNS).bind(run_id).bind(now).execute(conn).await?.rows_affected());
        }
        tx.commit().await?;
        Ok(row.map(ClaimRow::into_task))
    }

    /// Claims and runs up to `limit` tasks to completion; returns how many ran.
    ///
    /// # Errors
    /// A database error while claiming.
    pub async fn run_ready(&self, owner: &str, limit: usize) -> Result<usize, QueueError> {
        let claimed = self.claim(owner, limit).await?;
        let count = claimed.len();
        let runs: Vec<_> = claimed
            .into_iter()
            .map(|task| {
                let scheduler = self.clone();
                tokio::spawn(async move { scheduler.execute(task, None).await })
            })
            .collect();
        for run in runs {
            if let Err(error) = run.await {
                warn!(%error, "task executor stopped unexpectedly");
            }
        }
        Ok(count)
    }

    /// Runs every task that is ready now, repeatedly, until none is left (tests and
    /// `jobs run --wait` without a live worker).
    ///
    /// # Errors
    /// A database error while claiming.
    pub async fn drain(&self, owner: &str, slots: usize) -> Result<usize, QueueError> {
        let mut total = 0;
        loop {
            let ran = self.run_ready(owner, slots).await?;
            if ran == 0 {
                return Ok(total);
            }
            total += ran;
        }
    }

    /// Runs up to `slots` tasks at a time until `shutdown` turns true; then in-flight tasks get
    /// the grace period, their outcomes are recorded, and the rest are released.
    ///
    /// One dispatcher claims tasks for the free slots in one statement, and one writer records
    /// the outcomes in batches (see `completions`), so a process spends a transaction per batch
    /// of tasks rather than two per task. While tasks are quick (a running mean under 100 ms) the dispatcher
    /// also claims ahead, up to `AHEAD_PER_SLOT` tasks a slot, so that a slot that frees up
    /// starts the next task without a round trip; a task that waited longer than a quarter of
    /// its lease is handed back unstarted instead of running on a lease about to run out.
    pub async fn run_workers(
        &self,
        slots: usize,
        mut shutdown: watch::Receiver<bool>,
        grace: Duration,
    ) {
        let slots = slots.max(1);
        let owner = format!("{}/workers", self.config().node_id);
        let free = Arc::new(Semaphore::new(slots));
        let pace = Arc::new(Pace::default());
        let stale_after =
            Duration::from_millis(u64::try_from(self.config().lease_ms / 4).unwrap_or(0));
        let mut ahead: VecDeque<(ClaimedTask, Instant)> = VecDeque::new();
        let (completions, writer) = Completions::start(self.clone());
        let idle_poll = Duration::from_millis(self.config().idle_poll_ms);
        let mut wakeups = self.wakeups().await;
        while !*shutdown.borrow() {
            let first = tokio::select! {
                permit = Arc::clone(&free).acquire_owned() => permit,
                _ = shutdown.wait_for(|stop| *stop) => break,
            };
            let Ok(first) = first else { break };
            let mut held = vec![first];
            while held.len() < slots {
                match Arc::clone(&free).try_acquire_owned() {
                    Ok(permit) => held.push(permit),
                    Err(_) => break,
                }
            }
            while ahead
                .front()
                .is_some_and(|(_, at)| at.elapsed() > stale_after)
            {
                if let Some((task, _)) = ahead.pop_front() {
                    completions.submit(task, Outcome::Unstarted).await;
                }
            }
            if ahead.is_empty() {
                let extra = if pace.is_quick() {
                    slots * AHEAD_PER_SLOT
                } else {
                    0
                };
                // A wake-up announced from here on is one this claim may not see.
                wakeups.ready.borrow_and_update();
                let pause = match self.claim(&owner, held.len() + extra).await {
                    Ok(tasks) if !tasks.is_empty() => {
                        let now = Instant::now();
                        ahead.extend(tasks.into_iter().map(|task| (task, now)));
                        None
                    }
                    Ok(_) => Some((idle_poll, true)),
                    Err(error) => {
                        warn!(%error, "claim failed; backing off");
                        Some((Duration::from_secs(5), false))
                    }
                };
                if let Some((pause, wakeable)) = pause {
                    drop(held);
                    tokio::select! {
                        _ = tokio::time::sleep(pause) => {}
                        _ = shutdown.changed() => {}
                        Ok(()) = wakeups.ready.changed(), if wakeable => {}
                    }
                    continue;
                }
            }
            for permit in held {
                let Some((task, _)) = ahead.pop_front() else {
                    break;
                };
                let scheduler = self.clone();
                let completions = completions.clone();
                let stop = shutdown.clone();
                let pace = Arc::clone(&pace);
                tokio::spawn(async move {
                    let started = Instant::now();
                    if let Some(outcome) = scheduler.run_attempt(&task, Some((stop, grace))).await {
                        pace.record(started.elapsed());
                        completions.submit(task, outcome).await;
                    }
                    drop(permit);
                });
            }
        }
        for (task, _) in ahead.drain(..) {
            completions.submit(task, Outcome::Unstarted).await;
        }
        // Every slot back means every attempt has handed its outcome over.
        let all = u32::try_from(slots).unwrap_or(u32::MAX);
        let _ = free.acquire_many(all).await;
        drop(completions);
        if let Err(error) = writer.await {
            warn!(%error, "the outcome writer stopped unexpectedly");
        }
    }

    /// Executes one claimed task and records its outcome with a fenced write.
    pub(crate) async fn execute(
        &self,
        task: ClaimedTask,
        shutdown: Option<(watch::Receiver<bool>, Duration)>,
    ) {
        if let Some(outcome) = self.run_attempt(&task, shutdown).await
            && let Err(error) = self.finish(&task, outcome).await
        {
            warn!(task_id = task.id, %error, "could not record the task outcome; its lease will expire");
        }
    }

    /// Runs one claimed task's handler in its own tokio task (panics are caught), under the
    /// job's timeout, with a heartbeat. `None` when the lease was lost (nothing may be written).
    async fn run_attempt(
        &self,
        task: &ClaimedTask,
        shutdown: Option<(watch::Receiver<bool>, Duration)>,
    ) -> Option<Outcome> {
        let Some(job) = self.job(&task.job_id).cloned() else {
            return Some(Outcome::Failed(crate::TaskError::Permanent(format!(
                "job {} is not defined",
                task.job_id
            ))));
        };
        let span = info_span!("scheduler.task", job = %task.job_id, run_id = task.run_id, task_id = task.id,
            user_id = task.user_id, attempt = task.attempt, fence = task.fence);
        self.attempt(job, task, shutdown).instrument(span).await
    }

    /// Runs the handler; `None` when the lease was lost (nothing may be written).
    async fn attempt(
        &self,
        job: Arc<dyn Job>,
        task: &ClaimedTask,
        shutdown: Option<(watch::Receiver<bool>, Duration)>,
    ) -> Option<Outcome> {
        let context = TaskContext {
            task_id: task.id,
            run_id: task.run_id,
            job_id: task.job_id.clone(),
            user_id: task.user_id,
            attempt: task.attempt,
            params: task.params.clone(),
        };
        let timeout =
            Duration::from_millis(u64::try_from(job.policy().timeout_ms).unwrap_or(600_000));
        let handler = tokio::spawn(async move { job.run_task(&context).await });
        let abort = handler.abort_handle();
        let heartbeat = Duration::from_millis(
            u64::try_from(self.config().heartbeat_ms)
                .unwrap_or(20_000)
                .max(1),
        );
        let mut beats =
            tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(handler, deadline);
        let (mut stop, grace) = match shutdown {
            Some((stop, grace)) => (Some(stop), grace),
            None => (None, Duration::ZERO),
        };
        loop {
            tokio::select! {
                joined = &mut handler => return Some(outcome_of(joined)),
                () = &mut deadline => {
                    abort.abort();
                    return Some(Outcome::TimedOut);
                }
                _ = beats.tick() => {
                    if !self.heartbeat(task).await.unwrap_or(true) {
                        abort.abort();
                        warn!(task_id = task.id, "lease lost: handler cancelled");
                        return None;
                    }
                }
                Ok(()) = async { match stop.as_mut() { Some(s) => s.wait_for(|v| *v).await.map(|_| ()), None => std::future::pending().await } } => {
                    return Some(match tokio::time::timeout(grace, &mut handler).await {
                        Ok(joined) => outcome_of(joined),
                        Err(_) => {
                            abort.abort();
                            Outcome::Interrupted
                        }
                    });
                }
            }
        }
    }
}

/// The outcome of a joined handler task.
fn outcome_of(
    joined: Result<Result<crate::TaskReport, crate::TaskError>, tokio::task::JoinError>,
) -> Outcome {
    match joined {
        Ok(Ok(report)) => Outcome::Succeeded(report),
        Ok(Err(error)) => Outcome::Failed(error),
        Err(error) if error.is_panic() => Outcome::Panicked("the handler panicked".to_owned()),
        Err(_) => Outcome::Interrupted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claiming_ahead_follows_the_pace_of_the_handlers() {
        let pace = Pace::default();
        assert!(
            !pace.is_quick(),
            "nothing is known before the first handler ends"
        );
        pace.record(Duration::from_millis(2));
        assert!(pace.is_quick());
        for _ in 0..30 {
            pace.record(Duration::from_secs(3));
        }
        assert!(!pace.is_quick(), "slow handlers stop the claiming ahead");
        for _ in 0..60 {
            pace.record(Duration::from_millis(1));
        }
        assert!(pace.is_quick());
    }
}
