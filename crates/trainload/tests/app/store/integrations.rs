//! Integrations: encrypted credentials, uniqueness, the refresh lease and compare-and-swap.

use secrecy::{ExposeSecret, SecretString};
use trainload::store::StoreError;
use trainload::store::integrations::{
    self, Credential, IntegrationId, NewIntegration, Provider, Refreshed, Status,
};
use trainload::store::users::UserId;

use crate::support::db::user;

pub fn strava(user: UserId, athlete: u64, refresh: &str, access: &str) -> NewIntegration {
    NewIntegration {
        user,
        provider: Provider::Strava,
        external_athlete_id: athlete.to_string(),
        credential: Credential::RefreshToken(SecretString::from(refresh)),
        access_token: Some(SecretString::from(access)),
        expires_at_ms: Some(21_600_000),
        scopes: Some("read,activity:read_all".to_owned()),
    }
}

fn refreshed(access: &str, refresh: &str) -> Refreshed {
    Refreshed {
        access_token: SecretString::from(access),
        refresh_token: SecretString::from(refresh),
        expires_at_ms: 43_200_000,
    }
}

conformance! {
    async fn tokens_come_back_decrypted_and_the_public_view_has_none(db) {
        let ada = user(&db.store, "Ada").await;
        let id = integrations::connect(&db.store, &strava(ada, 7_000_000_001, "rt-ada", "at-ada"), 10).await.unwrap();
        let tokens = integrations::tokens(&db.store, id).await.unwrap();
        assert_eq!(tokens.refresh_token.unwrap().expose_secret(), "rt-ada");
        assert_eq!(tokens.access_token.unwrap().expose_secret(), "at-ada");
        assert_eq!(tokens.expires_at_ms, Some(21_600_000));
        assert!(tokens.api_key.is_none());
        let view = integrations::get(&db.store, id).await.unwrap();
        assert_eq!((view.provider, view.status), (Provider::Strava, Status::Active));
        let json = serde_json::to_string(&view).unwrap();
        assert!(!json.contains("rt-ada") && !json.contains("at-ada"));
        let intervals = NewIntegration {
            user: ada,
            provider: Provider::Intervals,
            external_athlete_id: "i12345".to_owned(),
            credential: Credential::ApiKey(SecretString::from("key-ada")),
            access_token: None,
            expires_at_ms: None,
            scopes: None,
        };
        let iid = integrations::connect(&db.store, &intervals, 11).await.unwrap();
        let key = integrations::tokens(&db.store, iid).await.unwrap().api_key.unwrap();
        assert_eq!(key.expose_secret(), "key-ada");
        assert_eq!(integrations::list_for_user(&db.store, ada).await.unwrap().len(), 2);
    }
}

conformance! {
    async fn a_provider_account_connects_to_one_user_only_while_connected(db) {
        let ada = user(&db.store, "Ada").await;
        let bob = user(&db.store, "Bob").await;
        let id = integrations::connect(&db.store, &strava(ada, 42, "a", "b"), 1).await.unwrap();
        let stolen = integrations::connect(&db.store, &strava(bob, 42, "c", "d"), 2).await;
        assert!(matches!(stolen, Err(StoreError::Conflict(_))), "{stolen:?}");
        integrations::revoke(&db.store, id, "deauthorized", 3).await.unwrap();
        let revoked = integrations::tokens(&db.store, id).await.unwrap();
        assert!(revoked.refresh_token.is_none() && revoked.access_token.is_none());
        integrations::connect(&db.store, &strava(bob, 42, "c", "d"), 4).await.unwrap();
        let found = integrations::find_by_athlete(&db.store, Provider::Strava, "42").await.unwrap().unwrap();
        assert_eq!(found.user, bob);
    }
}

conformance! {
    async fn reconnecting_replaces_the_tokens_and_bumps_the_version(db) {
        let ada = user(&db.store, "Ada").await;
        let id = integrations::connect(&db.store, &strava(ada, 42, "old", "old"), 1).await.unwrap();
        integrations::set_status(&db.store, id, Status::NeedsReauth, Some("refresh_token_invalid"), 2).await.unwrap();
        let again = integrations::connect(&db.store, &strava(ada, 42, "new", "new"), 3).await.unwrap();
        assert_eq!(again, id);
        let view = integrations::get(&db.store, id).await.unwrap();
        assert_eq!((view.status, view.token_version, view.status_reason), (Status::Active, 1, None));
        let tokens = integrations::tokens(&db.store, id).await.unwrap();
        assert_eq!(tokens.refresh_token.unwrap().expose_secret(), "new");
    }
}

