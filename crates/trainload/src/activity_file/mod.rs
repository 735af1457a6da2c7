//! Activity files: FIT, TCX and GPX read into one model, a summary plus index-aligned streams.
//!
//! Every reader turns a file into zero or more [`FileActivity`] values (a multisport FIT file or
//! a TCX file with several `Activity` elements gives several). A corrupt, truncated or
//! non-activity file gives a [`FileError`] naming the file and the reason; readers never panic.

mod error;
mod fit;
mod fit_build;
mod geo;
mod gpx;
mod sport;
mod streams;
mod tcx;
mod xml;

use std::path::Path;

pub use error::{FileError, FileErrorKind};
pub use sport::{fit_sport_type, sport_type_from_name};

/// File name used in errors by [`read_bytes`], which has no name to report.
const UNNAMED: &str = "<bytes>";

/// One activity read from a file: what a provider's summary and streams would say.
#[derive(Debug, Clone, PartialEq)]
pub struct FileActivity {
    /// A Strava `SportType` string ("Ride", "VirtualRun", …); unknown sports are "Workout".
    pub sport_type: String,
    /// Start of the activity, UTC.
    pub start_time: jiff::Timestamp,
    /// Local time minus UTC at the start, s (FIT `activity.local_timestamp − timestamp`).
    pub utc_offset_s: Option<i32>,
    /// Wall-clock duration from start to end, s.
    pub elapsed_s: f64,
    /// Timer time, s (FIT `total_timer_time`, TCX lap `TotalTimeSeconds`), when the file says.
    pub moving_s: Option<f64>,
    /// Total distance, m.
    pub distance_m: Option<f64>,
    /// Average heart rate, bpm.
    pub avg_hr_bpm: Option<f64>,
    /// Power came from a meter in the file (always so when there is a power stream).
    pub device_watts: bool,
    /// Recorded indoors (trainer, treadmill, virtual activity).
    pub trainer: bool,
    /// Timer pauses (stop to start), relative to `start_time`.
    pub pauses: Vec<TimerPause>,
    /// Streams with `time_s` from `start_time`; `grade_pct` is left empty.
    pub streams: science::stream::RawStreams,
}

/// A stretch during which the device timer was stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimerPause {
    /// Seconds from the activity start to the stop.
    pub start_s: f64,
    /// Seconds from the activity start to the restart (the activity end if it never restarted).
    pub end_s: f64,
}

/// An activity file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Garmin FIT (binary).
    Fit,
    /// Garmin Training Center XML.
    Tcx,
    /// GPS Exchange Format.
    Gpx,
}

impl Format {
    /// The format a file name's extension names (case-insensitive), if any.
    pub fn from_extension(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?;
        [("fit", Self::Fit), ("tcx", Self::Tcx), ("gpx", Self::Gpx)]
            .into_iter()
            .find(|(name, _)| ext.eq_ignore_ascii_case(name))
            .map(|(_, format)| format)
    }

    /// The format the content looks like: a FIT header signature, or the root element of TCX or
    /// GPX XML near the start.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.get(8..12) == Some(b".FIT".as_slice()) {
            return Some(Self::Fit);
        }
        let head = &bytes[..bytes.len().min(4096)];
        let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        if contains(b"<TrainingCenterDatabase") || contains(b":TrainingCenterDatabase") {
            Some(Self::Tcx)
        } else if contains(b"<gpx") || contains(b":gpx ") {
            Some(Self::Gpx)
        } else {
            None
        }
    }
}

/// Reads an activity file, choosing the format by extension and, failing that, by content.
///
/// # Errors
/// A [`FileError`] naming the path when the file cannot be read, has an unknown format, is
/// corrupt, truncated, not an activity, or holds no data.
pub fn read_path(path: &Path) -> Result<Vec<FileActivity>, FileError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| FileError::new(&name, e.into()))?;
    let format = Format::from_extension(path).or_else(|| Format::sniff(&bytes));
    match format {
        Some(format) => read_named(&bytes, format, &name),
        None if bytes.is_empty() => Err(FileError::new(name, FileErrorKind::Empty)),
        None => Err(FileError::new(name, FileErrorKind::UnknownFormat)),
    }
}

/// Reads activities from bytes in a known format; errors name the file `<bytes>`.
///
/// # Errors
/// As [`read_path`], except for I/O.
pub fn read_bytes(bytes: &[u8], format: Format) -> Result<Vec<FileActivity>, FileError> {
    read_named(bytes, format, UNNAMED)
}

/// Reads activities from bytes in a known format; errors name the file `name`.
///
/// # Errors
/// As [`read_path`], except for I/O.
pub fn read_named(
    bytes: &[u8],
    format: Format,
    name: &str,
) -> Result<Vec<FileActivity>, FileError> {
    if bytes.is_empty() {
        return Err(FileError::new(name, FileErrorKind::Empty));
    }
    let result = match format {
        Format::Fit => fit::read(bytes),
        Format::Tcx => tcx::read(bytes),
        Format::Gpx => gpx::read(bytes),
    };
    result.map_err(|kind| FileError::new(name, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_choose_the_format_whatever_their_case() {
        assert_eq!(
            Format::from_extension(Path::new("a/b.FIT")),
            Some(Format::Fit)
        );
        assert_eq!(
            Format::from_extension(Path::new("x.Tcx")),
            Some(Format::Tcx)
        );
        assert_eq!(
            Format::from_extension(Path::new("x.gpx")),
            Some(Format::Gpx)
        );
        assert_eq!(Format::from_extension(Path::new("x.fit.gz")), None);
        assert_eq!(Format::from_extension(Path::new("noext")), None);
    }

    #[test]
    fn sniffing_recognises_fit_headers_and_xml_roots() {
        let fit = [14, 0x10, 0, 0, 0, 0, 0, 0, b'.', b'F', b'I', b'T', 0, 0];
        assert_eq!(Format::sniff(&fit), Some(Format::Fit));
        let tcx = br#"<?xml version="1.0"?><TrainingCenterDatabase xmlns="x">"#;
        assert_eq!(Format::sniff(tcx), Some(Format::Tcx));
        assert_eq!(
            Format::sniff(b"\xEF\xBB\xBF<gpx version=\"1.1\">"),
            Some(Format::Gpx)
        );
        assert_eq!(Format::sniff(b"hello"), None);
        assert_eq!(Format::sniff(b""), None);
    }

    #[test]
    fn empty_input_is_an_error_naming_the_file() {
        let err = read_named(b"", Format::Gpx, "z.gpx").unwrap_err();
        assert_eq!(err.to_string(), "z.gpx: empty file");
    }

    #[test]
    fn a_missing_file_is_an_io_error_naming_it() {
        let err = read_path(Path::new("/nonexistent/dir/ride.fit")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("/nonexistent/dir/ride.fit: cannot read file")
        );
    }
}
