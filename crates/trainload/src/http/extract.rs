//! Extractors for cross-cutting input: the admin check, and body, path, query and
//! header readers whose rejections answer in the house error format. Handlers never parse
//! headers themselves.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::AppState;
use super::athlete::session::session_user;
use super::error::ApiError;
use crate::store::StoreError;
use crate::store::users::{self, Role, UserId};

/// An authenticated admin: `Authorization: Bearer <admin token>`, or the session cookie of a
/// user whose role is admin (the admin pages' forms). Neither: 401; a signed-in athlete who is
/// not an admin: 403.
#[derive(Debug, Clone, Copy)]
pub struct Admin {
    /// The signed-in admin, or `None` for the bearer token.
    user: Option<UserId>,
}

impl Admin {
    /// The actor recorded on runs and pauses: `admin:token` for the bearer token (it names no
    /// person), `user:{id}` for a signed-in admin.
    pub fn actor(self) -> String {
        match self.user {
            Some(user) => format!("user:{}", user.0),
            None => "admin:token".to_owned(),
        }
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_token);
        if let Some(presented) = presented {
            return if state.admin.verify(presented) {
                Ok(Self { user: None })
            } else {
                Err(ApiError::unauthorized())
            };
        }
        let Some(user) = session_user(&parts.headers, &state.store).await? else {
            return Err(ApiError::unauthorized());
        };
        match users::get(&state.store, user).await {
            Ok(found) if found.role == Role::Admin => Ok(Self { user: Some(user) }),
            Ok(_) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "this endpoint is for admins",
            )),
            Err(StoreError::NotFound) => Err(ApiError::unauthorized()),
            Err(error) => Err(error.into()),
        }
    }
}

/// The token of an `Authorization: Bearer <token>` value. The scheme is matched without regard
/// to case, as RFC 9110 §11.1 requires (`bearer`, `BEARER`); any other scheme is `None`.
pub fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

/// An optional JSON body: an empty body is `None`; anything else must parse as `T`. The
/// content type is not insisted on, so `curl -X POST` with a bare body works.
#[derive(Debug)]
pub struct JsonBody<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError::bad_request("invalid_body", e.body_text()))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        serde_json::from_slice(&bytes)
            .map(|value| Self(Some(value)))
            .map_err(|e| ApiError::bad_request("invalid_body", format!("invalid JSON body: {e}")))
    }
}

/// Path parameters; a mismatch is a 400 in the house format.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Self(value))
            .map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))
    }
}

/// Query parameters; a mismatch is a 400 in the house format.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))
    }
}

/// The optional `Idempotency-Key` header: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(Self(None));
        };
        let invalid = || {
            ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )
        };
        let key = value.to_str().map_err(|_| invalid())?.trim();
        if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid());
        }
        Ok(Self(Some(key.to_owned())))
    }
}

/// The `Last-Event-ID` header of a reconnecting `EventSource`: the id of the last event it
/// received. Absent or not a number: `None` (the stream then starts with new events).
#[derive(Debug, Clone, Copy)]
pub struct LastEventId(pub Option<crate::store::events::EventId>);

impl<S: Send + Sync> FromRequestParts<S> for LastEventId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let id = parts
            .headers
            .get("last-event-id")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<i64>().ok())
            .filter(|&id| id >= 0)
            .map(crate::store::events::EventId);
        Ok(Self(id))
    }
}
