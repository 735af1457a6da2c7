//! The science crate's enums as the store writes them, in columns and in stored JSON: the text of
//! their `as_str`. The science crate stays free of serde; this gives its enums that same text on
//! the way out and refuses an unknown text on the way in (a stored value this version does not
//! know is an error, never a silent default).
//!
//! Use as `#[serde(with = "crate::store::science_text")]` on a field of such an enum type.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

/// An enum of the science crate stored as its `as_str` text.
pub trait ScienceText: Copy + 'static {
    /// What the text names, for the error (`load method`, …).
    const WHAT: &'static str;

    /// Every variant.
    fn all() -> &'static [Self];

    /// The stored text.
    fn text(self) -> &'static str;

    /// The variant stored as `text`, if any.
    fn parse(text: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.text() == text)
    }
}

macro_rules! science_text {
    ($($ty:ty => $what:literal,)+) => {
        $(impl ScienceText for $ty {
            const WHAT: &'static str = $what;

            fn all() -> &'static [Self] {
                &<$ty>::ALL
            }

            fn text(self) -> &'static str {
                self.as_str()
            }
        })+
    };
}

science_text! {
    science::utl::Method => "load method",
    science::SportClass => "sport class",
    science::SportGroup => "sport group",
    science::wellness::ComponentKind => "wellness component",
    science::wellness::WellnessStatus => "wellness status",
}

/// Serialises `value` as its text.
///
/// # Errors
/// The serialiser's.
pub fn serialize<T: ScienceText, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.text())
}

/// Reads a variant from its text.
///
/// # Errors
/// Not a string, or a text no variant has.
pub fn deserialize<'de, T: ScienceText, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    let text = String::deserialize(deserializer)?;
    T::parse(&text).ok_or_else(|| D::Error::custom(format!("unknown {} {text:?}", T::WHAT)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Holder {
        #[serde(with = "super")]
        method: science::utl::Method,
    }

    #[test]
    fn every_variant_round_trips_through_its_text() {
        for &method in science::utl::Method::all() {
            let json = serde_json::to_string(&Holder { method }).unwrap();
            assert_eq!(json, format!(r#"{{"method":"{}"}}"#, method.as_str()));
            assert_eq!(
                serde_json::from_str::<Holder>(&json).unwrap().method,
                method
            );
        }
        for &group in science::SportGroup::all() {
            assert_eq!(science::SportGroup::parse(group.as_str()), Some(group));
        }
    }

    #[test]
    fn an_unknown_text_is_an_error_that_names_it() {
        let error = serde_json::from_str::<Holder>(r#"{"method":"magic"}"#).unwrap_err();
        assert!(
            error.to_string().contains(r#"unknown load method "magic""#),
            "{error}"
        );
    }
}
