//! The integration tests of the `trainload` crate: activity files through the public reader and
//! the `trainload` binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

#[path = "../support/fitgen.rs"]
mod fitgen;
#[path = "../support/scenarios.rs"]
mod scenarios;

#[path = "../support/sample_ride.rs"]
mod sample_ride;

mod analyze;
mod analyze_zones;
mod fit;
mod metrics;
mod sample;
mod sim_cli;
mod xml;
