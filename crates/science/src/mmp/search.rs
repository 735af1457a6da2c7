//! The exact mean-maximal search: for every duration, the window with the largest sum.
//!
//! # Why the pruning is exact
//! Every series value is finite and ≥ 0, so each piece's prefix sums S are non-decreasing (in
//! floating point too: adding a value ≥ 0 never rounds down below the previous sum). For the
//! starts `lo..hi` of windows of `d` samples, every window lies inside `[lo, hi − 1 + d)`, so
//!
//! > S[i + d] − S[i] ≤ S[hi − 1 + d] − S[lo]  for lo ≤ i < hi,
//!
//! and the floating-point subtraction preserves that order because rounding is monotone. A block
//! of starts whose bound cannot beat the best window found so far is skipped whole; other blocks
//! are halved until they are small enough to scan. The bound costs one subtraction for any block
//! size, so no per-duration table is built. When every value is an integer (Strava watts), all
//! sums are exact below 2⁵³ and two tighter bounds from range minima and maxima (sparse tables
//! built once per curve) also apply; see [`Piece::may_beat`]. Seeding each duration with the windows next to the
//! previous duration's winner makes the best high from the start, so most blocks fall at once.
//!
//! Comparisons are on window sums, which for a fixed duration orders windows exactly as their
//! means do (dividing by the same `d` is monotone). Ties keep the earliest window: the lower
//! piece index, then the lower start. A skipped block never holds a window that beats the best
//! or ties it at an earlier position, so the result equals the plain scan bit for bit.

/// Blocks of at most this many starts are scanned directly.
const LEAF_STARTS: usize = 8;

/// Prefix sums of every piece in one buffer.
#[derive(Debug)]
pub(crate) struct Prefix {
    /// Piece `k` owns `sums[offsets[k]..offsets[k] + lens[k] + 1]`, starting with 0.
    sums: Vec<f64>,
    offsets: Vec<usize>,
    lens: Vec<usize>,
    /// Range minima of each piece's values, only when every sum is an exact integer.
    minima: Vec<Option<RangeMin>>,
}

/// Sums below this are exact integers in f64 when every value is an integer.
const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53

/// Sparse tables answering min and max of `values[a..b]` in O(1).
#[derive(Debug)]
struct RangeMin {
    /// `mins[k][j]` = min(values[j .. j + 2^k]).
    mins: Vec<Vec<f64>>,
    /// `maxs[k][j]` = max(values[j .. j + 2^k]).
    maxs: Vec<Vec<f64>>,
}

impl RangeMin {
    fn new(values: &[f64]) -> Self {
        Self {
            mins: sparse_table(values, f64::min),
            maxs: sparse_table(values, f64::max),
        }
    }

    /// min(values[a..b]) for a < b ≤ len.
    #[inline]
    fn min(&self, a: usize, b: usize) -> f64 {
        let k = (b - a).ilog2() as usize;
        let level = &self.mins[k];
        level[a].min(level[b - (1 << k)])
    }

    /// max(values[a..b]) for a < b ≤ len.
    #[inline]
    fn max(&self, a: usize, b: usize) -> f64 {
        let k = (b - a).ilog2() as usize;
        let level = &self.maxs[k];
        level[a].max(level[b - (1 << k)])
    }
}

/// Levels of a sparse table: level k holds `op` over every run of 2^k values.
fn sparse_table(values: &[f64], op: fn(f64, f64) -> f64) -> Vec<Vec<f64>> {
    let mut levels = vec![values.to_vec()];
    let mut width = 1;
    while 2 * width <= values.len() {
        let prev = &levels[levels.len() - 1];
        let next: Vec<f64> = (0..=values.len() - 2 * width)
            .map(|j| op(prev[j], prev[j + width]))
            .collect();
        levels.push(next);
        width *= 2;
    }
    levels
}

/// The best window of one duration: its sum, piece and start index inside the piece.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Best {
    pub sum: f64,
    pub piece: usize,
    pub start: usize,
}

impl Best {
    const NONE: Self = Self {
        sum: f64::NEG_INFINITY,
        piece: usize::MAX,
        start: usize::MAX,
    };

