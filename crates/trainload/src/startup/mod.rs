//! Building and running the long-lived process (`serve`, `worker`): open and lock the store,
//! migrate the scheduler's tables, register the jobs, bind the listener (port 0 allowed), then
//! run the HTTP API, the tick loop and the worker slots under one shutdown signal.

pub mod app;
pub mod background;
pub mod lock;
pub mod node;
pub mod test_clock;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use jiff::tz::TimeZone;
use queue::{Clock, Job, NodeMode, Scheduler, SchedulerConfig, SystemClock};
use secrecy::SecretString;
use tokio::net::TcpListener;
use tracing::{info, warn};

use crate::config::StoreArgs;
use crate::http::admin_token::{AdminToken, AdminTokenSource};
use crate::http::webhooks::WebhookReceiver;
use crate::http::{AppState, MetricsAccess, SchedulerStatus, WebSettings};
use crate::shutdown::Shutdown;
use crate::store::Store;
use lock::DatabaseLock;

/// Everything `serve` and `worker` are configured with, already validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the API listens; `None` runs no HTTP server (`trainload worker`).
    pub listen: Option<SocketAddr>,
    /// Where the data lives.
    pub store: StoreArgs,
    /// Concurrent tasks in this process (0: no worker slots).
    pub workers: usize,
    /// Zone of every calendar job.
    pub zone: TimeZone,
    /// Run the tick loop in this process.
    pub scheduler_enabled: bool,
    /// The admin token; `None` reads or creates `<data-dir>/admin-token`.
    pub admin_token: Option<SecretString>,
    /// Period of the tick loop.
    pub tick_interval: Duration,
    /// Time in-flight tasks get to finish after the shutdown signal.
    pub shutdown_grace: Duration,
    /// Longest `POST /sync/test` runs inline before answering 504.
    pub inline_sync_limit: Duration,
    /// Task lease length, ms.
    pub lease_ms: i64,
    /// "Now" for the scheduler.
    pub clock: Arc<dyn Clock>,
    /// Public URL, Strava redirect URL and demo mode of the web pages.
    pub web: WebSettings,
    /// How long a task queued by a webhook `create` / `update` waits for more events, ms.
    pub webhook_delays_ms: (i64, i64),
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
}

impl Settings {
    /// The docs/scheduler.md §1 defaults over `store`: HTTP on 127.0.0.1:8000, 4 workers, UTC.
    pub fn new(store: StoreArgs) -> Self {
        Self {
            listen: Some(SocketAddr::from(([127, 0, 0, 1], 8000))),
            store,
            workers: 4,
            zone: TimeZone::UTC,
            scheduler_enabled: true,
            admin_token: None,
            tick_interval: Duration::from_secs(5),
            shutdown_grace: Duration::from_secs(25),
            inline_sync_limit: Duration::from_secs(120),
            lease_ms: 60_000,
            clock: Arc::new(SystemClock),
            web: WebSettings::default(),
            webhook_delays_ms: (120_000, 30_000),
            metrics: MetricsAccess::Auto,
        }
    }
}

/// A built process, ready to run.
#[derive(Debug)]
pub struct Application {
    listener: Option<TcpListener>,
    state: AppState,
    settings: Settings,
    _lock: Option<DatabaseLock>,
}

impl Application {
    /// Locks (SQLite) and opens the store, migrates the scheduler's tables, builds the jobs with
    /// `jobs` over the store, registers them and binds the listener.
    ///
    /// # Errors
    /// A second scheduling process on a SQLite file, an unusable store, a failed migration or
    /// registration, an unusable admin token, or an address that cannot be bound.
    pub async fn build(
        settings: Settings,
        jobs: impl FnOnce(&Store) -> anyhow::Result<Vec<Arc<dyn Job>>>,
    ) -> anyhow::Result<Self> {
        let lock = DatabaseLock::acquire(&settings.store.database_url())?;
        let store = settings.store.open().await?;
        let db = store.queue_db();
        db.migrate()
            .await
            .context("migrating the scheduler tables")?;
        let jobs = jobs(&store).context("building the jobs")?;
        let job_map: BTreeMap<String, Arc<dyn Job>> = jobs
            .iter()
            .map(|job| (job.id().to_owned(), job.clone()))
            .collect();
        let mut config = SchedulerConfig::new(settings.zone.clone(), node::new_node_id());
        config.lease_ms = settings.lease_ms;
        config.heartbeat_ms = (settings.lease_ms / 3).max(1);
        let scheduler = Scheduler::new(db, settings.clock.clone(), config, jobs);
        scheduler
            .register_jobs()
            .await
            .context("registering the jobs")?;
        let admin = admin_token(&settings)?;
        let listener = match settings.listen {
            Some(address) => Some(
                TcpListener::bind(address)
                    .await
                    .with_context(|| format!("binding {address}"))?,
            ),
            None => None,
        };
        let mode = match (settings.workers, listener.is_some()) {
            (0, _) => NodeMode::NoWorkers,
            (_, true) => NodeMode::Serve,
            (_, false) => NodeMode::Worker,
        };
        let host = node::host_of(&scheduler.config().node_id);
        scheduler
            .register_node(host, mode, env!("CARGO_PKG_VERSION"))
            .await
            .context("registering this node")?;
        let status = SchedulerStatus::new(
            settings.scheduler_enabled,
            settings.tick_interval,
            scheduler.now_ms(),
        );
        let newest_event = crate::store::events::latest_id(&store)
            .await
            .context("reading the newest event")?;
        let webhooks = match listener {
            Some(_) => Some(Arc::new(WebhookReceiver {
                secrets: crate::store::webhooks::secrets(&store, scheduler.now_ms())
                    .await
                    .context("reading the webhook secrets")?,
                create_delay_ms: settings.webhook_delays_ms.0,
                update_delay_ms: settings.webhook_delays_ms.1,
            })),
            None => None,
        };
        let state = AppState {
            scheduler,
            store,
            jobs: Arc::new(job_map),
            admin: Arc::new(admin),
            status: Arc::new(status),
            shutdown: Shutdown::new(),
            inline_sync_limit: settings.inline_sync_limit,
            web: Arc::new(settings.web.clone()),
            providers: None,
            live: crate::live::LiveHub::new(newest_event),
            webhooks,
            metrics_require_token: settings.metrics.require_token(settings.listen),
        };
        Ok(Self {
            listener,
            state,
            settings,
            _lock: lock,
        })
    }

