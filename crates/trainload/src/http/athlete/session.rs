//! Athlete sessions: a random token in an HttpOnly, SameSite=Lax cookie; only its SHA-256 hash
//! is stored. [`AthleteSession`] answers 401 JSON for the API; the pages' extractors (in `web`)
//! read the same cookie with `session_user`.

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};

use crate::http::{ApiError, AppState};
use crate::store::users::UserId;
use crate::store::{self, Store, StoreError, sessions};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tl_session";
/// How long a session lasts, seconds (30 days).
const SESSION_LIFETIME_S: i64 = 30 * 24 * 3600;

/// A signed-in athlete (API): 401 JSON without a live session.
#[derive(Debug, Clone, Copy)]
pub struct AthleteSession {
    /// Whose data every handler reads.
    pub user: UserId,
}

impl FromRequestParts<AppState> for AthleteSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match session_user(&parts.headers, &state.store).await? {
            Some(user) => Ok(Self { user }),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "sign in first (session cookie missing or expired)",
            )),
        }
    }
}

/// The user of the request's session cookie, if it names a live session.
pub(crate) async fn session_user(
    headers: &HeaderMap,
    store: &Store,
) -> Result<Option<UserId>, StoreError> {
    let Some(hash) = presented_hash(headers) else {
        return Ok(None);
    };
    sessions::find_user(store, &hash, store::now_ms()).await
}

/// The stored form (SHA-256) of the session token the request presents, if any.
pub fn presented_hash(headers: &HeaderMap) -> Option<Vec<u8>> {
    cookie_value(headers, SESSION_COOKIE).map(|token| token_hash(&token))
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
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

/// `bytes` random bytes as lowercase hex (session tokens, OAuth `state`).
///
/// # Errors
/// No randomness.
pub fn random_hex(bytes: usize) -> Result<String, ApiError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, `Path=/`, and `Secure` when `secure` (the
/// site is served over HTTPS). `max_age_s` 0 deletes the cookie.
pub fn cookie(name: &str, value: &str, max_age_s: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Lax{secure}")
}

/// Opens a session for `user` and returns the `Set-Cookie` header value (`secure`: add
/// `Secure`, see [`cookie`]).
///
/// # Errors
/// No randomness, or the session could not be stored.
pub async fn open(store: &Store, user: UserId, secure: bool) -> Result<String, ApiError> {
    let token = random_hex(32)?;
    let now_ms = store::now_ms();
    let expires_at_ms = now_ms + SESSION_LIFETIME_S * 1000;
    sessions::create(store, &token_hash(&token), user, expires_at_ms, now_ms).await?;
    Ok(cookie(SESSION_COOKIE, &token, SESSION_LIFETIME_S, secure))
}

/// The `Set-Cookie` value that ends the session cookie in the browser.
pub fn clear(secure: bool) -> String {
    cookie(SESSION_COOKIE, "", 0, secure)
}
