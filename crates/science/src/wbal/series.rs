//! The samples a balance model runs over, with pauses and missing stretches as recovery.

use crate::ScienceError;
use crate::error::non_negative;
use crate::stream::{Channel, Grid};

/// Samples for a balance model: value `values[k]` (W, or m/s for D′bal) at grid second
/// `offset_s[k]`, preceded by `recovery_before_s[k]` seconds without a sample (pauses and missing
/// stretches), which count as recovery at 0. The three vectors have equal length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BalanceSeries {
    /// Grid offset of each sample, s.
    pub offset_s: Vec<u32>,
    /// Sample values, W (or m/s).
    pub values: Vec<f64>,
    /// Seconds of recovery at 0 between the previous sample and this one, s.
    pub recovery_before_s: Vec<u32>,
}

impl BalanceSeries {
    /// A continuous 1 Hz series without pauses, offsets 0, 1, ….
    pub fn continuous(values: &[f64]) -> Self {
        Self {
            offset_s: (0..values.len())
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                .collect(),
            values: values.to_vec(),
            recovery_before_s: vec![0; values.len()],
        }
    }

    /// The valid power of a grid; missing samples and pauses become recovery seconds.
    pub fn from_grid_power(grid: &Grid) -> Self {
        Self::from_channel(grid, Channel::Watts)
    }

    /// The valid speed of a grid, for running D′bal; missing samples and pauses become
    /// recovery seconds.
    pub fn from_grid_speed(grid: &Grid) -> Self {
        Self::from_channel(grid, Channel::Velocity)
    }

    fn from_channel(grid: &Grid, channel: Channel) -> Self {
        let values = grid.channel(channel);
        let mut series = Self::default();
        let mut pending: u32 = 0;
        // Segment k ≥ 1 starts after pause k − 1.
        let mut next_segment = 1;
        for (i, &offset) in grid.offset_s.iter().enumerate() {
            if grid
                .segments
                .get(next_segment)
                .is_some_and(|s| s.start == i)
            {
                let pause = grid.pauses_s.get(next_segment - 1).copied().unwrap_or(0);
                pending = pending.saturating_add(pause);
                next_segment += 1;
            }
            match values.get(i).copied().flatten() {
                Some(v) => {
                    series.offset_s.push(offset);
                    series.values.push(v);
                    series.recovery_before_s.push(pending);
                    pending = 0;
                }
                None => pending = pending.saturating_add(1),
            }
        }
        series
    }

    /// Number of samples (output rows).
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True without samples.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Rejects mismatched vectors and values that are not finite or negative.
    pub(super) fn validate(&self) -> Result<(), ScienceError> {
        let n = self.values.len();
        for (channel, actual) in [
            ("offset_s", self.offset_s.len()),
            ("recovery_before_s", self.recovery_before_s.len()),
        ] {
            if actual != n {
                return Err(ScienceError::LengthMismatch {
                    channel,
                    expected: n,
                    actual,
                });
            }
        }
        for &v in &self.values {
            non_negative("balance sample", v)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_pauses_and_missing_power_become_recovery_seconds() {
        let mut watts = vec![Some(300.0); 20];
        watts[5..17].fill(None);
        let grid = Grid {
            offset_s: (0..10).chain(40..50).collect(),
            watts,
            segments: vec![0..10, 10..20],
            pauses_s: vec![29],
            ..Grid::default()
        };
        let series = BalanceSeries::from_grid_power(&grid);
        assert_eq!(series.values, vec![300.0; 8]);
        assert_eq!(series.offset_s, vec![0, 1, 2, 3, 4, 47, 48, 49]);
        // Samples 5–9 (5 s), the pause (29 s) and samples 10–16 (7 s) are missing.
        assert_eq!(series.recovery_before_s, vec![0, 0, 0, 0, 0, 41, 0, 0]);
    }
}
