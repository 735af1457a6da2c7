//! The demo end to end: the simulator, onboarded athletes and the real server in-process,
//! signed in through the password-free demo link, driven over real HTTP.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod access;
mod admin;
mod dashboard;
mod pages;
mod plan;
mod simulator;
#[path = "../support/sse.rs"]
mod sse;
mod support;
