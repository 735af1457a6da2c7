//! T14, per-user isolation: a `quick_sync` run over 12 athletes, 9 of them with one simulator
//! fault kind each. The transient faults (first request of the class fails) are retried or
//! waited out and succeed; a 429 parks the task without consuming an attempt; a revoked Strava
//! grant or a rejected Intervals.icu key fails its task after one attempt and marks the
//! integration `needs_reauth`; every other athlete succeeds and the run ends `partial`.
//! (A fault that never clears, dead after 6 attempts, is `jobs::a_quick_sync_run_isolates_…`.)
//!
//! Per-provider containment: with the Strava window spent, a failing Intervals.icu neither burns
//! attempts inside the closed window nor stops the Strava work once it reopens.

use std::sync::Arc;
use std::time::Duration;

use jiff::tz::TimeZone;
use providers::budget::{Bucket, RateBudget};
use queue::Clock;
use queue::{ManualRun, ManualRunRequest, RunState, Scheduler, SchedulerConfig, TaskState};
use sim::{FaultKind, FaultSettings, SimConfig};
use trainload::store::budget::{BudgetLimits, SqlRateBudget};
use trainload::store::integrations::{self, Provider};
use trainload::store::users::UserId;

use crate::support::world::{snapshot, unlimited, world};

const ATHLETES: usize = 12;
const SEED: u64 = 14;

/// The fault kinds of T14, each given to one athlete (Intervals.icu ones to athletes that have
/// an Intervals.icu account).
const STRAVA_FAULTS: [FaultKind; 6] = [
    FaultKind::Strava5xx,
    FaultKind::Strava429,
    FaultKind::StravaTimeout,
    FaultKind::StravaMalformed,
    FaultKind::StravaRevoked,
    FaultKind::StreamsNotReady,
];
const INTERVALS_FAULTS: [FaultKind; 3] = [
    FaultKind::Intervals5xx,
    FaultKind::IntervalsMalformed,
    FaultKind::Intervals401,
];

/// (athlete index, fault) for every fault kind, chosen from the athletes' profiles.
async fn assign_faults() -> Vec<(usize, FaultKind)> {
    let probe = crate::support::start_sim(SimConfig::new(SEED, ATHLETES)).await;
    let info = probe.info();
    let (with_intervals, without): (Vec<usize>, Vec<usize>) =
        (0..ATHLETES).partition(|&i| info.athletes[i].intervals_athlete_id.is_some());
    assert!(
        with_intervals.len() >= INTERVALS_FAULTS.len(),
        "{with_intervals:?}"
    );
    let mut faults: Vec<(usize, FaultKind)> = INTERVALS_FAULTS
        .iter()
        .zip(&with_intervals)
        .map(|(&kind, &i)| (i, kind))
        .collect();
    let rest = without
        .into_iter()
        .chain(with_intervals.into_iter().skip(INTERVALS_FAULTS.len()));
    faults.extend(rest.zip(STRAVA_FAULTS));
    assert_eq!(faults.len(), 9);
    faults
}

async fn start_quick_sync(scheduler: &Scheduler) -> i64 {
    let request = ManualRunRequest {
        actor: "test".into(),
        ..ManualRunRequest::default()
    };
    match scheduler
        .start_manual_run("quick_sync", &request)
        .await
        .unwrap()
    {
        ManualRun::Created(id) => id,
        other => panic!("{other:?}"),
    }
}

