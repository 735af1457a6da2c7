//! The HTTP server: one router for both fake providers and the control API, served through
//! hyper's HTTP/1 builder with title-case header names (`X-Ratelimit-Limit`, as Strava sends).

// Handlers and their helpers return a ready axum `Response` as the error early-out; boxing it
// would only add an allocation on the error path.
#![allow(clippy::result_large_err)]

mod activities;
mod activity_json;
mod control;
mod faults;
mod intervals;
mod limits;
mod oauth;
mod reply;
pub(crate) mod state;
mod streams;
mod webhooks;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::{FaultKind, SimConfig};
use crate::model::World;
use crate::rng::{hash, hex40, tag};
use state::{AuthState, LogEntry, Overlay, RateWindows, Stats};

pub(crate) use control::stats_json;
pub(crate) use reply::AthleteTag;
pub(crate) use webhooks::run as run_webhooks;
pub(crate) use webhooks::{scan as scan_webhooks, uploads_between};

/// Shared state of a running simulator.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: SimConfig,
    pub world: World,
    pub client_id: String,
    pub client_secret: String,
    pub auth: Mutex<AuthState>,
    pub overlay: Mutex<Overlay>,
    pub stats: Mutex<Stats>,
    pub windows: Mutex<RateWindows>,
    pub intervals_buckets: Mutex<std::collections::HashMap<usize, (std::time::Instant, f64)>>,
    pub webhooks: Mutex<webhooks::Hooks>,
    /// Events sent and not yet delivered or given up, for benchmarks that wait for quiet.
    pub webhooks_in_flight: std::sync::atomic::AtomicUsize,
    pub http: reqwest::Client,
}

/// Locks a mutex, recovering from poisoning (a panicked handler must not wedge the simulator).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(config: SimConfig) -> Self {
        let world = World::new(
            config.seed,
            config.athletes,
            config.clock.now_ms(),
            config.history_days,
            config.unknown_sport_share,
        );
        let revoked: HashSet<usize> = config
            .faults
            .iter()
            .filter(|(_, k)| *k == FaultKind::StravaRevoked)
            .map(|(i, _)| *i)
            .collect();
        let seed = config.seed;
        Self {
            auth: Mutex::new(AuthState::new(seed, config.athletes, &revoked)),
            client_id: (10_000 + hash(&[seed, tag("client")]) % 90_000).to_string(),
            client_secret: hex40(&[seed, tag("secret")]),
            world,
            overlay: Mutex::new(Overlay::default()),
            stats: Mutex::new(Stats::default()),
            windows: Mutex::new(RateWindows::default()),
            intervals_buckets: Mutex::new(std::collections::HashMap::new()),
            webhooks: Mutex::new(webhooks::Hooks::default()),
            webhooks_in_flight: std::sync::atomic::AtomicUsize::new(0),
            http: reqwest::Client::builder()
                .timeout(config.webhook_timeout)
                .build()
                .unwrap_or_default(),
            config,
        }
    }

    /// Whether `kind` is configured for athlete `index`.
    pub(crate) fn has_fault(&self, index: usize, kind: FaultKind) -> bool {
        self.config
            .faults
            .iter()
            .any(|&(i, k)| i == index && k == kind)
    }

    /// The Intervals.icu API key of an athlete with an account.
    pub(crate) fn intervals_key(&self, index: usize) -> Option<String> {
        let athlete = self.world.athletes.get(index)?;
        athlete.intervals_id.as_ref()?;
        Some(hex40(&[self.config.seed, index as u64, tag("icu-key")])[..26].to_owned())
    }
}

/// The stats name of a matched route.
fn endpoint_name(path: &str) -> Option<&'static str> {
    Some(match path {
        "/strava/oauth/authorize" => "strava.oauth.authorize",
        "/strava/oauth/token" | "/strava/api/v3/oauth/token" => "strava.oauth.token",
        "/strava/oauth/deauthorize" => "strava.oauth.deauthorize",
        "/strava/api/v3/athlete" => "strava.athlete",
        "/strava/api/v3/athlete/activities" => "strava.activities",
        "/strava/api/v3/activities/{id}" => "strava.activity",
        "/strava/api/v3/activities/{id}/streams" => "strava.streams",
        "/strava/api/v3/push_subscriptions" | "/strava/api/v3/push_subscriptions/{id}" => {
            "strava.push_subscriptions"
        }
        "/intervals/api/v1/athlete/{id}" => "intervals.athlete",
        "/intervals/api/v1/athlete/{id}/wellness" => "intervals.wellness",
        "/intervals/api/v1/athlete/{id}/wellness/{date}" => "intervals.wellness_day",
        _ => return None,
    })
}

/// Counts and logs every provider request (control calls are not counted).
async fn record(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|p| endpoint_name(p.as_str()));
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let response = next.run(request).await;
    if let Some(endpoint) = endpoint {
        let athlete = response.extensions().get::<AthleteTag>().map(|t| t.0);
        let status = response.status().as_u16();
        lock(&shared.stats).record(LogEntry {
            method,
            path,
            query,
            endpoint,
            athlete,
            status,
        });
    }
    response
}

fn router(shared: Arc<Shared>) -> Router {
    let strava_api =
        activities::router()
            .merge(webhooks::router())
            .layer(middleware::from_fn_with_state(
                shared.clone(),
                limits::strava_limits,
            ));
    Router::new()
        .merge(strava_api)
        .merge(oauth::router())
        .merge(intervals::router())
        .layer(middleware::from_fn_with_state(shared.clone(), record))
        .merge(control::router())
        .with_state(shared)
}

/// Accepts connections until shutdown; each is served by hyper with title-case headers.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let app = router(shared);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => return,
        };
        let Ok((stream, _peer)) = accepted else {
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .title_case_headers(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(%error, "simulator connection ended with an error");
                    }
                }
                _ = stop.changed() => connection.as_mut().graceful_shutdown(),
            }
        });
    }
}

/// The address a listener is bound to, for base URLs.
pub(crate) fn base(addr: SocketAddr) -> String {
    format!("http://{addr}")
}
