//! "Every N days at HH:MM local" from an anchor date (docs/scheduler.md §3.1, `calendar_interval`).

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use super::{Fire, TriggerError, resolve};

/// The first `(anchor_date + k·every_days) at time` (any integer k) that resolves after `after`.
pub(super) fn next_calendar_interval(
    every_days: u32,
    time: Time,
    anchor_date: Date,
    zone: &TimeZone,
    after: Timestamp,
) -> Result<Fire, TriggerError> {
    let local_after = zone.to_datetime(after);
    let days_since_anchor = days_between(anchor_date, local_after.date())?;
    let every = i64::from(every_days);
    // The last nominal date on or before the local date of `after`; later ones follow in steps.
    let mut k = days_since_anchor.div_euclid(every);
    loop {
        let date = add_days(anchor_date, k * every)?;
        let nominal = date.to_datetime(time);
        if nominal > local_after
            && let Some(fire) = resolve(nominal, zone, after)
        {
            return Ok(fire);
        }
        k += 1;
    }
}

fn days_between(from: Date, to: Date) -> Result<i64, TriggerError> {
    let span = from.until(to).map_err(|_| TriggerError::Exhausted)?;
    Ok(i64::from(span.get_days()))
}

fn add_days(date: Date, days: i64) -> Result<Date, TriggerError> {
    date.checked_add(
        jiff::Span::new()
            .try_days(days)
            .map_err(|_| TriggerError::Exhausted)?,
    )
    .map_err(|_| TriggerError::Exhausted)
}