    /// Gives the web pages the provider clients of `ctx` (Strava sign-in, connecting
    /// Intervals.icu, disconnecting).
    #[must_use]
    pub fn with_providers(mut self, ctx: crate::sync::SyncContext) -> Self {
        ctx.push.attach(&self.state.scheduler);
        self.state.providers = Some(ctx);
        self
    }

    /// The port the API listens on (the real one when built with port 0).
    pub fn port(&self) -> Option<u16> {
        self.listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
            .map(|a| a.port())
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// The scheduler.
    pub fn scheduler(&self) -> &Scheduler {
        &self.state.scheduler
    }

    /// Runs the API, the tick loop and the workers until `stop` resolves; then stops ticking
    /// and claiming, gives in-flight tasks the grace period, releases the rest, and stops the
    /// server.
    ///
    /// # Errors
    /// The server failed.
    pub async fn run_until_stopped(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self {
            listener,
            state,
            settings,
            _lock,
        } = self;
        let shutdown = state.shutdown.clone();
        let scheduler = state.scheduler.clone();
        let node_id = scheduler.config().node_id.clone();
        info!(node = %node_id, workers = settings.workers, scheduler = settings.scheduler_enabled,
            zone = settings.zone.iana_name().unwrap_or("UTC"), "started");
        let server = listener.map(|listener| {
            let router = app::router(state.clone());
            let stopping = shutdown.clone();
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move { stopping.wait().await })
                    .await
            })
        });
        // Only a process that serves browsers needs to watch the events table.
        let poller = server.is_some().then(|| {
            tokio::spawn(crate::live::poll_until_stopped(
                state.store.clone(),
                state.live.clone(),
                shutdown.subscribe(),
            ))
        });
        let ticker = settings.scheduler_enabled.then(|| {
            tokio::spawn(background::tick_loop(
                scheduler.clone(),
                state.status.clone(),
                settings.tick_interval,
                shutdown.subscribe(),
            ))
        });
        let workers = (settings.workers > 0).then(|| {
            let scheduler = scheduler.clone();
            let receiver = shutdown.subscribe();
            let (slots, grace) = (settings.workers, settings.shutdown_grace);
            tokio::spawn(async move { scheduler.run_workers(slots, receiver, grace).await })
        });
        stop.await;
        info!("stopping: no more ticks or claims; in-flight tasks get the grace period");
        shutdown.trigger();
        for handle in [poller, ticker, workers].into_iter().flatten() {
            if let Err(error) = handle.await {
                warn!(%error, "a background loop ended abnormally");
            }
        }
        let served = match server {
            Some(handle) => stop_server(handle, settings.shutdown_grace).await,
            None => Ok(()),
        };
        if let Err(error) = scheduler.node_stopped().await {
            warn!(%error, "could not mark this node as stopped");
        }
        info!(node = %node_id, "stopped");
        served
    }
}

/// Waits for the server's graceful shutdown, at most `grace` (open long-polls are cut).
async fn stop_server(
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
    grace: Duration,
) -> anyhow::Result<()> {
    let abort = handle.abort_handle();
    match tokio::time::timeout(grace + Duration::from_secs(1), handle).await {
        Ok(Ok(result)) => result.context("serving HTTP"),
        Ok(Err(error)) => Err(anyhow::anyhow!("the HTTP server task failed: {error}")),
        Err(_) => {
            abort.abort();
            warn!("open HTTP requests were cut at the end of the grace period");
            Ok(())
        }
    }
}

/// The admin token, with one log line saying where it is (never the token).
fn admin_token(settings: &Settings) -> anyhow::Result<AdminToken> {
    if settings.listen.is_none() {
        // No HTTP, no admin requests: a random token nobody knows, and no file is created.
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        let random: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        return Ok(AdminToken::new(&SecretString::from(random)));
    }
    let (token, source) =
        AdminToken::load(&settings.store.data_dir, settings.admin_token.as_ref())?;
    match source {
        AdminTokenSource::Environment => info!("admin token from TRAINLOAD_ADMIN_TOKEN"),
        AdminTokenSource::File { path, created } => {
            info!(path = %path.display(), created, "admin token file (send it as Authorization: Bearer <token>)");
        }
    }
    Ok(token)
}
