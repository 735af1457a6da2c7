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
//! shorter durations ([`Caps`]) that ends the search once the best reaches it. Seeding each
//! duration with the windows next to the previous duration's winner makes the best high from
//! the start, so most blocks fall at once.
//!
//! Comparisons are on window sums, which for a fixed duration orders windows exactly as their
//! means do (dividing by the same `d` is monotone). Ties keep the earliest window: the lower
//! piece index, then the lower start. Pieces and blocks are searched in that order, and a block
//! is skipped when its bound is below the best, or equal to it and the block starts after the
//! best window. A skipped block never holds a window that beats the best or ties it at an
//! earlier position, so the result equals the plain scan bit for bit.

use super::bounds::{Caps, RangeTable, greater, lesser};

/// Fewest starts of a block scanned directly (the leaf size adapts per duration, see
/// [`Leaf`]).
const MIN_LEAF: usize = 32;
/// Most starts of a block scanned directly.
const MAX_LEAF: usize = 1024;
/// The cost of one bound check, in starts scanned (measured; only speed depends on it).
const CHECK_COST: usize = 24;

/// Sums below this are exact integers in f64 when every value is an integer; the cap adds two
/// sums, so it stays one bit below 2⁵³.
const EXACT_LIMIT: f64 = 4_503_599_627_370_496.0; // 2^52

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
            let exact = acc < EXACT_LIMIT && piece.iter().all(|v| v.fract() == 0.0);
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
        let mut leaf = Leaf(MIN_LEAF);
        for &d in durations {
            let mut state = State {
                best: Best::NONE,
                scanned: 0,
                leaves: 0,
                kept: 0,
            };
            if let Some((prev_d, p)) = prev {
                self.seed(d, prev_d, p, &mut state.best);
            }
            let cap = caps.cap(d);
            for k in 0..self.lens.len() {
                let len = self.lens[k];
                if len >= d {
                    let piece = Piece {
                        s: self.piece(k),
                        ranges: self.ranges[k].as_ref(),
                        d,
                        d_f64: d as f64,
                        index: k,
                        cap: cap.sum,
                        leaf: leaf.0,
                    };
                    piece.descend(0, len - d + 1, &mut state);
                }
            }
            leaf = leaf.adapt(&state);
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

/// The running state of one duration's search.
struct State {
    best: Best,
    /// Starts scanned one by one (the search's cost, which decides how hard to try the cap).
    scanned: usize,
    /// Blocks of leaf size checked, and how many of them were scanned.
    leaves: usize,
    kept: usize,
}

/// The leaf size: blocks this small are checked once and then scanned whole.
///
/// Checking costs about [`CHECK_COST`] scanned starts, so splitting a block pays only when its
/// halves are often skipped. After each duration the size doubles when most leaves were
/// scanned anyway (noise, near-ties) and halves when most were skipped, within
/// [`MIN_LEAF`]..=[`MAX_LEAF`]. Neighbouring durations behave alike, so this tracks the series.
#[derive(Debug, Clone, Copy)]
struct Leaf(usize);

impl Leaf {
    fn adapt(self, state: &State) -> Self {
        let (size, leaves, kept) = (self.0, state.leaves, state.kept);
        if leaves < 8 {
            return self;
        }
        // Kept fraction above 1 − CHECK_COST / size: checks cost more than they save.
        if size < MAX_LEAF && kept * size > leaves * (size - CHECK_COST) {
            Self(2 * size)
        } else if size > MIN_LEAF && kept * size < leaves * size.saturating_sub(2 * CHECK_COST) {
            Self(size / 2)
        } else {
            self
        }
    }
}

/// One piece searched for one duration.
struct Piece<'a> {
    /// Prefix sums of the piece.
    s: &'a [f64],
    /// Range minima and maxima of its values when all sums are exact integers.
    ranges: Option<&'a RangeTable>,
    /// The window length, samples.
    d: usize,
    /// The same as a float.
    d_f64: f64,
    /// The piece's index (for tie-breaks).
    index: usize,
    /// The global cap of this duration (+∞ when unknown).
    cap: f64,
    /// Blocks of at most this many starts are scanned whole.
    leaf: usize,
}

