//! Run creation: one ledger row per occurrence across concurrent schedulers, catch-up and
//! missed rows, pause and resume (docs/scheduler.md §10 T6–T8, T12).

use std::sync::Arc;

use jiff::civil::time;
use jiff::tz::TimeZone;
use queue::{
    Job, ManualClock, Overlap, RunState, Scheduler, SchedulerConfig, Trigger, TriggerKind,
};

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_occurrence_gets_one_run_however_many_schedulers_tick() {
    for test_db in TestDb::all("one_run").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let job = Arc::new(CountingJob::every_hour("hourly", vec![1, 2, 3]));
        let schedulers: Vec<_> = (0..4)
            .map(|n| {
                scheduler(
                    &test_db.db,
                    &clock,
                    &format!("node{n}"),
                    vec![job.clone() as Arc<dyn Job>],
                )
            })
            .collect();
        for s in &schedulers {
            s.register_jobs().await.unwrap();
        }
        for _ in 0..40 {
            clock.advance(3_600_000);
            // Every scheduler ticks at the same moment, on its own tokio task.
            let ticks: Vec<_> = schedulers
                .iter()
                .map(|s| {
                    tokio::spawn({
                        let s = s.clone();
                        async move { s.tick().await }
                    })
                })
                .collect();
            for tick in ticks {
                tick.await.unwrap().unwrap();
            }
        }
        let runs = schedulers[0]
            .runs(Some("hourly"), None, None, 500)
            .await
            .unwrap();
        assert_eq!(runs.len(), 40, "{}", test_db.db.engine());
        let mut slots: Vec<i64> = runs.iter().map(|r| r.scheduled_for_ms.unwrap()).collect();
        slots.sort_unstable();
        slots.dedup();
        assert_eq!(slots.len(), 40);
        assert!(
            runs.iter().all(|r| r.trigger_kind == TriggerKind::Schedule),
            "{} {runs:#?}",
            test_db.db.engine()
        );
        // Nobody worked the tasks, so the first run's live tasks absorb every later run's.
        let oldest = runs.last().unwrap();
        assert_eq!((oldest.tasks_total, oldest.users_deduped), (3, 0));
        assert!(
            runs[..39]
                .iter()
                .all(|r| r.tasks_total == 0 && r.users_deduped == 3)
        );
        assert_eq!(slots[0], ms("2024-03-10T01:00:00Z"));
    }
}

fn daily_sync(users: Vec<i64>) -> CountingJob {
    let mut job = CountingJob::every_hour("daily_sync", users);
    job.trigger = Trigger::calendar("0 2 * * *").unwrap();
    job.policy.catch_up_window_ms = 12 * 3_600_000;
    job.policy.overlap = Overlap::Skip;
    job
}

#[tokio::test]
async fn downtime_gives_one_catch_up_run_and_missed_rows_for_the_rest() {
    for test_db in TestDb::all("catch_up").await {
        let clock = Arc::new(ManualClock::new(ms("2024-05-01T01:00:00Z")));
        let job: Arc<dyn Job> = Arc::new(daily_sync(vec![]));
        let s = scheduler(&test_db.db, &clock, "node", vec![job]);
        s.register_jobs().await.unwrap();
        // On time: 02:00:30 is within the 60 s slack.
        clock.set(ms("2024-05-01T02:00:30Z"));
        s.tick().await.unwrap();
        assert_eq!(count_runs(&s, "daily_sync", RunState::Succeeded).await, 1);
        // Down across five occurrences, back one hour after the last.
        clock.set(ms("2024-05-06T03:00:00Z"));
        s.tick().await.unwrap();
        let runs = s.runs(Some("daily_sync"), None, None, 50).await.unwrap();
        let catch_up: Vec<_> = runs
            .iter()
            .filter(|r| r.trigger_kind == TriggerKind::CatchUp)
            .collect();
        assert_eq!(catch_up.len(), 1);
        assert_eq!(
            catch_up[0].scheduled_for_ms,
            Some(ms("2024-05-06T02:00:00Z"))
        );
        let missed: Vec<_> = runs
            .iter()
            .filter(|r| r.state == RunState::Missed)
            .collect();
        assert_eq!(missed.len(), 4);
        let reason = format!("coalesced_into:{}", catch_up[0].id);
        assert!(
            missed
                .iter()
                .all(|r| r.reason.as_deref() == Some(reason.as_str()))
        );
        // Back 13 hours after the next occurrence: outside the 12 h window, no run.
        clock.set(ms("2024-05-07T15:00:00Z"));
        s.tick().await.unwrap();
        let runs = s.runs(Some("daily_sync"), None, None, 50).await.unwrap();
        assert_eq!(runs[0].state, RunState::Missed);
        assert_eq!(runs[0].reason.as_deref(), Some("outside_catch_up_window"));
        assert_eq!(runs.len(), 7);
    }
}

