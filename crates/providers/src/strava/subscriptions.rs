//! Push subscription management (docs/providers.md §2.1): one subscription per application, managed
//! with the client credentials (form fields on create, query parameters on list and delete, as
//! Strava requires; URLs are therefore never logged).

use secrecy::ExposeSecret;
use serde::Deserialize;

use super::{CallKind, StravaClient};
use crate::budget::Priority;
use crate::error::ProviderError;
use crate::lenient;

/// The application's push subscription (`POST`/`GET /push_subscriptions`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PushSubscription {
    /// Subscription id; events carry it as `subscription_id`.
    #[serde(deserialize_with = "lenient::id")]
    pub id: i64,
    /// Our application id.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub application_id: Option<i64>,
    /// Where Strava posts events.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// Creation time as sent (RFC 3339, sometimes with nanoseconds).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Last update as sent.
    #[serde(default)]
    pub updated_at: Option<String>,
}

impl StravaClient {
    /// `POST /push_subscriptions`; Strava validates the callback before answering 201.
    pub async fn create_push_subscription(
        &self,
        callback_url: &str,
        verify_token: &secrecy::SecretString,
        priority: Priority,
    ) -> Result<PushSubscription, ProviderError> {
        let form = [
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose_secret()),
            ("callback_url", callback_url),
            ("verify_token", verify_token.expose_secret()),
        ];
        let request = self
            .http
            .post(self.api_url("/push_subscriptions"))
            .form(&form);
        let secrets = [&self.config.client_secret, verify_token];
        let response = self
            .execute(Some(priority), CallKind::Api, request, &secrets)
            .await?;
        response.json(&secrets)
    }

    /// `GET /push_subscriptions?client_id=&client_secret=`: `[]` when there is none.
    pub async fn list_push_subscriptions(
        &self,
        priority: Priority,
    ) -> Result<Vec<PushSubscription>, ProviderError> {
        let request = self
            .http
            .get(self.api_url("/push_subscriptions"))
            .query(&self.client_credentials());
        let secrets = [&self.config.client_secret];
        let response = self
            .execute(Some(priority), CallKind::Api, request, &secrets)
            .await?;
        response.json(&secrets)
    }

    /// `DELETE /push_subscriptions/{id}?client_id=&client_secret=` (204).
    pub async fn delete_push_subscription(
        &self,
        subscription_id: i64,
        priority: Priority,
    ) -> Result<(), ProviderError> {
        let request = self
            .http
            .delete(self.api_url(&format!("/push_subscriptions/{subscription_id}")))
            .query(&self.client_credentials());
        self.execute(
            Some(priority),
            CallKind::Api,
            request,
            &[&self.config.client_secret],
        )
        .await?;
        Ok(())
    }

    fn client_credentials(&self) -> [(&str, &str); 2] {
        [
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose_secret()),
        ]
    }
}
