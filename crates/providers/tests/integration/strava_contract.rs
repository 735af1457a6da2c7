//! Every Strava fixture is served over real HTTP and parsed by the client (docs/providers.md §7).

use providers::Priority;
use providers::strava::{
    AspectType, ChallengeResponse, ObjectType, SportGroup, StreamSet, WebhookEvent, sport_group,
};
use secrecy::{ExposeSecret, SecretString};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::support::{access_token, fixture, json_fixture, strava};

const BG: Priority = Priority::Background;

async fn serve(server: &MockServer, verb: &str, route: &str, fixture_path: &str) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(json_fixture(200, fixture_path))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_recorded_shape_listing_reads_float_offsets_and_heart_rates() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/api/v3/athlete/activities",
        "strava/athlete_activities.recorded_shape.json",
    )
    .await;
    let (client, _) = strava(&server);
    let page = client
        .list_activities_page(&access_token(), None, None, 1, 200, BG)
        .await
        .unwrap();
    assert_eq!((page.item_count, page.skipped), (2, 0));
    let run = &page.activities[0];
    assert_eq!(run.id, 17_234_567_890);
    assert_eq!(run.start_date.as_second(), 1_761_084_311);
    assert_eq!(run.utc_offset_s, Some(-14_400));
    assert_eq!(run.timezone.as_deref(), Some("America/New_York"));
    assert_eq!(run.max_heartrate_bpm, Some(162.0));
    assert_eq!(run.moving_time_s, Some(2711));
    assert_eq!(run.sport_type.as_deref(), Some("Run"));
    assert_eq!(
        run.upload_external_id.as_deref(),
        Some("garmin_ping_501234567890")
    );
    assert_eq!(run.upload_id_str.as_deref(), Some("18300000001"));
    assert_eq!(run.athlete_id, Some(48_151_623));
    assert_eq!(run.visibility.as_deref(), Some("everyone"));
    let ride = &page.activities[1];
    assert_eq!(ride.sport_type.as_deref(), Some("GravelRide"));
    assert_eq!(ride.legacy_type.as_deref(), Some("Ride"));
    assert_eq!(
        sport_group(ride.sport_type.as_deref().unwrap()),
        SportGroup::Ride
    );
    assert_eq!(ride.weighted_average_watts, Some(219.0));
    assert_eq!(ride.device_watts, Some(true));
    assert_eq!((ride.private, ride.commute), (Some(true), Some(true)));
    assert_eq!(ride.device_name.as_deref(), Some("Wahoo ELEMNT BOLT"));
    assert_eq!(ride.workout_type, Some(10));
}

#[tokio::test]
async fn a_spec_shape_listing_survives_an_upload_id_beyond_u64() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/api/v3/athlete/activities",
        "strava/athlete_activities.spec_shape.json",
    )
    .await;
    let (client, _) = strava(&server);
    let page = client
        .list_activities_page(&access_token(), None, None, 1, 200, BG)
        .await
        .unwrap();
    assert_eq!(page.activities.len(), 2);
    let first = &page.activities[0];
    assert_eq!(first.id, 123_456_789_012_345);
    assert_eq!(first.workout_type, None);
    assert_eq!(first.utc_offset_s, Some(-25_200));
    assert_eq!(first.timezone.as_deref(), Some("America/Los_Angeles"));
    assert_eq!(
        first.upload_external_id.as_deref(),
        Some("garmin_push_99887766554433")
    );
    assert_eq!(first.total_elevation_gain_m, Some(0.0));
    assert_eq!(page.activities[1].device_watts, Some(false));
}

#[tokio::test]
async fn unknown_sports_are_kept_raw_and_items_without_id_or_start_are_skipped() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/api/v3/athlete/activities",
        "strava/athlete_activities.odd_items.json",
    )
    .await;
    let (client, _) = strava(&server);
    let page = client
        .list_activities_page(&access_token(), None, None, 1, 200, BG)
        .await
        .unwrap();
    assert_eq!((page.item_count, page.skipped), (5, 3));
    let future = &page.activities[0];
    assert_eq!(future.sport_type.as_deref(), Some("FutureSport"));
    assert_eq!(sport_group("FutureSport"), SportGroup::Other);
    assert_eq!(future.elapsed_time_s, Some(3600));
    assert_eq!(future.manual, Some(true));
    let legacy = &page.activities[1];
    assert_eq!(legacy.sport_type.as_deref(), Some("Run"));
    assert_eq!(legacy.timezone.as_deref(), Some("Europe/Berlin"));
}

