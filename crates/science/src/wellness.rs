//! The wellness modifier and wellness status (SCIENCE.md §6).

#[derive(Debug, Clone, PartialEq, Default)]
/// Band tables of §6.
pub struct WellnessConfig {}
