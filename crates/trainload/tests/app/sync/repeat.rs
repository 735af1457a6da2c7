//! Idempotency (docs/scheduler.md §6.7): the same sync twice changes nothing, and two concurrent
//! syncs of one user store what one would.

use std::time::Duration;

use sim::SimConfig;
use trainload::sync::{self, SyncOptions};

use crate::support::world::{snapshot, unlimited, world};

fn options() -> SyncOptions {
    SyncOptions {
        activity_days: 21,
        wellness_days: 30,
        ..SyncOptions::full()
    }
}

conformance!(
    async fn the_same_sync_twice_changes_nothing(db) {
        let world = world(&db.store, unlimited(SimConfig::new(3, 6)), Duration::from_secs(30)).await;
        let user = world.athlete(0, true).await;
        let first = sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        assert!(first.new_activities > 0 && first.errors.is_empty(), "{first:?}");
        let before = snapshot(&db.store, user).await;
        let second = sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        assert_eq!(second.new_activities, 0);
        assert_eq!(second.updated_activities, 0);
        assert_eq!(second.deleted_activities, 0);
        assert_eq!(second.streams_fetched, 0);
        assert_eq!(second.wellness_days, 0);
        assert_eq!(second.utl_recalculated, 0);
        assert!(second.thresholds_changed.is_empty(), "{:?}", second.thresholds_changed);
        assert!(second.errors.is_empty(), "{:?}", second.errors);
        assert_eq!(snapshot(&db.store, user).await, before);
        let drift = sync::recalculate_utl(&world.ctx, user, jiff::civil::date(2000, 1, 1)).await.unwrap();
        assert_eq!((drift.drift, drift.written), (0, 0), "{drift:?}");
        assert!(drift.recalculated > 0);
        assert_eq!(drift.daily_loads.drift, 0, "{drift:?}");
        assert_eq!(drift.curve_months.drift, 0, "{drift:?}");
        assert!(drift.daily_loads.days_checked > 0, "{drift:?}");
    }
);

conformance!(
    async fn two_concurrent_syncs_store_what_one_would(db) {
        let world = world(&db.store, unlimited(SimConfig::new(3, 6)), Duration::from_secs(30)).await;
        let user = world.athlete(0, true).await;
        let both = options();
        let (a, b) = tokio::join!(
            sync::user_sync(&world.ctx, user, &both),
            sync::user_sync(&world.ctx, user, &both)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        let concurrent = snapshot(&db.store, user).await;
        assert_eq!(
            usize::try_from(a.new_activities + b.new_activities).unwrap(),
            concurrent.activities.len(),
            "each activity was inserted exactly once"
        );
        assert_eq!(concurrent.loads.len(), concurrent.activities.len());
        let mut dates: Vec<_> = concurrent.thresholds.clone();
        dates.dedup();
        assert_eq!(dates.len(), concurrent.thresholds.len(), "no threshold entry twice");
        let sums = sync::check_daily_loads(&db.store, user).await.unwrap();
        assert_eq!(sums.drift, 0, "concurrent load writes leave the day sums exact: {sums:?}");

        let other = crate::support::db::sqlite().await;
        let ctx = sync::SyncContext { store: other.store.clone(), ..world.ctx.clone() };
        let twin = world.athlete_in(&other.store, 0, true).await;
        let alone = sync::user_sync(&ctx, twin, &options()).await.unwrap();
        assert_eq!(u32::try_from(concurrent.activities.len()).unwrap(), alone.new_activities);
        let one = snapshot(&other.store, twin).await;
        assert_eq!(one.activities, concurrent.activities);
        let utl = |s: &crate::support::world::Snapshot| s.loads.iter().map(|l| (l.0.clone(), l.1, l.2)).collect::<Vec<_>>();
        assert_eq!(utl(&one), utl(&concurrent), "same loads as one sync");
        other.finish().await;
    }
);

conformance!(
    async fn the_monthly_recalculation_recomputes_curves_of_an_older_version_once(db) {
        let world = world(&db.store, unlimited(SimConfig::new(3, 6)), Duration::from_secs(30)).await;
        let user = world.athlete(0, true).await;
        sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        let since = jiff::civil::date(2000, 1, 1);
        let current = sync::recalculate_utl(&world.ctx, user, since).await.unwrap();
        assert_eq!(current.curves_recomputed, 0, "fresh curves are current");
        // Curves written by 1.0.0 (envelopes) are recomputed once, then never again.
        db.raw("UPDATE power_curves SET calc_version = 1000000").await;
        let first = sync::recalculate_utl(&world.ctx, user, since).await.unwrap();
        assert!(first.curves_recomputed > 0, "{first:?}");
        assert_eq!(first.drift, 0);
        let again = sync::recalculate_utl(&world.ctx, user, since).await.unwrap();
        assert_eq!(again.curves_recomputed, 0, "{again:?}");
    }
);
