//! `trainload backup` / `restore` on SQLite: a backup taken while a sync writes restores to
//! exactly the rows the database held at that moment, and the commands refuse what would lose
//! data (an existing file, a restore without the key, PostgreSQL).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::str::FromStr;
use std::time::Duration;

use sim::{SimClock, SimConfig};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use trainload::store::{backup, integrations, now_ms, users};

use crate::support::app::{AppOptions, spawn_app_with};
use crate::support::temp_dir;

/// Every row of every table, as SQLite literals, sorted per table.
async fn every_row(conn: &mut SqliteConnection) -> BTreeMap<String, Vec<String>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut out = BTreeMap::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}')"
        )))
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let expression = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let mut rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT {expression} FROM \"{table}\""
        )))
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        rows.sort();
        out.insert(table, rows);
    }
    out
}

async fn open(url_or_file: &str) -> SqliteConnection {
    let options = if url_or_file.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url_or_file).unwrap()
    } else {
        SqliteConnectOptions::new().filename(url_or_file)
    };
    options
        .busy_timeout(Duration::from_secs(10))
        .connect()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_a_sync_restores_every_row() {
    let app = spawn_app_with(AppOptions::default(), vec![]).await;
    let url = app.store_args.database_url();
    let mut config = SimConfig::new(7, 1);
    config.history_days = 90;
    config.rate_limits = None;
    config.intervals_max_rps = None;
    config.clock = SimClock::real(1.0);
    let sim = crate::support::start_sim(config).await;
    let info = sim.info();
    let ctx = trainload::demo::sim_sync_context(&app.store, &info).unwrap();
    let user = trainload::demo::add_sim_athlete(&app.store, &info.athletes[0], now_ms())
        .await
        .unwrap();
    let sync = tokio::spawn(async move { trainload::sync::onboard(&ctx, user, 90, &|_| {}).await });

    // Once the sync has stored its first activity, hold the write lock for a moment: the sync
    // waits, so the rows read here are exactly what the backup sees.
    let mut reader = open(&url).await;
    loop {
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities")
            .fetch_one(&mut reader)
            .await
            .unwrap();
        if stored > 0 || sync.is_finished() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let mut writer = open(&url).await;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut writer)
        .await
        .unwrap();
    assert!(!sync.is_finished(), "the sync ended before the backup");
    let before = every_row(&mut reader).await;
    let file = app.dir.path().join("during-sync.db");
    let copy = backup::backup(&url, &file).await.unwrap();
    sqlx::query("ROLLBACK").execute(&mut writer).await.unwrap();
    sync.await.unwrap().unwrap();

    assert!(copy.tables["activities"] > 0, "{:?}", copy.tables);
    assert_eq!(copy.tables.len(), before.len());
    let after_sync: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities")
        .fetch_one(&mut reader)
        .await
        .unwrap();
    assert!(
        after_sync >= copy.tables["activities"],
        "the sync went on after the backup"
    );

    // Restore into a fresh data directory holding the same key.
    let target = temp_dir();
    let data = target.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(
        app.store_args.data_dir.join("secret.key"),
        data.join("secret.key"),
    )
    .unwrap();
    let restored_url = format!("sqlite://{}", data.join("trainload.db").display());
    backup::restore(&file, &restored_url, false).await.unwrap();
    let mut restored = open(&restored_url).await;
    let rows = every_row(&mut restored).await;
    for (table, expected) in &before {
        assert_eq!(rows.get(table), Some(expected), "table {table}");
    }
    assert_eq!(rows.len(), before.len());
    restored.close().await.unwrap();

    // The restored tokens open with the key of the original data directory.
    let store_args = trainload::config::StoreArgs {
        data_dir: data.clone(),
        database_url: None,
        secret_key: None,
    };
    let store = store_args.open().await.unwrap();
    let connections = integrations::list_for_user(&store, user).await.unwrap();
    assert!(!connections.is_empty());
    for connection in connections {
        integrations::tokens(&store, connection.id).await.unwrap();
    }
    assert_eq!(users::list(&store).await.unwrap().len(), 1);
    store.close().await;
    sim.shutdown();
}

fn trainload(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args(args)
        .env("TRAINLOAD_DATA_DIR", data_dir)
        .env_remove("TRAINLOAD_DATABASE_URL")
        .env_remove("TRAINLOAD_SECRET_KEY")
        .output()
        .unwrap()
}

fn stdout_json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn the_cli_backs_up_a_live_database_and_restores_it_only_with_its_key() {
    let app = spawn_app_with(AppOptions::default(), vec![]).await;
    crate::support::app::add_user(&app.store).await;
    let data = app.store_args.data_dir.clone();
    let file = app.dir.path().join("backup.db");
    let file_arg = file.to_str().unwrap();

    let report = stdout_json(&trainload(&data, &["backup", file_arg]));
    assert_eq!(report["tables"]["users"], 1);
    assert!(
        report["secret_key"]
            .as_str()
            .unwrap()
            .contains("secret.key"),
        "{report}"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // An existing file is never overwritten.
    let again = trainload(&data, &["backup", file_arg]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    // While the server holds the database, a restore is refused.
    let busy = trainload(&data, &["restore", "--replace", file_arg]);
    assert!(!busy.status.success());

    let elsewhere = temp_dir();
    let fresh = elsewhere.path().join("data");
    let no_key = trainload(&fresh, &["restore", file_arg]);
    assert!(!no_key.status.success());
    assert!(
        String::from_utf8_lossy(&no_key.stderr).contains("no secret key"),
        "{}",
        String::from_utf8_lossy(&no_key.stderr)
    );
    assert!(!fresh.join("trainload.db").exists(), "nothing was restored");

    std::fs::create_dir_all(&fresh).unwrap();
    std::fs::copy(data.join("secret.key"), fresh.join("secret.key")).unwrap();
    let restored = stdout_json(&trainload(&fresh, &["restore", file_arg]));
    assert_eq!(restored["tables"]["users"], 1);
    let listed = trainload(&fresh, &["users", "list"]);
    assert!(listed.status.success());
    assert!(String::from_utf8_lossy(&listed.stdout).contains("Test athlete"));
    // A second restore needs --replace.
    assert!(!trainload(&fresh, &["restore", file_arg]).status.success());
    stdout_json(&trainload(&fresh, &["restore", "--replace", file_arg]));
}

#[tokio::test]
async fn on_postgresql_backup_and_restore_point_to_pg_dump() {
    let dir = temp_dir();
    for command in ["backup", "restore"] {
        let output = Command::new(env!("CARGO_BIN_EXE_trainload"))
            .args([command, "x.dump"])
            .env("TRAINLOAD_DATA_DIR", dir.path())
            .env(
                "TRAINLOAD_DATABASE_URL",
                "postgres://nobody@127.0.0.1:1/none",
            )
            .env_remove("TRAINLOAD_SECRET_KEY")
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("pg_dump") && stderr.contains("pg_restore"),
            "{stderr}"
        );
    }
}
