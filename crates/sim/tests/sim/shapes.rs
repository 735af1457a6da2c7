//! The simulator against our own tables of the published shapes (docs/providers.md §7). The tables
//! were written by hand from Strava's swagger models (`SummaryActivity`, `DetailedActivity`,
//! `DetailedAthlete`, `StreamSet`, `Fault`), Intervals.icu's OpenAPI (`Wellness`, the athlete)
//! and the recorded token responses; nothing here reads the published files.

use serde_json::Value;

use crate::helpers::{Ctx, start, unlimited};

#[derive(Clone, Copy, Debug, PartialEq)]
enum T {
    Int,
    Num,
    Str,
    Bool,
    Obj,
    Arr,
}

use T::{Arr, Bool, Int, Num, Obj, Str};

/// `SummaryActivity` as declared.
const SUMMARY_ACTIVITY: &[(&str, T)] = &[
    ("id", Int),
    ("external_id", Str),
    ("upload_id", Int),
    ("athlete", Obj),
    ("name", Str),
    ("distance", Num),
    ("moving_time", Int),
    ("elapsed_time", Int),
    ("total_elevation_gain", Num),
    ("elev_high", Num),
    ("elev_low", Num),
    ("type", Str),
    ("sport_type", Str),
    ("start_date", Str),
    ("start_date_local", Str),
    ("timezone", Str),
    ("start_latlng", Arr),
    ("end_latlng", Arr),
    ("achievement_count", Int),
    ("kudos_count", Int),
    ("comment_count", Int),
    ("athlete_count", Int),
    ("photo_count", Int),
    ("total_photo_count", Int),
    ("map", Obj),
    ("device_name", Str),
    ("trainer", Bool),
    ("commute", Bool),
    ("manual", Bool),
    ("private", Bool),
    ("flagged", Bool),
    ("workout_type", Int),
    ("upload_id_str", Str),
    ("average_speed", Num),
    ("max_speed", Num),
    ("has_kudoed", Bool),
    ("hide_from_home", Bool),
    ("gear_id", Str),
    ("kilojoules", Num),
    ("average_watts", Num),
    ("device_watts", Bool),
    ("max_watts", Int),
    ("weighted_average_watts", Int),
];

/// What `DetailedActivity` adds.
const DETAILED_EXTRA: &[(&str, T)] = &[
    ("description", Str),
    ("photos", Obj),
    ("gear", Obj),
    ("calories", Num),
    ("segment_efforts", Arr),
    ("embed_token", Str),
    ("splits_metric", Arr),
    ("splits_standard", Arr),
    ("laps", Arr),
    ("best_efforts", Arr),
];

/// Undeclared fields real responses carry (from the recordings).
const ACTIVITY_UNDECLARED: &[(&str, T)] = &[
    ("resource_state", Int),
    ("utc_offset", Num),
    ("location_city", Str),
    ("location_state", Str),
    ("location_country", Str),
    ("visibility", Str),
    ("has_heartrate", Bool),
    ("average_heartrate", Num),
    ("max_heartrate", Num),
    ("heartrate_opt_out", Bool),
    ("display_hide_heartrate_option", Bool),
    ("average_cadence", Num),
    ("from_accepted_tag", Bool),
    ("pr_count", Int),
    ("suffer_score", Num),
];

/// Fields that real recordings show as `null`.
const NULLABLE: &[&str] = &[
    "location_city",
    "location_state",
    "location_country",
    "workout_type",
    "description",
    "upload_id",
    "upload_id_str",
    "external_id",
    "device_name",
    "friend",
    "follower",
    "username",
    "bio",
    "city",
    "state",
    "country",
    "ftp",
];

const DETAILED_ATHLETE: &[(&str, T)] = &[
    ("id", Int),
    ("resource_state", Int),
    ("firstname", Str),
    ("lastname", Str),
    ("profile_medium", Str),
    ("profile", Str),
    ("city", Str),
    ("state", Str),
    ("country", Str),
    ("sex", Str),
    ("premium", Bool),
    ("summit", Bool),
    ("created_at", Str),
    ("updated_at", Str),
    ("follower_count", Int),
    ("friend_count", Int),
    ("measurement_preference", Str),
    ("ftp", Int),
    ("weight", Num),
    ("clubs", Arr),
    ("bikes", Arr),
    ("shoes", Arr),
];
const ATHLETE_UNDECLARED: &[(&str, T)] = &[
    ("username", Str),
    ("bio", Str),
    ("badge_type_id", Int),
    ("friend", Str),
    ("follower", Str),
];

