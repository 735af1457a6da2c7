//! The queue's one error type.

/// What went wrong in the scheduler or the task queue.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueueError {
    /// A database statement failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A trigger specification is invalid.
    #[error(transparent)]
    Trigger(#[from] crate::TriggerError),
    /// No job with this id is registered or stored.
    #[error("job {0} not found")]
    JobNotFound(String),
    /// No run with this id exists.
    #[error("run {0} not found")]
    RunNotFound(i64),
    /// The request conflicts with the current state (a live run under `skip`, a final run).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A stored value could not be read back (corrupt JSON, unknown time zone, …).
    #[error("invalid stored value: {0}")]
    Invalid(String),
}
