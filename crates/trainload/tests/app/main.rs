//! The `trainload` crate's tests, in one binary over one support module (`support`):
//!
//! - `store`: the store's conformance suite, every test on SQLite and, when
//!   `TRAINLOAD_TEST_POSTGRES_URL` is set, on PostgreSQL in a database of its own;
//! - `sync`: the sync pipeline against the simulator over real HTTP, on both engines;
//! - `api`: the app on 127.0.0.1 port 0 with a fresh database per test, driven over real HTTP,
//!   plus the lifecycle and the CLI;
//! - `demo`: the demo in-process, signed in through the password-free demo link;
//! - `integration`: activity files through the public reader and the `trainload` binary;
//! - `bench_cli`: the benchmark harness at its smallest sizes;
//! - `multiproc`: real `trainload worker` processes on one database;
//! - `e2e`: the product in a real browser (`trainload demo` driven through `chromedriver`);
//! - `layers`: the application crate's modules depend on each other one way.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

#[macro_use]
mod support;

mod api;
mod bench_cli;
mod demo;
mod e2e;
mod integration;
mod layers;
mod multiproc;
mod store;
mod sync;
