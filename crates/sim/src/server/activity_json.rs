//! Strava activity JSON (summary and detail) in the recorded shapes: float `utc_offset` and
//! `max_heartrate`, `start_date_local` with `Z`, `timezone` with the standard offset, `null`
//! location fields, ids above 2^32.

use serde_json::{Value, json};

use super::state::Edit;
use crate::model::athlete::Athlete;
use crate::model::calendar::{Kind, Sport};
use crate::model::plan::Plan;
use crate::model::summary::Summary;
use crate::rng::{range, tag};
use crate::time::format_instant_z;

fn name_for(plan: &Plan) -> String {
    let local_hour = (plan.start_s + i64::from(plan.utc_offset_s)).rem_euclid(86_400) / 3600;
    let part = match local_hour {
        0..=10 => "Morning",
        11..=13 => "Lunch",
        14..=17 => "Afternoon",
        _ => "Evening",
    };
    let what = match plan.sport {
        s if s.is_ride() => "Ride",
        s if s.is_run() => "Run",
        Sport::Swim => "Swim",
        Sport::Walk => "Walk",
        Sport::Hike => "Hike",
        _ => "Workout",
    };
    match &plan.kind {
        Kind::Efforts(list) if list.len() == 1 => format!(
            "{part} {what}: {} × {} min",
            (2400 / list[0]).clamp(1, 5),
            list[0] / 60
        ),
        Kind::Efforts(_) => format!("{part} {what}: all-out efforts"),
        _ => format!("{part} {what}"),
    }
}

fn workout_type(plan: &Plan) -> Value {
    let hard = matches!(plan.kind, Kind::Efforts(_));
    match plan.sport {
        s if s.is_run() => json!(if hard {
            3
        } else if plan.kind == Kind::Long {
            2
        } else {
            0
        }),
        s if s.is_ride() => json!(if hard { 12 } else { 10 }),
        _ => Value::Null,
    }
}

fn latlng(seed: u64, plan: &Plan) -> Value {
    if !plan.sensors.gps {
        return json!([]);
    }
    let lat = range(&[seed, plan.id as u64, tag("lat")], 35.0, 55.0);
    let lng = range(&[seed, plan.id as u64, tag("lng")], -10.0, 20.0);
    json!([(lat * 1e6).round() / 1e6, (lng * 1e6).round() / 1e6])
}

/// The activity JSON; `detailed` adds the `DetailedActivity` fields (resource_state 3).
pub(crate) fn activity(
    seed: u64,
    athlete: &Athlete,
    plan: &Plan,
    summary: &Summary,
    edit: Option<&Edit>,
    detailed: bool,
) -> Value {
    let sport_type = edit
        .and_then(|e| e.sport_type.clone())
        .unwrap_or_else(|| plan.sport.sport_type().to_owned());
    let legacy = if edit.and_then(|e| e.sport_type.as_ref()).is_some() {
        sport_type.clone()
    } else {
        plan.sport.legacy_type().to_owned()
    };
    let private = edit.and_then(|e| e.private).unwrap_or(plan.private);
    let upload = (!plan.manual).then(|| plan.id * 3 + 17);
    let moving = summary.moving_s.max(1) as f64;
    let mut value = json!({
        "resource_state": if detailed { 3 } else { 2 },
        "athlete": {"id": athlete.strava_id, "resource_state": 1},
        "name": edit.and_then(|e| e.name.clone()).unwrap_or_else(|| name_for(plan)),
        "distance": (summary.distance_m * 10.0).round() / 10.0,
        "moving_time": summary.moving_s,
        "elapsed_time": summary.elapsed_s,
        "total_elevation_gain": summary.elevation.map_or(0.0, |e| e.0),
        "type": legacy,
        "sport_type": sport_type,
        "workout_type": workout_type(plan),
        "id": plan.id,
        "start_date": format_instant_z(plan.start_s),
        "start_date_local": format_instant_z(plan.start_s + i64::from(plan.utc_offset_s)),
        "timezone": athlete.zone.strava_label(),
        "utc_offset": f64::from(plan.utc_offset_s),
        "location_city": null, "location_state": null, "location_country": null,
        "achievement_count": 0, "kudos_count": (plan.id % 7), "comment_count": 0, "athlete_count": 1,
        "photo_count": 0,
        "map": {"id": format!("a{}", plan.id), "summary_polyline": if plan.sensors.gps { "_p~iF~ps|U_ulLnnqC_mqNvxq`@" } else { "" }, "resource_state": 2},
        "trainer": plan.trainer || plan.sport == Sport::VirtualRide,
        "commute": false,
        "manual": plan.manual,
        "private": private,
        "visibility": if private { "only_me" } else { "everyone" },
        "flagged": false,
        "gear_id": format!("g{}", athlete.strava_id),
        "start_latlng": latlng(seed, plan),
        "end_latlng": latlng(seed, plan),
        "average_speed": ((summary.distance_m / moving) * 1000.0).round() / 1000.0,
        "max_speed": (summary.max_speed * 1000.0).round() / 1000.0,
        "has_heartrate": summary.average_heartrate.is_some(),
        "heartrate_opt_out": false,
        "display_hide_heartrate_option": summary.average_heartrate.is_some(),
        "upload_id": upload,
        "upload_id_str": upload.map(|u| u.to_string()),
        "external_id": upload.map(|u| if plan.id % 2 == 0 { format!("garmin_ping_{u}") } else { format!("{u}.fit") }),
        "from_accepted_tag": false,
        "pr_count": 0,
        "total_photo_count": 0,
        "has_kudoed": false,
    });
    optional_fields(&mut value, plan, summary);
    if detailed {
        detail_fields(&mut value, athlete, plan, summary);
    }
    value
}