conformance!(
    async fn every_fault_kind_stays_with_its_athlete_during_a_quick_sync_of_many(db) {
        let faults = assign_faults().await;
        let fault_of = |i: usize| faults.iter().find(|f| f.0 == i).map(|f| f.1);
        let mut config = unlimited(SimConfig::new(SEED, ATHLETES));
        config.history_days = 10;
        config.faults = faults.clone();
        // Only the first request of each fault class fails: transient faults clear on a retry.
        config.fault_settings = FaultSettings {
            probability: 0.0,
            stall: Duration::from_secs(2),
            streams_not_ready_count: 2,
            ..FaultSettings::default()
        };
        let world = world(&db.store, config, Duration::from_millis(500)).await;
        let mut users: Vec<UserId> = Vec::new();
        for index in 0..ATHLETES {
            users.push(world.athlete(index, true).await);
        }
        db.store.queue_db().migrate().await.unwrap();
        let jobs = trainload::jobs::all(&world.ctx).unwrap();
        let scheduler = Scheduler::new(db.store.queue_db(), world.clock.clone(), SchedulerConfig::new(TimeZone::UTC, "test-node"), jobs);
        scheduler.register_jobs().await.unwrap();
        let run_id = start_quick_sync(&scheduler).await;

        // The first pass: the 429 parks its task without consuming the attempt.
        scheduler.drain("test-node/0", 4).await.unwrap();
        let limited = faults.iter().find(|f| f.1 == FaultKind::Strava429).unwrap().0;
        let detail = scheduler.run_detail(run_id, true).await.unwrap();
        let task = |detail: &queue::RunDetail, index: usize| {
            detail.tasks.iter().find(|t| t.user_id == users[index].0).unwrap().clone()
        };
        let parked = task(&detail, limited);
        assert_eq!(parked.state, TaskState::Ready, "{parked:?}");
        assert_eq!(parked.attempt, 0, "a 429 does not consume an attempt: {parked:?}");

        for _ in 0..10 {
            world.advance(Duration::from_secs(3600));
            scheduler.drain("test-node/0", 4).await.unwrap();
            if scheduler.run(run_id).await.unwrap().finished_at_ms.is_some() {
                break;
            }
        }
        let detail = scheduler.run_detail(run_id, true).await.unwrap();
        assert_eq!(detail.run.tasks_total, i32::try_from(ATHLETES).unwrap());
        let permanent = [FaultKind::StravaRevoked, FaultKind::Intervals401];
        for (index, user) in users.iter().enumerate() {
            let t = task(&detail, index);
            match fault_of(index) {
                Some(kind) if permanent.contains(&kind) => {
                    assert_eq!(t.state, TaskState::Failed, "{kind:?}: {t:?}");
                    assert_eq!(t.attempt, 1, "{kind:?} fails after one attempt: {t:?}");
                    let provider = if kind == FaultKind::StravaRevoked { Provider::Strava } else { Provider::Intervals };
                    let all = integrations::list_for_user(&db.store, *user).await.unwrap();
                    let integration = all.iter().find(|i| i.provider == provider).unwrap();
                    assert_eq!(integration.status.as_str(), "needs_reauth", "{kind:?}");
                }
                kind => assert_eq!(t.state, TaskState::Succeeded, "{kind:?}: {t:?}"),
            }
        }
        let parked = task(&detail, limited);
        assert_eq!(parked.attempt, 1, "the 429 wait was refunded: {parked:?}");
        assert!(parked.waits >= 1, "{parked:?}");
        assert_eq!(detail.run.tasks_failed, 2);
        assert_eq!(detail.run.tasks_succeeded, i32::try_from(ATHLETES).unwrap() - 2);
        assert_eq!(detail.run.state, RunState::Partial);
    }
);

