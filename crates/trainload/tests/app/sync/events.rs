//! A sync tells open dashboards what changed: an `activity_processed` event when
//! activities arrived, a `thresholds_changed` one when thresholds were adopted, a
//! `wellness_changed` one for new wellness days; a repeat that changes nothing stays silent.

use std::time::Duration;

use sim::SimConfig;
use trainload::store::events::{self, Event, EventId};
use trainload::sync::{self, ACTIVITY_EVENT, SyncOptions, THRESHOLDS_EVENT, WELLNESS_EVENT};

use crate::support::world::{unlimited, world};

fn options() -> SyncOptions {
    SyncOptions {
        activity_days: 21,
        wellness_days: 30,
        ..SyncOptions::full()
    }
}

async fn all_events(store: &trainload::store::Store) -> Vec<Event> {
    events::read_after(store, EventId(0), 1000).await.unwrap()
}

conformance!(
    async fn a_sync_appends_one_event_per_kind_of_change_and_a_repeat_appends_none(db) {
        let world = world(&db.store, unlimited(SimConfig::new(3, 6)), Duration::from_secs(30)).await;
        let user = world.athlete(0, true).await;
        let report = sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        assert!(report.new_activities > 0 && report.wellness_days > 0, "{report:?}");
        let appended = all_events(&db.store).await;
        assert!(appended.iter().all(|e| e.user == user), "{appended:?}");
        let of = |kind: &str| appended.iter().filter(|e| e.kind == kind).collect::<Vec<_>>();
        let activity = of(ACTIVITY_EVENT);
        assert_eq!(activity.len(), 1, "{appended:?}");
        assert_eq!(activity[0].payload["new_activities"], report.new_activities);
        assert_eq!(activity[0].payload["utl_recalculated"], report.utl_recalculated);
        assert_eq!(of(WELLNESS_EVENT).len(), 1, "{appended:?}");
        assert_eq!(of(WELLNESS_EVENT)[0].payload["days"], report.wellness_days);
        let thresholds = of(THRESHOLDS_EVENT);
        assert_eq!(thresholds.len(), usize::from(!report.thresholds_changed.is_empty()), "{appended:?}");
        if let Some(event) = thresholds.first() {
            assert_eq!(
                event.payload["changes"].as_array().unwrap().len(),
                report.thresholds_changed.len()
            );
        }

        sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        assert_eq!(all_events(&db.store).await.len(), appended.len(), "a repeat is silent");
    }
);
