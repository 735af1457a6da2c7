//! `trainload demo`: the README quick start. Simulator, onboarded athletes and the real server
//! with its scheduler in one process; prints the URL and a password-free sign-in link per
//! athlete; Ctrl-C stops everything.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use crate::demo::{self, Demo, DemoOptions};

/// How often the simulator records a new activity (round-robin over the athletes).
const FEED_PERIOD: Duration = Duration::from_secs(180);

/// Arguments of `trainload demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Address the dashboard and API listen on.
    #[arg(long, default_value = "127.0.0.1:8000", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Number of simulated athletes (cyclist, runner, triathlete, HR-only, revoked, …).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
    pub athletes: u16,
    /// Days of history to onboard.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(7..=365))]
    pub days: u32,
    /// Database URL [default: a fresh SQLite file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Keep the temporary directory (database, secret key, admin token) on exit.
    #[arg(long)]
    pub keep: bool,
}

/// Runs the demo until Ctrl-C.
///
/// # Errors
/// The address cannot be bound, or the setup failed.
pub async fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    crate::telemetry::init();
    let data_dir = demo::fresh_data_dir()?;
    let mut options = DemoOptions::new(data_dir);
    options.listen = args.listen;
    options.athletes = usize::from(args.athletes);
    options.history_days = args.days;
    options.database_url = args.database_url;
    eprintln!(
        "trainload demo: onboarding {} simulated athletes ({} days each)…",
        options.athletes, options.history_days
    );
    let say = |line: &str| eprintln!("  {line}");
    let started = demo::start(&options, &say).await?;
    // Listening before "Ready" is printed: a stop right after it still cleans up.
    let stop = crate::shutdown::listen_now().context("listening for Ctrl-C and SIGTERM")?;
    print_welcome(&started).context("writing to stdout")?;
    let (stop_feed, stopped) = tokio::sync::watch::channel(false);
    let feed = demo::spawn_feed(
        started.sim.addr(),
        started.athletes.clone(),
        FEED_PERIOD,
        stopped,
    );
    started.subscribe_to_webhooks();
    let Demo { app, sim, .. } = started;
    let result = app.run_until_stopped(stop).await;
    let _ = stop_feed.send(true);
    if let Err(error) = feed.await {
        tracing::warn!(%error, "the simulator feed ended abnormally");
    }
    sim.shutdown();
    if args.keep {
        eprintln!(
            "trainload demo: stopped (data kept in {})",
            options.data_dir.display()
        );
    } else {
        match std::fs::remove_dir_all(&options.data_dir) {
            Ok(()) => eprintln!(
                "trainload demo: stopped; removed {}",
                options.data_dir.display()
            ),
            Err(error) => eprintln!(
                "trainload demo: stopped; could not remove {}: {error}",
                options.data_dir.display()
            ),
        }
    }
    result?;
    Ok(ExitCode::SUCCESS)
}

fn print_welcome(demo: &Demo) -> std::io::Result<()> {
    let base = demo.base_url();
    let mut out = std::io::stdout().lock();
    writeln!(out)?;
    writeln!(out, "TrainingLoad demo running at {base}/")?;
    writeln!(
        out,
        "Admin token: {} (send as Authorization: Bearer <token>)",
        demo.data_dir
            .join(crate::http::admin_token::ADMIN_TOKEN_FILE)
            .display()
    )?;
    writeln!(
        out,
        "Sign in as an athlete (no password, demo only), or through the simulated Strava with \
         {base}/auth/strava/login?sim_athlete=N (N in brackets):"
    )?;
    for person in &demo.athletes {
        let note = if person.revoked {
            " — Strava access revoked"
        } else {
            ""
        };
        writeln!(
            out,
            "  {:<24} {:<12} {base}{} [{}]{note}",
            person.name,
            person.profile,
            Demo::login_path(person.user),
            person.sim_index
        )?;
    }
    writeln!(
        out,
        "A new activity appears in the simulator every {} minutes. Ctrl-C stops.",
        FEED_PERIOD.as_secs() / 60
    )?;
    writeln!(out, "Ready: open {base}/ in a browser.")?;
    out.flush()
}
