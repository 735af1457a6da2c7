//! The store's conformance suite: every test runs on SQLite (a temporary file) and, when
//! `TRAINLOAD_TEST_POSTGRES_URL` is set, again on PostgreSQL in a database of its own. Plus the
//! `migrate` and `users` commands through the built binary.

mod activities;
mod budget;
mod cli;
mod curve_months;
mod daily_loads;
mod integrations;
mod misc;
mod planner;
mod secrets;
mod streams;
mod users;
mod wellness;
