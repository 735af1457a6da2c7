//! `/settings/display`: the athlete's choice of metric or imperial units (`users.units`), used
//! by every page through [`crate::units`]. The form posts `units=metric|imperial`.

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

/// `GET /settings/display`.
pub async fn show(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Response, ApiError> {
    let current = users::units(&state.store, session.user).await?;
    let option = |units: Units, label: &str| {
        let checked = if units == current { " checked" } else { "" };
        format!(
            r#"<label class="choice"><input type="radio" name="units" value="{}"{checked}> {label}</label>"#,
            units.as_str()
        )
    };
    let body = format!(
        r#"<p><a href="/settings">← Settings</a></p><h1>Display</h1><div class="card"><form method="post" action="/settings/display"><fieldset><legend>Units</legend>{}{}</fieldset><p><button type="submit" id="save-units">Save</button></p></form><p class="muted">Currently {}. Stored values do not change; only how they are shown.</p></div>"#,
        option(Units::Metric, "Metric (km, m, min/km)"),
        option(Units::Imperial, "Imperial (mi, ft, min/mi)"),
        current.as_str(),
    );
    Ok(html::page("Display settings", session.nav(), &body))
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
