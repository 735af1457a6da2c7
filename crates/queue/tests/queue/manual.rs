//! Manual runs: idempotency keys, overlap conflicts, dedupe, and the schedule left untouched
//! (docs/scheduler.md §10 T10, T11).

use std::sync::Arc;

use queue::{Job, ManualClock, ManualRun, ManualRunRequest, Overlap};

use crate::helpers::*;

#[tokio::test]
async fn the_same_idempotency_key_returns_the_same_run() {
    for test_db in TestDb::all("idempotency").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let job: Arc<dyn Job> = Arc::new(CountingJob::every_hour("hourly", vec![1, 2]));
        let s = scheduler(&test_db.db, &clock, "node", vec![job]);
        s.register_jobs().await.unwrap();
        let request = ManualRunRequest {
            actor: "admin:1".into(),
            idempotency_key: Some("k-1".into()),
            ..Default::default()
        };
        let first = s.start_manual_run("hourly", &request).await.unwrap();
        let ManualRun::Created(run_id) = first else {
            panic!("{first:?}")
        };
        assert_eq!(
            s.start_manual_run("hourly", &request).await.unwrap(),
            ManualRun::Replayed(run_id)
        );
        let concurrent: Vec<_> = (0..4)
            .map(|_| {
                let (s, request) = (s.clone(), request.clone());
                tokio::spawn(async move { s.start_manual_run("hourly", &request).await.unwrap() })
            })
            .collect();
        for handle in concurrent {
            assert_eq!(handle.await.unwrap(), ManualRun::Replayed(run_id));
        }
        assert_eq!(
            s.runs(Some("hourly"), None, None, 50).await.unwrap().len(),
            1
        );
    }
}

#[tokio::test]
async fn a_manual_run_leaves_the_schedule_alone_and_conflicts_with_a_live_run() {
    for test_db in TestDb::all("manual_overlap").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let mut job = CountingJob::every_hour("hourly", vec![1, 2]);
        job.policy.overlap = Overlap::Skip;
        let s = scheduler(
            &test_db.db,
            &clock,
            "node",
            vec![Arc::new(job) as Arc<dyn Job>],
        );
        s.register_jobs().await.unwrap();
        let before = s.jobs().await.unwrap().remove(0);
        let request = ManualRunRequest {
            actor: "admin:1".into(),
            ..Default::default()
        };
        let ManualRun::Created(first) = s.start_manual_run("hourly", &request).await.unwrap()
        else {
            panic!()
        };
        assert_eq!(
            s.jobs().await.unwrap().remove(0),
            before,
            "the cursor did not move"
        );
        assert_eq!(s.run(first).await.unwrap().scheduled_for_ms, None);
        let conflict = s.start_manual_run("hourly", &request).await.unwrap();
        assert_eq!(conflict, ManualRun::Conflict { live_run_id: first });
        assert_eq!(
            s.runs(Some("hourly"), None, None, 50).await.unwrap().len(),
            1,
            "a refused request leaves no row"
        );
        // overlap=allow starts it anyway, but users with a live task are deduped.
        let allow = ManualRunRequest {
            allow_overlap: true,
            ..request
        };
        let ManualRun::Created(third) = s.start_manual_run("hourly", &allow).await.unwrap() else {
            panic!()
        };
        let run = s.run(third).await.unwrap();
        assert_eq!((run.tasks_total, run.users_deduped), (0, 2));
        assert!(matches!(
            s.start_manual_run("nope", &allow).await,
            Err(queue::QueueError::JobNotFound(_))
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_manual_runs_without_a_key_start_exactly_one() {
    for test_db in TestDb::all("manual_concurrent").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let mut job = CountingJob::every_hour("hourly", vec![1, 2]);
        job.policy.overlap = Overlap::Skip;
        let s = scheduler(
            &test_db.db,
            &clock,
            "node",
            vec![Arc::new(job) as Arc<dyn Job>],
        );
        s.register_jobs().await.unwrap();
        // Open the pool's connections first, so the requests below really overlap.
        let warm: Vec<_> = (0..12)
            .map(|_| {
                let s = s.clone();
                tokio::spawn(async move { s.runs(None, None, None, 1).await.unwrap() })
            })
            .collect();
        for handle in warm {
            handle.await.unwrap();
        }
        let request = ManualRunRequest {
            actor: "admin:1".into(),
            ..Default::default()
        };
        let handles: Vec<_> = (0..16)
            .map(|_| {
                let (s, request) = (s.clone(), request.clone());
                tokio::spawn(async move { s.start_manual_run("hourly", &request).await.unwrap() })
            })
            .collect();
        let mut outcomes = Vec::new();
        for handle in handles {
            outcomes.push(handle.await.unwrap());
        }
        let created: Vec<i64> = outcomes
            .iter()
            .filter_map(|o| match o {
                ManualRun::Created(id) => Some(*id),
                _ => None,
            })
            .collect();
        assert_eq!(created.len(), 1, "{}: {outcomes:?}", test_db.db.engine());
        for outcome in &outcomes {
            assert!(
                matches!(outcome, ManualRun::Created(_))
                    || *outcome
                        == ManualRun::Conflict {
                            live_run_id: created[0]
                        },
                "{outcome:?}"
            );
        }
        let runs = s.runs(Some("hourly"), None, None, 50).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].tasks_total, 2);
    }
}

#[tokio::test]
async fn a_request_that_would_only_be_deduped_can_ask_to_write_nothing() {
    for test_db in TestDb::all("manual_deduped").await {
        let clock = Arc::new(ManualClock::new(ms("2024-03-10T00:00:00Z")));
        let job: Arc<dyn Job> = Arc::new(CountingJob::every_hour("hourly", vec![1, 2]));
        let s = scheduler(&test_db.db, &clock, "node", vec![job]);
        s.register_jobs().await.unwrap();
        let first = ManualRunRequest {
            actor: "admin:1".into(),
            allow_overlap: true,
            ..Default::default()
        };
        assert!(matches!(
            s.start_manual_run("hourly", &first).await.unwrap(),
            ManualRun::Created(_)
        ));
        let refusing = ManualRunRequest {
            users: Some(vec![1]),
            refuse_if_all_deduped: true,
            ..first
        };
        assert_eq!(
            s.start_manual_run("hourly", &refusing).await.unwrap(),
            ManualRun::AllDeduped
        );
        assert_eq!(
            s.runs(Some("hourly"), None, None, 50).await.unwrap().len(),
            1
        );
    }
}
