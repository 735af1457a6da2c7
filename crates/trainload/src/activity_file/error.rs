//! Why an activity file could not be read, always naming the file.

/// A file that could not be turned into activities: the file's name and the reason.
///
/// `Display` reads like `ride.fit: truncated FIT file (header says 12000 data bytes, file has
/// 800)`.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {kind}")]
pub struct FileError {
    /// The file name as given (a path, an upload's name, or `<bytes>`).
    pub file: String,
    /// What is wrong with it.
    pub kind: FileErrorKind,
}

impl FileError {
    /// Attaches a file name to a reason.
    pub fn new(file: impl Into<String>, kind: FileErrorKind) -> Self {
        Self {
            file: file.into(),
            kind,
        }
    }
}

/// The reason a file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileErrorKind {
    /// The file could not be opened or read.
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    /// The file has no bytes.
    #[error("empty file")]
    Empty,
    /// Neither the extension nor the content says FIT, TCX or GPX.
    #[error("unknown file format (expected a FIT, TCX or GPX file)")]
    UnknownFormat,
    /// The bytes do not start with a FIT header.
    #[error("not a FIT file ({0})")]
    NotFit(String),
    /// The FIT header promises more bytes than the file holds.
    #[error("truncated FIT file (header says {declared} data bytes, file has {actual})")]
    Truncated {
        /// Data bytes announced by the header.
        declared: u64,
        /// Data bytes present after the header.
        actual: u64,
    },
    /// A FIT file that breaks off or holds bytes that cannot be decoded.
    #[error("corrupt FIT file ({0})")]
    CorruptFit(String),
    /// A valid FIT or TCX file that is not an activity (a course, workout, settings…).
    #[error("not an activity file (file type: {0})")]
    NotActivity(String),
    /// XML that cannot be parsed.
    #[error("malformed XML at byte {position}: {reason}")]
    MalformedXml {
        /// Byte offset of the error in the file.
        position: u64,
        /// The parser's description.
        reason: String,
    },
    /// A FIT file without records and without sessions.
    #[error("no records")]
    NoRecords,
    /// A GPX or TCX file without a single timed track point or lap.
    #[error("no track points")]
    NoTrackPoints,
    /// A value that cannot be used, such as a timestamp that does not parse.
    #[error("{0}")]
    Invalid(String),
}