impl Piece<'_> {
    /// Whether some window starting in `lo..hi` may beat `best` (or tie it earlier).
    ///
    /// The block covers `values[lo .. hi − 1 + d]`, so S[hi − 1 + d] − S[lo] bounds every
    /// window in it, and so does the global cap. When that is not enough and every sum is an
    /// exact integer, two tighter bounds follow, exact in integer arithmetic so they never drop
    /// a winner:
    /// - a window holds d samples, each ≤ the block's maximum (tight for short durations);
    /// - a window drops a prefix from `values[lo .. hi − 1]` and a suffix from
    ///   `values[lo + d .. hi − 1 + d]`, `hi − lo − 1` samples in all, each ≥ the smaller of
    ///   the two ranges' minima (tight for steady efforts, e.g. ERG mode).
    ///
    /// With fractional values only the first bound is used.
    #[inline]
    fn may_beat(&self, lo: usize, hi: usize, best: &Best) -> bool {
        let d = self.d;
        let whole = self.s[hi - 1 + d] - self.s[lo];
        if !best.beaten_by(lesser(whole, self.cap), self.index, lo) {
            return false;
        }
        let Some(t) = self.ranges else {
            return true;
        };
        let peak = self.d_f64 * t.max(lo, hi - 1 + d);
        if !best.beaten_by(peak, self.index, lo) {
            return false;
        }
        if hi - lo == 1 {
            return true;
        }
        let m = lesser(t.min(lo, hi - 1), t.min(lo + d, hi - 1 + d));
        let dropped = u32::try_from(hi - lo - 1).map_or(f64::INFINITY, f64::from);
        best.beaten_by(whole - dropped * m, self.index, lo)
    }

    /// Searches the starts `lo..hi`, skipping blocks whose bound cannot beat the best.
    ///
    /// Recursion depth is log2 of the piece length; nothing is allocated.
    fn descend(&self, lo: usize, hi: usize, state: &mut State) {
        let is_leaf = hi - lo <= self.leaf;
        state.leaves += usize::from(is_leaf);
        if !self.may_beat(lo, hi, &state.best) {
            return;
        }
        if is_leaf {
            state.kept += 1;
            self.scan(lo, hi, state);
            return;
        }
        let mid = lo + (hi - lo) / 2;
        self.descend(lo, mid, state);
        self.descend(mid, hi, state);
    }

    /// Scans the starts `lo..hi` one by one: the largest sum first, then its first start.
    fn scan(&self, lo: usize, hi: usize, state: &mut State) {
        state.scanned += hi - lo;
        let (tails, heads) = (&self.s[lo + self.d..hi + self.d], &self.s[lo..hi]);
        let top = block_max(tails, heads);
        if !state.best.beaten_by(top, self.index, lo) {
            return;
        }
        let at = tails
            .iter()
            .zip(heads)
            .position(|(&t, &h)| t - h == top)
            .map_or(lo, |k| lo + k);
        if state.best.beaten_by(top, self.index, at) {
            state.best = Best {
                sum: top,
                piece: self.index,
                start: at,
            };
        }
    }
}

/// Lanes of the branch-free maximum (the compiler maps them onto vector registers).
const LANES: usize = 8;

/// max over k of `tails[k] − heads[k]` (−∞ for empty slices of equal length).
#[inline]
fn block_max(tails: &[f64], heads: &[f64]) -> f64 {
    let mut acc = [f64::NEG_INFINITY; LANES];
    let (t_chunks, h_chunks) = (tails.chunks_exact(LANES), heads.chunks_exact(LANES));
    let (t_rest, h_rest) = (t_chunks.remainder(), h_chunks.remainder());
    for (t, h) in t_chunks.zip(h_chunks) {
        for k in 0..LANES {
            let v = t[k] - h[k];
            acc[k] = if v > acc[k] { v } else { acc[k] };
        }
    }
    for (k, (t, h)) in t_rest.iter().zip(h_rest).enumerate() {
        let v = t - h;
        acc[k] = if v > acc[k] { v } else { acc[k] };
    }
    acc.iter().copied().fold(f64::NEG_INFINITY, greater)
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
