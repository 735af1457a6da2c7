//! Reading the events table without skipping or repeating.
//!
//! On PostgreSQL an id is assigned at insert but becomes visible at commit, so a slow
//! transaction's event can appear after higher ids were already read. The cursor therefore
//! re-reads the last [`LOOKBACK`] ids behind the highest one it has seen and remembers which of
//! those it delivered. An event committed more than `LOOKBACK` ids late is missed; the next
//! event of that athlete refreshes their page anyway.

use std::collections::BTreeSet;

use crate::store::events::{self, Event, EventId};
use crate::store::{Store, StoreError};

/// How many ids behind the highest seen one are re-read.
const LOOKBACK: i64 = 100;
/// Rows per read; larger than `LOOKBACK`, so a full batch always holds new events.
const BATCH: i64 = 500;

/// A position in the events table.
#[derive(Debug, Clone)]
pub struct Cursor {
    /// Ids at or below this are never read (the history before the process started).
    floor: i64,
    /// The highest id delivered.
    high: i64,
    /// Ids delivered within the lookback window.
    seen: BTreeSet<i64>,
}

impl Cursor {
    /// A cursor that delivers the events after `after`.
    pub fn new(after: EventId) -> Self {
        Self {
            floor: after.0,
            high: after.0,
            seen: BTreeSet::new(),
        }
    }

    /// The events not delivered yet, in id order.
    ///
    /// # Errors
    /// Database errors; the cursor does not move then.
    pub async fn next(&mut self, store: &Store) -> Result<Vec<Event>, StoreError> {
        let mut fresh = Vec::new();
        loop {
            let from = EventId((self.high - LOOKBACK).max(self.floor));
            let batch = events::read_after(store, from, BATCH).await?;
            let full = i64::try_from(batch.len()).unwrap_or(i64::MAX) >= BATCH;
            fresh.extend(self.accept(batch));
            if !full {
                return Ok(fresh);
            }
        }
    }

    /// Keeps the events of `batch` not delivered before and moves the window.
    fn accept(&mut self, batch: Vec<Event>) -> Vec<Event> {
        let fresh: Vec<Event> = batch
            .into_iter()
            .filter(|event| event.id.0 > self.floor && self.seen.insert(event.id.0))
            .collect();
        if let Some(max) = self.seen.last() {
            self.high = self.high.max(*max);
        }
        let keep_from = self.high - LOOKBACK;
        self.seen.retain(|&id| id > keep_from);
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::users::UserId;

    fn event(id: i64) -> Event {
        Event {
            id: EventId(id),
            user: UserId(1),
            kind: "activity_processed".into(),
            payload: serde_json::Value::Null,
            created_at_ms: 0,
        }
    }

    fn ids(events: &[Event]) -> Vec<i64> {
        events.iter().map(|e| e.id.0).collect()
    }

    #[test]
    fn a_late_committed_lower_id_is_delivered_once_and_repeats_are_dropped() {
        let mut cursor = Cursor::new(EventId(10));
        assert_eq!(ids(&cursor.accept(vec![event(11), event(13)])), [11, 13]);
        // 12 committed after 13 was read; the re-read window still covers it.
        assert_eq!(
            ids(&cursor.accept(vec![event(11), event(12), event(13), event(14)])),
            [12, 14]
        );
        assert_eq!(
            ids(&cursor.accept(vec![event(12), event(14)])),
            Vec::<i64>::new()
        );
    }

    #[test]
    fn history_before_the_start_is_never_delivered() {
        let mut cursor = Cursor::new(EventId(50));
        assert_eq!(ids(&cursor.accept(vec![event(49), event(51)])), [51]);
    }

    #[test]
    fn the_remembered_ids_stay_within_the_lookback() {
        let mut cursor = Cursor::new(EventId(0));
        let batch: Vec<Event> = (1..=300).map(event).collect();
        assert_eq!(cursor.accept(batch).len(), 300);
        assert_eq!(cursor.seen.len(), usize::try_from(LOOKBACK).unwrap());
        assert_eq!(cursor.high, 300);
    }
}
