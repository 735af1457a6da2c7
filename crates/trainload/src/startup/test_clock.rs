//! A clock read from a file, for tests of real processes only (`trainload worker
//! --test-clock-file`, a hidden option). The test process writes "now" in epoch milliseconds
//! into the file and rewrites it to move time; the worker reads it at every `now_ms`, so a test
//! can tick a real process through many occurrences without waiting for them.
//!
//! Never use it in production: a file nobody updates stops time.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};

use queue::Clock;

/// "Now" is the integer (epoch ms) in a file; the last good reading when the file is briefly
/// unreadable (a rewrite in progress) or malformed.
#[derive(Debug)]
pub struct FileClock {
    path: PathBuf,
    last_ms: AtomicI64,
}

impl FileClock {
    /// A clock over `path`, which must hold a reading now.
    ///
    /// # Errors
    /// The file cannot be read or does not hold an integer.
    pub fn open(path: PathBuf) -> anyhow::Result<Self> {
        let first = read(&path).ok_or_else(|| {
            anyhow::anyhow!(
                "--test-clock-file {}: no epoch-ms integer in the file",
                path.display()
            )
        })?;
        Ok(Self {
            path,
            last_ms: AtomicI64::new(first),
        })
    }
}

fn read(path: &std::path::Path) -> Option<i64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

impl Clock for FileClock {
    fn now_ms(&self) -> i64 {
        match read(&self.path) {
            Some(ms) => {
                self.last_ms.store(ms, Ordering::SeqCst);
                ms
            }
            None => self.last_ms.load(Ordering::SeqCst),
        }
    }
}
