//! `trainload sim`: the simulator of Strava and Intervals.icu alone, for tests, benchmarks and
//! trying the clients by hand. Prints one JSON line with the base URLs and credentials once it
//! listens, then serves until interrupted.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use sim::{FaultKind, Sim, SimClock, SimConfig, SimInfo, parse_fault};

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
    /// Lift Strava's rate limits and Intervals.icu's request rate (to onboard several athletes'
    /// history at once; with them, 100 Strava calls per 15 minutes stop a 90-day import).
    #[arg(long)]
    pub no_rate_limits: bool,
    /// Hold the clock at the simulator's fixed start instead of running it in real time, so
    /// every run serves the same data (benchmarks compare runs this way).
    #[arg(long)]
    pub frozen_clock: bool,
    /// Also write the settings that point TrainingLoad at this simulator, and each athlete's
    /// credentials (`SIM_ATHLETE_<N>_…`), to FILE as shell variables (`set -a; . FILE`).
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
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
    // (tests use the library with a fixed clock instead; so do benchmarks, which read the
    // simulator's clock from its control API).
    if !args.frozen_clock {
        config.clock = SimClock::real(1.0);
    }
    config.history_days = args.history_days;
    config.faults = args.faults;
    if args.no_rate_limits {
        config.rate_limits = None;
        config.intervals_max_rps = None;
    }
    let handle = Sim::start(config, listener).context("starting the simulator")?;
    if let Some(path) = &args.env_file {
        write_env_file(path, &handle.info())?;
    }
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

/// Writes `info` as shell variable assignments: first to a temporary name, then renamed, so a
/// script that waits for the file never reads half of it.
fn write_env_file(path: &Path, info: &SimInfo) -> anyhow::Result<()> {
    let text = env_text(info);
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text).with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))
}

/// The settings of `trainload serve`/`sync`/`jobs` for this simulator, then each athlete's
/// name and credentials, one `NAME='value'` per line.
fn env_text(info: &SimInfo) -> String {
    let mut lines = vec![
        (
            "TRAINLOAD_STRAVA_CLIENT_ID".to_owned(),
            info.client_id.clone(),
        ),
        (
            "TRAINLOAD_STRAVA_CLIENT_SECRET".to_owned(),
            info.client_secret.clone(),
        ),
        (
            "TRAINLOAD_STRAVA_API_BASE".to_owned(),
            info.strava_api_base.clone(),
        ),
        (
            "TRAINLOAD_STRAVA_OAUTH_BASE".to_owned(),
            info.strava_oauth_base.clone(),
        ),
        (
            "TRAINLOAD_INTERVALS_BASE".to_owned(),
            info.intervals_base.clone(),
        ),
    ];
    for athlete in &info.athletes {
        let name = |field: &str| format!("SIM_ATHLETE_{}_{field}", athlete.index);
        lines.push((name("NAME"), athlete.name.clone()));
        lines.push((
            name("STRAVA_ATHLETE_ID"),
            athlete.strava_athlete_id.to_string(),
        ));
        lines.push((
            name("STRAVA_REFRESH_TOKEN"),
            athlete.strava_refresh_token.clone(),
        ));
        if let (Some(id), Some(key)) = (&athlete.intervals_athlete_id, &athlete.intervals_api_key) {
            lines.push((name("INTERVALS_ATHLETE_ID"), id.clone()));
            lines.push((name("INTERVALS_API_KEY"), key.clone()));
        }
    }
    lines
        .into_iter()
        .map(|(name, value)| format!("{name}='{}'\n", value.replace('\'', r"'\''")))
        .collect()
}
