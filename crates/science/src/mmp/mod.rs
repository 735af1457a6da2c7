//! Mean-maximal power curves: exact per-activity curves, window merging and (for display only)
//! envelopes (docs/science.md, "Mean-maximal curves are exact per duration").
//!
//! An activity's grid becomes a series split into [`Piece`]s ([`power_pieces`]); the exact
//! search ([`exact_curve`]) finds, for every duration d of the grid G, the window of exactly d
//! seconds with the highest mean: MMP(d), as GoldenCheetah, sweatpy and intervals.icu report it.
//! That is the stored curve and what threshold estimation reads. The envelope
//! MMP*(d) = max over d′ ≥ d of MMP(d′) ([`envelope`]) is not used for any stored or reported
//! figure: it overstates a duration whenever a longer window has a higher mean (a surge after a
//! pause). Window curves ([`merge_window`]) are pointwise maxima of exact activity curves with
//! provenance.

mod bounds;
mod descent;
mod near;
mod search;
mod window;

pub use window::{DatedCurve, WindowCurve, WindowPoint, merge_window};

use crate::ScienceError;
use crate::best_efforts::CurveConfig;
use crate::stream::Grid;

/// One piece of an activity's series: windows never cross from one piece to another.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Piece {
    /// Seconds from the activity's first sample to this piece's first value.
    pub start_offset_s: u32,
    /// One value per second (W for power, m for distance increments); finite and ≥ 0.
    pub values: Vec<f64>,
}

/// One point of a mean-maximal curve: the value and the window that achieved it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MmpPoint {
    /// The duration d, s.
    pub duration_s: u32,
    /// MMP(d): the best mean over exactly `duration_s` (W, or m/s for speed curves); on an
    /// [`envelope`], the best mean held for at least `duration_s`.
    pub value: f64,
    /// Index of the piece holding the winning window.
    pub piece: usize,
    /// Start index of the winning window inside its piece.
    pub start: usize,
    /// Seconds from the activity's first sample to the winning window's first second.
    pub start_offset_s: u32,
    /// True length of the winning window, s (= `duration_s` on exact curves; larger on an
    /// envelope when a longer window has the higher mean).
    pub window_s: u32,
}

/// A mean-maximal curve, ascending by duration. Exact curves ([`exact_curve`]) are not always
/// non-increasing; envelopes ([`envelope`]) are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MmpCurve {
    /// Points in ascending duration; durations are G capped at the longest piece, plus every
    /// piece's own length.
    pub points: Vec<MmpPoint>,
}

impl MmpCurve {
    /// The point at exactly `duration_s`, if that duration is on the curve.
    pub fn point(&self, duration_s: u32) -> Option<&MmpPoint> {
        self.points
            .binary_search_by_key(&duration_s, |p| p.duration_s)
            .ok()
            .and_then(|k| self.points.get(k))
    }

    /// The value at exactly `duration_s` if that duration is on the curve.
    pub fn at(&self, duration_s: u32) -> Option<f64> {
        self.point(duration_s).map(|p| p.value)
    }

    /// The longest duration on the curve, s.
    pub fn longest_s(&self) -> Option<u32> {
        self.points.last().map(|p| p.duration_s)
    }
}

/// The duration grid G capped at `longest_piece_s` (without the pieces' own lengths).
///
/// # Formula
/// G = {1, 2, …, 3600} ∪ {3660, 3720, …, 7200} ∪ {7500, 7800, …} with the defaults; steps and
/// limits come from `cfg` (a zero step counts as 1).
pub fn duration_grid(longest_piece_s: usize, cfg: &CurveConfig) -> Vec<u32> {
    let cap = u64::try_from(longest_piece_s).unwrap_or(u64::MAX);
    let fine = u64::from(cfg.fine_until_s);
    let medium_step = u64::from(cfg.medium_step_s.max(1));
    let medium_until = u64::from(cfg.medium_until_s);
    let coarse_step = u64::from(cfg.coarse_step_s.max(1));
    let mut out = Vec::new();
    let mut d = 1_u64;
    while d <= cap && d <= u64::from(u32::MAX) {
        out.extend(u32::try_from(d).ok());
        d += if d < fine {
            1
        } else if d < medium_until {
            medium_step.min(medium_until - d).max(1)
        } else {
            coarse_step
        };
    }
    out
}

