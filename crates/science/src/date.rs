//! Athlete-local calendar dates.
//!
//! The science crate has no clock and no time-zone database: a date is a plain proleptic
//! Gregorian day, counted from 1970-01-01, which the caller derives from Strava's
//! `start_date_local`. Arithmetic is exact integer arithmetic.

use std::fmt;
use std::str::FromStr;

use crate::ScienceError;

/// A calendar date in the athlete's own time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDate {
    days_since_epoch: i32,
}

impl LocalDate {
    /// The date `year-month-day`; errors when that day does not exist.
    ///
    /// # Errors
    /// [`ScienceError::InvalidDate`] for a month outside 1–12 or a day outside the month.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Self, ScienceError> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(ScienceError::InvalidDate(format!(
                "{year:04}-{month:02}-{day:02}"
            )));
        }
        Ok(Self {
            days_since_epoch: days_from_civil(year, month, day),
        })
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    pub const fn from_days_since_epoch(days: i32) -> Self {
        Self {
            days_since_epoch: days,
        }
    }

    /// Days since 1970-01-01.
    pub const fn days_since_epoch(self) -> i32 {
        self.days_since_epoch
    }

    /// `(year, month, day)`.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.days_since_epoch)
    }

    /// This date moved by `days` (negative moves back).
    #[must_use]
    pub const fn add_days(self, days: i32) -> Self {
        Self {
            days_since_epoch: self.days_since_epoch + days,
        }
    }

    /// Whole days from `earlier` to `self` (negative when `earlier` is later).
    pub const fn days_since(self, earlier: Self) -> i32 {
        self.days_since_epoch - earlier.days_since_epoch
    }

    /// ISO weekday: Monday = 1 … Sunday = 7.
    pub fn iso_weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (ISO 4).
        let from_monday = (self.days_since_epoch + 3).rem_euclid(7);
        from_monday.unsigned_abs() + 1
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for LocalDate {
    type Err = ScienceError;

    /// Parses `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || ScienceError::InvalidDate(s.to_owned());
        let mut parts = s.splitn(3, '-');
        let year = parts.next().and_then(|p| p.parse::<i32>().ok());
        let month = parts.next().and_then(|p| p.parse::<u32>().ok());
        let day = parts.next().and_then(|p| p.parse::<u32>().ok());
        match (year, month, day) {
            (Some(y), Some(m), Some(d)) if s.len() == 10 => Self::from_ymd(y, m, d),
            _ => Err(invalid()),
        }
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's `days_from_civil` / `civil_from_days` (public domain algorithms), exact for
// every date that fits an i32 day count.
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month.unsigned_abs(), day.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_day_zero_and_a_thursday() {
        let d = LocalDate::from_ymd(1970, 1, 1).unwrap();
        assert_eq!(d.days_since_epoch(), 0);
        assert_eq!(d.iso_weekday(), 4);
    }

    #[test]
    fn round_trips_through_text_and_days() {
        for days in (-719_000..800_000).step_by(997) {
            let d = LocalDate::from_days_since_epoch(days);
            let parsed: LocalDate = d.to_string().parse().unwrap();
            assert_eq!(parsed, d);
        }
    }

    #[test]
    fn rejects_days_that_do_not_exist() {
        assert!(LocalDate::from_ymd(2023, 2, 29).is_err());
        assert!(LocalDate::from_ymd(2024, 2, 29).is_ok());
        assert!(LocalDate::from_ymd(2024, 13, 1).is_err());
        assert!("2024-1-01".parse::<LocalDate>().is_err());
        assert!("garbage".parse::<LocalDate>().is_err());
    }

    #[test]
    fn arithmetic_crosses_months_and_years() {
        let d = LocalDate::from_ymd(2024, 12, 31).unwrap();
        assert_eq!(d.add_days(1).to_string(), "2025-01-01");
        assert_eq!(d.add_days(-366).to_string(), "2023-12-31");
        assert_eq!(d.days_since(LocalDate::from_ymd(2024, 1, 1).unwrap()), 365);
    }
}
