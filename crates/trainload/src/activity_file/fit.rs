//! FIT files: the header checked by hand, messages decoded with `fitparser`, and the messages
//! that matter (file id, records, sessions, timer events, activity) collected for
//! [`super::fit_build`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use fitparser::de::{DecodeOption, FitObject, FitStreamProcessor};
use fitparser::profile::MesgNum;
use fitparser::{ErrorKind, FitDataField, FitDataRecord, Value};

use super::FileActivity;
use super::error::FileErrorKind;
use super::streams::Sample;

/// Global message number of the `activity` message (its raw local time is read before decoding,
/// because `fitparser` converts local times with the machine's time zone).
const ACTIVITY_MESG_NUM: u16 = 34;
/// `activity.local_timestamp` field number.
const LOCAL_TIMESTAMP_FIELD: u8 = 5;
/// The `timestamp` field number of every message.
const TIMESTAMP_FIELD: u8 = 253;
/// Bytes of the CRC that ends a FIT file.
const CRC_BYTES: u64 = 2;
/// Offsets beyond this are not real time zones, s.
const MAX_UTC_OFFSET_S: i64 = 18 * 3600;

/// A timer event: the device timer stopped or started at `time_s` (Unix s).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct TimerEvent {
    pub time_s: f64,
    pub is_stop: bool,
}

/// The summary a `session` message gives; every field is optional in practice.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Session {
    pub start_s: Option<f64>,
    pub end_s: Option<f64>,
    pub elapsed_s: Option<f64>,
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub avg_hr_bpm: Option<f64>,
    pub sport: Option<String>,
    pub sub_sport: Option<String>,
}

/// Everything read from a FIT file that the activity model needs.
#[derive(Debug, Default)]
pub(super) struct FitContent {
    pub file_type: Option<String>,
    pub records: Vec<Sample>,
    pub sessions: Vec<Session>,
    pub timer: Vec<TimerEvent>,
    pub utc_offset_s: Option<i32>,
    /// Sport and sub-sport of a `sport` message, for files without sessions.
    pub sport: Option<(String, Option<String>)>,
}

/// Reads a FIT file into activities.
pub(super) fn read(bytes: &[u8]) -> Result<Vec<FileActivity>, FileErrorKind> {
    check_header(bytes)?;
    // fitparser is third-party code fed untrusted bytes; a panic inside it must become an
    // error for this one file, not abort a batch.
    let content = catch_unwind(AssertUnwindSafe(|| collect(bytes))).map_err(|_| {
        FileErrorKind::CorruptFit("the FIT decoder failed on malformed data".to_owned())
    })??;
    super::fit_build::activities(content)
}

/// Checks the 12- or 14-byte header and that the file holds the data it announces.
fn check_header(bytes: &[u8]) -> Result<(), FileErrorKind> {
    let Some(header) = bytes.get(..12) else {
        return Err(FileErrorKind::NotFit(format!(
            "{} bytes, shorter than a FIT header",
            bytes.len()
        )));
    };
    if &header[8..12] != b".FIT" {
        return Err(FileErrorKind::NotFit("no .FIT signature".to_owned()));
    }
    let header_size = u64::from(header[0]);
    if header_size != 12 && header_size != 14 {
        return Err(FileErrorKind::CorruptFit(format!(
            "header size {header_size}, expected 12 or 14"
        )));
    }
    let declared = u64::from(u32::from_le_bytes([
        header[4], header[5], header[6], header[7],
    ]));
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let actual = len.saturating_sub(header_size);
    if actual < declared {
        return Err(FileErrorKind::Truncated { declared, actual });
    }
    if actual < declared + CRC_BYTES {
        return Err(FileErrorKind::CorruptFit(
            "truncated: the final CRC is missing".to_owned(),
        ));
    }
    Ok(())
}

/// Decodes every message (chained FIT files included) and keeps what matters.
fn collect(bytes: &[u8]) -> Result<FitContent, FileErrorKind> {
    let mut processor = FitStreamProcessor::new();
    processor.add_option(DecodeOption::DropUnknownFields);
    let mut content = FitContent::default();
    let mut input = bytes;
    while !input.is_empty() {
        let (rest, object) = processor
            .deserialize_next(input)
            .map_err(|e| fit_error(&e))?;
        if rest.len() >= input.len() {
            return Err(FileErrorKind::CorruptFit(
                "decoder made no progress".to_owned(),
            ));
        }
        match object {
            FitObject::Crc(_) => processor.reset(),
            FitObject::DataMessage(message) => {
                if message.global_message_number() == ACTIVITY_MESG_NUM {
                    content.utc_offset_s = raw_utc_offset(message.fields());
                }
                let record = processor
                    .decode_message(message)
                    .map_err(|e| fit_error(&e))?;
                content.absorb(&record);
            }
            FitObject::Header(_) | FitObject::DefinitionMessage(_) => {}
        }
        input = rest;
    }
    Ok(content)
}

