//! Integrations: one per (user, provider), holding the provider account and its encrypted
//! credentials, plus the single-flight token refresh of docs/providers.md §1.2.
//!
//! Tokens and API keys are sealed with [`super::secrets`], bound to
//! `integrations:{user_id}:{provider}:{column}`. The public [`Integration`] view never carries a
//! secret; [`tokens`] returns them decrypted as `SecretString`s.
//!
//! Refresh protocol: read [`Tokens::token_version`] `v`; [`take_refresh_lease`] with `v`; on
//! `true` call the provider and [`store_refreshed_tokens`] with `v` (one `UPDATE` that writes
//! access token, refresh token and expiry, bumps the version and clears the lease); on `false`
//! someone else is refreshing: poll [`tokens`] until the version moves.

use secrecy::SecretString;
use serde::Serialize;

pub use providers::budget::Provider;

use super::secrets::Binding;
use super::users::{UserId, corrupt};
use super::{Store, StoreError};

/// An integration's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct IntegrationId(pub i64);

/// Whether the integration may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Syncing.
    Active,
    /// The athlete must reconnect (revoked token, missing scope); no calls are made.
    NeedsReauth,
    /// Disconnected; tokens deleted.
    Revoked,
}

impl Status {
    /// The `status` column value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::NeedsReauth => "needs_reauth",
            Self::Revoked => "revoked",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "active" => Ok(Self::Active),
            "needs_reauth" => Ok(Self::NeedsReauth),
            "revoked" => Ok(Self::Revoked),
            other => Err(corrupt("integrations.status", other)),
        }
    }
}

/// The long-lived credential of an integration.
#[derive(Debug, Clone)]
pub enum Credential {
    /// Strava: the OAuth refresh token.
    RefreshToken(SecretString),
    /// Intervals.icu: the athlete's personal API key.
    ApiKey(SecretString),
}

/// A connection to create or replace (a new OAuth exchange or API key).
#[derive(Debug, Clone)]
pub struct NewIntegration {
    /// The user.
    pub user: UserId,
    /// The provider.
    pub provider: Provider,
    /// The provider's athlete id (Strava `athlete.id` as decimal text, Intervals.icu `i12345`).
    pub external_athlete_id: String,
    /// Refresh token or API key.
    pub credential: Credential,
    /// The current access token, if any (Strava).
    pub access_token: Option<SecretString>,
    /// When the access token expires, epoch ms.
    pub expires_at_ms: Option<i64>,
    /// The scopes the athlete granted, as the provider wrote them (`read,activity:read_all`).
    pub scopes: Option<String>,
}

impl NewIntegration {
    /// A Strava connection from a refresh token (no access token yet: the first sync refreshes).
    pub fn strava(
        user: UserId,
        athlete_id: impl std::fmt::Display,
        refresh_token: SecretString,
        scopes: Option<String>,
    ) -> Self {
        Self {
            user,
            provider: Provider::Strava,
            external_athlete_id: athlete_id.to_string(),
            credential: Credential::RefreshToken(refresh_token),
            access_token: None,
            expires_at_ms: None,
            scopes,
        }
    }

    /// This Strava connection with the access token of a fresh OAuth grant, so the first sync
    /// need not refresh.
    #[must_use]
    pub fn with_access_token(mut self, access_token: SecretString, expires_at_ms: i64) -> Self {
        self.access_token = Some(access_token);
        self.expires_at_ms = Some(expires_at_ms);
        self
    }

    /// An Intervals.icu connection from an athlete id and a personal API key.
    pub fn intervals(user: UserId, athlete_id: &str, api_key: SecretString) -> Self {
        Self {
            user,
            provider: Provider::Intervals,
            external_athlete_id: athlete_id.to_owned(),
            credential: Credential::ApiKey(api_key),
            access_token: None,
            expires_at_ms: None,
            scopes: None,
        }
    }
}

/// A stored integration, without its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Integration {
    /// Id.
    pub id: IntegrationId,
    /// The user.
    pub user: UserId,
    /// The provider.
    pub provider: Provider,
    /// The provider's athlete id.
    pub external_athlete_id: String,
    /// When the access token expires, epoch ms.
    pub expires_at_ms: Option<i64>,
    /// Bumped by every token write.
    pub token_version: i64,
    /// Granted scopes.
    pub scopes: Option<String>,
    /// Active, needs re-authorisation, or revoked.
    pub status: Status,
    /// Why the status was last set (`refresh_token_invalid`, …).
    pub status_reason: Option<String>,
    /// The last successful sync, epoch ms.
    pub last_sync_at_ms: Option<i64>,
    /// Created, epoch ms.
    pub created_at_ms: i64,
}

