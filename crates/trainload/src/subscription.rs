//! The application's one Strava push subscription (docs/providers.md, "Webhooks"): `ensure`
//! creates it or adopts the existing one, `show` compares Strava's view with ours, `delete`
//! removes it. `serve` ensures it at start when a public URL is configured; a lease on the
//! stored row keeps two processes from creating two.

use std::time::Duration;

use providers::ProviderError;
use providers::budget::Priority;
use providers::strava::{PushSubscription, StravaClient};
use serde::Serialize;

use crate::store::webhooks::{self, Subscription};
use crate::store::{Store, StoreError};

/// Strava refuses longer callback URLs.
const MAX_CALLBACK_LEN: usize = 255;
/// How long one process may hold the right to create the subscription.
const LEASE_MS: i64 = 60_000;
/// How long a process waits for another's `ensure` to finish.
const WAIT_FOR_OTHER: Duration = Duration::from_secs(20);

/// Why the subscription could not be managed.
#[derive(Debug, thiserror::Error)]
pub enum SubscriptionError {
    /// Strava answered with an error (a failed callback validation is a 400 here).
    #[error("Strava: {0}")]
    Provider(#[from] ProviderError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another callback URL holds the application's one subscription.
    #[error(
        "Strava already has a subscription for {0}; pass --replace to delete it and subscribe this server"
    )]
    OtherCallback(String),
    /// The public URL makes a callback Strava would refuse.
    #[error("the callback URL is {0} characters long; Strava accepts at most 255")]
    CallbackTooLong(usize),
    /// Another process held the lease for too long.
    #[error("another process is creating the subscription; try again in a minute")]
    Busy,
}

/// What `ensure` found or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Ensured {
    /// Strava already had our callback; its id is stored.
    Existing {
        /// The subscription id.
        id: i64,
    },
    /// Created now (Strava validated the callback).
    Created {
        /// The subscription id.
        id: i64,
    },
    /// Another process ensured it meanwhile.
    ByAnother {
        /// What it stored.
        subscription: Option<Subscription>,
    },
}

/// Strava's subscriptions next to ours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shown {
    /// The callback URL this deployment answers at.
    pub callback_url: String,
    /// What we stored.
    pub stored: Option<Subscription>,
    /// What Strava lists for the application.
    pub at_strava: Vec<ListedSubscription>,
}

/// One subscription as Strava lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedSubscription {
    /// Its id.
    pub id: i64,
    /// Its callback URL.
    pub callback_url: Option<String>,
    /// When it was created, as Strava wrote it.
    pub created_at: Option<String>,
}

impl From<PushSubscription> for ListedSubscription {
    fn from(s: PushSubscription) -> Self {
        Self {
            id: s.id,
            callback_url: s.callback_url,
            created_at: s.created_at,
        }
    }
}

/// The callback URL under `public_url` (no trailing slash needed).
///
/// # Errors
/// The database, or a URL longer than Strava accepts.
pub async fn callback_url(
    store: &Store,
    public_url: &str,
    now_ms: i64,
) -> Result<String, SubscriptionError> {
    let secrets = webhooks::secrets(store, now_ms).await?;
    let url = format!(
        "{}/webhooks/strava/{}",
        public_url.trim_end_matches('/'),
        secrets.path_token
    );
    if url.len() > MAX_CALLBACK_LEN {
        return Err(SubscriptionError::CallbackTooLong(url.len()));
    }
    Ok(url)
}

