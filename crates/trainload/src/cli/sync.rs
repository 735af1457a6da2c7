//! `trainload sync --user ID`: one user's sync against the configured providers, the report
//! printed as JSON; `--onboard DAYS` runs the onboarding backfill with a progress bar on stderr.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use crate::config::{ProviderArgs, StoreArgs};
use crate::store::users::UserId;
use crate::sync::{self, OnboardingProgress, SyncOptions};

/// Arguments of `trainload sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The user to sync.
    #[arg(long, value_name = "ID")]
    pub user: i64,
    /// Activities whose start lies in the last N days.
    #[arg(long, value_name = "N", default_value_t = 14)]
    pub activity_days: u32,
    /// Wellness of the last N days.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub wellness_days: u32,
    /// Also run the full 12-month threshold recalculation.
    #[arg(long)]
    pub full: bool,
    /// Run the onboarding backfill of the last N days instead of a sync.
    #[arg(long, value_name = "DAYS", conflicts_with_all = ["activity_days", "wellness_days", "full"])]
    pub onboard: Option<u32>,
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Provider endpoints and credentials.
    #[command(flatten)]
    pub providers: ProviderArgs,
}

/// Runs the sync (or onboarding) and prints its report; exit 1 when the sync as a whole failed.
///
/// # Errors
/// A store or provider configuration that cannot be opened.
pub async fn run(args: SyncArgs) -> anyhow::Result<ExitCode> {
    let store = super::open_store(&args.store).await?;
    let ctx = args
        .providers
        .sync_context(&store, Arc::new(queue::SystemClock))
        .context("configuring the providers")?;
    let user = UserId(args.user);
    let result = match args.onboard {
        Some(days) => sync::onboard(&ctx, user, days, &progress_bar).await,
        None => {
            let options = SyncOptions {
                activity_days: args.activity_days,
                wellness_days: args.wellness_days,
                threshold_full: args.full,
                priority: providers::budget::Priority::Interactive,
                ..SyncOptions::daily()
            };
            sync::user_sync(&ctx, user, &options).await
        }
    };
    store.close().await;
    match result {
        Ok(report) => {
            let text = serde_json::to_string_pretty(&report).context("printing the report")?;
            println!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            let text = serde_json::json!({ "error": error.to_string() });
            println!("{text}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Draws `phase [#####-----] done/total` on stderr.
fn progress_bar(p: OnboardingProgress) {
    const WIDTH: u32 = 30;
    let filled = (p.done.saturating_mul(WIDTH))
        .checked_div(p.total)
        .unwrap_or(0)
        .min(WIDTH);
    let bar: String = (0..WIDTH)
        .map(|i| if i < filled { '#' } else { '-' })
        .collect();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{:<10} [{bar}] {}/{}", p.phase, p.done, p.total);
}
