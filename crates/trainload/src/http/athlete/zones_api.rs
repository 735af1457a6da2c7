//! The athlete's zone boundaries: `GET/PUT /api/v1/me/zones` (docs/science.md, "Zones").
//!
//! A change recomputes every activity of the athlete at once, through the same path as the
//! loads, so stored time in zone always matches the boundaries shown: reading the streams again
//! costs once per edit, which is rare, while every page and the dashboard read stored figures.

use axum::Json;
use axum::extract::State;
use science::zones::{Boundaries, ZoneKind, ZoneSettings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::session::AthleteSession;
use crate::http::extract::JsonBody;
use crate::http::openapi::ApiErrorBody;
use crate::http::{ApiError, ApiResult, AppState};
use crate::store::zones;

/// Each model's boundaries, % of its threshold: each the lowest percentage of the zone above,
/// strictly increasing. Power: 6 (of FTP), heart rate: 4 (of LTHR), pace: 5 (running speed as %
/// of threshold speed).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ZoneBoundaries {
    /// Power zone boundaries, % of FTP (default 56, 76, 91, 106, 121, 151).
    pub power: Vec<f64>,
    /// Heart-rate zone boundaries, % of LTHR (default 81, 90, 94, 100).
    pub heart_rate: Vec<f64>,
    /// Pace zone boundaries, speed in % of threshold speed (default 78, 88, 95, 100, 106).
    pub pace: Vec<f64>,
}

impl From<&ZoneSettings> for ZoneBoundaries {
    fn from(s: &ZoneSettings) -> Self {
        Self {
            power: s.power.pct().to_vec(),
            heart_rate: s.heart_rate.pct().to_vec(),
            pace: s.pace.pct().to_vec(),
        }
    }
}

/// `PUT /api/v1/me/zones`: the models to change (an omitted one keeps its boundaries); `reset`
/// restores every default first.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneChange {
    /// Power zone boundaries, % of FTP: 6 values in 20–300.
    pub power: Option<Vec<f64>>,
    /// Heart-rate zone boundaries, % of LTHR: 4 values in 50–120.
    pub heart_rate: Option<Vec<f64>>,
    /// Pace zone boundaries, speed in % of threshold speed: 5 values in 50–150.
    pub pace: Option<Vec<f64>>,
    /// Start from the defaults.
    #[serde(default)]
    pub reset: bool,
}

impl ZoneChange {
    /// `current` with the change applied.
    ///
    /// # Errors
    /// 400 `invalid_zones` for a wrong count, a value out of range or boundaries that do not
    /// increase.
    pub fn apply(&self, current: &ZoneSettings) -> Result<ZoneSettings, ApiError> {
        let mut next = if self.reset {
            ZoneSettings::default()
        } else {
            current.clone()
        };
        for (kind, pct) in [
            (ZoneKind::Power, &self.power),
            (ZoneKind::HeartRate, &self.heart_rate),
            (ZoneKind::Pace, &self.pace),
        ] {
            if let Some(pct) = pct {
                let checked = Boundaries::new(kind, pct.clone())
                    .map_err(|e| ApiError::bad_request("invalid_zones", e.to_string()))?;
                next.set(checked);
            }
        }
        Ok(next)
    }
}

/// Stores `change` for `user` and recomputes the time in zone of every activity; returns the
/// boundaries now in force. The `/fitness` form comes here too.
///
/// # Errors
/// 400 `invalid_zones`; 500 otherwise.
pub async fn set(
    state: &AppState,
    user: crate::store::users::UserId,
    change: &ZoneChange,
) -> Result<ZoneSettings, ApiError> {
    let current = zones::settings(&state.store, user).await?;
    let next = change.apply(&current)?;
    if next != current {
        let now_ms = jiff::Timestamp::now().as_millisecond();
        zones::put_settings(&state.store, user, &next, now_ms).await?;
        let since = jiff::civil::date(2000, 1, 1);
        crate::sync::recompute_from(&super::manual::context(state), user, since)
            .await
            .map_err(ApiError::internal)?;
    }
    Ok(next)
}

/// The athlete's zone boundaries (the defaults until edited).
#[utoipa::path(
    get, path = "/api/v1/me/zones", tag = "athlete", security(("session" = [])),
    responses(
        (status = 200, description = "Boundaries per model", body = ZoneBoundaries),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn zones_get(
    State(state): State<AppState>,
    session: AthleteSession,
) -> ApiResult<Json<ZoneBoundaries>> {
    let settings = zones::settings(&state.store, session.user).await?;
    Ok(Json(ZoneBoundaries::from(&settings)))
}

/// Changes zone boundaries; every activity's time in zone is recomputed before the answer.
#[utoipa::path(
    put, path = "/api/v1/me/zones", tag = "athlete", security(("session" = [])),
    request_body = ZoneChange,
    responses(
        (status = 200, description = "Stored; time in zone recomputed", body = ZoneBoundaries),
        (status = 400, description = "`invalid_body` or `invalid_zones`", body = ApiErrorBody),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn zones_put(
    State(state): State<AppState>,
    session: AthleteSession,
    JsonBody(body): JsonBody<ZoneChange>,
) -> ApiResult<Json<ZoneBoundaries>> {
    let body =
        body.ok_or_else(|| ApiError::bad_request("invalid_body", "a JSON body is needed"))?;
    let settings = set(&state, session.user, &body).await?;
    Ok(Json(ZoneBoundaries::from(&settings)))
}