    /// Whether a window `(sum, piece, start)` replaces this best: larger, or equal and earlier.
    #[inline]
    fn beaten_by(&self, sum: f64, piece: usize, start: usize) -> bool {
        sum > self.sum || (sum == self.sum && (piece, start) < (self.piece, self.start))
    }
}

impl Prefix {
    /// Builds the prefix sums; `None` when a sum overflows to infinity.
    ///
    /// Values must already be finite and ≥ 0 (checked by the caller).
    pub(crate) fn new(pieces: &[&[f64]]) -> Option<Self> {
        let total: usize = pieces.iter().map(|p| p.len() + 1).sum();
        let mut sums = Vec::with_capacity(total);
        let mut offsets = Vec::with_capacity(pieces.len());
        let mut lens = Vec::with_capacity(pieces.len());
        let mut minima = Vec::with_capacity(pieces.len());
        for piece in pieces {
            offsets.push(sums.len());
            lens.push(piece.len());
            let mut acc = 0.0_f64;
            sums.push(acc);
            for &v in *piece {
                acc += v;
                sums.push(acc);
            }
            if !acc.is_finite() {
                return None;
            }
            let exact = acc < EXACT_LIMIT && piece.iter().all(|v| v.fract() == 0.0);
            minima.push(exact.then(|| RangeMin::new(piece)));
        }
        Some(Self {
            sums,
            offsets,
            lens,
            minima,
        })
    }

    /// The prefix sums of piece `k` (length `lens[k] + 1`).
    #[inline]
    fn piece(&self, k: usize) -> &[f64] {
        let from = self.offsets[k];
        &self.sums[from..=from + self.lens[k]]
    }

    /// For each duration (ascending, each ≥ 1), the best window over all pieces long enough,
    /// or `None` when no piece is that long.
    pub(crate) fn best_windows(&self, durations: &[usize]) -> Vec<Option<Best>> {
        let mut out = Vec::with_capacity(durations.len());
        let mut prev: Option<(usize, Best)> = None;
        for &d in durations {
            let mut best = Best::NONE;
            if let Some((prev_d, p)) = prev {
                self.seed(d, prev_d, p, &mut best);
            }
            for k in 0..self.lens.len() {
                let len = self.lens[k];
                if len >= d {
                    let piece = Piece {
                        s: self.piece(k),
                        minima: self.minima[k].as_ref(),
                        d,
                        index: k,
                    };
                    piece.descend(0, len - d + 1, &mut best);
                }
            }
            if best.piece == usize::MAX {
                out.push(None);
            } else {
                prev = Some((d, best));
                out.push(Some(best));
            }
        }
        out
    }

    /// Evaluates the two windows of `d` samples that extend the previous winner to the right
    /// and to the left, so the search starts with a high best.
    fn seed(&self, d: usize, prev_d: usize, prev: Best, best: &mut Best) {
        let len = self.lens[prev.piece];
        if len < d {
            return;
        }
        let s = self.piece(prev.piece);
        let last = len - d;
        let right = prev.start.min(last);
        let left = (prev.start + prev_d).saturating_sub(d).min(last);
        for start in [right, left] {
            let sum = s[start + d] - s[start];
            if best.beaten_by(sum, prev.piece, start) {
                *best = Best {
                    sum,
                    piece: prev.piece,
                    start,
                };
            }
        }
    }
}

/// One piece searched for one duration.
struct Piece<'a> {
    /// Prefix sums of the piece.
    s: &'a [f64],
    /// Range minima of its values when all sums are exact integers.
    minima: Option<&'a RangeMin>,
    /// The window length, samples.
    d: usize,
    /// The piece's index (for tie-breaks).
    index: usize,
}

