//! The streams body decoded straight from its bytes: the keyed form (a map) and the array form (a
//! seq), each `data` array read sample by sample into its typed vector, streams we do not read
//! skipped with [`IgnoredAny`]. No `serde_json::Value` is built.
//!
//! Only plain bodies are decoded here. Anything else fails with [`STEP_ASIDE`], and
//! [`StreamSet::from_json`] lets the `Value` path decide (docs/providers.md §1.4): a known stream
//! whose value is not an object with one `data` array (the `NoData` error, named as before), a top
//! level that is neither a map nor a seq, and in the array form an item that is not an object, a
//! `type` that is not a string, or a `data` before its `type` or repeated.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::StreamSet;
use super::samples::Samples;

/// The message of every refusal; the caller never shows it, it runs the `Value` path instead.
const STEP_ASIDE: &str = "not a plain streams body";

/// A whole streams body; [`StreamSet::from_json`] truncates it afterwards.
pub(super) struct Typed(pub StreamSet);

impl<'de> Deserialize<'de> for Typed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BodyVisitor).map(Typed)
    }
}

/// The streams we read, by their Strava name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    Time,
    Watts,
    Heartrate,
    VelocitySmooth,
    Distance,
    Altitude,
    GradeSmooth,
    Moving,
    /// A stream we do not read (`latlng`, `cadence`, …), or no name.
    Other,
}

impl Name {
    fn of(text: &str) -> Self {
        match text {
            "time" => Self::Time,
            "watts" => Self::Watts,
            "heartrate" => Self::Heartrate,
            "velocity_smooth" => Self::VelocitySmooth,
            "distance" => Self::Distance,
            "altitude" => Self::Altitude,
            "grade_smooth" => Self::GradeSmooth,
            "moving" => Self::Moving,
            _ => Self::Other,
        }
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor(Self::of))
    }
}

/// A key of one stream's object (keyed form) or of an item (array form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Type,
    Data,
    Other,
}

impl Field {
    fn of(text: &str) -> Self {
        match text {
            "type" => Self::Type,
            "data" => Self::Data,
            _ => Self::Other,
        }
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor(Self::of))
    }
}

/// Reads a string (borrowed or escaped) and maps it, without keeping it.
struct TextVisitor<F>(F);

impl<F, T> Visitor<'_> for TextVisitor<F>
where
    F: FnOnce(&str) -> T,
{
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        Ok((self.0)(text))
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = StreamSet;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a streams object or array")
    }

    /// The keyed form: `{"time": {"data": […], …}, …}`.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StreamSet, A::Error> {
        let mut decoder = Decoder::default();
        while let Some(name) = map.next_key::<Name>()? {
            if name == Name::Other {
                map.next_value::<IgnoredAny>()?;
            } else {
                map.next_value_seed(KeyedStream {
                    name,
                    decoder: &mut decoder,
                })?;
            }
        }
        Ok(decoder.set)
    }

    /// The array form: `[{"type": "time", "data": […], …}, …]`.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StreamSet, A::Error> {
        let mut decoder = Decoder::default();
        while seq
            .next_element_seed(ArrayItem {
                decoder: &mut decoder,
            })?
            .is_some()
        {}
        Ok(decoder.set)
    }
}

/// The set being filled, and a capacity guess for the next stream: a body's streams usually
/// share one length, so after the first the vectors are allocated once.
#[derive(Default)]
struct Decoder {
    set: StreamSet,
    capacity: usize,
}

impl Decoder {
    /// Reads the `data` array that is `map`'s next value into the stream `name`. A stream seen
    /// twice keeps its last data, as the `Value` path did.
    fn data<'de, A: MapAccess<'de>>(&mut self, name: Name, map: &mut A) -> Result<(), A::Error> {
        let set = &mut self.set;
        let capacity = self.capacity;
        let length = match name {
            Name::Time => store(
                &mut set.time_s,
                map.next_value_seed(Samples::new(capacity))?,
            ),
            Name::Watts => store(&mut set.watts, map.next_value_seed(Samples::new(capacity))?),
            Name::Heartrate => store(
                &mut set.heartrate_bpm,
                map.next_value_seed(Samples::new(capacity))?,
            ),
            Name::VelocitySmooth => store(
                &mut set.velocity_smooth_m_per_s,
                map.next_value_seed(Samples::new(capacity))?,
            ),
            Name::Distance => store(
                &mut set.distance_m,
                map.next_value_seed(Samples::new(capacity))?,
            ),
            Name::Altitude => store(
                &mut set.altitude_m,
                map.next_value_seed(Samples::new(capacity))?,
            ),
            Name::GradeSmooth => store(
                &mut set.grade_smooth_pct,
                map.next_value_seed(Samples::new(capacity))?,
            ),
            Name::Moving => store(
                &mut set.moving,
                map.next_value_seed(Samples::new(capacity))?,
            ),
            Name::Other => {
                map.next_value::<IgnoredAny>()?;
                return Ok(());
            }
        };
        self.capacity = length;
        Ok(())
    }
}

/// Puts a decoded stream in its slot and returns its length.
fn store<T>(slot: &mut Option<Vec<T>>, samples: Vec<T>) -> usize {
    let length = samples.len();
    *slot = Some(samples);
    length
}

/// The object of one known stream in the keyed form; it must hold exactly one `data` array.
struct KeyedStream<'a> {
    name: Name,
    decoder: &'a mut Decoder,
}

impl<'de> DeserializeSeed<'de> for KeyedStream<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for KeyedStream<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a stream object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut data_seen = false;
        while let Some(field) = map.next_key::<Field>()? {
            if field == Field::Data && !data_seen {
                self.decoder.data(self.name, &mut map)?;
                data_seen = true;
            } else if field == Field::Data {
                return Err(de::Error::custom(STEP_ASIDE));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if data_seen {
            Ok(())
        } else {
            Err(de::Error::custom(STEP_ASIDE))
        }
    }
}

/// One item of the array form: its `type` must come before its `data`.
struct ArrayItem<'a> {
    decoder: &'a mut Decoder,
}

impl<'de> DeserializeSeed<'de> for ArrayItem<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ArrayItem<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a stream object with a type")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut name, mut data_seen) = (None, false);
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Type if name.is_none() && !data_seen => name = Some(map.next_value()?),
                Field::Data if !data_seen => {
                    let known = name.ok_or_else(|| de::Error::custom(STEP_ASIDE))?;
                    self.decoder.data(known, &mut map)?;
                    data_seen = true;
                }
                Field::Type | Field::Data => return Err(de::Error::custom(STEP_ASIDE)),
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match name {
            Some(Name::Other) | None => Ok(()),
            Some(_) if data_seen => Ok(()),
            Some(_) => Err(de::Error::custom(STEP_ASIDE)),
        }
    }
}
