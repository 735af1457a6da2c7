//! Running one user's task of a job inline (`POST /sync/test/{user}`, docs/scheduler.md §7.2): a
//! manual run restricted to the user, whose single task the caller leases at once and executes
//! in its own tokio task, with heartbeats, under a time limit. The run is in the ledger like any
//! other; dedupe, fencing and the budget all apply. If a worker slot leased the task first, the
//! caller waits for that worker's result instead.

use std::sync::Arc;
use std::time::{Duration, Instant};

use queue::{
    ClaimedTask, Job, ManualRun, ManualRunRequest, QueueError, Scheduler, TaskContext, TaskError,
    TaskReport, TaskState,
};

/// How an inline task ended.
#[derive(Debug)]
pub enum InlineOutcome {
    /// The handler returned (here or in a worker).
    Finished {
        /// The run.
        run_id: i64,
        /// The handler's result.
        result: Result<TaskReport, TaskError>,
        /// Wall time, ms.
        duration_ms: u64,
    },
    /// The user already has a live task of this job; nothing ran and no run was recorded.
    TaskLive {
        /// The live task.
        live_task_id: Option<i64>,
    },
    /// The limit passed; the task goes back to the queue under normal retry.
    TimedOut {
        /// The run.
        run_id: i64,
    },
}

/// Creates the run and executes `user_id`'s task of `job` inline.
///
/// # Errors
/// Database errors.
pub async fn run_user_task(
    scheduler: &Scheduler,
    job: Arc<dyn Job>,
    user_id: i64,
    actor: &str,
    limit: Duration,
) -> Result<InlineOutcome, QueueError> {
    let started = Instant::now();
    let request = ManualRunRequest {
        actor: actor.to_owned(),
        idempotency_key: None,
        allow_overlap: true,
        users: Some(vec![user_id]),
        refuse_if_all_deduped: true,
    };
    let run_id = match scheduler.start_manual_run(job.id(), &request).await? {
        ManualRun::Created(id) | ManualRun::Replayed(id) => id,
        ManualRun::AllDeduped => {
            let live_task_id = scheduler.reader().live_task(user_id, job.id()).await?;
            return Ok(InlineOutcome::TaskLive { live_task_id });
        }
        ManualRun::Conflict { live_run_id } => {
            // Overlap is allowed above, so a live run never blocks this one.
            return Err(QueueError::Conflict(format!("run {live_run_id} is live")));
        }
    };
    let Some(task) = lease(scheduler, run_id).await? else {
        let run = scheduler.run(run_id).await?;
        if run.tasks_total == 0 {
            // The fan-out did not pick the user (no integration): nothing to do.
            return Ok(InlineOutcome::Finished {
                run_id,
                result: Ok(TaskReport::default()),
                duration_ms: elapsed_ms(started),
            });
        }
        return await_worker(scheduler, run_id, limit, started).await;
    };
    let result = execute(scheduler, job, &task, limit).await;
    let duration_ms = elapsed_ms(started);
    match result {
        Some(result) => {
            scheduler.complete(&task, result.clone()).await?;
            Ok(InlineOutcome::Finished {
                run_id,
                result,
                duration_ms,
            })
        }
        None => {
            let timeout = Err(TaskError::Retryable("the inline run timed out".to_owned()));
            scheduler.complete(&task, timeout).await?;
            Ok(InlineOutcome::TimedOut { run_id })
        }
    }
}

/// Leases the run's ready task for this caller, if it is still ready.
async fn lease(scheduler: &Scheduler, run_id: i64) -> Result<Option<ClaimedTask>, QueueError> {
    let owner = format!("{}/inline", scheduler.config().node_id);
    scheduler.claim_run(run_id, &owner).await
}

/// Runs the handler in its own tokio task with heartbeats; `None` on timeout or a lost lease.
async fn execute(
    scheduler: &Scheduler,
    job: Arc<dyn Job>,
    task: &ClaimedTask,
    limit: Duration,
) -> Option<Result<TaskReport, TaskError>> {
    let context = TaskContext {
        task_id: task.id,
        run_id: task.run_id,
        job_id: task.job_id.clone(),
        user_id: task.user_id,
        attempt: task.attempt,
        params: task.params.clone(),
    };
    let handler = tokio::spawn(async move { job.run_task(&context).await });
    let abort = handler.abort_handle();
    let period = Duration::from_millis(
        u64::try_from(scheduler.config().heartbeat_ms.max(1)).unwrap_or(20_000),
    );
    let mut beats = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    let deadline = tokio::time::sleep(limit);
    tokio::pin!(handler, deadline);
    loop {
        tokio::select! {
            joined = &mut handler => return Some(match joined {
                Ok(result) => result,
                Err(_) => Err(TaskError::Retryable("the handler panicked".to_owned())),
            }),
            () = &mut deadline => {
                abort.abort();
                return None;
            }
            _ = beats.tick() => {
                if !scheduler.heartbeat(task).await.unwrap_or(true) {
                    abort.abort();
                    return None;
                }
            }
        }
    }
}

/// A worker slot leased the task first: wait for its outcome.
async fn await_worker(
    scheduler: &Scheduler,
    run_id: i64,
    limit: Duration,
    started: Instant,
) -> Result<InlineOutcome, QueueError> {
    if super::wait::until_final(scheduler, run_id, limit, None)
        .await?
        .is_none()
    {
        return Ok(InlineOutcome::TimedOut { run_id });
    }
    let detail = scheduler.run_detail(run_id, true).await?;
    let result = match detail.tasks.first() {
        Some(task) if task.state == TaskState::Succeeded => Ok(task
            .result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default()),
        Some(task) => Err(TaskError::Permanent(
            task.last_error
                .clone()
                .unwrap_or_else(|| task.state.to_string()),
        )),
        None => Ok(TaskReport::default()),
    };
    Ok(InlineOutcome::Finished {
        run_id,
        result,
        duration_ms: elapsed_ms(started),
    })
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
