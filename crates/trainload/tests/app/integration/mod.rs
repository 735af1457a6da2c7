//! The integration tests of the `trainload` crate: activity files through the public reader and
//! the `trainload` binary.

mod analyze;
mod analyze_zones;
mod fit;
mod metrics;
mod sample;
mod sim_cli;
mod xml;
