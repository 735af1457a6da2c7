//! Test support: the app on 127.0.0.1 port 0 with a fresh database per test (SQLite always,
//! PostgreSQL when `TRAINLOAD_TEST_POSTGRES_URL` is set), a reqwest client, and `TestJob`, a job
//! whose users and outcomes are scripted.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use queue::{
    BoxFuture, FanOutRequest, Job, Overlap, PlannedTask, Policy, Scheduler, TaskContext, TaskError,
    TaskReport, Trigger,
};
use secrecy::SecretString;
use serde_json::{Value, json};
use sqlx::Connection;
use tempfile::TempDir;
use trainload::config::StoreArgs;
use trainload::startup::{Application, Settings};
use trainload::store::Store;

use crate::support::db::{PgDatabase, postgres_admin_url};
use crate::support::{on_a_runtime_of_its_own, temp_dir};

pub const TOKEN: &str = "test-admin-token";

pub use trainload::store::Engine;

pub use crate::support::db::engines;

/// What a scripted user's task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Succeed,
    Permanent,
    /// Fails permanently the way a sync of a revoked Strava connection does.
    Reconnect,
    /// Rate-limited until this instant (epoch ms).
    RateLimited(i64),
    Hang,
}

/// A job with scripted users, counting executions.
pub struct TestJob {
    pub id: &'static str,
    pub users: Vec<i64>,
    pub scripts: BTreeMap<i64, Script>,
    pub overlap: Overlap,
    pub executions: Mutex<BTreeMap<i64, u32>>,
}

impl TestJob {
    pub fn new(id: &'static str, users: Vec<i64>) -> Self {
        Self {
            id,
            users,
            scripts: BTreeMap::new(),
            overlap: Overlap::Skip,
            executions: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn script(mut self, user: i64, script: Script) -> Self {
        self.scripts.insert(user, script);
        self
    }

    pub fn arc(self) -> Arc<dyn Job> {
        Arc::new(self)
    }
}

/// The sync report a succeeding task returns (the shape of `SyncReport`).
pub fn sync_report() -> TaskReport {
    let mut report = TaskReport::default();
    report.counters.insert("new_activities".into(), 2);
    report.counters.insert("wellness_days".into(), 7);
    report.detail = json!({
        "new_activities": 2, "updated_activities": 1, "deleted_activities": 0, "streams_fetched": 2,
        "wellness_days": 7, "thresholds_changed": [], "utl_recalculated": 2, "api_calls": {},
        "duration_ms": 5, "errors": [], "has_strava": true, "has_intervals": true,
        "providers": {"intervals": "ok", "strava": "ok"},
    });
    report
}

impl Job for TestJob {
    fn id(&self) -> &'static str {
        self.id
    }
    fn name(&self) -> &'static str {
        "Test job"
    }
    fn spec_rev(&self) -> i32 {
        1
    }
    fn trigger(&self) -> Trigger {
        // Once a year: no scheduled fire interferes with a test.
        Trigger::calendar("0 2 1 1 *").unwrap()
    }
    fn policy(&self) -> Policy {
        Policy {
            catch_up_window_ms: 3_600_000,
            overlap: self.overlap,
            jitter_max_ms: 0,
            max_attempts: 3,
            timeout_ms: 30_000,
        }
    }
    fn fan_out<'a>(
        &'a self,
        request: &'a FanOutRequest,
    ) -> BoxFuture<'a, Result<Vec<PlannedTask>, String>> {
        Box::pin(async move {
            let users = request.users.clone().unwrap_or_else(|| self.users.clone());
            Ok(users
                .into_iter()
                .map(|user_id| PlannedTask {
                    user_id,
                    params: json!({}),
                })
                .collect())
        })
    }
    fn run_task<'a>(
        &'a self,
        task: &'a TaskContext,
    ) -> BoxFuture<'a, Result<TaskReport, TaskError>> {
        Box::pin(async move {
            *self
                .executions
                .lock()
                .unwrap()
                .entry(task.user_id)
                .or_insert(0) += 1;
            match self
                .scripts
                .get(&task.user_id)
                .copied()
                .unwrap_or(Script::Succeed)
            {
                Script::Succeed => Ok(sync_report()),
                Script::Permanent => Err(TaskError::Permanent("token revoked".into())),
                Script::Reconnect => Err(TaskError::Permanent(
                    "strava: needs_reauth (strava.connection needs_reauth: the athlete must reconnect strava (revoked)) | intervals: ok"
                        .into(),
                )),
                Script::RateLimited(until) => Err(TaskError::RateLimited {
                    retry_at_ms: until,
                    message: "budget exhausted".into(),
                }),
                Script::Hang => std::future::pending().await,
            }
        })
    }
}

