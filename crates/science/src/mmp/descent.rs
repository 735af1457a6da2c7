//! The search of one piece for one duration: a descent over aligned blocks of starts that
//! skips blocks whose bound cannot beat the best, a memo of block maxima carried from one
//! duration to the next, and branch-free scans of the blocks that remain.

use super::bounds::{RangeTable, greater, lesser};
use super::near::Near;
use super::search::Best;

/// Fewest starts of a block scanned directly (the leaf size adapts per duration, see
/// [`Tuning`]).
pub(super) const MIN_LEAF: usize = 32;
/// Longest rest of the memo, in durations.
const MAX_MEMO_REST: usize = 64;
/// Most starts of a block scanned directly.
const MAX_LEAF: usize = 1024;
/// The cost of one bound check, in starts scanned (measured; only speed depends on it).
const CHECK_COST: usize = 24;

/// The running state of the search: the current duration's best and counters, and the memo of
/// block maxima kept across durations.
pub(super) struct State {
    pub(super) best: Best,
    /// Starts scanned one by one (the search's cost, which decides how hard to try the cap).
    pub(super) scanned: usize,
    /// Blocks of leaf size checked, and how many of them were scanned.
    pub(super) leaves: usize,
    pub(super) kept: usize,
    /// Memo checks made and how many skipped their block.
    pub(super) memo_checks: usize,
    pub(super) memo_skips: usize,
    /// One entry per [`MIN_LEAF`] starts of every piece.
    pub(super) memo: Vec<Memo>,
}

impl State {
    /// A state with `blocks` empty memo entries.
    pub(super) fn new(blocks: usize) -> Self {
        Self {
            best: Best::NONE,
            scanned: 0,
            leaves: 0,
            kept: 0,
            memo_checks: 0,
            memo_skips: 0,
            memo: vec![Memo::default(); blocks],
        }
    }

    /// Resets the per-duration fields.
    pub(super) fn start(&mut self) {
        self.best = Best::NONE;
        self.scanned = 0;
        self.leaves = 0;
        self.kept = 0;
        self.memo_checks = 0;
        self.memo_skips = 0;
    }
}

/// An upper bound of the largest window sum over one memo block's starts at duration `d`
/// (`d` = 0: none yet).
///
/// For a longer duration d′ every window of the block grows by the values in
/// `[lo + d, hi − 1 + d′)`, d′ − d of them, so `ub` plus the smaller of (d′ − d) times their
/// maximum and their sum bounds the block at d′; exact in integer arithmetic. A scan stores
/// the exact maximum, a skip the bound that skipped, so the bound follows the block closely
/// while neighbouring durations are searched.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Memo {
    pub(super) ub: f64,
    pub(super) d: usize,
}

/// The leaf size: blocks this small are checked once and then scanned whole.
///
/// Checking costs about [`CHECK_COST`] scanned starts, so splitting a block pays only when its
/// halves are often skipped. After each duration the size doubles when most leaves were
/// scanned anyway (noise, near-ties) and halves when most were skipped, within
/// [`MIN_LEAF`]..=[`MAX_LEAF`]. Neighbouring durations behave alike, so this tracks the series.
///
/// The memo is checked only while it skips at least a quarter of the blocks it checks; after
/// a duration where it does not, it rests for a number of durations that doubles each time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tuning {
    pub(super) leaf: usize,
    pub(super) memo_on: bool,
    pub(super) memo_wait: usize,
    pub(super) memo_backoff: usize,
}

impl Tuning {
    pub(super) const START: Self = Self {
        leaf: MIN_LEAF,
        memo_on: true,
        memo_wait: 0,
        memo_backoff: 1,
    };

    pub(super) fn adapt(mut self, state: &State) -> Self {
        let (size, leaves, kept) = (self.leaf, state.leaves, state.kept);
        if leaves >= 8 {
            // Kept fraction above 1 − CHECK_COST / size: checks cost more than they save.
            if size < MAX_LEAF && kept * size > leaves * (size - CHECK_COST) {
                self.leaf = 2 * size;
            } else if size > MIN_LEAF && kept * size < leaves * size.saturating_sub(2 * CHECK_COST)
            {
                self.leaf = size / 2;
            }
        }
        if self.memo_on {
            if state.memo_checks >= 16 && 4 * state.memo_skips < state.memo_checks {
                self.memo_on = false;
                self.memo_wait = self.memo_backoff;
                self.memo_backoff = (2 * self.memo_backoff).min(MAX_MEMO_REST);
            } else if state.memo_checks >= 16 {
                self.memo_backoff = 1;
            }
        } else if self.memo_wait == 0 {
            self.memo_on = true;
        } else {
            self.memo_wait -= 1;
        }
        self
    }
}

