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
use crate::web::Nav;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tl_session";
/// How long a session lasts, seconds (30 days).
const SESSION_LIFETIME_S: i64 = 30 * 24 * 3600;

/// A signed-in admin (pages): a redirect to `/` without a live session, a 403 page for an
/// athlete who is not an admin.
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
    /// Whether the athlete is an admin (the navigation shows the admin link).
    pub admin: bool,
}

impl PageSession {
    /// The navigation this athlete sees.
    pub fn nav(&self) -> Nav {
        if self.admin { Nav::Admin } else { Nav::Athlete }
    }
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

impl FromRequestParts<AppState> for PageSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = match session_user(&parts.headers, &state.store).await {
            Ok(Some(user)) => user,
            Ok(None) => return Err(Redirect::to("/").into_response()),
            Err(error) => return Err(ApiError::from(error).into_response()),
        };
        match users::get(&state.store, user).await {
            Ok(found) => Ok(Self {
                user,
                admin: found.role == Role::Admin,
            }),
            // The user was deleted while the session was in flight.
            Err(StoreError::NotFound) => Err(Redirect::to("/").into_response()),
            Err(error) => Err(ApiError::from(error).into_response()),
        }
    }
}

impl FromRequestParts<AppState> for AdminPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = PageSession::from_request_parts(parts, state).await?;
        if session.admin {
            Ok(Self { user: session.user })
        } else {
            Err(crate::web::admins_only(session.nav()))
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
