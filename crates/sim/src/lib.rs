//! A simulator of the Strava and Intervals.icu APIs with deterministic synthetic athletes.
