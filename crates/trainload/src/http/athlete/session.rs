//! Athlete sessions: a random token in an HttpOnly, SameSite=Lax cookie; only its SHA-256 hash
//! is stored. [`AthleteSession`] answers 401 JSON for the API, [`PageSession`] redirects pages
//! to `/`.

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use crate::http::{ApiError, AppState};
use crate::store::users::{self, Role, UserId};
use crate::store::{self, Store, StoreError, sessions};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tl_session";
/// How long a session lasts, seconds (30 days).
const SESSION_LIFETIME_S: i64 = 30 * 24 * 3600;

/// A signed-in admin (pages): a redirect to `/` without a live session, 403 for an athlete who
/// is not an admin.
#[derive(Debug, Clone, Copy)]
pub struct AdminPage {
    /// The admin.
    pub user: UserId,
}

/// A signed-in athlete (API): 401 JSON without a live session.
#[derive(Debug, Clone, Copy)]
pub struct AthleteSession {
    /// Whose data every handler reads.
    pub user: UserId,
}

/// A signed-in athlete (pages): a redirect to `/` without a live session.
#[derive(Debug, Clone, Copy)]
pub struct PageSession {
    /// Whose data the page shows.
    pub user: UserId,
}

impl FromRequestParts<AppState> for AthleteSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match session_user(parts, &state.store).await? {
            Some(user) => Ok(Self { user }),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "sign in first (session cookie missing or expired)",
            )),
        }
    }
}

impl FromRequestParts<AppState> for PageSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match session_user(parts, &state.store).await {
            Ok(Some(user)) => Ok(Self { user }),
            Ok(None) => Err(Redirect::to("/").into_response()),
            Err(error) => Err(ApiError::from(error).into_response()),
        }
    }
}

impl FromRequestParts<AppState> for AdminPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let PageSession { user } = PageSession::from_request_parts(parts, state).await?;
        match users::get(&state.store, user).await {
            Ok(found) if found.role == Role::Admin => Ok(Self { user }),
            Ok(_) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "this page is for admins",
            )
            .into_response()),
            Err(error) => Err(ApiError::from(error).into_response()),
        }
    }
}

/// The user of the request's session cookie, if it names a live session.
async fn session_user(parts: &Parts, store: &Store) -> Result<Option<UserId>, StoreError> {
    let Some(hash) = presented_hash(&parts.headers) else {
        return Ok(None);
    };
    sessions::find_user(store, &hash, store::now_ms()).await
}

/// The stored form (SHA-256) of the session token the request presents, if any.
pub fn presented_hash(headers: &HeaderMap) -> Option<Vec<u8>> {
    cookie_value(headers, SESSION_COOKIE).map(|token| token_hash(&token))
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Opens a session for `user` and returns the `Set-Cookie` header value.
///
/// # Errors
/// No randomness, or the session could not be stored.
pub async fn open(store: &Store, user: UserId) -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let now_ms = store::now_ms();
    let expires_at_ms = now_ms + SESSION_LIFETIME_S * 1000;
    sessions::create(store, &token_hash(&token), user, expires_at_ms, now_ms).await?;
    Ok(format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={SESSION_LIFETIME_S}; HttpOnly; SameSite=Lax"
    ))
}
