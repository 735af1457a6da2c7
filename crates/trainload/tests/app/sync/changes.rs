//! Input changes and what they recompute: late wellness, a threshold edit, a manual FTP, a
//! deleted and a renamed activity.

use std::time::Duration;

use queue::Clock;

use science::utl::Method;
use sim::SimConfig;
use trainload::store::integrations::Provider;
use trainload::store::provenance::ThresholdBasis;
use trainload::store::thresholds::{self, NewThresholdSet, ThresholdSource, ThresholdValues};
use trainload::store::{activities, loads};
use trainload::sync::{self, SyncOptions};

use crate::support::world::{first_with_profile, snapshot, unlimited, world};

fn options() -> SyncOptions {
    SyncOptions {
        activity_days: 30,
        wellness_days: 45,
        ..SyncOptions::full()
    }
}

fn all_days() -> (jiff::civil::Date, jiff::civil::Date) {
    (jiff::civil::date(2000, 1, 1), jiff::civil::date(2100, 1, 1))
}

conformance!(
    async fn late_wellness_changes_the_utl_of_its_days_but_not_the_base_loads(db) {
        let world = world(&db.store, unlimited(SimConfig::new(21, 6)), Duration::from_secs(30)).await;
        let index = first_with_profile(&world.sim, "cyclist");
        let user = world.athlete(index, false).await;
        sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        let (from, to) = all_days();
        let before = loads::list_by_local_date(&db.store, user, from, to).await.unwrap();
        assert!(before.iter().all(|l| l.load.modifier == 1.0), "no wellness yet");
        world.connect_intervals(user, index).await;
        // Wellness only: resting HR adoption would (rightly) move the HR-method base loads too.
        let wellness_only = SyncOptions {
            resting_hr: false,
            threshold_full: false,
            threshold_check: false,
            ..options()
        };
        let report = sync::user_sync(&world.ctx, user, &wellness_only).await.unwrap();
        assert!(report.wellness_days > 0 && report.utl_recalculated > 0, "{report:?}");
        let after = loads::list_by_local_date(&db.store, user, from, to).await.unwrap();
        assert_eq!(after.len(), before.len());
        let mut changed = 0;
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(a.load.base_load.to_bits(), b.load.base_load.to_bits(), "base load kept");
            assert_eq!(a.load.utl.to_bits(), (a.load.base_load * a.load.modifier).to_bits());
            changed += usize::from(a.load.utl.to_bits() != b.load.utl.to_bits());
        }
        assert!(changed > 0, "some day's wellness moved its UTL");
    }
);

conformance!(
    async fn a_threshold_edit_recomputes_exactly_the_loads_on_or_after_its_date(db) {
        let world = world(&db.store, unlimited(SimConfig::new(22, 6)), Duration::from_secs(30)).await;
        let user = world.athlete(first_with_profile(&world.sim, "cyclist"), true).await;
        sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        let (from, to) = all_days();
        let before = loads::list_by_local_date(&db.store, user, from, to).await.unwrap();
        let middle = before[before.len() / 2].local_date;
        let ftp = before.iter().find_map(|l| l.load.provenance.thresholds.get("ftp").map(|t| t.value)).unwrap();
        let set = NewThresholdSet {
            user,
            effective_from: middle,
            source: ThresholdSource::Manual,
            method: "manual".to_owned(),
            values: ThresholdValues { ftp_w: Some(ftp * 1.10), ..ThresholdValues::default() },
            evidence: serde_json::json!({}),
            as_of: None,
            calc_version: 1,
        };
        thresholds::add(&db.store, &set, world.clock.now_ms()).await.unwrap();
        world.advance(Duration::from_secs(60));
        let written = sync::recompute_from(&world.ctx, user, middle).await.unwrap();
        let after = loads::list_by_local_date(&db.store, user, from, to).await.unwrap();
        let mut expected = 0;
        for (b, a) in before.iter().zip(&after) {
            if a.local_date < middle {
                assert_eq!(a.load, b.load, "a load before the edit was rewritten");
            } else if a.load.method == Method::Power {
                assert_ne!(a.load.utl.to_bits(), b.load.utl.to_bits(), "power load on {}", a.local_date);
                expected += 1;
            }
        }
        assert!(expected > 0);
        assert!(written >= expected, "{written} written, {expected} power loads moved");
    }
);

conformance!(
    async fn a_manual_ftp_survives_syncs_and_recalculations(db) {
        let world = world(&db.store, unlimited(SimConfig::new(23, 6)), Duration::from_secs(30)).await;
        let user = world.athlete(first_with_profile(&world.sim, "cyclist"), true).await;
        let manual = NewThresholdSet {
            user,
            effective_from: jiff::civil::date(2000, 1, 1),
            source: ThresholdSource::Manual,
            method: "manual".to_owned(),
            values: ThresholdValues { ftp_w: Some(123.0), ..ThresholdValues::default() },
            evidence: serde_json::json!({}),
            as_of: None,
            calc_version: 1,
        };
        let id = thresholds::add(&db.store, &manual, world.clock.now_ms()).await.unwrap();
        sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        sync::recalculate_thresholds(&world.ctx, user, 365).await.unwrap();
        sync::recalculate_utl(&world.ctx, user, jiff::civil::date(2000, 1, 1)).await.unwrap();
        assert_eq!(thresholds::get(&db.store, id).await.unwrap().set, manual);
        let history = thresholds::history(&db.store, user).await.unwrap();
        assert!(history.iter().filter(|t| t.id != id).all(|t| t.set.values.ftp_w.is_none()), "no FTP estimate in force over the manual one");
        let (from, to) = all_days();
        let all = loads::list_by_local_date(&db.store, user, from, to).await.unwrap();
        let power: Vec<_> = all.iter().filter(|l| l.load.method == Method::Power).collect();
        assert!(!power.is_empty());
        for l in power {
            let ftp = l.load.provenance.thresholds["ftp"];
            assert_eq!(ftp.value, 123.0);
            assert_eq!(ftp.basis, ThresholdBasis::Manual);
        }
    }
);

conformance!(
    async fn a_deleted_activity_leaves_the_loads_and_a_renamed_one_is_updated(db) {
        let world = world(&db.store, unlimited(SimConfig::new(24, 6)), Duration::from_secs(30)).await;
        let user = world.athlete(first_with_profile(&world.sim, "cyclist"), true).await;
        sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        let before = snapshot(&db.store, user).await;
        assert!(before.activities.len() >= 5, "{before:?}");
        let gone = before.activities[before.activities.len() - 1].0.clone();
        let renamed = before.activities[before.activities.len() - 2].0.clone();
        world.control(reqwest::Method::DELETE, &format!("/_sim/activities/{gone}"), serde_json::json!({})).await;
        world.control(reqwest::Method::POST, &format!("/_sim/activities/{renamed}"), serde_json::json!({"name": "Renamed ride"})).await;
        let report = sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        assert_eq!((report.deleted_activities, report.updated_activities), (1, 1), "{report:?}");
        let deleted = activities::find(&db.store, user, Provider::Strava, &gone).await.unwrap().unwrap();
        assert_eq!(deleted.delete_reason.as_deref(), Some("absent_from_listing"));
        assert_eq!(loads::get(&db.store, deleted.id).await.unwrap(), None);
        let after = snapshot(&db.store, user).await;
        assert!(after.loads.iter().all(|l| l.0 != gone));
        let row = activities::find(&db.store, user, Provider::Strava, &renamed).await.unwrap().unwrap();
        assert_eq!(row.summary.name.as_deref(), Some("Renamed ride"));
        assert_eq!(row.revision, 2);
    }
);
