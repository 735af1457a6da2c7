//! `/api/v1/me/*` access and validation: 400 bodies, 401 without a session, and that a second
//! athlete gets 404 for the first one's ids and sees only their own data (each endpoint's
//! answers are in `me_endpoints`). Every test runs on each engine.

use reqwest::StatusCode;
use trainload::store::power_curves::CurveKind;
use trainload::store::thresholds::{ThresholdSource, ThresholdValues};
use trainload::store::wellness::WellnessRecord;

use crate::api::athlete_data::{
    Athlete, add_curve, add_ride, add_thresholds, add_wellness, app, day,
};
use crate::support::app::{assert_error, engines};

/// Every `/api/v1/me` path (with an id where the route has one).
pub const ME_PATHS: [&str; 13] = [
    "/api/v1/me/dashboard",
    "/api/v1/me/pmc",
    "/api/v1/me/activities",
    "/api/v1/me/activities/1",
    "/api/v1/me/recommendations",
    "/api/v1/me/thresholds",
    "/api/v1/me/wellness",
    "/api/v1/me/power-curve",
    "/api/v1/me/sync",
    "/api/v1/me/export",
    "/api/v1/me/export/activities.csv",
    "/api/v1/me/zones",
    "/api/v1/me/push",
];

#[tokio::test]
async fn every_me_endpoint_is_401_json_without_a_live_session() {
    for engine in engines() {
        let app = app(engine).await;
        for path in ME_PATHS {
            for cookie in [None, Some("tl_session=forged")] {
                let mut request = app.client.get(app.url(path));
                if let Some(cookie) = cookie {
                    request = request.header(reqwest::header::COOKIE, cookie);
                }
                let response = request.send().await.unwrap();
                assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
                assert_error(&response.json().await.unwrap(), "unauthorized");
            }
        }
    }
}

#[tokio::test]
async fn bad_queries_are_400_json_with_a_code() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let cases = [
            ("/api/v1/me/pmc?days=0", "invalid_days"),
            ("/api/v1/me/pmc?days=x", "invalid_query"),
            ("/api/v1/me/pmc?from=2026-13-01", "invalid_date"),
            ("/api/v1/me/pmc?from=yesterday", "invalid_date"),
            (
                "/api/v1/me/pmc?from=2026-03-01&to=2026-02-01",
                "invalid_range",
            ),
            (
                "/api/v1/me/pmc?from=2010-01-01&to=2020-01-02",
                "invalid_range",
            ),
            ("/api/v1/me/wellness?to=2026-02-30", "invalid_date"),
            (
                "/api/v1/me/wellness?from=2026-03-01&to=2026-02-01",
                "invalid_range",
            ),
            (
                "/api/v1/me/wellness?from=2000-01-01&to=2026-01-01",
                "invalid_range",
            ),
            ("/api/v1/me/power-curve?window=30d", "invalid_window"),
            (
                "/api/v1/me/power-curve?window=90d&from=2026-01-01",
                "invalid_window",
            ),
            (
                "/api/v1/me/power-curve?from=2026-01-02&to=2026-01-01",
                "invalid_range",
            ),
            ("/api/v1/me/power-curve?from=01/02/2026", "invalid_date"),
            ("/api/v1/me/activities?limit=0", "invalid_limit"),
            ("/api/v1/me/activities?limit=201", "invalid_limit"),
            ("/api/v1/me/activities?offset=-1", "invalid_offset"),
            ("/api/v1/me/activities?offset=many", "invalid_query"),
            ("/api/v1/me/activities/abc", "invalid_path"),
        ];
        for (path, code) in cases {
            let (status, body) = me.get(&app, path).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
            assert_error(&body, code);
        }
        // Exactly ten years is still accepted.
        let (status, body) = me
            .get(&app, "/api/v1/me/pmc?from=2010-01-01&to=2020-01-01")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["points"].as_array().unwrap().len(), 3653);
    }
}

#[tokio::test]
async fn a_second_athlete_gets_404_for_the_first_ones_ids_and_sees_only_their_own_data() {
    for engine in engines() {
        let app = app(engine).await;
        let first = Athlete::new(&app).await;
        let second = Athlete::new(&app).await;
        let ride = add_ride(&app.store, first.id, 1, day(-3), 80.0).await;
        add_curve(
            &app.store,
            first.id,
            ride,
            CurveKind::Power,
            &[(5, 900.0), (60, 500.0)],
        )
        .await;
        let values = ThresholdValues {
            ftp_w: Some(250.0),
            ..ThresholdValues::default()
        };
        add_thresholds(
            &app.store,
            first.id,
            day(-30),
            ThresholdSource::Manual,
            values,
        )
        .await;
        let record = WellnessRecord {
            day: day(-1),
            resting_hr_bpm: Some(48),
            ..WellnessRecord::default()
        };
        add_wellness(&app.store, first.id, record).await;

        let path = format!("/api/v1/me/activities/{ride}");
        assert_eq!(first.get(&app, &path).await.0, StatusCode::OK);
        let (status, body) = second.get(&app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_error(&body, "not_found");
        let (status, missing) = second.get(&app, "/api/v1/me/activities/999999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            missing["error"], body["error"],
            "foreign and missing look the same"
        );

        assert_eq!(first.ok(&app, "/api/v1/me/activities").await["total"], 1);
        let theirs = second.ok(&app, "/api/v1/me/activities").await;
        assert_eq!(theirs["total"], 0, "{theirs}");
        assert_eq!(theirs["items"], serde_json::json!([]));
        assert_eq!(
            second.ok(&app, "/api/v1/me/thresholds").await,
            serde_json::json!([])
        );
        assert_eq!(
            second.ok(&app, "/api/v1/me/wellness").await,
            serde_json::json!([])
        );
        let curve = second.ok(&app, "/api/v1/me/power-curve?window=all").await;
        assert_eq!(curve["power"]["activities"], 0, "{curve}");
        assert_eq!(curve["power"]["points"], serde_json::json!([]));
        let pmc = second.ok(&app, "/api/v1/me/pmc?days=7").await;
        assert!(
            pmc["points"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["load"] == 0.0),
            "{pmc}"
        );
        let dashboard = second.ok(&app, "/api/v1/me/dashboard").await;
        assert_eq!(dashboard["week_load_utl"], 0.0);
        // The first athlete does see theirs.
        let curve = first.ok(&app, "/api/v1/me/power-curve?window=all").await;
        assert_eq!(curve["power"]["activities"], 1, "{curve}");
    }
}