/// The decrypted credentials of an integration.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// The version these tokens belong to (the compare-and-swap token of a refresh).
    pub token_version: i64,
    /// The access token, if any.
    pub access_token: Option<SecretString>,
    /// When the access token expires, epoch ms.
    pub expires_at_ms: Option<i64>,
    /// The refresh token (Strava).
    pub refresh_token: Option<SecretString>,
    /// The API key (Intervals.icu).
    pub api_key: Option<SecretString>,
}

#[derive(sqlx::FromRow)]
struct IntegrationRow {
    id: i64,
    user_id: i64,
    provider: String,
    external_athlete_id: String,
    expires_at_ms: Option<i64>,
    token_version: i64,
    scopes: Option<String>,
    status: String,
    status_reason: Option<String>,
    last_sync_at_ms: Option<i64>,
    created_at_ms: i64,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    user_id: i64,
    provider: String,
    token_version: i64,
    access_token: Option<Vec<u8>>,
    expires_at_ms: Option<i64>,
    refresh_token: Option<Vec<u8>>,
    api_key: Option<Vec<u8>>,
}

impl TryFrom<IntegrationRow> for Integration {
    type Error = StoreError;

    fn try_from(row: IntegrationRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: IntegrationId(row.id),
            user: UserId(row.user_id),
            provider: row
                .provider
                .parse()
                .map_err(|_| corrupt("integrations.provider", &row.provider))?,
            external_athlete_id: row.external_athlete_id,
            expires_at_ms: row.expires_at_ms,
            token_version: row.token_version,
            scopes: row.scopes,
            status: Status::parse(&row.status)?,
            status_reason: row.status_reason,
            last_sync_at_ms: row.last_sync_at_ms,
            created_at_ms: row.created_at_ms,
        })
    }
}

/// The binding of a secret column of the integration of (`user_id`, `provider`).
fn binding(user_id: i64, provider: &str, column: &'static str) -> Binding {
    Binding::new("integrations", &format!("{user_id}:{provider}"), column)
}

/// The columns of [`IntegrationRow`], as a literal for `concat!`.
macro_rules! columns {
    () => {
        "SELECT id, user_id, provider, external_athlete_id, expires_at_ms, token_version, \
         scopes, status, status_reason, last_sync_at_ms, created_at_ms FROM integrations "
    };
}

const GET: &str = concat!(columns!(), "WHERE id = $1");
const LIST_FOR_USER: &str = concat!(columns!(), "WHERE user_id = $1 ORDER BY provider");
const LIST_NOT_ACTIVE: &str = concat!(
    columns!(),
    "WHERE status <> 'active' ORDER BY user_id, provider"
);
const FIND_BY_ATHLETE: &str = concat!(
    columns!(),
    "WHERE provider = $1 AND external_athlete_id = $2 AND status <> 'revoked'"
);
/// Connected rows first, then the most recently changed: a disconnected athlete who signs in
/// again finds their old user.
const USER_BY_ATHLETE: &str = "SELECT user_id FROM integrations \
     WHERE provider = $1 AND external_athlete_id = $2 \
     ORDER BY CASE WHEN status = 'revoked' THEN 1 ELSE 0 END, updated_at_ms DESC LIMIT 1";

const UPSERT: &str = "INSERT INTO integrations (user_id, provider, external_athlete_id, \
     refresh_token, api_key, access_token, expires_at_ms, scopes, status, created_at_ms, \
     updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $9) \
     ON CONFLICT (user_id, provider) DO UPDATE SET \
     external_athlete_id = excluded.external_athlete_id, refresh_token = excluded.refresh_token, \
     api_key = excluded.api_key, access_token = excluded.access_token, \
     expires_at_ms = excluded.expires_at_ms, scopes = excluded.scopes, status = 'active', \
     status_reason = NULL, token_version = integrations.token_version + 1, \
     refresh_lease_owner = NULL, refresh_lease_until_ms = NULL, updated_at_ms = excluded.updated_at_ms \
     RETURNING id";
const TOKENS: &str = "SELECT user_id, provider, token_version, access_token, expires_at_ms, \
     refresh_token, api_key FROM integrations WHERE id = $1";
const TAKE_LEASE: &str = "UPDATE integrations SET refresh_lease_owner = $1, \
     refresh_lease_until_ms = $2 WHERE id = $3 AND token_version = $4 \
     AND (refresh_lease_until_ms IS NULL OR refresh_lease_until_ms < $5)";
const STORE_REFRESHED: &str = "UPDATE integrations SET access_token = $1, refresh_token = $2, \
     expires_at_ms = $3, token_version = token_version + 1, refresh_lease_owner = NULL, \
     refresh_lease_until_ms = NULL, updated_at_ms = $4 \
     WHERE id = $5 AND token_version = $6 AND refresh_lease_owner = $7";
