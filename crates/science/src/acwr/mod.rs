//! Acute:chronic workload ratios, risk bands, monotony and strain (SCIENCE.md §10).
