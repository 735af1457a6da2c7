//! A browser stand-in for the sign-in tests: keeps cookies by hand (reqwest's `cookies` feature
//! is off), never follows redirects, and sends `Sec-Fetch-Site`/`Origin` like a browser does
//! on a same-origin form post. Plus the simulator the app signs in against.

use crate::support::world::unlimited;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;
use sim::{SimClock, SimConfig, SimHandle};

use crate::support::app::{AppOptions, Engine, TestApp, spawn_app_with};

/// A simulator of `athletes` athletes with 20 days of history, on the wall clock (the app's
/// sync reads the system clock), without rate limits.
pub async fn start_sim(athletes: usize) -> SimHandle {
    let mut config = unlimited(SimConfig::new(7, athletes));
    config.history_days = 20;
    config.clock = SimClock::real(1.0);
    crate::support::start_sim(config).await
}

/// The app on `engine` signing in against `sim`, with `public_url` if given.
pub async fn sim_app(engine: Engine, sim: &SimHandle, public_url: Option<&'static str>) -> TestApp {
    let options = AppOptions {
        engine,
        sim: Some(sim.info()),
        public_url,
        ..AppOptions::default()
    };
    spawn_app_with(options, vec![]).await
}

/// One browser's cookie jar against one app.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Self {
            base: app.address.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Vec::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Stores the response's cookies (a `Max-Age=0` one is deleted).
    fn absorb(&mut self, response: &reqwest::Response) {
        for header in response.headers().get_all(SET_COOKIE) {
            let text = header.to_str().unwrap();
            let (name, value) = text.split(';').next().unwrap().split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            if !text.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.iter().any(|(k, _)| k == name)
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if !self.cookies.is_empty() {
            request = request.header(COOKIE, self.cookie_header());
        }
        let response = request.send().await.unwrap();
        self.absorb(&response);
        response
    }

    /// Status and JSON body of a GET.
    pub async fn json(&mut self, path: &str) -> (StatusCode, Value) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Status and text of a GET.
    pub async fn text(&mut self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// A form post from one of the app's own pages (`Sec-Fetch-Site: same-origin`).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.post_form_from(path, fields, "same-origin", None).await
    }

    /// A form post with the given `Sec-Fetch-Site` and optional `Origin`.
    pub async fn post_form_from(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        fetch_site: &str,
        origin: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(path))
            .form(fields)
            .header("sec-fetch-site", fetch_site)
            .header(COOKIE, self.cookie_header());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = request.send().await.unwrap();
        self.absorb(&response);
        response
    }
}

/// The `Location` of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    assert!(
        response.status().is_redirection(),
        "expected a redirect, got {}",
        response.status()
    );
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

/// The value of query parameter `name` in `url`.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `/auth/strava/login`, then the simulator's authorize page as simulated athlete `athlete`
/// with `extra` query (`&sim_deny=1`, `&sim_scope=read`): the callback URL it sends the
/// browser back to.
pub async fn authorize(browser: &mut Browser, athlete: usize, extra: &str) -> String {
    let login = browser.get("/auth/strava/login").await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let authorize = location(&login);
    let at_sim = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{authorize}&sim_athlete={athlete}{extra}"))
        .send()
        .await
        .unwrap();
    assert_eq!(at_sim.status(), StatusCode::FOUND);
    location(&at_sim)
}

/// A browser signed in through the whole OAuth round trip as simulated athlete `athlete`.
pub async fn sign_in(app: &TestApp, athlete: usize) -> Browser {
    let mut browser = Browser::new(app);
    let callback = authorize(&mut browser, athlete, "").await;
    let done = browser.get(&callback).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/dashboard");
    assert!(browser.has_cookie("tl_session"));
    assert!(
        !browser.has_cookie("tl_oauth_state"),
        "the state is single-use"
    );
    browser
}
