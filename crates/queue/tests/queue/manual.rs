//! Manual runs: idempotency keys, overlap conflicts, dedupe, and the schedule left untouched
//! (SCHEDULER.md §10 T10, T11).

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
        let ManualRun::Conflict {
            live_run_id,
            run_id,
        } = conflict
        else {
            panic!("{conflict:?}")
        };
        assert_eq!(live_run_id, first);
        assert_eq!(s.run(run_id).await.unwrap().state, "skipped");
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
