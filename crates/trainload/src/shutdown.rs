//! One shutdown signal for the whole process: the HTTP server, the tick loop and
//! every worker slot watch the same flag, so SIGTERM stops them together.

use tokio::sync::watch;

/// The process-wide stop flag. Cloning shares it.
#[derive(Debug, Clone)]
pub struct Shutdown {
    sender: watch::Sender<bool>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    /// A flag that is not yet raised.
    pub fn new() -> Self {
        let (sender, _) = watch::channel(false);
        Self { sender }
    }

    /// Raises the flag; every subscriber sees it.
    pub fn trigger(&self) {
        self.sender.send_replace(true);
    }

    /// A receiver for loops that poll or select on the flag.
    pub fn subscribe(&self) -> watch::Receiver<bool> {
        self.sender.subscribe()
    }

    /// Resolves once the flag is raised.
    pub async fn wait(&self) {
        let mut receiver = self.subscribe();
        // An error means every sender is gone, which cannot happen while `self` lives.
        let _ = receiver.wait_for(|stop| *stop).await;
    }
}

/// Like [`signal`], but listening from this call on rather than from the first poll, so a
/// process that announces it is ready before it starts waiting cannot be killed by a signal
/// that arrives in between.
///
/// # Errors
/// The signal handlers cannot be installed.
#[cfg(unix)]
pub fn listen_now() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => tracing::info!(signal = "SIGINT", "shutdown requested"),
            _ = terminate.recv() => tracing::info!(signal = "SIGTERM", "shutdown requested"),
        }
    })
}

/// Like [`signal`] (elsewhere than Unix, Ctrl-C is listened for from the first poll).
///
/// # Errors
/// None here.
#[cfg(not(unix))]
pub fn listen_now() -> std::io::Result<impl Future<Output = ()>> {
    Ok(signal())
}

/// Resolves on SIGINT (Ctrl-C) or, on Unix, SIGTERM; logs which one arrived.
pub async fn signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!(signal = "SIGINT", "shutdown requested"),
        () = terminate => tracing::info!(signal = "SIGTERM", "shutdown requested"),
    }
}
