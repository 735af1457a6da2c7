//! The 1 Hz grids of the activities whose streams one sync stored, kept for the loads the same
//! sync computes a moment later, so those loads do not read the streams back, decode them and
//! resample them a second time.
//!
//! A grid is built from the streams as stored (rounded to the codec's resolution), so a load
//! computed from it is the load a later recomputation from the stored streams gives.

use std::collections::HashMap;

use science::stream::Grid;

use crate::store::activities::ActivityId;

/// Most samples kept in all (5 h at 1 Hz, about 2 MB): a quick sync's few new activities fit,
/// while an onboarding's hundreds fall back to reading their streams instead of holding them all.
const MAX_SAMPLES: usize = 18_000;

/// Grids by activity, bounded by [`MAX_SAMPLES`].
#[derive(Debug, Default)]
pub(crate) struct Grids {
    by_activity: HashMap<ActivityId, Grid>,
    samples: usize,
}

impl Grids {
    /// Keeps `grid` for `activity` if it fits; a grid that does not is simply not kept.
    /// A grid kept earlier for the same activity is dropped either way (its streams were
    /// replaced).
    pub(crate) fn keep(&mut self, activity: ActivityId, grid: Grid) {
        if let Some(replaced) = self.by_activity.remove(&activity) {
            self.samples -= replaced.len();
        }
        if self.samples + grid.len() <= MAX_SAMPLES {
            self.samples += grid.len();
            self.by_activity.insert(activity, grid);
        }
    }

    /// The grid kept for `activity`, if any.
    pub(crate) fn get(&self, activity: ActivityId) -> Option<&Grid> {
        self.by_activity.get(&activity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HALF: usize = MAX_SAMPLES / 2;

    fn grid(len: usize) -> Grid {
        Grid {
            offset_s: (0..u32::try_from(len).unwrap()).collect(),
            ..Grid::default()
        }
    }

    #[test]
    fn grids_are_kept_until_the_sample_bound() {
        let mut grids = Grids::default();
        grids.keep(ActivityId(1), grid(HALF));
        grids.keep(ActivityId(2), grid(HALF + 1));
        grids.keep(ActivityId(3), grid(HALF));
        assert!(grids.get(ActivityId(1)).is_some());
        assert!(grids.get(ActivityId(2)).is_none(), "over the bound");
        assert_eq!(grids.get(ActivityId(3)).map(Grid::len), Some(HALF));
    }

    #[test]
    fn a_replaced_grid_frees_its_samples() {
        let mut grids = Grids::default();
        grids.keep(ActivityId(1), grid(MAX_SAMPLES));
        grids.keep(ActivityId(1), grid(HALF / 2));
        grids.keep(ActivityId(2), grid(HALF));
        assert_eq!(grids.get(ActivityId(1)).map(Grid::len), Some(HALF / 2));
        assert!(grids.get(ActivityId(2)).is_some());
    }

    #[test]
    fn a_replacement_over_the_bound_drops_the_stale_grid() {
        let mut grids = Grids::default();
        grids.keep(ActivityId(1), grid(HALF / 2));
        grids.keep(ActivityId(2), grid(HALF));
        grids.keep(ActivityId(1), grid(HALF + 1));
        assert!(grids.get(ActivityId(1)).is_none());
    }
}
