//! Grade-adjusted speed (Minetti), NGP and rTSS (SCIENCE.md §3).

#[derive(Debug, Clone, PartialEq, Default)]
/// Constants of §3.
pub struct RunningConfig {}
