//! Users and sessions.

use trainload::analysis::Sex;
use trainload::store::users::{self, NewUser, Role, UserId};
use trainload::store::{StoreError, activities, events, sessions, streams, wellness};
use trainload::units::Units;

use crate::support::db::{ride, sample_streams, user};

conformance! {
    async fn a_user_is_stored_and_listed_with_every_field(db) {
        let new = NewUser {
            name: "Ada".to_owned(),
            sex: Some(Sex::Female),
            birth_year: Some(1990),
            time_zone: "America/New_York".to_owned(),
            role: Role::Admin,
        };
        let id = users::add(&db.store, &new, 42).await.unwrap();
        let other = user(&db.store, "Bob").await;
        let got = users::get(&db.store, id).await.unwrap();
        assert_eq!((got.name.as_str(), got.sex, got.birth_year), ("Ada", Some(Sex::Female), Some(1990)));
        assert_eq!((got.time_zone.as_str(), got.role, got.created_at_ms), ("America/New_York", Role::Admin, 42));
        let all = users::list(&db.store).await.unwrap();
        assert_eq!(all.iter().map(|u| u.id).collect::<Vec<_>>(), vec![id, other]);
    }
}

conformance! {
    async fn the_first_user_becomes_the_admin_and_later_ones_keep_the_role_asked_for(db) {
        let first = user(&db.store, "First").await;
        let second = user(&db.store, "Second").await;
        let roles: Vec<Role> = users::list(&db.store).await.unwrap().iter().map(|u| u.role).collect();
        assert_eq!(roles, [Role::Admin, Role::Athlete]);
        // Deleting the admin does not promote anyone; a newcomer is an athlete.
        users::delete(&db.store, first).await.unwrap();
        let third = user(&db.store, "Third").await;
        for id in [second, third] {
            assert_eq!(users::get(&db.store, id).await.unwrap().role, Role::Athlete);
        }
    }
}

conformance! {
    async fn an_unknown_user_is_not_found(db) {
        let missing = users::UserId(9_999);
        assert!(matches!(users::get(&db.store, missing).await, Err(StoreError::NotFound)));
        assert!(matches!(users::delete(&db.store, missing).await, Err(StoreError::NotFound)));
    }
}

conformance! {
    async fn deleting_a_user_deletes_all_their_data(db) {
        let ada = user(&db.store, "Ada").await;
        let bob = user(&db.store, "Bob").await;
        for who in [ada, bob] {
            let up = activities::upsert(&db.store, who, &ride(5_000_000_001), 1).await.unwrap();
            streams::put(&db.store, up.id, &sample_streams(60), 2).await.unwrap();
            let day = wellness::WellnessRecord { day: "2026-01-01".parse().unwrap(), ..Default::default() };
            wellness::upsert(&db.store, who, &day, 3).await.unwrap();
            events::append(&db.store, who, "activity_processed", &serde_json::json!({}), 4).await.unwrap();
            sessions::create(&db.store, format!("hash-{}", who.0).as_bytes(), who, 10_000, 5).await.unwrap();
        }
        users::delete(&db.store, ada).await.unwrap();
        for table in ["activities", "activity_streams", "wellness", "events", "sessions"] {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            assert_eq!(db.count(&sql).await, 1, "{table} keeps only Bob's row");
        }
        assert_eq!(db.count(&format!("SELECT COUNT(*) FROM activities WHERE user_id = {}", bob.0)).await, 1);
    }
}

conformance! {
    async fn a_session_finds_its_user_until_it_expires(db) {
        let ada = user(&db.store, "Ada").await;
        sessions::create(&db.store, b"h1", ada, 2_000, 1_000).await.unwrap();
        assert_eq!(sessions::find_user(&db.store, b"h1", 1_999).await.unwrap(), Some(ada));
        assert_eq!(sessions::find_user(&db.store, b"h1", 2_000).await.unwrap(), None);
        assert_eq!(sessions::find_user(&db.store, b"nope", 1_500).await.unwrap(), None);
        let again = sessions::create(&db.store, b"h1", ada, 3_000, 1_000).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))));
        assert_eq!(sessions::delete_expired(&db.store, 2_000).await.unwrap(), 1);
        sessions::create(&db.store, b"h2", ada, 9_000, 1_000).await.unwrap();
        sessions::delete(&db.store, b"h2").await.unwrap();
        assert_eq!(sessions::find_user(&db.store, b"h2", 1_500).await.unwrap(), None);
    }
}

conformance! {
    async fn a_users_role_can_be_changed_and_an_unknown_user_is_not_found(db) {
        let ada = user(&db.store, "Ada").await;
        users::set_role(&db.store, ada, Role::Admin).await.unwrap();
        assert_eq!(users::get(&db.store, ada).await.unwrap().role, Role::Admin);
        users::set_role(&db.store, ada, Role::Athlete).await.unwrap();
        assert_eq!(users::get(&db.store, ada).await.unwrap().role, Role::Athlete);
        assert!(matches!(users::set_role(&db.store, UserId(999_999), Role::Admin).await, Err(StoreError::NotFound)));
    }
}

conformance! {
    async fn display_units_default_to_metric_and_can_be_changed(db) {
        let ada = user(&db.store, "Ada").await;
        let bob = user(&db.store, "Bob").await;
        assert_eq!(users::units(&db.store, ada).await.unwrap(), Units::Metric);
        users::set_units(&db.store, ada, Units::Imperial).await.unwrap();
        assert_eq!(users::units(&db.store, ada).await.unwrap(), Units::Imperial);
        assert_eq!(users::units(&db.store, bob).await.unwrap(), Units::Metric, "only Ada's changed");
        let missing = users::UserId(9_999);
        assert!(matches!(users::units(&db.store, missing).await, Err(StoreError::NotFound)));
        assert!(matches!(users::set_units(&db.store, missing, Units::Metric).await, Err(StoreError::NotFound)));
    }
}
