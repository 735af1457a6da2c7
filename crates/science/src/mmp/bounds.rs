//! Upper bounds for the exact search that need more than the prefix sums: block-granular range
//! minima and maxima of a piece's values (with exact maxima of short ranges for the memo), and
//! the global cap of one duration from the maxima
//! already found for shorter ones.
//!
//! Both are used only when every sum is an exact integer (integer values, sums below 2⁵²), so
//! the identities they rest on hold in floating point too.

use std::cell::OnceCell;

use super::near::{Near, near_maxima};

/// Range minima and maxima at the granularity of blocks of `block` values.
///
/// A query returns the minimum (maximum) over the whole blocks that cover the range: a superset
/// of the range, so the minimum is ≤ and the maximum ≥ the range's own, which is all a bound
/// needs. With blocks of at least log₂ n values (a power of two) the sparse tables hold O(n)
/// entries.
#[derive(Debug)]
pub(super) struct RangeTable {
    /// log₂ of the values per block.
    shift: u32,
    /// Number of blocks (the stride of one level).
    blocks: usize,
    /// Level k at `k * blocks ..`: min over blocks `j .. j + 2^k`.
    mins: Vec<f64>,
    /// Level k at `k * blocks ..`: max over blocks `j .. j + 2^k`.
    maxs: Vec<f64>,
    /// `near[j]` = max(values[j .. j + SHORT]) (clipped at the end), built on first use (see
    /// [`Near`]).
    near: OnceCell<Vec<f64>>,
}

impl RangeTable {
    /// Builds the tables of a non-empty series.
    pub(super) fn new(values: &[f64]) -> Self {
        let shift = values
            .len()
            .max(2)
            .ilog2()
            .next_power_of_two()
            .ilog2()
            .max(3);
        let block = 1_usize << shift;
        let blocks = values.len().div_ceil(block);
        let levels = blocks.max(1).ilog2() as usize + 1;
        let mut mins = vec![f64::INFINITY; levels * blocks];
        let mut maxs = vec![f64::NEG_INFINITY; levels * blocks];
        for (j, chunk) in values.chunks(block).enumerate() {
            mins[j] = chunk.iter().copied().fold(f64::INFINITY, lesser);
            maxs[j] = chunk.iter().copied().fold(f64::NEG_INFINITY, greater);
        }
        for k in 1..levels {
            let half = 1 << (k - 1);
            for j in 0..=(blocks - (1 << k)) {
                let (prev, here) = ((k - 1) * blocks + j, k * blocks + j);
                mins[here] = lesser(mins[prev], mins[prev + half]);
                maxs[here] = greater(maxs[prev], maxs[prev + half]);
            }
        }
        Self {
            shift,
            blocks,
            mins,
            maxs,
            near: OnceCell::new(),
        }
    }

    /// Maxima of short ranges for the piece with prefix sums `sums` (the values this table was
    /// built from), computed on the first call, which the search makes only once the memo has
    /// been checked often enough to repay them.
    pub(super) fn near<'a>(&'a self, sums: &[f64]) -> Near<'a> {
        Near {
            near: self.near.get_or_init(|| near_maxima(sums)),
            table: self,
        }
    }

    /// Level offset and the two overlapping block runs covering `values[a..b]`, a < b ≤ len.
    #[inline]
    fn cover(&self, a: usize, b: usize) -> (usize, usize) {
        let (first, last) = (a >> self.shift, (b - 1) >> self.shift);
        let k = (last - first + 1).ilog2() as usize;
        (
            k * self.blocks + first,
            k * self.blocks + last + 1 - (1 << k),
        )
    }

    /// A lower bound of min(values[a..b]) for a < b ≤ len.
    #[inline]
    pub(super) fn min(&self, a: usize, b: usize) -> f64 {
        let (x, y) = self.cover(a, b);
        lesser(self.mins[x], self.mins[y])
    }

    /// An upper bound of max(values[a..b]) for a < b ≤ len.
    #[inline]
    pub(super) fn max(&self, a: usize, b: usize) -> f64 {
        let (x, y) = self.cover(a, b);
        greater(self.maxs[x], self.maxs[y])
    }
}

