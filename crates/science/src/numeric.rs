//! Small numeric helpers with a fixed evaluation order, so results are bit-identical everywhere
//! (docs/science.md §12).

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

/// Mean of `values[start..end]`, summed in index order (no running sum, so no drift).
fn window_mean(values: &[f64], start: usize, end: usize, divisor: f64) -> f64 {
    let mut sum = 0.0;
    for v in &values[start..end] {
        sum += v;
    }
    sum / divisor
}

/// Trailing mean with partial windows at the start: element i is the mean of
/// `values[max(0, i + 1 − window) ..= i]` (sweatpy `rolling_mean`; docs/science.md §13.1).
///
/// This is the display smoother. Normalized Power never uses partial windows (see
/// [`normalized_mean`]). Each window is summed afresh in index order, so the cost is
/// O(n · window) and results carry no accumulated drift.
///
/// Returns an empty vector when `window` is 0.
pub fn trailing_mean_partial(values: &[f64], window: usize) -> Vec<f64> {
    if window == 0 {
        return Vec::new();
    }
    (0..values.len())
        .map(|i| {
            let start = (i + 1).saturating_sub(window);
            window_mean(values, start, i + 1, (i + 1 - start) as f64)
        })
        .collect()
}

/// The Coggan recipe of docs/science.md §2.1 for any series and window (NP, NGP).
///
/// # Formula
/// r_i = mean of the `window` values ending at i, for i = window … n (the partial windows are
/// dropped); result = ((1/(n − window + 1)) · Σ r_i⁴)^(1/4), with x⁴ = (x·x)·(x·x) and the
/// fourth root as sqrt(sqrt(·)).
///
/// Returns `None` when `window` is 0, when there are fewer than `window` values, or when the
/// result is not finite (a non-finite input).
pub fn normalized_mean(values: &[f64], window: usize) -> Option<f64> {
    if window == 0 || values.len() < window {
        return None;
    }
    let count = values.len() - window + 1;
    let mut sum4 = 0.0;
    for end in window..=values.len() {
        sum4 += pow4(window_mean(values, end - window, end, window as f64));
    }
    let result = root4(sum4 / count as f64);
    result.is_finite().then_some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR_TOL: f64 = 1e-9;

    fn close(actual: f64, expected: f64, tol: f64) -> bool {
        (actual - expected).abs() <= tol * expected.abs().max(1.0)
    }

    #[test]
    fn partial_window_trailing_mean_matches_sweatpy() {
        let out = trailing_mean_partial(&[1.0, 2.0, 3.0, 4.0, 5.0], 2);
        let expected = [1.0, 1.5, 2.5, 3.5, 4.5];
        assert_eq!(out.len(), expected.len());
        for (a, e) in out.iter().zip(expected) {
            assert!(close(*a, e, VECTOR_TOL), "{a} vs {e}");
        }
    }

    #[test]
    fn trailing_mean_of_zero_window_or_empty_input_is_empty() {
        assert!(trailing_mean_partial(&[1.0, 2.0], 0).is_empty());
        assert!(trailing_mean_partial(&[], 3).is_empty());
    }

    #[test]
    fn normalized_mean_needs_a_full_window() {
        assert_eq!(normalized_mean(&[1.0; 29], 30), None);
        assert_eq!(normalized_mean(&[1.0; 3], 0), None);
        assert_eq!(normalized_mean(&[7.0; 30], 30), Some(7.0));
    }

    #[test]
    fn normalized_mean_of_a_non_finite_input_is_none() {
        let mut values = vec![1.0; 40];
        values[5] = f64::NAN;
        assert_eq!(normalized_mean(&values, 30), None);
    }
}
