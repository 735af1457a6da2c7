//! Strava and Intervals.icu clients: OAuth, activity listings, streams, wellness, the shared rate
//! budget and the error classes that drive retries.

pub mod budget;
