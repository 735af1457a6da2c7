//! Exact maxima of short ranges of a piece's values, for the memo's carried bounds
//! ([`super::descent`]): over a few durations a memo block's windows gain the values of a range
//! of at most 2·[`SHORT`], whose maximum then costs one or two loads instead of a sparse-table
//! query ([`RangeTable::max`]). Built only for exact integer pieces, like the table.

use super::bounds::{RangeTable, greater};

/// The longest range one entry answers ([`Near::max`]); two entries answer up to twice that.
pub(super) const SHORT: usize = 32;

/// Short-range maxima: the values a memo block's windows gain over a few durations cost one
/// or two loads instead of a sparse-table query.
#[derive(Debug, Clone, Copy)]
pub(super) struct Near<'a> {
    pub(super) near: &'a [f64],
    pub(super) table: &'a RangeTable,
}

impl Near<'_> {
    /// An upper bound of max(values[a..b]) for a < b ≤ len: the exact maximum of a range
    /// containing it when b − a ≤ 2·[`SHORT`], else the table's bound.
    #[inline]
    pub(super) fn max(&self, a: usize, b: usize) -> f64 {
        if b - a <= SHORT {
            self.near[a]
        } else if b - a <= 2 * SHORT {
            greater(self.near[a], self.near[b - SHORT])
        } else {
            self.table.max(a, b)
        }
    }
}

/// max(values[j .. j + SHORT]) for every j (clipped at the end) from the prefix sums, in O(n):
/// the maximum from j to the end of its aligned chunk of SHORT values, then the running
/// maximum of the next chunk up to j + SHORT − 1. Each value is the exact difference of two
/// integer sums below 2⁵² (tables exist only for such pieces).
pub(super) fn near_maxima(sums: &[f64]) -> Vec<f64> {
    let n = sums.len() - 1;
    let value = |j: usize| sums[j + 1] - sums[j];
    let mut out = vec![f64::NEG_INFINITY; n];
    for c in (0..n).step_by(SHORT) {
        let end = n.min(c + SHORT);
        let mut run = f64::NEG_INFINITY;
        for j in (c..end).rev() {
            run = greater(run, value(j));
            out[j] = run;
        }
        let mut run = f64::NEG_INFINITY;
        for j in c + 1..end {
            if let Some(&next) = sums.get(j + SHORT) {
                run = greater(run, next - sums[j + SHORT - 1]);
            }
            out[j] = greater(out[j], run);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mmp::bounds::RangeTable;

    #[test]
    fn near_maxima_are_the_maxima_of_the_next_short_values() {
        for n in [1, 5, SHORT - 1, SHORT, SHORT + 1, 3 * SHORT + 7] {
            let values: Vec<f64> = (0..n).map(|j| ((j * 37 + 11) % 53) as f64).collect();
            let mut sums = vec![0.0];
            for v in &values {
                sums.push(sums[sums.len() - 1] + v);
            }
            let near = near_maxima(&sums);
            for (j, &m) in near.iter().enumerate() {
                let end = n.min(j + SHORT);
                let want = values[j..end]
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max);
                assert_eq!(m, want, "n {n} j {j}");
            }
            let table = RangeTable::new(&values);
            let near = table.near(&sums);
            for a in 0..n {
                for b in a + 1..=n {
                    let want = values[a..b]
                        .iter()
                        .copied()
                        .fold(f64::NEG_INFINITY, f64::max);
                    assert!(near.max(a, b) >= want);
                }
            }
        }
    }
}
