//! The sync pipeline against the simulator over real HTTP: onboarding, idempotency,
//! concurrency, every fault kind, wellness and threshold changes, deletions and renames, and the
//! rate budget. Every test runs on SQLite and, when `TRAINLOAD_TEST_POSTGRES_URL` is set, on
//! PostgreSQL in a database of its own.

mod changes;
mod events;
mod faults;
mod isolation;
mod jobs;
mod onboarding;
mod repeat;
mod zones;
