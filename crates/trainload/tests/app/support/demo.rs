//! A running demo per test: a small one (two athletes, 35 days) in its own temp directory, and a
//! client that keeps the session cookie by hand (reqwest's `cookies` feature is off).

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use trainload::demo::{self, Demo, DemoAthlete, DemoOptions};

use crate::support::temp_dir;

/// A running demo; stops the server and the simulator on [`Running::stop`].
pub struct Running {
    pub base: String,
    pub athletes: Vec<DemoAthlete>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    pub sim: sim::SimHandle,
    pub ctx: trainload::sync::SyncContext,
    _dir: TempDir,
}

/// Starts a demo of `athletes` athletes with `days` days of history on 127.0.0.1:0.
pub async fn start(athletes: usize, days: u32) -> Running {
    let dir = temp_dir();
    let mut options = DemoOptions::new(dir.path().to_owned());
    options.listen = "127.0.0.1:0".parse().unwrap();
    options.athletes = athletes;
    options.history_days = days;
    options.workers = 1;
    let Demo {
        app,
        sim,
        athletes,
        ctx,
        ..
    } = demo::start(&options, &|_| {}).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port().unwrap());
    let (stop, stopped) = oneshot::channel();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    Running {
        base,
        athletes,
        stop: Some(stop),
        server: Some(server),
        sim,
        ctx,
        _dir: dir,
    }
}

impl Running {
    /// Subscribes the running server to the simulator's webhook events, as `trainload demo`
    /// does, and waits until the subscription is stored.
    pub async fn subscribe(&self) {
        let strava = self.ctx.strava.clone().unwrap();
        trainload::subscription::ensure(
            &self.ctx.store,
            &strava,
            &self.base,
            false,
            trainload::store::now_ms,
        )
        .await
        .unwrap();
    }

    /// Stops the server (waiting for it) and the simulator.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
        self.sim.shutdown();
    }

    /// A client signed in as athlete `index` through the demo link.
    pub async fn sign_in(&self, index: usize) -> Browser {
        let user = self.athletes[index].user;
        let anonymous = Browser::anonymous(&self.base);
        let response = anonymous.raw_get(&Demo::login_path(user)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[LOCATION], "/dashboard");
        let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
        assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
        assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
        let pair = set_cookie.split(';').next().unwrap().to_owned();
        Browser {
            cookie: Some(pair),
            ..anonymous
        }
    }
}

/// An HTTP client that sends one cookie and never follows redirects.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookie: Option<String>,
}

impl Browser {
    pub fn anonymous(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
        }
    }

    pub async fn raw_get(&self, path: &str) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie);
        }
        request.send().await.unwrap()
    }

    /// A same-origin form POST, as a page's button sends it.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("sec-fetch-site", "same-origin")
            .header("origin", &self.base)
            .form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie);
        }
        request.send().await.unwrap()
    }

    /// Status and JSON body.
    pub async fn json(&self, path: &str) -> (StatusCode, Value) {
        let response = self.raw_get(path).await;
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Status and text body.
    pub async fn text(&self, path: &str) -> (StatusCode, String) {
        let response = self.raw_get(path).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }
}
