//! Best-speed curves and best times over standard running distances (SCIENCE.md §8).

#[derive(Debug, Clone, PartialEq, Default)]
/// Constants of §8.
pub struct CurveConfig {}
