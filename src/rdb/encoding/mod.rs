//! Packed blobs that sit inside RDB strings: ziplist, listpack, intset,
//! zipmap, and the listpacks of stream nodes.
//!
//! Every parser here takes the whole, already decompressed blob as a
//! `&[u8]` and never trusts a length or offset it reads: each one is checked
//! against the blob before it is used, so a corrupt blob is an error value,
//! never a panic or an out-of-bounds slice.
//!
//! Two depths of checking mirror Redis's `sanitize-dump-payload`:
//! [`Depth::Header`] checks what Redis checks on every load (sizes in the
//! header agree with the blob, terminator present), [`Depth::Deep`] walks
//! every entry the way `ziplistValidateIntegrity` / `lpValidateIntegrity`
//! do for `redis-check-rdb`.

pub mod intset;
pub mod listpack;
pub mod stream;
pub mod ziplist;
pub mod zipmap;

use std::fmt;

/// How much of a blob to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Depth {
    /// Header fields only (what a server checks on every load).
    #[default]
    Header,
    /// Every entry, back-lengths, counts, ordering and uniqueness.
    Deep,
}

/// One element of a ziplist or listpack. Integers stay integers so that a
/// walk never allocates; [`BlobEntry::to_vec`] gives the string Redis sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobEntry<'a> {
    /// An integer-encoded element.
    Int(i64),
    /// A string element, borrowed from the blob.
    Bytes(&'a [u8]),
}

impl<'a> BlobEntry<'a> {
    /// The element as Redis returns it (integers as decimal text).
    pub fn to_vec(self) -> Vec<u8> {
        match self {
            BlobEntry::Int(i) => i.to_string().into_bytes(),
            BlobEntry::Bytes(b) => b.to_vec(),
        }
    }

    /// Appends the element's string form to `out`.
    pub fn append_to(self, out: &mut Vec<u8>) {
        match self {
            BlobEntry::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            BlobEntry::Bytes(b) => out.extend_from_slice(b),
        }
    }

    /// Length of the element's string form.
    pub fn string_len(self) -> usize {
        match self {
            BlobEntry::Int(i) => {
                let mut n = if i < 0 { 2 } else { 1 };
                let mut v = i.unsigned_abs();
                while v >= 10 {
                    v /= 10;
                    n += 1;
                }
                n
            }
            BlobEntry::Bytes(b) => b.len(),
        }
    }

    /// The element as an integer, if it is one or its text is a canonical
    /// decimal integer.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            BlobEntry::Int(i) => Some(i),
            BlobEntry::Bytes(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        }
    }

    /// The element as a score (`strtod` rules, with `inf`/`-inf`).
    pub fn as_f64(self) -> Option<f64> {
        match self {
            BlobEntry::Int(i) => Some(i as f64),
            BlobEntry::Bytes(b) => parse_score(b),
        }
    }
}

/// Parses a score as Redis's `strtod`-based readers do, accepting `inf`,
/// `+inf`, `-inf` in any case.
pub fn parse_score(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?;
    match s.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" | "-nan" | "+nan" => Some(f64::NAN),
        _ => s.trim().parse().ok(),
    }
}

/// Which kind of blob an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobKind {
    /// `ziplist.c`
    Ziplist,
    /// `listpack.c`
    Listpack,
    /// `intset.c`
    Intset,
    /// `zipmap.c`
    Zipmap,
    /// A stream node listpack (`t_stream.c`).
    StreamListpack,
}

impl BlobKind {
    /// Lower-case name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            BlobKind::Ziplist => "ziplist",
            BlobKind::Listpack => "listpack",
            BlobKind::Intset => "intset",
            BlobKind::Zipmap => "zipmap",
            BlobKind::StreamListpack => "stream listpack",
        }
    }
}

