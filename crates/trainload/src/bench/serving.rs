//! The real application serving a bench database on a free loopback port, for the latency
//! scenarios: built from [`settings`], started, measured over HTTP, stopped.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::db::BenchDb;
use crate::startup::{Application, Settings};
use crate::store::Store;
use crate::store::users::UserId;

/// Settings of a server on `127.0.0.1:0` over `db` with `workers` task slots and no tick loop
/// (a scenario starts the runs it measures itself).
pub fn settings(db: &BenchDb, workers: usize) -> Settings {
    let mut settings = Settings::new(db.store_args());
    settings.listen = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
    settings.workers = workers;
    settings.scheduler_enabled = false;
    settings.shutdown_grace = Duration::from_secs(2);
    settings
}

/// A running application; call [`Serving::stop`].
#[derive(Debug)]
pub struct Serving {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    server: JoinHandle<anyhow::Result<()>>,
}

impl Serving {
    /// Runs `app` in the background until [`Serving::stop`].
    ///
    /// # Errors
    /// The application was built without an HTTP listener.
    pub fn start(app: Application) -> anyhow::Result<Self> {
        let port = app.port().context("the application has no port")?;
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Ok(Self {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            stop,
            server,
        })
    }

    /// Stops the application and waits for it.
    ///
    /// # Errors
    /// The application failed while it ran or stopped.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.server.await.context("the application task failed")?
    }
}

/// The `name=value` session cookie of a new session for `user`.
///
/// # Errors
/// The session could not be stored.
pub async fn session_cookie(store: &Store, user: UserId) -> anyhow::Result<String> {
    let set_cookie = crate::http::athlete::session::open(store, user, false)
        .await
        .map_err(|e| anyhow::anyhow!("opening a session: {e:?}"))?;
    Ok(set_cookie.split(';').next().unwrap_or_default().to_owned())
}
