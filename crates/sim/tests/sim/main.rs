//! The simulator over real HTTP on 127.0.0.1:0.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod faults;
mod helpers;
mod intervals;
mod listing;
mod model;
mod shapes;
mod strava_auth;
