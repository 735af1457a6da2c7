//! The control API: stats, request log, athletes with truths and credentials, the clock,
//! activities created/edited/deleted now (with their events), revocation and token minting.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::state::{Created, Edit};
use super::{Shared, activities, lock, reply, webhooks};
use crate::model::calendar::{Kind, Session, Sport};
use crate::model::plan;

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/sim/stats", get(stats))
        .route("/_sim/stats", get(stats))
        .route("/_sim/log", get(log))
        .route("/_sim/athletes", get(athletes))
        .route("/_sim/clock", get(clock).post(set_clock))
        .route("/_sim/activities", post(create_activity))
        .route(
            "/_sim/activities/{id}",
            post(edit_activity).delete(delete_activity),
        )
        .route("/_sim/revoke", post(revoke))
        .route("/_sim/tokens", post(mint))
}

/// Counters and rate-limit usage as JSON.
pub(crate) fn stats_json(shared: &Shared) -> Value {
    let mut windows = *lock(&shared.windows);
    windows.roll(shared.config.clock.now_s());
    let stats = serde_json::to_value(&*lock(&shared.stats)).unwrap_or(Value::Null);
    let limits = shared.config.rate_limits.map(|l| json!({"overall_15m": l.overall_15m, "overall_day": l.overall_day, "read_15m": l.read_15m, "read_day": l.read_day}));
    let mut out = stats;
    if let Some(map) = out.as_object_mut() {
        map.insert(
            "rate_limit".into(),
            json!({"limits": limits, "usage": windows}),
        );
    }
    out
}

async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    reply::json(StatusCode::OK, &stats_json(&shared))
}

async fn log(State(shared): State<Arc<Shared>>) -> Response {
    let entries: Vec<_> = lock(&shared.stats).log.iter().cloned().collect();
    reply::json(StatusCode::OK, &entries)
}

/// One athlete for `/_sim/athletes`: identity, credentials, hidden truth.
pub(crate) fn athlete_entry(shared: &Shared, index: usize) -> Value {
    let Some(a) = shared.world.athletes.get(index) else {
        return Value::Null;
    };
    let grant = lock(&shared.auth).grants.get(index).cloned();
    json!({
        "index": index, "name": format!("{} {}", a.firstname, a.lastname), "sex": a.sex,
        "profile": a.profile.as_str(), "timezone": a.zone.name,
        "strava_athlete_id": a.strava_id,
        "strava_refresh_token": grant.as_ref().map(|g| g.refresh_token.clone()),
        "strava_access_token": grant.as_ref().and_then(|g| g.access_token.clone()),
        "strava_revoked": grant.as_ref().is_some_and(|g| g.revoked),
        "intervals_athlete_id": a.intervals_id, "intervals_api_key": shared.intervals_key(index),
        "truth": a.truth,
    })
}

async fn athletes(State(shared): State<Arc<Shared>>) -> Response {
    let list: Vec<Value> = (0..shared.world.athletes.len())
        .map(|i| athlete_entry(&shared, i))
        .collect();
    reply::json(StatusCode::OK, &list)
}

fn clock_json(shared: &Shared) -> Value {
    let now_ms = shared.config.clock.now_ms();
    json!({"now_ms": now_ms, "now": crate::time::format_instant_z(now_ms.div_euclid(1000))})
}

async fn clock(State(shared): State<Arc<Shared>>) -> Response {
    reply::json(StatusCode::OK, &clock_json(&shared))
}

#[derive(Deserialize)]
struct ClockChange {
    set_ms: Option<i64>,
    advance_s: Option<u64>,
}

async fn set_clock(State(shared): State<Arc<Shared>>, Json(change): Json<ClockChange>) -> Response {
    if let Some(ms) = change.set_ms {
        shared.config.clock.set_ms(ms);
    }
    if let Some(secs) = change.advance_s {
        shared.config.clock.advance(Duration::from_secs(secs));
    }
    webhooks::scan(&shared);
    reply::json(StatusCode::OK, &clock_json(&shared))
}

#[derive(Deserialize)]
struct NewActivity {
    athlete: usize,
    sport_type: Option<String>,
    minutes: Option<u32>,
}

fn sport_from(text: Option<&str>) -> Sport {
    match text {
        Some("Run") => Sport::Run,
        Some("Swim") => Sport::Swim,
        Some("Walk") => Sport::Walk,
        Some("Workout") => Sport::Workout,
        Some("FutureSport") => Sport::Future,
        _ => Sport::Ride,
    }
}

