//! Starting a simulator and calling it.

use serde_json::Value;
use sim::{Profile, Sim, SimConfig, SimHandle, SimInfo};
use tokio::net::TcpListener;

pub struct Ctx {
    pub handle: SimHandle,
    pub info: SimInfo,
    pub http: reqwest::Client,
}

pub async fn start(config: SimConfig) -> Ctx {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let handle = Sim::start(config, listener).unwrap();
    let info = handle.info();
    Ctx {
        handle,
        info,
        http: reqwest::Client::new(),
    }
}

/// A config without rate limits, for tests that make many calls.
pub fn unlimited(seed: u64, athletes: usize) -> SimConfig {
    let mut config = SimConfig::new(seed, athletes);
    config.rate_limits = None;
    config.intervals_max_rps = None;
    config
}

impl Ctx {
    pub fn index_of(&self, profile: Profile) -> usize {
        self.info
            .athletes
            .iter()
            .find(|a| a.profile == profile)
            .unwrap()
            .index
    }

    pub async fn refresh(&self, refresh_token: &str) -> reqwest::Response {
        let form = [
            ("client_id", self.info.client_id.as_str()),
            ("client_secret", self.info.client_secret.as_str()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ];
        self.http
            .post(format!("{}/token", self.info.strava_oauth_base))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn access_token(&self, index: usize) -> String {
        let response = self
            .refresh(&self.info.athletes[index].strava_refresh_token)
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn strava(&self, token: &str, path_and_query: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path_and_query}", self.info.strava_api_base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn strava_json(&self, token: &str, path_and_query: &str) -> Value {
        let response = self.strava(token, path_and_query).await;
        assert_eq!(response.status(), 200, "{path_and_query}");
        response.json().await.unwrap()
    }

    /// Every activity of an athlete in the history, newest first.
    pub async fn all_activities(&self, token: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for page in 1.. {
            let items = self
                .strava_json(
                    token,
                    &format!("/athlete/activities?per_page=200&page={page}"),
                )
                .await;
            let items = items.as_array().unwrap().clone();
            let short = items.len() < 200;
            out.extend(items);
            if short {
                break;
            }
        }
        out
    }

    pub async fn intervals(&self, index: usize, path: &str) -> reqwest::Response {
        let key = self.info.athletes[index].intervals_api_key.clone().unwrap();
        self.http
            .get(format!("{}/api/v1{path}", self.info.intervals_base))
            .basic_auth("API_KEY", Some(key))
            .send()
            .await
            .unwrap()
    }

    pub async fn control(&self, path: &str) -> Value {
        let url = format!("http://{}{path}", self.handle.addr());
        self.http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn control_post(&self, path: &str, body: Value) -> reqwest::Response {
        let url = format!("http://{}{path}", self.handle.addr());
        self.http.post(url).json(&body).send().await.unwrap()
    }
}

/// Streams of an activity, keyed.
pub async fn streams(ctx: &Ctx, token: &str, id: i64) -> Value {
    let keys = "time,watts,heartrate,velocity_smooth,distance,altitude,grade_smooth,moving";
    ctx.strava_json(
        token,
        &format!("/activities/{id}/streams?keys={keys}&key_by_type=true"),
    )
    .await
}

pub fn ints(stream: &Value) -> Vec<i64> {
    stream["data"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_i64().unwrap()).collect())
        .unwrap_or_default()
}

pub fn floats(stream: &Value) -> Vec<f64> {
    stream["data"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_f64().unwrap()).collect())
        .unwrap_or_default()
}
