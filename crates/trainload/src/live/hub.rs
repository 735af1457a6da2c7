//! The in-process fan-out of events to the connected browsers.

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::store::events::{Event, EventId};

/// Events buffered per slow subscriber before it is told it lagged.
const CAPACITY: usize = 1024;

/// The process's event fan-out: the poller publishes, each `/events` stream subscribes and
/// keeps its athlete's events. Cloning shares it.
#[derive(Debug, Clone)]
pub struct LiveHub {
    sender: broadcast::Sender<Arc<Event>>,
    started_after: EventId,
}

impl LiveHub {
    /// A hub whose poller starts after `started_after` (the newest event when the process
    /// started), so history is not replayed to live browsers.
    pub fn new(started_after: EventId) -> Self {
        let (sender, _) = broadcast::channel(CAPACITY);
        Self {
            sender,
            started_after,
        }
    }

    /// Where the poller starts.
    pub fn started_after(&self) -> EventId {
        self.started_after
    }

    /// Every event published from now on (all users; the subscriber filters).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }

    /// Hands `event` to every subscriber; nobody listening is not an error.
    pub fn publish(&self, event: Event) {
        let _ = self.sender.send(Arc::new(event));
    }
}
