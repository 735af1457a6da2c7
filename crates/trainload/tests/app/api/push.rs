//! Web Push end to end on both engines: an athlete subscribes two devices over the API, a sync
//! stores a new activity, and the delivery task posts one encrypted, VAPID-signed message to
//! each device of a stand-in push service that checks both; retries, ended subscriptions,
//! expiry, batching, preferences, the hourly limit, and one delivery across two processes.

use serde_json::{Value, json};
use sim::{SimClock, SimConfig, SimHandle};
use trainload::push::deliver::{self, DeliveryReport};
use trainload::push::vapid::VapidKey;
use trainload::startup::Application;
use trainload::store::now_ms;
use trainload::store::push::{self as store_push, Draft, Kind};
use trainload::sync::{SyncContext, SyncOptions};

use crate::api::athlete_data::Athlete;
use crate::api::push_service::{Device, PushService};
use crate::support::app::{
    AppOptions, Engine, TestApp, engines, settings, spawn_app_with, test_push,
};

/// An app over a simulator with one connected athlete (not yet onboarded), and a push service.
struct World {
    app: TestApp,
    sim: SimHandle,
    service: PushService,
    me: Athlete,
}

async fn world(engine: Engine) -> World {
    world_with(engine, None).await
}

async fn world_with(engine: Engine, vapid: Option<VapidKey>) -> World {
    let mut config = SimConfig::new(11, 1);
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
            vapid,
            ..AppOptions::default()
        },
        vec![],
    )
    .await;
    let user = trainload::demo::add_sim_athlete(&app.store, &info.athletes[0], now_ms())
        .await
        .unwrap();
    let me = Athlete::signed_in(&app, user).await;
    let service = PushService::start().await;
    let key = push_status(&app, &me).await["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    service.expect_server_key(&key);
    World {
        app,
        sim,
        service,
        me,
    }
}

async fn push_status(app: &TestApp, me: &Athlete) -> Value {
    let (status, body) = me.get(app, "/api/v1/me/push").await;
    assert_eq!(status, 200, "{body}");
    body
}

