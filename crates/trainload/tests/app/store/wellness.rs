//! Wellness: upsert by (user, day) with stamp and content hash.

use trainload::store::wellness::{self, Outcome, WellnessRecord};

use crate::support::db::user;

fn day(date: &str) -> WellnessRecord {
    WellnessRecord {
        day: date.parse().unwrap(),
        resting_hr_bpm: Some(48),
        hrv_rmssd_ms: Some(72.5),
        hrv_sdnn_ms: Some(80.1),
        sleep_s: Some(27_000),
        sleep_score: Some(84.0),
        sleep_quality: Some(2),
        readiness: Some(71.0),
        soreness: Some(1),
        fatigue: Some(3),
        weight_kg: Some(70.4),
        spo2_pct: Some(97.0),
        steps: Some(10_234),
        temp_weight: Some(false),
        ctl: Some(55.2),
        provider_updated_at_ms: Some(1_000),
        ..WellnessRecord::default()
    }
}

conformance! {
    async fn the_same_day_twice_is_unchanged_and_a_new_value_is_an_update(db) {
        let ada = user(&db.store, "Ada").await;
        let first = day("2026-03-01");
        assert_eq!(wellness::upsert(&db.store, ada, &first, 1).await.unwrap(), Outcome::Inserted);
        assert_eq!(wellness::upsert(&db.store, ada, &first, 2).await.unwrap(), Outcome::Unchanged);
        let stamp_only = WellnessRecord { provider_updated_at_ms: Some(2_000), ..first.clone() };
        assert_eq!(wellness::upsert(&db.store, ada, &stamp_only, 3).await.unwrap(), Outcome::Unchanged);
        let changed = WellnessRecord { hrv_rmssd_ms: Some(60.0), provider_updated_at_ms: Some(3_000), ..first.clone() };
        assert_eq!(wellness::upsert(&db.store, ada, &changed, 4).await.unwrap(), Outcome::Updated);
        let d = first.day;
        let stored = wellness::range(&db.store, ada, d, d).await.unwrap();
        assert_eq!(stored, vec![changed]);
        assert_eq!(db.count("SELECT COUNT(*) FROM wellness").await, 1);
    }
}

conformance! {
    async fn a_value_gone_null_clears_the_stored_one(db) {
        let ada = user(&db.store, "Ada").await;
        let first = day("2026-03-01");
        wellness::upsert(&db.store, ada, &first, 1).await.unwrap();
        let cleared = WellnessRecord { weight_kg: None, soreness: None, provider_updated_at_ms: Some(5_000), ..first.clone() };
        assert_eq!(wellness::upsert(&db.store, ada, &cleared, 2).await.unwrap(), Outcome::Updated);
        let stored = wellness::range(&db.store, ada, first.day, first.day).await.unwrap();
        assert_eq!((stored[0].weight_kg, stored[0].soreness), (None, None));
        assert_eq!(stored[0].resting_hr_bpm, Some(48));
    }
}

conformance! {
    async fn a_range_returns_the_users_days_in_order(db) {
        let ada = user(&db.store, "Ada").await;
        let bob = user(&db.store, "Bob").await;
        for d in ["2026-03-03", "2026-03-01", "2026-03-02", "2026-04-01"] {
            wellness::upsert(&db.store, ada, &day(d), 1).await.unwrap();
        }
        wellness::upsert(&db.store, bob, &day("2026-03-02"), 1).await.unwrap();
        let march = wellness::range(&db.store, ada, "2026-03-01".parse().unwrap(), "2026-03-31".parse().unwrap()).await.unwrap();
        let days: Vec<String> = march.iter().map(|r| r.day.to_string()).collect();
        assert_eq!(days, ["2026-03-01", "2026-03-02", "2026-03-03"]);
    }
}
