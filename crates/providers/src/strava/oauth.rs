//! OAuth2 authorization-code flow (docs/providers.md §1.2). Persisting rotated tokens and the
//! single-flight refresh lease belong to the application's store; this is the HTTP side.

use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};

use super::models::RawTokenGrant;
use super::{CallKind, StravaClient, TokenGrant};
use crate::budget::Priority;
use crate::error::ProviderError;

/// The scope the application asks for.
pub const DEFAULT_SCOPE: &str = "read,activity:read_all";

impl StravaClient {
    /// The URL to send the browser to: `client_id`, `redirect_uri`, `response_type=code`,
    /// `approval_prompt=auto`, `scope`, `state`, all URL-encoded.
    pub fn authorize_url(
        &self,
        redirect_uri: &str,
        state: &str,
        scope: &str,
    ) -> Result<Url, ProviderError> {
        Url::parse_with_params(
            &self.oauth_url("/authorize"),
            [
                ("client_id", self.config.client_id.as_str()),
                ("redirect_uri", redirect_uri),
                ("response_type", "code"),
                ("approval_prompt", "auto"),
                ("scope", scope),
                ("state", state),
            ],
        )
        .map_err(|error| ProviderError::Setup(format!("authorize URL: {error}")))
    }

    /// `POST /oauth/token`, `grant_type=authorization_code`. The grant includes the athlete.
    pub async fn exchange_code(&self, code: &SecretString) -> Result<TokenGrant, ProviderError> {
        let form = [
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose_secret()),
            ("code", code.expose_secret()),
            ("grant_type", "authorization_code"),
        ];
        self.token_call(CallKind::Exchange, &form, &[code]).await
    }

    /// `POST /oauth/token`, `grant_type=refresh_token`. The refresh token may rotate: persist
    /// the whole grant before using its access token.
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenGrant, ProviderError> {
        let form = [
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose_secret()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ];
        self.token_call(CallKind::Refresh, &form, &[refresh_token])
            .await
    }

    async fn token_call(
        &self,
        kind: CallKind,
        form: &[(&str, &str)],
        sent: &[&SecretString],
    ) -> Result<TokenGrant, ProviderError> {
        let request = self.http.post(self.oauth_url("/token")).form(form);
        let mut secrets = vec![&self.config.client_secret];
        secrets.extend_from_slice(sent);
        let response = self.execute(None, kind, request, &secrets).await?;
        let raw: RawTokenGrant = response.json(&secrets)?;
        Ok(raw.into())
    }

    /// `POST /oauth/deauthorize` with an empty body and the Bearer token: revokes every token
    /// of the athlete for our application.
    pub async fn deauthorize(
        &self,
        access_token: &SecretString,
        priority: Priority,
    ) -> Result<(), ProviderError> {
        let request = self
            .http
            .post(self.oauth_url("/deauthorize"))
            .bearer_auth(access_token.expose_secret());
        let secrets = [access_token, &self.config.client_secret];
        self.execute(Some(priority), CallKind::Api, request, &secrets)
            .await?;
        Ok(())
    }
}
