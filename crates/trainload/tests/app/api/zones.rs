//! Zone boundaries through `GET/PUT /api/v1/me/zones` on both engines: defaults, a valid edit
//! that reaches the stored time in zone, refused edits with a stable code, and isolation.

use reqwest::StatusCode;
use serde_json::{Value, json};
use trainload::store::activities::ActivityId;
use trainload::store::zones::{self, KindTime};

use crate::api::athlete_data::{Athlete, add_ride, app, day};
use crate::support::app::{TestApp, engines};

async fn put(app: &TestApp, me: &Athlete, body: Value) -> (StatusCode, Value) {
    let response = app
        .client
        .put(app.url("/api/v1/me/zones"))
        .header(reqwest::header::COOKIE, &me.cookie)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn athletes_edit_their_own_boundaries_and_bad_ones_are_refused() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let other = Athlete::new(&app).await;
        let defaults = json!({"power": [56.0, 76.0, 91.0, 106.0, 121.0, 151.0],
            "heart_rate": [81.0, 90.0, 94.0, 100.0], "pace": [78.0, 88.0, 95.0, 100.0, 106.0]});
        assert_eq!(me.ok(&app, "/api/v1/me/zones").await, defaults);

        let hr = json!([75.0, 85.0, 95.0, 102.0]);
        let (status, body) = put(&app, &me, json!({"heart_rate": hr})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["heart_rate"], hr);
        assert_eq!(
            body["power"], defaults["power"],
            "an omitted model keeps its boundaries"
        );
        assert_eq!(me.ok(&app, "/api/v1/me/zones").await["heart_rate"], hr);
        assert_eq!(
            other.ok(&app, "/api/v1/me/zones").await,
            defaults,
            "not another athlete's"
        );

        for bad in [
            json!({"heart_rate": [81.0, 90.0]}),
            json!({"heart_rate": [81.0, 94.0, 90.0, 100.0]}),
            json!({"power": [56.0, 76.0, 91.0, 106.0, 121.0, 500.0]}),
            json!({"pace": "fast"}),
            json!({"tempo": [1.0]}),
        ] {
            let (status, error) = put(&app, &me, bad.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
            assert!(
                error["code"] == "invalid_zones" || error["code"] == "invalid_body",
                "{bad}: {error}"
            );
        }
        let (_, error) = put(&app, &me, json!({"heart_rate": [81.0, 94.0, 90.0, 100.0]})).await;
        assert_eq!(error["code"], "invalid_zones");
        assert_eq!(
            me.ok(&app, "/api/v1/me/zones").await["heart_rate"],
            hr,
            "refused edits change nothing"
        );

        // Stored time in zone follows an edit: a recomputation rewrites it with the new
        // boundaries (the ride has no streams, so it holds no models at all afterwards).
        let ride = add_ride(&app.store, me.id, 1, day(-3), 50.0).await;
        let stale = KindTime {
            kind: zones::Kind::HeartRate,
            threshold: 170.0,
            boundaries_pct: vec![81.0, 90.0, 94.0, 100.0],
            seconds: vec![1, 2, 3, 4, 5],
        };
        zones::put_times(&app.store, ActivityId(ride), &[stale], 0)
            .await
            .unwrap();
        let (status, body) = put(&app, &me, json!({"reset": true})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, defaults);
        let times = zones::times(&app.store, ActivityId(ride)).await.unwrap();
        assert_eq!(times, Some(Vec::new()), "recomputed from what is stored");
    }
}
