//! Everything stored about the signed-in athlete, to take away: `GET /api/v1/me/export` (one
//! JSON document) and `GET /api/v1/me/export/{activities,thresholds,wellness}.csv`. The
//! `/settings` page links to the same URLs. Secrets (tokens, API keys) are never exported.

use axum::Json;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Serialize;
use utoipa::ToSchema;

use super::{AthleteSession, PathParam, export_csv as csv};
use crate::http::openapi::ApiErrorBody;
use crate::http::{ApiError, ApiResult, AppState};
use crate::read::activities::{ActivityView, page_rows};
use crate::read::{DateRange, ThresholdEntry, WellnessDay, thresholds_history, wellness_series};
use crate::store::activities::ActivityFilter;
use crate::store::users::{self, UserId};
use crate::store::{Store, now_ms};

/// Activities read per query while exporting.
const PAGE: i64 = 500;

/// The athlete's profile as exported (no secrets, no session data).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExportedUser {
    /// Id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: String,
    /// `metric` or `imperial`.
    pub units: String,
    /// Created, epoch ms.
    pub created_at_ms: i64,
}

/// Everything stored about one athlete.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Export {
    /// When the export was made, epoch ms.
    pub exported_at_ms: i64,
    /// The athlete.
    pub user: ExportedUser,
    /// Every activity with its load, explanation and provenance, newest first.
    pub activities: Vec<ActivityView>,
    /// Every threshold entry, oldest first.
    pub thresholds: Vec<ThresholdEntry>,
    /// Every wellness day with its modifier, oldest first.
    pub wellness: Vec<WellnessDay>,
}

/// Collects `user`'s data.
///
/// # Errors
/// 500 for a store failure.
pub async fn collect(store: &Store, user: UserId) -> Result<Export, ApiError> {
    let profile = users::get(store, user).await?;
    let units = users::units(store, user).await?;
    Ok(Export {
        exported_at_ms: now_ms(),
        user: ExportedUser {
            id: profile.id.0,
            name: profile.name,
            time_zone: profile.time_zone,
            units: units.as_str().to_owned(),
            created_at_ms: profile.created_at_ms,
        },
        activities: all_activities(store, user).await?,
        thresholds: thresholds_history(store, user).await?,
        wellness: all_wellness(store, user).await?,
    })
}

/// Every live activity of `user` with its load, newest first.
///
/// # Errors
/// 500 for a store failure.
pub async fn all_activities(store: &Store, user: UserId) -> Result<Vec<ActivityView>, ApiError> {
    let mut activities = Vec::new();
    loop {
        let offset = i64::try_from(activities.len()).unwrap_or(i64::MAX);
        let (rows, _) = page_rows(store, user, &ActivityFilter::default(), PAGE, offset).await?;
        let last = i64::try_from(rows.len()).unwrap_or(0) < PAGE;
        activities.extend(rows.iter().map(|(a, l)| ActivityView::new(a, l.as_ref())));
        if last {
            return Ok(activities);
        }
    }
}

/// Every stored wellness day of `user` with its modifier, oldest first.
///
/// # Errors
/// 500 for a store failure.
pub async fn all_wellness(store: &Store, user: UserId) -> Result<Vec<WellnessDay>, ApiError> {
    let every_day = DateRange {
        from: Date::constant(1900, 1, 1),
        to: Date::constant(9999, 12, 31),
    };
    Ok(wellness_series(store, user, every_day).await?)
}

/// All of the athlete's data as one JSON document, offered as a download.
#[utoipa::path(
    get, path = "/api/v1/me/export", tag = "athlete", security(("session" = [])),
    responses(
        (status = 200, description = "Profile, activities with loads and explanations, thresholds and wellness", body = Export),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn export_json(
    State(state): State<AppState>,
    session: AthleteSession,
) -> ApiResult<Response> {
    let export = collect(&state.store, session.user).await?;
    let name = format!("trainload-{}.json", session.user.0);
    Ok(([(CONTENT_DISPOSITION, attachment(&name))], Json(export)).into_response())
}

/// One part of the athlete's data as CSV (`activities.csv`, `thresholds.csv`,
/// `wellness.csv`), offered as a download.
#[utoipa::path(
    get, path = "/api/v1/me/export/{file}", tag = "athlete", security(("session" = [])),
    params(("file" = String, Path, description = "`activities.csv`, `thresholds.csv` or `wellness.csv`")),
    responses(
        (status = 200, description = "RFC 4180 CSV with a header row", body = String, content_type = "text/csv"),
        (status = 401, description = "No live session", body = ApiErrorBody),
        (status = 404, description = "`not_found`: another file name", body = ApiErrorBody),
    )
)]
pub(super) async fn export_csv(
    State(state): State<AppState>,
    session: AthleteSession,
    PathParam(file): PathParam<String>,
) -> ApiResult<Response> {
    let (store, user) = (&state.store, session.user);
    let (part, text) = match file.as_str() {
        "activities.csv" => (
            "activities",
            csv::activities(&all_activities(store, user).await?),
        ),
        "thresholds.csv" => (
            "thresholds",
            csv::thresholds(&thresholds_history(store, user).await?),
        ),
        "wellness.csv" => ("wellness", csv::wellness(&all_wellness(store, user).await?)),
        _ => return Err(ApiError::not_found("export file")),
    };
    let name = format!("trainload-{}-{part}.csv", session.user.0);
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, attachment(&name)),
        ],
        text,
    )
        .into_response())
}

fn attachment(name: &str) -> String {
    format!("attachment; filename=\"{name}\"")
}
