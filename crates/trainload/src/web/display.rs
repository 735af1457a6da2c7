//! `/settings/display`: the athlete's choice of metric or imperial units (`users.units`), used
//! by every page through [`crate::units`]. The form posts `units=metric|imperial`.

use askama::Template;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::html;
use super::page_session::PageSession;
use crate::http::{ApiError, AppState};
use crate::store::users;
use crate::units::Units;

/// The form.
#[derive(Debug, Deserialize)]
pub struct DisplayForm {
    units: String,
}

/// The page: a radio button per choice, `current` checked.
#[derive(Template)]
#[template(path = "display.html")]
struct DisplayPage {
    nav: html::Nav,
    current: Units,
    choices: [(Units, &'static str); 2],
}

/// `GET /settings/display`.
pub async fn show(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Response, ApiError> {
    let current = users::units(&state.store, session.user).await?;
    let page = DisplayPage {
        nav: session.nav(),
        current,
        choices: [
            (Units::Metric, "Metric (km, m, min/km)"),
            (Units::Imperial, "Imperial (mi, ft, min/mi)"),
        ],
    };
    Ok(html::render(&page))
}

/// `POST /settings/display`: saves the choice and shows the page again.
pub async fn save(
    State(state): State<AppState>,
    session: PageSession,
    Form(form): Form<DisplayForm>,
) -> Result<Response, ApiError> {
    let units = Units::parse(&form.units).ok_or_else(|| {
        ApiError::bad_request("invalid_units", "units must be metric or imperial")
    })?;
    users::set_units(&state.store, session.user, units).await?;
    Ok(Redirect::to("/settings/display").into_response())
}
