//! T8 across processes: two `trainload worker` processes on one PostgreSQL database tick
//! through many `quick_sync` occurrences (the file clock moves 3h30m at a time) and produce
//! exactly one run per occurrence, each of whose tasks runs once.

use std::time::Duration;

use sim::SimConfig;

use super::process::{FileClock, WorkerSpec, postgres_admin_url, shared, wait_until};
use crate::support::db::postgres;
use crate::support::world::{unlimited, world};

const ATHLETES: usize = 3;
const OCCURRENCES: i64 = 16;
const GRID_MS: i64 = 3 * 3_600_000 + 30 * 60_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_worker_processes_on_postgres_run_each_quick_sync_occurrence_once() {
    let Some(admin) = postgres_admin_url("T8 multi-process") else {
        return;
    };
    let db = shared(postgres(&admin).await).await;
    let mut config = unlimited(SimConfig::new(8, ATHLETES));
    config.history_days = 3;
    let world = world(&db.store, config, Duration::from_secs(30)).await;
    for index in 0..ATHLETES {
        world.athlete(index, true).await;
    }
    let clock = FileClock::new(db.dir.path(), &world);
    let spec = WorkerSpec {
        db: &db,
        world: &world,
        clock: &clock,
        slots: 2,
        lease_ms: 60_000,
    };
    let (mut a, mut b) = (spec.spawn(1), spec.spawn(2));
    let both_registered = "SELECT COUNT(*) FROM scheduler_node WHERE stopped_at_ms IS NULL";
    wait_until(
        "both workers registered",
        Duration::from_secs(30),
        &mut [&mut a, &mut b],
        || async { db.count(both_registered).await == 2 },
    )
    .await;
    let first_fire = db
        .count("SELECT next_fire_at_ms FROM schedule WHERE job_id = 'quick_sync'")
        .await;
    let version_before = db
        .count("SELECT version FROM schedule WHERE job_id = 'quick_sync'")
        .await;

    for k in 0..OCCURRENCES {
        // One minute past the k-th grid point: exactly one more occurrence is due.
        clock.set(&world, first_fire + k * GRID_MS + 60_000);
        let runs = "SELECT COUNT(*) FROM job_run WHERE job_id = 'quick_sync' AND finished_at_ms IS NOT NULL";
        let busy = "SELECT (SELECT COUNT(*) FROM job_run WHERE state IN ('pending','running')) \
             + (SELECT COUNT(*) FROM task WHERE state IN ('ready','leased'))";
        wait_until(
            &format!("occurrence {k} finished"),
            Duration::from_secs(60),
            &mut [&mut a, &mut b],
            || async { db.count(runs).await == k + 1 && db.count(busy).await == 0 },
        )
        .await;
    }

    let runs = db
        .count("SELECT COUNT(*) FROM job_run WHERE job_id = 'quick_sync'")
        .await;
    assert_eq!(runs, OCCURRENCES, "one quick_sync run per occurrence");
    let on_grid = db
        .count(&format!(
            "SELECT COUNT(DISTINCT scheduled_for_ms) FROM job_run WHERE job_id = 'quick_sync' \
             AND trigger_kind = 'schedule' AND scheduled_for_ms >= {first_fire} \
             AND (scheduled_for_ms - {first_fire}) % {GRID_MS} = 0"
        ))
        .await;
    assert_eq!(on_grid, OCCURRENCES, "every run is a distinct grid point");
    let duplicated = db
        .count(
            "SELECT COUNT(*) FROM (SELECT job_id, scheduled_for_ms FROM job_run \
             WHERE scheduled_for_ms IS NOT NULL GROUP BY job_id, scheduled_for_ms \
             HAVING COUNT(*) > 1) d",
        )
        .await;
    assert_eq!(duplicated, 0, "no job has two runs for one occurrence");
    let version_after = db
        .count("SELECT version FROM schedule WHERE job_id = 'quick_sync'")
        .await;
    assert_eq!(
        version_after - version_before,
        OCCURRENCES,
        "version advanced once per fire"
    );

    let users = i64::try_from(ATHLETES).unwrap();
    let bad_runs = db
        .count(&format!(
            "SELECT COUNT(*) FROM job_run WHERE job_id = 'quick_sync' AND NOT (state = 'succeeded' \
             AND tasks_total + users_deduped = {users} AND tasks_succeeded = tasks_total)"
        ))
        .await;
    assert_eq!(
        bad_runs, 0,
        "every quick_sync run covers every user and succeeds"
    );
    let quick_tasks = db
        .count("SELECT COUNT(*) FROM task WHERE job_id = 'quick_sync'")
        .await;
    let summed = db
        .count("SELECT COALESCE(SUM(tasks_total), 0) FROM job_run WHERE job_id = 'quick_sync'")
        .await;
    assert_eq!(quick_tasks, summed, "each run's tasks were inserted once");
    assert!(
        quick_tasks >= OCCURRENCES * (users - 1),
        "the runs did work: {quick_tasks} tasks"
    );
    let rerun = db
        .count("SELECT COUNT(*) FROM task WHERE state <> 'succeeded' OR attempt <> 1")
        .await;
    assert_eq!(rerun, 0, "every task was claimed once and succeeded");
    let duplicates = db
        .count(
            "SELECT COUNT(*) FROM (SELECT user_id, provider, external_id FROM activities \
             GROUP BY user_id, provider, external_id HAVING COUNT(*) > 1) d",
        )
        .await;
    assert_eq!(duplicates, 0, "no activity stored twice");
    assert!(
        db.count("SELECT COUNT(*) FROM activities").await > 0,
        "activities were synced"
    );

    drop((a, b));
    db.finish().await;
}
