//! The diagnostic lines redis-check-aof prints, kept as data so the CLI can
//! print a drop-in transcript (`redis-check-aof.c: ERROR()`, `checkSingleAof`).

use std::fmt;

/// One redis-check-aof diagnostic. Variants with `epos` are printed as
/// `0x<epos as %16llx>: <text>`; the others stand alone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum CheckAofMessage {
    /// `Expected prefix '<expected>', got: '<got>'`
    ExpectedPrefix {
        /// Start of the header line.
        epos: u64,
        /// `*` or `$`.
        expected: u8,
        /// The byte found.
        got: u8,
    },
    /// `Expected \r\n, got: <hh><hh>` (each byte `%02x` of a signed char).
    ExpectedCrlf {
        /// Start of the header line or payload.
        epos: u64,
        /// The two bytes found.
        got: [u8; 2],
        /// False when the second byte lay beyond the data read: Redis prints
        /// a stale buffer byte there; we print `00`.
        second_known: bool,
    },
    /// `Expected to read string of <len> bytes, which is not in the suitable range`
    LengthOutOfRange {
        /// Start of the `$` line.
        epos: u64,
        /// The length read.
        len: i64,
    },
    /// `Expected to read <expected> bytes, got <got> bytes` (payload + CRLF).
    ShortRead {
        /// Start of the payload.
        epos: u64,
        /// `len + 2`.
        expected: i64,
        /// Bytes that were left in the file.
        got: u64,
    },
    /// `Unexpected MULTI in AOF <filepath>`
    UnexpectedMulti {
        /// Start of the `MULTI` payload.
        epos: u64,
    },
    /// `Unexpected EXEC in AOF <filepath>`
    UnexpectedExec {
        /// Start of the `EXEC` payload.
        epos: u64,
    },
    /// `Reached EOF before reading EXEC for MULTI`
    EofBeforeExec {
        /// Start of the last read before end of file.
        epos: u64,
    },
    /// `AOF <filename> format error` (no offset prefix).
    FormatError,
    /// `Invalid timestamp annotation` (no offset prefix; the tool exits 1).
    InvalidTimestamp,
}

/// `%02x` of a `char` that is signed, as on x86: bytes >= 0x80 print as
/// `ffffff80`.
fn signed_hex(b: u8) -> String {
    if b >= 0x80 {
        format!("{:08x}", i32::from(b as i8))
    } else {
        format!("{b:02x}")
    }
}

impl CheckAofMessage {
    /// The exact bytes redis-check-aof prints, without the trailing newline.
    /// `filename` is what it calls the file in `format error` lines (the path
    /// as given for a single file, the bare name for a manifest entry);
    /// `filepath` is the full path used by the MULTI/EXEC messages.
    pub fn render(&self, filename: &str, filepath: &str) -> Vec<u8> {
        let at = |epos: u64| format!("0x{epos:16x}: ").into_bytes();
        let mut out = Vec::new();
        match *self {
            CheckAofMessage::ExpectedPrefix {
                epos,
                expected,
                got,
            } => {
                out.extend(at(epos));
                out.extend(b"Expected prefix '");
                out.push(expected);
                out.extend(b"', got: '");
                out.push(got);
                out.push(b'\'');
            }
            CheckAofMessage::ExpectedCrlf {
                epos,
                got,
                second_known,
            } => {
                out.extend(at(epos));
                out.extend(b"Expected \\r\\n, got: ");
                out.extend(signed_hex(got[0]).into_bytes());
                out.extend(signed_hex(if second_known { got[1] } else { 0 }).into_bytes());
            }
            CheckAofMessage::LengthOutOfRange { epos, len } => {
                out.extend(at(epos));
                out.extend(
                    format!(
                        "Expected to read string of {len} bytes, which is not in the suitable range"
                    )
                    .into_bytes(),
                );
            }
            CheckAofMessage::ShortRead {
                epos,
                expected,
                got,
            } => {
                out.extend(at(epos));
                out.extend(
                    format!("Expected to read {expected} bytes, got {got} bytes").into_bytes(),
                );
            }
            CheckAofMessage::UnexpectedMulti { epos } => {
                out.extend(at(epos));
                out.extend(format!("Unexpected MULTI in AOF {filepath}").into_bytes());
            }
            CheckAofMessage::UnexpectedExec { epos } => {
                out.extend(at(epos));
                out.extend(format!("Unexpected EXEC in AOF {filepath}").into_bytes());
            }
            CheckAofMessage::EofBeforeExec { epos } => {
                out.extend(at(epos));
                out.extend(b"Reached EOF before reading EXEC for MULTI");
            }
            CheckAofMessage::FormatError => {
                out.extend(format!("AOF {filename} format error").into_bytes());
            }
            CheckAofMessage::InvalidTimestamp => out.extend(b"Invalid timestamp annotation"),
        }
        out
    }
}

impl fmt::Display for CheckAofMessage {
    /// The rendered line with `<aof>` for the file name and raw bytes
    /// shown lossily; use [`CheckAofMessage::render`] for exact output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.render("<aof>", "<aof>")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(m: CheckAofMessage) -> String {
        String::from_utf8_lossy(&m.render("t1.aof", "/d/t1.aof")).into_owned()
    }

    #[test]
    fn formats_like_redis() {
        assert_eq!(
            r(CheckAofMessage::ShortRead {
                epos: 0x3b,
                expected: 7,
                got: 4
            }),
            "0x              3b: Expected to read 7 bytes, got 4 bytes"
        );
        assert_eq!(
            r(CheckAofMessage::ExpectedCrlf {
                epos: 0x87,
                got: *b"88",
                second_known: true
            }),
            "0x              87: Expected \\r\\n, got: 3838"
        );
        assert_eq!(
            r(CheckAofMessage::ExpectedCrlf {
                epos: 0,
                got: [0x80, b'a'],
                second_known: true
            }),
            "0x               0: Expected \\r\\n, got: ffffff8061"
        );
        assert_eq!(
            r(CheckAofMessage::ExpectedPrefix {
                epos: 4,
                expected: b'$',
                got: b'X'
            }),
            "0x               4: Expected prefix '$', got: 'X'"
        );
        assert_eq!(r(CheckAofMessage::FormatError), "AOF t1.aof format error");
        assert_eq!(
            r(CheckAofMessage::UnexpectedExec { epos: 0x10 }),
            "0x              10: Unexpected EXEC in AOF /d/t1.aof"
        );
        assert_eq!(
            r(CheckAofMessage::LengthOutOfRange { epos: 1, len: -1 }),
            "0x               1: Expected to read string of -1 bytes, which is not in the suitable range"
        );
    }
}
