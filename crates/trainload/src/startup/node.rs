//! This process's row in `scheduler_node` (docs/scheduler.md §9): registered at start, refreshed by
//! every tick, stamped `stopped_at_ms` at a graceful stop. The CLI reads it to learn whether a
//! live process holds the worker role.

use queue::{Db, QueueError, with_db};

const REGISTER: &str = "INSERT INTO scheduler_node (node_id, host, pid, build, mode, started_at_ms, last_seen_at_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING";
const SEEN: &str = "UPDATE scheduler_node SET last_seen_at_ms = $2 WHERE node_id = $1";
const STOPPED: &str =
    "UPDATE scheduler_node SET stopped_at_ms = $2, last_seen_at_ms = $2 WHERE node_id = $1";
const LIVE_WORKERS: &str = "SELECT COUNT(*) FROM scheduler_node WHERE stopped_at_ms IS NULL \
     AND last_seen_at_ms >= $1 AND mode IN ('serve', 'worker')";

/// A node is live when it was seen within this long (three default tick intervals).
pub const NODE_LIVENESS_MS: i64 = 15_000;

/// The role a process plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// HTTP, tick and workers.
    Serve,
    /// Tick and workers.
    Worker,
    /// No worker slots (HTTP and/or tick only).
    NoWorkers,
}

impl Mode {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Serve => "serve",
            Self::Worker => "worker",
            Self::NoWorkers => "no_workers",
        }
    }
}

/// A fresh node id: host, pid and a random suffix.
pub fn new_node_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    let mut suffix = [0u8; 4];
    let _ = getrandom::fill(&mut suffix);
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    format!("{host}-{}-{suffix}", std::process::id())
}

/// Records this process as a node.
///
/// # Errors
/// Database errors.
pub async fn register(db: &Db, node_id: &str, mode: Mode, now_ms: i64) -> Result<(), QueueError> {
    let host = node_id.rsplitn(3, '-').nth(2).unwrap_or(node_id).to_owned();
    let pid = i64::from(std::process::id());
    with_db!(db, pool => sqlx::query(REGISTER).bind(node_id).bind(host).bind(pid)
        .bind(env!("CARGO_PKG_VERSION")).bind(mode.as_str()).bind(now_ms).execute(pool).await?.rows_affected());
    Ok(())
}

/// Marks the node as seen now.
///
/// # Errors
/// Database errors.
pub async fn seen(db: &Db, node_id: &str, now_ms: i64) -> Result<(), QueueError> {
    with_db!(db, pool => sqlx::query(SEEN).bind(node_id).bind(now_ms).execute(pool).await?.rows_affected());
    Ok(())
}

/// Marks the node as stopped.
///
/// # Errors
/// Database errors.
pub async fn stopped(db: &Db, node_id: &str, now_ms: i64) -> Result<(), QueueError> {
    with_db!(db, pool => sqlx::query(STOPPED).bind(node_id).bind(now_ms).execute(pool).await?.rows_affected());
    Ok(())
}

/// True when some process with worker slots was seen recently and has not stopped.
///
/// # Errors
/// Database errors.
pub async fn live_worker_exists(db: &Db, now_ms: i64) -> Result<bool, QueueError> {
    let (count,): (i64,) = with_db!(db, pool => sqlx::query_as(LIVE_WORKERS)
        .bind(now_ms - NODE_LIVENESS_MS).fetch_one(pool).await?);
    Ok(count > 0)
}
