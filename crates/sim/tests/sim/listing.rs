//! Pagination, after/before, stream forms and request counters.

use serde_json::{Value, json};

use crate::helpers::{start, unlimited};

#[tokio::test]
async fn pages_split_the_listing_without_overlap_and_after_before_filter_by_start() {
    let ctx = start(unlimited(9, 2)).await;
    let token = ctx.access_token(0).await;
    let all = ctx.all_activities(&token).await;
    let mut paged = Vec::new();
    for page in 1..=20 {
        let items = ctx
            .strava_json(
                &token,
                &format!("/athlete/activities?per_page=30&page={page}"),
            )
            .await;
        let items = items.as_array().unwrap().clone();
        let short = items.len() < 30;
        paged.extend(items);
        if short {
            break;
        }
    }
    let ids = |v: &[Value]| {
        v.iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&all), ids(&paged));
    assert!(ids(&all).iter().all(|&id| id > 1 << 32));
    let now_s = ctx.handle.clock().now_s();
    let (after, before) = (now_s - 30 * 86_400, now_s - 10 * 86_400);
    let window = ctx
        .strava_json(
            &token,
            &format!("/athlete/activities?after={after}&before={before}&per_page=200"),
        )
        .await;
    let window = window.as_array().unwrap();
    let expected: Vec<i64> = all
        .iter()
        .filter(|a| {
            let start = a["start_date"].as_str().unwrap();
            let epoch = epoch_of(start);
            epoch > after && epoch < before
        })
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids(window), expected);
    let oldest_first = ctx
        .strava_json(
            &token,
            &format!("/athlete/activities?after={after}&per_page=5"),
        )
        .await;
    let starts: Vec<&str> = oldest_first
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["start_date"].as_str().unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "after alone lists oldest first: {starts:?}"
    );
}

fn epoch_of(text: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| text[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let days = {
        let y2 = if m <= 2 { y - 1 } else { y };
        let era = y2.div_euclid(400);
        let yoe = y2 - era * 400;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + d - 1;
        era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    };
    days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
}

#[tokio::test]
async fn after_in_milliseconds_is_a_400_application_after_future() {
    let ctx = start(unlimited(9, 1)).await;
    let token = ctx.access_token(0).await;
    let response = ctx
        .strava(&token, "/athlete/activities?after=1750000000000")
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0],
        json!({"resource": "Application", "field": "after", "code": "future"})
    );
}

#[tokio::test]
async fn streams_come_keyed_as_an_array_or_as_distance_alone() {
    let ctx = start(unlimited(9, 1)).await;
    let token = ctx.access_token(0).await;
    let acts = ctx
        .strava_json(&token, "/athlete/activities?per_page=50")
        .await;
    let act = acts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["manual"] == false
                && a["has_heartrate"] == true
                && a["distance"].as_f64().unwrap() > 0.0
        })
        .unwrap();
    let id = act["id"].as_i64().unwrap();
    let keyed = ctx
        .strava_json(
            &token,
            &format!("/activities/{id}/streams?keys=time,heartrate,moving&key_by_type=true"),
        )
        .await;
    let mut keys: Vec<&str> = keyed
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["distance", "heartrate", "moving", "time"]);
    let lengths: Vec<usize> = keyed
        .as_object()
        .unwrap()
        .values()
        .map(|s| s["data"].as_array().unwrap().len())
        .collect();
    assert!(lengths.windows(2).all(|w| w[0] == w[1]));
    for key in ["time", "heartrate", "moving", "distance"] {
        assert!(keyed.get(key).is_some(), "{key} missing");
    }
    let array = ctx
        .strava_json(
            &token,
            &format!("/activities/{id}/streams?keys=time,heartrate"),
        )
        .await;
    assert!(
        array
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("type").is_some())
    );
    let bare = ctx
        .strava_json(
            &token,
            &format!("/activities/{id}/streams?key_by_type=true"),
        )
        .await;
    assert_eq!(
        bare.as_object().unwrap().keys().collect::<Vec<_>>(),
        vec!["distance"]
    );
    let missing = ctx
        .strava(&token, "/activities/123/streams?keys=time")
        .await;
    assert_eq!(missing.status(), 404);
    assert!(missing.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn stats_count_requests_per_endpoint_and_per_athlete() {
    let ctx = start(unlimited(9, 2)).await;
    let t0 = ctx.access_token(0).await;
    let t1 = ctx.access_token(1).await;
    ctx.strava_json(&t0, "/athlete").await;
    ctx.strava_json(&t0, "/athlete/activities?per_page=200")
        .await;
    ctx.strava_json(&t1, "/athlete/activities?per_page=200")
        .await;
    let stats = ctx.control("/sim/stats").await;
    assert_eq!(stats["endpoints"]["strava.activities"], 2);
    assert_eq!(stats["endpoints"]["strava.athlete"], 1);
    assert_eq!(stats["endpoints"]["strava.oauth.token"], 2);
    assert_eq!(stats["athletes"]["0"]["strava.activities"], 1);
    assert_eq!(stats["athletes"]["1"]["strava.activities"], 1);
    let log = ctx.control("/_sim/log").await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["query"] == "per_page=200")
    );
    assert_eq!(ctx.control("/_sim/stats").await["total"], stats["total"]);
}
