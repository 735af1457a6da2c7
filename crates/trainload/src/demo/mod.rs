//! `trainload demo`: the simulator in-process, one user per simulated athlete,
//! onboarded, and the real server over them, so a fresh machine shows a populated dashboard with
//! no accounts or keys. Used by the CLI and by the `demo` test binary alike.

mod athletes;
mod feed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use sim::{Sim, SimClock, SimConfig, SimHandle};
use tokio::net::TcpListener;

use crate::config::StoreArgs;
use crate::startup::{Application, Settings};
use crate::store::users::{self, Role, UserId};
use crate::sync::{OnboardingProgress, SyncContext};

pub use athletes::{add_sim_athlete, sim_sync_context};
pub use feed::{record_activity, spawn_feed};

/// What the demo starts.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Where the server listens.
    pub listen: SocketAddr,
    /// Number of demo athletes: a cyclist with power, a runner, a triathlete, an HR-only athlete,
    /// then one whose Strava access is revoked, then others.
    pub athletes: usize,
    /// Days of history each athlete is onboarded with.
    pub history_days: u32,
    /// Directory for the secret key, the admin token and (without `database_url`) the database.
    pub data_dir: PathBuf,
    /// A database instead of a fresh SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// Concurrent scheduler tasks.
    pub workers: usize,
}

impl DemoOptions {
    /// The quick-start defaults: 5 athletes, 90 days, `127.0.0.1:8000`, a fresh temporary
    /// directory.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
            athletes: 5,
            history_days: 90,
            data_dir,
            database_url: None,
            workers: 2,
        }
    }
}

/// One demo user.
#[derive(Debug, Clone)]
pub struct DemoAthlete {
    /// The user.
    pub user: UserId,
    /// Display name.
    pub name: String,
    /// The simulator's profile (`cyclist`, `runner`, …).
    pub profile: &'static str,
    /// Index in the simulator.
    pub sim_index: usize,
    /// Whether the simulator revoked this athlete's Strava access.
    pub revoked: bool,
}

/// A started demo: the application (not yet running), the simulator and the users.
#[derive(Debug)]
pub struct Demo {
    /// The server, scheduler and workers; call `run_until_stopped`.
    pub app: Application,
    /// The simulator (stop it after the application).
    pub sim: SimHandle,
    /// The sync context the jobs use.
    pub ctx: SyncContext,
    /// The users, in simulator order.
    pub athletes: Vec<DemoAthlete>,
    /// Where the admin token and secret key live.
    pub data_dir: PathBuf,
}

impl Demo {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.app.port().unwrap_or(0))
    }

    /// Subscribes the server to the simulator's webhook events as soon as it answers, so a new
    /// simulated activity arrives within seconds instead of at the next quick sync.
    pub fn subscribe_to_webhooks(&self) -> Option<tokio::task::JoinHandle<()>> {
        let strava = self.ctx.strava.clone()?;
        Some(crate::subscription::spawn_ensure(
            self.ctx.store.clone(),
            strava,
            self.base_url(),
        ))
    }

    /// The password-free sign-in path of `user`.
    pub fn login_path(user: UserId) -> String {
        format!("/demo/login/{}", user.0)
    }
}

/// Starts the simulator (seed 1, real-time clock), builds the application over a store in
/// `options.data_dir` in demo mode (password-free sign-in; "Sign in with Strava" goes to the
/// simulator's OAuth), creates and onboards one user per athlete (`progress` gets one line per
/// phase; the first becomes the admin), and revokes the fifth athlete's Strava access. The
/// application is built but not run.
///
/// # Errors
/// An address that cannot be bound, an unusable store, or a failed onboarding.
pub async fn start(
    options: &DemoOptions,
    progress: &(dyn Fn(&str) + Send + Sync),
) -> anyhow::Result<Demo> {
    std::fs::create_dir_all(&options.data_dir)
        .with_context(|| format!("creating {}", options.data_dir.display()))?;
    let sim = start_sim(options).await?;
    let info = sim.info();
    let mut settings = Settings::new(StoreArgs {
        data_dir: options.data_dir.clone(),
        database_url: options.database_url.clone(),
        secret_key: None,
    });
    settings.listen = Some(options.listen);
    settings.workers = options.workers;
    settings.shutdown_grace = Duration::from_secs(5);
    settings.web.demo = true;
    // Simulated streams are ready at once: no need to wait for a burst of events to gather.
    settings.webhook_delays_ms = (2_000, 1_000);
    settings.web.sim_strava_athletes = info
        .athletes
        .iter()
        .map(|a| (a.strava_athlete_id.to_string(), a.index))
        .collect();
    let mut built_ctx = None;
    let app = Application::build(settings, |store| {
        let ctx = athletes::sim_sync_context(store, &info)?;
        let jobs = crate::jobs::all(&ctx).context("defining the jobs")?;
        built_ctx = Some(ctx);
        Ok(jobs)
    })
    .await?;
    let ctx = built_ctx.context("the jobs were not built")?;
    let app = app.with_providers(ctx.clone());
    let chosen = athletes::choose(&info, options.athletes);
    let mut people = Vec::with_capacity(chosen.len());
    for athlete in &chosen {
        let user = add_sim_athlete(&ctx.store, athlete, crate::store::now_ms()).await?;
        if people.is_empty() {
            // The first user is the admin, so the demo shows the admin pages too.
            users::set_role(&ctx.store, user, Role::Admin).await?;
        }
        let name = athlete.name.clone();
        let report = |p: OnboardingProgress| {
            progress(&format!("{name}: {} {}/{}", p.phase, p.done, p.total));
        };
        let outcome = crate::sync::onboard(&ctx, user, options.history_days, &report)
            .await
            .with_context(|| format!("onboarding {}", athlete.name))?;
        athletes::stamp_sync(&ctx, user, &outcome).await?;
        people.push(DemoAthlete {
            user,
            name: athlete.name.clone(),
            profile: athlete.profile.as_str(),
            sim_index: athlete.index,
            revoked: false,
        });
    }
    if let Some(person) = people.get_mut(athletes::REVOKED_POSITION) {
        athletes::revoke(&ctx, &sim, person).await?;
        progress(&format!(
            "{}: Strava access revoked (re-auth shown)",
            person.name
        ));
    }
    Ok(Demo {
        app,
        sim,
        ctx,
        athletes: people,
        data_dir: options.data_dir.clone(),
    })
}

async fn start_sim(options: &DemoOptions) -> anyhow::Result<SimHandle> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding the simulator")?;
    let mut config = SimConfig::new(1, athletes::sim_population(options.athletes));
    // A margin so the first days of the window have history before them (CTL seed).
    config.history_days = options.history_days + 30;
    // The demo onboards everyone at once; the real limits would stretch that over hours.
    config.rate_limits = None;
    config.intervals_max_rps = None;
    config.clock = SimClock::real(1.0);
    Sim::start(config, listener).context("starting the simulator")
}

/// A fresh directory under the system temp dir for one demo run.
///
/// The directory is kept: `trainload demo` removes it on stop unless told to keep it.
///
/// # Errors
/// A directory that cannot be created.
pub fn fresh_data_dir() -> anyhow::Result<PathBuf> {
    let dir = tempfile::Builder::new()
        .prefix("trainload-demo-")
        .tempdir()
        .context("creating the demo's temporary directory")?;
    Ok(dir.keep())
}

/// A client for the simulator's control API (the feed and the revocation use it).
pub fn sim_client() -> reqwest::Client {
    reqwest::Client::new()
}
