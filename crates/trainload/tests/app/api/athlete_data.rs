//! Athlete data for the `/api/v1/me` tests: an app with the two sync jobs, signed-in athletes
//! (a real session cookie), and activities, loads, thresholds, wellness and curves stored
//! directly through the store, so every number in an answer is known.

use jiff::civil::Date;
use reqwest::StatusCode;
use serde_json::{Value, json};
use trainload::store::activities::{self, ActivityId, ActivitySummary};
use trainload::store::integrations::Provider;
use trainload::store::loads;
use trainload::store::power_curves::{self, CurveKind, CurvePoint};
use trainload::store::thresholds::{self, NewThresholdSet, ThresholdSource, ThresholdValues};
use trainload::store::users::UserId;
use trainload::store::wellness::{self, WellnessRecord};
use trainload::store::{Store, now_ms};

use crate::support::db::power_load;

use crate::support::app::{
    AppOptions, Engine, TestApp, TestJob, add_user, session_cookie, spawn_app_with,
};

/// An app on `engine` whose scheduler knows `quick_sync` and `daily_sync` (scripted jobs that
/// fire once a year, so nothing runs by itself).
pub async fn app(engine: Engine) -> TestApp {
    let jobs = vec![
        TestJob::new("quick_sync", vec![]).arc(),
        TestJob::new("daily_sync", vec![]).arc(),
    ];
    spawn_app_with(
        AppOptions {
            engine,
            ..AppOptions::default()
        },
        jobs,
    )
    .await
}

/// A signed-in athlete: their id and the `Cookie` header value of a live session.
pub struct Athlete {
    pub id: UserId,
    pub cookie: String,
}

impl Athlete {
    /// A new athlete (time zone UTC) with a session.
    pub async fn new(app: &TestApp) -> Self {
        let id = UserId(add_user(&app.store).await);
        Self::signed_in(app, id).await
    }

    /// A session for an existing user.
    pub async fn signed_in(app: &TestApp, id: UserId) -> Self {
        let cookie = session_cookie(&app.store, id).await;
        Self { id, cookie }
    }

    /// GET `path` with the session: status and JSON body.
    pub async fn get(&self, app: &TestApp, path: &str) -> (StatusCode, Value) {
        let response = app
            .client
            .get(app.url(path))
            .header(reqwest::header::COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// GET `path`, asserting 200, and the body.
    pub async fn ok(&self, app: &TestApp, path: &str) -> Value {
        let (status, body) = self.get(app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        body
    }
}

/// Today in UTC (the test athletes' zone).
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// `days` days from today (negative: before).
pub fn day(days: i64) -> Date {
    today().checked_add(jiff::Span::new().days(days)).unwrap()
}

/// A ride starting at 07:00 UTC on `date`, lasting an hour.
pub fn ride(external_id: u64, date: Date) -> ActivitySummary {
    let start = date
        .at(7, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .as_millisecond();
    ActivitySummary {
        provider: Provider::Strava,
        external_id: external_id.to_string(),
        upload_external_id: None,
        sport_type: "Ride".to_owned(),
        legacy_type: Some("Ride".to_owned()),
        sport: "ride".to_owned(),
        name: Some(format!("Ride {external_id}")),
        start_at_ms: start,
        utc_offset_s: 0,
        time_zone: Some("UTC".to_owned()),
        elapsed_s: Some(3700),
        moving_s: Some(3600),
        distance_m: Some(30_000.0),
        elevation_gain_m: Some(250.0),
        average_speed_mps: Some(8.3),
        max_speed_mps: Some(14.2),
        average_hr_bpm: Some(142.0),
        max_hr_bpm: Some(171.0),
        average_watts: Some(200.0),
        weighted_average_watts: Some(215.0),
        max_watts: Some(800.0),
        kilojoules: Some(720.0),
        device_watts: Some(true),
        trainer: false,
        commute: false,
        manual: false,
        is_private: false,
        visibility: Some("everyone".to_owned()),
    }
}

/// Stores a ride of `user` on `date` with a power load of `utl`; returns its id.
pub async fn add_ride(store: &Store, user: UserId, external_id: u64, date: Date, utl: f64) -> i64 {
    let id = activities::upsert(store, user, &ride(external_id, date), now_ms())
        .await
        .unwrap()
        .id;
    let load = power_load(id, utl, now_ms());
    loads::put(store, &load).await.unwrap();
    id.0
}

/// Stores a curve for activity `id`: `(duration_s, value)` pairs (W or m/s).
pub async fn add_curve(
    store: &Store,
    user: UserId,
    id: i64,
    kind: CurveKind,
    points: &[(u32, f64)],
) {
    let points: Vec<CurvePoint> = points
        .iter()
        .map(|&(duration_s, value)| CurvePoint { duration_s, value })
        .collect();
    power_curves::put(store, user, ActivityId(id), kind, &points, now_ms())
        .await
        .unwrap();
}

/// Records a threshold set effective from `from`.
pub async fn add_thresholds(
    store: &Store,
    user: UserId,
    from: Date,
    source: ThresholdSource,
    values: ThresholdValues,
) -> i64 {
    let set = NewThresholdSet {
        user,
        effective_from: from,
        source,
        method: source.as_str().to_owned(),
        values,
        evidence: json!({"note": "test"}),
        as_of: Some(from),
        calc_version: 1,
    };
    thresholds::add(store, &set, now_ms()).await.unwrap().0
}

/// Stores a wellness day.
pub async fn add_wellness(store: &Store, user: UserId, record: WellnessRecord) {
    wellness::upsert(store, user, &record, now_ms())
        .await
        .unwrap();
}
