//! A generic durable scheduler and task queue over SQLite and PostgreSQL (docs/scheduler.md):
//! DST-correct triggers, exactly one ledger row per occurrence across processes, per-user tasks
//! with leases, heartbeats, fencing, retries with full-jitter backoff and rate-limit waits that
//! keep their attempt. It knows nothing about training load; the application registers jobs.
//! A bare "§n" in this crate's documentation is a section of the repository's
//! `docs/scheduler.md`.

pub mod clock;
pub mod db;
mod error;
pub mod job;
mod reader;
pub mod scheduler;
mod states;
mod stored_text;
pub mod trigger;

pub use clock::{Clock, ManualClock, SystemClock};
pub use db::{Db, Engine, Tx};
pub use error::QueueError;
pub use job::{
    BoxFuture, FanOutRequest, Job, Overlap, PlannedTask, Policy, TaskContext, TaskError, TaskReport,
};
pub use reader::{Census, LastSuccess, NextFire, Reader, RunCount, TaskCount, WaitingTasks};
pub use scheduler::{
    ClaimedTask, Enqueued, EventTask, JobStatus, ManualRun, ManualRunRequest, RunDetail, RunRow,
    Scheduler, SchedulerConfig, TaskRow, TickReport, WeakScheduler,
};
pub use states::{NodeMode, RunState, TaskState, TriggerKind};
pub use trigger::{DstNote, Fire, Trigger, TriggerError, fires, next_fire};
