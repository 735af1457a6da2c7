//! Settings shared by every command that opens the store: data directory, database URL and
//! secret key, from flags or `TRAINLOAD_*` environment variables.

use std::fmt;
use std::path::PathBuf;

use anyhow::Context;
use secrecy::SecretString;

use crate::store::{SecretKey, SecretKeyError, Store};

/// Where the data lives. Flattened into `serve`, `worker`, `migrate`, `users`, ….
#[derive(Clone, clap::Args)]
pub struct StoreArgs {
    /// Directory for the SQLite file and the generated secret key.
    #[arg(
        long,
        env = "TRAINLOAD_DATA_DIR",
        default_value = "./data",
        value_name = "DIR",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://FILE` or `postgres://USER@HOST/DB` [default:
    /// `sqlite://DIR/trainload.db` in the data directory].
    #[arg(
        long,
        env = "TRAINLOAD_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<String>,
    /// Base64 of the 32-byte key that encrypts tokens at rest [default: `secret.key` in the data directory,
    /// generated on first start]. Prefer the environment variable: flags show in `ps`.
    #[arg(
        long,
        env = "TRAINLOAD_SECRET_KEY",
        value_name = "BASE64",
        hide_env_values = true,
        global = true
    )]
    pub secret_key: Option<String>,
}

impl StoreArgs {
    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("trainload.db").display()),
        }
    }

    /// The SQLite file of the database URL in effect; `None` for PostgreSQL or in-memory.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        crate::store::backup::sqlite_file(&self.database_url()).ok()
    }

    /// The secret key from `--secret-key` / `TRAINLOAD_SECRET_KEY`, else the key file in the data
    /// directory (created on first use).
    ///
    /// # Errors
    /// A malformed key, or a key file that cannot be created or read.
    pub fn secret_key(&self) -> Result<SecretKey, SecretKeyError> {
        let from_env = self.secret_key.clone().map(SecretString::from);
        SecretKey::load(&self.data_dir, from_env.as_ref())
    }

    /// Opens the store these settings name (loading or creating the secret key, applying
    /// migrations).
    ///
    /// # Errors
    /// A malformed key, an unusable data directory or URL, an unreachable database.
    pub async fn open(&self) -> anyhow::Result<Store> {
        let key = self.secret_key().context("loading the secret key")?;
        let url = self.database_url();
        Store::connect(&url, &key)
            .await
            .with_context(|| format!("opening the database {}", redact_url(&url)))
    }
}

impl fmt::Debug for StoreArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreArgs")
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url),
            )
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// `url` with any password replaced by `***`, for logs and Debug output; a text that does not
/// parse as a URL is not shown at all (it could hold a password in a place we cannot find).
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(url) else {
        return "(not a URL)".to_owned();
    };
    if parsed.password().is_some() && parsed.set_password(Some("***")).is_err() {
        return "(a URL with a password)".to_owned();
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_database_url_is_redacted() {
        assert_eq!(
            redact_url("postgres://app:hunter2@db.example:5432/trainload"),
            "postgres://app:***@db.example:5432/trainload"
        );
        assert_eq!(redact_url("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(redact_url("sqlite://./data/t.db"), "sqlite://./data/t.db");
        assert_eq!(redact_url("postgres://app:p@ss@db:x/y"), "(not a URL)");
    }

    #[test]
    fn debug_output_shows_no_password_and_no_key() {
        let args = StoreArgs {
            data_dir: PathBuf::from("d"),
            database_url: Some("postgres://app:hunter2@db/x".to_owned()),
            secret_key: Some("c2VjcmV0".to_owned()),
        };
        let debug = format!("{args:?}");
        assert!(!debug.contains("hunter2"));
        assert!(!debug.contains("c2VjcmV0"));
    }

    #[test]
    fn the_default_database_is_a_sqlite_file_in_the_data_dir() {
        let args = StoreArgs {
            data_dir: PathBuf::from("/tmp/x"),
            database_url: None,
            secret_key: None,
        };
        assert_eq!(args.database_url(), "sqlite:///tmp/x/trainload.db");
    }
}

/// Provider endpoints and credentials. Flattened into `serve`, `worker`, `sync`, ….
///
/// Without Strava client credentials, Strava sync is disabled (one log line says so); the base
/// URLs point at the real services unless set (the simulator prints its own).
#[derive(Clone, clap::Args)]
pub struct ProviderArgs {
    /// Strava application client id.
    #[arg(long, env = "TRAINLOAD_STRAVA_CLIENT_ID", value_name = "ID")]
    pub strava_client_id: Option<String>,
    /// Strava application client secret. Prefer the environment variable: flags show in `ps`.
    #[arg(
        long,
        env = "TRAINLOAD_STRAVA_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub strava_client_secret: Option<String>,
    /// Strava API base URL.
    #[arg(
        long,
        env = "TRAINLOAD_STRAVA_API_BASE",
        default_value = "https://www.strava.com/api/v3"
    )]
    pub strava_api_base: String,
    /// Strava OAuth base URL (`/authorize`, `/token`, `/deauthorize` are appended).
    #[arg(
        long,
        env = "TRAINLOAD_STRAVA_OAUTH_BASE",
        default_value = "https://www.strava.com/oauth"
    )]
    pub strava_oauth_base: String,
    /// Where Strava sends the browser back after sign-in [default: the public URL +
    /// `/auth/strava/callback`]; must be on the callback domain of the Strava application.
    #[arg(long, env = "TRAINLOAD_STRAVA_REDIRECT_URL", value_name = "URL")]
    pub strava_redirect_url: Option<String>,
    /// Intervals.icu base URL.
    #[arg(
        long,
        env = "TRAINLOAD_INTERVALS_BASE",
        default_value = "https://intervals.icu"
    )]
    pub intervals_base: String,
    /// Share of each Strava limit kept for interactive and webhook calls, %.
    #[arg(long, env = "TRAINLOAD_STRAVA_RATE_RESERVE_PCT", default_value_t = 10)]
    pub strava_rate_reserve_pct: u32,
    /// How Strava is read: `planned` (webhooks, plus listings the read planner places within
    /// the budget) or `poll` (every quick and daily sync lists every athlete).
    #[arg(long, env = "TRAINLOAD_STRAVA_SYNC", value_enum, default_value_t = crate::planner::StravaSync::Planned)]
    pub strava_sync: crate::planner::StravaSync,
    /// Web Push contact for the push services (`mailto:` address or https URL), sent in every
    /// VAPID token so that a push service can reach the operator.
    #[arg(
        long,
        env = "TRAINLOAD_PUSH_CONTACT",
        default_value = "mailto:admin@localhost",
        value_name = "URI"
    )]
    pub push_contact: String,
    /// Web Push VAPID private key, base64url of 32 bytes (default: the file `vapid.key` in the
    /// data directory, created on first start). Every process of a deployment needs the same key.
    #[arg(
        long,
        env = "TRAINLOAD_VAPID_PRIVATE_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub vapid_private_key: Option<String>,
}