const RELEASE_LEASE: &str = "UPDATE integrations SET refresh_lease_owner = NULL, \
     refresh_lease_until_ms = NULL WHERE id = $1 AND refresh_lease_owner = $2";
const SET_STATUS: &str =
    "UPDATE integrations SET status = $1, status_reason = $2, updated_at_ms = $3 WHERE id = $4";
const REVOKE: &str = "UPDATE integrations SET status = 'revoked', status_reason = $1, \
     refresh_token = NULL, api_key = NULL, access_token = NULL, expires_at_ms = NULL, \
     token_version = token_version + 1, refresh_lease_owner = NULL, \
     refresh_lease_until_ms = NULL, updated_at_ms = $2 WHERE id = $3";
const RECORD_SYNC: &str = "UPDATE integrations SET last_sync_at_ms = $1 WHERE id = $2";

/// Connects (or reconnects) `new.user` to `new.provider`: stores the encrypted credentials,
/// status `active`, and bumps the token version of an existing row.
///
/// # Errors
/// [`StoreError::Conflict`] when the provider account is connected to another user.
pub async fn connect(
    store: &Store,
    new: &NewIntegration,
    now_ms: i64,
) -> Result<IntegrationId, StoreError> {
    let (user_id, provider) = (new.user.0, new.provider.as_str());
    let cipher = store.cipher();
    let seal = |secret: &SecretString, column| {
        use secrecy::ExposeSecret;
        cipher.seal(secret.expose_secret(), &binding(user_id, provider, column))
    };
    let (refresh, api_key) = match &new.credential {
        Credential::RefreshToken(token) => (Some(seal(token, "refresh_token")?), None),
        Credential::ApiKey(key) => (None, Some(seal(key, "api_key")?)),
    };
    let access = new
        .access_token
        .as_ref()
        .map(|token| seal(token, "access_token"))
        .transpose()?;
    let id: i64 = with_pool!(store, pool => sqlx::query_scalar(UPSERT)
        .bind(user_id)
        .bind(provider)
        .bind(&new.external_athlete_id)
        .bind(&refresh)
        .bind(&api_key)
        .bind(&access)
        .bind(new.expires_at_ms)
        .bind(&new.scopes)
        .bind(now_ms)
        .fetch_one(pool)
        .await)?;
    Ok(IntegrationId(id))
}

/// One integration.
///
/// # Errors
/// [`StoreError::NotFound`] when there is none with this id.
pub async fn get(store: &Store, id: IntegrationId) -> Result<Integration, StoreError> {
    let row: IntegrationRow = with_pool!(store, pool => sqlx::query_as(GET)
        .bind(id.0)
        .fetch_one(pool)
        .await)?;
    row.try_into()
}

/// The integrations of one user, by provider.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn list_for_user(store: &Store, user: UserId) -> Result<Vec<Integration>, StoreError> {
    let rows: Vec<IntegrationRow> = with_pool!(store, pool => sqlx::query_as(LIST_FOR_USER)
        .bind(user.0)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(Integration::try_from).collect()
}

/// Every integration that is not active (needs re-authorisation or was revoked), by user: what
/// the admin page lists as needing the athlete's attention.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn not_active(store: &Store) -> Result<Vec<Integration>, StoreError> {
    let rows: Vec<IntegrationRow> = with_pool!(store, pool => sqlx::query_as(LIST_NOT_ACTIVE)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(Integration::try_from).collect()
}

/// The connected (not revoked) integration of a provider account, e.g. for a webhook's
/// `owner_id`.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn find_by_athlete(
    store: &Store,
    provider: Provider,
    external_athlete_id: &str,
) -> Result<Option<Integration>, StoreError> {
    let row: Option<IntegrationRow> = with_pool!(store, pool => sqlx::query_as(FIND_BY_ATHLETE)
        .bind(provider.as_str())
        .bind(external_athlete_id)
        .fetch_optional(pool)
        .await)?;
    row.map(Integration::try_from).transpose()
}

/// The user a provider account belongs to, connected or not (sign-in finds users by their
/// Strava athlete id, never by e-mail).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn find_user_by_athlete(
    store: &Store,
    provider: Provider,
    external_athlete_id: &str,
) -> Result<Option<UserId>, StoreError> {
    let id: Option<i64> = with_pool!(store, pool => sqlx::query_scalar(USER_BY_ATHLETE)
        .bind(provider.as_str())
        .bind(external_athlete_id)
        .fetch_optional(pool)
        .await)?;
    Ok(id.map(UserId))
}

