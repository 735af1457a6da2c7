//! `GET /events`: an athlete's live updates over Server-Sent Events, read with a streaming
//! reqwest response. Only the athlete's own events arrive, `Last-Event-ID` resumes, the stream
//! ends on shutdown, and on PostgreSQL an event written through another process's store reaches
//! this server's browsers.

use reqwest::header::COOKIE;
use serde_json::{Value, json};
use trainload::startup::Application;
use trainload::store::Store;
use trainload::store::events::{self, EventId};
use trainload::store::users::{Role, UserId};

use crate::support::app::{
    AppOptions, Engine, TestApp, engines, settings, signed_in, spawn_app_with,
};
use crate::support::sse::{DEADLINE, SseStream};

/// Opens `/events` with `cookie` (and a `Last-Event-ID`) and waits for the greeting.
async fn open(base: &str, cookie: &str, last_event_id: Option<EventId>) -> SseStream {
    let mut request = reqwest::Client::new()
        .get(format!("{base}/events"))
        .header(COOKIE, cookie);
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id.0.to_string());
    }
    SseStream::greeted(request.send().await.unwrap()).await
}

async fn append(store: &Store, user: i64, kind: &str) -> EventId {
    events::append(
        store,
        UserId(user),
        kind,
        &json!({ "by": user }),
        trainload::store::now_ms(),
    )
    .await
    .unwrap()
}

fn app_options(engine: Engine) -> AppOptions {
    AppOptions {
        engine,
        ..AppOptions::default()
    }
}

#[tokio::test]
async fn an_athlete_receives_only_their_own_events_and_resumes_after_the_last_event_id() {
    for engine in engines() {
        let app = spawn_app_with(app_options(engine), vec![]).await;
        let (first, cookie) = signed_in(&app.store, "First", Role::Athlete).await;
        let (second, _) = signed_in(&app.store, "Second", Role::Athlete).await;
        let mut stream = open(&app.address, &cookie, None).await;
        let before = append(&app.store, first, "onboarding_progress").await;
        append(&app.store, second, "activity_processed").await;
        let mine = append(&app.store, first, "thresholds_changed").await;
        assert_eq!(
            stream.message().await.id,
            Some(before.0.to_string()),
            "{engine:?}"
        );
        // The other athlete's event lies between the two; a leak would arrive here.
        let message = stream.message().await;
        assert_eq!(
            message.id,
            Some(mine.0.to_string()),
            "{engine:?}: {message:?}"
        );
        assert_eq!(message.data["user"], first);
        assert_eq!(message.data["kind"], "thresholds_changed");
        assert_eq!(message.data["payload"], json!({ "by": first }));

        // A reconnecting browser gets what it missed after its Last-Event-ID: its own events only.
        let mut resumed = open(&app.address, &cookie, Some(before)).await;
        assert_eq!(
            resumed.message().await.id,
            Some(mine.0.to_string()),
            "{engine:?}"
        );
        let later = append(&app.store, first, "activity_processed").await;
        assert_eq!(
            resumed.message().await.id,
            Some(later.0.to_string()),
            "{engine:?}: not twice"
        );
        assert_eq!(
            stream.message().await.id,
            Some(later.0.to_string()),
            "{engine:?}"
        );
    }
}

#[tokio::test]
async fn events_need_a_session_and_the_stream_ends_on_shutdown() {
    let mut app: TestApp = spawn_app_with(AppOptions::default(), vec![]).await;
    let response = app.client.get(app.url("/events")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "unauthorized");

    let (_, cookie) = signed_in(&app.store, "First", Role::Athlete).await;
    let mut stream = open(&app.address, &cookie, None).await;
    app.stop().await;
    // Ended by the server (a clean end of the body), not cut at the end of the grace period.
    let ended = tokio::time::timeout(DEADLINE, async {
        while let Some(block) = stream.block().await {
            assert!(!block.contains("data:"), "{block}");
        }
    });
    ended.await.expect("the stream did not end on shutdown");
}

#[tokio::test]
async fn on_postgres_an_event_written_by_another_process_reaches_this_servers_browsers() {
    if !engines().contains(&Engine::Postgres) {
        return;
    }
    let writer = spawn_app_with(app_options(Engine::Postgres), vec![]).await;
    // A second server over the same database: its own store, scheduler and event poller.
    let options = app_options(Engine::Postgres);
    let other = Application::build(settings(&options, writer.store_args.clone()), |_| {
        Ok(vec![])
    })
    .await
    .unwrap();
    let base = format!("http://127.0.0.1:{}", other.port().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(other.run_until_stopped(async move {
        let _ = stopped.await;
    }));

    let (athlete, cookie) = signed_in(&writer.store, "First", Role::Athlete).await;
    let mut stream = open(&base, &cookie, None).await;
    let id = append(&writer.store, athlete, "activity_processed").await;
    let message = stream.message().await;
    assert_eq!(message.id, Some(id.0.to_string()));
    assert_eq!(message.data["kind"], "activity_processed");

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
