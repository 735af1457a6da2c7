//! The tick loop (docs/scheduler.md §5.2): tick every interval and at the earliest next fire, until
//! the shutdown flag rises. The step itself (`Scheduler::tick`) is what tests call.

use std::sync::Arc;
use std::time::Duration;

use queue::Scheduler;
use tokio::sync::watch;
use tracing::{Instrument, info_span, warn};

use crate::http::SchedulerStatus;

/// The shortest sleep between ticks, so a fire time in the past cannot spin the loop.
const MIN_SLEEP: Duration = Duration::from_millis(50);

/// Ticks until `shutdown` turns true, refreshing this node's row each time.
pub async fn tick_loop(
    scheduler: Scheduler,
    status: Arc<SchedulerStatus>,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let node_id = scheduler.config().node_id.clone();
    while !*shutdown.borrow() {
        let span = info_span!("scheduler.tick", node = %node_id);
        match scheduler.tick().instrument(span).await {
            Ok(_) => status.ticked(scheduler.now_ms()),
            Err(error) => warn!(%error, "tick failed; retrying at the next interval"),
        }
        if let Err(error) = scheduler.node_seen().await {
            warn!(%error, "could not refresh this node's row");
        }
        let wait = until_next_fire(&scheduler)
            .await
            .map_or(interval, |until| until.clamp(MIN_SLEEP, interval));
        let _ = tokio::time::timeout(wait, shutdown.changed()).await;
    }
}

/// Time until the earliest stored next fire, if any.
async fn until_next_fire(scheduler: &Scheduler) -> Option<Duration> {
    let jobs = scheduler.jobs().await.ok()?;
    let stale = scheduler.stale_jobs();
    let earliest = jobs
        .iter()
        .filter(|job| !stale.contains(&job.job_id))
        .map(|job| job.next_fire_at_ms)
        .min()?;
    let ms = u64::try_from(earliest - scheduler.now_ms()).unwrap_or(0);
    Some(Duration::from_millis(ms))
}
