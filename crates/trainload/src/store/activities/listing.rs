//! The filtered activity list: which live activities of a user a page is cut from (sport types
//! and an inclusive range of local dates). One `WHERE` clause serves the activities, their count
//! and their loads, so the three reads always agree on the page.

use jiff::civil::Date;

/// The sport types an activity list keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SportTypes {
    /// Only these raw `sport_type` values.
    OneOf(Vec<&'static str>),
    /// Every value but these (a group that also holds sport types nobody knows yet).
    NoneOf(Vec<&'static str>),
}

/// Which of a user's live activities a list shows; the default keeps them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    /// Sport types kept, or all.
    pub sport_types: Option<SportTypes>,
    /// First local date kept.
    pub from: Option<Date>,
    /// Last local date kept.
    pub to: Option<Date>,
}

/// A `WHERE` condition over the unaliased `activities` table: `$1` is the user, the dates are
/// bound next in order, and `next` is the first placeholder left for the caller.
#[derive(Debug)]
pub(crate) struct Condition {
    /// The condition, without `WHERE`.
    pub sql: String,
    /// Values of `$2`, `$3`, … (dates as stored, `YYYY-MM-DD`).
    pub dates: Vec<String>,
    /// Number of the next free placeholder.
    pub next: usize,
}

impl ActivityFilter {
    /// The condition that selects the user's live activities this filter keeps.
    pub(crate) fn condition(&self) -> Condition {
        let mut sql = String::from("user_id = $1 AND deleted_at_ms IS NULL");
        let mut dates = Vec::new();
        for (bound, op) in [(self.from, ">="), (self.to, "<=")] {
            if let Some(date) = bound {
                dates.push(date.to_string());
                sql.push_str(&format!(" AND local_date {op} ${}", dates.len() + 1));
            }
        }
        match &self.sport_types {
            None => {}
            Some(SportTypes::OneOf(types)) if types.is_empty() => sql.push_str(" AND 1 = 0"),
            Some(SportTypes::NoneOf(types)) if types.is_empty() => {}
            Some(SportTypes::OneOf(types)) => {
                sql.push_str(&format!(" AND sport_type IN ({})", literals(types)));
            }
            Some(SportTypes::NoneOf(types)) => {
                sql.push_str(&format!(" AND sport_type NOT IN ({})", literals(types)));
            }
        }
        let next = dates.len() + 2;
        Condition { sql, dates, next }
    }
}

/// The sport types as SQL string literals. They are compile-time constants of our own (the
/// `&'static str` of [`SportTypes`]), never request text, and quotes are doubled all the same;
/// literals keep the statement's placeholders fixed whatever the list's length.
fn literals(types: &[&'static str]) -> String {
    types
        .iter()
        .map(|t| format!("'{}'", t.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_take_the_placeholders_after_the_user_and_sports_are_literals() {
        let filter = ActivityFilter {
            sport_types: Some(SportTypes::OneOf(vec!["Run", "O'Run"])),
            from: None,
            to: Some(jiff::civil::date(2026, 3, 1)),
        };
        let c = filter.condition();
        assert_eq!(
            c.sql,
            "user_id = $1 AND deleted_at_ms IS NULL AND local_date <= $2 \
             AND sport_type IN ('Run', 'O''Run')"
        );
        assert_eq!(c.dates, ["2026-03-01"]);
        assert_eq!(c.next, 3);
        let all = ActivityFilter::default().condition();
        assert_eq!(all.next, 2);
        assert!(all.dates.is_empty());
    }
}
