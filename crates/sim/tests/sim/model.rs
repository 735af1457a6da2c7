//! Determinism, profiles, summaries against streams, and thresholds recoverable from the data.

use serde_json::Value;
use sim::Profile;

use crate::helpers::{Ctx, floats, ints, start, streams, unlimited};

async fn raw_body(ctx: &Ctx, token: &str, path: &str) -> String {
    ctx.strava(token, path).await.text().await.unwrap()
}

#[tokio::test]
async fn the_same_seed_serves_byte_identical_responses_and_another_seed_differs() {
    let a = start(unlimited(42, 6)).await;
    let b = start(unlimited(42, 6)).await;
    let c = start(unlimited(43, 6)).await;
    let (ta, tb, tc) = (
        a.access_token(0).await,
        b.access_token(0).await,
        c.access_token(0).await,
    );
    assert_eq!(ta, tb, "tokens derive from the seed too");
    let list = "/athlete/activities?per_page=200";
    let page_a = raw_body(&a, &ta, list).await;
    assert_eq!(page_a, raw_body(&b, &tb, list).await);
    assert_ne!(page_a, raw_body(&c, &tc, list).await);
    let first: Vec<Value> = serde_json::from_str(&page_a).unwrap();
    let id = first[0]["id"].as_i64().unwrap();
    let stream_path =
        format!("/activities/{id}/streams?keys=time,watts,heartrate,distance&key_by_type=true");
    assert_eq!(
        raw_body(&a, &ta, &stream_path).await,
        raw_body(&b, &tb, &stream_path).await
    );
    let wellness = |ctx: &Ctx| {
        let ctx_index = ctx
            .info
            .athletes
            .iter()
            .find(|x| x.profile == Profile::Cyclist)
            .unwrap()
            .index;
        (
            ctx_index,
            "/athlete/0/wellness?oldest=2026-05-01&newest=2026-06-14",
        )
    };
    let (ia, path) = wellness(&a);
    let (ib, _) = wellness(&b);
    let wa = a.intervals(ia, path).await.text().await.unwrap();
    assert!(wa.len() > 1000);
    assert_eq!(wa, b.intervals(ib, path).await.text().await.unwrap());
}

#[tokio::test]
async fn each_profile_has_its_sensors() {
    let ctx = start(unlimited(7, 6)).await;
    for athlete in ctx.info.athletes.clone() {
        let token = ctx.access_token(athlete.index).await;
        let acts = ctx.all_activities(&token).await;
        assert!(
            acts.len() > 40,
            "{:?} has {} activities",
            athlete.profile,
            acts.len()
        );
        let rides_with_power = acts.iter().filter(|a| a["device_watts"] == true).count();
        let runs_with_pace = acts
            .iter()
            .filter(|a| a["sport_type"] == "Run" && a["average_speed"].as_f64().unwrap() > 2.0)
            .count();
        match athlete.profile {
            Profile::Cyclist | Profile::NoWellness => assert!(rides_with_power > 20),
            Profile::Runner | Profile::NoIntervals => {
                assert_eq!(rides_with_power, 0);
                assert!(runs_with_pace > 20);
            }
            Profile::Triathlete => {
                assert!(rides_with_power > 5 && runs_with_pace > 5);
                assert!(
                    acts.iter()
                        .any(|a| a["sport_type"] == "Swim" && a.get("average_watts").is_none())
                );
            }
            Profile::HrOnly => {
                assert_eq!(rides_with_power, 0);
                assert!(acts.iter().any(|a| a["device_watts"] == false));
                assert!(
                    acts.iter()
                        .filter(|a| a["manual"] == false)
                        .all(|a| a["has_heartrate"] == true)
                );
            }
            _ => unreachable!(),
        }
    }
}

/// Per-second values from (time, value) samples, holding values across short gaps.
fn per_second(time: &[i64], values: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; time.last().map_or(0, |t| *t as usize + 1)];
    for (k, &t) in time.iter().enumerate() {
        let end = time
            .get(k + 1)
            .map_or(t + 1, |&n| if n - t <= 10 { n } else { t + 1 });
        for s in t..end {
            out[s as usize] = values[k];
        }
    }
    out
}

fn best_mean(series: &[f64], window: usize) -> f64 {
    if series.len() < window {
        return 0.0;
    }
    let mut sum: f64 = series[..window].iter().sum();
    let mut best = sum;
    for i in window..series.len() {
        sum += series[i] - series[i - window];
        best = best.max(sum);
    }
    best / window as f64
}

/// Least squares of work = CP·t + W′ over the maximal means at the 3–20 minute grid.
fn fit(curve: &[(f64, f64)]) -> (f64, f64) {
    let n = curve.len() as f64;
    let (mt, mw) = (
        curve.iter().map(|c| c.0).sum::<f64>() / n,
        curve.iter().map(|c| c.0 * c.1).sum::<f64>() / n,
    );
    let sxy: f64 = curve.iter().map(|c| (c.0 - mt) * (c.0 * c.1 - mw)).sum();
    let sxx: f64 = curve.iter().map(|c| (c.0 - mt).powi(2)).sum();
    let slope = sxy / sxx;
    (slope, mw - slope * mt)
}

const GRID: [usize; 9] = [180, 240, 300, 360, 480, 600, 720, 900, 1200];

