//! Small numeric helpers with a fixed evaluation order, so results are bit-identical everywhere
//! (SCIENCE.md §12).

/// x⁴ evaluated as (x·x)·(x·x).
#[inline]
pub fn pow4(x: f64) -> f64 {
    let sq = x * x;
    sq * sq
}

/// Fourth root evaluated as sqrt(sqrt(m)); `sqrt` is correctly rounded.
#[inline]
pub fn root4(m: f64) -> f64 {
    m.sqrt().sqrt()
}