/// Replaces a value that cannot be a sample (not finite, or negative) by 0.
pub(crate) fn sanitize(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

/// Splits a grid into pieces (§8 series rule): `value(i, first_of_segment)` per sample, zeros
/// for every second of a pause ≤ `max_zero_fill_pause_s`, a new piece after a longer pause.
///
/// A grid without segment boundaries counts as one segment; ranges are clamped to the grid and
/// a missing pause length splits.
pub(crate) fn split_pieces(
    grid: &Grid,
    cfg: &CurveConfig,
    value: impl Fn(usize, bool) -> f64,
) -> Vec<Piece> {
    let n = grid.len();
    let whole = 0..n;
    let segments = if grid.segments.is_empty() {
        std::slice::from_ref(&whole)
    } else {
        &grid.segments[..]
    };
    let mut pieces: Vec<Piece> = Vec::new();
    let mut current: Option<Piece> = None;
    for (k, seg) in segments.iter().enumerate() {
        let (from, to) = (seg.start.min(n), seg.end.min(n));
        if from >= to {
            continue;
        }
        let piece = current.get_or_insert_with(|| Piece {
            start_offset_s: grid.offset_s[from],
            values: Vec::new(),
        });
        piece.values.extend((from..to).map(|i| value(i, i == from)));
        match grid.pauses_s.get(k) {
            Some(&pause) if pause <= cfg.max_zero_fill_pause_s && k + 1 < segments.len() => {
                let fill = usize::try_from(pause).unwrap_or(0);
                piece.values.resize(piece.values.len() + fill, 0.0);
            }
            _ => pieces.extend(current.take()),
        }
    }
    pieces.extend(current);
    pieces
}

/// The power series of §8: watts per grid second, missing power → 0, pauses ≤ 600 s → zeros,
/// longer pauses split. Empty when the grid has no power channel.
pub fn power_pieces(grid: &Grid, cfg: &CurveConfig) -> Vec<Piece> {
    if grid.watts.len() != grid.len() || grid.is_empty() {
        return Vec::new();
    }
    split_pieces(grid, cfg, |i, _| grid.watts[i].map_or(0.0, sanitize))
}

/// The raw maxima MMP(d) (not yet an envelope) for every duration of G plus the pieces' own
/// lengths: for each, the window with the highest mean (ties keep the earliest start).
/// `window_s` equals `duration_s` on every point.
///
/// # Formula
/// MMP(d) = max over pieces and starts i of (S_{i+d} − S_i)/d, S the piece's prefix sums.
///
/// # Errors
/// [`ScienceError::NotFinite`] for a NaN/infinite value or sums that overflow;
/// [`ScienceError::NotPositive`] for a negative value.
pub fn raw_curve(pieces: &[Piece], cfg: &CurveConfig) -> Result<Vec<MmpPoint>, ScienceError> {
    for v in pieces.iter().flat_map(|p| p.values.iter().copied()) {
        crate::error::finite("series value", v)?;
        if v < 0.0 {
            return Err(ScienceError::NotPositive {
                what: "series value",
                value: v,
            });
        }
    }
    let slices: Vec<&[f64]> = pieces.iter().map(|p| p.values.as_slice()).collect();
    let prefix = search::Prefix::new(&slices).ok_or(ScienceError::NotFinite {
        what: "series sum",
        value: f64::INFINITY,
    })?;
    let longest = slices.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut durations: Vec<usize> = duration_grid(longest, cfg)
        .into_iter()
        .filter_map(|d| usize::try_from(d).ok())
        .collect();
    durations.extend(slices.iter().map(|s| s.len()).filter(|&l| l > 0));
    durations.sort_unstable();
    durations.dedup();
    let found = prefix.best_windows(&durations);
    let mut out = Vec::with_capacity(durations.len());
    for (&d, best) in durations.iter().zip(found) {
        let (Some(best), Ok(duration_s)) = (best, u32::try_from(d)) else {
            continue;
        };
        let start_offset_s = u32::try_from(best.start).map_or(u32::MAX, |s| {
            pieces[best.piece].start_offset_s.saturating_add(s)
        });
        out.push(MmpPoint {
            duration_s,
            value: best.sum / f64::from(duration_s),
            piece: best.piece,
            start: best.start,
            start_offset_s,
            window_s: duration_s,
        });
    }
    Ok(out)
}

/// The envelope MMP*(d) = max over d′ ≥ d of MMP(d′) of a raw curve, keeping the winning
/// window. Ties keep the window of the shorter duration.
///
/// Only for a caller that needs a monotone curve (for instance a model that assumes one);
/// nothing the application stores or shows uses it, since it reports for d a mean held over a
/// longer window.
pub fn envelope(raw: &[MmpPoint]) -> MmpCurve {
    let mut points = raw.to_vec();
    let mut best: Option<MmpPoint> = None;
    for p in points.iter_mut().rev() {
        match best {
            Some(b) if b.value > p.value => {
                *p = MmpPoint {
                    duration_s: p.duration_s,
                    ..b
                };
            }
            _ => best = Some(*p),
        }
    }
    MmpCurve { points }
}

/// The exact mean-maximal curve MMP of a series (see [`raw_curve`]): for every duration, the
/// best mean over exactly that many seconds.
///
/// # Errors
/// As [`raw_curve`].
pub fn exact_curve(pieces: &[Piece], cfg: &CurveConfig) -> Result<MmpCurve, ScienceError> {
    raw_curve(pieces, cfg).map(|points| MmpCurve { points })
}

/// The exact power curve of one activity; `None` without a power channel or samples.
///
/// Eligibility for threshold estimation (device power, coverage, no e-bikes) is the caller's.
pub fn activity_power_curve(grid: &Grid, cfg: &CurveConfig) -> Option<MmpCurve> {
    let pieces = power_pieces(grid, cfg);
    exact_curve(&pieces, cfg)
        .ok()
        .filter(|c| !c.points.is_empty())
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
