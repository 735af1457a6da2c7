//! `trainload users add|list`: manage users and their provider connections from the shell.

use std::process::ExitCode;

use anyhow::Context;
use secrecy::SecretString;

use crate::analysis::Sex;
use crate::config::StoreArgs;
use crate::store::integrations::{self, NewIntegration, Provider};
use crate::store::users::{self, NewUser, Role, UserId};
use crate::store::{self, Store};

/// Arguments of `trainload users`.
#[derive(Debug, clap::Args)]
pub struct UsersArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: UsersCommand,
}

/// The `users` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum UsersCommand {
    /// Create a user (optionally connected to Strava and Intervals.icu); says who was added, or
    /// prints `{"user_id": N}` with --json.
    Add(AddArgs),
    /// Print every user with their connections as a table, or JSON with --json (never a secret).
    List(ListArgs),
}

/// Arguments of `trainload users add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// Sex, for heart-rate load formulas.
    #[arg(long, value_enum)]
    pub sex: Option<Sex>,
    /// Year of birth.
    #[arg(long, value_name = "YEAR")]
    pub birth_year: Option<i32>,
    /// IANA time zone (the athlete's "today").
    #[arg(long, default_value = "UTC", value_name = "ZONE")]
    pub time_zone: String,
    /// Strava athlete id.
    #[arg(long, value_name = "ID", requires = "strava_refresh_token")]
    pub strava_athlete_id: Option<u64>,
    /// Strava refresh token (stored encrypted).
    #[arg(
        long,
        value_name = "TOKEN",
        requires = "strava_athlete_id",
        hide_env_values = true
    )]
    pub strava_refresh_token: Option<String>,
    /// Intervals.icu athlete id (e.g. i12345).
    #[arg(long, value_name = "ID", requires = "intervals_api_key")]
    pub intervals_athlete_id: Option<String>,
    /// Intervals.icu API key (stored encrypted).
    #[arg(
        long,
        value_name = "KEY",
        requires = "intervals_athlete_id",
        hide_env_values = true
    )]
    pub intervals_api_key: Option<String>,
    /// Make the user an admin (the first user of a database always is).
    #[arg(long)]
    pub admin: bool,
    /// Print `{"user_id": N}` (for scripts) instead of a sentence.
    #[arg(long)]
    pub json: bool,
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Arguments of `trainload users list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print JSON (for scripts) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Runs a `users` subcommand.
///
/// # Errors
/// A bad key or URL, an unreachable database, or a refused write (e.g. a provider account
/// already connected to another user).
pub async fn run(args: &UsersArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        UsersCommand::Add(add) => run_add(add).await,
        UsersCommand::List(list) => run_list(list).await,
    }
}

async fn run_add(args: &AddArgs) -> anyhow::Result<ExitCode> {
    let store = args.store.open().await?;
    let now_ms = store::now_ms();
    let new_user = NewUser {
        name: args.name.clone(),
        sex: args.sex,
        birth_year: args.birth_year,
        time_zone: args.time_zone.clone(),
        role: if args.admin {
            Role::Admin
        } else {
            Role::Athlete
        },
    };
    let user = users::add(&store, &new_user, now_ms)
        .await
        .context("adding the user")?;
    if let Err(error) = connect_all(&store, user, args, now_ms).await {
        // Leave no half-created user behind; the original error is what matters.
        let _ = users::delete(&store, user).await;
        return Err(error);
    }
    // The first user of a database is an admin whatever was asked: report what was stored.
    let role = users::get(&store, user)
        .await
        .map_or(new_user.role, |stored| stored.role);
    store.close().await;
    if args.json {
        println!("{}", serde_json::json!({ "user_id": user.0 }));
    } else {
        println!("{}", added_line(user, &args.name, role, args));
    }
    Ok(ExitCode::SUCCESS)
}

/// "Added user 3, Ada (admin), connected to Strava and Intervals.icu."
fn added_line(user: UserId, name: &str, role: Role, args: &AddArgs) -> String {
    let connected: Vec<&str> = [
        args.strava_athlete_id.map(|_| "Strava"),
        args.intervals_athlete_id.as_ref().map(|_| "Intervals.icu"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let connections = if connected.is_empty() {
        ", not connected to any provider".to_owned()
    } else {
        format!(", connected to {}", connected.join(" and "))
    };
    format!(
        "Added user {}, {name} ({}){connections}.",
        user.0,
        role.as_str()
    )
}

async fn connect_all(
    store: &Store,
    user: UserId,
    args: &AddArgs,
    now_ms: i64,
) -> anyhow::Result<()> {
    if let (Some(id), Some(token)) = (args.strava_athlete_id, &args.strava_refresh_token) {
        let new = NewIntegration::strava(user, id, SecretString::from(token.clone()), None);
        integrations::connect(store, &new, now_ms)
            .await
            .context("connecting Strava (is this athlete connected to another user?)")?;
    }
    if let (Some(id), Some(key)) = (&args.intervals_athlete_id, &args.intervals_api_key) {
        let new = NewIntegration::intervals(user, id, SecretString::from(key.clone()));
        integrations::connect(store, &new, now_ms)
            .await
            .context("connecting Intervals.icu (is this athlete connected to another user?)")?;
    }
    Ok(())
}

async fn run_list(args: &ListArgs) -> anyhow::Result<ExitCode> {
    let store = super::open_existing_store(&args.store).await?;
    let mut listed = Vec::new();
    for user in users::list(&store).await.context("listing users")? {
        let connections = integrations::list_for_user(&store, user.id)
            .await
            .context("listing integrations")?;
        listed.push((user, connections));
    }
    store.close().await;
    if !args.json {
        print_table(&listed);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = Vec::new();
    for (user, connections) in &listed {
        let mut entry = serde_json::to_value(user).context("serialising a user")?;
        entry["integrations"] = serde_json::to_value(connections).context("serialising")?;
        out.push(entry);
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&out).context("printing users")?
    );
    Ok(ExitCode::SUCCESS)
}

/// One line per user: id, name, role, time zone and each provider's status.
fn print_table(listed: &[(users::User, Vec<integrations::Integration>)]) {
    if listed.is_empty() {
        println!("No users yet: add one with `trainload users add --name NAME`.");
        return;
    }
    println!(
        "{:>4}  {:<24} {:<8} {:<20} {:<14} INTERVALS.ICU",
        "ID", "NAME", "ROLE", "TIME ZONE", "STRAVA"
    );
    for (user, connections) in listed {
        let status = |provider: Provider| {
            connections
                .iter()
                .find(|i| i.provider == provider)
                .map_or("-", |i| i.status.as_str())
        };
        println!(
            "{:>4}  {:<24} {:<8} {:<20} {:<14} {}",
            user.id.0,
            user.name,
            user.role.as_str(),
            user.time_zone,
            status(Provider::Strava),
            status(Provider::Intervals),
        );
    }
}