/// Makes Strava's one subscription ours: adopts it when it already points at our callback,
/// creates it when there is none, replaces another only when `replace` is set. The server at
/// `public_url` must be answering, since Strava validates the callback before it answers.
///
/// # Errors
/// See [`SubscriptionError`].
pub async fn ensure(
    store: &Store,
    strava: &StravaClient,
    public_url: &str,
    replace: bool,
    now_ms: impl Fn() -> i64,
) -> Result<Ensured, SubscriptionError> {
    let callback = callback_url(store, public_url, now_ms()).await?;
    let owner = format!("ensure-{}-{}", std::process::id(), now_ms());
    let waited = tokio::time::Instant::now();
    while !webhooks::take_ensure_lease(store, &owner, LEASE_MS, now_ms()).await? {
        if waited.elapsed() > WAIT_FOR_OTHER {
            return Err(SubscriptionError::Busy);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        if let Some(stored) = webhooks::subscription(store).await?
            && stored.callback_url.as_deref() == Some(callback.as_str())
            && stored.subscription_id.is_some()
        {
            return Ok(Ensured::ByAnother {
                subscription: Some(stored),
            });
        }
    }
    let result = ensure_holding_lease(store, strava, &callback, replace, &now_ms).await;
    webhooks::release_ensure_lease(store, &owner).await?;
    result
}

async fn ensure_holding_lease(
    store: &Store,
    strava: &StravaClient,
    callback: &str,
    replace: bool,
    now_ms: &impl Fn() -> i64,
) -> Result<Ensured, SubscriptionError> {
    let listed = strava
        .list_push_subscriptions(Priority::Interactive)
        .await?;
    if let Some(ours) = listed
        .iter()
        .find(|s| s.callback_url.as_deref() == Some(callback))
    {
        webhooks::set_subscription(store, Some(ours.id), Some(callback), now_ms()).await?;
        return Ok(Ensured::Existing { id: ours.id });
    }
    if let Some(other) = listed.first() {
        if !replace {
            let url = other.callback_url.clone().unwrap_or_default();
            return Err(SubscriptionError::OtherCallback(url));
        }
        strava
            .delete_push_subscription(other.id, Priority::Interactive)
            .await?;
    }
    // Strava calls our GET handler before it answers; the secrets are already stored, so any
    // of our processes can answer it.
    let secrets = webhooks::secrets(store, now_ms()).await?;
    let created = strava
        .create_push_subscription(callback, &secrets.verify_token, Priority::Interactive)
        .await?;
    webhooks::set_subscription(store, Some(created.id), Some(callback), now_ms()).await?;
    tracing::info!(id = created.id, "Strava push subscription created");
    Ok(Ensured::Created { id: created.id })
}

/// Strava's subscriptions and ours.
///
/// # Errors
/// See [`SubscriptionError`].
pub async fn show(
    store: &Store,
    strava: &StravaClient,
    public_url: &str,
    now_ms: i64,
) -> Result<Shown, SubscriptionError> {
    let callback = callback_url(store, public_url, now_ms).await?;
    let listed = strava
        .list_push_subscriptions(Priority::Interactive)
        .await?;
    Ok(Shown {
        callback_url: callback,
        stored: webhooks::subscription(store).await?,
        at_strava: listed.into_iter().map(ListedSubscription::from).collect(),
    })
}

/// Deletes the application's subscription at Strava (whichever callback it has) and forgets
/// ours; returns the deleted id, if there was one.
///
/// # Errors
/// See [`SubscriptionError`].
pub async fn delete(
    store: &Store,
    strava: &StravaClient,
    now_ms: i64,
) -> Result<Option<i64>, SubscriptionError> {
    let listed = strava
        .list_push_subscriptions(Priority::Interactive)
        .await?;
    let mut deleted = None;
    for subscription in listed {
        strava
            .delete_push_subscription(subscription.id, Priority::Interactive)
            .await?;
        deleted = Some(subscription.id);
    }
    if webhooks::subscription(store).await?.is_some() {
        webhooks::set_subscription(store, None, None, now_ms).await?;
    }
    Ok(deleted)
}

/// Ensures the subscription in the background once this process's server answers (Strava
/// validates the callback against it): a few tries a second apart, the outcome logged. Used by
/// `serve` with a public URL and by the demo.
pub fn spawn_ensure(
    store: Store,
    strava: std::sync::Arc<StravaClient>,
    public_url: String,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_error = None;
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            match ensure(&store, &strava, &public_url, false, crate::store::now_ms).await {
                Ok(ensured) => {
                    tracing::info!(?ensured, "Strava push subscription in place");
                    return;
                }
                // Someone else's subscription is an operator's decision, not a retry.
                Err(error @ SubscriptionError::OtherCallback(_)) => {
                    tracing::warn!(%error, "Strava push subscription not created");
                    return;
                }
                Err(error) => last_error = Some(error),
            }
        }
        if let Some(error) = last_error {
            tracing::warn!(%error, "Strava push subscription not created: webhooks are off, polling continues");
        }
    })
}
