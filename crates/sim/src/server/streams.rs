//! `GET /activities/{id}/streams`: generated per request from the plan, keyed for
//! `key_by_type=true`, the array form otherwise, only `distance` without `keys`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::activities::owned_plan;
use super::faults::strava_caller;
use super::{Shared, lock, reply};
use crate::config::FaultKind;
use crate::model::streams::{Samples, generate};

/// One stream's data.
enum Data<'a> {
    Int(&'a [i64]),
    Float(&'a [f64]),
    Bool(&'a [bool]),
}

struct StreamOut<'a> {
    key: &'static str,
    data: Data<'a>,
    series_type: &'static str,
    with_type: bool,
}

impl Serialize for StreamOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if self.with_type {
            map.serialize_entry("type", self.key)?;
        }
        let len = match &self.data {
            Data::Int(d) => {
                map.serialize_entry("data", d)?;
                d.len()
            }
            Data::Float(d) => {
                map.serialize_entry("data", d)?;
                d.len()
            }
            Data::Bool(d) => {
                map.serialize_entry("data", d)?;
                d.len()
            }
        };
        map.serialize_entry("series_type", self.series_type)?;
        map.serialize_entry("original_size", &len)?;
        map.serialize_entry("resolution", "high")?;
        map.end()
    }
}

struct Keyed<'a>(Vec<StreamOut<'a>>);

impl Serialize for Keyed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for stream in &self.0 {
            map.serialize_entry(stream.key, stream)?;
        }
        map.end()
    }
}

struct Listed<'a>(Vec<StreamOut<'a>>);

impl Serialize for Listed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for stream in &self.0 {
            seq.serialize_element(stream)?;
        }
        seq.end()
    }
}

/// The streams present in `samples` among `keys`, in the order asked.
fn select<'a>(samples: &'a Samples, keys: &[&str], with_type: bool) -> Vec<StreamOut<'a>> {
    let series_type = if samples.distance.is_some() {
        "distance"
    } else {
        "time"
    };
    let mut out = Vec::new();
    for &key in keys {
        let data = match key {
            "time" if !samples.time.is_empty() => Data::Int(&samples.time),
            "moving" if !samples.moving.is_empty() => Data::Bool(&samples.moving),
            "watts" => match &samples.watts {
                Some(d) => Data::Int(d),
                None => continue,
            },
            "heartrate" => match &samples.heartrate {
                Some(d) => Data::Int(d),
                None => continue,
            },
            "cadence" => match &samples.cadence {
                Some(d) => Data::Int(d),
                None => continue,
            },
            "velocity_smooth" => match &samples.velocity {
                Some(d) => Data::Float(d),
                None => continue,
            },
            "distance" => match &samples.distance {
                Some(d) => Data::Float(d),
                None => continue,
            },
            "altitude" => match &samples.altitude {
                Some(d) => Data::Float(d),
                None => continue,
            },
            "grade_smooth" => match &samples.grade {
                Some(d) => Data::Float(d),
                None => continue,
            },
            _ => continue,
        };
        let key = KNOWN
            .iter()
            .copied()
            .find(|k| *k == key)
            .unwrap_or("distance");
        if out.iter().all(|s: &StreamOut<'_>| s.key != key) {
            out.push(StreamOut {
                key,
                data,
                series_type,
                with_type,
            });
        }
    }
    out
}

const KNOWN: [&str; 9] = [
    "time",
    "distance",
    "altitude",
    "velocity_smooth",
    "heartrate",
    "cadence",
    "watts",
    "moving",
    "grade_smooth",
];

/// `streams-not-ready`: the first N requests per activity answer 404 or `{}`.
fn not_ready(shared: &Shared, index: usize, id: i64) -> Option<Response> {
    if !shared.has_fault(index, FaultKind::StreamsNotReady) {
        return None;
    }
    let mut overlay = lock(&shared.overlay);
    let count = overlay.stream_requests.entry(id).or_default();
    *count += 1;
    (*count <= shared.config.fault_settings.streams_not_ready_count).then(|| {
        if *count % 2 == 1 {
            reply::strava_not_found()
        } else {
            reply::raw(StatusCode::OK, "application/json; charset=utf-8", "{}")
        }
    })
}

pub(crate) async fn streams(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let caller = match strava_caller(&shared, &headers).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let Some(plan) = owned_plan(&shared, &caller, &id) else {
        return reply::tagged(reply::strava_not_found(), caller.index);
    };
    if let Some(response) = not_ready(&shared, caller.index, plan.id) {
        return reply::tagged(response, caller.index);
    }
    let Some(athlete) = shared.world.athletes.get(plan.athlete) else {
        return reply::tagged(reply::strava_not_found(), caller.index);
    };
    let samples = generate(shared.world.seed, athlete, &plan);
    let mut keys: Vec<&str> = params
        .get("keys")
        .map(|k| k.split(',').map(str::trim).collect())
        .unwrap_or_default();
    // Strava always adds `distance`; without `keys` it is all that comes back.
    keys.push("distance");
    let keyed = params.get("key_by_type").is_some_and(|v| v == "true");
    let selected = select(&samples, &keys, !keyed);
    let response = if keyed {
        reply::json(StatusCode::OK, &Keyed(selected))
    } else {
        reply::json(StatusCode::OK, &Listed(selected))
    };
    reply::tagged(response, caller.index)
}
