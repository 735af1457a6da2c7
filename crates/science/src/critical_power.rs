//! Critical power and critical speed fits, and the Morton 3-parameter curve (SCIENCE.md §7.2, §7.3).