/// Creates an activity that ended now, visible at once, and sends its `create` event.
async fn create_activity(
    State(shared): State<Arc<Shared>>,
    Json(req): Json<NewActivity>,
) -> Response {
    let Some(athlete) = shared.world.athletes.get(req.athlete) else {
        return reply::json(StatusCode::NOT_FOUND, &json!({"error": "no such athlete"}));
    };
    let now_s = shared.config.clock.now_s();
    let sport = sport_from(req.sport_type.as_deref());
    let minutes = req.minutes.unwrap_or(60).clamp(20, 600);
    let day = shared.world.local_day(athlete, now_s);
    let slot = {
        let overlay = lock(&shared.overlay);
        let used = overlay
            .created
            .get(&req.athlete)
            .map_or(0, |l| l.iter().filter(|c| c.day == day).count());
        5 + used as u8
    };
    if slot > 9 {
        return reply::json(
            StatusCode::CONFLICT,
            &json!({"error": "at most five created activities per day"}),
        );
    }
    let session = Session {
        sport,
        kind: Kind::Endurance,
        minutes,
        slot,
    };
    let elapsed = plan::build(&shared.world.cal, athlete, day, &session, Some(now_s)).elapsed_s();
    let created = Created {
        day,
        slot,
        start_s: now_s - elapsed,
        sport,
        minutes,
    };
    lock(&shared.overlay)
        .created
        .entry(req.athlete)
        .or_default()
        .push(created);
    let id = plan::encode_id(req.athlete, day, slot);
    let Some(plan) = activities::find_plan(&shared, id) else {
        return reply::json(
            StatusCode::INTERNAL_SERVER_ERROR,
            &json!({"error": "created activity not found"}),
        );
    };
    webhooks::send(&shared, req.athlete, "activity", id, "create", json!({}));
    reply::json(
        StatusCode::CREATED,
        &activities::render(&shared, &plan, true),
    )
}

async fn edit_activity(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Json(edit): Json<Edit>,
) -> Response {
    let Some(plan) = activities::find_plan(&shared, id) else {
        return reply::strava_not_found();
    };
    let mut updates = serde_json::Map::new();
    if let Some(name) = &edit.name {
        updates.insert("title".into(), json!(name));
    }
    if let Some(sport) = &edit.sport_type {
        updates.insert("type".into(), json!(sport));
    }
    if let Some(private) = edit.private {
        updates.insert("private".into(), json!(private.to_string()));
    }
    {
        let mut overlay = lock(&shared.overlay);
        let stored = overlay.edits.entry(id).or_default();
        stored.name = edit.name.or(stored.name.take());
        stored.sport_type = edit.sport_type.or(stored.sport_type.take());
        stored.private = edit.private.or(stored.private);
    }
    webhooks::send(
        &shared,
        plan.athlete,
        "activity",
        id,
        "update",
        Value::Object(updates),
    );
    reply::json(StatusCode::OK, &activities::render(&shared, &plan, true))
}

async fn delete_activity(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Response {
    let Some(plan) = activities::find_plan(&shared, id) else {
        return reply::strava_not_found();
    };
    lock(&shared.overlay).deleted.insert(id);
    webhooks::send(&shared, plan.athlete, "activity", id, "delete", json!({}));
    reply::raw(StatusCode::NO_CONTENT, "application/json", "")
}

#[derive(Deserialize)]
struct AthleteRef {
    athlete: usize,
}

async fn revoke(State(shared): State<Arc<Shared>>, Json(req): Json<AthleteRef>) -> Response {
    if req.athlete >= shared.world.athletes.len() {
        return reply::json(StatusCode::NOT_FOUND, &json!({"error": "no such athlete"}));
    }
    lock(&shared.auth).revoke(req.athlete);
    webhooks::athlete_deauthorized(&shared, req.athlete);
    reply::json(StatusCode::OK, &athlete_entry(&shared, req.athlete))
}

/// Mints a fresh token pair for an athlete, as if the athlete had just authorised.
async fn mint(State(shared): State<Arc<Shared>>, Json(req): Json<AthleteRef>) -> Response {
    let now_s = shared.config.clock.now_s();
    let minted = lock(&shared.auth)
        .mint(
            shared.config.seed,
            req.athlete,
            now_s,
            shared.config.token_lifetime_s,
            true,
        )
        .cloned();
    match minted {
        Some(grant) => reply::json(
            StatusCode::OK,
            &json!({
                "access_token": grant.access_token, "refresh_token": grant.refresh_token,
                "expires_at": grant.expires_at_s, "scope": grant.scope,
            }),
        ),
        None => reply::json(StatusCode::NOT_FOUND, &json!({"error": "no such athlete"})),
    }
}
