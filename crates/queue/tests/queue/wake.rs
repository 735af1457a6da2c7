//! Idle dispatchers wake when tasks are added (docs/scheduler.md §6.1): with a poll interval of
//! an hour, a run started while the workers are idle still completes, because the transaction
//! that adds its tasks wakes them: through LISTEN/NOTIFY on PostgreSQL (here from another
//! scheduler, as another process would), in memory on SQLite.

use std::sync::Arc;
use std::time::Duration;

use jiff::tz::TimeZone;
use queue::{
    Db, Job, ManualClock, ManualRun, ManualRunRequest, RunState, Scheduler, SchedulerConfig,
};

use crate::helpers::*;

/// Long enough that a test passing within its deadline was woken, not polled.
const HOUR_MS: u64 = 3_600_000;

fn sleepy(db: &Db, clock: &Arc<ManualClock>, node: &str, job: &Arc<CountingJob>) -> Scheduler {
    let config = SchedulerConfig {
        idle_poll_ms: HOUR_MS,
        ..SchedulerConfig::new(TimeZone::UTC, node)
    };
    Scheduler::new(
        db.clone(),
        clock.clone(),
        config,
        vec![job.clone() as Arc<dyn Job>],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_dispatcher_wakes_for_a_new_run_instead_of_polling() {
    for test_db in TestDb::all("wake").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let job = Arc::new(CountingJob::every_hour("hourly", vec![1, 2]));
        let workers = sleepy(&test_db.db, &clock, "worker", &job);
        workers.register_jobs().await.unwrap();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let loops = {
            let workers = workers.clone();
            tokio::spawn(async move {
                workers
                    .run_workers(2, stopped, Duration::from_secs(5))
                    .await
            })
        };
        // Let the dispatcher find nothing and go idle (if it has not yet, it claims the run
        // directly, and the test proves less but still passes).
        tokio::time::sleep(Duration::from_millis(300)).await;
        let starter = match test_db.db {
            Db::Postgres(_) => sleepy(&test_db.db, &clock, "starter", &job),
            Db::Sqlite(_) => workers.clone(),
        };
        let request = ManualRunRequest {
            actor: "test".into(),
            ..ManualRunRequest::default()
        };
        let ManualRun::Created(run_id) =
            starter.start_manual_run("hourly", &request).await.unwrap()
        else {
            panic!("no run created");
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let run = loop {
            let run = starter.run(run_id).await.unwrap();
            if !run.state.is_live() || tokio::time::Instant::now() > deadline {
                break run;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(
            (run.state, run.tasks_succeeded),
            (RunState::Succeeded, 2),
            "{:?}: the idle workers did not pick up the new run",
            test_db.db.engine()
        );
        stop.send(true).unwrap();
        loops.await.unwrap();
    }
}
