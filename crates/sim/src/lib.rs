//! A simulator of the Strava and Intervals.icu APIs with deterministic synthetic athletes.
//!
//! One HTTP server imitates both providers under path prefixes that keep the real paths
//! (`/strava/oauth/*`, `/strava/api/v3/*`, `/intervals/api/v1/*`) plus a control API (`/_sim/*`,
//! `/sim/stats`). Athletes, activities, streams and wellness are pure functions of the seed:
//! nothing is precomputed, streams are generated per request, and only mutations (tokens, edits,
//! created activities, counters) are kept in memory. See docs/providers.md §6; a bare "§n" in
//! this crate's documentation is a section of that page.

// The wellness record is one `json!` literal with every field Intervals.icu sends.
#![recursion_limit = "256"]

mod clock;
mod config;
mod model;
mod rng;
mod time;

pub use clock::{DEFAULT_START_MS, SimClock};
pub use config::{
    FaultKind, FaultSettings, ParseFaultError, RateLimits, SimConfig, WebhookFaults, parse_fault,
};
pub use model::athlete::{Profile, Sex, Truth};
mod server;
mod sim;

pub use sim::{Sim, SimAthleteInfo, SimError, SimHandle, SimInfo};
