//! The synthetic world: athletes, their calendars, activity plans, streams, summaries and
//! wellness, all pure functions of the seed.

pub(crate) mod athlete;
pub(crate) mod calendar;
pub(crate) mod physio;
pub(crate) mod plan;
mod segments;
pub(crate) mod streams;
pub(crate) mod summary;
pub(crate) mod wellness;

use athlete::Athlete;
use calendar::Calendar;
use plan::Plan;

use crate::time::DAY_S;

/// Athletes and the calendar context.
#[derive(Debug)]
pub(crate) struct World {
    pub seed: u64,
    pub cal: Calendar,
    pub athletes: Vec<Athlete>,
    /// The first local day with activities and wellness.
    pub first_day: i64,
}

impl World {
    pub(crate) fn new(
        seed: u64,
        athletes: usize,
        origin_ms: i64,
        history_days: u32,
        unknown_share: f64,
    ) -> Self {
        let origin_day = origin_ms.div_euclid(1000 * DAY_S);
        Self {
            seed,
            cal: Calendar {
                seed,
                origin_day,
                unknown_share,
            },
            athletes: (0..athletes).map(|i| Athlete::generate(seed, i)).collect(),
            first_day: origin_day - i64::from(history_days),
        }
    }

    /// The athlete-local day of an instant.
    pub(crate) fn local_day(&self, athlete: &Athlete, epoch_s: i64) -> i64 {
        (epoch_s + i64::from(athlete.zone.offset_at(epoch_s))).div_euclid(DAY_S)
    }

    /// Generated plans of one athlete's local day (none before the history starts).
    pub(crate) fn day_plans(&self, athlete: &Athlete, day: i64) -> Vec<Plan> {
        if day < self.first_day {
            return Vec::new();
        }
        plan::plans_for_day(&self.cal, athlete, day)
    }

    /// The generated plan behind an activity id.
    pub(crate) fn generated_plan(&self, id: i64) -> Option<Plan> {
        let (index, day, slot) = plan::decode_id(id)?;
        let athlete = self.athletes.get(index)?;
        if day < self.first_day {
            return None;
        }
        plan::plan_for_id(&self.cal, athlete, day, slot)
    }
}
