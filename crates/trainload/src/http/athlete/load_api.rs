//! Handlers of the load side: dashboard summary, PMC series, activities, recommendations.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use super::session::AthleteSession;
use crate::http::extract::{Path, Query};
use crate::http::openapi::ApiErrorBody;
use crate::http::{ApiError, ApiResult, AppState};
use crate::read::DateRange;
use crate::read::activities::{ActivityPage, ActivityView};
use crate::read::activity_list::{ActivityQuery, DEFAULT_LIMIT};
use crate::read::recommend::{self, Recommendations};
use crate::read::{self, Dashboard, PmcSeries};
use crate::store::activities::ActivityId;
use crate::store::{StoreError, loads};

/// Longest `days` window of the PMC.
const MAX_PMC_DAYS: u32 = 3650;

/// Today's fitness, fatigue and form, ACWR per sport with its risk band, the week's load, and
/// the last and next sync.
#[utoipa::path(
    get, path = "/api/v1/me/dashboard", tag = "athlete", security(("session" = [])),
    responses(
        (status = 200, description = "The summary", body = Dashboard),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn dashboard(
    State(state): State<AppState>,
    session: AthleteSession,
) -> ApiResult<Json<Dashboard>> {
    let history = read::history(&state.store, session.user).await?;
    Ok(Json(
        read::dashboard(&state.store, &state.scheduler, &history).await?,
    ))
}

/// `?days=` or `?from=&to=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PmcQuery {
    /// The last N days up to today (1 – 3650, default 90); ignored when `from` or `to` is given.
    days: Option<u32>,
    /// First day, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (default today; days after today are left out).
    to: Option<String>,
}

/// Fitness (CTL), fatigue (ATL), form (TSB) and daily load for each day of a range: the last
/// `days` days, or `from`..=`to` (at most 10 years).
#[utoipa::path(
    get, path = "/api/v1/me/pmc", tag = "athlete", security(("session" = [])),
    params(PmcQuery),
    responses(
        (status = 200, description = "One point per day, oldest first", body = PmcSeries),
        (status = 400, description = "`invalid_days`, `invalid_date` or `invalid_range`", body = ApiErrorBody),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn pmc(
    State(state): State<AppState>,
    session: AthleteSession,
    Query(query): Query<PmcQuery>,
) -> ApiResult<Json<PmcSeries>> {
    let days = query.days.unwrap_or(90);
    if !(1..=MAX_PMC_DAYS).contains(&days) {
        return Err(ApiError::bad_request(
            "invalid_days",
            format!("days must be between 1 and {MAX_PMC_DAYS}"),
        ));
    }
    let today = read::today_of(&state.store, session.user).await?;
    let range = DateRange::parse(
        query.from.as_deref(),
        query.to.as_deref(),
        DateRange::last_days(today, days),
    )?;
    let history = read::history_covering(&state.store, session.user, Some(range.from)).await?;
    let points = read::pmc_between(&history, range)?;
    Ok(Json(PmcSeries {
        from: range.from.to_string(),
        to: points
            .last()
            .map_or_else(|| range.to.to_string(), |p| p.date.clone()),
        days: points.len(),
        points,
    }))
}

/// The athlete's activities, newest first, one page at a time, each with its load and a
/// one-line explanation of how the load came about. `sport`, `from` and `to` narrow the list
/// (`total` counts what they keep); `next` is the following page with the same filter.
#[utoipa::path(
    get, path = "/api/v1/me/activities", tag = "athlete", security(("session" = [])),
    params(ActivityQuery),
    responses(
        (status = 200, description = "One page", body = ActivityPage),
        (status = 400, description = "`invalid_sport`, `invalid_date`, `invalid_range` (from after to), `invalid_limit`, `invalid_offset` or `invalid_query`", body = ApiErrorBody),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn list_activities(
    State(state): State<AppState>,
    session: AthleteSession,
    Query(query): Query<ActivityQuery>,
) -> ApiResult<Json<ActivityPage>> {
    let request = query.check(DEFAULT_LIMIT)?;
    let page = read::activities::page(&state.store, session.user, &request).await?;
    Ok(Json(page))
}

/// One activity with its load breakdown: method, inputs, thresholds used and the wellness
/// modifier's components. Another athlete's activity is answered like a missing one.
#[utoipa::path(
    get, path = "/api/v1/me/activities/{id}", tag = "athlete", security(("session" = [])),
    params(("id" = i64, Path, description = "Activity id")),
    responses(
        (status = 200, description = "The activity", body = ActivityView),
        (status = 400, description = "`invalid_path`: not an integer id", body = ApiErrorBody),
        (status = 401, description = "No live session", body = ApiErrorBody),
        (status = 404, description = "No such activity of this athlete", body = ApiErrorBody),
    )
)]
pub(super) async fn one_activity(
    State(state): State<AppState>,
    session: AthleteSession,
    Path(id): Path<i64>,
) -> ApiResult<Json<ActivityView>> {
    let activity = match crate::store::activities::get(&state.store, ActivityId(id)).await {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Err(ApiError::not_found("activity")),
        Err(other) => return Err(other.into()),
    };
    // Another athlete's activity is answered exactly like a missing one.
    if activity.user != session.user || activity.deleted_at_ms.is_some() {
        return Err(ApiError::not_found("activity"));
    }
    let load = loads::get(&state.store, activity.id).await?;
    let mut view = ActivityView::new(&activity, load.as_ref());
    let stored = crate::store::zones::times(&state.store, activity.id).await?;
    view.time_in_zone = stored
        .iter()
        .flatten()
        .map(read::zone_times::ZoneTimeView::new)
        .collect();
    Ok(Json(view))
}

/// Today and the next four days: sport, intensity, UTL range, duration and distance ranges,
/// and a one-line rationale.
#[utoipa::path(
    get, path = "/api/v1/me/recommendations", tag = "athlete", security(("session" = [])),
    responses(
        (status = 200, description = "The plan", body = Recommendations),
        (status = 401, description = "No live session", body = ApiErrorBody),
    )
)]
pub(super) async fn recommendations(
    State(state): State<AppState>,
    session: AthleteSession,
) -> ApiResult<Json<Recommendations>> {
    let history = read::history(&state.store, session.user).await?;
    Ok(Json(
        recommend::recommendations(&state.store, &history).await?,
    ))
}
