//! The one error type of the science crate.
//!
//! Calculations never panic on bad input: they return one of these variants, each carrying the
//! name of the offending quantity and the value that was rejected.

/// Why a calculation could not produce a result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScienceError {
    /// An input that must hold at least one value was empty.
    #[error("{what} is empty")]
    Empty {
        /// The quantity that was empty.
        what: &'static str,
    },
    /// A value was NaN or infinite where a finite number is required.
    #[error("{what} must be finite, got {value}")]
    NotFinite {
        /// The quantity that was not finite.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// A value was zero or negative where a positive number is required.
    #[error("{what} must be positive, got {value}")]
    NotPositive {
        /// The quantity that was not positive.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// A value lay outside its valid range.
    #[error("{what} must lie in [{min}, {max}], got {value}")]
    OutOfRange {
        /// The quantity that was out of range.
        what: &'static str,
        /// The rejected value.
        value: f64,
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
    },
    /// An index-aligned stream had a different length from the time stream.
    #[error("stream {channel} has {actual} samples, but the time stream has {expected}")]
    LengthMismatch {
        /// The channel whose length differs.
        channel: &'static str,
        /// Length of the time stream.
        expected: usize,
        /// Length of the channel.
        actual: usize,
    },
    /// Too few samples or points for the calculation.
    #[error("{what} needs at least {needed} values, got {actual}")]
    TooFew {
        /// The calculation or quantity that lacked data.
        what: &'static str,
        /// How many values it needs.
        needed: usize,
        /// How many it got.
        actual: usize,
    },
    /// Two inputs were inconsistent with each other (for example resting HR above max HR).
    #[error("inconsistent inputs: {0}")]
    Inconsistent(String),
    /// A calendar date that does not exist, or a date string that does not parse.
    #[error("invalid date: {0}")]
    InvalidDate(String),
}

/// Rejects NaN and infinities, naming the quantity.
pub(crate) fn finite(what: &'static str, value: f64) -> Result<f64, ScienceError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ScienceError::NotFinite { what, value })
    }
}

/// Requires a finite, strictly positive value.
pub(crate) fn positive(what: &'static str, value: f64) -> Result<f64, ScienceError> {
    let value = finite(what, value)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(ScienceError::NotPositive { what, value })
    }
}

/// Requires a finite value ≥ 0.
pub(crate) fn non_negative(what: &'static str, value: f64) -> Result<f64, ScienceError> {
    let value = finite(what, value)?;
    if value < 0.0 {
        return Err(ScienceError::OutOfRange {
            what,
            value,
            min: 0.0,
            max: f64::INFINITY,
        });
    }
    Ok(value)
}
