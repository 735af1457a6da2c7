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
        let mut ticker = tokio::time::interval(period);
        ticker.tick().await;
        for person in athletes.iter().cycle() {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
            match record_activity(&client, sim, person).await {
                Ok(()) => {
                    tracing::info!(athlete = %person.name, "the simulator recorded a new activity");
                }
                Err(error) => tracing::debug!(%error, "the simulator refused an activity"),
            }
        }
    })
}

/// Has the simulator record a 45-minute activity of `person` that just ended (and send its
/// webhook event).
///
/// # Errors
/// The simulator did not answer, or refused (at most five new activities per athlete and day).
pub async fn record_activity(
    client: &reqwest::Client,
    sim: SocketAddr,
    person: &DemoAthlete,
) -> Result<(), reqwest::Error> {
    let body = serde_json::json!({
        "athlete": person.sim_index,
        "sport_type": sport_of(person.profile),
        "minutes": 45,
    });
    client
        .post(format!("http://{sim}/_sim/activities"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// The sport a new activity of `profile` gets.
fn sport_of(profile: &str) -> &'static str {
    match profile {
        "runner" | "hr_only" => "Run",
        _ => "Ride",
    }
}
