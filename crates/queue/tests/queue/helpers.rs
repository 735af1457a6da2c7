//! Test support: a database per test on each engine, a manual clock, and `CountingJob`, a job
//! whose users and failures are scripted.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use queue::{
    BoxFuture, Db, FanOutRequest, Job, ManualClock, Overlap, PlannedTask, Policy, RunState,
    Scheduler, SchedulerConfig, TaskContext, TaskError, TaskReport, Trigger,
};
use serde_json::json;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

/// A fresh database: a temp SQLite file, or a new PostgreSQL database dropped on `Drop`.
pub struct TestDb {
    pub db: Db,
    cleanup: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicI64 = AtomicI64::new(0);

fn unique(name: &str) -> String {
    format!(
        "{name}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

impl TestDb {
    pub async fn sqlite(name: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix(&format!("queue-{name}"))
            .tempdir()
            .unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("queue.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(std::time::Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .unwrap();
        let db = Db::Sqlite(pool);
        db.migrate().await.unwrap();
        Self {
            db,
            cleanup: None,
            _dir: Some(dir),
        }
    }

    pub async fn postgres(name: &str) -> Option<Self> {
        let admin_url = std::env::var("TRAINLOAD_TEST_POSTGRES_URL").ok()?;
        let database = unique(&format!("queue_{name}")).to_lowercase();
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&admin_url)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        let url = with_database(&admin_url, &database);
        let pool = PgPoolOptions::new()
            .max_connections(12)
            .connect(&url)
            .await
            .unwrap();
        let db = Db::Postgres(pool);
        db.migrate().await.unwrap();
        Some(Self {
            db,
            cleanup: Some((admin_url, database)),
            _dir: None,
        })
    }

    /// Every engine this run tests.
    pub async fn all(name: &str) -> Vec<Self> {
        let mut dbs = vec![Self::sqlite(name).await];
        dbs.extend(Self::postgres(name).await);
        dbs
    }
}

fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let root = base.rsplit_once('/').map_or(base, |(root, _)| root);
    match query {
        Some(q) => format!("{root}/{database}?{q}"),
        None => format!("{root}/{database}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, database)) = self.cleanup.take() {
            // Drop the database on a separate thread: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    if let Ok(admin) = PgPoolOptions::new()
                        .max_connections(1)
                        .connect(&admin_url)
                        .await
                    {
                        let sql = format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&admin).await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

pub fn ms(text: &str) -> i64 {
    ts(text).as_millisecond()
}

/// What a scripted user does on each attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Succeed,
    Retryable,
    Permanent,
    RateLimitedOnce,
    Panic,
    Hang,
}

/// A job with scripted users; counts how often each user's task ran.
pub struct CountingJob {
    pub id: &'static str,
    pub trigger: Trigger,
    pub policy: Policy,
    pub users: Vec<i64>,
    pub scripts: BTreeMap<i64, Script>,
    pub executions: Mutex<BTreeMap<i64, u32>>,
    pub rate_limit_until_ms: i64,
    pub spec_rev: i32,
}

impl CountingJob {
    pub fn every_hour(id: &'static str, users: Vec<i64>) -> Self {
        Self {
            id,
            trigger: Trigger::interval(SignedDuration::from_hours(1), ts("2024-01-01T00:00:00Z"))
                .unwrap(),
            policy: Policy {
                catch_up_window_ms: 3_600_000,
                overlap: Overlap::Allow,
                jitter_max_ms: 0,
                max_attempts: 3,
                timeout_ms: 5_000,
            },
            users,
            scripts: BTreeMap::new(),
            executions: Mutex::new(BTreeMap::new()),
            rate_limit_until_ms: 0,
            spec_rev: 1,
        }
    }

    pub fn executions(&self, user: i64) -> u32 {
        self.executions
            .lock()
            .unwrap()
            .get(&user)
            .copied()
            .unwrap_or(0)
    }
}

impl Job for CountingJob {
    fn id(&self) -> &'static str {
        self.id
    }
    fn name(&self) -> &'static str {
        "Counting job"
    }
    fn spec_rev(&self) -> i32 {
        self.spec_rev
    }
    fn trigger(&self) -> Trigger {
        self.trigger.clone()
    }
    fn policy(&self) -> Policy {
        self.policy
    }
    fn fan_out<'a>(
        &'a self,
        request: &'a FanOutRequest,
    ) -> BoxFuture<'a, Result<Vec<PlannedTask>, String>> {
        Box::pin(async move {
            Ok(self
                .users
                .iter()
                .filter(|u| request.users.as_ref().is_none_or(|only| only.contains(u)))
                .map(|&user_id| PlannedTask {
                    user_id,
                    params: json!({"lookback_days": 3}),
                })
                .collect())
        })
    }
    fn run_task<'a>(
        &'a self,
        task: &'a TaskContext,
    ) -> BoxFuture<'a, Result<TaskReport, TaskError>> {
        Box::pin(async move {
            let count = {
                let mut executions = self.executions.lock().unwrap();
                let count = executions.entry(task.user_id).or_insert(0);
                *count += 1;
                *count
            };
            match self
                .scripts
                .get(&task.user_id)
                .copied()
                .unwrap_or(Script::Succeed)
            {
                Script::Succeed => {}
                Script::Retryable => return Err(TaskError::Retryable("provider 500".into())),
                Script::Permanent => return Err(TaskError::Permanent("token revoked".into())),
                Script::RateLimitedOnce if count == 1 => {
                    return Err(TaskError::RateLimited {
                        retry_at_ms: self.rate_limit_until_ms,
                        message: "429".into(),
                    });
                }
                Script::RateLimitedOnce => {}
                Script::Panic => panic!("scripted panic"),
                Script::Hang => std::future::pending::<()>().await,
            }
            let mut report = TaskReport::default();
            report.counters.insert("new_activities".into(), 2);
            Ok(report)
        })
    }
}

/// A scheduler in UTC on `db` at `now`, with the given jobs.
pub fn scheduler(
    db: &Db,
    clock: &Arc<ManualClock>,
    node: &str,
    jobs: Vec<Arc<dyn Job>>,
) -> Scheduler {
    let config = SchedulerConfig::new(TimeZone::UTC, node);
    Scheduler::new(db.clone(), clock.clone(), config, jobs)
}

/// Count of `job_run` rows of a job in a state.
pub async fn count_runs(scheduler: &Scheduler, job: &str, state: RunState) -> usize {
    scheduler
        .runs(Some(job), Some(state), None, 500)
        .await
        .unwrap()
        .len()
}