/// One piece searched for one duration.
pub(super) struct Piece<'a> {
    /// Prefix sums of the piece.
    pub(super) s: &'a [f64],
    /// Range minima and maxima of its values when all sums are exact integers.
    pub(super) ranges: Option<&'a RangeTable>,
    /// The window length, samples.
    pub(super) d: usize,
    /// The same as a float.
    pub(super) d_f64: f64,
    /// The piece's index (for tie-breaks).
    pub(super) index: usize,
    /// The global cap of this duration (+∞ when unknown).
    pub(super) cap: f64,
    /// Aligned blocks of at most this many starts are checked once, then scanned.
    pub(super) leaf: usize,
    /// Whether leaves consult the memo.
    pub(super) memo_on: bool,
    /// Short-range maxima for the memo's checks, once they are many enough to pay for them.
    pub(super) near: Option<Near<'a>>,
    /// This piece's first entry in the memo.
    pub(super) memo_base: usize,
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

    /// Searches the starts `lo..min(lo + size, count)`, skipping blocks whose bound cannot beat
    /// the best. `size` is a power of two and `lo` a multiple of it, so leaves are made of
    /// whole memo blocks.
    ///
    /// Recursion depth is log2 of the piece length; nothing is allocated.
    pub(super) fn descend(&self, lo: usize, size: usize, count: usize, state: &mut State) {
        let hi = count.min(lo + size);
        let is_leaf = size <= self.leaf;
        state.leaves += usize::from(is_leaf);
        if !self.may_beat(lo, hi, &state.best) {
            return;
        }
        if is_leaf {
            state.kept += 1;
            self.leaf(lo, hi, state);
            return;
        }
        let half = size / 2;
        self.descend(lo, half, count, state);
        if lo + half < count {
            self.descend(lo + half, half, count, state);
        }
    }

    /// Searches a leaf: memo block by memo block, skipping those whose carried bound cannot
    /// beat the best (exact pieces only), or the whole leaf in one scan without the memo.
    fn leaf(&self, lo: usize, hi: usize, state: &mut State) {
        let Some(t) = self.ranges.filter(|_| self.memo_on) else {
            self.scan(lo, hi, state);
            return;
        };
        let d = self.d;
        for b in (lo..hi).step_by(MIN_LEAF) {
            let e = hi.min(b + MIN_LEAF);
            let slot = self.memo_base + b / MIN_LEAF;
            let memo = state.memo[slot];
            if memo.d != 0 && memo.d < d {
                state.memo_checks += 1;
                let (from, to) = (b + memo.d, e - 1 + d);
                let gained = self
                    .near
                    .map_or_else(|| t.max(from, to), |n| n.max(from, to));
                // One duration on, each window gains one value of `from..to`, so `gained`
                // alone bounds the growth; the sum of the range (two more loads) is almost
                // never below it and is only needed when several durations passed.
                let carried = if d - memo.d == 1 {
                    memo.ub + gained
                } else {
                    let steps = u32::try_from(d - memo.d).map_or(f64::INFINITY, f64::from);
                    memo.ub + lesser(steps * gained, self.s[to] - self.s[from])
                };
                if !state.best.beaten_by(carried, self.index, b) {
                    state.memo_skips += 1;
                    state.memo[slot] = Memo { ub: carried, d };
                    continue;
                }
            }
            let top = self.scan(b, e, state);
            state.memo[slot] = Memo { ub: top, d };
        }
    }

    /// Scans the starts `lo..hi` one by one: the largest sum first, then its first start.
    /// Returns the largest sum.
    fn scan(&self, lo: usize, hi: usize, state: &mut State) -> f64 {
        state.scanned += hi - lo;
        let (tails, heads) = (&self.s[lo + self.d..hi + self.d], &self.s[lo..hi]);
        let top = block_max(tails, heads);
        if !state.best.beaten_by(top, self.index, lo) {
            return top;
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
        top
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