#[tokio::test]
async fn a_paused_job_records_skipped_occurrences_and_resumes_without_a_flood() {
    for test_db in TestDb::all("pause").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:10:00Z")));
        let job: Arc<dyn Job> = Arc::new(CountingJob::every_hour("hourly", vec![1]));
        let s = scheduler(&test_db.db, &clock, "node", vec![job]);
        s.register_jobs().await.unwrap();
        s.pause("hourly", "maintenance", "admin:1").await.unwrap();
        for _ in 0..2 {
            clock.advance(3_600_000);
            s.tick().await.unwrap();
        }
        let runs = s.runs(Some("hourly"), None, None, 50).await.unwrap();
        assert_eq!(runs.len(), 2);
        assert!(
            runs.iter()
                .all(|r| r.state == RunState::Skipped && r.reason.as_deref() == Some("paused"))
        );
        clock.advance(30 * 60_000);
        s.resume("hourly").await.unwrap();
        let job = &s.jobs().await.unwrap()[0];
        assert!(!job.paused);
        assert_eq!(
            job.next_fire_at_ms,
            ms("2024-03-10T03:00:00Z"),
            "the next grid point after now"
        );
        s.tick().await.unwrap();
        assert_eq!(
            s.runs(Some("hourly"), None, None, 50).await.unwrap().len(),
            2,
            "resume creates no run"
        );
    }
}

#[tokio::test]
async fn a_live_run_makes_the_next_occurrence_skip_under_the_skip_policy() {
    for test_db in TestDb::all("overlap").await {
        let clock = Arc::new(ManualClock::new(ms("2024-05-01T01:00:00Z")));
        let job: Arc<dyn Job> = Arc::new(daily_sync(vec![1, 2]));
        let s = scheduler(&test_db.db, &clock, "node", vec![job]);
        s.register_jobs().await.unwrap();
        clock.set(ms("2024-05-01T02:00:00Z"));
        s.tick().await.unwrap();
        clock.set(ms("2024-05-02T02:00:00Z"));
        s.tick().await.unwrap();
        let runs = s.runs(Some("daily_sync"), None, None, 50).await.unwrap();
        assert_eq!(runs[0].state, RunState::Skipped);
        assert_eq!(runs[0].reason, Some(format!("overlap:{}", runs[1].id)));
    }
}

#[tokio::test]
async fn every_third_day_at_five_keeps_its_calendar_grid_in_the_ledger() {
    let test_db = TestDb::sqlite("calendar_interval").await;
    let clock = Arc::new(ManualClock::new(ms("2024-01-27T00:00:00Z")));
    let mut job = CountingJob::every_hour("resting_hr_update", vec![]);
    job.trigger =
        Trigger::calendar_interval(3, time(5, 0, 0, 0), jiff::civil::date(2024, 1, 1)).unwrap();
    let s = scheduler(
        &test_db.db,
        &clock,
        "node",
        vec![Arc::new(job) as Arc<dyn Job>],
    );
    s.register_jobs().await.unwrap();
    for _ in 0..10 * 24 {
        clock.advance(3_600_000);
        s.tick().await.unwrap();
    }
    let mut slots: Vec<String> = s
        .runs(None, None, None, 50)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            jiff::Timestamp::from_millisecond(r.scheduled_for_ms.unwrap())
                .unwrap()
                .to_string()
        })
        .collect();
    slots.reverse();
    assert_eq!(
        slots,
        [
            "2024-01-28T05:00:00Z",
            "2024-01-31T05:00:00Z",
            "2024-02-03T05:00:00Z"
        ]
    );
}

