//! Who is signed in, for the pages: the session cookie read as the API reads it, but a page
//! without a live session redirects to `/` and a page for admins answers a 403 page.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use super::html::{Nav, admins_only};
use crate::http::athlete::session::session_user;
use crate::http::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::users::{self, Role, UserId};

/// A signed-in admin (pages): a redirect to `/` without a live session, a 403 page for an
/// athlete who is not an admin.
#[derive(Debug, Clone, Copy)]
pub struct AdminPage {
    /// The admin.
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
            Err(admins_only(session.nav()))
        }
    }
}
