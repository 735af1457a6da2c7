//! Logging: one `tracing` subscriber for the long-running commands, filtered by `RUST_LOG`
//! (default `info`), written to stderr so stdout stays free for command output.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber; a second call (tests start several apps) is a no-op.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
