//! Date ranges in query strings (`from`/`to` ISO dates): parsed and validated once, so every
//! endpoint answers the same 400 bodies.

use jiff::ToSpan;
use jiff::civil::Date;

use super::ReadError;
use super::add_days;

/// Longest range an endpoint accepts, years.
pub const MAX_RANGE_YEARS: i16 = 10;

/// An inclusive range of athlete-local days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

impl DateRange {
    /// The `days` days ending on `last`.
    pub fn last_days(last: Date, days: u32) -> Self {
        Self {
            from: add_days(last, 1 - i64::from(days.max(1))),
            to: last,
        }
    }

    /// `from`/`to` as given: `from` alone runs to `default.to`; `to` alone ends a range as long
    /// as `default`; neither is `default`.
    ///
    /// # Errors
    /// [`ReadError::Invalid`] `invalid_date` for a value that is not `YYYY-MM-DD`,
    /// `invalid_range` when `from` is after `to` or the range is longer than [`MAX_RANGE_YEARS`].
    pub fn parse(from: Option<&str>, to: Option<&str>, default: Self) -> Result<Self, ReadError> {
        let from = from.map(|s| parse_date("from", s)).transpose()?;
        let to = to.map(|s| parse_date("to", s)).transpose()?;
        let range = match (from, to) {
            (Some(from), Some(to)) => Self { from, to },
            (Some(from), None) => Self { from, ..default },
            // Only the end: as long a range as the default, ending there.
            (None, Some(to)) => Self::last_days(to, u32::try_from(default.days()).unwrap_or(1)),
            (None, None) => default,
        };
        range.validated()
    }

    fn validated(self) -> Result<Self, ReadError> {
        if self.from > self.to {
            return Err(ReadError::invalid(
                "invalid_range",
                format!("from ({}) is after to ({})", self.from, self.to),
            ));
        }
        let limit = self
            .from
            .checked_add(i32::from(MAX_RANGE_YEARS).years())
            .unwrap_or(Date::MAX);
        if self.to > limit {
            return Err(ReadError::invalid(
                "invalid_range",
                format!("a range may span at most {MAX_RANGE_YEARS} years"),
            ));
        }
        Ok(self)
    }

    /// Number of days in the range.
    pub fn days(self) -> i64 {
        i64::from(self.to.since(self.from).map_or(0, |span| span.get_days())) + 1
    }
}

/// Parses one ISO date parameter named `name`.
///
/// # Errors
/// [`ReadError::Invalid`] `invalid_date` for a value that is not `YYYY-MM-DD`.
pub fn parse_date(name: &str, text: &str) -> Result<Date, ReadError> {
    text.trim().parse::<Date>().map_err(|_| {
        ReadError::invalid(
            "invalid_date",
            format!("{name} must be a date as YYYY-MM-DD, not {text:?}"),
        )
    })
}
