//! Trigger specifications: validation and the canonical JSON stored in `schedule.spec`.

use std::str::FromStr;

use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

/// When a job fires.
#[derive(Debug, Clone)]
pub enum Trigger {
    /// `anchor + k·every` for every integer k: a fixed UTC grid that restarts never move.
    Interval {
        /// The period (positive, whole milliseconds).
        every: SignedDuration,
        /// A point of the grid.
        anchor: Timestamp,
    },
    /// A standard 5-field cron spec matched in local civil time.
    Calendar {
        /// The spec as given (weekdays may be names).
        expression: String,
        /// The parsed matcher.
        cron: Box<Cron>,
    },
    /// `(anchor_date + k·every_days) at` local time.
    CalendarInterval {
        /// Days between nominal dates.
        every_days: u32,
        /// Local wall-clock time of day.
        at: Time,
        /// A nominal date.
        anchor_date: Date,
    },
    /// Never fires by itself: its runs are started by hand or its tasks enqueued one at a time
    /// ([`crate::Scheduler::enqueue`]), e.g. for events that arrive from outside.
    OnDemand,
}

/// Why a trigger specification is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TriggerError {
    /// The JSON is not a trigger object.
    #[error("invalid trigger spec: {0}")]
    Invalid(String),
    /// The cron expression uses something the scheduler refuses.
    #[error("cron expression {expression:?} rejected: {reason}")]
    Cron {
        /// The expression.
        expression: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No further occurrence exists in the representable time range.
    #[error("the trigger has no further occurrence")]
    Exhausted,
}

impl Trigger {
    /// An interval trigger; `every` must be positive and a whole number of milliseconds.
    ///
    /// # Errors
    /// [`TriggerError::Invalid`] for a zero, negative or sub-millisecond period.
    pub fn interval(every: SignedDuration, anchor: Timestamp) -> Result<Self, TriggerError> {
        if every <= SignedDuration::ZERO || every.subsec_nanos() % 1_000_000 != 0 {
            return Err(TriggerError::Invalid(format!(
                "interval {every} must be positive whole ms"
            )));
        }
        Ok(Self::Interval { every, anchor })
    }

    /// A calendar trigger from a 5-field cron expression.
    ///
    /// # Errors
    /// [`TriggerError::Cron`] for seconds or year fields, `L`, `W`, `#`, `?`, a day of month
    /// 29–31 (some months would be skipped silently), or a spec restricting both day of month
    /// and day of week (cron implementations disagree on OR versus AND).
    pub fn calendar(expression: &str) -> Result<Self, TriggerError> {
        let reject = |reason: &str| TriggerError::Cron {
            expression: expression.to_owned(),
            reason: reason.to_owned(),
        };
        let fields: Vec<&str> = expression.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(reject(
                "exactly 5 fields are required (no seconds, no year)",
            ));
        }
        if expression.contains(['L', 'W', '#', '?']) && !names_only(expression) {
            return Err(reject("L, W, # and ? are not supported"));
        }
        let (dom, dow) = (fields[2], fields[4]);
        if dom != "*" && dow != "*" {
            return Err(reject(
                "day of month and day of week cannot both be restricted",
            ));
        }
        if mentions_late_day(dom) {
            return Err(reject("days 29-31 do not exist in every month"));
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .build()
            .parse(expression)
            .map_err(|e| reject(&e.to_string()))?;
        Ok(Self::Calendar {
            expression: expression.to_owned(),
            cron: Box::new(cron),
        })
    }

    /// Every `every_days` days at `at` local time, on the grid of `anchor_date`.
    ///
    /// # Errors
    /// [`TriggerError::Invalid`] when `every_days` is 0.
    pub fn calendar_interval(
        every_days: u32,
        at: Time,
        anchor_date: Date,
    ) -> Result<Self, TriggerError> {
        if every_days == 0 {
            return Err(TriggerError::Invalid(
                "every_days must be at least 1".to_owned(),
            ));
        }
        Ok(Self::CalendarInterval {
            every_days,
            at,
            anchor_date,
        })
    }

    /// The canonical JSON of `schedule.spec`.
    pub fn to_json(&self) -> String {
        let value = match self {
            Self::Interval { every, anchor } => {
                json!({"kind": "interval", "every": every.to_string(), "anchor": anchor.to_string()})
            }
            Self::Calendar { expression, .. } => json!({"kind": "calendar", "cron": expression}),
            Self::OnDemand => json!({"kind": "on_demand"}),
            Self::CalendarInterval {
                every_days,
                at,
                anchor_date,
            } => json!({
                "kind": "calendar_interval",
                "every_days": every_days,
                "at": at.strftime("%H:%M").to_string(),
                "anchor_date": anchor_date.to_string(),
            }),
        };
        value.to_string()
    }

    /// The `kind` column value.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Interval { .. } => "interval",
            Self::Calendar { .. } => "calendar",
            Self::CalendarInterval { .. } => "calendar_interval",
            Self::OnDemand => "on_demand",
        }
    }
}

impl FromStr for Trigger {
    type Err = TriggerError;

    /// Parses the canonical JSON.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |what: &str| TriggerError::Invalid(format!("{what} in {text}"));
        let value: Value = serde_json::from_str(text).map_err(|e| invalid(&e.to_string()))?;
        let field = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| invalid(name))
        };
        match field("kind")? {
            "interval" => {
                let every = field("every")?.parse().map_err(|_| invalid("every"))?;
                let anchor = field("anchor")?.parse().map_err(|_| invalid("anchor"))?;
                Self::interval(every, anchor)
            }
            "calendar" => Self::calendar(field("cron")?),
            "on_demand" => Ok(Self::OnDemand),
            "calendar_interval" => {
                let every_days = value
                    .get("every_days")
                    .and_then(Value::as_u64)
                    .and_then(|d| u32::try_from(d).ok())
                    .ok_or_else(|| invalid("every_days"))?;
                let at = field("at")?.parse().map_err(|_| invalid("at"))?;
                let anchor_date = field("anchor_date")?
                    .parse()
                    .map_err(|_| invalid("anchor_date"))?;
                Self::calendar_interval(every_days, at, anchor_date)
            }
            _ => Err(invalid("kind")),
        }
    }
}

/// True when every `L`, `W`, `#`, `?` in the text is part of a month or weekday name.
fn names_only(expression: &str) -> bool {
    const NAMES: [&str; 19] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "MON",
        "TUE", "WED", "THU", "FRI", "SAT", "SUN",
    ];
    let mut rest = expression.to_uppercase();
    for name in NAMES {
        rest = rest.replace(name, "");
    }
    !rest.contains(['L', 'W', '#', '?'])
}

/// True when a day-of-month field can select a day from 29 to 31.
fn mentions_late_day(dom: &str) -> bool {
    dom.split(',').any(|part| {
        let (range, step) = part.split_once('/').unwrap_or((part, "1"));
        let step: u32 = step.parse().unwrap_or(1).max(1);
        let (lo, hi) = match range.split_once('-') {
            Some((lo, hi)) => (lo.parse().unwrap_or(1), hi.parse().unwrap_or(31)),
            None if range == "*" => (1, 31),
            None => {
                let day: u32 = range.parse().unwrap_or(0);
                (day, if part.contains('/') { 31 } else { day })
            }
        };
        (lo..=hi).step_by(step as usize).any(|d| d >= 29) && !(range == "*" && step == 1)
    })
}
