//! The demo end to end: the simulator, onboarded athletes and the real server in-process,
//! signed in through the password-free demo link, driven over real HTTP.

mod access;
mod admin;
mod dashboard;
mod pages;
mod plan;
mod simulator;
