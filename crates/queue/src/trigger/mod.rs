//! Triggers and the pure `next_fire` function (docs/scheduler.md §3).
//!
//! Three kinds: an interval on a fixed epoch grid, a 5-field calendar (cron) spec, and "every N
//! days at HH:MM". Calendar kinds are matched in civil time and resolved in the schedule's zone
//! with one fixed DST rule: a nominal time in a gap runs once at the transition, a nominal time
//! in a fold runs once at its first occurrence. No clock, no I/O.

mod calendar;
mod spec;
#[cfg(test)]
mod tests;

use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

pub use spec::{Trigger, TriggerError};

/// Why an occurrence did not fire at its nominal local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DstNote {
    /// The nominal time fell in a DST gap; it fired at the transition.
    GapShifted,
    /// The nominal time existed twice; it fired at the first occurrence only.
    FoldFirst,
}

impl DstNote {
    /// The note as stored in `job_run.note`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::GapShifted => "dst_gap_shifted",
            Self::FoldFirst => "dst_fold_first",
        }
    }
}

/// One occurrence of a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fire {
    /// The instant it fires.
    pub at: Timestamp,
    /// The nominal local time (calendar kinds only).
    pub nominal: Option<DateTime>,
    /// Set when the DST rule moved or collapsed the nominal time.
    pub note: Option<DstNote>,
}

/// The first occurrence strictly after `after` (docs/scheduler.md §3.2).
///
/// # Errors
/// [`TriggerError::Exhausted`] when no occurrence exists before the end of jiff's time range.
pub fn next_fire(
    trigger: &Trigger,
    zone: &TimeZone,
    after: Timestamp,
) -> Result<Fire, TriggerError> {
    match trigger {
        Trigger::Interval { every, anchor } => interval_next(*every, *anchor, after),
        Trigger::Calendar { cron, .. } => {
            let mut local = zone.to_datetime(after);
            loop {
                let nominal = cron
                    .find_next_occurrence(&local, false)
                    .map_err(|_| TriggerError::Exhausted)?;
                if let Some(fire) = resolve(nominal, zone, after) {
                    return Ok(fire);
                }
                local = nominal;
            }
        }
        Trigger::CalendarInterval {
            every_days,
            at,
            anchor_date,
        } => calendar::next_calendar_interval(*every_days, *at, *anchor_date, zone, after),
        // The end of time: the tick's `next_fire_at_ms <= now` never selects it.
        Trigger::OnDemand => Ok(Fire {
            at: Timestamp::MAX,
            nominal: None,
            note: None,
        }),
    }
}

/// Every occurrence in `(from, to]`, in order.
pub fn fires<'a>(
    trigger: &'a Trigger,
    zone: &'a TimeZone,
    from: Timestamp,
    to: Timestamp,
) -> impl Iterator<Item = Fire> + 'a {
    let mut after = from;
    std::iter::from_fn(move || {
        let fire = next_fire(trigger, zone, after).ok()?;
        after = fire.at;
        (fire.at <= to).then_some(fire)
    })
}

/// `anchor + (floor((after − anchor) / every) + 1) · every`, in integer milliseconds.
fn interval_next(
    every: SignedDuration,
    anchor: Timestamp,
    after: Timestamp,
) -> Result<Fire, TriggerError> {
    let every_ms = every.as_millis();
    let anchor_ms = anchor.as_millisecond();
    let k = i128::from(after.as_millisecond() - anchor_ms).div_euclid(every_ms) + 1;
    let at_ms = i128::from(anchor_ms) + k * every_ms;
    let at = i64::try_from(at_ms)
        .ok()
        .and_then(|ms| Timestamp::from_millisecond(ms).ok())
        .ok_or(TriggerError::Exhausted)?;
    Ok(Fire {
        at,
        nominal: None,
        note: None,
    })
}

/// Resolves a nominal local time in `zone` with the DST rule; `None` when it resolves to an
/// instant not after `after` (the second half of a fold, or a gap already fired).
fn resolve(nominal: DateTime, zone: &TimeZone, after: Timestamp) -> Option<Fire> {
    let ambiguous = zone.to_ambiguous_timestamp(nominal);
    let (at, note) = match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { offset } => (offset.to_timestamp(nominal).ok()?, None),
        AmbiguousOffset::Gap { after: later, .. } => {
            // The nominal time does not exist: fire at the transition, which lies after the
            // nominal time read with the later offset.
            let probe = later.to_timestamp(nominal).ok()?;
            let transition = zone.following(probe).next()?.timestamp();
            (transition, Some(DstNote::GapShifted))
        }
        AmbiguousOffset::Fold { before, .. } => {
            (before.to_timestamp(nominal).ok()?, Some(DstNote::FoldFirst))
        }
    };
    (at > after).then_some(Fire {
        at,
        nominal: Some(nominal),
        note,
    })
}