impl World {
    fn ctx(&self) -> &SyncContext {
        self.app.providers.as_ref().unwrap()
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .app
            .client
            .request(method, self.app.url(path))
            .header(reqwest::header::COOKIE, &self.me.cookie)
            .header(
                reqwest::header::USER_AGENT,
                "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36",
            );
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn subscribe(&self, device: &Device) -> i64 {
        let body = device.subscription(&self.service);
        let (status, created) = self
            .send(
                reqwest::Method::POST,
                "/api/v1/me/push/subscriptions",
                Some(body),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["device"], "Chrome on Android");
        created["id"].as_i64().unwrap()
    }

    async fn onboard(&self) {
        trainload::sync::onboard(self.ctx(), self.me.id, 20, &|_| {})
            .await
            .unwrap();
    }

    /// Has the simulator record a ride that just ended, and runs a quick sync that stores it.
    async fn new_ride(&self) {
        let created: Value = reqwest::Client::new()
            .post(format!("http://{}/_sim/activities", self.sim.addr()))
            .json(&json!({"athlete": 0, "sport_type": "Ride", "minutes": 45}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(created["id"].is_i64(), "{created}");
        let report = trainload::sync::user_sync(self.ctx(), self.me.id, &SyncOptions::quick())
            .await
            .unwrap();
        assert_eq!(report.new_activities, 1, "{report:?}");
    }

    async fn deliver_now(&self) -> DeliveryReport {
        let now = || now_ms();
        deliver::deliver(&self.ctx().push, &self.app.store, self.me.id, &now)
            .await
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_activity_reaches_each_device_once_encrypted_and_signed() {
    for engine in engines() {
        let w = world(engine).await;
        // Onboarding before any device is subscribed writes nothing.
        w.onboard().await;
        assert_eq!(
            store_push::counts(&w.app.store, None)
                .await
                .unwrap()
                .pending,
            0
        );

        let (phone, laptop) = (w.service.device("phone"), w.service.device("laptop"));
        w.subscribe(&phone).await;
        w.subscribe(&laptop).await;
        // A browser that subscribes again replaces its entry.
        w.subscribe(&phone).await;
        let status = push_status(&w.app, &w.me).await;
        assert_eq!(status["devices"].as_array().unwrap().len(), 2, "{status}");

        w.new_ride().await;
        w.app.drain().await;
        let received = w.service.received();
        assert_eq!(w.service.refused(), Vec::<String>::new());
        assert_eq!(received.len(), 2, "{received:?}");
        let (_, list) = w.me.get(&w.app, "/api/v1/me/activities?limit=1").await;
        let newest = &list["items"][0];
        for message in &received {
            let m = &message.message;
            assert_eq!(m["kind"], "activity");
            assert_eq!(m["title"], newest["name"], "{m}");
            assert_eq!(m["url"], format!("/activities/{}", newest["id"]));
            let body = m["body"].as_str().unwrap();
            let utl = newest["utl"].as_f64().unwrap();
            assert!(body.starts_with(&format!("UTL {utl:.0} · form ")), "{body}");
            assert!(message.ttl > 0 && message.ttl <= 86_400, "{}", message.ttl);
        }
        let mut devices: Vec<_> = received.iter().map(|r| r.device.clone()).collect();
        devices.sort();
        assert_eq!(devices, ["laptop", "phone"]);

        // Exactly once: draining and syncing again send nothing more.
        w.app.drain().await;
        trainload::sync::user_sync(w.ctx(), w.me.id, &SyncOptions::quick())
            .await
            .unwrap();
        w.app.drain().await;
        assert_eq!(w.service.received().len(), 2);
        let counts = push_status(&w.app, &w.me).await["deliveries"].clone();
        assert_eq!(
            counts,
            json!({"pending": 0, "sent": 2, "expired": 0, "rejected": 0})
        );
        let status = push_status(&w.app, &w.me).await;
        assert!(
            status["devices"][0]["last_delivered_at_ms"].is_i64(),
            "{status}"
        );
        w.sim.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_retry_ended_subscriptions_go_and_old_news_expires() {
    for engine in engines() {
        let w = world(engine).await;
        let (flaky, gone, missing) = (
            w.service.device("flaky"),
            w.service.device("gone"),
            w.service.device("missing"),
        );
        for device in [&flaky, &gone, &missing] {
            w.subscribe(device).await;
        }
        w.service.answer("flaky", &[503]);
        w.service.answer("gone", &[410]);
        w.service.answer("missing", &[404]);
        let (status, sent) = w
            .send(reqwest::Method::POST, "/api/v1/me/push/test", None)
            .await;
        assert_eq!((status, &sent), (202, &json!({"deliveries": 3})));

        // The task meets a 503: it fails to be retried with backoff; the ended subscriptions
        // are deleted at once.
        w.app.drain().await;
        assert!(w.service.received().is_empty());
        let status = push_status(&w.app, &w.me).await;
        assert_eq!(status["devices"].as_array().unwrap().len(), 1, "{status}");
        assert_eq!(status["deliveries"]["pending"], 1);
        let db = w.app.store.queue_db();
        let (state, class): (String, Option<String>) = queue::with_db!(&db, pool => sqlx::query_as(
            "SELECT state, last_error_class FROM task WHERE job_id = 'push_delivery'")
            .fetch_one(pool).await.unwrap());
        assert_eq!(
            (state.as_str(), class.as_deref()),
            ("ready", Some("retryable"))
        );

        // The retry delivers it, once.
        let report = w.deliver_now().await;
        assert_eq!((report.sent, report.waiting), (1, 0), "{report:?}");
        let received = w.service.received();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].message["kind"], "test");
        assert_eq!(w.deliver_now().await, DeliveryReport::default());

        // News older than a day is expired, not sent.
        let old = Draft {
            kind: Kind::Activity,
            title: "Yesterday's ride".to_owned(),
            body: "UTL 50".to_owned(),
            url: "/activities".to_owned(),
        };
        let two_days_ago = now_ms() - 2 * 86_400_000;
        w.ctx()
            .push
            .notify(&w.app.store, w.me.id, &[old], two_days_ago)
            .await
            .unwrap();
        let report = w.deliver_now().await;
        assert_eq!((report.expired, report.sent), (1, 0), "{report:?}");
        assert_eq!(w.service.received().len(), 1);
        w.sim.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_is_one_summary_and_preferences_and_the_hourly_limit_hold() {
    for engine in engines() {
        let w = world(engine).await;
        let phone = w.service.device("phone");
        w.subscribe(&phone).await;
        w.onboard().await;
        w.app.drain().await;
        let received = w.service.received();
        assert_eq!(
            received.len(),
            1,
            "one summary, never one per activity: {received:?}"
        );
        assert_eq!(received[0].message["kind"], "summary");
        assert!(
            received[0].message["title"]
                .as_str()
                .unwrap()
                .ends_with("new activities processed"),
            "{}",
            received[0].message
        );

        // No activity notifications when the athlete turned them off.
        let prefs = json!({"activities": false, "thresholds": true, "summaries": true});
        let (status, stored) = w
            .send(
                reqwest::Method::PUT,
                "/api/v1/me/push/preferences",
                Some(prefs.clone()),
            )
            .await;
        assert_eq!((status, stored), (200, prefs.clone()));
        w.new_ride().await;
        w.app.drain().await;
        assert_eq!(w.service.received().len(), 1);
        for bad in [
            json!({"activities": "no", "thresholds": true, "summaries": true}),
            json!({"activities": true, "thresholds": true, "summaries": true, "sms": true}),
            json!({"activities": true}),
        ] {
            let (status, error) = w
                .send(
                    reqwest::Method::PUT,
                    "/api/v1/me/push/preferences",
                    Some(bad.clone()),
                )
                .await;
            assert_eq!(status, 400, "{bad}: {error}");
        }
        assert_eq!(push_status(&w.app, &w.me).await["preferences"], prefs);

        // At most 20 notifications an hour, however many a runaway batch drafts.
        let drafts: Vec<Draft> = (0..30)
            .map(|i| Draft {
                kind: Kind::Summary,
                title: format!("Batch {i}"),
                body: String::new(),
                url: "/activities".to_owned(),
            })
            .collect();
        let written = w
            .ctx()
            .push
            .notify(&w.app.store, w.me.id, &drafts, now_ms())
            .await
            .unwrap();
        assert_eq!(
            written.notifications, 19,
            "the onboarding summary counts: {written:?}"
        );
        assert_eq!(written.dropped, 11);
        let (status, error) = w
            .send(reqwest::Method::POST, "/api/v1/me/push/test", None)
            .await;
        assert_eq!(
            (status, &error["code"]),
            (429, &json!("too_many_notifications"))
        );
        w.sim.shutdown();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_are_checked_owned_and_stored_sealed() {
    for engine in engines() {
        let w = world(engine).await;
        let phone = w.service.device("phone");
        let (status, error) = w
            .send(reqwest::Method::POST, "/api/v1/me/push/test", None)
            .await;
        assert_eq!((status, &error["code"]), (409, &json!("no_devices")));
        let good = phone.subscription(&w.service);
        let mut cases = Vec::new();
        for (path, value) in [
            ("endpoint", json!("http://push.example.org/x")),
            ("endpoint", json!("not a url")),
            ("p256dh", json!("AAAA")),
            ("auth", json!("AAAA")),
        ] {
            let mut bad = good.clone();
            match path {
                "endpoint" => bad["endpoint"] = value,
                key => bad["keys"][key] = value,
            }
            cases.push((bad, "invalid_subscription"));
        }
        let mut unknown = good.clone();
        unknown["extra"] = json!(1);
        cases.push((unknown, "invalid_body"));
        for (bad, code) in cases {
            let (status, error) = w
                .send(
                    reqwest::Method::POST,
                    "/api/v1/me/push/subscriptions",
                    Some(bad.clone()),
                )
                .await;
            assert_eq!((status, &error["code"]), (400, &json!(code)), "{bad}");
        }
        let id = w.subscribe(&phone).await;

        // The keys are sealed at rest.
        let db = w.app.store.queue_db();
        let sealed: Vec<u8> = queue::with_db!(&db, pool => sqlx::query_scalar(
            "SELECT keys_sealed FROM push_subscriptions WHERE id = $1")
            .bind(id).fetch_one(pool).await.unwrap());
        let auth = good["keys"]["auth"].as_str().unwrap();
        let p256dh = good["keys"]["p256dh"].as_str().unwrap();
        let text = String::from_utf8_lossy(&sealed);
        assert!(!text.contains(auth) && !text.contains(p256dh));

        // Another athlete neither sees nor removes it; its owner does.
        let other = Athlete::new(&w.app).await;
        assert_eq!(push_status(&w.app, &other).await["devices"], json!([]));
        let path = format!("/api/v1/me/push/subscriptions/{id}");
        let response = w
            .app
            .client
            .delete(w.app.url(&path))
            .header(reqwest::header::COOKIE, &other.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        let anonymous = w
            .app
            .client
            .get(w.app.url("/api/v1/me/push"))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
        let (status, _) = w.send(reqwest::Method::DELETE, &path, None).await;
        assert_eq!(status, 204);
        assert_eq!(push_status(&w.app, &w.me).await["devices"], json!([]));
        w.sim.shutdown();
    }
}

/// Two server processes on one PostgreSQL database, both draining: each device hears once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_deliver_each_notification_once() {
    if !engines().contains(&Engine::Postgres) {
        return;
    }
    // Every process of a deployment signs with the same VAPID key.
    let key = VapidKey::generate().unwrap();
    let w = world_with(Engine::Postgres, Some(key.clone())).await;
    let info = w.sim.info();
    let options = AppOptions {
        engine: Engine::Postgres,
        ..AppOptions::default()
    };
    let mut ctx = None;
    let second = Application::build(settings(&options, w.app.store_args.clone()), |store| {
        let mut built = trainload::demo::sim_sync_context(store, &info)?;
        built.push = test_push(Some(key));
        let jobs = trainload::jobs::all(&built)?;
        ctx = Some(built);
        Ok(jobs)
    })
    .await
    .unwrap()
    .with_providers(ctx.unwrap());
    let second = second.scheduler().clone();
    let devices: Vec<Device> = (0..3).map(|i| w.service.device(&format!("d{i}"))).collect();
    for device in &devices {
        w.subscribe(device).await;
    }
    for _ in 0..5 {
        w.send(reqwest::Method::POST, "/api/v1/me/push/test", None)
            .await;
    }
    let (a, b) = tokio::join!(w.app.drain(), second.drain("second/drain", 4));
    b.unwrap();
    let () = a;
    let received = w.service.received();
    assert_eq!(received.len(), 15, "{received:?}");
    let mut ids: Vec<(String, i64)> = received
        .iter()
        .map(|r| (r.device.clone(), r.message["id"].as_i64().unwrap()))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 15, "no device heard a notification twice");
    w.sim.shutdown();
}
