//! Day 0 after today's completed activities: what is left of its target, or done for today.
//!
//! A coach does not add a hard session on top of one already done: the remainder is planned as
//! an easy session. When what was done already reaches the planned range (≥ its lower edge) or
//! the remainder is shorter than the shortest session worth planning, today is done.

use super::plan::{Notes, capitalised, noun, round0};
use super::targets::Context;
use super::{DayIntensity, DayPlan, DaySport};
use crate::LocalDate;

/// Day 0 when `done` UTL (> 0) was already completed against a planned `planned` UTL.
pub(super) fn remaining(
    ctx: &Context<'_>,
    notes: &Notes<'_>,
    date: LocalDate,
    intensity: DayIntensity,
    sport: DaySport,
    planned: f64,
    done: f64,
) -> DayPlan {
    let cfg = ctx.cfg();
    let left = planned - done;
    let easy = intensity.min(DayIntensity::Easy);
    let reached = done >= cfg.range_fractions[0] * planned;
    let too_short = left < ctx.shortest_session_utl(sport, easy);
    let tail = notes.week_target();
    if intensity == DayIntensity::Rest || reached || too_short {
        let head = if intensity == DayIntensity::Rest {
            format!("Rest day: {}", notes.reason(0))
        } else {
            format!(
                "Done for today: {} of {} UTL planned",
                round0(done),
                round0(planned)
            )
        };
        return DayPlan {
            rationale: format!("{head}; {} UTL already done today; {tail}.", round0(done)),
            ..DayPlan::rest(date)
        };
    }
    let mut day = ctx.day(date, easy, sport, left);
    day.rationale = format!(
        "{} {} for the rest of today: {} of {} UTL planned already done; {tail}.",
        capitalised(easy.as_str()),
        noun(day.sport),
        round0(done),
        round0(planned),
    );
    day
}
