//! `trainload migrate` and `trainload users` through the built binary.

use std::process::{Command, Output};

use crate::support::temp_dir;

fn trainload(data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args(args)
        .env("TRAINLOAD_DATA_DIR", data_dir)
        .env_remove("TRAINLOAD_DATABASE_URL")
        .env_remove("TRAINLOAD_SECRET_KEY")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn migrate_twice_is_fine_and_creates_the_data_directory() {
    let dir = temp_dir();
    let data = dir.path().join("fresh").join("data");
    for _ in 0..2 {
        let out: serde_json::Value =
            serde_json::from_str(&stdout(&trainload(&data, &["migrate"]))).unwrap();
        assert_eq!(out["migrated"], true);
    }
    assert!(data.join("trainload.db").exists());
    assert!(data.join("secret.key").exists());
}

#[test]
fn users_added_are_listed_without_secrets() {
    let dir = temp_dir();
    let data = dir.path();
    let added = stdout(&trainload(
        data,
        &[
            "users",
            "add",
            "--name",
            "Ada",
            "--sex",
            "female",
            "--time-zone",
            "Europe/Paris",
            "--strava-athlete-id",
            "5000000001",
            "--strava-refresh-token",
            "rt-SECRET-abc",
            "--intervals-athlete-id",
            "i42",
            "--intervals-api-key",
            "ak-SECRET-xyz",
            "--admin",
            "--json",
        ],
    ));
    let added: serde_json::Value = serde_json::from_str(&added).unwrap();
    assert_eq!(added, serde_json::json!({"user_id": 1}));
    let bob = stdout(&trainload(data, &["users", "add", "--name", "Bob"]));
    assert_eq!(
        bob, "Added user 2, Bob (athlete), not connected to any provider.\n",
        "a sentence for people"
    );
    let table = stdout(&trainload(data, &["users", "list"]));
    assert!(!table.contains("SECRET"), "{table}");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "a header and one line per user: {table}");
    assert!(lines[1].contains("Ada") && lines[1].contains("admin") && lines[1].contains("active"));
    let listed = stdout(&trainload(data, &["users", "list", "--json"]));
    assert!(!listed.contains("SECRET"), "{listed}");
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let users = listed.as_array().unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(
        (users[0]["name"].as_str(), users[0]["role"].as_str()),
        (Some("Ada"), Some("admin"))
    );
    assert_eq!(users[0]["sex"], "female");
    let providers: Vec<_> = users[0]["integrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["provider"].clone())
        .collect();
    assert_eq!(
        providers,
        [serde_json::json!("intervals"), serde_json::json!("strava")]
    );
    assert_eq!(
        users[0]["integrations"][1]["external_athlete_id"],
        "5000000001"
    );
    assert_eq!(users[1]["role"], "athlete");
}

#[test]
fn a_strava_athlete_of_another_user_is_refused_and_leaves_no_user_behind() {
    let dir = temp_dir();
    let data = dir.path();
    let args = [
        "users",
        "add",
        "--name",
        "A",
        "--strava-athlete-id",
        "7",
        "--strava-refresh-token",
        "t",
    ];
    stdout(&trainload(data, &args));
    let refused = trainload(data, &args);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("connected to another user") && !stderr.contains(": t"),
        "{stderr}"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&trainload(data, &["users", "list", "--json"]))).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn a_malformed_secret_key_is_a_clear_startup_error() {
    let dir = temp_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args(["migrate", "--data-dir"])
        .arg(dir.path())
        .env("TRAINLOAD_SECRET_KEY", "not-a-key")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("TRAINLOAD_SECRET_KEY") && !stderr.contains("not-a-key"),
        "{stderr}"
    );
}

/// The binary run in `dir` with no `TRAINLOAD_*` settings, as on a fresh shell.
fn trainload_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args(args)
        .current_dir(dir)
        .env_remove("TRAINLOAD_DATA_DIR")
        .env_remove("TRAINLOAD_DATABASE_URL")
        .env_remove("TRAINLOAD_SECRET_KEY")
        .output()
        .unwrap()
}

#[test]
fn reading_commands_in_an_empty_folder_say_there_is_no_database_and_create_nothing() {
    let dir = temp_dir();
    for args in [
        &["jobs", "list"][..],
        &["runs", "list"],
        &["users", "list"],
        &["sync", "--user", "1"],
        &["jobs", "list", "--data-dir", "elsewhere"],
    ] {
        let output = trainload_in(dir.path(), args);
        assert!(!output.status.success(), "{args:?} succeeded");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("there is no database at"),
            "{args:?}: {stderr}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "files were created: {left:?}");
}

#[test]
fn the_store_flags_work_before_or_after_the_command() {
    let dir = temp_dir();
    let data = dir.path().join("d");
    let data = data.to_str().unwrap();
    stdout(&trainload_in(
        dir.path(),
        &["--data-dir", data, "users", "add", "--name", "Ada"],
    ));
    for args in [
        &["--data-dir", data, "users", "list", "--json"][..],
        &["users", "list", "--json", "--data-dir", data],
        &[&format!("--data-dir={data}"), "users", "list", "--json"],
    ] {
        let listed: serde_json::Value =
            serde_json::from_str(&stdout(&trainload_in(dir.path(), args))).unwrap();
        assert_eq!(listed[0]["name"], "Ada", "{args:?}");
    }
    for args in [
        &["--data-dir", data, "jobs", "list"][..],
        &["jobs", "list", "--data-dir", data],
        &["--data-dir", data, "runs", "list"],
        &["runs", "list", "--data-dir", data],
    ] {
        stdout(&trainload_in(dir.path(), args));
    }
    assert!(
        !dir.path().join("data").exists(),
        "the default data dir was used"
    );
}

#[test]
fn a_failed_sync_exits_non_zero_with_a_reason_on_stderr() {
    let dir = temp_dir();
    stdout(&trainload(dir.path(), &["migrate"]));
    for json in [false, true] {
        let mut args = vec!["sync", "--user", "9"];
        if json {
            args.push("--json");
        }
        let output = trainload(dir.path(), &args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("the sync failed: user 9 not found"),
            "{stderr}"
        );
        if json {
            let body: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(body["error"], "user 9 not found");
        }
    }
}
