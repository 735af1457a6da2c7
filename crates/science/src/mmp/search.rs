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
//! are halved until they are small enough to scan, and a scan is a branch-free maximum over the
//! block followed by a search for the first start reaching it. The bound costs one subtraction
//! for any block size, so no per-duration table is built. When every value is an integer
//! (power meters report whole watts), all sums are exact below 2⁵³ and more bounds apply: two
//! from range minima and maxima ([`Piece::may_beat`]) and a global cap from the maxima of
//! shorter durations ([`Caps`]) that ends the search once the best reaches it; and each block
//! of 32 starts keeps the maximum found at an earlier duration, grown by what longer windows
//! can add ([`super::descent`]), which separates the near-ties one period apart on rides with
//! repeated efforts; once the memo is checked often, the maxima of the few values a block
//! gains come from a table of short-range maxima ([`super::near`]) in one or two loads.
//! Seeding each duration with the windows next to the previous duration's winner makes the
//! best high from the start, so most blocks fall at once. Leaf sizes and the
//! memo adapt to how often checks skip; that changes only the speed, never the result.
//!
//! Comparisons are on window sums, which for a fixed duration orders windows exactly as their
//! means do (dividing by the same `d` is monotone). Ties keep the earliest window: the lower
//! piece index, then the lower start. Pieces and blocks are searched in that order, and a block
//! is skipped when its bound is below the best, or equal to it and the block starts after the
//! best window. A skipped block never holds a window that beats the best or ties it at an
//! earlier position, so the result equals the plain scan bit for bit.

use super::bounds::{Caps, RangeTable};
use super::descent::{MIN_LEAF, Piece, State, Tuning};

/// Sums below this are exact integers in f64 when every value is an integer; the cap adds two
/// sums, so it stays one bit below 2⁵³.
const EXACT_LIMIT: f64 = 4_503_599_627_370_496.0; // 2^52

/// Memo checks per series value after which short-range maxima ([`super::bounds::Near`]) are
/// built: building them costs about as much as this many checks save (measured; only speed
/// depends on it).
const NEAR_AFTER: usize = 4;

/// Prefix sums of every piece in one buffer.
#[derive(Debug)]
pub(crate) struct Prefix {
    /// Piece `k` owns `sums[offsets[k]..offsets[k] + lens[k] + 1]`, starting with 0.
    sums: Vec<f64>,
    offsets: Vec<usize>,
    lens: Vec<usize>,
    /// Range minima and maxima of each piece's values, only when every sum is an exact integer.
    ranges: Vec<Option<RangeTable>>,
}

/// The best window of one duration: its sum, piece and start index inside the piece.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Best {
    pub sum: f64,
    pub piece: usize,
    pub start: usize,
}

impl Best {
    pub(super) const NONE: Self = Self {
        sum: f64::NEG_INFINITY,
        piece: usize::MAX,
        start: usize::MAX,
    };

    /// Whether a window `(sum, piece, start)` replaces this best: larger, or equal and earlier.
    #[inline]
    pub(super) fn beaten_by(&self, sum: f64, piece: usize, start: usize) -> bool {
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
        let mut ranges = Vec::with_capacity(pieces.len());
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
            // `v as i64` truncates (saturating above 2⁶³, where every f64 is an integer anyway), so
            // the round trip returns v exactly when v is an integer: `fract() == 0.0` without a
            // call to `trunc`, which plain SSE2 has no instruction for.
            let exact = acc < EXACT_LIMIT && piece.iter().all(|&v| v == (v as i64) as f64);
            ranges.push((exact && !piece.is_empty()).then(|| RangeTable::new(piece)));
        }
        Some(Self {
            sums,
            offsets,
            lens,
            ranges,
        })
    }

    /// The prefix sums of piece `k` (length `lens[k] + 1`).
    #[inline]
    fn piece(&self, k: usize) -> &[f64] {
        let from = self.offsets[k];
        &self.sums[from..=from + self.lens[k]]
    }

    /// Whether every non-empty piece has exact integer sums.
    fn all_exact(&self) -> bool {
        self.lens
            .iter()
            .zip(&self.ranges)
            .all(|(&len, r)| len == 0 || r.is_some())
    }

    /// For each duration (ascending, each ≥ 1), the best window over all pieces long enough,
    /// or `None` when no piece is that long.
    pub(crate) fn best_windows(&self, durations: &[usize]) -> Vec<Option<Best>> {
        let mut out = Vec::with_capacity(durations.len());
        let longest = self.lens.iter().copied().max().unwrap_or(0);
        let mut caps = Caps::new(longest, self.all_exact());
        let mut prev: Option<(usize, Best)> = None;
        let mut tuning = Tuning::START;
        let mut memo_base = Vec::with_capacity(self.lens.len());
        let mut blocks = 0;
        for &len in &self.lens {
            memo_base.push(blocks);
            blocks += len / MIN_LEAF + 1;
        }
        let mut state = State::new(blocks);
        let mut checks = 0;
        for &d in durations {
            state.start();
            if let Some((prev_d, p)) = prev {
                self.seed(d, prev_d, p, &mut state.best);
            }
            let cap = caps.cap(d);
            for (k, (&len, &base)) in self.lens.iter().zip(&memo_base).enumerate() {
                if len >= d {
                    let piece = Piece {
                        s: self.piece(k),
                        ranges: self.ranges[k].as_ref(),
                        near: self.ranges[k]
                            .as_ref()
                            .filter(|_| checks >= NEAR_AFTER * self.sums.len())
                            .map(|t| t.near(self.piece(k))),
                        d,
                        d_f64: d as f64,
                        index: k,
                        cap: cap.sum,
                        leaf: tuning.leaf,
                        memo_on: tuning.memo_on,
                        memo_base: base,
                    };
                    let count = len - d + 1;
                    piece.descend(0, count.next_power_of_two(), count, &mut state);
                }
            }
            tuning = tuning.adapt(&state);
            checks += state.memo_checks;
            let best = state.best;
            if best.piece == usize::MAX {
                out.push(None);
            } else {
                caps.record(d, best.sum, cap, state.scanned);
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
