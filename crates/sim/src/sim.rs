//! The public entry points: start a simulator on a bound listener, read its connection info and
//! hidden truths, stop it.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::clock::SimClock;
use crate::config::SimConfig;
use crate::model::athlete::{Profile, Sex, Truth};
use crate::server::{self, Shared, lock};

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The listener has no local address.
    #[error("simulator listener has no local address: {0}")]
    Listener(#[source] std::io::Error),
}

/// The simulator.
#[derive(Debug)]
pub struct Sim;

/// A running simulator; dropping it does not stop the server (call [`SimHandle::shutdown`]).
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
}

/// What `trainload sim` prints: base URLs, the app's client credentials and each athlete's
/// credentials. Serialises with exactly the documented keys (and reads them back, for a process
/// that started `trainload sim`); `Debug` redacts the secrets.
#[derive(Clone, Serialize, Deserialize)]
pub struct SimInfo {
    /// `http://ADDR/strava/api/v3`.
    pub strava_api_base: String,
    /// `http://ADDR/strava/oauth`.
    pub strava_oauth_base: String,
    /// `http://ADDR/intervals`.
    pub intervals_base: String,
    /// The Strava application's client id.
    pub client_id: String,
    /// The Strava application's client secret.
    pub client_secret: String,
    /// One entry per athlete.
    pub athletes: Vec<SimAthleteInfo>,
}

/// One athlete in [`SimInfo`].
#[derive(Clone, Serialize, Deserialize)]
pub struct SimAthleteInfo {
    /// Index in `0..athletes`.
    pub index: usize,
    /// Display name.
    pub name: String,
    /// `male` or `female`.
    pub sex: Sex,
    /// Strava athlete id.
    pub strava_athlete_id: i64,
    /// The athlete's current Strava refresh token (scope `read,activity:read_all`).
    pub strava_refresh_token: String,
    /// `i…`, or `None` without an Intervals.icu account.
    pub intervals_athlete_id: Option<String>,
    /// Intervals.icu API key, or `None` without an account.
    pub intervals_api_key: Option<String>,
    /// `cyclist`, `runner`, `triathlete`, `hr_only`, `no_wellness` or `no_intervals`.
    pub profile: Profile,
    /// The athlete's IANA time zone (their activities' local days follow it).
    pub timezone: String,
}

impl fmt::Debug for SimInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimInfo")
            .field("strava_api_base", &self.strava_api_base)
            .field("intervals_base", &self.intervals_base)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("athletes", &self.athletes)
            .finish()
    }
}

impl fmt::Debug for SimAthleteInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimAthleteInfo")
            .field("index", &self.index)
            .field("profile", &self.profile)
            .field("strava_athlete_id", &self.strava_athlete_id)
            .field("intervals_athlete_id", &self.intervals_athlete_id)
            .field("credentials", &"[redacted]")
            .finish()
    }
}

impl Sim {
    /// Starts serving on `listener` (bind `127.0.0.1:0` first). Must run inside a Tokio runtime.
    pub fn start(config: SimConfig, listener: TcpListener) -> Result<SimHandle, SimError> {
        let addr = listener.local_addr().map_err(SimError::Listener)?;
        let shared = Arc::new(Shared::new(config));
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(server::serve(listener, shared.clone(), stopped.clone()));
        tokio::spawn(server::run_webhooks(shared.clone(), stopped));
        Ok(SimHandle { addr, shared, stop })
    }
}

impl SimHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URLs and credentials.
    pub fn info(&self) -> SimInfo {
        let base = server::base(self.addr);
        let shared = &self.shared;
        let athletes = shared
            .world
            .athletes
            .iter()
            .map(|a| SimAthleteInfo {
                index: a.index,
                name: format!("{} {}", a.firstname, a.lastname),
                sex: a.sex,
                strava_athlete_id: a.strava_id,
                strava_refresh_token: lock(&shared.auth)
                    .grants
                    .get(a.index)
                    .map(|g| g.refresh_token.clone())
                    .unwrap_or_default(),
                intervals_athlete_id: a.intervals_id.clone(),
                intervals_api_key: shared.intervals_key(a.index),
                profile: a.profile,
                timezone: a.zone.name.to_owned(),
            })
            .collect();
        SimInfo {
            strava_api_base: format!("{base}/strava/api/v3"),
            strava_oauth_base: format!("{base}/strava/oauth"),
            intervals_base: format!("{base}/intervals"),
            client_id: shared.client_id.clone(),
            client_secret: shared.client_secret.clone(),
            athletes,
        }
    }

    /// The hidden truth of athlete `index`.
    pub fn truth(&self, index: usize) -> Option<Truth> {
        self.shared.world.athletes.get(index).map(|a| a.truth)
    }

    /// The IANA time zone of athlete `index`.
    pub fn timezone(&self, index: usize) -> Option<&'static str> {
        self.shared.world.athletes.get(index).map(|a| a.zone.name)
    }

    /// The simulator's clock (give the product the same one).
    pub fn clock(&self) -> &SimClock {
        &self.shared.config.clock
    }

    /// Request counters and rate-limit usage, as served at `/sim/stats`.
    pub fn stats(&self) -> Value {
        server::stats_json(&self.shared)
    }

    /// Webhook events sent and not yet delivered or given up.
    pub fn webhooks_in_flight(&self) -> usize {
        self.shared
            .webhooks_in_flight
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// (activity id, epoch s it became visible) of athlete `index`'s generated activities that
    /// became visible in `(from_s, to_s]`: when a real athlete would have uploaded them.
    pub fn uploads_between(&self, index: usize, from_s: i64, to_s: i64) -> Vec<(i64, i64)> {
        server::uploads_between(&self.shared, index, from_s, to_s)
    }

    /// Sends the `create` events of activities that became visible since the last scan now,
    /// instead of at the next quarter-second scan (for benchmarks that move the clock).
    pub fn scan_webhooks(&self) {
        server::scan_webhooks(&self.shared);
    }

    /// Stops accepting connections and ends open ones.
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }
}
