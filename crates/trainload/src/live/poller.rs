//! The one poller per process: new events to the hub every second, old events pruned hourly.

use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;
use tracing::warn;

use super::{Cursor, LiveHub};
use crate::store::{self, Store, events};

/// How often the events table is read.
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// How often old events are deleted.
const PRUNE_INTERVAL: Duration = Duration::from_secs(3600);
/// How long events are kept: long enough for a browser that was offline to resume.
const RETENTION_MS: i64 = 7 * 24 * 3600 * 1000;

/// Publishes every new event of the store to `hub` until `shutdown` turns true; deletes events
/// older than a week once at start and then hourly (any process may: the delete is idempotent).
pub async fn poll_until_stopped(store: Store, hub: LiveHub, mut shutdown: watch::Receiver<bool>) {
    let mut cursor = Cursor::new(hub.started_after());
    let mut next_prune = Instant::now();
    while !*shutdown.borrow() {
        match cursor.next(&store).await {
            Ok(fresh) => fresh.into_iter().for_each(|event| hub.publish(event)),
            Err(error) => warn!(%error, "reading new events failed; retrying"),
        }
        if Instant::now() >= next_prune {
            next_prune = Instant::now() + PRUNE_INTERVAL;
            let before_ms = store::now_ms() - RETENTION_MS;
            if let Err(error) = events::delete_before(&store, before_ms).await {
                warn!(%error, "pruning old events failed");
            }
        }
        let _ = tokio::time::timeout(POLL_INTERVAL, shutdown.changed()).await;
    }
}
