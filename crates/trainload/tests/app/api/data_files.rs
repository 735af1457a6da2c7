//! The data directory and what is in it are readable by their owner only, and `/metrics` can
//! be closed to anyone without the admin token.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::app::{AppOptions, TOKEN, assert_error, body, spawn_app_with};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn a_fresh_data_directory_is_0700_and_its_files_0600() {
    let options = AppOptions {
        admin_token: None,
        ..AppOptions::default()
    };
    let app = spawn_app_with(options, vec![]).await;
    // A write, so the WAL file exists beside the database.
    crate::support::app::add_user(&app.store).await;
    let data = app.dir.path().join("data");
    assert_eq!(mode(&data), 0o700);
    for name in [
        "trainload.db",
        "trainload.db-wal",
        "trainload.db-shm",
        "secret.key",
        "admin-token",
    ] {
        assert_eq!(mode(&data.join(name)), 0o600, "{name}");
    }
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(
            mode(&path) & 0o077,
            0,
            "{} is open to others",
            path.display()
        );
    }
}

#[tokio::test]
async fn a_database_file_left_readable_by_others_is_narrowed_on_open() {
    let dir = crate::support::temp_dir();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let file = data.join("trainload.db");
    std::fs::write(&file, b"").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let options = AppOptions {
        data_dir: Some(data.clone()),
        ..AppOptions::default()
    };
    let _app = spawn_app_with(options, vec![]).await;
    assert_eq!(mode(&file), 0o600);
}

#[tokio::test]
async fn metrics_can_require_the_admin_token() {
    let options = AppOptions {
        metrics: trainload::http::MetricsAccess::Token,
        ..AppOptions::default()
    };
    let app = spawn_app_with(options, vec![]).await;
    let anonymous = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_error(&body(anonymous).await, "unauthorized");
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let scraper = app
        .client
        .get(app.url("/metrics"))
        .header("authorization", format!("bearer {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraper.status(), 200);
}

#[test]
fn metrics_are_open_by_default_on_loopback_only() {
    use trainload::http::MetricsAccess;
    let loopback = Some("127.0.0.1:8000".parse().unwrap());
    let v6_loopback = Some("[::1]:8000".parse().unwrap());
    let public = Some("0.0.0.0:8000".parse().unwrap());
    assert!(!MetricsAccess::Auto.require_token(loopback));
    assert!(!MetricsAccess::Auto.require_token(v6_loopback));
    assert!(MetricsAccess::Auto.require_token(public));
    assert!(MetricsAccess::Token.require_token(loopback));
    assert!(!MetricsAccess::Open.require_token(public));
}
