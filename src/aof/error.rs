//! Errors of the AOF side: every one carries the byte offset it refers to,
//! so a caller can point at the damage without re-reading the file.

use std::path::PathBuf;

use super::manifest::ManifestError;

/// An AOF problem at a byte offset (absolute, from the start of the file).
#[derive(Debug, thiserror::Error)]
pub struct AofError {
    /// Absolute byte offset the error refers to (0 when it is not about bytes,
    /// e.g. a missing file).
    pub offset: u64,
    /// What went wrong.
    pub kind: AofErrorKind,
}

impl std::fmt::Display for AofError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            // Not about bytes of a file: an offset would only mislead.
            AofErrorKind::Io(_)
            | AofErrorKind::MissingFile { .. }
            | AofErrorKind::NoManifest { .. }
            | AofErrorKind::SeveralManifests { .. } => write!(f, "{}", self.kind),
            _ => write!(f, "at offset {}: {}", self.offset, self.kind),
        }
    }
}

impl AofError {
    /// Pairs a kind with the offset it was found at.
    pub fn new(offset: u64, kind: AofErrorKind) -> Self {
        AofError { offset, kind }
    }

    /// Wraps an I/O error; offsets of I/O errors are where the read started.
    pub fn io(offset: u64, err: std::io::Error) -> Self {
        AofError::new(offset, AofErrorKind::Io(err))
    }
}

/// The kinds of [`AofError`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AofErrorKind {
    /// The input ended inside a record: the file was cut, not corrupted.
    #[error("unexpected end of file inside a record")]
    Truncated,
    /// The input ended while a `MULTI` block was still open.
    #[error("end of file before the EXEC of the MULTI at offset {multi_offset}")]
    UnterminatedMulti {
        /// Where the unmatched `MULTI` record starts.
        multi_offset: u64,
    },
    /// The bytes do not follow the RESP grammar Redis writes.
    #[error("malformed record: {0}")]
    Malformed(#[from] super::resp::RespErrorKind),
    /// A `MULTI` while another one is open (Redis never writes this).
    #[error("nested multi")]
    NestedMulti,
    /// An `EXEC` without an open `MULTI`.
    #[error("exec without multi")]
    ExecWithoutMulti,
    /// A record is larger than the configured buffer limit; refusing to
    /// buffer it keeps memory bounded when a length field is corrupt.
    #[error("record needs {needed} bytes, more than the {limit}-byte limit")]
    RecordTooLarge {
        /// Bytes the record claims to need.
        needed: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The manifest could not be parsed.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A file listed in the manifest does not exist.
    #[error("file listed in the manifest is missing: {}", path.display())]
    MissingFile {
        /// The path that was looked up.
        path: PathBuf,
    },
    /// A directory was given but holds no `*.manifest` file.
    #[error("no manifest file in directory {}", dir.display())]
    NoManifest {
        /// The directory searched.
        dir: PathBuf,
    },
    /// A directory holds more than one candidate manifest.
    #[error("several manifest files in directory {}: {}", dir.display(), names.join(", "))]
    SeveralManifests {
        /// The directory searched.
        dir: PathBuf,
        /// The candidate names found.
        names: Vec<String>,
    },
    /// Only the last file of a multi-part AOF may be shortened: cutting an
    /// earlier one would silently reorder history.
    #[error("{} is not the last file of the manifest and cannot be cut", path.display())]
    NotLastFile {
        /// The part that was asked to be cut.
        path: PathBuf,
    },
    /// The fix plan refuses to run (mid-file damage without salvage).
    #[error("refusing to fix: {0}")]
    FixRefused(String),
    /// The file changed size between the check and the fix.
    #[error("file is {actual} bytes, the plan was made for {expected} bytes")]
    SizeChanged {
        /// The size the plan was computed for.
        expected: u64,
        /// The size found on disk.
        actual: u64,
    },
    /// An underlying read or write failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl From<ManifestError> for AofError {
    /// Manifest errors locate themselves by line, not by offset.
    fn from(e: ManifestError) -> Self {
        AofError::new(0, AofErrorKind::Manifest(e))
    }
}
