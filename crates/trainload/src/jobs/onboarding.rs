//! Onboarding a new athlete through the durable queue: a manual `daily_sync` run restricted to
//! the athlete, started with the actor [`ACTOR`]. Its task runs the onboarding backfill
//! ([`crate::sync::onboard`]) instead of a daily sync, with the queue's lease, retries and run
//! ledger, so a restart in the middle loses nothing and the admin page shows it.

use queue::{ManualRun, ManualRunRequest, QueueError, Reader, Scheduler};

use crate::store::Store;
use crate::store::users::UserId;

/// The actor of onboarding runs.
pub const ACTOR: &str = "onboarding";
/// The job whose task does the onboarding.
pub const JOB: &str = "daily_sync";
/// Days of history an onboarding imports.
pub const DAYS: u32 = 90;

/// Queues the onboarding of `user` and returns the run id.
///
/// # Errors
/// Database errors; [`QueueError::JobNotFound`] when the process has no `daily_sync` job.
pub async fn start(scheduler: &Scheduler, user: UserId) -> Result<i64, QueueError> {
    let request = ManualRunRequest {
        actor: ACTOR.to_owned(),
        idempotency_key: None,
        allow_overlap: true,
        users: Some(vec![user.0]),
        refuse_if_all_deduped: false,
    };
    match scheduler.start_manual_run(JOB, &request).await? {
        ManualRun::Created(id) | ManualRun::Replayed(id) => Ok(id),
        // Neither happens with overlap allowed and empty runs accepted.
        other => Err(QueueError::Conflict(format!(
            "the onboarding run was not created: {other:?}"
        ))),
    }
}

/// Whether run `run_id` is an onboarding.
///
/// # Errors
/// Database errors.
pub(super) async fn is_onboarding(store: &Store, run_id: i64) -> Result<bool, QueueError> {
    let actor = Reader::new(store.queue_db()).run_actor(run_id).await?;
    Ok(actor.as_deref() == Some(ACTOR))
}
