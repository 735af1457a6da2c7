//! Read-only access to the queue's tables, for the parts of an application that hold no
//! [`Scheduler`](crate::Scheduler) (a job's handler, a diagnostic) or only need counts (the
//! metrics endpoint). The SQL stays in this crate; callers get typed rows.

use crate::{Db, QueueError, RunState, TaskState, TriggerKind, with_db};

const RUN_ACTOR: &str = "SELECT actor FROM job_run WHERE id = $1";
const LIVE_TASK: &str =
    "SELECT id FROM task WHERE user_id = $1 AND kind = $2 AND state IN ('ready', 'leased')";
const RUN_COUNTS: &str = "SELECT job_id, state, trigger_kind, COUNT(*) AS runs FROM job_run \
     GROUP BY job_id, state, trigger_kind ORDER BY 1, 2, 3";
const TASK_COUNTS: &str =
    "SELECT job_id, state, COUNT(*) AS tasks FROM task GROUP BY job_id, state ORDER BY 1, 2";
const NEXT_FIRES: &str = "SELECT job_id, next_fire_at_ms FROM schedule ORDER BY job_id";
const LAST_SUCCESSES: &str = "SELECT job_id, MAX(finished_at_ms) AS finished_at_ms FROM job_run \
     WHERE state = 'succeeded' AND finished_at_ms IS NOT NULL GROUP BY job_id ORDER BY job_id";
const OLDEST_READY: &str =
    "SELECT MIN(not_before_ms) FROM task WHERE state = 'ready' AND not_before_ms <= $1";
const WAITING: &str = "SELECT job_id, SUBSTR(COALESCE(last_error, ''), 1, 120) AS last_error, \
     MIN(not_before_ms) AS earliest_ms, COUNT(*) AS tasks FROM task WHERE state = 'ready' \
     GROUP BY job_id, SUBSTR(COALESCE(last_error, ''), 1, 120) ORDER BY 4 DESC LIMIT $1";

/// Runs of one job in one state, created by one trigger kind.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RunCount {
    /// The job.
    pub job_id: String,
    /// Their state.
    pub state: RunState,
    /// What created them.
    pub trigger_kind: TriggerKind,
    /// How many.
    pub runs: i64,
}

/// Tasks of one job in one state.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskCount {
    /// The job.
    pub job_id: String,
    /// Their state.
    pub state: TaskState,
    /// How many.
    pub tasks: i64,
}

/// A job's next fire.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NextFire {
    /// The job.
    pub job_id: String,
    /// Epoch ms.
    pub next_fire_at_ms: i64,
}

/// The end of a job's newest succeeded run.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LastSuccess {
    /// The job.
    pub job_id: String,
    /// Epoch ms.
    pub finished_at_ms: i64,
}

/// Ready tasks of one job that last failed with the same error.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WaitingTasks {
    /// The job.
    pub job_id: String,
    /// The first 120 characters of their last error (empty when they never failed).
    pub last_error: Option<String>,
    /// The earliest start of any of them, epoch ms.
    pub earliest_ms: i64,
    /// How many.
    pub tasks: i64,
}

/// The whole queue in numbers, as `/metrics` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Census {
    /// Runs by job, state and trigger kind.
    pub runs: Vec<RunCount>,
    /// Tasks by job and state.
    pub tasks: Vec<TaskCount>,
    /// Every job's next fire, in job order.
    pub next_fires: Vec<NextFire>,
    /// Each job's newest succeeded run, for the jobs that have one.
    pub last_successes: Vec<LastSuccess>,
    /// The earliest start of the tasks ready to run now, epoch ms.
    pub oldest_ready_ms: Option<i64>,
}

/// Read-only queries over the queue's tables. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Reader {
    db: Db,
}

impl Reader {
    /// Reads the queue's tables in `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Who created run `run_id`; `None` for an unknown run.
    ///
    /// # Errors
    /// Database errors.
    pub async fn run_actor(&self, run_id: i64) -> Result<Option<String>, QueueError> {
        Ok(with_db!(&self.db, pool => sqlx::query_scalar(RUN_ACTOR)
            .bind(run_id).fetch_optional(pool).await?))
    }

    /// The live (ready or leased) task of `user_id` for job `job_id`, if any.
    ///
    /// # Errors
    /// Database errors.
    pub async fn live_task(&self, user_id: i64, job_id: &str) -> Result<Option<i64>, QueueError> {
        Ok(with_db!(&self.db, pool => sqlx::query_scalar(LIVE_TASK)
            .bind(user_id).bind(job_id).fetch_optional(pool).await?))
    }

    /// Counts of runs and tasks, next fires, last successes and the oldest ready task at
    /// `now_ms`.
    ///
    /// # Errors
    /// Database errors, or a stored state or trigger kind this build does not know.
    pub async fn census(&self, now_ms: i64) -> Result<Census, QueueError> {
        let db = &self.db;
        let runs = with_db!(db, pool => sqlx::query_as(RUN_COUNTS).fetch_all(pool).await?);
        let tasks = self.task_counts().await?;
        let next_fires = with_db!(db, pool => sqlx::query_as(NEXT_FIRES).fetch_all(pool).await?);
        let last_successes =
            with_db!(db, pool => sqlx::query_as(LAST_SUCCESSES).fetch_all(pool).await?);
        let oldest_ready_ms = with_db!(db, pool => sqlx::query_scalar(OLDEST_READY)
            .bind(now_ms).fetch_one(pool).await?);
        Ok(Census {
            runs,
            tasks,
            next_fires,
            last_successes,
            oldest_ready_ms,
        })
    }

    /// Tasks by job and state.
    ///
    /// # Errors
    /// Database errors, or a stored state this build does not know.
    pub async fn task_counts(&self) -> Result<Vec<TaskCount>, QueueError> {
        Ok(with_db!(&self.db, pool => sqlx::query_as(TASK_COUNTS).fetch_all(pool).await?))
    }

    /// The `limit` largest groups of ready tasks by job and last error.
    ///
    /// # Errors
    /// Database errors.
    pub async fn waiting_tasks(&self, limit: i64) -> Result<Vec<WaitingTasks>, QueueError> {
        Ok(with_db!(&self.db, pool => sqlx::query_as(WAITING).bind(limit).fetch_all(pool).await?))
    }
}
