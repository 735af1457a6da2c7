//! Task execution: claims, outcomes, retries with backoff, rate-limit waits, fencing and
//! reclaim, run finalisation, per-user isolation (docs/scheduler.md §10 T9, T14, T15, T17).

use std::sync::Arc;

use queue::{Job, ManualClock, ManualRun, ManualRunRequest, RunState, TaskState};

use crate::helpers::*;

async fn manual_run(s: &queue::Scheduler, job: &str) -> i64 {
    let request = ManualRunRequest {
        actor: "test".into(),
        ..ManualRunRequest::default()
    };
    match s.start_manual_run(job, &request).await.unwrap() {
        ManualRun::Created(id) => id,
        other => panic!("expected a new run, got {other:?}"),
    }
}

#[tokio::test]
async fn a_run_whose_tasks_all_succeed_sums_their_counters() {
    for test_db in TestDb::all("succeed").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let job = Arc::new(CountingJob::every_hour("hourly", vec![1, 2, 3]));
        let s = scheduler(
            &test_db.db,
            &clock,
            "node",
            vec![job.clone() as Arc<dyn Job>],
        );
        s.register_jobs().await.unwrap();
        let run_id = manual_run(&s, "hourly").await;
        assert_eq!(s.drain("node/0", 4).await.unwrap(), 3);
        let run = s.run(run_id).await.unwrap();
        assert_eq!((run.state, run.tasks_succeeded), (RunState::Succeeded, 3));
        let summary: serde_json::Value =
            serde_json::from_str(run.summary.as_deref().unwrap()).unwrap();
        assert_eq!(summary["counters"]["new_activities"], 6);
        assert_eq!(summary["users"], 3);
        assert!((1..=3).all(|u| job.executions(u) == 1));
    }
}

#[tokio::test]
async fn one_failing_user_never_stops_the_others() {
    for test_db in TestDb::all("isolation").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let mut job = CountingJob::every_hour("hourly", (1..=20).collect());
        job.scripts.insert(7, Script::Retryable);
        job.scripts.insert(13, Script::Panic);
        job.scripts.insert(21, Script::Permanent);
        job.users.push(21);
        let job = Arc::new(job);
        let s = scheduler(
            &test_db.db,
            &clock,
            "node",
            vec![job.clone() as Arc<dyn Job>],
        );
        s.register_jobs().await.unwrap();
        let run_id = manual_run(&s, "hourly").await;
        // Drain repeatedly, moving the clock past every backoff window.
        for _ in 0..5 {
            s.drain("node/0", 4).await.unwrap();
            clock.advance(3_600_000);
        }
        let detail = s.run_detail(run_id, true).await.unwrap();
        let state_of = |user: i64| {
            detail
                .tasks
                .iter()
                .find(|t| t.user_id == user)
                .unwrap()
                .state
        };
        assert_eq!(state_of(7), TaskState::Dead);
        assert_eq!(state_of(13), TaskState::Dead);
        assert_eq!(state_of(21), TaskState::Failed);
        assert_eq!(job.executions(7), 3, "max_attempts");
        assert_eq!(job.executions(21), 1, "a permanent error is not retried");
        assert_eq!(detail.run.tasks_succeeded, 18);
        assert_eq!(detail.run.state, RunState::Partial);
        let panicked = detail.tasks.iter().find(|t| t.user_id == 13).unwrap();
        assert_eq!(panicked.last_error_class.as_deref(), Some("panic"));
    }
}

#[tokio::test]
async fn a_rate_limited_task_waits_for_the_window_and_keeps_its_attempt() {
    for test_db in TestDb::all("rate_limited").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let mut job = CountingJob::every_hour("hourly", vec![1]);
        job.scripts.insert(1, Script::RateLimitedOnce);
        job.rate_limit_until_ms = ms("2024-03-10T00:15:00Z");
        let s = scheduler(
            &test_db.db,
            &clock,
            "node",
            vec![Arc::new(job) as Arc<dyn Job>],
        );
        s.register_jobs().await.unwrap();
        let run_id = manual_run(&s, "hourly").await;
        s.drain("node/0", 1).await.unwrap();
        let task = &s.run_detail(run_id, true).await.unwrap().tasks[0];
        assert_eq!(
            (task.state, task.attempt, task.waits),
            (TaskState::Ready, 0, 1)
        );
        assert!(task.not_before_ms >= ms("2024-03-10T00:15:00Z"));
        assert!(task.not_before_ms < ms("2024-03-10T00:16:00Z"));
        assert_eq!(
            s.drain("node/0", 1).await.unwrap(),
            0,
            "nothing runs before the window ends"
        );
        clock.set(ms("2024-03-10T00:16:00Z"));
        s.drain("node/0", 1).await.unwrap();
        let task = &s.run_detail(run_id, true).await.unwrap().tasks[0];
        assert_eq!((task.state, task.attempt), (TaskState::Succeeded, 1));
    }
}

