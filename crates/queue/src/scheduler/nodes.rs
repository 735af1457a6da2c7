//! This process's row in `scheduler_node` (docs/scheduler.md §9): registered at start, refreshed
//! by every tick, stamped `stopped_at_ms` at a graceful stop. Short-lived callers read it to learn
//! whether a live process holds the worker role.

use super::Scheduler;
use crate::{NodeMode, QueueError, with_db};

const REGISTER: &str = "INSERT INTO scheduler_node (node_id, host, pid, build, mode, started_at_ms, last_seen_at_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING";
const SEEN: &str = "UPDATE scheduler_node SET last_seen_at_ms = $2 WHERE node_id = $1";
const STOPPED: &str =
    "UPDATE scheduler_node SET stopped_at_ms = $2, last_seen_at_ms = $2 WHERE node_id = $1";
const LIVE_WORKERS: &str = "SELECT COUNT(*) FROM scheduler_node WHERE stopped_at_ms IS NULL \
     AND last_seen_at_ms >= $1 AND mode IN ($2, $3)";

/// A node is live when it was seen within this long (three default tick intervals).
const NODE_LIVENESS_MS: i64 = 15_000;

impl Scheduler {
    /// Records this process (the configured node id) as a node on `host`, running `build`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn register_node(
        &self,
        host: &str,
        mode: NodeMode,
        build: &str,
    ) -> Result<(), QueueError> {
        let pid = i64::from(std::process::id());
        with_db!(self.db(), pool => sqlx::query(REGISTER).bind(&self.config().node_id).bind(host).bind(pid)
            .bind(build).bind(mode.as_str()).bind(self.now_ms()).execute(pool).await?.rows_affected());
        Ok(())
    }

    /// Marks this node as seen now.
    ///
    /// # Errors
    /// Database errors.
    pub async fn node_seen(&self) -> Result<(), QueueError> {
        self.stamp_node(SEEN).await
    }

    /// Marks this node as stopped.
    ///
    /// # Errors
    /// Database errors.
    pub async fn node_stopped(&self) -> Result<(), QueueError> {
        self.stamp_node(STOPPED).await
    }

    async fn stamp_node(&self, sql: &'static str) -> Result<(), QueueError> {
        with_db!(self.db(), pool => sqlx::query(sql).bind(&self.config().node_id).bind(self.now_ms())
            .execute(pool).await?.rows_affected());
        Ok(())
    }

    /// True when some process with worker slots was seen recently and has not stopped.
    ///
    /// # Errors
    /// Database errors.
    pub async fn live_worker_exists(&self) -> Result<bool, QueueError> {
        let count: i64 = with_db!(self.db(), pool => sqlx::query_scalar(LIVE_WORKERS)
            .bind(self.now_ms() - NODE_LIVENESS_MS).bind(NodeMode::Serve.as_str())
            .bind(NodeMode::Worker.as_str()).fetch_one(pool).await?);
        Ok(count > 0)
    }
}
