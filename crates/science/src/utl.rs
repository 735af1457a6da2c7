//! The UTL method hierarchy and its provenance (SCIENCE.md §5, §12).

#[derive(Debug, Clone, PartialEq, Default)]
/// Constants of §5.
pub struct UtlConfig {
    /// Per-class HR factors and default intensities.
    pub sports: crate::sport::SportTable,
}