/// How a test app is configured.
pub struct AppOptions {
    pub engine: Engine,
    pub workers: usize,
    pub admin_token: Option<&'static str>,
    pub zone: &'static str,
    pub data_dir: Option<PathBuf>,
    /// A simulator whose Strava and Intervals.icu the app signs in and syncs against (then the
    /// app runs the real jobs instead of the given ones).
    pub sim: Option<sim::SimInfo>,
    /// `TRAINLOAD_PUBLIC_URL`.
    pub public_url: Option<&'static str>,
    /// Who may read `/metrics`.
    pub metrics: trainload::http::MetricsAccess,
    /// The VAPID key of an app over a simulator (a fresh one when `None`): processes of one
    /// deployment share theirs.
    pub vapid: Option<trainload::push::vapid::VapidKey>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            engine: Engine::Sqlite,
            workers: 0,
            admin_token: Some(TOKEN),
            zone: "UTC",
            data_dir: None,
            sim: None,
            public_url: None,
            metrics: trainload::http::MetricsAccess::Auto,
            vapid: None,
        }
    }
}

/// A running app.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub store: Store,
    pub scheduler: Scheduler,
    pub store_args: StoreArgs,
    pub dir: Arc<TempDir>,
    /// The sync context the app runs its jobs with (apps over a simulator).
    pub providers: Option<trainload::sync::SyncContext>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    /// Queue tasks the test leaves leased on purpose (checked on drop).
    expected_leased: std::sync::atomic::AtomicUsize,
    _pg: Option<PgDatabase>,
}

/// The settings of a test app over `store_args`.
pub fn settings(options: &AppOptions, store_args: StoreArgs) -> Settings {
    let mut settings = Settings::new(store_args);
    settings.listen = Some("127.0.0.1:0".parse().unwrap());
    settings.workers = options.workers;
    settings.zone = jiff::tz::TimeZone::get(options.zone).unwrap();
    settings.admin_token = options
        .admin_token
        .map(|t| SecretString::from(t.to_owned()));
    settings.shutdown_grace = Duration::from_millis(200);
    settings.web.public_url = options.public_url.map(str::to_owned);
    // Tests drain the queue themselves: webhook tasks start at once.
    settings.webhook_delays_ms = (0, 0);
    settings.metrics = options.metrics;
    settings
}

/// Web Push that may post to the tests' stand-in push service on loopback, with `key` (a
/// fresh one when `None`).
pub fn test_push(key: Option<trainload::push::vapid::VapidKey>) -> trainload::push::Push {
    let key = key.unwrap_or_else(|| trainload::push::vapid::VapidKey::generate().unwrap());
    let settings = trainload::push::PushSettings {
        allow_loopback_http: true,
        contact: "mailto:tests@trainload.invalid".to_owned(),
        ..trainload::push::PushSettings::default()
    };
    trainload::push::Push::new(key, settings).unwrap()
}

pub async fn spawn_app(jobs: Vec<Arc<dyn Job>>) -> TestApp {
    spawn_app_with(AppOptions::default(), jobs).await
}

pub async fn spawn_app_with(options: AppOptions, jobs: Vec<Arc<dyn Job>>) -> TestApp {
    let dir = Arc::new(temp_dir());
    let pg = match options.engine {
        Engine::Sqlite => None,
        Engine::Postgres => Some(PgDatabase::create(&postgres_admin_url().unwrap()).await),
    };
    let store_args = StoreArgs {
        data_dir: options
            .data_dir
            .clone()
            .unwrap_or_else(|| dir.path().join("data")),
        database_url: pg.as_ref().map(|pg| pg.url.clone()),
        secret_key: None,
    };
    let mut providers = None;
    let app = Application::build(settings(&options, store_args.clone()), |store| {
        let Some(info) = &options.sim else {
            return Ok(jobs);
        };
        let mut ctx = trainload::demo::sim_sync_context(store, info)?;
        ctx.push = test_push(options.vapid.clone());
        let jobs = trainload::jobs::all(&ctx)?;
        providers = Some(ctx);
        Ok(jobs)
    })
    .await
    .unwrap();
    let app = match providers.clone() {
        Some(ctx) => app.with_providers(ctx),
        None => app,
    };
    let address = format!("http://127.0.0.1:{}", app.port().unwrap());
    let (store, scheduler) = (app.store().clone(), app.scheduler().clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    TestApp {
        address,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
        store,
        scheduler,
        store_args,
        dir,
        providers,
        stop: Some(stop),
        handle: Some(handle),
        expected_leased: std::sync::atomic::AtomicUsize::new(0),
        _pg: pg,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(TOKEN)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Starts a manual run of `job` and returns its id.
    pub async fn start_run(&self, job: &str) -> i64 {
        let response = self.post(&format!("/scheduler/run/{job}")).await;
        assert_eq!(response.status(), 202);
        body(response).await["run_id"].as_i64().unwrap()
    }

    /// Executes every ready task in the test process.
    pub async fn drain(&self) {
        self.scheduler.drain("test/drain", 4).await.unwrap();
    }

    /// Declares that the test leaves `count` queue tasks leased on purpose (a cut `jobs run
    /// --wait` leaves its leases to lapse): the check on drop expects exactly that many.
    pub fn expect_leased_tasks(&self, count: usize) {
        self.expected_leased
            .store(count, std::sync::atomic::Ordering::Relaxed);
    }

    /// Raises the shutdown signal and waits until the app stopped.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.unwrap().unwrap();
        }
    }
}

