//! `trainload serve`: the HTTP API, the tick loop and the worker slots in one process, with one
//! graceful shutdown on SIGTERM/SIGINT.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use jiff::tz::TimeZone;
use queue::Clock;
use secrecy::SecretString;

use crate::config::{ProviderArgs, StoreArgs};
use crate::http::MetricsAccess;
use crate::startup::{Application, Settings};

/// Scheduler settings shared by `serve` and `worker` (docs/scheduler.md §1).
#[derive(Debug, Clone, clap::Args)]
pub struct SchedulerArgs {
    /// Concurrent tasks in this process (0: none, the API and tick loop only).
    #[arg(long, env = "TRAINLOAD_WORKERS", default_value_t = 4, value_name = "N")]
    pub workers: usize,
    /// IANA time zone of every calendar job (e.g. Europe/Berlin).
    #[arg(
        long,
        env = "TRAINLOAD_TIME_ZONE",
        default_value = "UTC",
        value_name = "ZONE"
    )]
    pub time_zone: String,
    /// Do not run the tick loop here (workers only).
    #[arg(long, env = "TRAINLOAD_NO_SCHEDULER")]
    pub no_scheduler: bool,
    /// Seconds in-flight tasks get to finish after SIGTERM.
    #[arg(
        long,
        env = "TRAINLOAD_SHUTDOWN_GRACE_S",
        default_value_t = 25,
        value_name = "S"
    )]
    pub shutdown_grace_s: u64,
}

impl SchedulerArgs {
    /// The validated zone.
    ///
    /// # Errors
    /// A name the bundled time zone database does not know.
    pub fn zone(&self) -> anyhow::Result<TimeZone> {
        TimeZone::get(&self.time_zone).with_context(|| {
            format!(
                "TRAINLOAD_TIME_ZONE / --time-zone: unknown IANA time zone {:?}",
                self.time_zone
            )
        })
    }

    /// `Settings` over `store` with these values.
    ///
    /// # Errors
    /// An unknown time zone.
    pub fn settings(&self, store: StoreArgs) -> anyhow::Result<Settings> {
        let mut settings = Settings::new(store);
        settings.workers = self.workers;
        settings.zone = self.zone()?;
        settings.scheduler_enabled = !self.no_scheduler;
        settings.shutdown_grace = Duration::from_secs(self.shutdown_grace_s);
        Ok(settings)
    }
}

/// Arguments of `trainload serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address the API listens on.
    #[arg(
        long,
        env = "TRAINLOAD_LISTEN",
        default_value = "127.0.0.1:8000",
        value_name = "ADDR"
    )]
    pub listen: SocketAddr,
    /// Admin bearer token [default: `admin-token` in the data directory, generated on first
    /// start]. Prefer the environment variable: flags show in `ps`.
    #[arg(
        long,
        env = "TRAINLOAD_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub admin_token: Option<String>,
    /// The URL browsers reach this server at (e.g. `https://training.example`): the base of
    /// the Strava redirect URL; `https://` also marks cookies `Secure` [default: derived from
    /// each request's Host header, for a server on loopback].
    #[arg(long, env = "TRAINLOAD_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Who may read `/metrics`: `auto` (anyone on a loopback listener, the admin token
    /// otherwise), `token` or `open`.
    #[arg(
        long,
        env = "TRAINLOAD_METRICS_ACCESS",
        value_enum,
        default_value_t = MetricsAccess::Auto,
        value_name = "WHO"
    )]
    pub metrics_access: MetricsAccess,
    /// Scheduler settings.
    #[command(flatten)]
    pub scheduler: SchedulerArgs,
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Provider endpoints and credentials.
    #[command(flatten)]
    pub providers: ProviderArgs,
}

/// Runs until SIGTERM or SIGINT.
///
/// # Errors
/// Invalid settings, a second scheduling process on a SQLite file, or a failed start.
pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    crate::telemetry::init();
    let mut settings = args.scheduler.settings(args.store.clone())?;
    settings.listen = Some(args.listen);
    settings.admin_token = args.admin_token.map(SecretString::from);
    settings.web.public_url = args.public_url;
    settings.metrics = args.metrics_access;
    settings.web.strava_redirect_url = args.providers.strava_redirect_url.clone();
    start(settings, args.providers).await
}

/// Builds the application with the registered jobs and runs it until a signal arrives.
pub(crate) async fn start(settings: Settings, providers: ProviderArgs) -> anyhow::Result<ExitCode> {
    // The scheduler's clock (the system clock, or a test's file clock) drives the sync too.
    let clock: Arc<dyn Clock> = settings.clock.clone();
    let public_url = settings.web.public_url.clone();
    let data_dir = settings.store.data_dir.clone();
    let mut built_ctx = None;
    let app = Application::build(settings, |store| {
        let mut ctx = providers
            .sync_context(store, clock)
            .context("building the provider clients")?;
        ctx.push = providers.push(&data_dir)?;
        let jobs = crate::jobs::all(&ctx).context("defining the jobs")?;
        built_ctx = Some(ctx);
        Ok(jobs)
    })
    .await?;
    let app = match built_ctx {
        Some(ctx) => {
            if let (Some(url), Some(strava)) = (public_url, ctx.strava.clone()) {
                crate::subscription::spawn_ensure(ctx.store.clone(), strava, url);
            }
            app.with_providers(ctx)
        }
        None => app,
    };
    if let Some(port) = app.port() {
        tracing::info!(port, "listening");
    }
    app.run_until_stopped(crate::shutdown::signal()).await?;
    Ok(ExitCode::SUCCESS)
}
