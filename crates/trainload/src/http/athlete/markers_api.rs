//! Handlers of the athlete's markers: thresholds history, wellness series, power curve and best
//! efforts, and sync/onboarding status.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use super::manual::{self, ManualOutcome, ManualThresholds};
use super::session::AthleteSession;
use crate::http::extract::{JsonBody, Path, Query};
use crate::http::openapi::ApiErrorBody;
use crate::http::{ApiError, ApiResult, AppState};
use crate::read::fitness::CurveWindow;
use crate::read::{self, PowerCurve, ThresholdEntry};
use crate::read::{DateRange, SyncStatus, WellnessDay};

/// Days of the default wellness range.
const WELLNESS_DEFAULT_DAYS: u32 = 90;

/// Every effective-dated threshold entry (FTP, CP and W′, threshold speed and D′, LTHR, max and
/// resting HR) with its source (`manual`, `estimated`, `wellness`) and method, oldest first.
#[utoipa::path(
    get, path = "/api/v1/me/thresholds", tag = "athlete", security(("session" = [])),
    responses(
        (status = 200, description = "The history", body = Vec<ThresholdEntry>),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn thresholds(
    State(state): State<AppState>,
    session: AthleteSession,
) -> ApiResult<Json<Vec<ThresholdEntry>>> {
    Ok(Json(
        read::thresholds_history(&state.store, session.user).await?,
    ))
}

/// Sets thresholds by hand from a date (default today): FTP, running threshold pace (or speed),
/// LTHR, max and resting HR, any subset. A manual value wins over every estimate for the fields
/// it carries from that date until a later manual entry; the loads dated on or after it are
/// recomputed before the answer.
#[utoipa::path(
    put, path = "/api/v1/me/thresholds", tag = "athlete", security(("session" = [])),
    request_body = ManualThresholds,
    responses(
        (status = 200, description = "Recorded; loads recomputed", body = ManualOutcome),
        (status = 400, description = "`invalid_body` or `invalid_thresholds`", body = ApiErrorBody),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn set_thresholds(
    State(state): State<AppState>,
    session: AthleteSession,
    JsonBody(body): JsonBody<ManualThresholds>,
) -> ApiResult<Json<ManualOutcome>> {
    let body =
        body.ok_or_else(|| ApiError::bad_request("invalid_body", "a JSON body is needed"))?;
    Ok(Json(manual::set(&state, session.user, &body).await?))
}

/// Removes a manual threshold entry; the estimates in force then apply again and the loads from
/// its date on are recomputed. Estimated entries cannot be removed (404).
#[utoipa::path(
    delete, path = "/api/v1/me/thresholds/{id}", tag = "athlete", security(("session" = [])),
    params(("id" = i64, Path, description = "Threshold entry id (a manual one)")),
    responses(
        (status = 200, description = "Removed; loads recomputed", body = ManualOutcome),
        (status = 401, description = "No live session", body = ApiErrorBody),
        (status = 404, description = "No manual entry of yours with that id", body = ApiErrorBody),
    )
)]
pub(super) async fn remove_threshold(
    State(state): State<AppState>,
    session: AthleteSession,
    Path(id): Path<i64>,
) -> ApiResult<Json<ManualOutcome>> {
    Ok(Json(manual::remove(&state, session.user, id).await?))
}

/// `?from=&to=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RangeQuery {
    /// First day, `YYYY-MM-DD` (default: 90 days before `to`).
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (default today).
    to: Option<String>,
}

/// Each stored wellness day in `from`..=`to` (at most 10 years): resting HR, HRV, sleep,
/// readiness and soreness/fatigue, with the wellness modifier that day and its components.
#[utoipa::path(
    get, path = "/api/v1/me/wellness", tag = "athlete", security(("session" = [])),
    params(RangeQuery),
    responses(
        (status = 200, description = "The days, oldest first", body = Vec<WellnessDay>),
        (status = 400, description = "`invalid_date` or `invalid_range`", body = ApiErrorBody),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn wellness(
    State(state): State<AppState>,
    session: AthleteSession,
    Query(query): Query<RangeQuery>,
) -> ApiResult<Json<Vec<WellnessDay>>> {
    let today = read::today_of(&state.store, session.user).await?;
    let range = DateRange::parse(
        query.from.as_deref(),
        query.to.as_deref(),
        DateRange::last_days(today, WELLNESS_DEFAULT_DAYS),
    )?;
    Ok(Json(
        read::wellness_series(&state.store, session.user, range).await?,
    ))
}

/// `?window=` or `?from=&to=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct CurveQuery {
    /// `90d` (default), `365d` or `all`; not together with `from`/`to`.
    window: Option<String>,
    /// First day, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (default today).
    to: Option<String>,
}

/// The mean-maximal power and best-speed curves of the activities in a window, with the best
/// efforts (5 s … 60 min) and estimated best times over the standard running distances.
#[utoipa::path(
    get, path = "/api/v1/me/power-curve", tag = "athlete", security(("session" = [])),
    params(CurveQuery),
    responses(
        (status = 200, description = "The curves", body = PowerCurve),
        (status = 400, description = "`invalid_window`, `invalid_date` or `invalid_range`", body = ApiErrorBody),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn power_curve(
    State(state): State<AppState>,
    session: AthleteSession,
    Query(query): Query<CurveQuery>,
) -> ApiResult<Json<PowerCurve>> {
    let today = read::today_of(&state.store, session.user).await?;
    let explicit = query.from.is_some() || query.to.is_some();
    let range = match (query.window.as_deref(), explicit) {
        (Some(_), true) => {
            return Err(ApiError::bad_request(
                "invalid_window",
                "give either window or from/to, not both",
            ));
        }
        (_, true) => DateRange::parse(
            query.from.as_deref(),
            query.to.as_deref(),
            CurveWindow::Days90.range(today),
        )?,
        (None, false) => CurveWindow::Days90.range(today),
        (Some(text), false) => CurveWindow::parse(text)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_window",
                    format!("window must be 90d, 365d or all, not {text:?}"),
                )
            })?
            .range(today),
    };
    Ok(Json(
        read::power_curve(&state.store, session.user, range).await?,
    ))
}

/// Each provider connection's status and last sync, the onboarding backfill's progress while it
/// runs, and the next scheduled sync.
#[utoipa::path(
    get, path = "/api/v1/me/sync", tag = "athlete", security(("session" = [])),
    responses(
        (status = 200, description = "The status", body = SyncStatus),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn sync(
    State(state): State<AppState>,
    session: AthleteSession,
) -> ApiResult<Json<SyncStatus>> {
    Ok(Json(
        read::sync_status(&state.store, &state.scheduler, session.user).await?,
    ))
}