const STREAM_KEYS: &[&str] = &[
    "time",
    "distance",
    "latlng",
    "altitude",
    "velocity_smooth",
    "heartrate",
    "cadence",
    "watts",
    "temp",
    "moving",
    "grade_smooth",
];

const SPORT_TYPES: &[&str] = &[
    "AlpineSki",
    "BackcountrySki",
    "Badminton",
    "Basketball",
    "Canoeing",
    "Cricket",
    "Crossfit",
    "Dance",
    "EBikeRide",
    "Elliptical",
    "EMountainBikeRide",
    "Golf",
    "GravelRide",
    "Handcycle",
    "HighIntensityIntervalTraining",
    "Hike",
    "IceSkate",
    "InlineSkate",
    "Kayaking",
    "Kitesurf",
    "MountainBikeRide",
    "NordicSki",
    "Padel",
    "PhysicalTherapy",
    "Pickleball",
    "Pilates",
    "Racquetball",
    "Ride",
    "RockClimbing",
    "RollerSki",
    "Rowing",
    "Run",
    "Sail",
    "Skateboard",
    "Snowboard",
    "Snowshoe",
    "Soccer",
    "Squash",
    "StairStepper",
    "StandUpPaddling",
    "Surfing",
    "Swim",
    "TableTennis",
    "Tennis",
    "TrailRun",
    "Velomobile",
    "VirtualRide",
    "VirtualRow",
    "VirtualRun",
    "Volleyball",
    "Walk",
    "WeightTraining",
    "Wheelchair",
    "Windsurf",
    "Workout",
    "Yoga",
];

/// Intervals.icu `Wellness` as declared.
const WELLNESS: &[(&str, T)] = &[
    ("id", Str),
    ("ctl", Num),
    ("atl", Num),
    ("rampRate", Num),
    ("ctlLoad", Num),
    ("atlLoad", Num),
    ("sportInfo", Arr),
    ("updated", Str),
    ("weight", Num),
    ("restingHR", Int),
    ("hrv", Num),
    ("hrvSDNN", Num),
    ("menstrualPhase", Str),
    ("menstrualPhasePredicted", Str),
    ("kcalConsumed", Int),
    ("sleepSecs", Int),
    ("sleepScore", Num),
    ("sleepQuality", Int),
    ("avgSleepingHR", Num),
    ("soreness", Int),
    ("fatigue", Int),
    ("stress", Int),
    ("mood", Int),
    ("motivation", Int),
    ("injury", Int),
    ("spO2", Num),
    ("systolic", Int),
    ("diastolic", Int),
    ("hydration", Int),
    ("hydrationVolume", Num),
    ("readiness", Num),
    ("baevskySI", Num),
    ("bloodGlucose", Num),
    ("lactate", Num),
    ("bodyFat", Num),
    ("abdomen", Num),
    ("vo2max", Num),
    ("comments", Str),
    ("steps", Int),
    ("respiration", Num),
    ("carbohydrates", Num),
    ("protein", Num),
    ("fatTotal", Num),
    ("locked", Bool),
    ("tempWeight", Bool),
    ("tempRestingHR", Bool),
];

/// The Intervals.icu athlete fields the simulator emits, with their declared types.
const ICU_ATHLETE: &[(&str, T)] = &[
    ("id", Str),
    ("name", Str),
    ("firstname", Str),
    ("lastname", Str),
    ("profile_medium", Str),
    ("sex", Str),
    ("city", Str),
    ("state", Str),
    ("country", Str),
    ("timezone", Str),
    ("locale", Str),
    ("measurement_preference", Str),
    ("weight", Num),
    ("icu_resting_hr", Int),
    ("icu_weight", Num),
    ("icu_api_key", Str),
    ("icu_date_of_birth", Str),
    ("email", Str),
    ("strava_id", Int),
    ("strava_authorized", Bool),
    ("status", Str),
    ("sportSettings", Arr),
    ("custom_items", Arr),
];

fn has_type(value: &Value, t: T) -> bool {
    match t {
        Int => value.as_i64().is_some() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        Num => value.is_number(),
        Str => value.is_string(),
        Bool => value.is_boolean(),
        Obj => value.is_object(),
        Arr => value.is_array(),
    }
}

