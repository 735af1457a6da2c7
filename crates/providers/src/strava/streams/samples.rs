//! One `data` array decoded sample by sample into its typed vector, each sample read as the
//! `Value` path read it; a sample of the wrong JSON type is a gap.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::rounded;

/// A sample as the `Value` path read it: `as_i64` then a rounded float for integer streams,
/// `as_f64` for float streams, `as_bool` for `moving`; anything else is a gap.
pub(super) trait Sample: Sized {
    fn from_i64(value: i64) -> Option<Self>;
    fn from_u64(value: u64) -> Option<Self>;
    fn from_f64(value: f64) -> Option<Self>;
    fn from_bool(value: bool) -> Option<Self>;
}

impl Sample for i64 {
    fn from_i64(value: i64) -> Option<Self> {
        Some(value)
    }

    fn from_u64(value: u64) -> Option<Self> {
        #[expect(
            clippy::cast_precision_loss,
            reason = "as the Value path's as_f64; only reached beyond i64, where it is a gap"
        )]
        let float = value as f64;
        Self::try_from(value).ok().or_else(|| rounded(float))
    }

    fn from_f64(value: f64) -> Option<Self> {
        rounded(value)
    }

    fn from_bool(_: bool) -> Option<Self> {
        None
    }
}

impl Sample for f64 {
    #[expect(clippy::cast_precision_loss, reason = "as serde_json's as_f64")]
    fn from_i64(value: i64) -> Option<Self> {
        Some(value as Self)
    }

    #[expect(clippy::cast_precision_loss, reason = "as serde_json's as_f64")]
    fn from_u64(value: u64) -> Option<Self> {
        Some(value as Self)
    }

    fn from_f64(value: f64) -> Option<Self> {
        Some(value)
    }

    fn from_bool(_: bool) -> Option<Self> {
        None
    }
}

impl Sample for bool {
    fn from_i64(_: i64) -> Option<Self> {
        None
    }

    fn from_u64(_: u64) -> Option<Self> {
        None
    }

    fn from_f64(_: f64) -> Option<Self> {
        None
    }

    fn from_bool(value: bool) -> Option<Self> {
        Some(value)
    }
}

/// A `data` array: one [`Sample`] per element.
pub(super) struct Samples<S> {
    capacity: usize,
    kind: PhantomData<S>,
}

impl<S> Samples<S> {
    pub(super) const fn new(capacity: usize) -> Self {
        Self {
            capacity,
            kind: PhantomData,
        }
    }
}

impl<'de, S: Sample> DeserializeSeed<'de> for Samples<S> {
    type Value = Vec<Option<S>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, S: Sample> Visitor<'de> for Samples<S> {
    type Value = Vec<Option<S>>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a data array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut samples = Vec::with_capacity(self.capacity);
        while let Some(sample) = seq.next_element_seed(OneSample(PhantomData))? {
            samples.push(sample);
        }
        Ok(samples)
    }
}

/// One element of a `data` array, whatever its JSON type.
struct OneSample<S>(PhantomData<S>);

impl<'de, S: Sample> DeserializeSeed<'de> for OneSample<S> {
    type Value = Option<S>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<S>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, S: Sample> Visitor<'de> for OneSample<S> {
    type Value = Option<S>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a sample")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Option<S>, E> {
        Ok(S::from_i64(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Option<S>, E> {
        Ok(S::from_u64(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Option<S>, E> {
        Ok(S::from_f64(value))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Option<S>, E> {
        Ok(S::from_bool(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<S>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<S>, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<S>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<S>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}
