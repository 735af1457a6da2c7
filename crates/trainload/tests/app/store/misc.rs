//! Loads, thresholds, power curves and events.

use trainload::store::activities::{self, ActivityId};
use trainload::store::events::{self, EventId};
use trainload::store::loads::{self, ActivityLoad};
use trainload::store::power_curves::{self, CurveKind, CurvePoint};
use trainload::store::thresholds::{self, NewThresholdSet, ThresholdSource, ThresholdValues};
use trainload::store::{StoreError, begin_write};

use crate::support::db::{power_load, ride, user};

pub fn load_for(activity: ActivityId) -> ActivityLoad {
    ActivityLoad {
        base_load: 80.5,
        modifier: 1.05,
        intensity_factor: Some(0.82),
        np_w: Some(221.0),
        trimp: Some(110.2),
        hr_tss: Some(77.0),
        ..power_load(activity, 84.525, 5)
    }
}

fn thresholds_on(user: trainload::store::users::UserId, day: &str, ftp: f64) -> NewThresholdSet {
    NewThresholdSet {
        user,
        effective_from: day.parse().unwrap(),
        source: ThresholdSource::Estimated,
        method: "cp_3param".to_owned(),
        values: ThresholdValues {
            ftp_w: Some(ftp),
            cp_w: Some(ftp + 10.0),
            lthr_bpm: Some(168.0),
            ..ThresholdValues::default()
        },
        evidence: serde_json::json!([{"activity": 1, "duration_s": 1200}]),
        as_of: Some(day.parse().unwrap()),
        calc_version: 2,
    }
}

conformance! {
    async fn a_load_is_stored_replaced_and_listed_by_date(db) {
        let ada = user(&db.store, "Ada").await;
        let id = activities::upsert(&db.store, ada, &ride(1), 1).await.unwrap().id;
        let set = thresholds::add(&db.store, &thresholds_on(ada, "2025-12-01", 250.0), 1).await.unwrap();
        let mut load = ActivityLoad { threshold_set: Some(set), ..load_for(id) };
        loads::put(&db.store, &load).await.unwrap();
        assert_eq!(loads::get(&db.store, id).await.unwrap(), Some(load.clone()));
        load.utl = 90.0;
        loads::put(&db.store, &load).await.unwrap();
        let day = "2026-01-01".parse().unwrap();
        let listed = loads::list_by_local_date(&db.store, ada, day, day).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].local_date, &listed[0].load), (day, &load));
        let missing = loads::put(&db.store, &load_for(ActivityId(999))).await;
        assert!(matches!(missing, Err(StoreError::NotFound)));
    }
}

conformance! {
    async fn the_threshold_set_in_effect_is_the_latest_on_or_before_the_day(db) {
        let ada = user(&db.store, "Ada").await;
        let a = thresholds::add(&db.store, &thresholds_on(ada, "2026-01-01", 250.0), 1).await.unwrap();
        let b = thresholds::add(&db.store, &thresholds_on(ada, "2026-02-01", 260.0), 2).await.unwrap();
        let c = thresholds::add(&db.store, &thresholds_on(ada, "2026-02-01", 262.0), 3).await.unwrap();
        let at = |d: &str| d.parse().unwrap();
        assert!(thresholds::in_effect(&db.store, ada, at("2025-12-31")).await.unwrap().is_none());
        assert_eq!(thresholds::in_effect(&db.store, ada, at("2026-01-31")).await.unwrap().unwrap().id, a);
        assert_eq!(thresholds::in_effect(&db.store, ada, at("2026-02-01")).await.unwrap().unwrap().id, c);
        let history = thresholds::history(&db.store, ada).await.unwrap();
        assert_eq!(history.iter().map(|s| s.id).collect::<Vec<_>>(), vec![a, b, c]);
        let got = thresholds::get(&db.store, b).await.unwrap();
        assert_eq!(got.set, thresholds_on(ada, "2026-02-01", 260.0));
        assert_eq!(got.created_at_ms, 2);
    }
}

conformance! {
    async fn a_power_curve_round_trips_and_lists_for_live_activities(db) {
        let ada = user(&db.store, "Ada").await;
        let one = activities::upsert(&db.store, ada, &ride(1), 1).await.unwrap().id;
        let two = activities::upsert(&db.store, ada, &ride(2), 1).await.unwrap().id;
        let curve = vec![
            CurvePoint { duration_s: 1, value: 812.0 },
            CurvePoint { duration_s: 5, value: 640.5 },
            CurvePoint { duration_s: 60, value: 402.125 },
            CurvePoint { duration_s: 1200, value: 255.0 },
        ];
        for id in [one, two] {
            power_curves::put(&db.store, ada, id, CurveKind::Power, &curve, 2).await.unwrap();
        }
        assert_eq!(power_curves::get(&db.store, ada, one, CurveKind::Power).await.unwrap(), Some(curve.clone()));
        assert!(power_curves::get(&db.store, ada, one, CurveKind::Speed).await.unwrap().is_none());
        activities::soft_delete(&db.store, two, "absent_from_listing", 3).await.unwrap();
        let listed = power_curves::list_between(&db.store, ada, CurveKind::Power, 0, i64::MAX).await.unwrap();
        assert_eq!(listed, vec![(one, curve)]);
        let unordered = [CurvePoint { duration_s: 5, value: 1.0 }, CurvePoint { duration_s: 5, value: 1.0 }];
        assert!(matches!(power_curves::encode(&unordered), Err(StoreError::Invalid(_))));
    }
}

