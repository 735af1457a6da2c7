//! The tick loop (docs/scheduler.md §5.2): tick every interval and at the earliest next fire, until
//! the shutdown flag rises. The step itself (`Scheduler::tick`) is what tests call.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use queue::Scheduler;
use tokio::sync::watch;
use tracing::{Instrument, info_span, warn};

/// The shortest sleep between ticks, so a fire time in the past cannot spin the loop.
const MIN_SLEEP: Duration = Duration::from_millis(50);

/// What `/health` and `/scheduler/jobs` know about this process's tick loop.
#[derive(Debug)]
pub struct SchedulerStatus {
    /// This process runs the tick loop.
    pub enabled: bool,
    /// The loop's period, ms.
    pub tick_interval_ms: i64,
    /// When this process started, epoch ms.
    pub started_at_ms: i64,
    /// The last successful tick, epoch ms (0: none yet).
    last_tick_at_ms: AtomicI64,
}

impl SchedulerStatus {
    /// The status of a process that started at `started_at_ms`.
    pub fn new(enabled: bool, tick_interval: Duration, started_at_ms: i64) -> Self {
        Self {
            enabled,
            tick_interval_ms: i64::try_from(tick_interval.as_millis()).unwrap_or(5_000),
            started_at_ms,
            last_tick_at_ms: AtomicI64::new(0),
        }
    }

    /// The last successful tick, epoch ms.
    pub fn last_tick_at_ms(&self) -> Option<i64> {
        Some(self.last_tick_at_ms.load(Ordering::Relaxed)).filter(|&ms| ms > 0)
    }

    /// Records a successful tick.
    pub fn ticked(&self, now_ms: i64) {
        self.last_tick_at_ms.store(now_ms, Ordering::Relaxed);
    }

    /// True when the loop ticked within the last three intervals.
    pub fn is_running(&self, now_ms: i64) -> bool {
        self.enabled
            && self
                .last_tick_at_ms()
                .is_some_and(|at| now_ms - at <= 3 * self.tick_interval_ms)
    }

    /// True when an enabled loop has not ticked for three intervals (counting from the start,
    /// so a process that just started is not stale yet).
    pub fn is_stale(&self, now_ms: i64) -> bool {
        let since = self.last_tick_at_ms().unwrap_or(self.started_at_ms);
        self.enabled && now_ms - since > 3 * self.tick_interval_ms
    }
}

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
