//! `/api/v1/me/*` over stored data: each endpoint's answer (paging, ranges, histories, curves,
//! sync status). Every test runs on each engine.

use serde_json::Value;
use trainload::store::events;
use trainload::store::integrations::{self, NewIntegration};
use trainload::store::now_ms;
use trainload::store::power_curves::CurveKind;
use trainload::store::thresholds::{ThresholdSource, ThresholdValues};
use trainload::store::wellness::WellnessRecord;
use trainload::sync::ONBOARDING_EVENT;

use crate::api::athlete_data::{
    Athlete, add_curve, add_ride, add_thresholds, add_wellness, app, day, today,
};
use crate::support::app::engines;

#[tokio::test]
async fn activities_are_paged_newest_first_with_their_loads_and_total() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let mut ids = Vec::new();
        // 25 rides, one a day, the newest yesterday; UTL encodes the age.
        for age in (1..=25).rev() {
            ids.push(add_ride(&app.store, me.id, age as u64, day(-age), age as f64).await);
        }
        // Five years back: still listed (no history window cuts the list).
        let old = add_ride(&app.store, me.id, 999, day(-5 * 365), 5.0).await;
        ids.reverse(); // newest first
        let page = me.ok(&app, "/api/v1/me/activities?limit=10&offset=0").await;
        assert_eq!(page["total"], 26);
        assert_eq!(
            (page["limit"].as_i64(), page["offset"].as_i64()),
            (Some(10), Some(0))
        );
        let got: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        assert_eq!(got, ids[..10]);
        let first = &page["items"][0];
        assert_eq!(first["utl"], 1.0, "{first}");
        assert_eq!(first["method"], "power");
        assert!(
            first["explanation"].as_str().unwrap().contains("UTL 1.0"),
            "{first}"
        );
        let page = me
            .ok(&app, "/api/v1/me/activities?limit=10&offset=20")
            .await;
        let got: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        let mut expected = ids[20..].to_vec();
        expected.push(old);
        assert_eq!(got, expected);
        assert_eq!(page["items"][5]["utl"], 5.0);
        let beyond = me.ok(&app, "/api/v1/me/activities?offset=26").await;
        assert_eq!(beyond["items"], serde_json::json!([]));
        assert_eq!(beyond["total"], 26);
    }
}

#[tokio::test]
async fn pmc_answers_a_date_range_or_the_last_days_with_the_same_values() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        add_ride(&app.store, me.id, 1, day(-10), 100.0).await;
        add_ride(&app.store, me.id, 2, day(-4), 50.0).await;
        let last = me.ok(&app, "/api/v1/me/pmc?days=14").await;
        assert_eq!(last["days"], 14);
        assert_eq!(last["to"], today().to_string());
        let (from, to) = (day(-12), day(-2));
        let range = me
            .ok(&app, &format!("/api/v1/me/pmc?from={from}&to={to}"))
            .await;
        assert_eq!(
            (range["from"].as_str(), range["to"].as_str()),
            (
                Some(from.to_string().as_str()),
                Some(to.to_string().as_str())
            )
        );
        let points = range["points"].as_array().unwrap();
        assert_eq!(points.len(), 11);
        assert_eq!(range["days"], 11);
        let by_date = |series: &Value, date: String| {
            series["points"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["date"] == date.as_str())
                .cloned()
                .unwrap()
        };
        assert_eq!(by_date(&range, day(-10).to_string())["load"], 100.0);
        assert_eq!(by_date(&range, day(-4).to_string())["load"], 50.0);
        for k in 2..=12 {
            let date = day(-k).to_string();
            assert_eq!(
                by_date(&range, date.clone()),
                by_date(&last, date),
                "same day, same values"
            );
        }
        let ctl = by_date(&range, day(-4).to_string())["ctl"]
            .as_f64()
            .unwrap();
        assert!(ctl > 0.0);
        // A range reaching past today stops at today.
        let ahead = me
            .ok(
                &app,
                &format!("/api/v1/me/pmc?from={}&to={}", day(-1), day(30)),
            )
            .await;
        assert_eq!(ahead["days"], 2, "{ahead}");
        // `from` alone runs to today.
        let since = me
            .ok(&app, &format!("/api/v1/me/pmc?from={}", day(-20)))
            .await;
        assert_eq!(since["days"], 21);
    }
}