conformance! {
    async fn encoded_power_curves_are_listed_by_the_activities_local_dates(db) {
        let ada = user(&db.store, "Ada").await;
        let bob = user(&db.store, "Bob").await;
        let mut next_day = ride(10);
        next_day.start_at_ms += 86_400_000;
        let first = activities::upsert(&db.store, ada, &ride(9), 1).await.unwrap().id;
        let second = activities::upsert(&db.store, ada, &next_day, 1).await.unwrap().id;
        let theirs = activities::upsert(&db.store, bob, &ride(11), 1).await.unwrap().id;
        let curve = vec![CurvePoint { duration_s: 1, value: 500.0 }, CurvePoint { duration_s: 60, value: 300.0 }];
        for (who, id) in [(ada, first), (ada, second), (bob, theirs)] {
            power_curves::put(&db.store, who, id, CurveKind::Power, &curve, 2).await.unwrap();
        }
        let day = |d: &str| d.parse::<jiff::civil::Date>().unwrap();
        let visited = async |kind, from, to| {
            let rows = power_curves::encoded_by_local_date(&db.store, ada, kind, day(from), day(to)).await.unwrap();
            rows.into_iter().map(|(id, date, bytes)| (id, date, power_curves::decode(&bytes).unwrap())).collect::<Vec<_>>()
        };
        let both = visited(CurveKind::Power, "2026-01-01", "2026-01-02").await;
        assert_eq!(both, vec![(first, day("2026-01-01"), curve.clone()), (second, day("2026-01-02"), curve.clone())]);
        let one = visited(CurveKind::Power, "2026-01-02", "2026-12-31").await;
        assert_eq!(one.iter().map(|c| c.0).collect::<Vec<_>>(), vec![second], "dates outside the window are left out");
        assert!(visited(CurveKind::Speed, "2026-01-01", "2026-01-02").await.is_empty());
    }
}

conformance! {
    async fn events_are_read_in_order_after_a_cursor_and_roll_back_with_their_transaction(db) {
        let ada = user(&db.store, "Ada").await;
        let first = events::append(&db.store, ada, "activity_processed", &serde_json::json!({"id": 1}), 10).await.unwrap();
        let mut tx = begin_write(&db.store).await.unwrap();
        events::append_in(&mut tx, ada, "lost", &serde_json::json!({}), 11).await.unwrap();
        tx.rollback().await.unwrap();
        let mut tx = begin_write(&db.store).await.unwrap();
        let second = events::append_in(&mut tx, ada, "thresholds_changed", &serde_json::json!({"ftp": 260}), 12).await.unwrap();
        tx.commit().await.unwrap();
        let all = events::read_after(&db.store, EventId(0), 10).await.unwrap();
        assert_eq!(all.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["activity_processed", "thresholds_changed"]);
        assert_eq!(all[1].payload, serde_json::json!({"ftp": 260}));
        let after = events::read_after(&db.store, first, 10).await.unwrap();
        assert_eq!(after.iter().map(|e| e.id).collect::<Vec<_>>(), vec![second]);
        assert_eq!(events::delete_before(&db.store, 11).await.unwrap(), 1);
    }
}

conformance! {
    async fn a_users_own_events_resume_after_an_id_and_ids_are_never_reused(db) {
        let ada = user(&db.store, "Ada").await;
        let bo = user(&db.store, "Bo").await;
        assert_eq!(events::latest_id(&db.store).await.unwrap(), EventId(0));
        let json = serde_json::json!({});
        let first = events::append(&db.store, ada, "activity_processed", &json, 10).await.unwrap();
        events::append(&db.store, bo, "activity_processed", &json, 11).await.unwrap();
        let third = events::append(&db.store, ada, "thresholds_changed", &json, 12).await.unwrap();
        assert_eq!(events::latest_id(&db.store).await.unwrap(), third);
        let mine = events::read_after_for_user(&db.store, ada, EventId(0), 10).await.unwrap();
        assert_eq!(mine.iter().map(|e| e.id).collect::<Vec<_>>(), vec![first, third]);
        let resumed = events::read_after_for_user(&db.store, ada, first, 10).await.unwrap();
        assert_eq!(resumed.iter().map(|e| e.id).collect::<Vec<_>>(), vec![third]);
        // Deleting the newest events (retention, a deleted user) does not free their ids.
        assert_eq!(events::delete_before(&db.store, 100).await.unwrap(), 3);
        let next = events::append(&db.store, ada, "activity_processed", &json, 13).await.unwrap();
        assert!(next > third, "{next:?} after {third:?}");
    }
}

conformance! {
    async fn the_latest_event_of_a_kind_is_the_users_own_newest_and_indexed(db) {
        let ada = user(&db.store, "Ada").await;
        let bo = user(&db.store, "Bo").await;
        let json = serde_json::json!({"n": 1});
        assert!(events::latest_of_kind(&db.store, ada, "onboarding").await.unwrap().is_none());
        events::append(&db.store, ada, "onboarding", &json, 10).await.unwrap();
        let newest = events::append(&db.store, ada, "onboarding", &json, 11).await.unwrap();
        events::append(&db.store, ada, "activity_processed", &json, 12).await.unwrap();
        events::append(&db.store, bo, "onboarding", &json, 13).await.unwrap();
        let latest = events::latest_of_kind(&db.store, ada, "onboarding").await.unwrap().unwrap();
        assert_eq!((latest.id, latest.user, latest.payload), (newest, ada, json));
        // The SQLite rebuild of the events table (live updates) must not have lost the index.
        let sql = match db.engine() {
            trainload::store::Engine::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'events_by_user_kind'"
            }
            trainload::store::Engine::Postgres => {
                "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'events_by_user_kind'"
            }
        };
        assert_eq!(db.count(sql).await, 1);
    }
}