/// `local_timestamp − timestamp` of a raw activity message, s.
fn raw_utc_offset(fields: &std::collections::HashMap<u8, Value>) -> Option<i32> {
    let raw = |n| match fields.get(&n)? {
        Value::UInt32(v) => Some(i64::from(*v)),
        _ => None,
    };
    let offset = raw(LOCAL_TIMESTAMP_FIELD)? - raw(TIMESTAMP_FIELD)?;
    if offset.abs() > MAX_UTC_OFFSET_S {
        return None;
    }
    i32::try_from(offset).ok()
}

/// A readable reason for a `fitparser` error.
fn fit_error(error: &ErrorKind) -> FileErrorKind {
    let reason = match error {
        ErrorKind::InvalidCrc((_, _, stored, computed)) => {
            format!("CRC mismatch: stored {stored:#06x}, computed {computed:#06x}")
        }
        ErrorKind::UnexpectedEof(_) => "truncated: a message is cut off".to_owned(),
        ErrorKind::ParseError(position, _) => {
            format!("cannot parse the message at byte {position}")
        }
        ErrorKind::MissingDefinitionMessage(local, position) => {
            format!("message at byte {position} uses undefined local message type {local}")
        }
        ErrorKind::TrailingBytes(n) => format!("{n} unexpected bytes at the end"),
        other => other.to_string(),
    };
    FileErrorKind::CorruptFit(reason)
}

impl FitContent {
    /// Keeps the fields of one decoded message that the activity model uses.
    fn absorb(&mut self, record: &FitDataRecord) {
        let fields = record.fields();
        match record.kind() {
            MesgNum::Record => {
                if let Some(sample) = record_sample(fields) {
                    self.records.push(sample);
                }
            }
            MesgNum::Event => {
                if let Some(event) = timer_event(fields) {
                    self.timer.push(event);
                }
            }
            MesgNum::Session => self.sessions.push(session(fields)),
            MesgNum::FileId => {
                self.file_type = field(fields, "type").map(|v| v.to_string());
            }
            MesgNum::Sport => {
                if let Some(sport) = field(fields, "sport").map(|v| v.to_string()) {
                    let sub = field(fields, "sub_sport").map(|v| v.to_string());
                    self.sport = Some((sport, sub));
                }
            }
            _ => {}
        }
    }
}

/// The first field of that name.
fn field<'a>(fields: &'a [FitDataField], name: &str) -> Option<&'a Value> {
    fields
        .iter()
        .find(|f| f.name() == name)
        .map(FitDataField::value)
}

/// A finite number from any numeric value.
fn number(value: &Value) -> Option<f64> {
    let v = match value {
        Value::Float64(v) => *v,
        Value::Float32(v) => f64::from(*v),
        Value::UInt8(v) | Value::UInt8z(v) | Value::Byte(v) => f64::from(*v),
        Value::SInt8(v) => f64::from(*v),
        Value::UInt16(v) | Value::UInt16z(v) => f64::from(*v),
        Value::SInt16(v) => f64::from(*v),
        Value::UInt32(v) | Value::UInt32z(v) => f64::from(*v),
        Value::SInt32(v) => f64::from(*v),
        // 64-bit integers in the fields we read are small; precision loss is irrelevant here.
        Value::SInt64(v) => *v as f64,
        Value::UInt64(v) | Value::UInt64z(v) => *v as f64,
        _ => return None,
    };
    v.is_finite().then_some(v)
}

/// Unix seconds of a timestamp value.
fn seconds(value: &Value) -> Option<f64> {
    match value {
        // Unix seconds are far below 2^53, so the conversion is exact.
        Value::Timestamp(t) => Some(t.timestamp() as f64),
        _ => None,
    }
}

