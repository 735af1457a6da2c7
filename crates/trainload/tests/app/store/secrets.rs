//! Secrets at rest: row binding, the key file, and no plaintext in the SQLite files.

use std::os::unix::fs::PermissionsExt;

use secrecy::{ExposeSecret, SecretString};
use trainload::store::integrations::{self, Provider};
use trainload::store::{SecretKey, Store, StoreError};

use crate::store::integrations::strava;
use crate::support::db::{contains, sqlite, user};
use crate::support::temp_dir;

conformance! {
    async fn a_ciphertext_copied_to_another_row_or_column_does_not_decrypt(db) {
        let ada = user(&db.store, "Ada").await;
        let bob = user(&db.store, "Bob").await;
        let a = integrations::connect(&db.store, &strava(ada, 1, "rt-ada", "at-ada"), 1).await.unwrap();
        let b = integrations::connect(&db.store, &strava(bob, 2, "rt-bob", "at-bob"), 1).await.unwrap();
        db.raw(&format!(
            "UPDATE integrations SET refresh_token = (SELECT refresh_token FROM integrations WHERE id = {}) WHERE id = {}",
            a.0, b.0
        )).await;
        let copied = integrations::tokens(&db.store, b).await;
        assert!(matches!(copied, Err(StoreError::Crypto { column: "refresh_token" })), "{copied:?}");
        db.raw(&format!("UPDATE integrations SET access_token = refresh_token WHERE id = {}", a.0)).await;
        let swapped = integrations::tokens(&db.store, a).await;
        assert!(matches!(swapped, Err(StoreError::Crypto { column: "access_token" })), "{swapped:?}");
    }
}

#[tokio::test]
async fn the_sqlite_files_hold_no_plaintext_token() {
    let db = sqlite().await;
    let ada = user(&db.store, "Ada").await;
    let (refresh, access, key) = (
        "rt-PLAINTEXT-9f8e7d6c5b4a",
        "at-PLAINTEXT-0a1b2c3d4e5f",
        "ak-PLAINTEXT-1234567890",
    );
    integrations::connect(&db.store, &strava(ada, 99, refresh, access), 1)
        .await
        .unwrap();
    let intervals = integrations::NewIntegration {
        user: ada,
        provider: Provider::Intervals,
        external_athlete_id: "i1".to_owned(),
        credential: integrations::Credential::ApiKey(SecretString::from(key)),
        access_token: None,
        expires_at_ms: None,
        scopes: None,
    };
    integrations::connect(&db.store, &intervals, 1)
        .await
        .unwrap();
    let file = db.dir.path().join("db").join("test.db");
    let wal = db.dir.path().join("db").join("test.db-wal");
    let check = |stage: &str| {
        for path in [&file, &wal] {
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            for secret in [refresh, access, key] {
                assert!(
                    !contains(&bytes, secret.as_bytes()),
                    "{stage}: {} holds {secret}",
                    path.display()
                );
            }
        }
    };
    check("open");
    assert!(
        std::fs::metadata(&wal)
            .map(|m| m.len() > 0)
            .unwrap_or(false),
        "the WAL holds the rows"
    );
    db.store.close().await;
    check("closed");
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        contains(&bytes, b"read,activity:read_all"),
        "the checkpointed file holds the rows"
    );
}

#[tokio::test]
async fn the_key_file_is_created_private_once_and_reused() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    let first = SecretKey::load(&data, None).unwrap();
    let path = data.join("secret.key");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let again = SecretKey::load(&data, None).unwrap();
    assert_eq!(
        first.to_base64().expose_secret(),
        again.to_base64().expose_secret()
    );
    let leftovers: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("secret.key")]);
}

#[tokio::test]
async fn the_environment_key_wins_and_a_malformed_one_is_a_clear_error() {
    let dir = temp_dir();
    let key = SecretKey::generate().unwrap();
    let loaded = SecretKey::load(dir.path(), Some(&key.to_base64())).unwrap();
    assert_eq!(
        loaded.to_base64().expose_secret(),
        key.to_base64().expose_secret()
    );
    assert!(!dir.path().join("secret.key").exists());
    let bad = SecretKey::load(dir.path(), Some(&SecretString::from("short"))).unwrap_err();
    assert!(bad.to_string().contains("TRAINLOAD_SECRET_KEY"), "{bad}");
}

#[tokio::test]
async fn tokens_do_not_decrypt_under_another_key() {
    let db = sqlite().await;
    let ada = user(&db.store, "Ada").await;
    let id = integrations::connect(&db.store, &strava(ada, 5, "rt", "at"), 1)
        .await
        .unwrap();
    db.store.close().await;
    let other = Store::connect(&db.url, &SecretKey::generate().unwrap())
        .await
        .unwrap();
    assert!(matches!(
        integrations::tokens(&other, id).await,
        Err(StoreError::Crypto { .. })
    ));
    other.close().await;
}
