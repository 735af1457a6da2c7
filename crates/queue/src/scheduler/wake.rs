//! Waking idle dispatchers when tasks become ready, so that a new task starts within
//! milliseconds instead of at the dispatcher's next poll (docs/scheduler.md §6.1).
//!
//! A dispatcher that found nothing to claim waits for a wake-up or its poll interval, whichever
//! comes first; the poll stays as the fallback for what is not announced (retries coming due,
//! expired leases) and for a lost wake-up.
//!
//! - **PostgreSQL:** the transaction that adds ready tasks runs `pg_notify` on [`CHANNEL`];
//!   PostgreSQL delivers it at commit, to every process listening, this one included, and drops
//!   it on rollback. Each dispatcher listens on its own connection.
//! - **SQLite:** one process schedules, so the wake-up is a counter in memory, bumped inside
//!   the adding transaction. A woken dispatcher's claim is itself a write, and SQLite serialises
//!   writers, so the claim runs after that transaction ends and sees its tasks.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::warn;

use super::Scheduler;
use crate::QueueError;
use crate::db::{Db, Tx};

/// The notification channel of "ready tasks were added".
pub const CHANNEL: &str = "queue_task_ready";

/// This process's wake-up counter: every dispatcher holds a receiver and waits for a change.
pub(super) type Signal = Arc<watch::Sender<u64>>;

/// A new counter.
pub(super) fn signal() -> Signal {
    Arc::new(watch::channel(0).0)
}

fn bump(signal: &Signal) {
    signal.send_modify(|n| *n = n.wrapping_add(1));
}

/// What one dispatcher waits on; dropping it stops its listener.
pub(super) struct Wakeups {
    pub(super) ready: watch::Receiver<u64>,
    listener: Option<JoinHandle<()>>,
}

impl Drop for Wakeups {
    fn drop(&mut self) {
        if let Some(listener) = self.listener.take() {
            listener.abort();
        }
    }
}

impl Scheduler {
    /// Announces, inside `tx`, that it adds ready tasks (see the module documentation).
    pub(super) async fn announce_ready(&self, tx: &mut Tx) -> Result<(), QueueError> {
        match tx {
            Tx::Postgres(tx) => {
                sqlx::query("SELECT pg_notify($1, '')")
                    .bind(CHANNEL)
                    .execute(&mut **tx)
                    .await?;
            }
            Tx::Sqlite(_) => bump(&self.inner.ready),
        }
        Ok(())
    }

    /// The wake-ups of one dispatcher; on PostgreSQL this starts its listener (without one,
    /// for example when no connection is free, the dispatcher only polls, and says so).
    pub(super) async fn wakeups(&self) -> Wakeups {
        let ready = self.inner.ready.subscribe();
        let listener = match self.db() {
            Db::Postgres(pool) => match listen(pool).await {
                Ok(listener) => Some(tokio::spawn(forward(
                    listener,
                    Arc::clone(&self.inner.ready),
                ))),
                Err(error) => {
                    warn!(%error, "cannot listen for ready tasks; polling only");
                    None
                }
            },
            Db::Sqlite(_) => None,
        };
        Wakeups { ready, listener }
    }
}

async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Turns each notification into a wake-up. The listener reconnects by itself after a lost
/// connection; what was sent meanwhile is lost, so a failure wakes the dispatchers too (a claim
/// finds out) before the next attempt.
async fn forward(mut listener: PgListener, ready: Signal) {
    loop {
        match listener.recv().await {
            Ok(_) => bump(&ready),
            Err(error) => {
                warn!(%error, "the ready-task listener failed; retrying");
                bump(&ready);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
