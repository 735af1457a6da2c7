//! The five jobs on the real scheduler and the simulator: a `quick_sync` run fans out to every
//! connected athlete, one athlete's failures never stop the others, and repeating the run adds
//! nothing (docs/scheduler.md §2, §6.8, §10 T14).

use std::time::Duration;

use jiff::tz::TimeZone;
use queue::{ManualRun, ManualRunRequest, RunState, Scheduler, SchedulerConfig, TaskState};
use sim::{FaultKind, SimConfig};

use crate::support::world::{unlimited, world};

fn scheduler(world: &crate::support::world::World, db: &trainload::store::Store) -> Scheduler {
    let jobs = trainload::jobs::all(&world.ctx).unwrap();
    let config = SchedulerConfig::new(TimeZone::UTC, "test-node");
    Scheduler::new(db.queue_db(), world.clock.clone(), config, jobs)
}

async fn run_quick_sync(scheduler: &Scheduler) -> i64 {
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
    async fn the_jobs_register_with_their_triggers(db) {
        let world = world(&db.store, unlimited(SimConfig::new(5, 1)), Duration::from_secs(30)).await;
        db.store.queue_db().migrate().await.unwrap();
        let s = scheduler(&world, &db.store);
        s.register_jobs().await.unwrap();
        let jobs = s.jobs().await.unwrap();
        let ids: Vec<&str> = jobs.iter().map(|j| j.job_id.as_str()).collect();
        assert_eq!(ids, ["daily_sync", "monthly_utl", "push_delivery", "quick_sync", "resting_hr_update", "strava_events", "strava_planner", "weekly_thresholds"]);
        let spec = |id: &str| jobs.iter().find(|j| j.job_id == id).unwrap().spec.clone();
        assert!(spec("quick_sync").contains("PT3H30M"));
        assert!(spec("daily_sync").contains("0 2 * * *"));
        assert!(spec("weekly_thresholds").contains("0 3 * * SUN"));
        assert!(spec("monthly_utl").contains("0 4 1 * *"));
        assert!(spec("resting_hr_update").contains("\"every_days\":3"));
        assert!(spec("strava_planner").contains("PT15M"));
        assert_eq!(spec("strava_events"), r#"{"kind":"on_demand"}"#);
        assert_eq!(spec("push_delivery"), r#"{"kind":"on_demand"}"#);
    }
);

conformance!(
    async fn a_quick_sync_run_isolates_a_failing_athlete(db) {
        let mut config = unlimited(SimConfig::new(11, 4));
        config.faults = vec![(1, FaultKind::Strava5xx)];
        config.fault_settings.probability = 1.0;
        let world = world(&db.store, config, Duration::from_secs(30)).await;
        let users = [
            world.athlete(0, true).await,
            world.athlete(1, true).await,
            world.athlete(2, true).await,
            world.athlete(3, true).await,
        ];
        db.store.queue_db().migrate().await.unwrap();
        let s = scheduler(&world, &db.store);
        s.register_jobs().await.unwrap();
        let run_id = run_quick_sync(&s).await;
        for _ in 0..8 {
            s.drain("test-node/0", 4).await.unwrap();
            world.advance(Duration::from_secs(3600));
        }
        let detail = s.run_detail(run_id, true).await.unwrap();
        assert_eq!(detail.run.tasks_total, 4);
        let failing = detail.tasks.iter().find(|t| t.user_id == users[1].0).unwrap();
        assert_eq!(failing.state, TaskState::Dead, "{failing:?}");
        assert_eq!(failing.attempt, 6);
        assert_eq!(detail.run.tasks_succeeded, 3);
        assert_eq!(detail.run.state, RunState::Partial);
        let summary: serde_json::Value = serde_json::from_str(detail.run.summary.as_deref().unwrap()).unwrap();
        assert!(summary["counters"]["new_activities"].as_i64().unwrap() > 0, "{summary}");
        // A second run of the same window stores nothing new.
        let again = run_quick_sync(&s).await;
        s.drain("test-node/0", 4).await.unwrap();
        let run = s.run(again).await.unwrap();
        let summary: serde_json::Value = serde_json::from_str(run.summary.as_deref().unwrap_or("{}")).unwrap();
        assert_eq!(summary["counters"]["new_activities"].as_i64().unwrap_or(0), 0, "{summary}");
    }
);

conformance!(
    async fn monthly_utl_reports_drift_with_examples_when_a_stored_load_was_changed_behind_its_back(db) {
        let world = world(&db.store, unlimited(SimConfig::new(6, 2)), Duration::from_secs(30)).await;
        let user = world.athlete(0, true).await;
        let options = trainload::sync::SyncOptions { activity_days: 14, ..trainload::sync::SyncOptions::daily() };
        trainload::sync::user_sync(&world.ctx, user, &options).await.unwrap();
        // An untracked input change: the stored UTL no longer matches its provenance.
        let from = jiff::civil::date(2000, 1, 1);
        let to = jiff::civil::date(2100, 1, 1);
        let activities = trainload::store::activities::list_by_local_date(&db.store, user, from, to).await.unwrap();
        let tampered = activities.last().unwrap().id;
        let mut load = trainload::store::loads::get(&db.store, tampered).await.unwrap().unwrap();
        load.utl += 1.0;
        trainload::store::loads::put(&db.store, &load).await.unwrap();
        db.store.queue_db().migrate().await.unwrap();
        let s = scheduler(&world, &db.store);
        s.register_jobs().await.unwrap();
        let request = ManualRunRequest { actor: "test".into(), users: Some(vec![user.0]), ..ManualRunRequest::default() };
        let ManualRun::Created(run_id) = s.start_manual_run("monthly_utl", &request).await.unwrap() else {
            panic!("expected a new run")
        };
        s.drain("test-node/0", 1).await.unwrap();
        let run = s.run(run_id).await.unwrap();
        assert_eq!(run.state, RunState::Succeeded);
        let summary: serde_json::Value = serde_json::from_str(run.summary.as_deref().unwrap()).unwrap();
        assert_eq!(summary["counters"]["drift"], 1, "{summary}");
        assert_eq!(summary["examples"].as_array().unwrap().len(), 1, "{summary}");
        assert_eq!(summary["examples"][0]["activity_id"], tampered.0, "{summary}");
        // Self-healing: the recomputed value was written, so the next run finds no drift.
        let again = trainload::sync::recalculate_utl(&world.ctx, user, from).await.unwrap();
        assert_eq!(again.drift, 0);
    }
);

conformance!(
    async fn monthly_utl_finds_and_repairs_a_tampered_daily_load_sum(db) {
        let world = world(&db.store, unlimited(SimConfig::new(6, 2)), Duration::from_secs(30)).await;
        let user = world.athlete(0, true).await;
        let options = trainload::sync::SyncOptions { activity_days: 14, ..trainload::sync::SyncOptions::daily() };
        trainload::sync::user_sync(&world.ctx, user, &options).await.unwrap();
        let days = db.count(&format!("SELECT COUNT(*) FROM daily_loads WHERE user_id = {}", user.0)).await;
        assert!(days > 0, "the sync stored day sums");
        // A day's sum changed behind the store's back (a lost write, a manual edit).
        db.raw(&format!(
            "UPDATE daily_loads SET overall = overall + 0.5 WHERE user_id = {} AND local_date = \
             (SELECT MAX(local_date) FROM daily_loads WHERE user_id = {})",
            user.0, user.0
        ))
        .await;
        db.store.queue_db().migrate().await.unwrap();
        let s = scheduler(&world, &db.store);
        s.register_jobs().await.unwrap();
        let request = ManualRunRequest { actor: "test".into(), users: Some(vec![user.0]), ..ManualRunRequest::default() };
        let ManualRun::Created(run_id) = s.start_manual_run("monthly_utl", &request).await.unwrap() else {
            panic!("expected a new run")
        };
        s.drain("test-node/0", 1).await.unwrap();
        let run = s.run(run_id).await.unwrap();
        assert_eq!(run.state, RunState::Succeeded);
        let summary: serde_json::Value = serde_json::from_str(run.summary.as_deref().unwrap()).unwrap();
        assert_eq!(summary["counters"]["daily_load_drift"], 1, "{summary}");
        assert_eq!(summary["counters"]["drift"], 0, "the loads themselves are sound: {summary}");
        assert_eq!(summary["counters"]["curve_month_drift"], 0, "{summary}");
        // Repaired: the next check finds nothing.
        let again = trainload::sync::check_daily_loads(&db.store, user).await.unwrap();
        assert_eq!((again.drift, again.repaired), (0, false), "{again:?}");
        assert!(again.days_checked > 0);
    }
);