/// Stops the app and, unless the test already failed, checks that it left nothing behind: the
/// app's server and worker task ended (on a multi-thread runtime, where it can end while the
/// test drops it) and no queue task is still leased (but those the test declared with
/// [`TestApp::expect_leased_tasks`]). Either panics with what was left.
impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if std::thread::panicking() {
            return;
        }
        if let Some(handle) = self.handle.take() {
            wait_for_stop(handle);
        }
        let leased = leased_tasks(&self.store_args.database_url());
        assert!(
            leased.len()
                == self
                    .expected_leased
                    .load(std::sync::atomic::Ordering::Relaxed),
            "the test app left queue tasks leased (stuck) when it was dropped: {leased:?}"
        );
    }
}

/// How long a dropped app may take to stop (its shutdown grace is 200 ms).
const STOP_DEADLINE: Duration = Duration::from_secs(10);

/// Waits until the app's task has ended, and panics if it did not within [`STOP_DEADLINE`] or
/// ended with an error. A current-thread runtime cannot run the app while the test drops it:
/// there the task ends with the runtime, and nothing is waited for.
fn wait_for_stop(handle: tokio::task::JoinHandle<anyhow::Result<()>>) {
    let multi_thread = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if !multi_thread {
        return;
    }
    let ended = on_a_runtime_of_its_own(async move {
        match tokio::time::timeout(STOP_DEADLINE, handle).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(error))) => Err(format!("the test app stopped with an error: {error:#}")),
            Ok(Err(error)) => Err(format!("the test app's task failed: {error}")),
            Err(_) => Err(format!(
                "the test app was still running {STOP_DEADLINE:?} after it was dropped"
            )),
        }
    });
    if let Err(message) = ended {
        panic!("{message}");
    }
}

/// Queue tasks in state `leased` in the database at `url` (id, job, user and lease owner each),
/// read on a connection of its own.
fn leased_tasks(url: &str) -> Vec<String> {
    const SQL: &str =
        "SELECT id, job_id, user_id, lease_owner FROM task WHERE state = 'leased' ORDER BY id";
    type Row = (i64, String, i64, Option<String>);
    let url = url.to_owned();
    let rows: Vec<Row> = on_a_runtime_of_its_own(async move {
        if url.starts_with("sqlite:") {
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_as(SQL).fetch_all(&mut conn).await.unwrap()
        } else {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query_as(SQL).fetch_all(&mut conn).await.unwrap()
        }
    });
    rows.into_iter()
        .map(|(id, job, user, owner)| {
            format!("task {id} of job {job} for user {user}, leased by {owner:?}")
        })
        .collect()
}

pub async fn body(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

/// Waits (polling, with a deadline) until `condition` holds.
pub async fn eventually<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Adds an athlete and returns their id.
pub async fn add_user(store: &Store) -> i64 {
    let user = trainload::store::users::NewUser {
        name: "Test athlete".into(),
        sex: None,
        birth_year: None,
        time_zone: "UTC".into(),
        role: trainload::store::users::Role::Athlete,
    };
    trainload::store::users::add(store, &user, 0)
        .await
        .unwrap()
        .0
}

/// Asserts the house error body.
pub fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["code"], code, "body: {body}");
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "body: {body}"
    );
    assert!(body.get("detail").is_some(), "body: {body}");
    assert!(
        body["request_id"].as_str().is_some_and(|r| !r.is_empty()),
        "body: {body}"
    );
}

/// Adds a user with `role` and opens a session for them: their id and the `Cookie` header
/// value a browser would send.
pub async fn signed_in(
    store: &Store,
    name: &str,
    role: trainload::store::users::Role,
) -> (i64, String) {
    let user = trainload::store::users::NewUser {
        name: name.into(),
        sex: None,
        birth_year: None,
        time_zone: "UTC".into(),
        role,
    };
    let id = trainload::store::users::add(store, &user, 0).await.unwrap();
    (id.0, session_cookie(store, id).await)
}

/// Opens a session for `user`: the `Cookie` header value a browser would send.
pub async fn session_cookie(store: &Store, user: trainload::store::users::UserId) -> String {
    let set_cookie = trainload::http::athlete::session::open(store, user, false)
        .await
        .unwrap();
    set_cookie.split(';').next().unwrap().to_owned()
}

/// A client that does not follow redirects (to see a form's 303 and where it points).
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}
