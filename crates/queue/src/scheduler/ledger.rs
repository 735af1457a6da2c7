//! Ledger rows: runs and their tasks, inserted in the caller's transaction, and the run
//! counters that finalise a run when its last task ends (docs/scheduler.md §5.2, §6.6).

use serde_json::{Value, json};

use super::Scheduler;
use crate::db::Tx;
use crate::job::{PlannedTask, TaskReport};
use crate::{QueueError, RunState, TriggerKind, with_db, with_tx};
use tracing::warn;

/// One `job_run` row to insert.
#[derive(Debug, Clone)]
pub(super) struct NewRun<'a> {
    pub job_id: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub scheduled_for_ms: Option<i64>,
    pub nominal_local: Option<String>,
    pub trigger_kind: TriggerKind,
    pub actor: &'a str,
    pub state: RunState,
    pub reason: Option<String>,
    pub note: Option<&'a str>,
}

const INSERT_RUN: &str = "INSERT INTO job_run (job_id, idempotency_key, scheduled_for_ms, nominal_local, \
     trigger_kind, actor, state, reason, note, created_at_ms, finished_at_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id";

const TASK_COLUMNS: &str = "INSERT INTO task (run_id, job_id, user_id, kind, params, state, max_attempts, \
     not_before_ms, fair_seq, created_at_ms) VALUES ";

/// Rows per multi-row task insert.
const TASK_BATCH: usize = 500;

/// A fan-out of at least this many tasks refreshes the task table's statistics.
const BULK_TASKS: usize = 1000;

const SET_TASK_TOTALS: &str = "UPDATE job_run SET tasks_total = $2, users_deduped = $3, \
     state = CASE WHEN $2 = 0 THEN 'succeeded' ELSE state END, \
     finished_at_ms = CASE WHEN $2 = 0 THEN $4 ELSE finished_at_ms END WHERE id = $1";

/// Where a run's tasks go and how they start.
#[derive(Debug, Clone, Copy)]
pub(super) struct TaskBatch<'a> {
    pub run_id: i64,
    pub job_id: &'a str,
    pub scheduled_for_ms: Option<i64>,
    pub trigger_kind: TriggerKind,
    pub max_attempts: i32,
    pub not_before_ms: i64,
}

/// A run's task counters after an increment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub(super) struct Counts {
    #[sqlx(rename = "tasks_total")]
    total: i32,
    #[sqlx(rename = "tasks_succeeded")]
    succeeded: i32,
    #[sqlx(rename = "tasks_failed")]
    failed: i32,
    #[sqlx(rename = "tasks_dead")]
    dead: i32,
    #[sqlx(rename = "tasks_cancelled")]
    cancelled: i32,
}

impl Counts {
    /// True when every task has ended.
    fn all_ended(self) -> bool {
        self.succeeded + self.failed + self.dead + self.cancelled >= self.total
    }
}

/// A live run whose counters say every task has ended.
#[derive(Debug, sqlx::FromRow)]
struct EndedRun {
    id: i64,
    #[sqlx(flatten)]
    counts: Counts,
}

const COUNT_TERMINAL: &str = "UPDATE job_run SET tasks_succeeded = tasks_succeeded + $2, \
     tasks_failed = tasks_failed + $3, tasks_dead = tasks_dead + $4, tasks_cancelled = tasks_cancelled + $5 \
     WHERE id = $1 RETURNING tasks_total, tasks_succeeded, tasks_failed, tasks_dead, tasks_cancelled";

/// How a task ended for good, as its run counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TerminalState {
    /// `succeeded`.
    Succeeded,
    /// `failed` (a permanent error).
    Failed,
    /// `dead` (out of attempts).
    Dead,
    /// `cancelled` before it ran.
    Cancelled,
}

/// Terminal tasks to add to one run's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Terminal {
    succeeded: i32,
    failed: i32,
    dead: i32,
    cancelled: i32,
}

impl Terminal {
    /// `count` tasks that ended in `state`.
    pub(super) fn of(state: TerminalState, count: usize) -> Self {
        let mut terminal = Self::default();
        terminal.add(state, count);
        terminal
    }

    /// Adds `count` tasks that ended in `state`.
    pub(super) fn add(&mut self, state: TerminalState, count: usize) {
        let count = i32::try_from(count).unwrap_or(i32::MAX);
        let counter = match state {
            TerminalState::Succeeded => &mut self.succeeded,
            TerminalState::Failed => &mut self.failed,
            TerminalState::Dead => &mut self.dead,
            TerminalState::Cancelled => &mut self.cancelled,
        };
        *counter = counter.saturating_add(count);
    }
}