/// The smaller of two values that are never NaN (one compare, no NaN handling).
#[inline]
pub(super) fn lesser(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// The larger of two values that are never NaN.
#[inline]
pub(super) fn greater(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// Splits always tried besides the remembered ones.
const CHEAP_SPLIT: usize = 1;
/// Longest pause, in durations, after a thorough split search that certified nothing.
const MAX_BACKOFF: usize = 64;

/// The global cap U(d) = min over splits d = a + (d − a) of M(a) + M(d − a), M the best window
/// sum of a shorter duration over all pieces.
///
/// Every window of d samples is a window of a samples followed by one of d − a samples in the
/// same piece, so its sum (an exact integer) is at most U(d). The cap only matters when the best
/// window reaches it: then no other window can beat the best, and the search stops as soon as
/// it is sure no earlier window ties. That happens on constant, periodic and tie-heavy series,
/// where block bounds cannot separate the many equal windows.
///
/// Trying every split costs d / 2 additions, so it runs only after a duration whose search was
/// expensive, and backs off when it certifies nothing. The split that certified the last
/// duration (for a periodic series, the period) is remembered and tried first.
#[derive(Debug)]
pub(super) struct Caps {
    /// M(d) per duration, +∞ where not (yet) known; empty when caps are off.
    sums: Vec<f64>,
    /// Parts of the split that certified the last certified duration.
    hints: [usize; 2],
    /// Whether the next duration should try every split.
    want_thorough: bool,
    /// Durations to wait before trying every split again.
    wait: usize,
    /// The next wait after a thorough search that certifies nothing.
    backoff: usize,
}

impl Caps {
    /// Caps for durations up to `longest`; off (always +∞) unless `exact`.
    pub(super) fn new(longest: usize, exact: bool) -> Self {
        let len = if exact { longest + 1 } else { 0 };
        Self {
            sums: vec![f64::INFINITY; len],
            hints: [CHEAP_SPLIT; 2],
            want_thorough: false,
            wait: 0,
            backoff: 1,
        }
    }

    /// The cap of duration `d` and the split achieving it (+∞ and 0 when unknown).
    pub(super) fn cap(&mut self, d: usize) -> Cap {
        let mut cap = Cap {
            sum: f64::INFINITY,
            split: 0,
            thorough: false,
        };
        if d >= self.sums.len() || d < 2 {
            return cap;
        }
        let sums = &self.sums;
        let mut try_split = |a: usize| {
            if a > 0 && a < d {
                let u = sums[a] + sums[d - a];
                if u < cap.sum {
                    cap.sum = u;
                    cap.split = a;
                }
            }
        };
        try_split(CHEAP_SPLIT);
        try_split(self.hints[0]);
        try_split(self.hints[1]);
        cap.thorough = self.want_thorough && self.wait == 0;
        self.wait = self.wait.saturating_sub(1);
        if cap.thorough {
            let (head, tail) = (&sums[1..=d / 2], &sums[d - d / 2..d]);
            for (k, (&x, &y)) in head.iter().zip(tail.iter().rev()).enumerate() {
                if x + y < cap.sum {
                    cap.sum = x + y;
                    cap.split = k + 1;
                }
            }
        }
        cap
    }

    /// Records the best sum of `d` and how its search went: whether the cap certified it and
    /// how many starts were scanned.
    pub(super) fn record(&mut self, d: usize, best_sum: f64, cap: Cap, scanned: usize) {
        let Some(slot) = self.sums.get_mut(d) else {
            return;
        };
        *slot = best_sum;
        if best_sum >= cap.sum {
            self.hints = [cap.split, d - cap.split];
            self.backoff = 1;
            self.want_thorough = false;
            return;
        }
        if cap.thorough {
            self.wait = self.backoff;
            self.backoff = (2 * self.backoff).min(MAX_BACKOFF);
        }
        self.want_thorough = scanned > 2 * d;
    }
}

/// The cap of one duration.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cap {
    /// U(d), a window sum no window of d samples exceeds.
    pub(super) sum: f64,
    /// The first part a of the split achieving it.
    split: usize,
    /// Whether every split was tried.
    thorough: bool,
}
