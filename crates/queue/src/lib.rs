//! A generic durable scheduler and task queue over SQLite and PostgreSQL: DST-correct triggers,
//! exactly-once occurrences across processes, leased tasks with retries. It knows nothing about
//! training load; the application registers its jobs.

pub mod trigger;

pub use trigger::{DstNote, Fire, Trigger, TriggerError, fires, next_fire};