#[tokio::test]
async fn thresholds_history_lists_every_entry_with_its_source_oldest_first() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let manual = ThresholdValues {
            ftp_w: Some(250.0),
            lthr_bpm: Some(165.0),
            ..ThresholdValues::default()
        };
        let estimated = ThresholdValues {
            ftp_w: Some(262.0),
            threshold_speed_mps: Some(4.0),
            ..ThresholdValues::default()
        };
        let resting = ThresholdValues {
            resting_hr_bpm: Some(47.0),
            ..ThresholdValues::default()
        };
        let b = add_thresholds(
            &app.store,
            me.id,
            day(-20),
            ThresholdSource::Estimated,
            estimated,
        )
        .await;
        let a = add_thresholds(&app.store, me.id, day(-60), ThresholdSource::Manual, manual).await;
        let c = add_thresholds(
            &app.store,
            me.id,
            day(-5),
            ThresholdSource::Wellness,
            resting,
        )
        .await;
        let history = me.ok(&app, "/api/v1/me/thresholds").await;
        let entries = history.as_array().unwrap();
        let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, [a, b, c]);
        let sources: Vec<&str> = entries
            .iter()
            .map(|e| e["source"].as_str().unwrap())
            .collect();
        assert_eq!(sources, ["manual", "estimated", "wellness"]);
        assert_eq!(entries[0]["effective_from"], day(-60).to_string());
        assert_eq!(entries[0]["ftp_w"], 250.0);
        assert_eq!(entries[0]["lthr_bpm"], 165.0);
        assert_eq!(entries[1]["ftp_w"], 262.0);
        assert_eq!(entries[1]["threshold_pace"], "4:10/km");
        assert_eq!(entries[2]["resting_hr_bpm"], 47.0);
        assert!(entries[2]["ftp_w"].is_null());
    }
}

#[tokio::test]
async fn wellness_series_shows_each_day_with_its_modifier_in_the_range() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        // Five weeks of steady readings, then two nights of short sleep.
        for k in 3..=40 {
            let record = WellnessRecord {
                day: day(-k),
                resting_hr_bpm: Some(50),
                hrv_rmssd_ms: Some(60.0),
                sleep_s: Some(8 * 3600),
                readiness: Some(70.0),
                ..WellnessRecord::default()
            };
            add_wellness(&app.store, me.id, record).await;
        }
        for k in 1..=2 {
            let record = WellnessRecord {
                day: day(-k),
                resting_hr_bpm: Some(58),
                hrv_rmssd_ms: Some(40.0),
                sleep_s: Some(4 * 3600),
                ..WellnessRecord::default()
            };
            add_wellness(&app.store, me.id, record).await;
        }
        let days = me
            .ok(
                &app,
                &format!("/api/v1/me/wellness?from={}&to={}", day(-10), day(-1)),
            )
            .await;
        let days = days.as_array().unwrap();
        assert_eq!(days.len(), 10, "only the range");
        assert_eq!(days[0]["date"], day(-10).to_string());
        assert_eq!(days[9]["date"], day(-1).to_string());
        assert_eq!(days[0]["resting_hr_bpm"], 50);
        assert_eq!(days[0]["hrv_rmssd_ms"], 60.0);
        assert_eq!(days[0]["sleep_s"], 8 * 3600);
        assert_eq!(days[0]["readiness"], 70.0);
        assert_eq!(days[9]["resting_hr_bpm"], 58);
        for d in days {
            let m = d["modifier"].as_f64().unwrap();
            assert!((0.8..=1.1).contains(&m), "{d}");
            assert!(
                d["modifier_components"]["components"]
                    .as_array()
                    .is_some_and(|c| c.len() == 6),
                "{d}"
            );
        }
        // The baselines reach before the range, so the bad last night is seen as bad: a short
        // night raises the modifier (the same training strains a tired athlete more).
        let last = &days[9];
        assert!(last["modifier"].as_f64().unwrap() > 1.0, "{last}");
        assert_ne!(last["status"], "unknown", "{last}");
        assert_ne!(last["status"], "green", "{last}");
        let sleep = last["modifier_components"]["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["component"] == "sleep_duration")
            .cloned()
            .unwrap();
        assert_eq!(sleep["inputs"]["sleep_h"], 4.0, "{sleep}");
        // The default range is the last 90 days.
        let all = me.ok(&app, "/api/v1/me/wellness").await;
        assert_eq!(all.as_array().unwrap().len(), 40);
    }
}