#[tokio::test]
async fn the_detail_shape_parses_into_the_summary_fields() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/api/v3/activities/98765432101234567",
        "strava/activity_detail.json",
    )
    .await;
    let (client, _) = strava(&server);
    let detail = client
        .activity(&access_token(), 98_765_432_101_234_567, Priority::Webhook)
        .await
        .unwrap();
    assert_eq!(detail.id, 98_765_432_101_234_567);
    assert_eq!(detail.distance_m, Some(61_234.0));
    assert_eq!(detail.utc_offset_s, Some(-28_800));
    assert_eq!(detail.elev_high_m, Some(812.4));
    assert_eq!(detail.has_heartrate, Some(false));
}

#[tokio::test]
async fn the_athlete_profile_reads_an_integer_ftp_sent_as_a_float() {
    let server = MockServer::start().await;
    serve(&server, "GET", "/api/v3/athlete", "strava/athlete.json").await;
    let (client, _) = strava(&server);
    let athlete = client
        .athlete(&access_token(), Priority::Interactive)
        .await
        .unwrap();
    assert_eq!(athlete.id, 48_151_623);
    assert_eq!(athlete.ftp, Some(245));
    assert_eq!(athlete.weight_kg, Some(61.5));
    assert_eq!(athlete.sex.as_deref(), Some("F"));
}

async fn streams_from(fixture_path: &str) -> StreamSet {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/api/v3/activities/42/streams",
        fixture_path,
    )
    .await;
    let (client, _) = strava(&server);
    client.streams(&access_token(), 42, BG).await.unwrap()
}

#[tokio::test]
async fn keyed_streams_with_all_eight_keys_are_index_aligned() {
    let set = streams_from("strava/streams.keyed_all_eight.json").await;
    assert_eq!(set.len(), 12);
    assert_eq!(set.truncated_from_len, None);
    let time = set.time_s.unwrap();
    assert_eq!(time[6], Some(9), "time jumps over an auto-pause");
    assert_eq!(set.watts.unwrap()[9], Some(2000));
    assert_eq!(set.heartrate_bpm.unwrap()[11], Some(137));
    assert_eq!(set.velocity_smooth_m_per_s.unwrap()[4], Some(7.0));
    assert_eq!(set.distance_m.unwrap()[11], Some(62.3));
    assert_eq!(set.altitude_m.unwrap()[0], Some(10.2));
    assert_eq!(set.grade_smooth_pct.unwrap()[9], Some(-0.3));
    let moving = set.moving.unwrap();
    assert_eq!(
        (moving[0], moving[6], moving[7]),
        (Some(false), Some(false), Some(true))
    );
}

#[tokio::test]
async fn unrequested_streams_such_as_latlng_are_ignored() {
    let set = streams_from("strava/streams.keyed_with_latlng.json").await;
    assert_eq!(set.len(), 4);
    assert_eq!(set.altitude_m.unwrap()[3], Some(4.8));
    assert_eq!(set.time_s, None);
}

#[tokio::test]
async fn the_array_form_parses_into_the_same_structure() {
    let set = streams_from("strava/streams.array_form.json").await;
    assert_eq!(
        set.distance_m.unwrap(),
        vec![Some(1.7), Some(3.9), Some(6.0), Some(8.0), Some(10.4)]
    );
    assert_eq!(set.time_s.unwrap().len(), 5);
}

#[tokio::test]
async fn null_stream_elements_stay_gaps() {
    let set = streams_from("strava/streams.null_elements.json").await;
    assert_eq!(
        set.heartrate_bpm.unwrap(),
        vec![Some(140), None, None, Some(143), Some(144)]
    );
    assert_eq!(set.watts.unwrap()[2], None);
    assert_eq!(set.moving.unwrap()[2], None);
    assert_eq!(set.truncated_from_len, None);
}

#[tokio::test]
async fn unequal_stream_lengths_are_truncated_and_flagged() {
    let set = streams_from("strava/streams.unequal_lengths.json").await;
    assert_eq!(set.len(), 4);
    assert_eq!(set.truncated_from_len, Some(6));
    assert_eq!(set.distance_m.unwrap().len(), 4);
}

#[tokio::test]
async fn an_empty_stream_object_is_a_valid_empty_set() {
    let set = streams_from("strava/streams.empty.json").await;
    assert!(set.is_empty());
    assert_eq!(set, StreamSet::default());
}

