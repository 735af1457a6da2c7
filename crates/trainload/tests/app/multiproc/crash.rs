//! T18: `kill -9` of a real `trainload worker` in the middle of a `quick_sync` run, then a
//! restart: the lease lapses, the new process reclaims the task, and the run finishes with
//! every task done once in effect (no duplicate activities, one wellness row per day, every
//! activity with a load). On SQLite always and on PostgreSQL when configured.

use std::time::Duration;

use sim::SimConfig;

use super::process::{FileClock, WorkerSpec, postgres_admin_url, shared, wait_until};
use crate::support::db::{TestDb, postgres, sqlite};
use crate::support::world::{unlimited, world};

const ATHLETES: usize = 6;
const LEASE_MS: i64 = 2_000;
/// The token-refresh lease of `trainload::sync` (src/sync/tokens.rs), with a margin.
const REFRESH_LEASE_MS: i64 = 61_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_run_on_sqlite_is_replaced_and_the_run_finishes() {
    killed_mid_run(shared(sqlite().await).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_run_on_postgres_is_replaced_and_the_run_finishes() {
    let Some(admin) = postgres_admin_url("T18 crash") else {
        return;
    };
    killed_mid_run(shared(postgres(&admin).await).await).await;
}

async fn killed_mid_run(db: TestDb) {
    eprintln!("engine: {:?}", db.engine());
    let mut config = unlimited(SimConfig::new(18, ATHLETES));
    config.history_days = 30;
    let world = world(&db.store, config, Duration::from_secs(30)).await;
    for index in 0..ATHLETES {
        world.athlete(index, true).await;
    }
    let clock = FileClock::new(db.dir.path(), &world);
    let spec = WorkerSpec {
        db: &db,
        world: &world,
        clock: &clock,
        slots: 1,
        lease_ms: LEASE_MS,
    };
    let mut first = spec.spawn(1);
    wait_until(
        "the worker registered",
        Duration::from_secs(30),
        &mut [&mut first],
        || async { db.count("SELECT COUNT(*) FROM scheduler_node").await == 1 },
    )
    .await;
    let fire = db
        .count("SELECT next_fire_at_ms FROM schedule WHERE job_id = 'quick_sync'")
        .await;
    clock.set(&world, fire + 60_000);
    let leased = "SELECT COUNT(*) FROM task WHERE job_id = 'quick_sync' AND state = 'leased'";
    wait_until(
        "a quick_sync task in flight",
        Duration::from_secs(30),
        &mut [&mut first],
        || async { db.count(leased).await > 0 },
    )
    .await;
    first.kill9();

    // The dead process left its task leased and the run unfinished.
    assert_eq!(
        db.count(leased).await,
        1,
        "the killed worker held one lease"
    );
    let run = "SELECT id FROM job_run WHERE job_id = 'quick_sync'";
    let run_id = db.count(run).await;
    let state = format!("SELECT COUNT(*) FROM job_run WHERE id = {run_id} AND state = 'running'");
    assert_eq!(db.count(&state).await, 1, "the run was cut in the middle");

    // The task lease lapses, and so does a Strava token-refresh lease the dead process may have
    // held (60 s; a live worker would wait 35 s for it and retry the task). A new process
    // reclaims the task and finishes the run.
    clock.set(&world, fire + 60_000 + LEASE_MS + REFRESH_LEASE_MS);
    let mut second = spec.spawn(2);
    let done =
        format!("SELECT COUNT(*) FROM job_run WHERE id = {run_id} AND finished_at_ms IS NOT NULL");
    wait_until(
        "the run finished after the restart",
        Duration::from_secs(60),
        &mut [&mut second],
        || async { db.count(&done).await == 1 },
    )
    .await;
    assert_finished_cleanly(&db, run_id).await;
    drop(second);
    db.finish().await;
}

async fn assert_finished_cleanly(db: &TestDb, run_id: i64) {
    let users = i64::try_from(ATHLETES).unwrap();
    let succeeded = format!(
        "SELECT COUNT(*) FROM job_run WHERE id = {run_id} AND state = 'succeeded' \
         AND tasks_total = {users} AND tasks_succeeded = {users}"
    );
    assert_eq!(
        db.count(&succeeded).await,
        1,
        "the run succeeded with every task"
    );
    let reclaimed = format!(
        "SELECT COUNT(*) FROM task WHERE run_id = {run_id} AND state = 'succeeded' AND attempt = 2"
    );
    assert_eq!(
        db.count(&reclaimed).await,
        1,
        "the interrupted task ran again, attempt counted"
    );
    let duplicates = db
        .count(
            "SELECT COUNT(*) FROM (SELECT user_id, provider, external_id FROM activities \
             GROUP BY user_id, provider, external_id HAVING COUNT(*) > 1) d",
        )
        .await;
    assert_eq!(duplicates, 0, "no activity stored twice");
    let per_user = db
        .count("SELECT COUNT(DISTINCT user_id) FROM activities WHERE deleted_at_ms IS NULL")
        .await;
    assert_eq!(per_user, users, "every athlete's activities were stored");
    let wellness_dupes = db
        .count(
            "SELECT COUNT(*) FROM (SELECT user_id, day FROM wellness GROUP BY user_id, day \
             HAVING COUNT(*) > 1) d",
        )
        .await;
    assert_eq!(wellness_dupes, 0, "one wellness row per (user, date)");
    let without_load = db
        .count(
            "SELECT COUNT(*) FROM activities a LEFT JOIN activity_loads l ON l.activity_id = a.id \
             WHERE a.deleted_at_ms IS NULL AND l.activity_id IS NULL",
        )
        .await;
    assert_eq!(without_load, 0, "every activity has a load");
}
