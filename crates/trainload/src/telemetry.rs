//! Logging: one `tracing` subscriber for the long-running commands, filtered by `RUST_LOG`
//! (default `info`), written to stderr so stdout stays free for command output.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the subscriber; a second call (tests start several apps) is a no-op.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour())
        .try_init();
}

/// Colour only on a terminal, and never when `NO_COLOR` is set to anything but empty
/// (<https://no-color.org>).
pub fn colour() -> bool {
    let refused = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !refused && std::io::stderr().is_terminal()
}