impl Piece<'_> {
    /// Whether some window starting in `lo..hi` may beat `best` (or tie it earlier).
    ///
    /// The block covers `values[lo .. hi − 1 + d]`, so S[hi − 1 + d] − S[lo] bounds every
    /// window in it. When that is not enough and every sum is an exact integer, two tighter
    /// bounds follow, exact in integer arithmetic so they never drop a winner:
    /// - a window drops a prefix from `values[lo .. hi − 1]` and a suffix from
    ///   `values[lo + d .. hi − 1 + d]`, `hi − lo − 1` samples in all, each ≥ the smaller of
    ///   the two ranges' minima (tight for steady efforts, e.g. ERG mode);
    /// - a window holds d samples, each ≤ the block's maximum (tight for short durations).
    ///
    /// With fractional values only the first bound is used.
    #[inline]
    fn may_beat(&self, lo: usize, hi: usize, best: &Best) -> bool {
        let d = self.d;
        let whole = self.s[hi - 1 + d] - self.s[lo];
        if !best.beaten_by(whole, self.index, lo) {
            return false;
        }
        let Some(t) = self.minima else {
            return true;
        };
        let peak = d as f64 * t.max(lo, hi - 1 + d);
        if !best.beaten_by(peak, self.index, lo) {
            return false;
        }
        if hi - lo == 1 {
            return true;
        }
        let m = t.min(lo, hi - 1).min(t.min(lo + d, hi - 1 + d));
        best.beaten_by(whole - (hi - lo - 1) as f64 * m, self.index, lo)
    }

    /// Searches the starts `lo..hi`, skipping blocks whose bound cannot beat `best`.
    ///
    /// Recursion depth is log2 of the piece length; nothing is allocated.
    fn descend(&self, lo: usize, hi: usize, best: &mut Best) {
        if !self.may_beat(lo, hi, best) {
            return;
        }
        if hi - lo <= LEAF_STARTS {
            for i in lo..hi {
                let sum = self.s[i + self.d] - self.s[i];
                if best.beaten_by(sum, self.index, i) {
                    *best = Best {
                        sum,
                        piece: self.index,
                        start: i,
                    };
                }
            }
            return;
        }
        let mid = lo + (hi - lo) / 2;
        self.descend(lo, mid, best);
        self.descend(mid, hi, best);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The plain O(n·|G|) scan over the same prefix sums: the reference of the fast path.
    pub(crate) fn brute_force(pieces: &[&[f64]], durations: &[usize]) -> Vec<Option<Best>> {
        let prefix = Prefix::new(pieces).unwrap();
        durations
            .iter()
            .map(|&d| {
                let mut best: Option<Best> = None;
                for (k, values) in pieces.iter().enumerate() {
                    let s = prefix.piece(k);
                    for i in 0..(values.len() + 1).saturating_sub(d) {
                        let sum = s[i + d] - s[i];
                        if best.is_none_or(|b| sum > b.sum) {
                            best = Some(Best {
                                sum,
                                piece: k,
                                start: i,
                            });
                        }
                    }
                }
                best
            })
            .collect()
    }

    #[test]
    fn ties_keep_the_earliest_window() {
        let a = [5.0, 5.0, 5.0, 5.0];
        let b = [5.0, 5.0];
        let prefix = Prefix::new(&[&a, &b]).unwrap();
        let best = prefix.best_windows(&[1, 2, 3]);
        for found in best {
            let found = found.unwrap();
            assert_eq!((found.piece, found.start), (0, 0));
        }
    }

    #[test]
    fn a_duration_longer_than_every_piece_has_no_window() {
        let a = [1.0, 2.0];
        let prefix = Prefix::new(&[&a]).unwrap();
        assert_eq!(prefix.best_windows(&[3]), vec![None]);
    }

    #[test]
    fn overflowing_sums_are_refused() {
        let a = [f64::MAX, f64::MAX];
        assert!(Prefix::new(&[&a]).is_none());
    }

    #[test]
    fn a_later_piece_wins_only_when_strictly_better() {
        let a = [1.0, 9.0, 1.0];
        let b = [9.0, 9.5];
        let prefix = Prefix::new(&[&a, &b]).unwrap();
        let best = prefix.best_windows(&[1, 2, 3]);
        assert_eq!(best, brute_force(&[&a, &b], &[1, 2, 3]));
        let one = best[0].unwrap();
        assert_eq!((one.piece, one.start), (1, 1));
        let three = best[2].unwrap();
        assert_eq!((three.piece, three.start), (0, 0));
    }
}
