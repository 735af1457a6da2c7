//! Five-day training recommendations (SCIENCE.md §11).

#[derive(Debug, Clone, PartialEq, Default)]
/// Constants of §11.
pub struct RecommendConfig {}
