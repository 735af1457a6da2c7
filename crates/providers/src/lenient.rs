//! Tolerant number and text parsing for provider JSON (docs/providers.md §1.3, §3).
//!
//! Providers send integers as floats (`162.0`, `-14400.0`), ids beyond 2^32 and, in published
//! examples, integers beyond u64 in fields we do not read. Integer fields here accept an integer
//! or a finite float (rounded, so `162.0` is 162); ids accept integers only, so they never pass
//! through f64 and lose digits.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// Deserializes an optional integer from an integer or a finite float (rounded).
pub fn opt_int<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    let Some(value) = deserializer.deserialize_any(IntVisitor { floats: true })? else {
        return Ok(None);
    };
    T::try_from(value)
        .map(Some)
        .map_err(|_| de::Error::custom(format!("integer {value} out of range")))
}

/// Deserializes an optional id: an integer only (never a float, which would lose digits).
pub fn opt_id<'de, D>(deserializer: D) -> Result<Option<i64>, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_any(IntVisitor { floats: false })
}

/// Deserializes a required integer (no `null`), floats with a fraction rounded.
pub fn int<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    opt_int(deserializer)?.ok_or_else(|| de::Error::custom("integer expected, found null"))
}

/// Deserializes a required id (integer only).
pub fn id<'de, D>(deserializer: D) -> Result<i64, D::Error>
where
    D: Deserializer<'de>,
{
    opt_id(deserializer)?.ok_or_else(|| de::Error::custom("id expected, found null"))
}

struct IntVisitor {
    floats: bool,
}

impl<'de> Visitor<'de> for IntVisitor {
    type Value = Option<i64>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(if self.floats {
            "an integer, a float or null"
        } else {
            "an integer or null"
        })
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        i64::try_from(value)
            .map(Some)
            .map_err(|_| E::custom(format!("integer {value} out of range")))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        // 2^63 as f64; a finite float below it in magnitude converts without saturating.
        const LIMIT: f64 = (1_u64 << 63) as f64;
        if !self.floats {
            return Err(E::custom("integer expected, found a float"));
        }
        let rounded = value.round();
        if rounded.is_finite() && rounded.abs() < LIMIT {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "rounded and checked to be within i64 range just above"
            )]
            Ok(Some(rounded as i64))
        } else {
            Err(E::custom("float out of integer range"))
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Sample {
        #[serde(default, deserialize_with = "super::opt_int")]
        count: Option<i32>,
        #[serde(default, deserialize_with = "super::opt_id")]
        id: Option<i64>,
    }

    fn parse(json: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn integers_accept_whole_floats_and_null() {
        assert_eq!(parse(r#"{"count":162.0}"#).unwrap().count, Some(162));
        assert_eq!(parse(r#"{"count":-14400.0}"#).unwrap().count, Some(-14400));
        assert_eq!(parse(r#"{"count":null}"#).unwrap().count, None);
        assert_eq!(parse("{}").unwrap().count, None);
    }

    #[test]
    fn ids_keep_every_digit_and_refuse_floats() {
        let sample = parse(r#"{"id":9007199254740993}"#).unwrap();
        assert_eq!(sample.id, Some(9_007_199_254_740_993));
        assert!(parse(r#"{"id":16195505756.0}"#).is_err());
        assert!(parse(r#"{"id":18446744073709551615}"#).is_err());
    }

    #[test]
    fn out_of_range_integers_are_errors_not_saturated() {
        assert!(parse(r#"{"count":1e300}"#).is_err());
        assert!(parse(r#"{"count":3000000000}"#).is_err());
    }
}
