//! Threshold history, resolution, estimation and adoption (SCIENCE.md §7).

#[derive(Debug, Clone, PartialEq, Default)]
/// Constants of §7.
pub struct ThresholdConfig {}