/// One `record` message as a sample; records without a timestamp cannot be placed and are
/// skipped.
fn record_sample(fields: &[FitDataField]) -> Option<Sample> {
    let mut sample = Sample::default();
    let mut time = None;
    let (mut speed, mut enhanced_speed) = (None, None);
    let (mut altitude, mut enhanced_altitude) = (None, None);
    let (mut native_power, mut developer_power) = (None, None);
    for f in fields {
        let value = f.value();
        match f.name() {
            "timestamp" => time = seconds(value),
            "power" if f.number() == 7 && native_power.is_none() => native_power = number(value),
            name if name.eq_ignore_ascii_case("power") => developer_power = number(value),
            "heart_rate" => sample.heartrate_bpm = number(value),
            "enhanced_speed" => enhanced_speed = number(value),
            "speed" => speed = number(value),
            "distance" => sample.distance_m = number(value),
            "enhanced_altitude" => enhanced_altitude = number(value),
            "altitude" => altitude = number(value),
            _ => {}
        }
    }
    sample.time_s = time?;
    sample.watts = native_power.or(developer_power);
    sample.velocity_mps = enhanced_speed.or(speed);
    sample.altitude_m = enhanced_altitude.or(altitude);
    Some(sample)
}

/// A timer stop or start; other events are ignored.
fn timer_event(fields: &[FitDataField]) -> Option<TimerEvent> {
    if field(fields, "event")?.to_string() != "timer" {
        return None;
    }
    let is_stop = match field(fields, "event_type")?.to_string().as_str() {
        "start" => false,
        "stop" | "stop_all" | "stop_disable" | "stop_disable_all" => true,
        _ => return None,
    };
    let time_s = seconds(field(fields, "timestamp")?)?;
    Some(TimerEvent { time_s, is_stop })
}

fn session(fields: &[FitDataField]) -> Session {
    let num = |name| field(fields, name).and_then(number);
    let text = |name| field(fields, name).map(|v| v.to_string());
    Session {
        start_s: field(fields, "start_time").and_then(seconds),
        end_s: field(fields, "timestamp").and_then(seconds),
        elapsed_s: num("total_elapsed_time"),
        timer_s: num("total_timer_time"),
        distance_m: num("total_distance"),
        avg_hr_bpm: num("avg_heart_rate"),
        sport: text("sport"),
        sub_sport: text("sub_sport"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(data_size: u32) -> Vec<u8> {
        let mut bytes = vec![14, 0x20, 0x08, 0x08];
        bytes.extend_from_slice(&data_size.to_le_bytes());
        bytes.extend_from_slice(b".FIT");
        bytes.extend_from_slice(&[0, 0]);
        bytes
    }

    #[test]
    fn a_header_announcing_more_data_than_present_is_truncation() {
        let mut bytes = header(12_000);
        bytes.extend(std::iter::repeat_n(0u8, 800));
        let err = check_header(&bytes).unwrap_err();
        assert_eq!(
            err.to_string(),
            "truncated FIT file (header says 12000 data bytes, file has 800)"
        );
    }

    #[test]
    fn bytes_without_the_signature_are_not_fit() {
        let err = check_header(b"<?xml version='1.0'?><gpx>").unwrap_err();
        assert_eq!(err.to_string(), "not a FIT file (no .FIT signature)");
        let err = check_header(b"abc").unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a FIT file (3 bytes, shorter than a FIT header)"
        );
    }

    #[test]
    fn odd_header_sizes_are_corrupt_not_a_panic() {
        for size in [0u8, 1, 2, 13, 255] {
            let mut bytes = header(0);
            bytes[0] = size;
            assert!(matches!(
                check_header(&bytes),
                Err(FileErrorKind::CorruptFit(_))
            ));
        }
    }

    #[test]
    fn a_missing_final_crc_is_reported() {
        let bytes = header(0);
        let err = check_header(&bytes).unwrap_err();
        assert!(err.to_string().contains("CRC is missing"), "{err}");
    }

    #[test]
    fn utc_offsets_beyond_eighteen_hours_are_ignored() {
        let mut fields = std::collections::HashMap::new();
        fields.insert(TIMESTAMP_FIELD, Value::UInt32(1_000_000_000));
        fields.insert(LOCAL_TIMESTAMP_FIELD, Value::UInt32(1_000_007_200));
        assert_eq!(raw_utc_offset(&fields), Some(7200));
        fields.insert(LOCAL_TIMESTAMP_FIELD, Value::UInt32(1_100_000_000));
        assert_eq!(raw_utc_offset(&fields), None);
    }
}
