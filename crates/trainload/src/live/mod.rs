//! Live updates: one poller per process reads the events table in id order and
//! hands each new event to a [`LiveHub`]; every `/events` stream subscribes to the hub and keeps
//! its own athlete's events. Polling the shared table is what makes an event written by any
//! process (PostgreSQL) or by a CLI next to the server (SQLite) reach every server's browsers.

mod cursor;
mod hub;
mod poller;

pub use cursor::Cursor;
pub use hub::LiveHub;
pub use poller::poll_until_stopped;
