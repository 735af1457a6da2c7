//! Every demo profile gets a plan it can follow (docs/science.md §11.12): each planned row has a
//! sport, an intensity, a duration and a target in the athlete's terms (watts for rides with an
//! FTP, pace for runs with a threshold pace, heart rate otherwise), in the API and on the page.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::demo::start;

/// Whether a threshold field is in force today: some entry on or before today holds it (each
/// field resolves on its own; the newest set may hold only a resting heart rate from wellness).
fn has_field(entries: &[Value], today: &str, field: &str) -> bool {
    entries
        .iter()
        .any(|e| e["effective_from"].as_str().unwrap() <= today && e[field].is_number())
}

fn pace(mps: f64) -> String {
    let s = (1000.0 / mps).round() as i64;
    format!("{}:{:02}/km", s / 60, s % 60)
}

/// The target text of the overview's plan table for one API guidance (metric units).
fn target_text(g: &Value) -> String {
    let hi = g["hi"].as_f64().unwrap();
    match (g["kind"].as_str().unwrap(), g["lo"].as_f64()) {
        ("power_w", Some(lo)) => format!("{lo:.0}–{hi:.0} W"),
        ("speed_mps", Some(lo)) => format!("{}–{}", pace(hi), pace(lo)),
        ("heart_rate_bpm", Some(lo)) => format!("{lo:.0}–{hi:.0} bpm"),
        ("heart_rate_bpm", None) => format!("≤ {hi:.0} bpm"),
        (kind, _) => panic!("unexpected guidance {kind}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_profile_gets_planned_rows_with_a_target_in_its_terms() {
    let demo = start(5, 35).await;
    let mut kinds_by_profile = std::collections::BTreeMap::new();
    for (index, athlete) in demo.athletes.iter().enumerate() {
        let me = demo.sign_in(index).await;
        let (status, plan) = me.json("/api/v1/me/recommendations").await;
        assert_eq!(status, StatusCode::OK, "{plan}");
        let (_, history) = me.json("/api/v1/me/thresholds").await;
        let entries = history.as_array().unwrap();
        let today = plan["as_of"].as_str().unwrap();
        let (status, html) = me.text("/dashboard").await;
        assert_eq!(status, StatusCode::OK);
        let profile = athlete.profile;
        let planned: Vec<&Value> = plan["days"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["intensity"] != "rest")
            .collect();
        assert!(!planned.is_empty(), "{profile}: {plan}");
        for day in planned {
            let sport = day["sport"].as_str().unwrap();
            assert!(
                ["running", "cycling", "swimming", "other", "any"].contains(&sport),
                "{profile}: {day}"
            );
            assert!(
                ["easy", "moderate", "hard"].contains(&day["intensity"].as_str().unwrap()),
                "{profile}: {day}"
            );
            let (lo, hi) = (
                day["duration_min"]["lo"].as_f64().unwrap(),
                day["duration_min"]["hi"].as_f64().unwrap(),
            );
            assert!(0.0 < lo && lo <= hi, "{profile}: {day}");
            // The rule: power for rides with an FTP, speed for runs with a threshold speed,
            // else heart rate from LTHR.
            let expected = match sport {
                "cycling" if has_field(entries, today, "ftp_w") => "power_w",
                "running" if has_field(entries, today, "threshold_speed_mps") => "speed_mps",
                _ => "heart_rate_bpm",
            };
            let guidance = &day["guidance"];
            assert_eq!(
                guidance["kind"], expected,
                "{profile}: {day} with {history}"
            );
            kinds_by_profile
                .entry(profile)
                .or_insert_with(std::collections::BTreeSet::new)
                .insert(expected);
            let row = format!(
                r#"<td class="day-head">{}</td><td class="day-head">{}</td><td class="day-head">{}</td><td class="num">{:.0}–{:.0} min</td>"#,
                day["date"].as_str().unwrap(),
                day["intensity"].as_str().unwrap(),
                sport,
                lo,
                hi
            );
            assert!(html.contains(&row), "{profile}: {row} not on the page");
            let target = format!(r#"<td data-label="Target">{}</td>"#, target_text(guidance));
            assert!(
                html.contains(&target),
                "{profile}: {target} not on the page"
            );
        }
    }
    // The showcase profiles plan in their own terms.
    assert!(
        kinds_by_profile["cyclist"].contains("power_w"),
        "{kinds_by_profile:?}"
    );
    assert!(
        kinds_by_profile["runner"].contains("speed_mps"),
        "{kinds_by_profile:?}"
    );
    assert_eq!(
        kinds_by_profile["hr_only"],
        std::collections::BTreeSet::from(["heart_rate_bpm"]),
        "no power meter, no threshold pace: heart rate"
    );
    demo.stop().await;
}
