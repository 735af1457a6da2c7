//! The states and trigger kinds the ledger stores (docs/scheduler.md §4): enums in the API,
//! text in the tables.

use crate::stored_text::stored_text_enum;

stored_text_enum! {
    /// Where a run (`job_run.state`) stands.
    RunState, "run state" {
        /// Created; no task has started yet.
        Pending = "pending",
        /// At least one task started.
        Running = "running",
        /// Every task that ran succeeded.
        Succeeded = "succeeded",
        /// Some tasks succeeded, some failed.
        Partial = "partial",
        /// Every task that ran failed or ran out of attempts.
        Failed = "failed",
        /// The occurrence was not run (paused, or overlapping a live run).
        Skipped = "skipped",
        /// Occurrences too old to run when they were noticed.
        Missed = "missed",
        /// Every task was cancelled.
        Cancelled = "cancelled",
    }
}

impl RunState {
    /// True while the run may still create or finish tasks.
    pub const fn is_live(self) -> bool {
        matches!(self, Self::Pending | Self::Running)
    }
}

stored_text_enum! {
    /// Where a task (`task.state`) stands.
    TaskState, "task state" {
        /// Waiting for a worker (from `not_before_ms`).
        Ready = "ready",
        /// A worker holds its lease.
        Leased = "leased",
        /// Its handler succeeded.
        Succeeded = "succeeded",
        /// Its handler failed permanently.
        Failed = "failed",
        /// Out of attempts.
        Dead = "dead",
        /// Cancelled before it ran.
        Cancelled = "cancelled",
    }
}

stored_text_enum! {
    /// What created a run (`job_run.trigger_kind`).
    TriggerKind, "trigger kind" {
        /// Its occurrence, on time.
        Schedule = "schedule",
        /// Its occurrence, late but within the catch-up window.
        CatchUp = "catch_up",
        /// Someone asked for it.
        Manual = "manual",
        /// An event queued a task for one user.
        Event = "event",
    }
}

stored_text_enum! {
    /// The role a process plays (`scheduler_node.mode`).
    NodeMode, "node mode" {
        /// HTTP, tick and workers.
        Serve = "serve",
        /// Tick and workers.
        Worker = "worker",
        /// No worker slots (HTTP and/or tick only).
        NoWorkers = "no_workers",
    }
}
