//! The plan's "today" is the athlete's local day (docs/science.md §11.12), on both engines: an
//! activity that is today in the athlete's zone but another day in UTC counts for today's plan,
//! one that is today in UTC but yesterday locally does not, and the plan's ACWR is the
//! dashboard's overall ACWR.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::Value;
use trainload::store::activities;
use trainload::store::loads::{self, ActivityLoad};
use trainload::store::users::{self, UserId};
use trainload::store::{Store, now_ms};

use crate::api::athlete_data::{Athlete, app, ride};
use crate::support::app::engines;
use crate::support::db::power_load;

/// Stores a ride of `user` starting at local `date` `hour`:`minute` in `zone`, with a power
/// load of `utl`; returns its id.
async fn add_local_ride(
    store: &Store,
    user: UserId,
    external_id: u64,
    zone: &str,
    (date, hour, minute): (Date, i8, i8),
    utl: f64,
) -> i64 {
    let tz = TimeZone::get(zone).unwrap();
    let start = date.at(hour, minute, 0, 0).to_zoned(tz).unwrap();
    let mut summary = ride(external_id, date);
    summary.start_at_ms = start.timestamp().as_millisecond();
    summary.utc_offset_s = start.offset().seconds();
    summary.time_zone = Some(zone.to_owned());
    let id = activities::upsert(store, user, &summary, now_ms())
        .await
        .unwrap()
        .id;
    let load = ActivityLoad {
        intensity_factor: Some(0.75),
        np_w: Some(200.0),
        ..power_load(id, utl, now_ms())
    };
    loads::put(store, &load).await.unwrap();
    id.0
}

fn local_today(zone: &str) -> Date {
    jiff::Timestamp::now()
        .to_zoned(TimeZone::get(zone).unwrap())
        .date()
}

fn days(date: Date, n: i64) -> Date {
    date.checked_add(jiff::Span::new().days(n)).unwrap()
}

/// A signed-in athlete in `zone` with six weeks of rides every other day (60 UTL, 08:00 local),
/// so the ratios and the plan have a history.
async fn athlete_in(app: &crate::support::app::TestApp, zone: &str, first_id: u64) -> Athlete {
    let me = Athlete::new(app).await;
    users::set_time_zone(&app.store, me.id, zone).await.unwrap();
    let today = local_today(zone);
    for (k, back) in (2..=42).step_by(2).enumerate() {
        let date = days(today, -back);
        add_local_ride(
            &app.store,
            me.id,
            first_id + k as u64,
            zone,
            (date, 8, 0),
            60.0,
        )
        .await;
    }
    me
}

/// The plan's ratio and band are the dashboard's overall ones.
fn assert_one_acwr(plan: &Value, dashboard: &Value) {
    let overall = &dashboard["acwr"]["overall"];
    assert!(overall["ratio"].is_number(), "{dashboard}");
    assert_eq!(plan["state"]["acwr"], overall["ratio"], "{plan}");
    assert_eq!(plan["state"]["acwr_band"], overall["band"], "{plan}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn today_is_the_athlete_s_local_day_for_the_plan() {
    for engine in engines() {
        let app = app(engine).await;

        // UTC+14: half past midnight today is still yesterday in UTC.
        let zone = "Pacific/Kiritimati";
        let me = athlete_in(&app, zone, 100).await;
        let today = local_today(zone);
        let done = add_local_ride(&app.store, me.id, 1, zone, (today, 0, 30), 15.0).await;
        let view = me.ok(&app, &format!("/api/v1/me/activities/{done}")).await;
        assert_eq!(view["local_date"], today.to_string());
        let utc_day = jiff::Timestamp::from_millisecond(view["start_at_ms"].as_i64().unwrap())
            .unwrap()
            .to_zoned(TimeZone::UTC)
            .date();
        assert_ne!(utc_day, today, "another day in UTC");

        let plan = me.ok(&app, "/api/v1/me/recommendations").await;
        let dashboard = me.ok(&app, "/api/v1/me/dashboard").await;
        assert_eq!(plan["as_of"], today.to_string());
        assert_eq!(dashboard["date"], today.to_string());
        assert_eq!(plan["state"]["done_today_utl"], 15.0, "{plan}");
        let day0 = &plan["days"][0];
        assert_eq!(day0["date"], today.to_string());
        let why = day0["rationale"].as_str().unwrap();
        assert!(why.contains("15") && why.contains("already done"), "{day0}");
        // What is left as an easy session, or rest when done or too little is left (§11.12).
        match day0["intensity"].as_str().unwrap() {
            "rest" => assert!(
                why.starts_with("Done for today") || why.starts_with("Rest day"),
                "{day0}"
            ),
            intensity => {
                assert_eq!(
                    intensity, "easy",
                    "nothing hard on top of a session: {day0}"
                );
                assert!(why.contains("for the rest of today"), "{day0}");
            }
        }
        assert_one_acwr(&plan, &dashboard);

        // UTC−11: eight in the evening yesterday is today in UTC, and does not count today.
        let zone = "Pacific/Pago_Pago";
        let west = athlete_in(&app, zone, 200).await;
        let today = local_today(zone);
        let yesterday = days(today, -1);
        let late = add_local_ride(&app.store, west.id, 2, zone, (yesterday, 20, 0), 15.0).await;
        let view = west
            .ok(&app, &format!("/api/v1/me/activities/{late}"))
            .await;
        assert_eq!(view["local_date"], yesterday.to_string());
        let plan = west.ok(&app, "/api/v1/me/recommendations").await;
        let dashboard = west.ok(&app, "/api/v1/me/dashboard").await;
        assert_eq!(plan["as_of"], today.to_string());
        assert_eq!(plan["state"]["done_today_utl"], 0.0, "{plan}");
        assert!(
            !plan["days"][0]["rationale"]
                .as_str()
                .unwrap()
                .contains("already done"),
            "{plan}"
        );
        assert_one_acwr(&plan, &dashboard);
    }
}
