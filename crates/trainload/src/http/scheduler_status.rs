//! What `/health` and `/scheduler/jobs` report about this process's tick loop. The loop (in
//! `startup`) records each tick here; the handlers only read it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

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
