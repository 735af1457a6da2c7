//! CTL/ATL/TSB and ramp (SCIENCE.md §10).

#[derive(Debug, Clone, PartialEq, Default)]
/// Constants of §10.
pub struct LoadConfig {}
