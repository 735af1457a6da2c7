//! Strava webhooks end to end: the simulator's push subscription against the app's callback,
//! the validation handshake, events stored once and coalesced into one task per athlete, and
//! tasks that read the truth (forged events change nothing).

use std::time::Duration;

use serde_json::{Value, json};
use sim::{SimClock, SimConfig, SimHandle};
use trainload::store::integrations::Provider;
use trainload::store::users::UserId;
use trainload::store::{activities, integrations, now_ms, webhooks};
use trainload::subscription::{self, Ensured};
use trainload::sync::SyncContext;

use crate::support::app::{AppOptions, Engine, TestApp, engines, spawn_app_with};

/// An app over a simulator, one connected and onboarded athlete, and the app subscribed.
struct World {
    app: TestApp,
    sim: SimHandle,
    ctx: SyncContext,
    user: UserId,
    strava_id: i64,
    subscription_id: i64,
}

async fn world(engine: Engine) -> World {
    world_with(engine, sim::WebhookFaults::default()).await
}

async fn world_with(engine: Engine, faults: sim::WebhookFaults) -> World {
    let mut config = SimConfig::new(7, 2);
    config.webhook_faults = faults;
    config.history_days = 20;
    config.rate_limits = None;
    config.intervals_max_rps = None;
    config.clock = SimClock::real(1.0);
    let sim = crate::support::start_sim(config).await;
    let info = sim.info();
    let app = spawn_app_with(
        AppOptions {
            engine,
            sim: Some(info.clone()),
            ..AppOptions::default()
        },
        vec![],
    )
    .await;
    let ctx = trainload::demo::sim_sync_context(&app.store, &info).unwrap();
    let athlete = &info.athletes[0];
    let user = trainload::demo::add_sim_athlete(&app.store, athlete, now_ms())
        .await
        .unwrap();
    trainload::sync::onboard(&ctx, user, 10, &|_| {})
        .await
        .unwrap();
    let strava = ctx.strava.clone().unwrap();
    let ensured = subscription::ensure(&app.store, &strava, &app.address, false, now_ms)
        .await
        .unwrap();
    let Ensured::Created { id } = ensured else {
        panic!("{ensured:?}")
    };
    World {
        app,
        sim,
        ctx,
        user,
        strava_id: athlete.strava_athlete_id,
        subscription_id: id,
    }
}

impl World {
    async fn callback(&self) -> String {
        subscription::callback_url(&self.app.store, &self.app.address, now_ms())
            .await
            .unwrap()
    }

    async fn post_event(&self, event: &Value) -> reqwest::StatusCode {
        let url = self.callback().await;
        self.app
            .client
            .post(url)
            .json(event)
            .send()
            .await
            .unwrap()
            .status()
    }

    fn event(&self, object_id: i64, aspect: &str, time: i64, updates: Value) -> Value {
        json!({
            "aspect_type": aspect, "event_time": time, "object_id": object_id,
            "object_type": "activity", "owner_id": self.strava_id,
            "subscription_id": self.subscription_id, "updates": updates,
        })
    }

    async fn pending(&self) -> usize {
        webhooks::pending(&self.app.store, self.user, 0, 1000)
            .await
            .unwrap()
            .len()
    }

    async fn live_tasks(&self) -> i64 {
        let db = self.app.store.queue_db();
        queue::with_db!(&db, pool => sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM task WHERE job_id = 'strava_events' AND state IN ('ready', 'leased')")
            .fetch_one(pool).await.unwrap())
    }

    async fn sim_calls(&self, endpoint: &str) -> u64 {
        self.sim.stats()["endpoints"][endpoint]
            .as_u64()
            .unwrap_or(0)
    }