/// The decrypted credentials and their version.
///
/// # Errors
/// [`StoreError::NotFound`]; [`StoreError::Crypto`] when a ciphertext does not belong to this
/// row and column or the key changed.
pub async fn tokens(store: &Store, id: IntegrationId) -> Result<Tokens, StoreError> {
    let row: TokenRow =
        with_pool!(store, pool => sqlx::query_as(TOKENS).bind(id.0).fetch_one(pool).await)?;
    let cipher = store.cipher();
    let open = |sealed: Option<&[u8]>, column| {
        sealed
            .map(|bytes| cipher.open(bytes, &binding(row.user_id, &row.provider, column)))
            .transpose()
    };
    Ok(Tokens {
        token_version: row.token_version,
        access_token: open(row.access_token.as_deref(), "access_token")?,
        expires_at_ms: row.expires_at_ms,
        refresh_token: open(row.refresh_token.as_deref(), "refresh_token")?,
        api_key: open(row.api_key.as_deref(), "api_key")?,
    })
}

/// Takes the refresh lease for `lease_ms` if the tokens are still at `token_version` and no
/// live lease exists. `true`: this caller refreshes; `false`: someone else is (or did).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn take_refresh_lease(
    store: &Store,
    id: IntegrationId,
    token_version: i64,
    owner: &str,
    now_ms: i64,
    lease_ms: i64,
) -> Result<bool, StoreError> {
    let done = with_pool!(store, pool => sqlx::query(TAKE_LEASE)
        .bind(owner)
        .bind(now_ms.saturating_add(lease_ms))
        .bind(id.0)
        .bind(token_version)
        .bind(now_ms)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Refreshed tokens to persist before use.
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The new access token.
    pub access_token: SecretString,
    /// The (possibly rotated) refresh token.
    pub refresh_token: SecretString,
    /// When the access token expires, epoch ms.
    pub expires_at_ms: i64,
}

/// Stores refreshed tokens if `owner` still holds the lease at `token_version`: one `UPDATE`
/// writes both tokens and the expiry, bumps the version and clears the lease. `false` means the
/// row moved on (another refresh, a reconnect) and nothing was written.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown id; [`StoreError::Database`] on failure.
pub async fn store_refreshed_tokens(
    store: &Store,
    id: IntegrationId,
    token_version: i64,
    owner: &str,
    tokens: &Refreshed,
    now_ms: i64,
) -> Result<bool, StoreError> {
    use secrecy::ExposeSecret;
    let owner_row = get(store, id).await?;
    let (user_id, provider) = (owner_row.user.0, owner_row.provider);
    let cipher = store.cipher();
    let access = cipher.seal(
        tokens.access_token.expose_secret(),
        &binding(user_id, provider.as_str(), "access_token"),
    )?;
    let refresh = cipher.seal(
        tokens.refresh_token.expose_secret(),
        &binding(user_id, provider.as_str(), "refresh_token"),
    )?;
    let done = with_pool!(store, pool => sqlx::query(STORE_REFRESHED)
        .bind(&access)
        .bind(&refresh)
        .bind(tokens.expires_at_ms)
        .bind(now_ms)
        .bind(id.0)
        .bind(token_version)
        .bind(owner)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Gives up a refresh lease that `owner` holds (the refresh failed without a rotation), so the
/// next caller need not wait for it to expire. Returns whether a lease was released.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn release_refresh_lease(
    store: &Store,
    id: IntegrationId,
    owner: &str,
) -> Result<bool, StoreError> {
    let done = with_pool!(store, pool => sqlx::query(RELEASE_LEASE)
        .bind(id.0)
        .bind(owner)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Sets the status (`needs_reauth` with a reason such as `refresh_token_invalid`, or back to
/// `active`). Use [`revoke`] for `revoked`, which also deletes the tokens.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown id.
pub async fn set_status(
    store: &Store,
    id: IntegrationId,
    status: Status,
    reason: Option<&str>,
    now_ms: i64,
) -> Result<(), StoreError> {
    let done = with_pool!(store, pool => sqlx::query(SET_STATUS)
        .bind(status.as_str())
        .bind(reason)
        .bind(now_ms)
        .bind(id.0)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    found(done)
}

/// Marks the integration revoked and deletes its tokens and key.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown id.
pub async fn revoke(
    store: &Store,
    id: IntegrationId,
    reason: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    let done = with_pool!(store, pool => sqlx::query(REVOKE)
        .bind(reason)
        .bind(now_ms)
        .bind(id.0)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    found(done)
}

/// Records a successful sync at `at_ms`.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown id.
pub async fn record_sync(store: &Store, id: IntegrationId, at_ms: i64) -> Result<(), StoreError> {
    let done = with_pool!(store, pool => sqlx::query(RECORD_SYNC)
        .bind(at_ms)
        .bind(id.0)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    found(done)
}

fn found(rows: u64) -> Result<(), StoreError> {
    if rows == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
