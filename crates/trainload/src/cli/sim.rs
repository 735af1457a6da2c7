//! `trainload sim`: the simulator of Strava and Intervals.icu alone, for tests, benchmarks and
//! trying the clients by hand. Prints one JSON line with the base URLs and credentials once it
//! listens, then serves until interrupted.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use sim::{FaultKind, Sim, SimClock, SimConfig, parse_fault};

/// Arguments of `trainload sim`.
#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// Address to listen on (port 0 picks a free port; the JSON line says which).
    #[arg(long, default_value = "127.0.0.1:0", env = "TRAINLOAD_SIM_LISTEN")]
    pub listen: SocketAddr,
    /// Number of simulated athletes.
    #[arg(long, default_value_t = 10)]
    pub athletes: usize,
    /// Seed: the same seed always gives the same athletes and data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Days of history before the simulator's clock.
    #[arg(long, default_value_t = 120)]
    pub history_days: u32,
    /// A fault for one athlete, `INDEX:KIND` (repeatable); KIND is one of strava-5xx,
    /// strava-429, strava-timeout, strava-malformed, strava-revoked, streams-not-ready,
    /// intervals-5xx, intervals-malformed, intervals-401, duplicate-webhooks.
    #[arg(long = "fault", value_parser = parse_fault_arg)]
    pub faults: Vec<(usize, FaultKind)>,
}

fn parse_fault_arg(text: &str) -> Result<(usize, FaultKind), String> {
    parse_fault(text).map_err(|e| e.to_string())
}

/// Starts the simulator and serves until Ctrl-C.
///
/// # Errors
/// The address cannot be bound, or stdout is closed.
pub async fn run(args: SimArgs) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let mut config = SimConfig::new(args.seed, args.athletes);
    // Real time, so that clients using the system clock see "now" where the simulator does
    // (tests use the library with a fixed clock instead).
    config.clock = SimClock::real(1.0);
    config.history_days = args.history_days;
    config.faults = args.faults;
    let handle = Sim::start(config, listener).context("starting the simulator")?;
    let line = serde_json::to_string(&handle.info()).context("encoding the simulator info")?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}").context("writing the simulator info")?;
    stdout.flush().context("writing the simulator info")?;
    drop(stdout);
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    handle.shutdown();
    Ok(ExitCode::SUCCESS)
}
