//! Strava and Intervals.icu clients (see the project's provider design notes).
