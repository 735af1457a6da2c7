//! Fake Strava API reads: the athlete, activity listings, activity detail.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::faults::{Caller, strava_caller};
use super::{Shared, activity_json, lock, reply, streams};
use crate::model::calendar::{Kind, Session};
use crate::model::plan::{self, Plan};
use crate::model::summary::summarize;

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/strava/api/v3/athlete", get(athlete))
        .route("/strava/api/v3/athlete/activities", get(list))
        .route("/strava/api/v3/activities/{id}", get(detail))
        .route(
            "/strava/api/v3/activities/{id}/streams",
            get(streams::streams),
        )
}

/// The Strava summary of an athlete (`resource_state` 2 in token responses, 3 here).
pub(crate) fn athlete_json(shared: &Shared, index: usize, resource_state: u8) -> Value {
    let Some(a) = shared.world.athletes.get(index) else {
        return Value::Null;
    };
    let mut value = json!({
        "id": a.strava_id, "username": null, "resource_state": resource_state,
        "firstname": a.firstname, "lastname": a.lastname, "bio": null,
        "city": null, "state": null, "country": null, "sex": a.sex_letter(),
        "premium": true, "summit": true,
        "created_at": "2019-03-04T17:12:45Z", "updated_at": "2026-01-02T08:00:00Z",
        "badge_type_id": 1, "weight": a.truth.weight_kg,
        "profile_medium": "avatar/athlete/medium.png", "profile": "avatar/athlete/large.png",
        "friend": null, "follower": null,
    });
    if resource_state == 3
        && let Some(map) = value.as_object_mut()
    {
        map.insert("follower_count".into(), json!(3));
        map.insert("friend_count".into(), json!(5));
        map.insert("measurement_preference".into(), json!("meters"));
        map.insert("ftp".into(), json!(null));
        map.insert("clubs".into(), json!([]));
        map.insert("bikes".into(), json!([]));
        map.insert("shoes".into(), json!([]));
    }
    value
}

async fn athlete(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    match strava_caller(&shared, &headers).await {
        Ok(caller) => reply::tagged(
            reply::json(StatusCode::OK, &athlete_json(&shared, caller.index, 3)),
            caller.index,
        ),
        Err(response) => response,
    }
}

/// The plan behind an id: generated, or created through the control API; `None` if deleted.
pub(crate) fn find_plan(shared: &Shared, id: i64) -> Option<Plan> {
    let (index, day, slot) = plan::decode_id(id)?;
    if lock(&shared.overlay).deleted.contains(&id) {
        return None;
    }
    if slot < 5 {
        return shared.world.generated_plan(id);
    }
    let created = lock(&shared.overlay)
        .created
        .get(&index)?
        .iter()
        .find(|c| c.day == day && c.slot == slot)
        .copied()?;
    let athlete = shared.world.athletes.get(index)?;
    let session = Session {
        sport: created.sport,
        kind: Kind::Endurance,
        minutes: created.minutes,
        slot,
    };
    let mut plan = plan::build(
        &shared.world.cal,
        athlete,
        day,
        &session,
        Some(created.start_s),
    );
    plan.upload_delay_s = 0;
    Some(plan)
}

/// Every visible activity of an athlete whose local day lies in `[from_day, to_day]`.
pub(crate) fn visible(
    shared: &Shared,
    index: usize,
    from_day: i64,
    to_day: i64,
    now_s: i64,
) -> Vec<Plan> {
    let Some(athlete) = shared.world.athletes.get(index) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for day in from_day.max(shared.world.first_day)..=to_day {
        out.extend(shared.world.day_plans(athlete, day));
    }
    let created: Vec<i64> = lock(&shared.overlay)
        .created
        .get(&index)
        .map(|list| {
            list.iter()
                .filter(|c| c.day >= from_day && c.day <= to_day)
                .map(|c| plan::encode_id(index, c.day, c.slot))
                .collect()
        })
        .unwrap_or_default();
    out.extend(created.into_iter().filter_map(|id| find_plan(shared, id)));
    let overlay = lock(&shared.overlay);
    out.retain(|p| p.visible_at_s() <= now_s && !overlay.deleted.contains(&p.id));
    out
}

