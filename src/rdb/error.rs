//! Errors of the RDB reader: always a byte offset and a reason.

use super::encoding::BlobError;

/// An RDB file could not be read past `offset`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("at byte offset {offset}: {kind}")]
pub struct RdbError {
    /// Byte offset from the start of the input where the problem was found.
    pub offset: u64,
    /// What was expected and what was found.
    pub kind: RdbErrorKind,
}

impl RdbError {
    /// Builds an error.
    pub fn new(offset: u64, kind: RdbErrorKind) -> Self {
        RdbError { offset, kind }
    }

    /// True when the input ended before a complete file: the framing is
    /// intact up to `offset` and more bytes would have been needed.
    pub fn is_truncation(&self) -> bool {
        matches!(self.kind, RdbErrorKind::Truncated { .. })
    }
}

/// The reasons an RDB file (or a DUMP payload) is rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RdbErrorKind {
    /// The input ended inside a record.
    #[error("unexpected end of file while reading {what}")]
    Truncated {
        /// What was being read.
        what: String,
    },
    /// The first bytes are not `REDIS` + 4 digits or `VALKEY` + 3 digits.
    #[error("not an RDB file: expected REDIS0001..REDIS0099 or VALKEY080.. signature, found {}", show_bytes(.found))]
    BadMagic {
        /// The bytes found instead.
        found: Vec<u8>,
    },
    /// A Valkey 9.2 `rdbcompression lz4` envelope.
    #[error("Valkey compressed RDB envelope (VCS, rdbcompression lz4) is not supported")]
    CompressedEnvelope,
    /// Version 0.
    #[error("can't handle RDB format version {0}")]
    BadVersion(u32),
    /// A length byte with the invalid `10xxxxxx` forms 0x82..0xBF.
    #[error("unknown length encoding 0x{0:02x}")]
    BadLength(u8),
    /// An encoded-string marker where a plain length was required.
    #[error("expected a length, found a string encoding marker 0x{0:02x}")]
    EncodedWhereLength(u8),
    /// A string encoding marker other than INT8/16/32 and LZF.
    #[error("unknown string encoding 0x{0:02x}")]
    BadStringEncoding(u8),
    /// An LZF payload that does not decompress to its declared length.
    #[error("invalid LZF compressed string ({compressed} bytes declared to expand to {expanded}): {reason}")]
    Lzf {
        /// Compressed length.
        compressed: u64,
        /// Declared uncompressed length.
        expanded: u64,
        /// Why it failed.
        reason: String,
    },
    /// A length that cannot fit in what is left of the input.
    #[error("{what} of {len} bytes exceeds the {remaining} bytes left in the input")]
    LengthExceedsInput {
        /// What the length is for.
        what: &'static str,
        /// The length read.
        len: u64,
        /// What remains.
        remaining: u64,
    },
    /// A byte where a record must start that is neither an opcode nor a
    /// value type of this file's dialect.
    #[error("unknown record type {ty} (0x{ty:02x}) in {header} file (producer: {producer}); records carry no length, so reading stops here")]
    UnknownType {
        /// The byte.
        ty: u8,
        /// The file's signature, e.g. `REDIS0012`.
        header: String,
        /// The producer guess.
        producer: String,
    },
    /// A known construct redfile cannot walk.
    #[error("{what} (type or opcode {ty}) is not supported; records carry no length, so reading stops here")]
    Unsupported {
        /// The byte.
        ty: u8,
        /// What it is.
        what: &'static str,
    },
    /// A module item opcode above 5.
    #[error("unknown module item opcode {0}")]
    BadModuleOpcode(u64),
    /// A MODULE_AUX record whose `when_opcode` is not 2.
    #[error("bad MODULE_AUX when_opcode {0}, expected 2")]
    BadWhenOpcode(u64),
    /// A structural rule of the value or record was broken.
    #[error("{0}")]
    Invalid(String),
    /// A packed blob is corrupt.
    #[error("{0}")]
    Blob(BlobError),
    /// The stored CRC-64 does not match.
    #[error("RDB CRC error: stored checksum {stored:016x}, computed {computed:016x}")]
    Checksum {
        /// Stored value.
        stored: u64,
        /// Computed value.
        computed: u64,
    },
    /// Reading the input failed.
    #[error("read error: {0}")]
    Io(String),
}

/// Shows raw bytes as an escaped string, the way `redis-cli` quotes them.
pub fn show_bytes(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for &c in b {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

/// The error type of the `nom` parsers in this module. It records how many
/// input bytes were left where parsing failed, so that the caller, which
/// knows where the input started, can turn it into a file offset without
/// the parsers carrying a lifetime.
#[derive(Debug, Clone, PartialEq)]
pub struct PError {
    /// Bytes of input left at the failure.
    pub remaining: usize,
    /// Why.
    pub kind: RdbErrorKind,
}

impl PError {
    /// Builds an error at the start of `input`.
    pub fn at(input: &[u8], kind: RdbErrorKind) -> Self {
        PError {
            remaining: input.len(),
            kind,
        }
    }
}

impl<'a> nom::error::ParseError<&'a [u8]> for PError {
    fn from_error_kind(input: &'a [u8], kind: nom::error::ErrorKind) -> Self {
        PError::at(
            input,
            RdbErrorKind::Invalid(format!("parse error ({})", kind.description())),
        )
    }

    fn append(_: &'a [u8], _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}
