//! One day's load sums, so a store can keep them per day and rebuild [`DailyLoads`] without
//! reading every activity again. A day's sums are added in the same canonical order as
//! [`DailyLoads::new`] adds them (group, then UTL), so the rebuilt series is bit-identical.

use super::{DailyLoads, DatedLoad, MAX_HISTORY_DAYS, group_index};
use crate::error::{self, ScienceError};
use crate::{LocalDate, SportGroup};

/// The load sums of one day: overall and per sport group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DaySums {
    /// The date.
    pub date: LocalDate,
    /// How many loads were summed (a day with only zero loads still counts: it can be the
    /// first day of the history).
    pub loads: u32,
    /// Σ UTL of every load.
    pub overall: f64,
    /// Σ UTL per group, in [`SportGroup::ALL`] order.
    pub groups: [f64; 4],
}

impl DaySums {
    /// Sums the loads of `date` (those of other dates are ignored) in the canonical order.
    ///
    /// # Errors
    /// [`ScienceError::NotFinite`] or [`ScienceError::OutOfRange`] for a UTL that is not a finite
    /// value ≥ 0 (as [`DailyLoads::new`]).
    pub fn of(date: LocalDate, loads: &[DatedLoad]) -> Result<Self, ScienceError> {
        let mut used: Vec<&DatedLoad> = Vec::with_capacity(loads.len());
        for l in loads {
            error::non_negative("UTL", l.utl)?;
            if l.date == date {
                used.push(l);
            }
        }
        used.sort_by(|a, b| a.group.cmp(&b.group).then(a.utl.total_cmp(&b.utl)));
        let mut sums = Self {
            date,
            loads: 0,
            overall: 0.0,
            groups: [0.0; 4],
        };
        for l in used {
            sums.loads += 1;
            sums.overall += l.utl;
            sums.groups[group_index(l.group)] += l.utl;
        }
        Ok(sums)
    }

    /// Σ UTL of one group.
    pub fn group(&self, group: SportGroup) -> f64 {
        self.groups[group_index(group)]
    }
}

impl DailyLoads {
    /// The series from stored day sums (any order; days without loads are left out): equal to
    /// [`DailyLoads::new`] over the loads the sums were made from. Days after `as_of` are
    /// ignored.
    ///
    /// # Errors
    /// [`ScienceError::Inconsistent`] for two sums of one date; a sum that is not a finite value
    /// ≥ 0; [`ScienceError::OutOfRange`] for a history longer than [`MAX_HISTORY_DAYS`].
    pub fn from_days(days: &[DaySums], as_of: LocalDate) -> Result<Self, ScienceError> {
        let mut used: Vec<&DaySums> = Vec::with_capacity(days.len());
        for d in days {
            error::non_negative("daily load", d.overall)?;
            for &g in &d.groups {
                error::non_negative("daily load", g)?;
            }
            if d.date <= as_of && d.loads > 0 {
                used.push(d);
            }
        }
        used.sort_by_key(|d| d.date);
        if let Some(pair) = used.windows(2).find(|w| w[0].date == w[1].date) {
            return Err(ScienceError::Inconsistent(format!(
                "two load sums for {}",
                pair[0].date
            )));
        }
        let Some(first) = used.first() else {
            return Ok(Self {
                seed: None,
                as_of,
                overall: Vec::new(),
                groups: Default::default(),
            });
        };
        let seed = first.date.add_days(-1);
        let span = as_of.days_since(seed);
        if span > MAX_HISTORY_DAYS {
            return Err(ScienceError::OutOfRange {
                what: "history length (days)",
                value: f64::from(span),
                min: 0.0,
                max: f64::from(MAX_HISTORY_DAYS),
            });
        }
        let len = usize::try_from(span).map_or(0, |s| s + 1);
        let mut out = Self {
            seed: Some(seed),
            as_of,
            overall: vec![0.0; len],
            groups: std::array::from_fn(|_| vec![0.0; len]),
        };
        for d in used {
            let Ok(i) = usize::try_from(d.date.days_since(seed)) else {
                continue;
            };
            out.overall[i] = d.overall;
            for (series, &sum) in out.groups.iter_mut().zip(&d.groups) {
                series[i] = sum;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn day(k: i32) -> LocalDate {
        LocalDate::from_ymd(2024, 1, 1).unwrap().add_days(k)
    }

    fn sums_by_day(loads: &[DatedLoad]) -> Vec<DaySums> {
        let mut dates: Vec<LocalDate> = loads.iter().map(|l| l.date).collect();
        dates.sort();
        dates.dedup();
        dates
            .into_iter()
            .map(|d| DaySums::of(d, loads).unwrap())
            .collect()
    }

    proptest! {
        #[test]
        fn day_sums_rebuild_the_series_bit_for_bit(
            raw in prop::collection::vec((0..60_i32, 0..4_usize, 0.0..400.0_f64), 0..120),
            as_of in 0..70_i32,
        ) {
            let loads: Vec<DatedLoad> = raw
                .iter()
                .map(|&(k, g, utl)| DatedLoad { date: day(k), group: SportGroup::ALL[g], utl })
                .collect();
            let direct = DailyLoads::new(&loads, day(as_of)).unwrap();
            let mut days = sums_by_day(&loads);
            days.reverse();
            let rebuilt = DailyLoads::from_days(&days, day(as_of)).unwrap();
            prop_assert_eq!(direct.seed(), rebuilt.seed());
            for series in [super::super::Series::Overall]
                .into_iter()
                .chain(SportGroup::ALL.map(super::super::Series::Group))
            {
                let a: Vec<u64> = direct.series(series).iter().map(|v| v.to_bits()).collect();
                let b: Vec<u64> = rebuilt.series(series).iter().map(|v| v.to_bits()).collect();
                prop_assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn a_day_of_zero_loads_still_seeds_the_history() {
        let loads = [DatedLoad {
            date: day(3),
            group: SportGroup::Other,
            utl: 0.0,
        }];
        let days = sums_by_day(&loads);
        let rebuilt = DailyLoads::from_days(&days, day(10)).unwrap();
        assert_eq!(rebuilt.seed(), Some(day(2)));
        assert_eq!(rebuilt, DailyLoads::new(&loads, day(10)).unwrap());
    }

    #[test]
    fn bad_sums_are_refused() {
        let good = DaySums::of(day(1), &[]).unwrap();
        assert_eq!(good.loads, 0);
        let twice = [DaySums { loads: 1, ..good }, DaySums { loads: 2, ..good }];
        assert!(matches!(
            DailyLoads::from_days(&twice, day(5)),
            Err(ScienceError::Inconsistent(_))
        ));
        let negative = [DaySums {
            loads: 1,
            overall: -1.0,
            ..good
        }];
        assert!(DailyLoads::from_days(&negative, day(5)).is_err());
        let bad = [DatedLoad {
            date: day(1),
            group: SportGroup::Running,
            utl: f64::NAN,
        }];
        assert!(DaySums::of(day(1), &bad).is_err());
    }
}