#[tokio::test]
async fn a_code_exchange_returns_both_tokens_and_the_athlete() {
    let server = MockServer::start().await;
    serve(
        &server,
        "POST",
        "/oauth/token",
        "strava/oauth_token.authorization_code.json",
    )
    .await;
    let (client, _) = strava(&server);
    let grant = client
        .exchange_code(&SecretString::from("synthetic-code"))
        .await
        .unwrap();
    assert_eq!(
        grant.access_token.expose_secret(),
        "synthetic-access-9f8e7d6c5b4a"
    );
    assert_eq!(
        grant.refresh_token.expose_secret(),
        "synthetic-refresh-0a1b2c3d4e5f"
    );
    assert_eq!(
        (grant.expires_at_s, grant.expires_in_s),
        (1_761_100_000, Some(21_600))
    );
    let athlete = grant.athlete.unwrap();
    assert_eq!(athlete.id, 48_151_623);
    assert_eq!(athlete.firstname.as_deref(), Some("Sam"));
}

#[tokio::test]
async fn a_refresh_returns_the_rotated_pair_without_an_athlete() {
    let server = MockServer::start().await;
    serve(
        &server,
        "POST",
        "/oauth/token",
        "strava/oauth_token.refresh_token.json",
    )
    .await;
    let (client, _) = strava(&server);
    let grant = client
        .refresh(&SecretString::from("synthetic-refresh-0a1b2c3d4e5f"))
        .await
        .unwrap();
    assert_eq!(
        grant.refresh_token.expose_secret(),
        "synthetic-refresh-rotated-5678"
    );
    assert_eq!(grant.expires_in_s, Some(14_282));
    assert!(grant.athlete.is_none());
}

#[tokio::test]
async fn deauthorize_accepts_the_echoed_token_body() {
    let server = MockServer::start().await;
    serve(
        &server,
        "POST",
        "/oauth/deauthorize",
        "strava/oauth_deauthorize.json",
    )
    .await;
    let (client, _) = strava(&server);
    client
        .deauthorize(&access_token(), Priority::Interactive)
        .await
        .unwrap();
}

#[tokio::test]
async fn subscription_create_and_list_answers_parse() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v3/push_subscriptions"))
        .respond_with(json_fixture(201, "strava/push_subscription.create.json"))
        .mount(&server)
        .await;
    serve(
        &server,
        "GET",
        "/api/v3/push_subscriptions",
        "strava/push_subscriptions.list.json",
    )
    .await;
    let (client, _) = strava(&server);
    let token = SecretString::from("verify-me");
    let url = "https://trainload.example/webhooks/strava/Zm9vYmFy";
    let created = client
        .create_push_subscription(url, &token, Priority::Interactive)
        .await
        .unwrap();
    assert_eq!(
        (created.id, created.application_id),
        (222_333, Some(55_555))
    );
    assert_eq!(created.callback_url.as_deref(), Some(url));
    let listed = client
        .list_push_subscriptions(Priority::Interactive)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, created.id);
}

fn event(name: &str) -> WebhookEvent {
    WebhookEvent::parse(&fixture(&format!("strava/webhook_event.{name}.json"))).unwrap()
}

#[test]
fn every_webhook_event_kind_parses_with_string_updates() {
    let title = event("update_title");
    assert_eq!(
        (title.object_type, title.aspect_type),
        (ObjectType::Activity, AspectType::Update)
    );
    assert_eq!(
        title.updates.get("title").map(String::as_str),
        Some("Renamed")
    );
    assert_eq!(
        (title.owner_id, title.subscription_id),
        (48_151_623, 222_333)
    );
    assert_eq!(title.event_time_s, 1_761_123_456);
    assert_eq!(title.object_id, 17_234_567_890);

    let create = event("create");
    assert_eq!(create.aspect_type, AspectType::Create);
    assert!(create.updates.is_empty());
    assert_eq!(event("delete").aspect_type, AspectType::Delete);

    let privacy = event("privacy");
    assert_eq!(privacy.privacy_update(), Some(true));
    assert_eq!(
        privacy.updates.get("type").map(String::as_str),
        Some("Walk")
    );

    let revoked = event("deauthorization");
    assert_eq!(revoked.object_type, ObjectType::Athlete);
    assert!(revoked.is_deauthorization());
    assert!(!privacy.is_deauthorization());
}

#[test]
fn the_validation_answer_has_the_published_shape() {
    let expected: serde_json::Value =
        serde_json::from_slice(&fixture("strava/webhook_validation_response.json")).unwrap();
    let ours = serde_json::to_value(ChallengeResponse {
        challenge: "c0ffee0123456789abcdef".to_owned(),
    })
    .unwrap();
    assert_eq!(ours, expected);
}
