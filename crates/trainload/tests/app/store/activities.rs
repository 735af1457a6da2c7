//! Activities: idempotent upsert, revisions, soft delete and restore, dates, streams state.

use trainload::store::activities::{self, Outcome, StreamsState, StreamsTransition};
use trainload::store::integrations::Provider;
use trainload::store::{StoreError, loads, streams};

use crate::store::misc::load_for;
use crate::support::db::{ride, sample_streams, user};

conformance! {
    async fn the_same_summary_twice_is_unchanged_and_stored_once(db) {
        let ada = user(&db.store, "Ada").await;
        let first = activities::upsert(&db.store, ada, &ride(9_876_543_210), 100).await.unwrap();
        assert_eq!((first.outcome, first.revision), (Outcome::Inserted, 1));
        let second = activities::upsert(&db.store, ada, &ride(9_876_543_210), 200).await.unwrap();
        assert_eq!((second.id, second.outcome, second.revision), (first.id, Outcome::Unchanged, 1));
        assert_eq!(db.count("SELECT COUNT(*) FROM activities").await, 1);
        let stored = activities::get(&db.store, first.id).await.unwrap();
        assert_eq!(stored.summary, ride(9_876_543_210));
        assert_eq!((stored.first_seen_at_ms, stored.last_seen_at_ms, stored.updated_at_ms), (100, 200, 100));
        assert_eq!(stored.streams_state, StreamsState::Pending);
    }
}

conformance! {
    async fn the_same_external_id_for_two_users_is_two_activities(db) {
        let ada = user(&db.store, "Ada").await;
        let bob = user(&db.store, "Bob").await;
        let a = activities::upsert(&db.store, ada, &ride(1), 1).await.unwrap();
        let b = activities::upsert(&db.store, bob, &ride(1), 1).await.unwrap();
        assert_ne!(a.id, b.id);
        assert_eq!(b.outcome, Outcome::Inserted);
    }
}

conformance! {
    async fn changed_content_is_an_update_with_the_next_revision(db) {
        let ada = user(&db.store, "Ada").await;
        let id = activities::upsert(&db.store, ada, &ride(7), 1).await.unwrap().id;
        streams::put(&db.store, id, &sample_streams(30), 2).await.unwrap();
        let renamed = activities::ActivitySummary { name: Some("Messy".to_owned()), ..ride(7) };
        let up = activities::upsert(&db.store, ada, &renamed, 3).await.unwrap();
        assert_eq!((up.outcome, up.revision), (Outcome::Updated { streams_reset: false }, 2));
        let stored = activities::get(&db.store, id).await.unwrap();
        assert_eq!((stored.summary.name.as_deref(), stored.streams_state), (Some("Messy"), StreamsState::Fetched));
        let cropped = activities::ActivitySummary { elapsed_s: Some(3000), ..renamed };
        let up = activities::upsert(&db.store, ada, &cropped, 4).await.unwrap();
        assert_eq!((up.outcome, up.revision), (Outcome::Updated { streams_reset: true }, 3));
        assert_eq!(activities::get(&db.store, id).await.unwrap().streams_state, StreamsState::Pending);
    }
}

conformance! {
    async fn a_soft_deleted_activity_loses_streams_and_load_and_is_restored_when_it_reappears(db) {
        let ada = user(&db.store, "Ada").await;
        let id = activities::upsert(&db.store, ada, &ride(8), 1).await.unwrap().id;
        streams::put(&db.store, id, &sample_streams(30), 2).await.unwrap();
        loads::put(&db.store, &load_for(id)).await.unwrap();
        assert!(activities::soft_delete(&db.store, id, "absent_from_listing", 3).await.unwrap());
        assert!(!activities::soft_delete(&db.store, id, "again", 4).await.unwrap());
        let gone = activities::get(&db.store, id).await.unwrap();
        assert_eq!((gone.deleted_at_ms, gone.delete_reason.as_deref()), (Some(3), Some("absent_from_listing")));
        assert!(streams::get(&db.store, id).await.unwrap().is_none());
        assert!(loads::get(&db.store, id).await.unwrap().is_none());
        assert!(matches!(loads::put(&db.store, &load_for(id)).await, Err(StoreError::NotFound)));
        assert!(matches!(streams::put(&db.store, id, &sample_streams(5), 5).await, Err(StoreError::NotFound)));
        let day = gone.local_date;
        assert!(activities::list_by_local_date(&db.store, ada, day, day).await.unwrap().is_empty());
        let back = activities::upsert(&db.store, ada, &ride(8), 6).await.unwrap();
        assert_eq!((back.id, back.outcome, back.revision), (id, Outcome::Restored, 2));
        let live = activities::get(&db.store, id).await.unwrap();
        assert_eq!((live.deleted_at_ms, live.streams_state), (None, StreamsState::Pending));
        assert_eq!(activities::purge_deleted(&db.store, i64::MAX).await.unwrap(), 0);
        activities::soft_delete(&db.store, id, "webhook_delete", 7).await.unwrap();
        assert_eq!(activities::purge_deleted(&db.store, 7).await.unwrap(), 0);
        assert_eq!(activities::purge_deleted(&db.store, 8).await.unwrap(), 1);
        assert!(matches!(activities::get(&db.store, id).await, Err(StoreError::NotFound)));
    }
}

