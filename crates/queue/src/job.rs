//! What the application registers: jobs with a trigger, a policy, a fan-out and a task handler
//! (docs/scheduler.md §6.2, §11). The queue knows nothing else about them.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Trigger;
use crate::stored_text::stored_text_enum;

/// A boxed future, so jobs can be stored as `Arc<dyn Job>`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

stored_text_enum! {
    /// Whether an occurrence may start while the job's previous run is still live
    /// (`schedule.overlap`).
    Overlap, "overlap policy" {
        /// Record the occurrence as `skipped` (`overlap:<live run>`).
        Skip = "skip",
        /// Start it anyway (per-user dedupe still applies).
        Allow = "allow",
    }
}

/// Per-job scheduling policy (docs/scheduler.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// How late the newest due occurrence may still run, ms.
    pub catch_up_window_ms: i64,
    /// Run-level overlap policy.
    pub overlap: Overlap,
    /// Task start spread, ms (0: none).
    pub jitter_max_ms: i64,
    /// Attempts before a task is dead.
    pub max_attempts: i32,
    /// Per-task timeout, ms.
    pub timeout_ms: i64,
}

/// What a fan-out is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanOutRequest {
    /// The job.
    pub job_id: String,
    /// The occurrence, or `None` for a manual run.
    pub scheduled_for_ms: Option<i64>,
    /// Restrict the fan-out to these users (manual runs).
    pub users: Option<Vec<i64>>,
}

/// One user's share of a run, as the fan-out plans it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTask {
    /// The user the task works for.
    pub user_id: i64,
    /// Job-specific parameters (the queue adds `scheduled_for_ms` and `trigger`).
    pub params: Value,
}

/// What a handler gets to know about its task.
#[derive(Debug, Clone)]
pub struct TaskContext {
    /// Task id.
    pub task_id: i64,
    /// Run id.
    pub run_id: i64,
    /// Job id.
    pub job_id: String,
    /// The user.
    pub user_id: i64,
    /// 1 for the first attempt.
    pub attempt: i32,
    /// The task's parameters.
    pub params: Value,
}

/// A handler's successful result: integer counters summed into the run summary, and examples.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskReport {
    /// Counters such as `new_activities`; summed over the run's tasks.
    #[serde(default)]
    pub counters: BTreeMap<String, i64>,
    /// Up to a few examples worth keeping (for instance drift cases).
    #[serde(default)]
    pub examples: Vec<Value>,
    /// The handler's full report, kept with the task.
    #[serde(default)]
    pub detail: Value,
}

/// A handler's failure, classified so that the queue decides retry, give-up or reschedule from
/// the variant alone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    /// Try again later with backoff; uses an attempt.
    #[error("retryable: {0}")]
    Retryable(String),
    /// Fail now; no retry.
    #[error("permanent: {0}")]
    Permanent(String),
    /// Wait until `retry_at_ms` (epoch ms) without using an attempt.
    #[error("rate limited until {retry_at_ms}: {message}")]
    RateLimited {
        /// When to try again.
        retry_at_ms: i64,
        /// Why.
        message: String,
    },
}

impl TaskError {
    /// The `last_error_class` column value.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::Retryable(_) => "retryable",
            Self::Permanent(_) => "permanent",
            Self::RateLimited { .. } => "rate_limited",
        }
    }
}

/// A recurring job defined in code.
pub trait Job: Send + Sync + 'static {
    /// Stable public id (never renamed once stored).
    fn id(&self) -> &'static str;
    /// Human name.
    fn name(&self) -> &'static str;
    /// Bumped on any change of trigger or policy (docs/scheduler.md §5.6).
    fn spec_rev(&self) -> i32;
    /// When it fires.
    fn trigger(&self) -> Trigger;
    /// How it runs.
    fn policy(&self) -> Policy;
    /// The users of one run and their parameters.
    fn fan_out<'a>(
        &'a self,
        request: &'a FanOutRequest,
    ) -> BoxFuture<'a, Result<Vec<PlannedTask>, String>>;
    /// One user's task. Must be idempotent: tasks run at least once.
    fn run_task<'a>(
        &'a self,
        task: &'a TaskContext,
    ) -> BoxFuture<'a, Result<TaskReport, TaskError>>;
}
