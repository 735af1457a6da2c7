//! Thresholds the athlete sets by hand, end to end on both engines: `PUT /api/v1/me/thresholds`
//! and the `/fitness` form record a manual entry that wins over the estimates, the loads from its
//! date are recomputed with it, and removing it lets the estimates apply again.

use reqwest::StatusCode;
use serde_json::{Value, json};
use trainload::store::activities::ActivityId;
use trainload::store::loads;
use trainload::store::thresholds::{ThresholdSource, ThresholdValues};

use crate::api::athlete_data::{Athlete, add_ride, add_thresholds, app, day};
use crate::support::app::{TestApp, engines, no_redirects};

async fn send(
    app: &TestApp,
    me: &Athlete,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app
        .client
        .request(method, app.url(path))
        .header(reqwest::header::COOKIE, &me.cookie);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The FTP a stored load used and where it came from.
async fn ftp_used(app: &TestApp, activity: i64) -> (Option<f64>, String) {
    let load = loads::get(&app.store, ActivityId(activity))
        .await
        .unwrap()
        .unwrap();
    let ftp = load.provenance.thresholds.get("ftp");
    (
        ftp.map(|t| t.value),
        ftp.map_or("", |t| t.basis.as_str()).to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_recompute_and_remove_through_the_api() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        // An estimate from long ago, and a ride three days ago.
        add_thresholds(
            &app.store,
            me.id,
            day(-60),
            ThresholdSource::Estimated,
            ThresholdValues {
                ftp_w: Some(220.0),
                ..ThresholdValues::default()
            },
        )
        .await;
        let ride = add_ride(&app.store, me.id, 1, day(-3), 50.0).await;

        let (status, set) = send(
            &app,
            &me,
            reqwest::Method::PUT,
            "/api/v1/me/thresholds",
            Some(
                json!({"effective_from": day(-10).to_string(), "ftp_w": 250, "lthr_bpm": 165,
                        "max_hr_bpm": 188, "threshold_pace_s_per_km": 270}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{set}");
        assert!(set["loads_recomputed"].as_u64().unwrap() >= 1, "{set}");
        assert_eq!(
            ftp_used(&app, ride).await,
            (Some(250.0), "manual".to_owned())
        );
        let first = set["id"].as_i64().unwrap();

        // A newer manual entry wins from its date; removing it brings the first back.
        let (status, second) = send(
            &app,
            &me,
            reqwest::Method::PUT,
            "/api/v1/me/thresholds",
            Some(json!({"effective_from": day(-5).to_string(), "ftp_w": 300})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{second}");
        assert_eq!(
            ftp_used(&app, ride).await,
            (Some(300.0), "manual".to_owned())
        );
        let history = me.ok(&app, "/api/v1/me/thresholds").await;
        let manual: Vec<&Value> = history
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["source"] == "manual")
            .collect();
        assert_eq!(manual.len(), 2, "{history}");
        assert_eq!(manual[0]["threshold_pace"], "4:30/km");

        let path = format!("/api/v1/me/thresholds/{}", second["id"]);
        let (status, removed) = send(&app, &me, reqwest::Method::DELETE, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{removed}");
        assert_eq!(
            ftp_used(&app, ride).await,
            (Some(250.0), "manual".to_owned())
        );
        let (status, _) = send(
            &app,
            &me,
            reqwest::Method::DELETE,
            &format!("/api/v1/me/thresholds/{first}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            ftp_used(&app, ride).await,
            (Some(220.0), "estimated".to_owned()),
            "the estimate applies again"
        );

        // Without a session: 401.
        let anonymous = app
            .client
            .put(app.url("/api/v1/me/thresholds"))
            .json(&json!({"ftp_w": 250}))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
        let anonymous = app
            .client
            .delete(app.url(&format!("/api/v1/me/thresholds/{first}")))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

        // Estimates cannot be removed, nor can another athlete's entries; bad values are refused.
        let estimated = me.ok(&app, "/api/v1/me/thresholds").await[0]["id"]
            .as_i64()
            .unwrap();
        let (status, _) = send(
            &app,
            &me,
            reqwest::Method::DELETE,
            &format!("/api/v1/me/thresholds/{estimated}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let other = Athlete::new(&app).await;
        let (_, mine) = send(
            &app,
            &me,
            reqwest::Method::PUT,
            "/api/v1/me/thresholds",
            Some(json!({"lthr_bpm": 160})),
        )
        .await;
        let (status, _) = send(
            &app,
            &other,
            reqwest::Method::DELETE,
            &format!("/api/v1/me/thresholds/{}", mine["id"]),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for bad in [
            json!({}),
            json!({"ftp_w": 5000}),
            json!({"ftp_w": 250, "effective_from": "yesterday"}),
            json!({"watts": 250}),
        ] {
            let (status, body) = send(
                &app,
                &me,
                reqwest::Method::PUT,
                "/api/v1/me/thresholds",
                Some(bad.clone()),
            )
            .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fitness_form_sets_shows_and_removes_a_threshold() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let ride = add_ride(&app.store, me.id, 1, day(-2), 50.0).await;
        let client = no_redirects();
        let post = |path: String, form: Vec<(&'static str, String)>| {
            client
                .post(app.url(&path))
                .header(reqwest::header::COOKIE, &me.cookie)
                .form(&form)
                .send()
        };
        let response = post(
            "/fitness/thresholds".into(),
            vec![
                ("effective_from", day(-7).to_string()),
                ("ftp_w", "265".into()),
                ("threshold_pace", "4:45".into()),
                ("lthr_bpm", String::new()),
                ("max_hr_bpm", String::new()),
                ("resting_hr_bpm", String::new()),
            ],
        )
        .await
        .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/fitness#thresholds");
        assert_eq!(
            ftp_used(&app, ride).await,
            (Some(265.0), "manual".to_owned())
        );

        let page = app
            .client
            .get(app.url("/fitness"))
            .header(reqwest::header::COOKIE, &me.cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("set by you"), "{page}");
        assert!(page.contains("4:45/km"), "{page}");
        assert!(
            page.contains(r#""steps":true"#),
            "thresholds are drawn as steps"
        );
        let id = me.ok(&app, "/api/v1/me/thresholds").await[0]["id"]
            .as_i64()
            .unwrap();
        assert!(page.contains(&format!("/fitness/thresholds/{id}/remove")));

        let refused = post(
            "/fitness/thresholds".into(),
            vec![
                ("effective_from", day(-1).to_string()),
                ("threshold_pace", "four".into()),
            ],
        )
        .await
        .unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert!(refused.text().await.unwrap().contains("not m:ss"));

        let removed = post(format!("/fitness/thresholds/{id}/remove"), vec![])
            .await
            .unwrap();
        assert_eq!(removed.status(), StatusCode::SEE_OTHER);
        assert!(
            me.ok(&app, "/api/v1/me/thresholds")
                .await
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            ftp_used(&app, ride).await.0,
            None,
            "no FTP once the only entry is gone"
        );
    }
}
