//! The queue's one integration-test binary: every test runs on SQLite and, when
//! `TRAINLOAD_TEST_POSTGRES_URL` is set, on PostgreSQL too (a fresh database per test).
#![expect(
    clippy::unwrap_used,
    reason = "test support fails loudly on broken set-up"
)]

mod helpers;

mod manual;
mod tasks;
mod tick;
mod wake;
