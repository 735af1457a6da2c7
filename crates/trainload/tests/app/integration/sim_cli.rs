//! `trainload sim` prints its base URLs and credentials as one JSON line once it listens, and
//! serves the simulated APIs on that address.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Kills the child when the test ends, whatever happens.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn the_simulator_prints_its_contract_line_and_serves() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_trainload"))
            .args([
                "sim",
                "--listen",
                "127.0.0.1:0",
                "--athletes",
                "4",
                "--seed",
                "9",
            ])
            .args(["--fault", "2:intervals-401"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    for key in [
        "strava_api_base",
        "strava_oauth_base",
        "intervals_base",
        "client_id",
        "client_secret",
    ] {
        assert!(info[key].is_string(), "{key} in {line}");
    }
    let athletes = info["athletes"].as_array().unwrap();
    assert_eq!(athletes.len(), 4);
    for key in [
        "index",
        "name",
        "sex",
        "strava_athlete_id",
        "strava_refresh_token",
        "profile",
    ] {
        assert!(!athletes[0][key].is_null(), "{key}");
    }
    let base = info["strava_api_base"].as_str().unwrap();
    let address = base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap();
    let stats = get(address, "/sim/stats");
    assert!(stats.starts_with("HTTP/1.1 200"), "{stats}");
}

#[test]
fn an_unknown_fault_kind_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args(["sim", "--fault", "1:gremlins"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("strava-5xx"));
}

#[test]
fn the_simulator_writes_the_environment_of_the_pipeline() {
    let dir = crate::support::temp_dir();
    let env_file = dir.path().join("sim.env");
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_trainload"))
            .args(["sim", "--athletes", "2", "--seed", "4", "--env-file"])
            .arg(&env_file)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    // The file is complete before the line is printed.
    let text = std::fs::read_to_string(&env_file).unwrap();
    drop(dir);
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} missing from {text}"))
            .trim_matches('\'')
            .to_owned()
    };
    assert_eq!(value("TRAINLOAD_STRAVA_CLIENT_ID"), info["client_id"]);
    assert_eq!(value("TRAINLOAD_STRAVA_API_BASE"), info["strava_api_base"]);
    assert_eq!(value("TRAINLOAD_INTERVALS_BASE"), info["intervals_base"]);
    for (index, athlete) in info["athletes"].as_array().unwrap().iter().enumerate() {
        let id = value(&format!("SIM_ATHLETE_{index}_STRAVA_ATHLETE_ID"));
        assert_eq!(id, athlete["strava_athlete_id"].to_string());
        assert_eq!(
            value(&format!("SIM_ATHLETE_{index}_STRAVA_REFRESH_TOKEN")),
            athlete["strava_refresh_token"]
        );
    }
}
