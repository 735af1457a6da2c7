//! Keeps the simulator producing: one new activity every period, round-robin over the athletes,
//! so the scheduler's quick sync finds new data while the demo runs.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::DemoAthlete;

/// Posts a new activity (`POST /_sim/activities`) for the next athlete every `period` until
/// `stop` turns true. Refusals (the simulator allows five per athlete and day) are logged.
pub fn spawn_feed(
    sim: SocketAddr,
    athletes: Vec<DemoAthlete>,
    period: Duration,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let client = super::sim_client();
        let url = format!("http://{sim}/_sim/activities");
        let mut ticker = tokio::time::interval(period);
        ticker.tick().await;
        for person in athletes.iter().cycle() {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
            let body = serde_json::json!({
                "athlete": person.sim_index,
                "sport_type": sport_of(person.profile),
                "minutes": 45,
            });
            let sent = client
                .post(&url)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => {
                    tracing::info!(athlete = %person.name, "the simulator recorded a new activity");
                }
                Ok(r) => tracing::debug!(status = %r.status(), "the simulator refused an activity"),
                Err(error) => tracing::warn!(%error, "the simulator did not answer"),
            }
        }
    })
}

/// The sport a new activity of `profile` gets.
fn sport_of(profile: &str) -> &'static str {
    match profile {
        "runner" | "hr_only" => "Run",
        _ => "Ride",
    }
}