/// Checks an object: declared or allow-listed fields only, with their types; `null` only where
/// allowed (every Intervals.icu field may be null).
fn check(what: &str, value: &Value, tables: &[&[(&str, T)]], nulls_anywhere: bool) {
    for (key, field) in value.as_object().unwrap() {
        let declared = tables.iter().flat_map(|t| t.iter()).find(|(k, _)| k == key);
        let Some((_, t)) = declared else {
            panic!("{what}: undeclared field {key}")
        };
        if field.is_null() {
            assert!(
                nulls_anywhere || NULLABLE.contains(&key.as_str()),
                "{what}: {key} is null"
            );
            continue;
        }
        assert!(has_type(field, *t), "{what}: {key} = {field} is not {t:?}");
    }
}

async fn sample_strava(ctx: &Ctx, index: usize) {
    let token = ctx.access_token(index).await;
    check(
        "athlete",
        &ctx.strava_json(&token, "/athlete").await,
        &[DETAILED_ATHLETE, ATHLETE_UNDECLARED],
        false,
    );
    let list = ctx
        .strava_json(&token, "/athlete/activities?per_page=60")
        .await;
    for (n, item) in list.as_array().unwrap().iter().enumerate() {
        check(
            "summary",
            item,
            &[SUMMARY_ACTIVITY, ACTIVITY_UNDECLARED],
            false,
        );
        let sport = item["sport_type"].as_str().unwrap();
        assert!(
            SPORT_TYPES.contains(&sport) || sport == "FutureSport",
            "{sport}"
        );
        assert!(
            item["start_date"].as_str().unwrap().ends_with('Z')
                && item["start_date_local"].as_str().unwrap().ends_with('Z')
        );
        if n % 6 == 0 {
            let id = item["id"].as_i64().unwrap();
            check(
                "detail",
                &ctx.strava_json(&token, &format!("/activities/{id}")).await,
                &[SUMMARY_ACTIVITY, DETAILED_EXTRA, ACTIVITY_UNDECLARED],
                false,
            );
            let streams = crate::helpers::streams(ctx, &token, id).await;
            for (key, stream) in streams.as_object().unwrap() {
                assert!(STREAM_KEYS.contains(&key.as_str()), "{key}");
                assert!(stream["original_size"].is_u64() && stream["data"].is_array());
                assert!(
                    ["low", "medium", "high"].contains(&stream["resolution"].as_str().unwrap())
                );
                assert!(["distance", "time"].contains(&stream["series_type"].as_str().unwrap()));
            }
        }
    }
}

#[tokio::test]
async fn strava_responses_follow_the_published_models_for_every_profile_and_several_seeds() {
    for seed in [1, 2, 3] {
        let ctx = start(unlimited(seed, 6)).await;
        for index in 0..6 {
            sample_strava(&ctx, index).await;
        }
    }
}

#[tokio::test]
async fn token_responses_follow_the_recorded_examples() {
    let ctx = start(unlimited(1, 1)).await;
    let body: Value = ctx
        .refresh(&ctx.info.athletes[0].strava_refresh_token)
        .await
        .json()
        .await
        .unwrap();
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 5);
    assert!(
        body["token_type"] == "Bearer"
            && body["expires_at"].is_i64()
            && body["expires_in"].is_i64()
    );
    assert!(
        body["access_token"].as_str().unwrap().len() == 40 && body["refresh_token"].is_string()
    );
}

#[tokio::test]
async fn intervals_responses_follow_the_published_schema() {
    for seed in [1, 2] {
        let ctx = start(unlimited(seed, 6)).await;
        for athlete in ctx
            .info
            .athletes
            .iter()
            .filter(|a| a.intervals_api_key.is_some())
        {
            let me: Value = ctx
                .intervals(athlete.index, "/athlete/0")
                .await
                .json()
                .await
                .unwrap();
            check("icu athlete", &me, &[ICU_ATHLETE], true);
            let list: Value = ctx
                .intervals(
                    athlete.index,
                    "/athlete/0/wellness?oldest=2026-05-01&newest=2026-06-15",
                )
                .await
                .json()
                .await
                .unwrap();
            for record in list.as_array().unwrap() {
                check("wellness", record, &[WELLNESS], true);
            }
        }
    }
}
