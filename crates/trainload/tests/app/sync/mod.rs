//! The sync pipeline against the simulator over real HTTP: onboarding, idempotency,
//! concurrency, every fault kind, wellness and threshold changes, deletions and renames, and the
//! rate budget. Every test runs on SQLite and, when `TRAINLOAD_TEST_POSTGRES_URL` is set, on
//! PostgreSQL in a database of its own.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

#[allow(
    dead_code,
    reason = "shared with the store suite; not every helper is used here"
)]
#[macro_use]
#[path = "../store/helpers.rs"]
mod helpers;

mod support;

mod changes;
mod events;
mod faults;
mod isolation;
mod jobs;
mod onboarding;
mod repeat;
mod zones;
