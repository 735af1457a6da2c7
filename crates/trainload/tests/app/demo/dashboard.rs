//! A signed-in athlete sees a populated dashboard, PMC, activities and plan.

use reqwest::StatusCode;

use crate::support::demo::start;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_athlete_sees_their_load_chart_activities_and_plan() {
    let demo = start(2, 35).await;
    assert_eq!(demo.athletes[0].profile, "cyclist");
    let me = demo.sign_in(0).await;

    let (status, summary) = me.json("/api/v1/me/dashboard").await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert!(summary["ctl"].as_f64().unwrap() > 0.0, "{summary}");
    assert!(summary["atl"].as_f64().unwrap() > 0.0, "{summary}");
    for series in ["overall", "running", "cycling"] {
        assert!(summary["acwr"][series]["band"].is_string(), "{summary}");
    }
    assert!(summary["week_load_utl"].as_f64().is_some(), "{summary}");
    assert!(summary["last_sync_at_ms"].as_i64().is_some(), "{summary}");

    let (status, pmc) = me.json("/api/v1/me/pmc?days=90").await;
    assert_eq!(status, StatusCode::OK);
    let points = pmc["points"].as_array().unwrap();
    assert_eq!(points.len(), 90);
    assert_eq!(points[89]["date"], summary["date"]);
    assert!(points.iter().any(|p| p["load"].as_f64().unwrap() > 0.0));
    assert!((points[89]["ctl"].as_f64().unwrap() - summary["ctl"].as_f64().unwrap()).abs() < 1e-9);

    let (status, page) = me.json("/api/v1/me/activities?limit=5&offset=0").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert!(page["total"].as_u64().unwrap() > 5);
    let first = &items[0];
    assert!(first["utl"].as_f64().is_some(), "{first}");
    assert!(first["method"].is_string(), "{first}");
    assert!(
        first["explanation"].as_str().unwrap().contains("UTL"),
        "{first}"
    );
    let (_, next) = me.json("/api/v1/me/activities?limit=5&offset=5").await;
    assert_ne!(next["items"][0]["id"], first["id"], "pages do not overlap");

    let id = first["id"].as_i64().unwrap();
    let (status, one) = me.json(&format!("/api/v1/me/activities/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["id"], first["id"]);

    let (status, plan) = me.json("/api/v1/me/recommendations").await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["days"].as_array().unwrap().len(), 5);
    assert!(plan["days"][0]["rationale"].is_string());

    let (status, html) = me.text("/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<svg"), "the chart is drawn");
    for series in ["ctl", "atl", "tsb"] {
        let marker = format!(r#"data-series="{series}" fill="none" stroke-width="2" points=""#);
        let start = html
            .find(&marker)
            .unwrap_or_else(|| panic!("no {series} line"))
            + marker.len();
        let coordinates = html[start..].split('"').next().unwrap();
        assert_eq!(
            coordinates.split(' ').count(),
            90,
            "{series} has a point per day"
        );
    }
    assert!(html.contains("Next 5 days"));

    let (status, html) = me.text("/activities").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<details><summary>Why this load?</summary>"));
    demo.stop().await;
}