    /// Has the simulator record a ride of the first athlete that just ended (its `create`
    /// event follows, unless the simulator drops it); returns its id.
    async fn record_ride(&self, minutes: u32) -> i64 {
        let created: Value = reqwest::Client::new()
            .post(format!("http://{}/_sim/activities", self.sim.addr()))
            .json(&json!({"athlete": 0, "sport_type": "Ride", "minutes": minutes}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        created["id"].as_i64().unwrap()
    }

    async fn newest_stored(&self) -> i64 {
        let (page, _) = activities::page(&self.app.store, self.user, 1, 0)
            .await
            .unwrap();
        page[0].summary.external_id.parse().unwrap()
    }
}

/// Polls `condition` every 50 ms for up to 10 s.
async fn until(what: &str, mut condition: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if condition().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handshake_echoes_the_challenge_only_for_our_token_and_path() {
    for engine in engines() {
        let w = world(engine).await;
        let callback = w.callback().await;
        let secrets = webhooks::secrets(&w.app.store, now_ms()).await.unwrap();
        let token = secrecy::ExposeSecret::expose_secret(&secrets.verify_token).to_owned();
        let get = |url: String, token: String| {
            let client = w.app.client.clone();
            async move {
                client
                    .get(url)
                    .query(&[
                        ("hub.mode", "subscribe"),
                        ("hub.verify_token", token.as_str()),
                        ("hub.challenge", "15f7d1a91c1f40f8a748fd134752feb3"),
                    ])
                    .send()
                    .await
                    .unwrap()
            }
        };
        let good = get(callback.clone(), token.clone()).await;
        assert_eq!(good.status(), 200);
        let body: Value = good.json().await.unwrap();
        assert_eq!(
            body,
            json!({"hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3"})
        );
        let wrong = get(callback.clone(), format!("{token}x")).await;
        assert_eq!(wrong.status(), 403);
        let guessed_path = w
            .app
            .url("/webhooks/strava/0123456789abcdef0123456789abcdef");
        assert_eq!(get(guessed_path, token).await.status(), 404);
        w.sim.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ensure_creates_one_subscription_and_adopts_it_afterwards() {
    for engine in engines() {
        let w = world(engine).await;
        let strava = w.ctx.strava.clone().unwrap();
        let (a, b) = tokio::join!(
            subscription::ensure(&w.app.store, &strava, &w.app.address, false, now_ms),
            subscription::ensure(&w.app.store, &strava, &w.app.address, false, now_ms),
        );
        for outcome in [a.unwrap(), b.unwrap()] {
            assert!(
                matches!(outcome, Ensured::Existing { id } if id == w.subscription_id)
                    || matches!(outcome, Ensured::ByAnother { .. }),
                "{outcome:?}"
            );
        }
        let shown = subscription::show(&w.app.store, &strava, &w.app.address, now_ms())
            .await
            .unwrap();
        assert_eq!(shown.at_strava.len(), 1, "{shown:?}");
        assert_eq!(
            shown.stored.unwrap().subscription_id,
            Some(w.subscription_id)
        );
        // The admin sees the subscription and the planner's view; an anonymous caller does not.
        let budget = w.app.get("/scheduler/budget").await;
        assert_eq!(budget.status(), 200);
        let budget: Value = budget.json().await.unwrap();
        assert_eq!(budget["webhooks"]["subscription_id"], w.subscription_id);
        assert_eq!(budget["mode"], "planned");
        assert_eq!(budget["plan"]["connections"], 1);
        let anonymous = w
            .app
            .client
            .get(w.app.url("/scheduler/budget"))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
        let other =
            subscription::ensure(&w.app.store, &strava, "http://127.0.0.1:9", false, now_ms).await;
        assert!(
            matches!(
                other,
                Err(subscription::SubscriptionError::OtherCallback(_))
            ),
            "{other:?}"
        );
        w.sim.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_activity_arrives_through_its_event_and_duplicates_change_nothing() {
    for engine in engines() {
        let w = world(engine).await;
        let before = w.newest_stored().await;
        let id = w.record_ride(40).await;
        until("the event", async || w.pending().await == 1).await;
        assert_eq!(w.live_tasks().await, 1);
        // The same event again, twice (Strava retries and duplicates), and a burst of updates.
        let time = jiff::Timestamp::now().as_second();
        let again = w.event(id, "create", time + 100, json!({}));
        assert_eq!(w.post_event(&again).await, 200);
        assert_eq!(w.post_event(&again).await, 200);
        for (n, title) in ["A", "B", "C"].iter().enumerate() {
            let update = w.event(id, "update", time + 101 + n as i64, json!({"title": title}));
            assert_eq!(w.post_event(&update).await, 200);
        }
        assert_eq!(
            w.pending().await,
            5,
            "the simulator's create, ours once, three updates"
        );
        assert_eq!(w.live_tasks().await, 1, "one task absorbs the burst");
        let details_before = w.sim_calls("strava.activity").await;
        w.app.drain().await;
        assert_eq!(w.pending().await, 0);
        assert_eq!(
            w.newest_stored().await,
            id,
            "stored without any sync (was {before})"
        );
        assert_eq!(
            w.sim_calls("strava.activity").await - details_before,
            1,
            "one read per object"
        );
        let stored = activities::find(&w.app.store, w.user, Provider::Strava, &id.to_string())
            .await
            .unwrap()
            .unwrap();
        let load = trainload::store::loads::get(&w.app.store, stored.id)
            .await
            .unwrap();
        assert!(load.is_some(), "the load is computed");
        w.sim.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_foreign_events_are_answered_but_change_nothing() {
    for engine in engines() {
        let w = world(engine).await;
        let victim = w.newest_stored().await;
        let time = jiff::Timestamp::now().as_second();
        // A delete of an activity that still exists at Strava: read, found, kept.
        assert_eq!(
            w.post_event(&w.event(victim, "delete", time, json!({})))
                .await,
            200
        );
        // Another subscription, an unknown athlete: answered 200, counted, nothing queued.
        let mut forged = w.event(victim, "delete", time + 1, json!({}));
        forged["subscription_id"] = json!(w.subscription_id + 1);
        assert_eq!(w.post_event(&forged).await, 200);
        let mut stranger = w.event(victim, "delete", time + 2, json!({}));
        stranger["owner_id"] = json!(42);
        assert_eq!(w.post_event(&stranger).await, 200);
        // Not an event at all, and far too large to be one.
        let url = w.callback().await;
        let bad = w
            .app
            .client
            .post(&url)
            .body("{\"aspect_type\":")
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        let huge = w
            .app
            .client
            .post(&url)
            .body(vec![b' '; 20 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(huge.status(), 413);
        assert_eq!(w.pending().await, 1);
        w.app.drain().await;
        let kept = activities::find(&w.app.store, w.user, Provider::Strava, &victim.to_string())
            .await
            .unwrap()
            .unwrap();
        assert!(
            kept.deleted_at_ms.is_none(),
            "a forged delete deletes nothing"
        );
        let counts = webhooks::hourly_counts(&w.app.store, 0).await.unwrap();
        let ignored: i64 = counts.ignored.iter().map(|(_, n)| n).sum();
        assert_eq!(ignored, 2, "{counts:?}");
        w.sim.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deauthorization_is_believed_only_when_strava_refuses_the_token() {
    for engine in engines() {
        let w = world(engine).await;
        // An hour ago, so that it is not mistaken for the simulator's real event below.
        let time = jiff::Timestamp::now().as_second() - 3600;
        let forged = json!({
            "aspect_type": "update", "event_time": time, "object_id": w.strava_id,
            "object_type": "athlete", "owner_id": w.strava_id,
            "subscription_id": w.subscription_id, "updates": {"authorized": "false"},
        });
        assert_eq!(w.post_event(&forged).await, 200);
        w.app.drain().await;
        let strava = |list: Vec<integrations::Integration>| {
            list.into_iter()
                .find(|i| i.provider == Provider::Strava)
                .unwrap()
        };
        let still = strava(
            integrations::list_for_user(&w.app.store, w.user)
                .await
                .unwrap(),
        );
        assert_eq!(
            still.status,
            integrations::Status::Active,
            "a forged event revokes nothing"
        );

        // The athlete really revokes access at Strava: the simulator sends the event itself.
        let client = reqwest::Client::new();
        client
            .post(format!("http://{}/_sim/revoke", w.sim.addr()))
            .json(&json!({"athlete": 0}))
            .send()
            .await
            .unwrap();
        until("the deauthorization event", async || w.pending().await == 1).await;
        w.app.drain().await;
        let gone = strava(
            integrations::list_for_user(&w.app.store, w.user)
                .await
                .unwrap(),
        );
        assert_eq!(gone.status, integrations::Status::Revoked);
        let (_, total) = activities::page(&w.app.store, w.user, 1, 0).await.unwrap();
        assert_eq!(total, 0, "the athlete's Strava data is deleted");
        w.sim.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_strava_never_delivered_is_caught_by_the_planners_reconciliation() {
    for engine in engines() {
        let lost = sim::WebhookFaults {
            dropped: 1.0,
            ..sim::WebhookFaults::default()
        };
        let w = world_with(engine, lost).await;
        let id = w.record_ride(30).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(w.pending().await, 0, "the event was lost");
        assert_ne!(w.newest_stored().await, id);
        // A day after the last listing, the planner's quarter hour reconciles the athlete.
        let integration = integrations::list_for_user(&w.app.store, w.user)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.provider == Provider::Strava)
            .unwrap();
        trainload::store::planner::set_last_listed(
            &w.app.store,
            integration.id,
            now_ms() - 25 * 3_600_000,
        )
        .await
        .unwrap();
        w.app.start_run("strava_planner").await;
        w.app.drain().await;
        assert_eq!(w.newest_stored().await, id, "the listing found it");
        w.sim.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_deletion_and_a_privacy_change_are_applied_from_what_strava_says() {
    for engine in engines() {
        let w = world(engine).await;
        let client = reqwest::Client::new();
        let sim = format!("http://{}/_sim/activities", w.sim.addr());
        let (_, page_total) = activities::page(&w.app.store, w.user, 2, 0).await.unwrap();
        let (newest, _) = activities::page(&w.app.store, w.user, 2, 0).await.unwrap();
        let (gone, hidden) = (
            &newest[0].summary.external_id,
            &newest[1].summary.external_id,
        );
        client.delete(format!("{sim}/{gone}")).send().await.unwrap();
        client
            .post(format!("{sim}/{hidden}"))
            .json(&json!({"private": true}))
            .send()
            .await
            .unwrap();
        until("both events", async || w.pending().await == 2).await;
        w.app.drain().await;
        assert_eq!(w.pending().await, 0);
        let find = |id: &str| {
            let (store, user, id) = (w.app.store.clone(), w.user, id.to_owned());
            async move {
                activities::find(&store, user, Provider::Strava, &id)
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        assert!(
            find(gone).await.deleted_at_ms.is_some(),
            "Strava answered 404: soft-deleted"
        );
        assert!(
            find(hidden).await.summary.is_private,
            "Strava shows it private now"
        );
        let (_, total) = activities::page(&w.app.store, w.user, 2, 0).await.unwrap();
        assert_eq!(total, page_total - 1);
        w.sim.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_receiving_the_same_event_fetch_the_activity_once() {
    if !engines().contains(&Engine::Postgres) {
        return;
    }
    let w = world(Engine::Postgres).await;
    // A second server process on the same database, with its own scheduler.
    let options = AppOptions {
        engine: Engine::Postgres,
        ..AppOptions::default()
    };
    let info = w.sim.info();
    let second = trainload::startup::Application::build(
        crate::support::app::settings(&options, w.app.store_args.clone()),
        |store| {
            let ctx = trainload::demo::sim_sync_context(store, &info)?;
            Ok(trainload::jobs::all(&ctx)?)
        },
    )
    .await
    .unwrap();
    let second_url = format!("http://127.0.0.1:{}", second.port().unwrap());
    let second_scheduler = second.scheduler().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(second.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let id = w.newest_stored().await;
    let event = w.event(
        id,
        "update",
        jiff::Timestamp::now().as_second(),
        json!({"type": "Ride"}),
    );
    let path = w.callback().await.replace(&w.app.address, "");
    let post = |base: String| {
        let (client, event, path) = (w.app.client.clone(), event.clone(), path.clone());
        async move {
            client
                .post(format!("{base}{path}"))
                .json(&event)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let (a, b) = tokio::join!(post(w.app.address.clone()), post(second_url));
    assert_eq!((a, b), (reqwest::StatusCode::OK, reqwest::StatusCode::OK));
    assert_eq!(w.pending().await, 1, "one stored event");
    assert_eq!(w.live_tasks().await, 1, "one task");
    let before = w.sim_calls("strava.activity").await;
    let (x, y) = tokio::join!(
        w.app.scheduler.drain("one", 2),
        second_scheduler.drain("two", 2)
    );
    assert_eq!(x.unwrap() + y.unwrap(), 1, "one process ran the task");
    assert_eq!(
        w.sim_calls("strava.activity").await - before,
        1,
        "one fetch"
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    w.sim.shutdown();
}