impl fmt::Debug for ProviderArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderArgs")
            .field("strava_client_id", &self.strava_client_id)
            .field(
                "strava_client_secret",
                &self.strava_client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("strava_api_base", &self.strava_api_base)
            .field("strava_oauth_base", &self.strava_oauth_base)
            .field("strava_redirect_url", &self.strava_redirect_url)
            .field("intervals_base", &self.intervals_base)
            .field("strava_rate_reserve_pct", &self.strava_rate_reserve_pct)
            .field("strava_sync", &self.strava_sync)
            .field("push_contact", &self.push_contact)
            .field(
                "vapid_private_key",
                &self.vapid_private_key.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl ProviderArgs {
    /// Web Push with the VAPID key from `--vapid-private-key` / `TRAINLOAD_VAPID_PRIVATE_KEY`,
    /// else from `<data_dir>/vapid.key` (created on first use).
    ///
    /// # Errors
    /// A malformed key, a key file that cannot be created or read, or no HTTP client.
    pub fn push(&self, data_dir: &std::path::Path) -> anyhow::Result<crate::push::Push> {
        use anyhow::Context as _;
        let from_env = self.vapid_private_key.clone().map(SecretString::from);
        let key = crate::push::vapid::VapidKey::load(data_dir, from_env.as_ref())?;
        let settings = crate::push::PushSettings {
            contact: self.push_contact.clone(),
            ..crate::push::PushSettings::default()
        };
        crate::push::Push::new(key, settings).context("building the push client")
    }

    /// The provider clients over the shared budget in `store`, and the rest of the sync
    /// context.
    ///
    /// # Errors
    /// A base URL that does not parse.
    pub fn sync_context(
        &self,
        store: &crate::store::Store,
        clock: std::sync::Arc<dyn queue::Clock>,
    ) -> Result<crate::sync::SyncContext, providers::error::ProviderError> {
        use std::sync::Arc;

        let limits = crate::store::budget::BudgetLimits {
            reserve_pct: self.strava_rate_reserve_pct,
            ..Default::default()
        };
        let budget: Arc<dyn providers::budget::RateBudget> = Arc::new(
            // The budget windows follow the sync's clock (the system clock outside tests).
            crate::store::budget::SqlRateBudget::with_clock(store.clone(), limits, {
                let clock = clock.clone();
                Arc::new(move || clock.now_ms())
            }),
        );
        let strava = match (&self.strava_client_id, &self.strava_client_secret) {
            (Some(id), Some(secret)) => {
                let mut config = providers::strava::StravaConfig::new(
                    id.clone(),
                    SecretString::from(secret.clone()),
                );
                config.api_base_url.clone_from(&self.strava_api_base);
                config.oauth_base_url.clone_from(&self.strava_oauth_base);
                config.rate_reserve_pct =
                    u8::try_from(self.strava_rate_reserve_pct.min(100)).unwrap_or(10);
                Some(Arc::new(providers::strava::StravaClient::new(
                    config,
                    budget.clone(),
                )?))
            }
            _ => {
                tracing::info!("no Strava client credentials: Strava sync is disabled");
                None
            }
        };
        let intervals_config = providers::intervals::IntervalsConfig {
            base_url: self.intervals_base.clone(),
            ..Default::default()
        };
        let intervals = providers::intervals::IntervalsClient::new(intervals_config, budget)?;
        Ok(crate::sync::SyncContext {
            store: store.clone(),
            strava,
            intervals: Some(Arc::new(intervals)),
            science: Arc::new(science::Config::default()),
            clock,
            planner: crate::planner::PlannerSettings {
                mode: self.strava_sync,
                limits,
                ..crate::planner::PlannerSettings::default()
            },
            push: crate::push::Push::disabled(),
        })
    }
}
