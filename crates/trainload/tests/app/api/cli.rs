//! `trainload jobs …` and `trainload runs …`: through the built binary on a database a server
//! registered, and in process with injected jobs for the exit codes of `jobs run --wait`.

use std::process::{Command, Output};

use trainload::cli::jobs::{JobsCommand, RunsCommand, exit, jobs, runs};

use crate::support::app::{AppOptions, Script, TestJob, spawn_app, spawn_app_with};
use queue::RunState;

fn trainload(data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args(args)
        .env("TRAINLOAD_DATA_DIR", data_dir)
        .env_remove("TRAINLOAD_DATABASE_URL")
        .env_remove("TRAINLOAD_SECRET_KEY")
        .output()
        .unwrap()
}

#[tokio::test]
async fn jobs_list_json_prints_the_registered_jobs_and_an_unknown_job_exits_3() {
    let mut app = spawn_app_with(
        AppOptions::default(),
        vec![
            TestJob::new("alpha", vec![1]).arc(),
            TestJob::new("beta", vec![1]).arc(),
        ],
    )
    .await;
    let data_dir = app.store_args.data_dir.clone();
    let _keep = app.dir.clone();
    app.stop().await;
    let output = trainload(&data_dir, &["jobs", "list", "--json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(list["total_jobs"], 2);
    assert_eq!(list["jobs"][0]["id"], "alpha");
    assert_eq!(list["jobs"][1]["id"], "beta");
    let output = trainload(&data_dir, &["jobs", "run", "nope", "--wait"]);
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = trainload(&data_dir, &["runs", "show", "77"]);
    assert_eq!(output.status.code(), Some(3));
}

fn run(id: &str, timeout: u64) -> JobsCommand {
    JobsCommand::Run {
        id: id.to_owned(),
        wait: true,
        timeout,
        idempotency_key: None,
        allow_overlap: false,
        workers: 2,
    }
}

#[tokio::test]
async fn jobs_run_wait_executes_in_process_and_exits_by_the_runs_state() {
    let app = spawn_app(vec![
        TestJob::new("fine", vec![1, 2]).arc(),
        TestJob::new("mixed", vec![3, 4])
            .script(4, Script::Permanent)
            .arc(),
        TestJob::new("broken", vec![5])
            .script(5, Script::Permanent)
            .arc(),
        TestJob::new("stuck", vec![6]).script(6, Script::Hang).arc(),
    ])
    .await;
    let s = &app.scheduler;
    assert_eq!(jobs(&run("fine", 30), s).await.unwrap(), exit::SUCCEEDED);
    assert_eq!(jobs(&run("mixed", 30), s).await.unwrap(), exit::PARTIAL);
    assert_eq!(jobs(&run("broken", 30), s).await.unwrap(), exit::FAILED);
    assert_eq!(jobs(&run("stuck", 1), s).await.unwrap(), exit::TIMEOUT);
    // The cut drain leaves the stuck task's lease to lapse.
    app.expect_leased_tasks(1);
    // The stuck run is still live, so another one is refused under `skip`.
    assert_eq!(jobs(&run("stuck", 1), s).await.unwrap(), exit::REFUSED);
    assert_eq!(jobs(&run("nope", 1), s).await.unwrap(), exit::REFUSED);
    let fine = s.runs(Some("fine"), None, None, 1).await.unwrap().remove(0);
    assert_eq!(fine.state, RunState::Succeeded);
    assert_eq!(
        runs(
            &RunsCommand::Show {
                id: fine.id,
                all: true,
                json: false,
            },
            s
        )
        .await
        .unwrap(),
        exit::SUCCEEDED
    );
    assert_eq!(
        runs(
            &RunsCommand::Show {
                id: 999,
                all: true,
                json: true,
            },
            s
        )
        .await
        .unwrap(),
        exit::REFUSED
    );
}

#[tokio::test]
async fn jobs_pause_and_resume_work_on_the_database() {
    let app = spawn_app(vec![TestJob::new("fine", vec![1]).arc()]).await;
    let s = &app.scheduler;
    let pause = JobsCommand::Pause {
        id: "fine".into(),
        reason: "maintenance".into(),
    };
    assert_eq!(jobs(&pause, s).await.unwrap(), exit::SUCCEEDED);
    assert!(s.jobs().await.unwrap()[0].paused);
    assert_eq!(
        jobs(&JobsCommand::Resume { id: "fine".into() }, s)
            .await
            .unwrap(),
        exit::SUCCEEDED
    );
    assert!(!s.jobs().await.unwrap()[0].paused);
}

#[test]
fn a_second_trainload_serve_on_the_same_sqlite_file_refuses_to_start() {
    let dir = crate::support::temp_dir();
    let data_dir = dir.path().join("data");
    let mut first = Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args(["serve", "--listen", "127.0.0.1:0", "--workers", "1"])
        .env("TRAINLOAD_DATA_DIR", &data_dir)
        .env("TRAINLOAD_ADMIN_TOKEN", "t")
        .env_remove("TRAINLOAD_DATABASE_URL")
        .env_remove("TRAINLOAD_SECRET_KEY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The lock file names the holder's pid once the lock is held.
    let lock = data_dir.join("trainload.db.lock");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::fs::read_to_string(&lock).map_or(true, |pid| pid.trim() != first.id().to_string()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the first serve never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("TRAINLOAD_DATA_DIR", &data_dir)
        .env("TRAINLOAD_ADMIN_TOKEN", "t")
        .env_remove("TRAINLOAD_DATABASE_URL")
        .env_remove("TRAINLOAD_SECRET_KEY")
        .output()
        .unwrap();
    let _ = first.kill();
    let _ = first.wait();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("already running"), "{stderr}");
}

#[test]
fn jobs_run_works_on_a_database_no_server_opened() {
    let dir = crate::support::temp_dir();
    let output = trainload(dir.path(), &["jobs", "run", "quick_sync", "--wait"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let run: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (run["job_id"].as_str(), run["state"].as_str()),
        (Some("quick_sync"), Some("succeeded"))
    );
    let list = trainload(dir.path(), &["jobs", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(
        list["total_jobs"], 8,
        "the five scheduled jobs, the read planner, the webhook and the push delivery jobs"
    );
}

#[test]
fn runs_list_and_show_print_tables_for_people_and_json_for_scripts() {
    let dir = crate::support::temp_dir();
    let started = trainload(dir.path(), &["jobs", "run", "quick_sync", "--wait"]);
    assert_eq!(started.status.code(), Some(0));
    let run: serde_json::Value = serde_json::from_slice(&started.stdout).unwrap();
    let id = run["id"].as_i64().unwrap().to_string();

    let table = String::from_utf8(trainload(dir.path(), &["runs", "list"]).stdout).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "a header and the one run: {table}");
    assert!(
        lines[0].contains("JOB") && lines[0].contains("STATE"),
        "{table}"
    );
    assert!(
        lines[1].trim_start().starts_with(&id)
            && lines[1].contains("quick_sync")
            && lines[1].contains("succeeded")
            && lines[1].contains("manual"),
        "{table}"
    );
    assert!(!table.contains('{'), "no JSON for people: {table}");
    let listed: serde_json::Value =
        serde_json::from_slice(&trainload(dir.path(), &["runs", "list", "--json"]).stdout).unwrap();
    assert_eq!(listed[0]["job_id"], "quick_sync");
    assert_eq!(listed[0]["id"], run["id"]);

    let shown = String::from_utf8(trainload(dir.path(), &["runs", "show", &id]).stdout).unwrap();
    assert!(
        shown.starts_with(&format!("Run            {id}\n")),
        "{shown}"
    );
    assert!(shown.contains("\nJob            quick_sync\n"), "{shown}");
    assert!(shown.contains("\nState          succeeded\n"), "{shown}");
    assert!(!shown.contains('{'), "no JSON for people: {shown}");
    let detail: serde_json::Value =
        serde_json::from_slice(&trainload(dir.path(), &["runs", "show", &id, "--json"]).stdout)
            .unwrap();
    assert_eq!(detail["id"], run["id"]);
    assert!(detail["task_counts"].is_object(), "{detail}");
}

#[test]
fn runs_list_refuses_a_limit_outside_1_to_500() {
    let dir = crate::support::temp_dir();
    for limit in ["0", "501", "-1"] {
        let output = trainload(dir.path(), &["runs", "list", &format!("--limit={limit}")]);
        assert_eq!(output.status.code(), Some(2), "--limit={limit}");
    }
}
