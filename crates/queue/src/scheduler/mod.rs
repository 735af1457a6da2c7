//! The durable scheduler: job registration, the tick that creates runs exactly once, task
//! claiming with leases and fencing, retries, and the operations an admin drives.

mod completions;
mod enqueue;
mod finish;
mod ledger;
mod nodes;
mod operations;
mod random;
mod register;
mod tick;
mod wake;
mod worker;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, Weak};

use jiff::tz::TimeZone;

use crate::clock::Clock;
use crate::db::Db;
use crate::job::Job;

pub use enqueue::{Enqueued, EventTask};
pub use operations::{JobStatus, ManualRun, ManualRunRequest, RunDetail, RunRow, TaskRow};
pub use tick::TickReport;
pub use worker::ClaimedTask;

/// Process-wide scheduler settings (docs/scheduler.md §1).
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    /// Zone of every calendar job.
    pub zone: TimeZone,
    /// A run starting later than this after its occurrence is a `catch_up`, ms.
    pub on_time_slack_ms: i64,
    /// Task lease length, ms.
    pub lease_ms: i64,
    /// Lease renewal period, ms.
    pub heartbeat_ms: i64,
    /// First retry window, ms (doubles per attempt).
    pub retry_base_ms: i64,
    /// Largest retry window, ms.
    pub retry_cap_ms: i64,
    /// Occurrences enumerated per job and tick; older ones collapse into one `missed` row.
    pub max_occurrences_per_tick: usize,
    /// This process's identity, the prefix of lease owners.
    pub node_id: String,
    /// Seed of the jitter generator (tests fix it).
    pub seed: u64,
    /// How long an idle dispatcher waits before claiming again when no wake-up comes, ms.
    pub idle_poll_ms: u64,
}

impl SchedulerConfig {
    /// The docs/scheduler.md defaults in `zone`, for node `node_id`.
    pub fn new(zone: TimeZone, node_id: impl Into<String>) -> Self {
        Self {
            zone,
            on_time_slack_ms: 60_000,
            lease_ms: 60_000,
            heartbeat_ms: 20_000,
            retry_base_ms: 30_000,
            retry_cap_ms: 3_600_000,
            max_occurrences_per_tick: 1000,
            node_id: node_id.into(),
            seed: 0x5EED,
            idle_poll_ms: 1_000,
        }
    }
}

/// The scheduler and task queue over one database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

/// A handle that does not keep the scheduler alive: for parts that the scheduler's own jobs own
/// (a job's context that enqueues follow-up tasks), which would otherwise form a cycle.
#[derive(Clone, Debug, Default)]
pub struct WeakScheduler {
    inner: Weak<Inner>,
}

impl WeakScheduler {
    /// The scheduler, while something else keeps it alive.
    pub fn upgrade(&self) -> Option<Scheduler> {
        self.inner.upgrade().map(|inner| Scheduler { inner })
    }
}

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    config: SchedulerConfig,
    jobs: BTreeMap<&'static str, Arc<dyn Job>>,
    /// Jobs whose stored spec_rev is newer than this build's: not ticked (docs/scheduler.md §5.6).
    stale: Mutex<BTreeSet<String>>,
    rng: Mutex<random::SplitMix>,
    /// Wakes this process's idle dispatchers (see `wake`).
    ready: wake::Signal,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("engine", &self.db.engine())
            .field("node_id", &self.config.node_id)
            .field("jobs", &self.jobs.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Scheduler {
    /// A scheduler for `jobs` on `db` (migrated), reading time from `clock`.
    pub fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        config: SchedulerConfig,
        jobs: Vec<Arc<dyn Job>>,
    ) -> Self {
        let rng = Mutex::new(random::SplitMix::new(config.seed));
        let jobs = jobs.into_iter().map(|job| (job.id(), job)).collect();
        Self {
            inner: Arc::new(Inner {
                db,
                clock,
                config,
                jobs,
                stale: Mutex::new(BTreeSet::new()),
                rng,
                ready: wake::signal(),
            }),
        }
    }

    /// A handle that does not keep this scheduler alive.
    pub fn downgrade(&self) -> WeakScheduler {
        WeakScheduler {
            inner: Arc::downgrade(&self.inner),
        }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// Read-only queries over the same database.
    pub fn reader(&self) -> crate::Reader {
        crate::Reader::new(self.inner.db.clone())
    }

    /// The settings.
    pub fn config(&self) -> &SchedulerConfig {
        &self.inner.config
    }

    /// The current time, epoch ms.
    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// Jobs this process will not tick because a newer build stored their spec.
    pub fn stale_jobs(&self) -> Vec<String> {
        self.inner
            .stale
            .lock()
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The registered job `job_id`, if this scheduler has it.
    pub fn job(&self, job_id: &str) -> Option<&Arc<dyn Job>> {
        self.inner.jobs.get(job_id)
    }

    /// A uniform draw in [0, bound_ms) from the seeded generator (0 when bound ≤ 0).
    fn jitter_ms(&self, bound_ms: i64) -> i64 {
        if bound_ms <= 0 {
            return 0;
        }
        self.inner
            .rng
            .lock()
            .map(|mut rng| rng.below(bound_ms.unsigned_abs()))
            .map_or(0, |v| i64::try_from(v).unwrap_or(0))
    }
}
