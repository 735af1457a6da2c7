//! Fake Intervals.icu: the athlete and wellness endpoints with Basic `API_KEY` auth, Spring-style
//! errors, a per-key request-rate limit and the athlete's Intervals.icu faults.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use base64::Engine;
use serde_json::{Value, json};

use super::faults::draw;
use super::{Shared, lock, reply};
use crate::config::FaultKind;
use crate::model::wellness;
use crate::time::{format_instant_millis, parse_date};

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/intervals/api/v1/athlete/{id}", get(athlete))
        .route("/intervals/api/v1/athlete/{id}/wellness", get(list))
        .route("/intervals/api/v1/athlete/{id}/wellness/{date}", get(day))
}

/// The athlete owning the key in a Basic `API_KEY:<key>` header.
fn key_owner(shared: &Shared, headers: &HeaderMap) -> Result<usize, Response> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if value.starts_with("Bearer ") {
        return Err(reply::intervals_error(
            StatusCode::FORBIDDEN,
            "Access denied",
        ));
    }
    let unauthorized = || reply::intervals_error(StatusCode::UNAUTHORIZED, "Unauthorized");
    let encoded = value.strip_prefix("Basic ").ok_or_else(unauthorized)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| unauthorized())?;
    let text = String::from_utf8(decoded).map_err(|_| unauthorized())?;
    let key = text.strip_prefix("API_KEY:").ok_or_else(unauthorized)?;
    (0..shared.world.athletes.len())
        .find(|&i| shared.intervals_key(i).is_some_and(|k| k == key))
        .ok_or_else(unauthorized)
}

/// 10 requests per second per key with a burst of 20, on real time.
fn over_rate(shared: &Shared, index: usize) -> bool {
    let Some(rps) = shared.config.intervals_max_rps else {
        return false;
    };
    let rate = f64::from(rps);
    let mut buckets = lock(&shared.intervals_buckets);
    let now = Instant::now();
    let (last, tokens) = buckets.entry(index).or_insert((now, 2.0 * rate));
    *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(2.0 * rate);
    *last = now;
    if *tokens < 1.0 {
        return true;
    }
    *tokens -= 1.0;
    false
}

/// Authenticates, checks the path id and applies faults; the athlete index on success.
fn admit(shared: &Shared, headers: &HeaderMap, id: &str, path: &str) -> Result<usize, Response> {
    let index = key_owner(shared, headers)?;
    let tagged = |r| reply::tagged(r, index);
    if shared.has_fault(index, FaultKind::Intervals401) {
        return Err(tagged(reply::intervals_error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
        )));
    }
    if over_rate(shared, index) {
        return Err(tagged(reply::intervals_error(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
        )));
    }
    let own = shared
        .world
        .athletes
        .get(index)
        .and_then(|a| a.intervals_id.clone());
    if id != "0" && Some(id) != own.as_deref() {
        let exists = shared
            .world
            .athletes
            .iter()
            .any(|a| a.intervals_id.as_deref() == Some(id));
        return Err(tagged(if exists {
            reply::intervals_error(StatusCode::FORBIDDEN, "Access denied")
        } else {
            spring_404(shared, path)
        }));
    }
    if shared.has_fault(index, FaultKind::Intervals5xx) && draw(shared, index, "intervals-5xx").0 {
        return Err(tagged(reply::intervals_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "java.lang.IllegalStateException: database unavailable",
        )));
    }
    if shared.has_fault(index, FaultKind::IntervalsMalformed)
        && draw(shared, index, "intervals-malformed").0
    {
        return Err(tagged(reply::raw(
            StatusCode::OK,
            "application/json;charset=UTF-8",
            "[{\"id\":\"2026-01-0",
        )));
    }
    Ok(index)
}

fn spring_404(shared: &Shared, path: &str) -> Response {
    let body = json!({
        "timestamp": format_instant_millis(shared.config.clock.now_ms(), true),
        "status": 404, "error": "Not Found", "path": path,
    });
    reply::json(StatusCode::NOT_FOUND, &body)
}

async fn athlete(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/api/v1/athlete/{id}");
    let index = match admit(&shared, &headers, &id, &path) {
        Ok(index) => index,
        Err(response) => return response,
    };
    let Some(a) = shared.world.athletes.get(index) else {
        return spring_404(&shared, &path);
    };
    let body = json!({
        "id": a.intervals_id, "name": format!("{} {}", a.firstname, a.lastname),
        "firstname": a.firstname, "lastname": a.lastname, "profile_medium": null,
        "sex": a.sex_letter(), "city": null, "state": null, "country": null,
        "timezone": a.zone.name, "locale": "en", "measurement_preference": "meters",
        "weight": a.truth.weight_kg, "icu_resting_hr": a.truth.resting_hr_bpm as i64,
        "icu_weight": a.truth.weight_kg, "icu_api_key": shared.intervals_key(index),
        "icu_date_of_birth": null, "email": format!("athlete{index}@sim.invalid"),
        "strava_id": a.strava_id, "strava_authorized": true, "status": "ACTIVE",
        "sportSettings": [], "custom_items": [],
    });
    reply::tagged(reply::json(StatusCode::OK, &body), index)
}

fn records(shared: &Shared, index: usize, oldest: i64, newest: i64) -> Vec<Value> {
    let Some(athlete) = shared.world.athletes.get(index) else {
        return Vec::new();
    };
    let now_ms = shared.config.clock.now_ms();
    (oldest.max(shared.world.first_day)..=newest)
        .filter_map(|day| wellness::record(&shared.world.cal, athlete, day))
        .filter(|r| r.updated_ms <= now_ms)
        .map(|r| r.json)
        .collect()
}

fn bad_date(text: &str) -> Response {
    reply::intervals_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("Invalid date [{text}]"),
    )
}

async fn list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let index = match admit(
        &shared,
        &headers,
        &id,
        &format!("/api/v1/athlete/{id}/wellness"),
    ) {
        Ok(index) => index,
        Err(response) => return response,
    };
    let parse = |key: &str, default: i64| match q.get(key) {
        None => Ok(default),
        Some(text) => parse_date(text).ok_or_else(|| bad_date(text)),
    };
    let today = shared.config.clock.now_ms().div_euclid(86_400_000) + 1;
    let range = parse("newest", today)
        .and_then(|newest| Ok((parse("oldest", shared.world.first_day)?, newest)));
    let response = match range {
        Ok((oldest, newest)) => {
            reply::json(StatusCode::OK, &records(&shared, index, oldest, newest))
        }
        Err(response) => response,
    };
    reply::tagged(response, index)
}

async fn day(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((id, date)): Path<(String, String)>,
) -> Response {
    let index = match admit(
        &shared,
        &headers,
        &id,
        &format!("/api/v1/athlete/{id}/wellness/{date}"),
    ) {
        Ok(index) => index,
        Err(response) => return response,
    };
    let response = match parse_date(&date) {
        None => bad_date(&date),
        Some(day) => match records(&shared, index, day, day).into_iter().next() {
            Some(record) => reply::json(StatusCode::OK, &record),
            // Intervals.icu answers an empty record for a day without data.
            None => reply::json(StatusCode::OK, &json!({"id": date})),
        },
    };
    reply::tagged(response, index)
}
