//! Content hashes: SHA-256 over a canonical serialisation, as lowercase hex.

use sha2::{Digest, Sha256};

/// The hex SHA-256 of `value`'s JSON form. Struct fields serialise in declaration order and
/// floats in shortest round-trip form, so equal values give equal hashes across runs and builds.
pub(crate) fn content_hash<T: serde::Serialize>(value: &T) -> String {
    // Serialising a plain struct of numbers, strings and options cannot fail.
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Serialises a date as `YYYY-MM-DD` (jiff's serde feature is not enabled in the workspace).
pub(crate) fn date_text<S: serde::Serializer>(
    date: &jiff::civil::Date,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}

/// Serialises an optional date as `YYYY-MM-DD` or null.
pub(crate) fn optional_date_text<S: serde::Serializer>(
    date: &Option<jiff::civil::Date>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => serializer.collect_str(d),
        None => serializer.serialize_none(),
    }
}
