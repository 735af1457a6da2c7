//! The activity list's query (`sport`, `from`, `to`, `limit`, `offset`), checked once for the
//! API and the `/activities` page, so both answer the same 400 codes and messages.

use std::fmt::Write;

use jiff::civil::Date;
use science::{SportClass, SportGroup};
use serde::Deserialize;
use utoipa::IntoParams;

use super::ReadError;
use super::range::parse_date;
use crate::store::activities::{ActivityFilter, SportTypes};

/// Largest activity page.
pub const MAX_LIMIT: i64 = 200;
/// Page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 20;

/// `?sport=&from=&to=&limit=&offset=`; an empty value counts as not given (an HTML form sends
/// empty fields).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// Only this sport group: `running`, `cycling`, `swimming` or `other` (the names of the
    /// dashboard's ACWR and of each activity's `sport`).
    pub sport: Option<String>,
    /// First local date, `YYYY-MM-DD` (inclusive).
    pub from: Option<String>,
    /// Last local date, `YYYY-MM-DD` (inclusive).
    pub to: Option<String>,
    /// Page size, 1 – 200 (default 20).
    pub limit: Option<i64>,
    /// Activities to skip, ≥ 0 (default 0); the answer's `next_offset` is the next page's.
    pub offset: Option<i64>,
}

/// A checked [`ActivityQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRequest {
    /// The sport group kept, or all.
    pub sport: Option<SportGroup>,
    /// First local date kept.
    pub from: Option<Date>,
    /// Last local date kept.
    pub to: Option<Date>,
    /// Page size.
    pub limit: i64,
    /// Activities skipped.
    pub offset: i64,
}

impl ActivityQuery {
    /// The request, with `default_limit` when no `limit` is given.
    ///
    /// # Errors
    /// [`ReadError::Invalid`] `invalid_sport`, `invalid_date`, `invalid_range` (from after to),
    /// `invalid_limit` or `invalid_offset`.
    pub fn check(&self, default_limit: i64) -> Result<ActivityRequest, ReadError> {
        let sport = given(&self.sport).map(sport_group).transpose()?;
        let from = given(&self.from)
            .map(|s| parse_date("from", s))
            .transpose()?;
        let to = given(&self.to).map(|s| parse_date("to", s)).transpose()?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(ReadError::invalid(
                "invalid_range",
                format!(
                    "from ({from}) is after to ({to}): the first day must not come after the last"
                ),
            ));
        }
        let limit = self.limit.unwrap_or(default_limit);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ReadError::invalid(
                "invalid_limit",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(ReadError::invalid(
                "invalid_offset",
                "offset must not be negative",
            ));
        }
        Ok(ActivityRequest {
            sport,
            from,
            to,
            limit,
            offset,
        })
    }
}

impl ActivityRequest {
    /// The store's filter: the group's Strava sport types, and the dates.
    pub fn filter(&self) -> ActivityFilter {
        ActivityFilter {
            sport_types: self.sport.map(sport_types),
            from: self.from,
            to: self.to,
        }
    }

    /// The query string of the same filter at another `offset` (`sport=…&from=…&to=…&limit=…&
    /// offset=…`, only what was given besides limit and offset), for next and previous links.
    pub fn query_at(&self, offset: i64) -> String {
        let mut query = self.filter_query();
        if !query.is_empty() {
            query.push('&');
        }
        let _ = write!(query, "limit={}&offset={offset}", self.limit);
        query
    }

    /// The filter alone as a query string (empty when nothing is filtered).
    pub fn filter_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(sport) = self.sport {
            parts.push(format!("sport={}", sport.as_str()));
        }
        if let Some(from) = self.from {
            parts.push(format!("from={from}"));
        }
        if let Some(to) = self.to {
            parts.push(format!("to={to}"));
        }
        parts.join("&")
    }

    /// The next page's offset, when `total` leaves activities after this page.
    pub fn next_offset(&self, total: i64) -> Option<i64> {
        let next = self.offset.saturating_add(self.limit);
        (next < total).then_some(next)
    }

    /// The previous page's offset, when this page does not start at the first activity.
    pub fn previous_offset(&self) -> Option<i64> {
        (self.offset > 0).then(|| (self.offset - self.limit).max(0))
    }
}

/// A parameter's text, or `None` when it is missing or blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The sport group a list keeps, by the name the API uses for it.
fn sport_group(name: &str) -> Result<SportGroup, ReadError> {
    SportGroup::ALL
        .into_iter()
        .find(|g| g.as_str() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = SportGroup::ALL.iter().map(|g| g.as_str()).collect();
            ReadError::invalid(
                "invalid_sport",
                format!("sport must be one of {}, not {name:?}", names.join(", ")),
            )
        })
}

/// The Strava sport types of `group` (docs/science.md §5.2). `other` also holds sport types
/// Strava adds later, so it is "none of the other groups' types".
fn sport_types(group: SportGroup) -> SportTypes {
    let of = |wanted: &dyn Fn(SportGroup) -> bool| -> Vec<&'static str> {
        science::sport::STRAVA_SPORT_TYPES
            .into_iter()
            .filter(|t| wanted(SportClass::of(t).group()))
            .collect()
    };
    match group {
        SportGroup::Other => SportTypes::NoneOf(of(&|g| g != SportGroup::Other)),
        named => SportTypes::OneOf(of(&|g| g == named)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sport_type_falls_in_exactly_one_group() {
        for t in science::sport::STRAVA_SPORT_TYPES {
            let kept: Vec<SportGroup> = SportGroup::ALL
                .into_iter()
                .filter(|g| match sport_types(*g) {
                    SportTypes::OneOf(types) => types.contains(&t),
                    SportTypes::NoneOf(types) => !types.contains(&t),
                })
                .collect();
            assert_eq!(kept, [SportClass::of(t).group()], "{t}");
        }
    }

    #[test]
    fn links_keep_the_filter_and_pages_end_at_the_total() {
        let query = ActivityQuery {
            sport: Some("running".to_owned()),
            from: Some(String::new()),
            to: Some("2026-03-01".to_owned()),
            limit: Some(10),
            offset: Some(10),
        };
        let request = query.check(DEFAULT_LIMIT).unwrap();
        assert_eq!(request.from, None, "an empty field is no filter");
        assert_eq!(
            request.query_at(20),
            "sport=running&to=2026-03-01&limit=10&offset=20"
        );
        assert_eq!(request.next_offset(21), Some(20));
        assert_eq!(request.next_offset(20), None);
        assert_eq!(request.previous_offset(), Some(0));
    }
}
