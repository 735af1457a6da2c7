//! Integration tests of the provider clients: real HTTP against wiremock on 127.0.0.1 (request
//! shape, status handling) and the synthetic fixtures in `tests/fixtures` (response shape).
#![allow(
    clippy::unwrap_used,
    reason = "helpers outside #[test] functions panic on setup failures, as tests do"
)]

mod intervals;
mod secrets;
mod strava_budget;
mod strava_contract;
mod strava_errors;
mod strava_requests;
mod support;
