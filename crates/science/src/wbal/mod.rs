//! W-prime balance, integral and differential (SCIENCE.md §9).
