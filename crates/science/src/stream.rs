//! Validation and 1 Hz resampling of raw activity streams (SCIENCE.md §1).

#[derive(Debug, Clone, PartialEq, Default)]
/// Artefact limits and gap rules of §1.
pub struct StreamConfig {}
