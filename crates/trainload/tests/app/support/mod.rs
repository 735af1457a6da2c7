//! Test support for the `trainload` crate: temporary directories and databases on both engines
//! ([`db`]), the app on a free port ([`app`]), a simulator with a sync context on its clock
//! ([`world`]), a running demo ([`demo`]) and a Server-Sent Events reader ([`sse`]).

#[macro_use]
pub mod db;

pub mod app;
pub mod demo;
pub mod sse;
pub mod world;

use std::sync::atomic::{AtomicU64, Ordering};

use sim::{Sim, SimConfig, SimHandle};

/// A name no other test of any process uses: `prefix`, the process id, the time and a counter.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{nanos}_{n}", std::process::id())
}

/// A fresh temporary directory, removed on drop.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("trainload_test")
        .tempdir()
        .unwrap()
}

/// The simulator with `config` on 127.0.0.1, on a free port.
pub async fn start_sim(config: SimConfig) -> SimHandle {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    Sim::start(config, listener).unwrap()
}

/// Runs `work` to completion on a thread and runtime of its own (usable from `Drop`, inside or
/// outside a runtime).
pub fn on_a_runtime_of_its_own<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(work)
    })
    .join()
    .unwrap()
}