conformance!(
    async fn a_spent_strava_window_and_a_failing_intervals_icu_do_not_hold_each_other_up(db) {
        let probe = crate::support::start_sim(SimConfig::new(SEED, ATHLETES)).await;
        let with_intervals: Vec<usize> = (0..ATHLETES)
            .filter(|&i| probe.info().athletes[i].intervals_athlete_id.is_some())
            .take(3)
            .collect();
        let [malformed, rejected, clean] = with_intervals[..] else { panic!("{with_intervals:?}") };
        let mut config = unlimited(SimConfig::new(SEED, ATHLETES));
        config.history_days = 10;
        config.faults = vec![(malformed, FaultKind::IntervalsMalformed), (rejected, FaultKind::Intervals401)];
        // The first Intervals.icu request of each athlete fails; a rejected key stays rejected.
        config.fault_settings = FaultSettings { probability: 0.0, ..FaultSettings::default() };
        let world = world(&db.store, config, Duration::from_millis(500)).await;
        let mut users = Vec::new();
        for index in [malformed, rejected, clean] {
            users.push(world.athlete(index, true).await);
        }
        let [malformed_user, rejected_user, clean_user] = users[..] else { unreachable!() };

        // The current Strava 15-minute read window is spent.
        let clock = world.clock.clone();
        let budget = SqlRateBudget::with_clock(db.store.clone(), BudgetLimits::default(), Arc::new(move || clock.now_ms()));
        budget.exhaust(providers::budget::Provider::Strava, Bucket::Read15m).await.unwrap();

        db.store.queue_db().migrate().await.unwrap();
        let jobs = trainload::jobs::all(&world.ctx).unwrap();
        let scheduler = Scheduler::new(db.store.queue_db(), world.clock.clone(), SchedulerConfig::new(TimeZone::UTC, "test-node"), jobs);
        scheduler.register_jobs().await.unwrap();
        let run_id = start_quick_sync(&scheduler).await;
        scheduler.drain("test-node/0", 4).await.unwrap();

        let task = |detail: &queue::RunDetail, user: UserId| {
            detail.tasks.iter().find(|t| t.user_id == user.0).unwrap().clone()
        };
        let detail = scheduler.run_detail(run_id, true).await.unwrap();
        for (user, intervals) in [
            (malformed_user, "intervals: retryable"),
            (rejected_user, "intervals: needs_reauth"),
            (clean_user, "intervals: ok"),
        ] {
            let t = task(&detail, user);
            assert_eq!((t.state, t.attempt, t.waits), (TaskState::Ready, 0, 1), "the task waits for the window, its attempt given back: {t:?}");
            assert_eq!(t.last_error_class.as_deref(), Some("rate_limited"), "{t:?}");
            let error = t.last_error.clone().unwrap_or_default();
            assert!(error.contains("strava: rate_limited") && error.contains(intervals), "both outcomes are shown: {error}");
            assert!(snapshot(&db.store, user).await.activities.is_empty(), "no Strava read while the window is spent");
        }
        let connections = integrations::list_for_user(&db.store, rejected_user).await.unwrap();
        let intervals = connections.iter().find(|i| i.provider == Provider::Intervals).unwrap();
        assert_eq!(intervals.status.as_str(), "needs_reauth", "the rejected key marks its integration at once");

        // The window reopens: the Strava work of every athlete is done, the transient Intervals.icu
        // failure is retried with it, and the rejected key ends its task after one attempt.
        world.advance(Duration::from_secs(20 * 60));
        for _ in 0..4 {
            scheduler.drain("test-node/0", 4).await.unwrap();
            if scheduler.run(run_id).await.unwrap().finished_at_ms.is_some() {
                break;
            }
            world.advance(Duration::from_secs(3600));
        }
        let detail = scheduler.run_detail(run_id, true).await.unwrap();
        for user in [malformed_user, rejected_user, clean_user] {
            let stored = snapshot(&db.store, user).await;
            assert!(!stored.activities.is_empty(), "the athlete's Strava activities were fetched: {stored:?}");
            assert_eq!(stored.loads.len(), stored.activities.len(), "every activity has its load");
        }
        for user in [malformed_user, clean_user] {
            let t = task(&detail, user);
            assert_eq!((t.state, t.attempt, t.waits), (TaskState::Succeeded, 1, 1), "{t:?}");
            let result: serde_json::Value = serde_json::from_str(t.result.as_deref().unwrap()).unwrap();
            assert_eq!(result["detail"]["providers"], serde_json::json!({"strava": "ok", "intervals": "ok"}), "{result}");
            let days = trainload::store::wellness::range(&db.store, user, jiff::civil::date(2000, 1, 1), jiff::civil::date(2100, 1, 1)).await.unwrap();
            assert!(!days.is_empty(), "wellness stored");
        }
        let t = task(&detail, rejected_user);
        assert_eq!((t.state, t.attempt), (TaskState::Failed, 1), "re-authorisation is needed, no retry mends it: {t:?}");
        let error = t.last_error.clone().unwrap_or_default();
        assert!(error.contains("strava: ok") && error.contains("intervals: needs_reauth"), "{error}");
        assert_eq!((detail.run.tasks_succeeded, detail.run.tasks_failed, detail.run.tasks_dead), (2, 1, 0));
        assert_eq!(detail.run.state, RunState::Partial);
    }
);
