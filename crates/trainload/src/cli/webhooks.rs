//! `trainload webhooks ensure|show|delete`: the application's Strava push subscription. The
//! server at the public URL must be running for `ensure`, because Strava validates the callback
//! before it answers.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use crate::config::{ProviderArgs, StoreArgs};
use crate::subscription;

/// Arguments of `trainload webhooks`.
#[derive(Debug, clap::Args)]
pub struct WebhooksArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: WebhooksAction,
    /// The URL Strava reaches the server at (e.g. `https://training.example`).
    #[arg(long, env = "TRAINLOAD_PUBLIC_URL", value_name = "URL", global = true)]
    pub public_url: Option<String>,
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Provider endpoints and credentials.
    #[command(flatten)]
    pub providers: ProviderArgs,
}

/// The actions.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum WebhooksAction {
    /// Create the subscription, or adopt the one that already points at this server.
    Ensure {
        /// Delete a subscription that points elsewhere and subscribe this server instead.
        #[arg(long)]
        replace: bool,
    },
    /// Show Strava's subscription next to the stored one.
    Show,
    /// Delete the subscription at Strava and forget it.
    Delete,
}

/// Runs the action and prints its result as JSON.
///
/// # Errors
/// No Strava credentials or public URL, an unusable store, or Strava refused.
pub async fn run(args: WebhooksArgs) -> anyhow::Result<ExitCode> {
    let store = args.store.open().await?;
    let ctx = args
        .providers
        .sync_context(&store, Arc::new(queue::SystemClock))
        .context("configuring the providers")?;
    let strava = ctx.strava.as_deref().context(
        "Strava is not configured: set TRAINLOAD_STRAVA_CLIENT_ID and TRAINLOAD_STRAVA_CLIENT_SECRET",
    )?;
    let now = || crate::store::now_ms();
    let public_url = || {
        args.public_url.as_deref().context(
            "set TRAINLOAD_PUBLIC_URL (or --public-url): Strava must reach the server there",
        )
    };
    let report = match args.action {
        WebhooksAction::Ensure { replace } => {
            let ensured = subscription::ensure(&store, strava, public_url()?, replace, now).await?;
            serde_json::to_value(ensured)?
        }
        WebhooksAction::Show => {
            serde_json::to_value(subscription::show(&store, strava, public_url()?, now()).await?)?
        }
        WebhooksAction::Delete => {
            let deleted = subscription::delete(&store, strava, now()).await?;
            serde_json::json!({ "deleted": deleted })
        }
    };
    store.close().await;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(ExitCode::SUCCESS)
}
