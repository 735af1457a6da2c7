//! The one application state every handler shares. Cheap to clone: all `Arc`s.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use queue::{Job, Scheduler};

use super::SchedulerStatus;
use super::admin_token::AdminToken;
use crate::live::LiveHub;
use crate::shutdown::Shutdown;
use crate::store::Store;
use crate::sync::SyncContext;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    /// The durable scheduler and task queue (its tables live in the store's database).
    pub scheduler: Scheduler,
    /// The application's database.
    pub store: Store,
    /// The registered jobs by id (`/sync/test` runs `quick_sync`'s handler inline).
    pub jobs: Arc<BTreeMap<String, Arc<dyn Job>>>,
    /// The admin bearer token's digest.
    pub admin: Arc<AdminToken>,
    /// This process's tick loop, for `/health` and `scheduler_running`.
    pub status: Arc<SchedulerStatus>,
    /// The process's stop flag (long polls end when it rises).
    pub shutdown: Shutdown,
    /// Longest `POST /sync/test` runs inline before answering 504.
    pub inline_sync_limit: Duration,
    /// How the site is reached and signed into.
    pub web: Arc<WebSettings>,
    /// The provider clients for sign-in and connecting accounts; `None` when the process was
    /// built without them (then Strava sign-in and Intervals.icu connecting are unavailable).
    pub providers: Option<SyncContext>,
    /// New events for the `/events` streams of this process.
    pub live: LiveHub,
    /// Strava's webhook callback; `None` answers 404 there.
    pub webhooks: Option<Arc<crate::http::webhooks::WebhookReceiver>>,
    /// `GET /metrics` answers only with the admin bearer token.
    pub metrics_require_token: bool,
}

/// Who may read `GET /metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum MetricsAccess {
    /// Anyone when the server listens on loopback only, the admin token otherwise.
    #[default]
    Auto,
    /// Only with the admin bearer token.
    Token,
    /// Anyone who reaches the port.
    Open,
}

impl MetricsAccess {
    /// Whether the token is required for a server listening on `listen`.
    pub fn require_token(self, listen: Option<std::net::SocketAddr>) -> bool {
        match self {
            Self::Token => true,
            Self::Open => false,
            Self::Auto => !listen.is_some_and(|addr| addr.ip().is_loopback()),
        }
    }
}

/// How the site is reached and signed into.
#[derive(Debug, Clone, Default)]
pub struct WebSettings {
    /// The public base URL (`https://training.example`, no trailing slash); `None` derives it
    /// from each request's `Host` header, which suits a server on loopback only.
    pub public_url: Option<String>,
    /// Strava's OAuth redirect URL [default: `{public URL}/auth/strava/callback`].
    pub strava_redirect_url: Option<String>,
    /// Demo mode: `/` lists the athletes and `/demo/login/{id}` signs in without a password.
    pub demo: bool,
    /// Demo mode: the simulator's index of each Strava athlete id, so that signing in or
    /// reconnecting through the simulated Strava approves that athlete (the simulator's
    /// authorize page asks nobody).
    pub sim_strava_athletes: BTreeMap<String, usize>,
}

impl WebSettings {
    /// Whether cookies get `Secure`: the site is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.to_ascii_lowercase().starts_with("https://"))
    }

    /// The public base URL, or `http://{host}` from the request when none is configured.
    pub fn base_url(&self, host: Option<&str>) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", host.unwrap_or("127.0.0.1:8000")),
        }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("scheduler", &self.scheduler)
            .field("jobs", &self.jobs.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}