fn optional_fields(value: &mut Value, plan: &Plan, summary: &Summary) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    if let Some(cadence) = summary.average_cadence {
        map.insert("average_cadence".into(), json!(cadence));
    }
    if let (Some(avg), Some(max)) = (summary.average_heartrate, summary.max_heartrate) {
        map.insert("average_heartrate".into(), json!(avg));
        map.insert("max_heartrate".into(), json!(max));
        let minutes = summary.moving_s as f64 / 60.0;
        map.insert("suffer_score".into(), json!((minutes * 0.9).round()));
    }
    if let Some((_, low, high)) = summary.elevation {
        map.insert("elev_high".into(), json!(high));
        map.insert("elev_low".into(), json!(low));
    }
    if let Some(device_watts) = plan.device_watts {
        if let Some(avg) = summary.average_watts {
            map.insert("average_watts".into(), json!(avg));
            map.insert("kilojoules".into(), json!(summary.kilojoules));
            map.insert("device_watts".into(), json!(device_watts));
        }
        if let (Some(max), Some(weighted)) = (summary.max_watts, summary.weighted_average_watts) {
            map.insert("max_watts".into(), json!(max));
            map.insert("weighted_average_watts".into(), json!(weighted));
        }
    }
}

fn detail_fields(value: &mut Value, athlete: &Athlete, plan: &Plan, summary: &Summary) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    let calories = summary
        .kilojoules
        .map_or(summary.moving_s as f64 / 60.0 * 10.0, |kj| kj * 1.05);
    map.insert("description".into(), Value::Null);
    map.insert("calories".into(), json!((calories * 10.0).round() / 10.0));
    map.insert(
        "device_name".into(),
        if plan.manual {
            Value::Null
        } else {
            json!(athlete.device)
        },
    );
    map.insert(
        "embed_token".into(),
        json!(format!("{:x}", plan.id.wrapping_mul(2_654_435_761))),
    );
    map.insert("segment_efforts".into(), json!([]));
    map.insert("splits_metric".into(), json!([]));
    map.insert("laps".into(), json!([]));
    map.insert("photos".into(), json!({"primary": null, "count": 0}));
    map.insert("hide_from_home".into(), json!(false));
    if plan.sport.is_run() {
        map.insert("splits_standard".into(), json!([]));
        map.insert("best_efforts".into(), json!([]));
    }
}