#[tokio::test]
async fn power_curve_merges_the_windows_activities_and_names_the_best_efforts() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let recent = add_ride(&app.store, me.id, 1, day(-5), 80.0).await;
        let older = add_ride(&app.store, me.id, 2, day(-40), 80.0).await;
        let last_year = add_ride(&app.store, me.id, 3, day(-200), 80.0).await;
        add_curve(
            &app.store,
            me.id,
            recent,
            CurveKind::Power,
            &[(5, 900.0), (60, 420.0), (300, 300.0), (1200, 250.0)],
        )
        .await;
        add_curve(
            &app.store,
            me.id,
            older,
            CurveKind::Power,
            &[
                (5, 800.0),
                (60, 450.0),
                (300, 310.0),
                (1200, 240.0),
                (3600, 210.0),
            ],
        )
        .await;
        add_curve(
            &app.store,
            me.id,
            last_year,
            CurveKind::Power,
            &[
                (5, 1000.0),
                (60, 500.0),
                (300, 350.0),
                (1200, 280.0),
                (3600, 260.0),
            ],
        )
        .await;

        let curve = me.ok(&app, "/api/v1/me/power-curve").await;
        assert_eq!(curve["from"], day(-89).to_string(), "90 days by default");
        assert_eq!(curve["power"]["activities"], 2);
        let efforts = curve["power"]["best_efforts"].as_array().unwrap();
        let pairs: Vec<(u64, f64, i64)> = efforts
            .iter()
            .map(|e| {
                (
                    e["duration_s"].as_u64().unwrap(),
                    e["value"].as_f64().unwrap(),
                    e["activity_id"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            pairs,
            [
                (5, 900.0, recent),
                (60, 450.0, older),
                (300, 310.0, older),
                (1200, 250.0, recent),
                (3600, 210.0, older)
            ]
        );
        assert_eq!(efforts[0]["date"], day(-5).to_string());
        // The chart points never rise with duration and include every best effort.
        let points = curve["power"]["points"].as_array().unwrap();
        let values: Vec<f64> = points
            .iter()
            .map(|p| p["value"].as_f64().unwrap())
            .collect();
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
        for e in efforts {
            assert!(points.contains(e), "{e}");
        }
        assert_eq!(curve["speed"]["points"], serde_json::json!([]));

        for query in [
            "window=365d",
            "window=all",
            &format!("from={}&to={}", day(-250), day(-100)),
        ] {
            let curve = me
                .ok(&app, &format!("/api/v1/me/power-curve?{query}"))
                .await;
            let best_5s = &curve["power"]["best_efforts"][0];
            assert_eq!(best_5s["value"], 1000.0, "{query}: {curve}");
            assert_eq!(best_5s["activity_id"], last_year, "{query}");
        }
        // A run's speed curve gives the best times it covers.
        let run = add_ride(&app.store, me.id, 4, day(-2), 40.0).await;
        let speed = [(60, 5.0), (100, 4.8), (300, 4.5), (1200, 4.0)];
        add_curve(&app.store, me.id, run, CurveKind::Speed, &speed).await;
        let curve = me.ok(&app, "/api/v1/me/power-curve").await;
        assert_eq!(curve["speed"]["activities"], 1);
        let times: Vec<(f64, f64)> = curve["best_times"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["distance_m"].as_f64().unwrap(),
                    t["time_s"].as_f64().unwrap(),
                )
            })
            .collect();
        let expected = [
            (400.0, 400.0 / 4.8),
            (1000.0, 1000.0 / 4.5),
            (1609.344, 1609.344 / 4.0),
        ];
        assert_eq!(times.len(), expected.len(), "{curve}");
        for ((d, t), (ed, et)) in times.iter().zip(expected) {
            assert_eq!(*d, ed);
            assert!((t - et).abs() < 1e-9, "{d} m in {t} s, not {et}");
        }
        assert_eq!(curve["best_times"][0]["activity_id"], run);
        assert_eq!(curve["best_times"][0]["pace"], "3:28/km");
        let only_old = me
            .ok(
                &app,
                &format!("/api/v1/me/power-curve?from={}&to={}", day(-250), day(-100)),
            )
            .await;
        assert_eq!(only_old["power"]["activities"], 1);
    }
}

