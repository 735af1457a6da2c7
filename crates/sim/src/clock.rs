//! The simulator's clock: fixed and moved by tests, or real time optionally sped up. Token expiry,
//! rate-limit windows, activity visibility and wellness records all read it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A shareable clock; clones see the same time.
#[derive(Debug, Clone)]
pub struct SimClock {
    inner: Arc<Mutex<ClockState>>,
}

#[derive(Debug)]
struct ClockState {
    /// Simulated epoch ms at `anchor`.
    base_ms: i64,
    /// `None`: fixed; `Some`: real time from this instant.
    anchor: Option<Instant>,
    /// Simulated seconds per real second.
    speed: f64,
}

/// 2026-06-15T12:00:00Z, the default start: the 120-day history then spans the March/April
/// daylight-time changes of both hemispheres.
pub const DEFAULT_START_MS: i64 = 1_781_524_800_000;

impl SimClock {
    /// A clock that stands still at `epoch_ms` until set or advanced.
    pub fn fixed(epoch_ms: i64) -> Self {
        Self {
            inner: Arc::new(Mutex::new(ClockState {
                base_ms: epoch_ms,
                anchor: None,
                speed: 1.0,
            })),
        }
    }

    /// A clock starting at `epoch_ms` and running at `speed` simulated seconds per real second.
    pub fn running(epoch_ms: i64, speed: f64) -> Self {
        Self {
            inner: Arc::new(Mutex::new(ClockState {
                base_ms: epoch_ms,
                anchor: Some(Instant::now()),
                speed,
            })),
        }
    }

    /// Real wall-clock time, sped up by `speed`.
    pub fn real(speed: f64) -> Self {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(DEFAULT_START_MS, |d| {
                i64::try_from(d.as_millis()).unwrap_or(DEFAULT_START_MS)
            });
        Self::running(now_ms, speed)
    }

    fn with<T>(&self, f: impl FnOnce(&mut ClockState) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Current simulated time in epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.with(|s| match s.anchor {
            None => s.base_ms,
            Some(anchor) => s.base_ms + (anchor.elapsed().as_secs_f64() * 1000.0 * s.speed) as i64,
        })
    }

    /// Current simulated time in epoch seconds.
    pub fn now_s(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Jumps to `epoch_ms` (a running clock keeps running from there).
    pub fn set_ms(&self, epoch_ms: i64) {
        self.with(|s| {
            s.base_ms = epoch_ms;
            if s.anchor.is_some() {
                s.anchor = Some(Instant::now());
            }
        });
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let now = self.now_ms();
        self.set_ms(now + i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 4));
    }
}

impl Default for SimClock {
    fn default() -> Self {
        Self::fixed(DEFAULT_START_MS)
    }
}