async fn curve(
    ctx: &Ctx,
    token: &str,
    pick: impl Fn(&Value) -> bool,
    channel: &str,
) -> (Vec<(f64, f64)>, f64) {
    let now_s = ctx.handle.clock().now_s();
    let mut best = vec![0.0_f64; GRID.len()];
    let mut max_hr = 0_i64;
    let acts = ctx
        .strava_json(
            token,
            &format!(
                "/athlete/activities?per_page=200&after={}",
                now_s - 90 * 86_400
            ),
        )
        .await;
    for act in acts.as_array().unwrap().iter().filter(|a| pick(a)) {
        let s = streams(ctx, token, act["id"].as_i64().unwrap()).await;
        let time = ints(&s["time"]);
        max_hr = max_hr.max(ints(&s["heartrate"]).into_iter().max().unwrap_or(0));
        let values: Vec<f64> = if channel == "watts" {
            ints(&s["watts"]).into_iter().map(|w| w as f64).collect()
        } else {
            let d = floats(&s["distance"]);
            let mut speeds = vec![0.0];
            speeds.extend(
                d.windows(2)
                    .zip(time.windows(2))
                    .map(|(d, t)| (d[1] - d[0]) / (t[1] - t[0]) as f64),
            );
            speeds
        };
        let series = per_second(&time, &values);
        for (k, &w) in GRID.iter().enumerate() {
            best[k] = best[k].max(best_mean(&series, w));
        }
    }
    (
        GRID.iter().map(|&t| t as f64).zip(best).collect(),
        max_hr as f64,
    )
}

#[tokio::test]
async fn a_cyclists_critical_power_and_ftp_are_recoverable_from_90_days_of_streams() {
    let ctx = start(unlimited(11, 6)).await;
    let index = ctx.index_of(Profile::Cyclist);
    let truth = ctx.handle.truth(index).unwrap();
    let token = ctx.access_token(index).await;
    let (curve, max_hr) = curve(&ctx, &token, |a| a["device_watts"] == true, "watts").await;
    let cp = truth.cp_w.unwrap();
    let (fit_cp, fit_w) = fit(&curve);
    assert!(
        (fit_cp / cp - 1.0).abs() < 0.05,
        "CP {fit_cp} vs {cp}, W′ {fit_w}"
    );
    eprintln!(
        "fit CP {fit_cp:.1} W′ {fit_w:.0} truth {cp} {:?}",
        truth.w_prime_j
    );
    let p20 = curve[8].1;
    let ftp = truth.ftp_w.unwrap();
    assert!(
        (0.95 * p20 / ftp - 1.0).abs() < 0.04,
        "0.95 × P20 {p20} vs FTP {ftp}"
    );
    assert!(
        max_hr <= truth.max_hr_bpm && max_hr >= truth.max_hr_bpm - 3.0,
        "{max_hr} vs {}",
        truth.max_hr_bpm
    );
}

#[tokio::test]
async fn a_runners_critical_speed_is_recoverable_from_90_days_of_streams() {
    let ctx = start(unlimited(12, 6)).await;
    let index = ctx.index_of(Profile::Runner);
    let truth = ctx.handle.truth(index).unwrap();
    let token = ctx.access_token(index).await;
    let (curve, _) = curve(&ctx, &token, |a| a["sport_type"] == "Run", "speed").await;
    let cs = truth.threshold_speed_mps.unwrap();
    let (fit_cs, fit_d) = fit(&curve);
    assert!(
        (fit_cs / cs - 1.0).abs() < 0.05,
        "CS {fit_cs} vs {cs}, D′ {fit_d}"
    );
}

#[tokio::test]
async fn summaries_agree_with_their_streams_within_one_percent() {
    let ctx = start(unlimited(5, 6)).await;
    let index = ctx.index_of(Profile::Triathlete);
    let token = ctx.access_token(index).await;
    let acts = ctx
        .strava_json(&token, "/athlete/activities?per_page=40")
        .await;
    let mut checked = 0;
    for act in acts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["manual"] == false)
    {
        let s = streams(&ctx, &token, act["id"].as_i64().unwrap()).await;
        let close = |a: f64, b: f64, what: &str| {
            assert!(
                (a / b - 1.0).abs() < 0.01,
                "{what}: stream {a} vs summary {b} in {act}"
            )
        };
        if let Some(d) = floats(&s["distance"]).last() {
            close(*d, act["distance"].as_f64().unwrap(), "distance");
        }
        let moving: Vec<bool> = s["moving"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_bool().unwrap())
            .collect();
        let watts = ints(&s["watts"]);
        if !watts.is_empty() && watts.len() == moving.len() && act["device_watts"] == true {
            let on: Vec<f64> = watts
                .iter()
                .zip(&moving)
                .filter(|(_, m)| **m)
                .map(|(w, _)| *w as f64)
                .collect();
            close(
                on.iter().sum::<f64>() / on.len() as f64,
                act["average_watts"].as_f64().unwrap(),
                "watts",
            );
        }
        let hr: Vec<f64> = ints(&s["heartrate"])
            .into_iter()
            .filter(|h| *h > 0)
            .map(|h| h as f64)
            .collect();
        if !hr.is_empty() {
            close(
                hr.iter().sum::<f64>() / hr.len() as f64,
                act["average_heartrate"].as_f64().unwrap(),
                "heart rate",
            );
        }
        checked += 1;
    }
    assert!(checked > 10);
}