/// What is wrong with a blob.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BlobProblem {
    /// The blob is shorter than its fixed header.
    TooShort {
        /// Bytes the header needs.
        need: usize,
        /// Bytes present.
        have: usize,
    },
    /// The size in the header is not the blob's size.
    SizeMismatch {
        /// Size the header declares.
        header: u64,
        /// Actual blob size.
        actual: usize,
    },
    /// The last byte is not the 0xFF terminator.
    MissingTerminator,
    /// An entry or element starts with a byte that is no valid encoding.
    BadEncoding(u8),
    /// An entry's header or data runs past the end of the blob.
    EntryOverflow,
    /// A ziplist prevlen does not equal the previous entry's size.
    PrevlenMismatch {
        /// The previous entry's size.
        expected: u64,
        /// The stored prevlen.
        found: u64,
    },
    /// A listpack back-length does not equal the element's size.
    BacklenMismatch {
        /// The element's size.
        expected: u64,
        /// The stored back-length.
        found: u64,
    },
    /// The ziplist tail offset does not point at the last entry.
    TailMismatch {
        /// Offset of the last entry.
        expected: u64,
        /// The stored tail offset.
        found: u64,
    },
    /// The entry count in the header is not the number of entries.
    CountMismatch {
        /// The count in the header.
        header: u64,
        /// Entries found.
        actual: u64,
    },
    /// Bytes between the last entry and the terminator, or after it.
    TrailingBytes,
    /// The number of entries is not a multiple of the tuple size (pairs of
    /// field/value, triplets of field/value/ttl).
    NotMultipleOf {
        /// Tuple size.
        tuple: usize,
        /// Entries found.
        actual: u64,
    },
    /// A field, member or intset value appears twice.
    Duplicate(Vec<u8>),
    /// Intset values are not strictly ascending.
    NotSorted,
    /// An intset encoding other than 2, 4 or 8.
    BadIntsetEncoding(u32),
    /// A blob that must hold at least one element holds none.
    Empty,
    /// An element that must be an integer is a string.
    ExpectedInteger(&'static str),
    /// Any other structural rule, described.
    Invalid(String),
}

impl fmt::Display for BlobProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlobProblem::TooShort { need, have } => {
                write!(
                    f,
                    "blob of {have} bytes is shorter than its {need}-byte header"
                )
            }
            BlobProblem::SizeMismatch { header, actual } => {
                write!(f, "header says {header} bytes but the blob has {actual}")
            }
            BlobProblem::MissingTerminator => f.write_str("missing 0xff terminator"),
            BlobProblem::BadEncoding(b) => write!(f, "invalid entry encoding byte 0x{b:02x}"),
            BlobProblem::EntryOverflow => f.write_str("entry runs past the end of the blob"),
            BlobProblem::PrevlenMismatch { expected, found } => write!(
                f,
                "prevlen {found} does not match the previous entry's size {expected}"
            ),
            BlobProblem::BacklenMismatch { expected, found } => write!(
                f,
                "back-length {found} does not match the element's size {expected}"
            ),
            BlobProblem::TailMismatch { expected, found } => write!(
                f,
                "tail offset {found} does not point at the last entry (offset {expected})"
            ),
            BlobProblem::CountMismatch { header, actual } => {
                write!(f, "header counts {header} entries but {actual} were found")
            }
            BlobProblem::TrailingBytes => f.write_str("unexpected bytes after the last entry"),
            BlobProblem::NotMultipleOf { tuple, actual } => {
                write!(f, "{actual} entries is not a multiple of {tuple}")
            }
            BlobProblem::Duplicate(b) => {
                write!(f, "duplicate element '{}'", String::from_utf8_lossy(b))
            }
            BlobProblem::NotSorted => f.write_str("values are not strictly ascending"),
            BlobProblem::BadIntsetEncoding(e) => {
                write!(f, "intset encoding {e} is not 2, 4 or 8")
            }
            BlobProblem::Empty => f.write_str("no entries"),
            BlobProblem::ExpectedInteger(what) => write!(f, "{what} is not an integer"),
            BlobProblem::Invalid(s) => f.write_str(s),
        }
    }
}

/// A blob rejected at `offset` bytes from its start.
#[derive(Debug, Clone, PartialEq)]
pub struct BlobError {
    /// The kind of blob.
    pub kind: BlobKind,
    /// Byte offset inside the (decompressed) blob.
    pub offset: usize,
    /// What is wrong.
    pub problem: BlobProblem,
}

impl BlobError {
    /// Builds an error.
    pub fn new(kind: BlobKind, offset: usize, problem: BlobProblem) -> Self {
        BlobError {
            kind,
            offset,
            problem,
        }
    }
}

impl fmt::Display for BlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} integrity check failed at byte {} of the blob: {}",
            self.kind.name(),
            self.offset,
            self.problem
        )
    }
}

impl std::error::Error for BlobError {}
