//! A per-process pace of at most `max_rps` requests per second with a burst of `max_rps`
//! (generic cell rate algorithm). It waits at most a fraction of a second per request; the
//! shared budget row, not this, is what refuses calls.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// The pace of one client.
#[derive(Debug)]
pub struct Pacer {
    interval: Option<Duration>,
    tolerance: Duration,
    /// The theoretical arrival time of the next request.
    next: Mutex<Instant>,
}

impl Pacer {
    /// A pace of `max_rps` per second; 0 means unpaced.
    pub fn new(max_rps: u32) -> Self {
        let interval = (max_rps > 0).then(|| Duration::from_secs(1) / max_rps);
        let tolerance = interval.map_or(Duration::ZERO, |interval| {
            interval * max_rps.saturating_sub(1)
        });
        Self {
            interval,
            tolerance,
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this request's slot.
    pub async fn acquire(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let start = {
            // A panic while holding this lock cannot leave the instant invalid.
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let arrival = (*next).max(now);
            *next = arrival + interval;
            arrival.checked_sub(self.tolerance).unwrap_or(now).max(now)
        };
        tokio::time::sleep_until(start).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_passes_at_once_and_the_next_request_waits_one_interval() {
        let pacer = Pacer::new(5);
        let begin = Instant::now();
        for _ in 0..5 {
            pacer.acquire().await;
        }
        assert_eq!(Instant::now(), begin);
        pacer.acquire().await;
        assert_eq!(Instant::now() - begin, Duration::from_millis(200));
    }

    #[tokio::test(start_paused = true)]
    async fn an_unpaced_client_never_waits() {
        let pacer = Pacer::new(0);
        let begin = Instant::now();
        for _ in 0..100 {
            pacer.acquire().await;
        }
        assert_eq!(Instant::now(), begin);
    }
}