#[tokio::test]
async fn retries_back_off_with_full_jitter_within_doubling_windows() {
    let test_db = TestDb::sqlite("backoff").await;
    let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
    let mut job = CountingJob::every_hour("hourly", vec![1]);
    job.scripts.insert(1, Script::Retryable);
    job.policy.max_attempts = 6;
    let s = scheduler(
        &test_db.db,
        &clock,
        "node",
        vec![Arc::new(job) as Arc<dyn Job>],
    );
    s.register_jobs().await.unwrap();
    let run_id = manual_run(&s, "hourly").await;
    for attempt in 1..=5 {
        let before = queue::Clock::now_ms(clock.as_ref());
        s.drain("node/0", 1).await.unwrap();
        let task = &s.run_detail(run_id, true).await.unwrap().tasks[0];
        assert_eq!((task.state, task.attempt), (TaskState::Ready, attempt));
        let delay = task.not_before_ms - before;
        let window = 30_000 * (1_i64 << (attempt - 1));
        assert!(
            (0..window).contains(&delay),
            "attempt {attempt}: {delay} ms not in [0, {window})"
        );
        clock.set(task.not_before_ms);
    }
    s.drain("node/0", 1).await.unwrap();
    let detail = s.run_detail(run_id, true).await.unwrap();
    assert_eq!(
        (detail.tasks[0].state, detail.tasks[0].attempt),
        (TaskState::Dead, 6)
    );
    assert_eq!(detail.run.state, RunState::Failed);
    let (requeued, conflicts) = s.retry_failed(run_id).await.unwrap();
    assert_eq!((requeued.len(), conflicts.len()), (1, 0));
    let task = &s.run_detail(run_id, true).await.unwrap().tasks[0];
    assert_eq!((task.state, task.attempt), (TaskState::Ready, 0));
    assert_eq!(s.run(run_id).await.unwrap().state, RunState::Running);
}

#[tokio::test]
async fn a_worker_that_lost_its_lease_writes_nothing() {
    for test_db in TestDb::all("fence").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let job = Arc::new(CountingJob::every_hour("hourly", vec![1]));
        let s = scheduler(
            &test_db.db,
            &clock,
            "node",
            vec![job.clone() as Arc<dyn Job>],
        );
        s.register_jobs().await.unwrap();
        let run_id = manual_run(&s, "hourly").await;
        let stalled = s.claim("A/0", 1).await.unwrap().remove(0);
        // A stalls past its lease; the tick reclaims; B runs the task to the end.
        clock.advance(61_000);
        assert_eq!(s.tick().await.unwrap().reclaimed, 1);
        assert_eq!(s.drain("B/0", 1).await.unwrap(), 1);
        assert!(
            !s.heartbeat(&stalled).await.unwrap(),
            "A's heartbeat matches nothing"
        );
        let late = s
            .complete(&stalled, Ok(queue::TaskReport::default()))
            .await
            .unwrap();
        assert!(!late, "A's result is discarded");
        let detail = s.run_detail(run_id, true).await.unwrap();
        assert_eq!(
            (detail.tasks[0].state, detail.tasks[0].attempt),
            (TaskState::Succeeded, 2)
        );
        assert_eq!(detail.run.tasks_succeeded, 1);
    }
}

#[tokio::test]
async fn a_hanging_task_times_out_and_a_zero_user_run_succeeds_at_once() {
    let test_db = TestDb::sqlite("timeout").await;
    let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
    let mut job = CountingJob::every_hour("hourly", vec![1]);
    job.scripts.insert(1, Script::Hang);
    job.policy.timeout_ms = 50;
    let empty = CountingJob::every_hour("empty", vec![]);
    let s = scheduler(
        &test_db.db,
        &clock,
        "node",
        vec![
            Arc::new(job) as Arc<dyn Job>,
            Arc::new(empty) as Arc<dyn Job>,
        ],
    );
    s.register_jobs().await.unwrap();
    let run_id = manual_run(&s, "hourly").await;
    s.drain("node/0", 1).await.unwrap();
    let task = &s.run_detail(run_id, true).await.unwrap().tasks[0];
    assert_eq!(
        (task.state, task.last_error_class.as_deref()),
        (TaskState::Ready, Some("timeout"))
    );
    let empty_run = manual_run(&s, "empty").await;
    let run = s.run(empty_run).await.unwrap();
    assert_eq!((run.state, run.tasks_total), (RunState::Succeeded, 0));
}

#[tokio::test]
async fn an_unknown_stored_state_is_an_error_not_a_default() {
    for test_db in TestDb::all("unknown_state").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let job = Arc::new(CountingJob::every_hour("hourly", vec![1]));
        let s = scheduler(&test_db.db, &clock, "node", vec![job as Arc<dyn Job>]);
        s.register_jobs().await.unwrap();
        let run_id = manual_run(&s, "hourly").await;
        queue::with_db!(&test_db.db, pool => sqlx::query("UPDATE job_run SET state = 'paused' WHERE id = $1")
            .bind(run_id).execute(pool).await.unwrap().rows_affected());
        let error = s.run(run_id).await.unwrap_err().to_string();
        assert!(error.contains("unknown run state \"paused\""), "{error}");
    }
}
