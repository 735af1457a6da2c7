//! Typed decoding of provider bodies straight from their bytes, with the `serde_json::Value` path
//! as the reference for every body the typed path refuses.
//!
//! Building a `Value` tree first and walking it afterwards costs an allocation per object, string
//! and map entry, and it showed in the sync's profile (docs/BENCHMARKS.md). The typed path reads
//! the same bodies without the tree. It is only ever used when it succeeds: on any error the
//! reference path runs on the same bytes and decides, so a body that fails, or an item that is
//! skipped, fails or is skipped exactly as before, with the same message.
//!
//! One difference remains, by design: the typed path skips the fields it does not read with
//! [`serde::de::IgnoredAny`], which checks their JSON syntax but does not turn them into values.
//! So valid JSON that `Value` cannot hold (a lone surrogate escape such as `"\ud800"`, a number
//! beyond f64 such as `1e400`, nesting deeper than 128) is now accepted inside a field or stream
//! we do not read; it made the whole body malformed before. The body must still be UTF-8.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// `body` decoded as `T`, or `None` when it is not UTF-8 or does not fit `T` (the caller then
/// runs its reference path).
pub(crate) fn typed<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    // `IgnoredAny` does not check UTF-8 inside the strings it skips; `Value` did, so check the
    // whole body once (cheap next to the parse) and parse it as text.
    let text = std::str::from_utf8(body).ok()?;
    serde_json::from_str(text).ok()
}

/// A JSON array whose items are converted one by one, so that one unusable item does not fail
/// the page: each item's result, in order. The typed path decodes the whole array as `Raw`; when
/// any item does not fit, the page is decoded through `Value` and each item by
/// `from_value`, as before, which gives the same per-item errors.
///
/// # Errors
/// The body is not a JSON array (the reference path's error).
pub(crate) fn items<Raw, Item, Error>(
    body: &[u8],
    from_raw: impl Fn(Raw) -> Result<Item, Error>,
    from_value: impl Fn(Value) -> Result<Item, Error>,
) -> Result<Vec<Result<Item, Error>>, serde_json::Error>
where
    Raw: DeserializeOwned,
{
    if let Some(raws) = typed::<Vec<Raw>>(body) {
        return Ok(raws.into_iter().map(from_raw).collect());
    }
    let values: Vec<Value> = serde_json::from_slice(body)?;
    Ok(values.into_iter().map(from_value).collect())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Raw {
        #[serde(default)]
        n: Option<i64>,
    }

    fn positive(raw: Raw) -> Result<i64, String> {
        raw.n
            .filter(|n| *n > 0)
            .ok_or_else(|| "not positive".to_owned())
    }

    fn positive_value(value: Value) -> Result<i64, String> {
        let raw: Raw = serde_json::from_value(value).map_err(|error| error.to_string())?;
        positive(raw)
    }

    fn decode(body: &str) -> Result<Vec<Result<i64, String>>, serde_json::Error> {
        items(body.as_bytes(), positive, positive_value)
    }

    #[test]
    fn one_item_of_the_wrong_type_fails_alone_with_the_value_path_message() {
        let decoded = decode(r#"[{"n": 1}, {"n": "two"}, {"n": -3}]"#).unwrap();
        assert_eq!(
            decoded,
            vec![
                Ok(1),
                Err("invalid type: string \"two\", expected i64".to_owned()),
                Err("not positive".to_owned()),
            ]
        );
    }

    #[test]
    fn a_body_that_is_not_an_array_is_the_reference_error() {
        let error = decode(r#"{"n": 1}"#).unwrap_err();
        let reference = serde_json::from_str::<Vec<Value>>(r#"{"n": 1}"#).unwrap_err();
        assert_eq!(error.to_string(), reference.to_string());
    }

    #[test]
    fn invalid_utf8_in_a_skipped_field_still_fails_the_body() {
        let body = b"[{\"n\": 1, \"other\": \"\xff\"}]";
        assert!(items(body, positive, positive_value).is_err());
    }

    #[test]
    fn valid_json_that_value_cannot_hold_is_accepted_in_a_skipped_field() {
        let body = r#"[{"n": 1, "other": "\ud800", "big": 1e400}]"#;
        assert!(serde_json::from_str::<Vec<Value>>(body).is_err());
        assert_eq!(decode(body).unwrap(), vec![Ok(1)]);
    }
}
