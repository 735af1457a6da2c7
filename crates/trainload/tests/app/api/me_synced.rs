//! The athlete API over data a real onboarding stored: an athlete of the in-process simulator,
//! synced over HTTP, then read back through `/api/v1/me`.

use reqwest::StatusCode;
use sim::{SimClock, SimConfig};
use trainload::store::now_ms;

use crate::api::athlete_data::{Athlete, app};
use crate::support::app::engines;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_onboarded_cyclist_reads_thresholds_curves_wellness_and_sync_status() {
    for engine in engines() {
        let app = app(engine).await;
        let mut config = SimConfig::new(1, 6);
        config.history_days = 60;
        config.rate_limits = None;
        config.intervals_max_rps = None;
        config.clock = SimClock::real(1.0);
        let sim = crate::support::start_sim(config).await;
        let info = sim.info();
        let cyclist = info
            .athletes
            .iter()
            .find(|a| a.profile.as_str() == "cyclist")
            .unwrap();
        let ctx = trainload::demo::sim_sync_context(&app.store, &info).unwrap();
        let user = trainload::demo::add_sim_athlete(&app.store, cyclist, now_ms())
            .await
            .unwrap();
        trainload::sync::onboard(&ctx, user, 50, &|_| {})
            .await
            .unwrap();
        let me = Athlete::signed_in(&app, user).await;

        let page = me.ok(&app, "/api/v1/me/activities?limit=3").await;
        assert!(page["total"].as_i64().unwrap() > 3, "{page}");
        let newest = &page["items"][0];
        assert!(newest["utl"].as_f64().is_some(), "{newest}");
        let (status, one) = me
            .get(&app, &format!("/api/v1/me/activities/{}", newest["id"]))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(one["explanation"], newest["explanation"]);

        // A ride with power shows its time in the Coggan zones, bounds in watts of its FTP.
        let listed = me.ok(&app, "/api/v1/me/activities?limit=50").await;
        let ride = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["method"] == "power")
            .expect("the cyclist rides with power");
        let one = me
            .ok(&app, &format!("/api/v1/me/activities/{}", ride["id"]))
            .await;
        let zones = one["time_in_zone"].as_array().unwrap();
        let power = zones.iter().find(|z| z["kind"] == "power").expect("{one}");
        assert_eq!(power["unit"], "W");
        let ftp = power["threshold"].as_f64().unwrap();
        let rows = power["zones"].as_array().unwrap();
        assert_eq!(rows.len(), 7);
        assert_eq!(rows[3]["name"], "Threshold");
        assert!(
            (rows[3]["low"].as_f64().unwrap() - 0.91 * ftp).abs() < 1e-9,
            "{power}"
        );
        assert!(
            rows[0]["low"].is_null() && rows[6]["high"].is_null(),
            "{power}"
        );
        let total: u64 = rows.iter().map(|z| z["seconds"].as_u64().unwrap()).sum();
        assert!(total > 0, "{power}");
        assert!(zones.iter().any(|z| z["kind"] == "heart_rate"), "{one}");

        let thresholds = me.ok(&app, "/api/v1/me/thresholds").await;
        let entries = thresholds.as_array().unwrap();
        assert!(!entries.is_empty(), "onboarding estimates thresholds");
        assert!(
            entries
                .iter()
                .any(|e| e["source"] == "estimated" && e["ftp_w"].as_f64().is_some()),
            "{thresholds}"
        );
        let dates: Vec<&str> = entries
            .iter()
            .map(|e| e["effective_from"].as_str().unwrap())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");

        let curve = me.ok(&app, "/api/v1/me/power-curve?window=all").await;
        assert!(
            curve["power"]["activities"].as_u64().unwrap() > 0,
            "{curve}"
        );
        let points = curve["power"]["points"].as_array().unwrap();
        assert!(points.len() > 10, "{curve}");
        let watts: Vec<f64> = points
            .iter()
            .map(|p| p["value"].as_f64().unwrap())
            .collect();
        // Exact values (best mean over exactly d) need not fall at every step, but none beats
        // the best single second.
        assert!(watts.iter().all(|w| *w <= watts[0]), "{watts:?}");
        let best_5s = &curve["power"]["best_efforts"][0];
        assert_eq!(best_5s["duration_s"], 5);
        assert!(best_5s["value"].as_f64().unwrap() > 200.0, "{best_5s}");
        let owner = best_5s["activity_id"].as_i64().unwrap();
        let (status, _) = me
            .get(&app, &format!("/api/v1/me/activities/{owner}"))
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "the best effort names one of the athlete's rides"
        );

        if cyclist.intervals_athlete_id.is_some() {
            let days = me.ok(&app, "/api/v1/me/wellness").await;
            let days = days.as_array().unwrap();
            assert!(!days.is_empty(), "wellness was synced");
            assert!(
                days.iter().any(|d| d["resting_hr_bpm"].as_i64().is_some()),
                "{days:?}"
            );
        }

        let status = me.ok(&app, "/api/v1/me/sync").await;
        assert!(
            status["onboarding"].is_null(),
            "onboarding is done: {status}"
        );
        let providers: Vec<&str> = status["integrations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["provider"].as_str().unwrap())
            .collect();
        assert!(providers.contains(&"strava"), "{status}");
        assert!(
            status["next_sync"]["at_ms"].as_i64().unwrap() > now_ms(),
            "{status}"
        );
        sim.shutdown();
    }
}