fn is_private(shared: &Shared, plan: &Plan) -> bool {
    lock(&shared.overlay)
        .edits
        .get(&plan.id)
        .and_then(|e| e.private)
        .unwrap_or(plan.private)
}

/// Renders one activity as JSON.
pub(crate) fn render(shared: &Shared, plan: &Plan, detailed: bool) -> Value {
    let Some(athlete) = shared.world.athletes.get(plan.athlete) else {
        return Value::Null;
    };
    let summary = summarize(shared.world.seed, athlete, plan);
    let edit = lock(&shared.overlay).edits.get(&plan.id).cloned();
    activity_json::activity(
        shared.world.seed,
        athlete,
        plan,
        &summary,
        edit.as_ref(),
        detailed,
    )
}

fn number(params: &HashMap<String, String>, key: &str) -> Result<Option<i64>, Response> {
    match params.get(key) {
        None => Ok(None),
        Some(text) => text.parse::<f64>().map(|v| Some(v as i64)).map_err(|_| {
            reply::strava_fault(
                StatusCode::BAD_REQUEST,
                "Bad Request",
                "Application",
                key,
                "invalid",
            )
        }),
    }
}

async fn list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let caller = match strava_caller(&shared, &headers).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let index = caller.index;
    match list_page(&shared, &caller, &params) {
        Ok(items) => reply::tagged(reply::json(StatusCode::OK, &items), index),
        Err(response) => reply::tagged(response, index),
    }
}

fn list_page(
    shared: &Shared,
    caller: &Caller,
    params: &HashMap<String, String>,
) -> Result<Vec<Value>, Response> {
    if !caller.reads_activities() {
        return Err(reply::strava_fault(
            StatusCode::UNAUTHORIZED,
            "Authorization Error",
            "AccessToken",
            "activity:read_permission",
            "missing",
        ));
    }
    let now_s = shared.config.clock.now_s();
    let (after, before) = (number(params, "after")?, number(params, "before")?);
    if after.is_some_and(|a| a > now_s) {
        return Err(reply::strava_fault(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Application",
            "after",
            "future",
        ));
    }
    let page = number(params, "page")?.unwrap_or(1).max(1);
    let per_page = number(params, "per_page")?.unwrap_or(30).clamp(1, 200);
    let Some(athlete) = shared.world.athletes.get(caller.index) else {
        return Ok(Vec::new());
    };
    let from_day = after.map_or(shared.world.first_day, |a| {
        shared.world.local_day(athlete, a) - 1
    });
    let to_day = shared
        .world
        .local_day(athlete, before.unwrap_or(now_s).min(now_s))
        + 1;
    let mut plans = visible(shared, caller.index, from_day, to_day, now_s);
    plans.retain(|p| after.is_none_or(|a| p.start_s > a) && before.is_none_or(|b| p.start_s < b));
    if !caller.reads_all() {
        plans.retain(|p| !is_private(shared, p));
    }
    // With `after` alone Strava answers oldest first; otherwise newest first.
    if after.is_some() && before.is_none() {
        plans.sort_by_key(|p| (p.start_s, p.id));
    } else {
        plans.sort_by_key(|p| (std::cmp::Reverse(p.start_s), std::cmp::Reverse(p.id)));
    }
    let skip = usize::try_from((page - 1) * per_page).unwrap_or(usize::MAX);
    let take = usize::try_from(per_page).unwrap_or(200);
    Ok(plans
        .iter()
        .skip(skip)
        .take(take)
        .map(|p| render(shared, p, false))
        .collect())
}

async fn detail(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let caller = match strava_caller(&shared, &headers).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let found = owned_plan(&shared, &caller, &id);
    let response = match found {
        Some(plan) => reply::json(StatusCode::OK, &render(&shared, &plan, true)),
        None => reply::strava_not_found(),
    };
    reply::tagged(response, caller.index)
}

/// The caller's visible activity with this id.
pub(crate) fn owned_plan(shared: &Shared, caller: &Caller, id: &str) -> Option<Plan> {
    let plan = find_plan(shared, id.parse().ok()?)?;
    let visible = plan.athlete == caller.index
        && plan.visible_at_s() <= shared.config.clock.now_s()
        && (caller.reads_all() || !is_private(shared, &plan));
    visible.then_some(plan)
}
