//! `trainload migrate` and `trainload users` through the built binary.

use std::process::{Command, Output};

use crate::helpers::TempDir;

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
    let dir = TempDir::new();
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
    let dir = TempDir::new();
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
        ],
    ));
    let added: serde_json::Value = serde_json::from_str(&added).unwrap();
    assert_eq!(added, serde_json::json!({"user_id": 1}));
    stdout(&trainload(data, &["users", "add", "--name", "Bob"]));
    let listed = stdout(&trainload(data, &["users", "list"]));
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
    let dir = TempDir::new();
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
        serde_json::from_str(&stdout(&trainload(data, &["users", "list"]))).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn a_malformed_secret_key_is_a_clear_startup_error() {
    let dir = TempDir::new();
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
