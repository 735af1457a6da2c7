//! The shared rate budget over `api_budget`.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use providers::budget::{Bucket, BudgetError, Observed, Priority, Provider, RateBudget};
use trainload::store::budget::{BudgetLimits, SqlRateBudget};

/// 2026-01-01T10:07:00Z: inside the 10:00–10:15 window.
const T0_MS: i64 = 1_767_262_020_000;
const WINDOW_END_MS: i64 = 1_767_262_500_000;
const MIDNIGHT_MS: i64 = 1_767_312_000_000;

fn budget(db: &crate::support::db::TestDb) -> (SqlRateBudget, Arc<AtomicI64>) {
    let now = Arc::new(AtomicI64::new(T0_MS));
    let clock = Arc::clone(&now);
    let budget = SqlRateBudget::with_clock(
        db.store.clone(),
        BudgetLimits::default(),
        Arc::new(move || clock.load(Ordering::SeqCst)),
    );
    (budget, now)
}

async fn reserve_n(budget: &SqlRateBudget, priority: Priority, n: usize) -> usize {
    let mut passed = 0;
    for _ in 0..n {
        if budget.reserve(Provider::Strava, priority).await.is_ok() {
            passed += 1;
        }
    }
    passed
}

conformance! {
    async fn the_101st_read_in_a_window_is_refused_until_the_window_ends(db) {
        let (budget, _) = budget(&db);
        assert_eq!(reserve_n(&budget, Priority::Interactive, 100).await, 100);
        let refused = budget.reserve(Provider::Strava, Priority::Interactive).await;
        assert_eq!(refused, Err(BudgetError::Exhausted { until_ms: WINDOW_END_MS }));
        assert_eq!(budget.usage(Provider::Strava, Bucket::Read15m).await.unwrap(), Some((100, 100)));
        assert_eq!(budget.usage(Provider::Strava, Bucket::Overall15m).await.unwrap(), Some((100, 200)));
        assert_eq!(budget.usage(Provider::Strava, Bucket::ReadDay).await.unwrap(), Some((100, 1000)), "a refusal rolls back");
        let tally = trainload::store::planner::used_today_by_priority(&db.store, T0_MS).await.unwrap();
        assert_eq!(tally, vec![("interactive".to_owned(), 100)], "the day's tally counts granted calls only");
    }
}

conformance! {
    async fn background_work_stops_at_ninety_percent(db) {
        let (budget, _) = budget(&db);
        assert_eq!(reserve_n(&budget, Priority::Background, 95).await, 90);
        assert_eq!(reserve_n(&budget, Priority::Webhook, 20).await, 10, "the reserve is left for others");
    }
}

conformance! {
    async fn reconcile_raises_usage_and_takes_the_reported_limit(db) {
        let (budget, _) = budget(&db);
        reserve_n(&budget, Priority::Interactive, 1).await;
        let seen = [Observed { bucket: Bucket::Read15m, limit: 100, usage: 95 }];
        budget.reconcile(Provider::Strava, &seen).await.unwrap();
        let lower = [Observed { bucket: Bucket::Read15m, limit: 100, usage: 50 }];
        budget.reconcile(Provider::Strava, &lower).await.unwrap();
        assert_eq!(budget.usage(Provider::Strava, Bucket::Read15m).await.unwrap(), Some((95, 100)));
        assert_eq!(reserve_n(&budget, Priority::Interactive, 10).await, 5);
        let raised = [Observed { bucket: Bucket::Read15m, limit: 300, usage: 100 }];
        budget.reconcile(Provider::Strava, &raised).await.unwrap();
        assert_eq!(reserve_n(&budget, Priority::Interactive, 10).await, 10, "a raised limit applies at once");
    }
}

conformance! {
    async fn a_new_window_starts_fresh_but_the_day_keeps_counting(db) {
        let (budget, now) = budget(&db);
        assert_eq!(reserve_n(&budget, Priority::Interactive, 101).await, 100);
        now.store(WINDOW_END_MS, Ordering::SeqCst);
        assert!(budget.reserve(Provider::Strava, Priority::Interactive).await.is_ok());
        assert_eq!(budget.usage(Provider::Strava, Bucket::Read15m).await.unwrap(), Some((1, 100)));
        assert_eq!(budget.usage(Provider::Strava, Bucket::ReadDay).await.unwrap(), Some((101, 1000)));
    }
}

conformance! {
    async fn a_429_fills_the_window_and_a_full_day_refuses_until_midnight(db) {
        let (budget, _) = budget(&db);
        let until = budget.exhaust(Provider::Strava, Bucket::Read15m).await.unwrap();
        assert_eq!(until, WINDOW_END_MS);
        let refused = budget.reserve(Provider::Strava, Priority::Interactive).await;
        assert_eq!(refused, Err(BudgetError::Exhausted { until_ms: WINDOW_END_MS }));
        assert_eq!(budget.exhaust(Provider::Strava, Bucket::ReadDay).await.unwrap(), MIDNIGHT_MS);
        let refused = budget.reserve(Provider::Strava, Priority::Interactive).await;
        assert_eq!(refused, Err(BudgetError::Exhausted { until_ms: MIDNIGHT_MS }), "the latest reset");
    }
}

conformance! {
    async fn concurrent_reservers_never_exceed_the_limit(db) {
        let (budget, _) = budget(&db);
        let budget = Arc::new(budget);
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let budget = Arc::clone(&budget);
                tokio::spawn(async move { reserve_n(&budget, Priority::Interactive, 70).await })
            })
            .collect();
        let mut passed = 0;
        for task in tasks {
            passed += task.await.unwrap();
        }
        assert_eq!(passed, 100);
        assert_eq!(budget.usage(Provider::Strava, Bucket::Read15m).await.unwrap(), Some((100, 100)));
    }
}

conformance! {
    async fn intervals_has_one_shared_minute_bucket(db) {
        let (budget, _) = budget(&db);
        for _ in 0..300 {
            budget.reserve(Provider::Intervals, Priority::Interactive).await.unwrap();
        }
        let refused = budget.reserve(Provider::Intervals, Priority::Interactive).await;
        assert_eq!(refused, Err(BudgetError::Exhausted { until_ms: T0_MS + 60_000 }));
        assert!(budget.reserve(Provider::Strava, Priority::Interactive).await.is_ok(), "buckets are per provider");
    }
}
