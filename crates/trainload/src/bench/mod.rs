//! `trainload bench`: end-to-end benchmarks of onboarding, a quick-sync run, the scheduler's
//! overhead, API latency under load and the dashboard pages' server time with
//! years of data. Each scenario runs the real store and application;
//! the sync scenarios also the simulator without rate limits (a child process unless
//! `--in-process-sim`), the real provider clients and the real scheduler. Each prints one JSON
//! line of results.

pub mod api;
pub mod athlete_api;
pub mod db;
pub mod freshness;
pub mod history;
pub mod http_get;
pub mod onboard;
pub mod pages;
pub mod proc_stats;
pub mod quick_sync;
pub mod scheduler;
pub mod serving;
pub mod wake;
pub mod world;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work(i)` for every `i` in `0..count` with at most `concurrency` in flight; returns
/// the results in index order.
///
/// # Errors
/// The first failed item (the others still finish).
pub async fn for_each_concurrent<T, F, Fut>(
    count: usize,
    concurrency: usize,
    work: F,
) -> anyhow::Result<Vec<T>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<T>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let work = Arc::new(work);
    let mut lanes = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (next, work) = (next.clone(), work.clone());
        lanes.push(tokio::spawn(async move {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return done;
                }
                done.push((i, work(i).await));
            }
        }));
    }
    let mut all = Vec::with_capacity(count);
    for lane in lanes {
        all.extend(lane.await?);
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Prints one scenario's results as a single JSON line.
pub fn print_result(value: &serde_json::Value) {
    println!("{value}");
}

/// Per-second rate of `count` over `seconds` (0 when no time passed).
pub fn per_second(count: f64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        round2(count / seconds)
    } else {
        0.0
    }
}

/// Adds `more`'s fields to the JSON object `line` (both objects).
pub fn extend(line: &mut serde_json::Value, more: serde_json::Value) {
    if let (Some(line), serde_json::Value::Object(more)) = (line.as_object_mut(), more) {
        line.extend(more);
    }
}

/// Rounds to two decimals, for readable JSON.
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
