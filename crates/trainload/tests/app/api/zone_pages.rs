//! Time in zone on the pages, on both engines: the activity page shows the same numbers as the
//! API's `time_in_zone` in the athlete's terms, the dashboard sums the last 7 local days per model
//! (API and page), and the `/fitness` form edits the boundaries through the same validation and
//! recomputation as `PUT /api/v1/me/zones`.

use reqwest::StatusCode;
use serde_json::Value;
use sim::{SimClock, SimConfig};
use trainload::store::activities::ActivityId;
use trainload::store::now_ms;
use trainload::store::zones::{self, Kind, KindTime};

use crate::api::athlete_data::{Athlete, add_ride, app, day, today};
use crate::support::app::{TestApp, engines, no_redirects};

/// The page at `path` as text, asserting 200.
async fn page(app: &TestApp, me: &Athlete, path: &str) -> String {
    let response = app
        .client
        .get(app.url(path))
        .header(reqwest::header::COOKIE, &me.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

/// Posts the `/fitness` zones form without following the redirect.
async fn post_zones(app: &TestApp, me: &Athlete, form: &[(&str, &str)]) -> reqwest::Response {
    no_redirects()
        .post(app.url("/fitness/zones"))
        .header(reqwest::header::COOKIE, &me.cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

fn hms(seconds: u64) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        (seconds % 3600) / 60,
        seconds % 60
    )
}

/// `m:ss` of a pace in seconds.
fn clock(seconds: f64) -> String {
    let s = seconds.round() as i64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// The range text the page must show for one zone of the API's view, in the athlete's units
/// (`metres` per display distance unit for pace).
fn expected_range(kind: &str, zone: &Value, metres: f64, per: &str) -> String {
    let (low, high) = (zone["low"].as_f64(), zone["high"].as_f64());
    if kind == "pace" {
        let pace = |mps: f64| clock(metres / mps);
        return match (low, high) {
            (None, Some(h)) => format!("slower than {}/{per}", pace(h)),
            (Some(l), Some(h)) => format!("{}–{}/{per}", pace(l), pace(h)),
            (Some(l), None) => format!("{}/{per} or faster", pace(l)),
            _ => unreachable!("a zone has at least one bound"),
        };
    }
    let unit = if kind == "power" { "W" } else { "bpm" };
    match (low, high) {
        (None, Some(h)) => format!("&lt; {h:.0} {unit}"),
        (Some(l), Some(h)) => format!("{l:.0}–{h:.0} {unit}"),
        (Some(l), None) => format!("≥ {l:.0} {unit}"),
        _ => unreachable!("a zone has at least one bound"),
    }
}

/// Asserts that the activity page shows every zone of the API's `time_in_zone` with its range
/// and time, and never a speed in m/s.
async fn page_matches_api(app: &TestApp, me: &Athlete, id: i64, metres: f64, per: &str) {
    let view = me.ok(app, &format!("/api/v1/me/activities/{id}")).await;
    let html = page(app, me, &format!("/activities/{id}")).await;
    let models = view["time_in_zone"].as_array().unwrap();
    assert!(!models.is_empty(), "{view}");
    assert!(html.contains(r#"id="time-in-zone""#), "{html}");
    assert!(!html.contains("m/s"), "pace zones are shown as paces");
    for model in models {
        let kind = model["kind"].as_str().unwrap();
        assert!(html.contains(&format!(r#"id="zones-{kind}""#)), "{kind}");
        let zones = model["zones"].as_array().unwrap();
        let total: u64 = zones.iter().map(|z| z["seconds"].as_u64().unwrap()).sum();
        for zone in zones {
            let seconds = zone["seconds"].as_u64().unwrap();
            let row = format!(
                r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{:.0} %</td>"#,
                zone["name"].as_str().unwrap(),
                expected_range(kind, zone, metres, per),
                hms(seconds),
                seconds as f64 * 100.0 / total as f64,
            );
            assert!(html.contains(&row), "{kind}: {row} missing from the page");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_synced_triathlete_sees_time_in_zone_on_the_pages_and_edits_the_boundaries() {
    for engine in engines() {
        let app = app(engine).await;
        let mut config = SimConfig::new(3, 6);
        config.history_days = 45;
        config.rate_limits = None;
        config.intervals_max_rps = None;
        config.clock = SimClock::real(1.0);
        let sim = crate::support::start_sim(config).await;
        let info = sim.info();
        let athlete = info
            .athletes
            .iter()
            .find(|a| a.profile.as_str() == "triathlete")
            .unwrap();
        let ctx = trainload::demo::sim_sync_context(&app.store, &info).unwrap();
        let user = trainload::demo::add_sim_athlete(&app.store, athlete, now_ms())
            .await
            .unwrap();
        trainload::sync::onboard(&ctx, user, 40, &|_| {})
            .await
            .unwrap();
        let me = Athlete::signed_in(&app, user).await;

        // Activities with each model: a ride with power zones, a run with pace zones.
        let listed = me.ok(&app, "/api/v1/me/activities?limit=200").await;
        let mut with_kind = std::collections::BTreeMap::new();
        for item in listed["items"].as_array().unwrap() {
            let id = item["id"].as_i64().unwrap();
            let view = me.ok(&app, &format!("/api/v1/me/activities/{id}")).await;
            for model in view["time_in_zone"].as_array().unwrap() {
                with_kind
                    .entry(model["kind"].as_str().unwrap().to_owned())
                    .or_insert(id);
            }
        }
        let ride = with_kind["power"];
        let run = *with_kind
            .get("pace")
            .expect("the triathlete runs with a threshold pace");
        page_matches_api(&app, &me, ride, 1000.0, "km").await;
        page_matches_api(&app, &me, run, 1000.0, "km").await;
        // In imperial units the pace bounds are per mile.
        let saved = no_redirects()
            .post(app.url("/settings/display"))
            .header(reqwest::header::COOKIE, &me.cookie)
            .form(&[("units", "imperial")])
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        page_matches_api(&app, &me, run, 1609.344, "mi").await;
        let html = page(&app, &me, &format!("/activities/{run}")).await;
        assert!(html.contains("/mi or faster"), "{html}");

        // The dashboard's week: its sums are the per-activity sums of the last 7 local days.
        let dashboard = me.ok(&app, "/api/v1/me/dashboard").await;
        let week = &dashboard["time_in_zone"];
        let today = dashboard["date"]
            .as_str()
            .unwrap()
            .parse::<jiff::civil::Date>()
            .unwrap();
        let from = today.checked_sub(jiff::Span::new().days(6)).unwrap();
        assert_eq!(week["to"], today.to_string());
        assert_eq!(week["from"], from.to_string());
        let mut expected: std::collections::BTreeMap<String, Vec<u64>> = Default::default();
        for item in listed["items"].as_array().unwrap() {
            let date = item["local_date"]
                .as_str()
                .unwrap()
                .parse::<jiff::civil::Date>()
                .unwrap();
            if date < from || date > today {
                continue;
            }
            let view = me
                .ok(&app, &format!("/api/v1/me/activities/{}", item["id"]))
                .await;
            for model in view["time_in_zone"].as_array().unwrap() {
                let sums = expected
                    .entry(model["kind"].as_str().unwrap().to_owned())
                    .or_insert_with(|| vec![0; model["zones"].as_array().unwrap().len()]);
                for (sum, zone) in sums.iter_mut().zip(model["zones"].as_array().unwrap()) {
                    *sum += zone["seconds"].as_u64().unwrap();
                }
            }
        }
        let got: std::collections::BTreeMap<String, Vec<u64>> = week["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                let zones = k["zones"].as_array().unwrap();
                (
                    k["kind"].as_str().unwrap().to_owned(),
                    zones
                        .iter()
                        .map(|z| z["seconds"].as_u64().unwrap())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(got, expected, "{week}");

        // The boundaries form shows the current boundaries; an edit is stored and recomputes
        // the stored time in zone (same seconds in all, split by the new boundaries).
        let fitness = page(&app, &me, "/fitness").await;
        assert!(fitness.contains(r#"name="heart_rate_1" id="heart_rate_1" value="81""#));
        assert!(fitness.contains(r#"name="power_6" id="power_6" value="151""#));
        assert!(
            fitness.contains(r#"name="pace_1""#),
            "paces: a threshold pace is known"
        );
        let before = me.ok(&app, &format!("/api/v1/me/activities/{ride}")).await;
        let response = post_zones(
            &app,
            &me,
            &[
                ("heart_rate_1", "75"),
                ("heart_rate_2", "85"),
                ("heart_rate_3", "95"),
                ("heart_rate_4", "102"),
            ],
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/fitness#zones");
        let stored = me.ok(&app, "/api/v1/me/zones").await;
        assert_eq!(
            stored["heart_rate"],
            serde_json::json!([75.0, 85.0, 95.0, 102.0])
        );
        assert_eq!(
            stored["pace"],
            serde_json::json!([78.0, 88.0, 95.0, 100.0, 106.0]),
            "paces left as shown keep their stored boundaries"
        );
        let after = me.ok(&app, &format!("/api/v1/me/activities/{ride}")).await;
        let hr = |view: &Value| {
            view["time_in_zone"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["kind"] == "heart_rate")
                .cloned()
                .unwrap()
        };
        let (old, new) = (hr(&before), hr(&after));
        assert_eq!(new["zones"][1]["low_pct"], 75.0, "{new}");
        let seconds = |m: &Value| -> Vec<u64> {
            m["zones"]
                .as_array()
                .unwrap()
                .iter()
                .map(|z| z["seconds"].as_u64().unwrap())
                .collect()
        };
        assert_eq!(
            seconds(&old).iter().sum::<u64>(),
            seconds(&new).iter().sum::<u64>()
        );
        assert_ne!(
            seconds(&old),
            seconds(&new),
            "the split follows the boundaries"
        );
        let fitness = page(&app, &me, "/fitness").await;
        assert!(fitness.contains(r#"name="heart_rate_1" id="heart_rate_1" value="75""#));

        // A pace typed per mile is stored as % of threshold speed.
        let run_view = me.ok(&app, &format!("/api/v1/me/activities/{run}")).await;
        let threshold = run_view["time_in_zone"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["kind"] == "pace")
            .unwrap()["threshold"]
            .as_f64()
            .unwrap();
        let slower = clock(1609.344 / (threshold * 0.70));
        let response = post_zones(&app, &me, &[("pace_1", slower.as_str())]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let pace = me.ok(&app, "/api/v1/me/zones").await["pace"][0]
            .as_f64()
            .unwrap();
        assert!((pace - 70.0).abs() < 0.5, "{pace}");

        // A refused form says why on the page and stores nothing.
        let stored = me.ok(&app, "/api/v1/me/zones").await;
        for bad in [
            vec![("heart_rate_1", "95"), ("heart_rate_2", "85")],
            vec![("power_1", "fast")],
            vec![("pace_2", "9:99")],
        ] {
            let refused = post_zones(&app, &me, &bad).await;
            assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{bad:?}");
            let text = refused.text().await.unwrap();
            assert!(text.contains(r#"id="zones-error""#), "{bad:?}: {text}");
            assert!(text.contains("Zones not saved"), "{bad:?}");
            assert_eq!(me.ok(&app, "/api/v1/me/zones").await, stored, "{bad:?}");
        }

        // Reset brings the defaults back.
        let response = post_zones(&app, &me, &[("reset", "1")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            me.ok(&app, "/api/v1/me/zones").await["heart_rate"],
            serde_json::json!([81.0, 90.0, 94.0, 100.0])
        );
    }
}

fn times(kind: Kind, threshold: f64, seconds: Vec<u32>) -> KindTime {
    let boundaries_pct = science::zones::ZoneKind::from(kind).default_pct().to_vec();
    KindTime {
        kind,
        threshold,
        boundaries_pct,
        seconds,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_sums_the_last_seven_local_days_per_model() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        // Today and six days ago count; seven days ago does not; another athlete never does.
        let today_ride = add_ride(&app.store, me.id, 1, today(), 40.0).await;
        let week_start = add_ride(&app.store, me.id, 2, day(-6), 40.0).await;
        let too_old = add_ride(&app.store, me.id, 3, day(-7), 40.0).await;
        let other = Athlete::new(&app).await;
        let theirs = add_ride(&app.store, other.id, 4, today(), 40.0).await;
        let put = |id: i64, t: Vec<KindTime>| {
            let store = app.store.clone();
            async move {
                zones::put_times(&store, ActivityId(id), &t, now_ms())
                    .await
                    .unwrap();
            }
        };
        put(
            today_ride,
            vec![
                times(Kind::Power, 250.0, vec![60, 600, 300, 120, 30, 10, 2]),
                times(Kind::HeartRate, 170.0, vec![100, 500, 300, 200, 22]),
            ],
        )
        .await;
        put(
            week_start,
            vec![times(Kind::Power, 240.0, vec![40, 1200, 0, 60, 0, 0, 0])],
        )
        .await;
        put(
            too_old,
            vec![times(
                Kind::Power,
                240.0,
                vec![999, 999, 999, 999, 999, 999, 999],
            )],
        )
        .await;
        put(
            theirs,
            vec![times(Kind::HeartRate, 160.0, vec![5, 5, 5, 5, 5])],
        )
        .await;

        let week = me.ok(&app, "/api/v1/me/dashboard").await["time_in_zone"].clone();
        assert_eq!(week["from"], day(-6).to_string());
        assert_eq!(week["to"], today().to_string());
        let kinds = week["kinds"].as_array().unwrap();
        assert_eq!(kinds.len(), 2, "no pace time: no pace model ({week})");
        assert_eq!(kinds[0]["kind"], "power");
        assert_eq!(kinds[0]["activities"], 2);
        let power: Vec<u64> = kinds[0]["zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| z["seconds"].as_u64().unwrap())
            .collect();
        // 60+40, 600+1200, 300+0, 120+60, 30+0, 10+0, 2+0.
        assert_eq!(power, [100, 1800, 300, 180, 30, 10, 2]);
        assert_eq!(kinds[0]["total_s"], 2422);
        assert_eq!(kinds[0]["zones"][1]["name"], "Endurance");
        assert_eq!(kinds[1]["kind"], "heart_rate");
        assert_eq!(kinds[1]["activities"], 1);
        assert_eq!(kinds[1]["total_s"], 1122);

        let html = page(&app, &me, "/dashboard").await;
        let label = |d: jiff::civil::Date| d.strftime("%-d %b").to_string();
        assert!(
            html.contains(&format!(
                "Time in zone · last 7 days ({} – {})",
                label(day(-6)),
                label(today())
            )),
            "{html}"
        );
        // Endurance: 1800 of 2422 s, 74 %.
        assert!(
            html.contains(
                r#"<tr><td>Endurance</td><td class="num">0:30:00</td><td class="num">74 %</td>"#
            ),
            "{html}"
        );
        assert!(html.contains("0:40:22 in 2 activities"), "{html}");

        // Nothing in the window: the card says so.
        let html = page(&app, &other, "/dashboard").await;
        assert!(html.contains(r#"id="week-zones-heart_rate""#));
        let fresh = Athlete::new(&app).await;
        let html = page(&app, &fresh, "/dashboard").await;
        assert!(html.contains("No activity with zone data in these days."));
        assert_eq!(
            fresh.ok(&app, "/api/v1/me/dashboard").await["time_in_zone"]["kinds"],
            serde_json::json!([])
        );
    }
}
