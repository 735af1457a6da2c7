//! The Strava read planner over real connections and budget rows: it never places more
//! listings than the budget leaves, reaches every athlete in turn, leaves athletes with healthy
//! webhooks alone, polls the others where an upload is likely, and says when the budget is too
//! small for everyone.

use std::sync::Arc;

use providers::budget::{Priority, Provider, RateBudget};
use secrecy::SecretString;
use trainload::planner::{self, PlannerSettings, Reason, UploadPattern};
use trainload::store::budget::{BudgetLimits, SqlRateBudget};
use trainload::store::integrations::{self, IntegrationId, NewIntegration};
use trainload::store::users::{self, NewUser, Role, UserId};
use trainload::store::{Store, planner as planner_store, webhooks};

/// 2026-01-01T10:07:00Z.
const NOW: i64 = 1_767_262_020_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

async fn connect(store: &Store, n: usize, created_at_ms: i64) -> Vec<(UserId, IntegrationId)> {
    let mut out = Vec::new();
    for i in 0..n {
        let new = NewUser {
            name: format!("Athlete {i}"),
            sex: None,
            birth_year: None,
            time_zone: "UTC".to_owned(),
            role: Role::Athlete,
        };
        let user = users::add(store, &new, created_at_ms).await.unwrap();
        let strava =
            NewIntegration::strava(user, 1000 + i, SecretString::from("r".to_owned()), None);
        let id = integrations::connect(store, &strava, created_at_ms)
            .await
            .unwrap();
        out.push((user, id));
    }
    out
}

/// Spends `n` background reads of the current windows.
async fn spend(store: &Store, n: usize, at_ms: i64) {
    let budget = SqlRateBudget::with_clock(
        store.clone(),
        BudgetLimits::default(),
        Arc::new(move || at_ms),
    );
    for _ in 0..n {
        budget
            .reserve(Provider::Strava, Priority::Background)
            .await
            .unwrap();
    }
}

async fn subscribe(store: &Store, at_ms: i64) {
    webhooks::secrets(store, at_ms).await.unwrap();
    webhooks::set_subscription(store, Some(77), Some("https://x/webhooks/strava/t"), at_ms)
        .await
        .unwrap();
}

conformance! {
    async fn listings_stay_within_the_budget_and_reach_everyone_in_turn(db) {
        let store = &db.store;
        let connections = connect(store, 30, NOW - 3 * DAY).await;
        let settings = PlannerSettings::default();
        let plan = planner::plan(store, &settings, NOW).await.unwrap();
        assert_eq!(plan.connections, 30);
        assert!(!plan.webhooks_flowing);
        assert!(plan.placements.iter().all(|p| p.reason == Reason::Reconcile), "{plan:?}");
        // 900 background reads a day less the expected uploads, over 56 quarter hours left.
        let room = plan.budget.listing_room;
        assert!((1..=90).contains(&room), "{:?}", plan.budget);
        assert_eq!(plan.placements.len() as i64, room.min(30));
        assert_eq!(plan.placements.len() + plan.deferred.len(), 30);

        // The quarter hour's background share spent: nothing more is placed in it.
        spend(store, 90, NOW).await;
        let full = planner::plan(store, &settings, NOW).await.unwrap();
        assert_eq!(full.budget.listing_room, 0);
        assert!(full.placements.is_empty());
        assert_eq!(full.budget.day_used_by_priority.get("background"), Some(&90));

        // Windows go by; the listed are marked, and everyone is reached, stalest first.
        let mut listed = std::collections::BTreeSet::new();
        for window in 1..40 {
            let at = NOW + window * 15 * 60_000;
            let plan = planner::plan(store, &settings, at).await.unwrap();
            for placement in &plan.placements {
                let (_, integration) = connections.iter().find(|(u, _)| u.0 == placement.user_id).unwrap();
                planner_store::set_last_listed(store, *integration, at).await.unwrap();
                listed.insert(placement.user_id);
            }
            if listed.len() == 30 { break; }
        }
        assert_eq!(listed.len(), 30, "no athlete is starved while the budget allows");
    }
}

conformance! {
    async fn a_day_too_small_for_everyone_is_reported_as_starvation(db) {
        let store = &db.store;
        connect(store, 20, NOW - 5 * DAY).await;
        // The day's background allowance is gone already, 90 reads a quarter hour.
        for window in 0..10 {
            spend(store, 90, NOW - 3 * HOUR + window * 15 * 60_000).await;
        }
        let plan = planner::plan(store, &PlannerSettings::default(), NOW).await.unwrap();
        assert!(plan.placements.is_empty(), "{:?}", plan.budget);
        assert_eq!(plan.starved, 20);
    }
}

conformance! {
    async fn healthy_webhooks_are_not_polled_and_the_others_are_polled_when_an_upload_is_likely(db) {
        let store = &db.store;
        let connections = connect(store, 3, NOW - 30 * DAY).await;
        subscribe(store, NOW - HOUR).await;
        // Everyone was listed two hours ago.
        for (_, integration) in &connections {
            planner_store::set_last_listed(store, *integration, NOW - 2 * HOUR).await.unwrap();
        }
        // The second athlete's events were missed yesterday; the third too, and uploads at
        // this hour every day.
        planner_store::set_webhook_missed(store, connections[1].1, NOW - DAY).await.unwrap();
        planner_store::set_webhook_missed(store, connections[2].1, NOW - DAY).await.unwrap();
        let habit: Vec<i64> = (1..60).map(|d| NOW - d * DAY - HOUR).collect();
        let learnt = UploadPattern::learn(&habit, &jiff::tz::TimeZone::UTC, NOW, NOW - 60 * DAY);
        planner_store::set_pattern(store, connections[2].1, &serde_json::to_string(&learnt).unwrap())
            .await
            .unwrap();

        let plan = planner::plan(store, &PlannerSettings::default(), NOW).await.unwrap();
        assert!(plan.webhooks_flowing);
        assert_eq!(plan.webhook_healthy, 1);
        let placed: Vec<(i64, Reason)> = plan.placements.iter().map(|p| (p.user_id, p.reason)).collect();
        assert_eq!(placed, vec![(connections[2].0.0, Reason::Predicted)], "{plan:?}");
    }
}

conformance! {
    async fn events_whose_task_was_lost_are_placed_first_without_a_listing(db) {
        let store = &db.store;
        let connections = connect(store, 2, NOW - DAY).await;
        for (_, integration) in &connections {
            planner_store::set_last_listed(store, *integration, NOW - HOUR).await.unwrap();
        }
        subscribe(store, NOW - HOUR).await;
        let (user, _) = connections[0];
        let mut tx = trainload::store::begin_write(store).await.unwrap();
        let event = webhooks::NewEvent {
            subscription_id: 77, object_type: "activity", object_id: 5, aspect_type: "create",
            event_time_s: NOW / 1000, owner_id: 1000, user, updates: "{}",
        };
        assert!(webhooks::record_in(&mut tx, &event, NOW - 10 * 60_000).await.unwrap());
        tx.commit().await.unwrap();
        let plan = planner::plan(store, &PlannerSettings::default(), NOW).await.unwrap();
        assert_eq!(plan.placements.len(), 1, "{plan:?}");
        assert_eq!(plan.placements[0].reason, Reason::Events);
        assert_eq!(plan.placements[0].list_days, 0);
        assert_eq!(plan.placements[0].user_id, user.0);
    }
}