conformance! {
    async fn two_owners_racing_for_the_refresh_lease_yield_exactly_one_winner(db) {
        let ada = user(&db.store, "Ada").await;
        let id = integrations::connect(&db.store, &strava(ada, 42, "rt0", "at0"), 1).await.unwrap();
        let v = integrations::tokens(&db.store, id).await.unwrap().token_version;
        let race = |owner: &'static str| {
            let store = db.store.clone();
            tokio::spawn(async move {
                integrations::take_refresh_lease(&store, id, v, owner, 1_000, 60_000).await.unwrap()
            })
        };
        let (a, b) = (race("node-a"), race("node-b"));
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        assert!(a ^ b, "exactly one lease: {a} {b}");
        let (winner, loser) = if a { ("node-a", "node-b") } else { ("node-b", "node-a") };
        assert!(!integrations::store_refreshed_tokens(&db.store, id, v, loser, &refreshed("x", "y"), 2_000).await.unwrap());
        assert!(integrations::store_refreshed_tokens(&db.store, id, v, winner, &refreshed("at1", "rt1"), 2_000).await.unwrap());
        let tokens = integrations::tokens(&db.store, id).await.unwrap();
        assert_eq!(tokens.token_version, v + 1);
        assert_eq!(tokens.access_token.unwrap().expose_secret(), "at1");
        assert_eq!(tokens.refresh_token.unwrap().expose_secret(), "rt1");
        assert_eq!(tokens.expires_at_ms, Some(43_200_000));
    }
}

conformance! {
    async fn a_stale_version_can_neither_lease_nor_store(db) {
        let ada = user(&db.store, "Ada").await;
        let id = integrations::connect(&db.store, &strava(ada, 42, "rt0", "at0"), 1).await.unwrap();
        assert!(integrations::take_refresh_lease(&db.store, id, 0, "a", 1_000, 60_000).await.unwrap());
        assert!(integrations::store_refreshed_tokens(&db.store, id, 0, "a", &refreshed("at1", "rt1"), 1_500).await.unwrap());
        // A second refresher that read version 0 before the store is now stale.
        assert!(!integrations::take_refresh_lease(&db.store, id, 0, "b", 2_000, 60_000).await.unwrap());
        assert!(!integrations::store_refreshed_tokens(&db.store, id, 0, "a", &refreshed("at2", "rt2"), 2_000).await.unwrap());
        let tokens = integrations::tokens(&db.store, id).await.unwrap();
        assert_eq!(tokens.access_token.unwrap().expose_secret(), "at1");
    }
}

conformance! {
    async fn an_expired_lease_can_be_taken_over(db) {
        let ada = user(&db.store, "Ada").await;
        let id = integrations::connect(&db.store, &strava(ada, 42, "rt0", "at0"), 1).await.unwrap();
        assert!(integrations::take_refresh_lease(&db.store, id, 0, "a", 1_000, 60_000).await.unwrap());
        assert!(!integrations::take_refresh_lease(&db.store, id, 0, "b", 60_999, 60_000).await.unwrap());
        assert!(integrations::take_refresh_lease(&db.store, id, 0, "b", 61_001, 60_000).await.unwrap());
        assert!(!integrations::store_refreshed_tokens(&db.store, id, 0, "a", &refreshed("x", "y"), 61_002).await.unwrap());
    }
}

conformance! {
    async fn status_and_sync_time_are_recorded(db) {
        let ada = user(&db.store, "Ada").await;
        let id = integrations::connect(&db.store, &strava(ada, 42, "r", "a"), 1).await.unwrap();
        integrations::record_sync(&db.store, id, 77).await.unwrap();
        integrations::set_status(&db.store, id, Status::NeedsReauth, Some("scope_missing"), 78).await.unwrap();
        let view = integrations::get(&db.store, id).await.unwrap();
        assert_eq!(view.last_sync_at_ms, Some(77));
        assert_eq!((view.status, view.status_reason.as_deref()), (Status::NeedsReauth, Some("scope_missing")));
        let missing = integrations::set_status(&db.store, IntegrationId(999), Status::Active, None, 1).await;
        assert!(matches!(missing, Err(StoreError::NotFound)));
    }
}

conformance! {
    async fn integrations_that_are_not_active_are_listed_for_the_admin(db) {
        let ada = user(&db.store, "Ada").await;
        let bo = user(&db.store, "Bo").await;
        let active = integrations::connect(&db.store, &strava(ada, 1, "r1", "a1"), 0).await.unwrap();
        let stale = integrations::connect(&db.store, &strava(bo, 2, "r2", "a2"), 0).await.unwrap();
        assert!(integrations::not_active(&db.store).await.unwrap().is_empty());
        integrations::set_status(&db.store, stale, Status::NeedsReauth, Some("refresh_token_invalid"), 5).await.unwrap();
        let listed = integrations::not_active(&db.store).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].id, listed[0].user, listed[0].status), (stale, bo, Status::NeedsReauth));
        assert_eq!(listed[0].status_reason.as_deref(), Some("refresh_token_invalid"));
        integrations::revoke(&db.store, active, "disconnected", 6).await.unwrap();
        assert_eq!(integrations::not_active(&db.store).await.unwrap().len(), 2);
    }
}
