//! Banister TRIMP and hrTSS (SCIENCE.md §4).

#[derive(Debug, Clone, PartialEq, Default)]
/// Constants of §4.
pub struct HeartRateConfig {}
