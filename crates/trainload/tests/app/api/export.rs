//! "Download my data": `/api/v1/me/export` (JSON) and `/api/v1/me/export/{part}.csv`, linked
//! from `/settings`; only the signed-in athlete's rows, every one of them, and no secrets.

use reqwest::StatusCode;
use trainload::store::thresholds::{ThresholdSource, ThresholdValues};
use trainload::store::wellness::WellnessRecord;

use crate::api::athlete_data::{Athlete, add_ride, add_thresholds, add_wellness, app, day};
use crate::support::app::{TestApp, engines};

/// GET `path` with the athlete's cookie: status, content type, disposition and body text.
async fn download(app: &TestApp, me: &Athlete, path: &str) -> (StatusCode, String, String, String) {
    let response = app
        .client
        .get(app.url(path))
        .header("cookie", &me.cookie)
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (kind, disposition) = (header("content-type"), header("content-disposition"));
    (
        response.status(),
        kind,
        disposition,
        response.text().await.unwrap(),
    )
}

#[tokio::test]
async fn an_athlete_downloads_every_activity_threshold_and_wellness_day_as_json_and_csv() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let other = Athlete::new(&app).await;
        // More activities than one read of the export takes (500).
        for age in 1..=520 {
            add_ride(&app.store, me.id, age, day(-(age as i64)), 50.0).await;
        }
        add_ride(&app.store, other.id, 9_999, day(-1), 70.0).await;
        let values = ThresholdValues {
            ftp_w: Some(250.0),
            lthr_bpm: Some(165.0),
            ..ThresholdValues::default()
        };
        add_thresholds(&app.store, me.id, day(-30), ThresholdSource::Manual, values).await;
        for k in 1..=3 {
            let record = WellnessRecord {
                day: day(-k),
                resting_hr_bpm: Some(50),
                ..WellnessRecord::default()
            };
            add_wellness(&app.store, me.id, record).await;
        }

        let (status, kind, disposition, text) = download(&app, &me, "/api/v1/me/export").await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(kind.starts_with("application/json"), "{kind}");
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        let export: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(export["user"]["id"], me.id.0);
        let activities = export["activities"].as_array().unwrap();
        assert_eq!(activities.len(), 520, "{engine:?}");
        let ids: std::collections::BTreeSet<i64> = activities
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 520, "no activity twice");
        assert!(activities.iter().all(|a| a["utl"] == 50.0));
        assert!(activities[0]["explanation"].as_str().unwrap().len() > 10);
        assert!(!text.contains("Ride 9999"), "another athlete's ride leaked");
        assert_eq!(export["thresholds"].as_array().unwrap().len(), 1);
        assert_eq!(export["thresholds"][0]["ftp_w"], 250.0);
        assert_eq!(export["wellness"].as_array().unwrap().len(), 3);
        for secret in ["token", "api_key", "session"] {
            assert!(
                !text.to_lowercase().contains(secret),
                "{secret} in the export"
            );
        }

        let (status, kind, disposition, csv) =
            download(&app, &me, "/api/v1/me/export/activities.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(kind.starts_with("text/csv"), "{kind}");
        assert!(disposition.contains("activities.csv"), "{disposition}");
        let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 521, "a header and one line per activity");
        assert!(lines[0].starts_with("id,local_date,start_at_ms,sport_type,name,"));
        assert!(lines[0].ends_with(",explanation"));
        let (_, _, _, csv) = download(&app, &me, "/api/v1/me/export/thresholds.csv").await;
        assert_eq!(csv.lines().count(), 2);
        assert!(csv.lines().nth(1).unwrap().contains(",250,"), "{csv}");
        let (_, _, _, csv) = download(&app, &me, "/api/v1/me/export/wellness.csv").await;
        assert_eq!(csv.lines().count(), 4);

        let (status, ..) = download(&app, &me, "/api/v1/me/export/streams.csv").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let anonymous = app
            .client
            .get(app.url("/api/v1/me/export"))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn the_settings_page_links_to_the_downloads() {
    let app = app(crate::support::app::Engine::Sqlite).await;
    let me = Athlete::new(&app).await;
    let (status, _, _, page) = download(&app, &me, "/settings").await;
    assert_eq!(status, StatusCode::OK);
    for link in [
        r#"href="/api/v1/me/export""#,
        r#"href="/api/v1/me/export/activities.csv""#,
        r#"href="/api/v1/me/export/thresholds.csv""#,
        r#"href="/api/v1/me/export/wellness.csv""#,
    ] {
        assert!(page.contains(link), "{link}");
    }
}
