//! Waiting for a run to become final (`?wait=true`, `jobs run --wait`): the run row is polled,
//! because the tasks may execute in any process sharing the database.

use std::time::Duration;

use queue::{QueueError, RunRow, Scheduler};
use tokio::sync::watch;

/// How often the run row is read while waiting.
const POLL: Duration = Duration::from_millis(100);

/// The run once it is final, or `None` when `timeout` passes (or `stop` rises) first.
///
/// # Errors
/// [`QueueError::RunNotFound`]; database errors.
pub async fn until_final(
    scheduler: &Scheduler,
    run_id: i64,
    timeout: Duration,
    mut stop: Option<watch::Receiver<bool>>,
) -> Result<Option<RunRow>, QueueError> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let run = scheduler.run(run_id).await?;
        if run.finished_at_ms.is_some() {
            return Ok(Some(run));
        }
        let now = tokio::time::Instant::now();
        if now >= deadline || stop.as_ref().is_some_and(|s| *s.borrow()) {
            return Ok(None);
        }
        let pause = POLL.min(deadline - now);
        match stop.as_mut() {
            Some(receiver) => {
                let _ = tokio::time::timeout(pause, receiver.changed()).await;
            }
            None => tokio::time::sleep(pause).await,
        }
    }
}
