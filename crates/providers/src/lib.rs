//! Strava and Intervals.icu clients: OAuth, activity listings, streams, wellness, the shared rate
//! budget and the error classes that drive retries (docs/providers.md §1–§4). A bare "§n" in
//! this crate's documentation is a section of that page.
//!
//! Each client owns one `reqwest::Client`, makes one attempt per call and returns a classified
//! [`ProviderError`]; retries, token persistence and the SQL budget belong to the application.

pub mod budget;
mod decode;
pub mod error;
mod http;
pub mod intervals;
mod lenient;
pub mod redact;
pub mod strava;

pub use budget::{Bucket, BudgetError, Observed, Priority, Provider, RateBudget};
pub use error::{ErrorClass, Fault, FaultError, ProviderError, ReauthReason};
pub use http::USER_AGENT;
pub use intervals::{IntervalsClient, IntervalsConfig, WellnessRecord};
pub use strava::{StravaClient, StravaConfig};
