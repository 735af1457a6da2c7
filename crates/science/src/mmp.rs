//! Mean-maximal power curves: exact per-activity curves, envelopes and window merging (SCIENCE.md §8).