#[tokio::test]
async fn restarts_every_two_hours_never_move_the_grid() {
    let test_db = TestDb::sqlite("restarts").await;
    let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
    let quick = || {
        let mut job = CountingJob::every_hour("quick_sync", vec![]);
        job.trigger = Trigger::interval(
            jiff::SignedDuration::from_mins(210),
            ts("2024-01-01T00:00:00Z"),
        )
        .unwrap();
        job.policy.catch_up_window_ms = 210 * 60_000;
        Arc::new(job) as Arc<dyn Job>
    };
    // 48 hours; a new process every 2 hours (register, then tick every 5 minutes).
    let mut s = scheduler(&test_db.db, &clock, "node-0", vec![quick()]);
    for step in 0..(48 * 12) {
        if step % 24 == 0 {
            s = scheduler(&test_db.db, &clock, &format!("node-{step}"), vec![quick()]);
            s.register_jobs().await.unwrap();
        }
        s.tick().await.unwrap();
        clock.advance(5 * 60_000);
    }
    let mut runs = s.runs(Some("quick_sync"), None, None, 500).await.unwrap();
    runs.reverse();
    let slots: Vec<i64> = runs.iter().map(|r| r.scheduled_for_ms.unwrap()).collect();
    let grid: Vec<i64> = (0..13)
        .map(|k| ms("2024-03-10T03:00:00Z") + k * 210 * 60_000)
        .collect();
    assert_eq!(slots, grid, "exactly the grid points, none lost or added");
    assert!(runs.iter().all(|r| r.trigger_kind == TriggerKind::Schedule));
}

#[tokio::test]
async fn a_spec_change_moves_the_cursor_without_ledger_rows() {
    for test_db in TestDb::all("spec_change").await {
        let clock = Arc::new(ManualClock::new(ms("2024-05-01T01:00:00Z")));
        let daily = |cron: &str, rev: i32| {
            let mut job = daily_sync(vec![]);
            job.trigger = Trigger::calendar(cron).unwrap();
            job.spec_rev = rev;
            Arc::new(job) as Arc<dyn Job>
        };
        let old = scheduler(&test_db.db, &clock, "a", vec![daily("0 2 * * *", 1)]);
        old.register_jobs().await.unwrap();
        // Deploy at 01:30 with 02:15: the next fire moves, nothing is recorded as missed.
        clock.set(ms("2024-05-01T01:30:00Z"));
        let new = scheduler(&test_db.db, &clock, "b", vec![daily("15 2 * * *", 2)]);
        new.register_jobs().await.unwrap();
        assert_eq!(
            new.jobs().await.unwrap()[0].next_fire_at_ms,
            ms("2024-05-01T02:15:00Z")
        );
        assert!(new.runs(None, None, None, 50).await.unwrap().is_empty());
        // An old build (rev 1) seeing rev 2 stored does not tick the job and reports it stale.
        let stale = scheduler(&test_db.db, &clock, "c", vec![daily("0 2 * * *", 1)]);
        stale.register_jobs().await.unwrap();
        assert_eq!(stale.stale_jobs(), ["daily_sync"]);
        clock.set(ms("2024-05-01T02:15:00Z"));
        stale.tick().await.unwrap();
        assert!(stale.runs(None, None, None, 50).await.unwrap().is_empty());
        new.tick().await.unwrap();
        let runs = new.runs(None, None, None, 50).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].trigger_kind, TriggerKind::Schedule);
        // A zone change is a spec change too: the cursor follows the new zone.
        let mut config = SchedulerConfig::new(TimeZone::get("Europe/Berlin").unwrap(), "d");
        config.seed = 1;
        let berlin = Scheduler::new(
            test_db.db.clone(),
            clock.clone(),
            config,
            vec![daily("15 2 * * *", 2)],
        );
        berlin.register_jobs().await.unwrap();
        assert_eq!(berlin.jobs().await.unwrap()[0].zone, "Europe/Berlin");
        assert_eq!(
            berlin.jobs().await.unwrap()[0].next_fire_at_ms,
            ms("2024-05-02T00:15:00Z")
        );
    }
}