conformance! {
    async fn the_local_date_comes_from_start_plus_offset(db) {
        let ada = user(&db.store, "Ada").await;
        // 2026-01-01T23:30Z in UTC−5 is still the 1st; at UTC+2 it is the 2nd.
        let west = activities::ActivitySummary { start_at_ms: 1_767_310_200_000, utc_offset_s: -18_000, ..ride(1) };
        let east = activities::ActivitySummary { start_at_ms: 1_767_310_200_000, utc_offset_s: 7_200, ..ride(2) };
        activities::upsert(&db.store, ada, &west, 1).await.unwrap();
        activities::upsert(&db.store, ada, &east, 1).await.unwrap();
        let first = "2026-01-01".parse().unwrap();
        let second = "2026-01-02".parse().unwrap();
        let on_first = activities::list_by_local_date(&db.store, ada, first, first).await.unwrap();
        assert_eq!(on_first.iter().map(|a| a.summary.external_id.as_str()).collect::<Vec<_>>(), vec!["1"]);
        let both = activities::list_by_local_date(&db.store, ada, first, second).await.unwrap();
        assert_eq!(both.len(), 2);
        let live = activities::live_between(&db.store, ada, Provider::Strava, 1_767_310_199_999, 1_767_310_200_001).await.unwrap();
        assert_eq!(live.len(), 2);
    }
}

conformance! {
    async fn streams_state_moves_through_not_ready_failed_and_fetched(db) {
        let ada = user(&db.store, "Ada").await;
        let old = activities::upsert(&db.store, ada, &ride(1), 1).await.unwrap().id;
        let newer = activities::ActivitySummary { start_at_ms: ride(1).start_at_ms + 86_400_000, ..ride(2) };
        let new = activities::upsert(&db.store, ada, &newer, 1).await.unwrap().id;
        let manual = activities::ActivitySummary { manual: true, ..ride(3) };
        let hand = activities::upsert(&db.store, ada, &manual, 1).await.unwrap().id;
        assert_eq!(activities::get(&db.store, hand).await.unwrap().streams_state, StreamsState::None);
        let due: Vec<_> = activities::streams_due(&db.store, ada, 0, 10).await.unwrap().into_iter().map(|d| d.id).collect();
        assert_eq!(due, vec![new, old], "newest first, manual excluded");
        activities::set_streams_state(&db.store, new, StreamsTransition::NotReady { next_try_at_ms: 500 }).await.unwrap();
        activities::set_streams_state(&db.store, old, StreamsTransition::Failed).await.unwrap();
        let due: Vec<_> = activities::streams_due(&db.store, ada, 499, 10).await.unwrap().into_iter().map(|d| d.id).collect();
        assert_eq!(due, vec![old], "not_ready waits for its time; failed is retried");
        assert_eq!(activities::streams_due(&db.store, ada, 500, 10).await.unwrap().len(), 2);
        activities::set_streams_state(&db.store, old, StreamsTransition::Failed).await.unwrap();
        assert_eq!(activities::get(&db.store, old).await.unwrap().streams_attempts, 2);
        streams::put(&db.store, old, &sample_streams(10), 9).await.unwrap();
        let fetched = activities::get(&db.store, old).await.unwrap();
        assert_eq!((fetched.streams_state, fetched.streams_attempts), (StreamsState::Fetched, 0));
        activities::set_streams_state(&db.store, new, StreamsTransition::Unavailable).await.unwrap();
        assert!(activities::streams_due(&db.store, ada, i64::MAX, 10).await.unwrap().is_empty());
    }
}

conformance! {
    async fn concurrent_upserts_of_one_key_store_one_row(db) {
        let ada = user(&db.store, "Ada").await;
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let store = db.store.clone();
                let summary = activities::ActivitySummary { name: Some(format!("v{}", i % 2)), ..ride(77) };
                tokio::spawn(async move { activities::upsert(&store, ada, &summary, i).await.unwrap() })
            })
            .collect();
        let mut inserted = 0;
        for task in tasks {
            if task.await.unwrap().outcome == Outcome::Inserted {
                inserted += 1;
            }
        }
        assert_eq!(inserted, 1);
        assert_eq!(db.count("SELECT COUNT(*) FROM activities").await, 1);
    }
}

conformance! {
    async fn deauthorization_deletes_a_providers_activities_for_good(db) {
        let ada = user(&db.store, "Ada").await;
        activities::upsert(&db.store, ada, &ride(1), 1).await.unwrap();
        let other = activities::ActivitySummary { provider: Provider::Intervals, ..ride(2) };
        activities::upsert(&db.store, ada, &other, 1).await.unwrap();
        assert_eq!(activities::delete_from_provider(&db.store, ada, Provider::Strava).await.unwrap(), 1);
        assert!(activities::find(&db.store, ada, Provider::Strava, "1").await.unwrap().is_none());
        assert!(activities::find(&db.store, ada, Provider::Intervals, "2").await.unwrap().is_some());
    }
}