#[tokio::test]
async fn sync_status_shows_connections_onboarding_while_it_runs_and_the_next_sync() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        // Without a connection there is nothing to sync next.
        let status = me.ok(&app, "/api/v1/me/sync").await;
        assert_eq!(status["integrations"], serde_json::json!([]));
        assert!(status["next_sync"].is_null(), "{status}");
        assert!(me.ok(&app, "/api/v1/me/dashboard").await["next_sync_at_ms"].is_null());

        let strava = NewIntegration::strava(me.id, 4242, "refresh".to_owned().into(), None);
        let id = integrations::connect(&app.store, &strava, now_ms())
            .await
            .unwrap();
        integrations::record_sync(&app.store, id, 1_700_000_000_000)
            .await
            .unwrap();
        let progress = serde_json::json!({"phase": "streams", "done": 3, "total": 10});
        events::append(&app.store, me.id, ONBOARDING_EVENT, &progress, now_ms())
            .await
            .unwrap();

        let status = me.ok(&app, "/api/v1/me/sync").await;
        let connection = &status["integrations"][0];
        assert_eq!(connection["provider"], "strava");
        assert_eq!(connection["status"], "active");
        assert_eq!(connection["last_sync_at_ms"], 1_700_000_000_000_i64);
        assert_eq!(connection["last_sync_at"], "2023-11-14T22:13:20+00:00");
        assert_eq!(status["last_sync_at_ms"], 1_700_000_000_000_i64);
        assert_eq!(status["onboarding"]["phase"], "streams");
        assert_eq!(
            (
                status["onboarding"]["done"].as_u64(),
                status["onboarding"]["total"].as_u64()
            ),
            (Some(3), Some(10))
        );

        let jobs = app.scheduler.jobs().await.unwrap();
        let first_fire = jobs
            .iter()
            .filter(|j| j.job_id == "quick_sync" || j.job_id == "daily_sync")
            .map(|j| j.next_fire_at_ms)
            .min()
            .unwrap();
        assert_eq!(status["next_sync"]["at_ms"], first_fire, "{status}");
        let dashboard = me.ok(&app, "/api/v1/me/dashboard").await;
        assert_eq!(dashboard["next_sync_at_ms"], first_fire, "{dashboard}");
        assert_eq!(dashboard["next_sync_at"], status["next_sync"]["at"]);
        assert_eq!(dashboard["last_sync_at_ms"], 1_700_000_000_000_i64);

        // Paused jobs are not a next sync; onboarding disappears once done.
        app.scheduler
            .pause("quick_sync", "test", "test")
            .await
            .unwrap();
        app.scheduler
            .pause("daily_sync", "test", "test")
            .await
            .unwrap();
        let done = serde_json::json!({"phase": "done", "done": 10, "total": 10});
        events::append(&app.store, me.id, ONBOARDING_EVENT, &done, now_ms())
            .await
            .unwrap();
        let status = me.ok(&app, "/api/v1/me/sync").await;
        assert!(status["next_sync"].is_null(), "{status}");
        assert!(status["onboarding"].is_null(), "{status}");
    }
}
