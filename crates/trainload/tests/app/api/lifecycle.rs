//! Start and stop: the generated admin token file, the SQLite process lock, and a graceful
//! shutdown that releases the leases of tasks in flight.

use std::sync::Arc;

use trainload::startup::Application;

use crate::support::app::{
    AppOptions, Script, TestJob, engines, eventually, settings, spawn_app_with,
};
use crate::support::temp_dir;
use queue::TaskState;

#[tokio::test]
async fn the_admin_token_file_is_created_private_on_first_start_and_reused() {
    let dir = temp_dir();
    let data_dir = dir.path().join("data");
    let options = || AppOptions {
        admin_token: None,
        data_dir: Some(data_dir.clone()),
        ..AppOptions::default()
    };
    let mut app = spawn_app_with(options(), vec![]).await;
    let path = data_dir.join("admin-token");
    let token = std::fs::read_to_string(&path).unwrap().trim().to_owned();
    assert_eq!(token.len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let with = |app: &crate::support::app::TestApp, token: &str| {
        app.client
            .get(app.url("/scheduler/jobs"))
            .bearer_auth(token.to_owned())
            .send()
    };
    assert_eq!(with(&app, &token).await.unwrap().status(), 200);
    assert_eq!(
        with(&app, crate::support::app::TOKEN)
            .await
            .unwrap()
            .status(),
        401
    );
    app.stop().await;
    let again = spawn_app_with(options(), vec![]).await;
    assert_eq!(
        std::fs::read_to_string(&path).unwrap().trim(),
        token,
        "the file is reused"
    );
    assert_eq!(with(&again, &token).await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_second_scheduling_process_on_the_same_sqlite_file_is_refused() {
    let mut first = spawn_app_with(AppOptions::default(), vec![]).await;
    let second = Application::build(
        settings(&AppOptions::default(), first.store_args.clone()),
        |_| Ok(vec![]),
    )
    .await;
    let error = format!("{:#}", second.unwrap_err());
    assert!(error.contains("already running"), "{error}");
    // Once the first one stopped, the file can be used again.
    let args = first.store_args.clone();
    first.stop().await;
    let third = Application::build(settings(&AppOptions::default(), args), |_| Ok(vec![])).await;
    assert!(third.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_releases_the_lease_of_a_task_in_flight_and_refunds_its_attempt() {
    for engine in engines() {
        let job = TestJob::new("slow", vec![1]).script(1, Script::Hang);
        let options = AppOptions {
            engine,
            workers: 1,
            ..AppOptions::default()
        };
        let mut app = spawn_app_with(options, vec![Arc::new(job)]).await;
        let run_id = app.start_run("slow").await;
        let scheduler = app.scheduler.clone();
        eventually("the task to be leased", || {
            let scheduler = scheduler.clone();
            async move {
                scheduler.run_detail(run_id, true).await.unwrap().tasks[0].state
                    == TaskState::Leased
            }
        })
        .await;
        app.stop().await;
        let task = scheduler
            .run_detail(run_id, true)
            .await
            .unwrap()
            .tasks
            .remove(0);
        assert_eq!(task.state, TaskState::Ready, "{engine:?}");
        assert_eq!(
            task.attempt, 0,
            "{engine:?}: the interrupted attempt is refunded"
        );
        assert_eq!(task.last_error_class.as_deref(), Some("interrupted"));
        let stopped: Option<i64> = queue::with_db!(scheduler.db(), pool =>
            sqlx::query_scalar("SELECT MAX(stopped_at_ms) FROM scheduler_node").fetch_one(pool).await.unwrap());
        assert!(stopped.is_some(), "{engine:?}: the node is marked stopped");
    }
}
