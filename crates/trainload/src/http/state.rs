//! The one application state every handler shares (STYLE.md §2). Cheap to clone: all `Arc`s.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use queue::{Job, Scheduler};

use crate::live::LiveHub;
use crate::shutdown::Shutdown;
use crate::startup::admin_token::AdminToken;
use crate::startup::background::SchedulerStatus;
use crate::store::Store;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    /// The durable scheduler and task queue (its tables live in the store's database).
    pub scheduler: Scheduler,
    /// The application's database.
    pub store: Store,
    /// The registered jobs by id (`/sync/test` runs `quick_sync`'s handler inline).
    pub jobs: Arc<BTreeMap<String, Arc<dyn Job>>>,
    /// The admin bearer token's digest.
    pub admin: Arc<AdminToken>,
    /// This process's tick loop, for `/health` and `scheduler_running`.
    pub status: Arc<SchedulerStatus>,
    /// The process's stop flag (long polls end when it rises).
    pub shutdown: Shutdown,
    /// Longest `POST /sync/test` runs inline before answering 504.
    pub inline_sync_limit: Duration,
    /// New events for the `/events` streams of this process.
    pub live: LiveHub,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("scheduler", &self.scheduler)
            .field("jobs", &self.jobs.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}
