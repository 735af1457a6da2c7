//! Simulator throughput over real HTTP on loopback: 200-item activity list pages and full 1 Hz
//! stream sets per second. Run with `cargo bench -p sim`.
#![expect(clippy::expect_used, reason = "a benchmark of a known-good simulator")]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use sim::{Sim, SimConfig};

const KEYS: &str = "time,watts,heartrate,velocity_smooth,distance,altitude,grade_smooth,moving";

fn throughput(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (base, token, ids, _handle) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let mut config = SimConfig::new(1, 20);
        config.rate_limits = None;
        config.history_days = 400;
        let handle = Sim::start(config, listener).expect("start");
        let info = handle.info();
        let http = reqwest::Client::new();
        let form = [
            ("client_id", info.client_id.as_str()),
            ("client_secret", info.client_secret.as_str()),
            ("grant_type", "refresh_token"),
            (
                "refresh_token",
                info.athletes[0].strava_refresh_token.as_str(),
            ),
        ];
        let grant: Value = http
            .post(format!("{}/token", info.strava_oauth_base))
            .form(&form)
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("grant");
        let token = grant["access_token"]
            .as_str()
            .expect("access token")
            .to_owned();
        let page: Value = http
            .get(format!(
                "{}/athlete/activities?per_page=200",
                info.strava_api_base
            ))
            .bearer_auth(&token)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("page");
        let ids: Vec<i64> = page
            .as_array()
            .expect("array")
            .iter()
            .filter(|a| a["manual"] == false)
            .filter_map(|a| a["id"].as_i64())
            .collect();
        (info.strava_api_base.clone(), token, ids, handle)
    });
    let http = reqwest::Client::new();
    let mut group = c.benchmark_group("sim");
    group.throughput(Throughput::Elements(1));
    group.bench_function("list_page_200", |b| {
        b.to_async(&runtime).iter(|| async {
            let url = format!("{base}/athlete/activities?per_page=200&page=1");
            let body = http
                .get(url)
                .bearer_auth(&token)
                .send()
                .await
                .expect("list");
            black_box(body.bytes().await.expect("body"))
        });
    });
    let mut next = 0;
    group.bench_function("streams_one_activity", |b| {
        b.to_async(&runtime).iter(|| {
            next = (next + 1) % ids.len();
            let url = format!(
                "{base}/activities/{}/streams?keys={KEYS}&key_by_type=true",
                ids[next]
            );
            let request = http.get(url).bearer_auth(&token);
            async move {
                black_box(
                    request
                        .send()
                        .await
                        .expect("streams")
                        .bytes()
                        .await
                        .expect("body"),
                )
            }
        });
    });
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