impl Scheduler {
    /// Inserts a run row; `None` when the unique key says it exists already.
    pub(super) async fn insert_run(
        &self,
        tx: &mut Tx,
        run: &NewRun<'_>,
        now: i64,
    ) -> Result<Option<i64>, QueueError> {
        let finished = matches!(run.state, RunState::Skipped | RunState::Missed).then_some(now);
        Ok(with_tx!(tx, conn => {
            sqlx::query_scalar(INSERT_RUN)
                .bind(run.job_id).bind(run.idempotency_key).bind(run.scheduled_for_ms)
                .bind(&run.nominal_local).bind(run.trigger_kind.as_str()).bind(run.actor)
                .bind(run.state.as_str()).bind(&run.reason).bind(run.note).bind(now).bind(finished)
                .fetch_optional(conn).await?
        }))
    }

    /// Refreshes the planner's statistics of the task table after a fan-out of at least
    /// [`BULK_TASKS`]. Statistics gathered while the table was nearly empty mislead the claim's
    /// plan: PostgreSQL then checks every ready task per claim (13 ms with 5,000 ready tasks)
    /// instead of the first few in claim order (0.8 ms). Autovacuum would get there, minutes
    /// later; a failure only costs speed, so it is logged, not returned.
    pub(super) async fn refresh_task_statistics(&self, tasks: usize) {
        if tasks < BULK_TASKS {
            return;
        }
        let outcome: Result<u64, sqlx::Error> = with_db!(self.db(), pool => {
            sqlx::query("ANALYZE task").execute(pool).await.map(|done| done.rows_affected())
        });
        if let Err(error) = outcome {
            warn!(%error, "refreshing the task table's statistics failed");
        }
    }

    /// Inserts the run's tasks in batches (a user with a live task of this kind is deduped)
    /// and records the totals; a run with no task is `succeeded` at once. Returns (inserted,
    /// deduped).
    pub(super) async fn insert_tasks(
        &self,
        tx: &mut Tx,
        batch_of: &TaskBatch<'_>,
        planned: &[PlannedTask],
    ) -> Result<(i64, i64), QueueError> {
        let TaskBatch {
            run_id,
            job_id,
            scheduled_for_ms,
            trigger_kind,
            max_attempts,
            not_before_ms,
        } = *batch_of;
        let n = planned.len();
        // Interleave users from a rotating offset so a budget that runs out mid-run does not
        // always delay the same users.
        let offset = usize::try_from(run_id).unwrap_or(0) % n.max(1);
        let mut inserted: u64 = 0;
        for (batch_index, batch) in planned.chunks(TASK_BATCH).enumerate() {
            let sql = task_insert_sql(batch.len());
            let rows: Vec<(i64, String, i64)> = batch
                .iter()
                .enumerate()
                .map(|(i, task)| {
                    let index = batch_index * TASK_BATCH + i;
                    let fair_seq = i64::try_from((index + n - offset) % n).unwrap_or(0);
                    (
                        task.user_id,
                        task_params(task, scheduled_for_ms, trigger_kind),
                        fair_seq,
                    )
                })
                .collect();
            inserted += with_tx!(tx, conn => {
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for (user_id, params, fair_seq) in &rows {
                    query = query.bind(run_id).bind(job_id).bind(*user_id).bind(job_id).bind(params)
                        .bind("ready").bind(max_attempts).bind(not_before_ms).bind(*fair_seq).bind(not_before_ms);
                }
                query.execute(conn).await?.rows_affected()
            });
        }
        if inserted > 0 {
            self.announce_ready(tx).await?;
        }
        let total = i64::try_from(inserted).unwrap_or(i64::MAX);
        let deduped = i64::try_from(n).unwrap_or(i64::MAX) - total;
        with_tx!(tx, conn => {
            sqlx::query(SET_TASK_TOTALS).bind(run_id).bind(total).bind(deduped).bind(not_before_ms)
                .execute(conn).await?.rows_affected()
        });
        Ok((total, deduped))
    }

    /// Adds terminal tasks to their run's counters in one statement and finalises the run when
    /// they were the last. One statement per run and batch keeps the run row, which every
    /// completion of the run touches, locked once per batch instead of once per task.
    pub(super) async fn count_terminal(
        &self,
        tx: &mut Tx,
        run_id: i64,
        add: Terminal,
        now: i64,
    ) -> Result<(), QueueError> {
        let counts: Counts = with_tx!(tx, conn => sqlx::query_as(COUNT_TERMINAL).bind(run_id)
            .bind(add.succeeded).bind(add.failed).bind(add.dead).bind(add.cancelled).fetch_one(conn).await?);
        if counts.all_ended() {
            self.finalize_run(tx, run_id, counts, now).await?;
        }
        Ok(())
    }

