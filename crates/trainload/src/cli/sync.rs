//! `trainload sync --user ID`: one user's sync against the configured providers; a summary for
//! people, or the report as JSON with `--json` (times as dates in both). `--onboard DAYS` runs
//! the onboarding backfill, naming each phase on stderr as it starts. Exits 1 when the sync
//! failed and 2 when it finished with failed steps.

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
    /// Print the report as JSON (for scripts) instead of a summary.
    #[arg(long)]
    pub json: bool,
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
    let store = super::open_existing_store(&args.store).await?;
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
            let failed_steps = report.errors.len();
            let value = with_dates(serde_json::to_value(&report).context("printing the report")?);
            if args.json {
                let text = serde_json::to_string_pretty(&value).context("printing the report")?;
                println!("{text}");
            } else {
                print_summary(&report, &value);
            }
            if failed_steps == 0 {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("error: {failed_steps} step(s) of the sync failed (listed above)");
                Ok(ExitCode::from(2))
            }
        }
        Err(error) => {
            let message = match &error {
                sync::SyncError::RateLimited { until_ms } => format!(
                    "the rate budget is used up until {}; try again then",
                    jiff::Timestamp::from_millisecond(*until_ms)
                        .map_or_else(|_| until_ms.to_string(), |t| t.to_string())
                ),
                other => other.to_string(),
            };
            if args.json {
                println!("{}", serde_json::json!({ "error": message }));
            }
            eprintln!("error: the sync failed: {message}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `value` with every `…_at_ms` epoch-millisecond field replaced by an `…_at` RFC 3339 date.
fn with_dates(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| match (key.strip_suffix("_at_ms"), &value) {
                    (Some(stem), Value::Number(n)) => {
                        let date = n
                            .as_i64()
                            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
                            .map_or(Value::Null, |t| Value::String(t.to_string()));
                        (format!("{stem}_at"), date)
                    }
                    (Some(stem), Value::Null) => (format!("{stem}_at"), Value::Null),
                    _ => (key, with_dates(value)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(with_dates).collect()),
        other => other,
    }
}

/// The report for people: what came in, what changed, what failed.
fn print_summary(report: &sync::SyncReport, dated: &serde_json::Value) {
    println!(
        "Activities: {} new, {} updated, {} deleted; streams fetched: {}",
        report.new_activities,
        report.updated_activities,
        report.deleted_activities,
        report.streams_fetched
    );
    println!(
        "Wellness days: {}; loads recalculated: {}",
        report.wellness_days, report.utl_recalculated
    );
    for change in &report.thresholds_changed {
        let before = change
            .before
            .map_or_else(|| "none".to_owned(), |v| format!("{v:.1}"));
        println!(
            "Threshold {}: {before} -> {:.1} from {}",
            change.field, change.after, change.effective_from
        );
    }
    for issue in &report.errors {
        println!(
            "Failed: {} ({}): {}",
            issue.step, issue.class, issue.message
        );
    }
    if let Some(at) = dated["retry_at"].as_str() {
        println!("Retry after {at}");
    }
    println!("Took {:.1} s", report.duration_ms as f64 / 1000.0);
}

/// Names each onboarding phase on stderr as it starts, with its size where known (the
/// callback marks phase starts, so it draws no bar that would stay at zero).
fn progress_bar(p: OnboardingProgress) {
    let what = match p.phase {
        "listing" => "listing activities".to_owned(),
        "streams" => format!("fetching the streams of {} activities", p.total),
        "wellness" => "importing wellness".to_owned(),
        "thresholds" => "estimating thresholds".to_owned(),
        "loads" => format!("computing the loads of {} activities", p.total),
        "done" => "done".to_owned(),
        other => other.to_owned(),
    };
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "onboarding: {what}");
}
