//! Cycling power metrics: NP, IF, TSS, work, VI, xPower (SCIENCE.md §2).

#[derive(Debug, Clone, PartialEq, Default)]
/// Constants of §2.
pub struct PowerConfig {}