    /// Sets a run's final state and summary once all its tasks are terminal.
    pub(super) async fn finalize_run(
        &self,
        tx: &mut Tx,
        run_id: i64,
        counts: Counts,
        now: i64,
    ) -> Result<(), QueueError> {
        let results: Vec<Option<String>> = with_tx!(tx, conn => {
            sqlx::query_scalar("SELECT result FROM task WHERE run_id = $1 AND state = 'succeeded' ORDER BY id")
                .bind(run_id).fetch_all(conn).await?
        });
        let summary = summarize(counts.total, results.iter().filter_map(Option::as_deref));
        let state = final_state(counts);
        with_tx!(tx, conn => {
            sqlx::query("UPDATE job_run SET state = $2, summary = $3, finished_at_ms = $4 \
                         WHERE id = $1 AND finished_at_ms IS NULL")
                .bind(run_id).bind(state.as_str()).bind(summary.to_string()).bind(now).execute(conn).await?.rows_affected()
        });
        Ok(())
    }

    /// Backstop for the tick: finalises live runs whose tasks are all terminal.
    pub(super) async fn sweep_finished_runs(&self, now: i64) -> Result<(), QueueError> {
        let ended: Vec<EndedRun> = with_db!(self.db(), pool => {
            sqlx::query_as("SELECT id, tasks_total, tasks_succeeded, tasks_failed, tasks_dead, tasks_cancelled \
                            FROM job_run WHERE state IN ('pending', 'running') \
                            AND tasks_succeeded + tasks_failed + tasks_dead + tasks_cancelled >= tasks_total")
                .fetch_all(pool).await?
        });
        for run in ended {
            let mut tx = self.db().begin_write().await?;
            self.finalize_run(&mut tx, run.id, run.counts, now).await?;
            tx.commit().await?;
        }
        Ok(())
    }
}

/// `INSERT … VALUES ($1..$10), ($11..$20), … ON CONFLICT DO NOTHING` for `rows` tasks.
fn task_insert_sql(rows: usize) -> String {
    let mut sql = String::from(TASK_COLUMNS);
    for row in 0..rows {
        let base = row * 10;
        let placeholders: Vec<String> = (1..=10).map(|k| format!("${}", base + k)).collect();
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(&placeholders.join(", "));
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT DO NOTHING");
    sql
}

/// The task's params with the queue's own keys added.
fn task_params(
    task: &PlannedTask,
    scheduled_for_ms: Option<i64>,
    trigger_kind: TriggerKind,
) -> String {
    let mut params = match &task.params {
        Value::Object(map) => map.clone(),
        Value::Null => serde_json::Map::new(),
        other => {
            let mut map = serde_json::Map::new();
            map.insert("value".to_owned(), other.clone());
            map
        }
    };
    params.insert("scheduled_for_ms".to_owned(), json!(scheduled_for_ms));
    params.insert("trigger".to_owned(), json!(trigger_kind.as_str()));
    Value::Object(params).to_string()
}

/// Cancelled tasks are neutral; all succeeded → succeeded; all failed/dead → failed; a mix →
/// partial; all cancelled → cancelled.
fn final_state(counts: Counts) -> RunState {
    let counted = counts.total - counts.cancelled;
    if counts.total > 0 && counts.cancelled == counts.total {
        RunState::Cancelled
    } else if counts.succeeded == counted {
        RunState::Succeeded
    } else if counts.failed + counts.dead == counted {
        RunState::Failed
    } else {
        RunState::Partial
    }
}

/// Sums the counters of the succeeded tasks' reports and keeps up to 10 examples.
fn summarize<'a>(users: i32, results: impl Iterator<Item = &'a str>) -> Value {
    let mut counters = std::collections::BTreeMap::<String, i64>::new();
    let mut examples = Vec::new();
    for text in results {
        let Ok(report) = serde_json::from_str::<TaskReport>(text) else {
            continue;
        };
        for (name, value) in report.counters {
            *counters.entry(name).or_insert(0) += value;
        }
        examples.extend(
            report
                .examples
                .into_iter()
                .take(10 - examples.len().min(10)),
        );
    }
    json!({ "users": users, "counters": counters, "examples": examples })
}
