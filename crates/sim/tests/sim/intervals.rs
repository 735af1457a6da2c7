//! The fake Intervals.icu: authentication errors and wellness that makes sense.

use serde_json::Value;
use sim::Profile;

use crate::helpers::{start, unlimited};

#[tokio::test]
async fn intervals_auth_errors_follow_the_real_api() {
    let ctx = start(unlimited(31, 6)).await;
    let i = ctx.index_of(Profile::Cyclist);
    let base = format!("{}/api/v1", ctx.info.intervals_base);
    let key = ctx.info.athletes[i].intervals_api_key.clone().unwrap();
    let bearer = ctx
        .http
        .get(format!("{base}/athlete/0"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 403);
    assert_eq!(
        bearer.json::<Value>().await.unwrap()["error"],
        "Access denied"
    );
    let wrong = ctx
        .http
        .get(format!("{base}/athlete/0"))
        .basic_auth("API_KEY", Some("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let other = ctx
        .info
        .athletes
        .iter()
        .find(|a| a.index != i && a.intervals_athlete_id.is_some())
        .unwrap();
    let foreign = ctx
        .intervals(
            i,
            &format!("/athlete/{}", other.intervals_athlete_id.clone().unwrap()),
        )
        .await;
    assert_eq!(foreign.status(), 403);
    assert_eq!(
        ctx.intervals(i, "/athlete/0/wellness/2026-13-01")
            .await
            .status(),
        422
    );
    let me: Value = ctx.intervals(i, "/athlete/0").await.json().await.unwrap();
    assert_eq!(
        me["id"],
        ctx.info.athletes[i]
            .intervals_athlete_id
            .clone()
            .unwrap()
            .as_str()
    );
    assert!(me["timezone"].as_str().unwrap().contains('/'));
    let no_account = ctx
        .info
        .athletes
        .iter()
        .find(|a| a.profile == Profile::NoIntervals)
        .unwrap();
    assert!(no_account.intervals_api_key.is_none());
    let empty = ctx.index_of(Profile::NoWellness);
    let records: Value = ctx
        .intervals(
            empty,
            "/athlete/0/wellness?oldest=2026-01-01&newest=2026-06-15",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(records, serde_json::json!([]));
}

#[tokio::test]
async fn wellness_scatters_around_the_truth_with_illness_dips_and_both_offset_forms() {
    let ctx = start(unlimited(32, 6)).await;
    let i = ctx.index_of(Profile::Runner);
    let truth = ctx.handle.truth(i).unwrap();
    let records: Value = ctx
        .intervals(i, "/athlete/0/wellness?oldest=2026-02-15&newest=2026-06-15")
        .await
        .json()
        .await
        .unwrap();
    let records = records.as_array().unwrap();
    assert!(records.len() > 100, "{}", records.len());
    let last14: Vec<f64> = records
        .iter()
        .rev()
        .take(14)
        .filter_map(|r| r["restingHR"].as_f64())
        .collect();
    let mean = last14.iter().sum::<f64>() / last14.len() as f64;
    assert!(
        (mean / truth.resting_hr_bpm - 1.0).abs() < 0.05,
        "{mean} vs {}",
        truth.resting_hr_bpm
    );
    let low_hrv = records
        .iter()
        .filter(|r| r["hrv"].as_f64().unwrap() < 0.8 * truth.hrv_baseline_ms)
        .count();
    assert!(low_hrv >= 3, "illness and hard days lower HRV");
    let updated: Vec<&str> = records
        .iter()
        .map(|r| r["updated"].as_str().unwrap())
        .collect();
    assert!(
        updated.iter().any(|u| u.ends_with("+0000"))
            && updated.iter().any(|u| u.ends_with("+00:00"))
    );
    let subjective =
        records.iter().filter(|r| !r["soreness"].is_null()).count() as f64 / records.len() as f64;
    assert!((0.25..0.55).contains(&subjective), "{subjective}");
    assert!(
        records
            .iter()
            .filter_map(|r| r["soreness"].as_i64())
            .all(|v| (1..=4).contains(&v))
    );
    let today = records.last().unwrap()["id"].as_str().unwrap();
    assert!(today <= "2026-06-15");
}
