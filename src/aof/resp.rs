//! One AOF item: a RESP array of bulk strings, or a `#` annotation line.
//!
//! ```text
//! record     = "*" argc CRLF argc*( "$" len CRLF payload CRLF )
//! annotation = "#" *(any byte except LF) LF     ; "#TS:<unix-seconds>\r\n" (Redis 7.0+)
//! ```
//!
//! The grammar accepted is exactly redis-check-aof's (`redis-check-aof.c:
//! readLong`, `readString`, `processAnnotations`), because "valid" must mean
//! the same thing for us as for the tool users compare us with:
//!
//! * a header line is what `fgets(buf, 128)` returns: up to and including
//!   the first LF, at most 127 bytes, so a longer header line always fails;
//! * its number is read with `strtol`: leading C whitespace, a sign and
//!   leading zeros pass, no digits at all reads as 0, overflow clamps;
//! * the number must be followed by exactly `\r\n`;
//! * `argc <= 0` is an empty record (the server would reject it, the checker
//!   does not); a bulk length must be in `0 ..= i64::MAX - 2`;
//! * an annotation is one `fgets(buf, 1024)` chunk: an annotation longer than
//!   1023 bytes leaves its tail to be read as the next item, as in Redis.
//!
//! The parsers are nom *streaming* parsers: `Err::Incomplete` means the input
//! ended inside the item (a truncated file), `Err::Error` means the bytes are
//! wrong. Lengths are checked against the input before any slicing, and
//! nothing is allocated from a length field, so `$1152921504606846976` is
//! just an `Incomplete` asking for that many bytes.

use nom::error::{ErrorKind, ParseError};
use nom::{Err, IResult, Needed};

use super::command::Command;

/// Longest header line redis-check-aof can read (`char buf[128]` + `fgets`).
pub const HEADER_LINE_MAX: usize = 127;

/// Longest annotation chunk redis-check-aof and the server read
/// (`AOF_ANNOTATION_LINE_MAX_LEN` is 1024, minus the NUL).
pub const ANNOTATION_LINE_MAX: usize = 1023;

/// What is wrong with a malformed item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[non_exhaustive]
pub enum RespErrorKind {
    /// An item starts with neither `*` nor `#` (redis-check-aof: "format error").
    #[error("item starts with byte 0x{0:02x} instead of '*' or '#'")]
    UnexpectedByte(u8),
    /// A header line does not start with the expected `*` or `$`.
    #[error("expected '{}' at the start of the line, got byte 0x{got:02x}", char::from(*expected))]
    ExpectedPrefix {
        /// `*` or `$`.
        expected: u8,
        /// The byte found instead.
        got: u8,
    },
    /// The number on a header line, or a payload, is not followed by CRLF.
    #[error("expected crlf, got bytes 0x{:02x} 0x{:02x}", got[0], got[1])]
    ExpectedCrlf {
        /// The two bytes found where `\r\n` belongs.
        got: [u8; 2],
        /// False when the line ended (at end of file) right at the first of
        /// those bytes, so the second one was never in the file: Redis then
        /// prints whatever stale byte its stack buffer held.
        second_known: bool,
    },
    /// A bulk length outside `0 ..= i64::MAX - 2`.
    #[error("bulk length {0} is out of range")]
    LengthOutOfRange(i64),
    /// A nom combinator rejected the input (not produced by this module's
    /// own parsers; kept so the error type can serve any nom parser).
    #[error("unexpected input")]
    Unexpected,
}

/// A malformed item, located by how much input remained at each point, the
/// way nom locates errors; [`RespError::offsets`] turns that into offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RespError {
    /// What is wrong.
    pub kind: RespErrorKind,
    /// Input left at the start of the failing read (a header line or a
    /// payload): redis-check-aof reports this position.
    pub read_remaining: usize,
    /// Input left at the first bad byte.
    pub bad_remaining: usize,
}

impl RespError {
    fn new(kind: RespErrorKind, read_remaining: usize, bad_remaining: usize) -> Self {
        RespError {
            kind,
            read_remaining,
            bad_remaining,
        }
    }

    /// `(read start, first bad byte)` as offsets into an input that was
    /// `input_len` bytes long when parsing began.
    pub fn offsets(&self, input_len: usize) -> (usize, usize) {
        (
            input_len.saturating_sub(self.read_remaining),
            input_len.saturating_sub(self.bad_remaining),
        )
    }
}

impl<'a> ParseError<&'a [u8]> for RespError {
    fn from_error_kind(input: &'a [u8], _kind: ErrorKind) -> Self {
        RespError::new(RespErrorKind::Unexpected, input.len(), input.len())
    }

    fn append(_input: &'a [u8], _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

/// A command whose arguments borrow from the input buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCommand<'a> {
    /// The arguments, command name first. Empty for `*0` / `*-1`.
    pub args: Vec<&'a [u8]>,
}

impl RawCommand<'_> {
    /// The command name as written.
    pub fn name(&self) -> Option<&[u8]> {
        self.args.first().copied()
    }

    /// Compares the name case-insensitively.
    pub fn is(&self, name: &str) -> bool {
        self.name()
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    }

    /// Copies the arguments out of the buffer, tagging the record's offset.
    pub fn to_command(&self, offset: u64) -> Command {
        Command {
            args: self.args.iter().map(|a| a.to_vec()).collect(),
            offset,
        }
    }
}

/// A `#` line. Only `#TS:` has a meaning; everything else is carried
/// unchanged so copies preserve annotations newer tools add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotation<'a> {
    /// `#TS:<seconds>\r\n`, valid by redis-check-aof's rule (`strtol` then `\r`).
    Timestamp {
        /// The Unix time in seconds.
        secs: i64,
        /// The raw line, LF included.
        line: &'a [u8],
    },
    /// Any other `#` line (including a malformed `#TS:`), LF included if present.
    Other(&'a [u8]),
}

impl<'a> Annotation<'a> {
    /// Classifies one annotation chunk.
    pub fn classify(line: &'a [u8]) -> Self {
        match parse_ts(line) {
            Some(secs) => Annotation::Timestamp { secs, line },
            None => Annotation::Other(line),
        }
    }

    /// The raw line.
    pub fn line(&self) -> &'a [u8] {
        match self {
            Annotation::Timestamp { line, .. } | Annotation::Other(line) => line,
        }
    }

    /// True for any line starting `#TS:`, valid or not: redis-check-aof's
    /// timestamp mode rejects the invalid ones instead of skipping them.
    pub fn is_ts_line(&self) -> bool {
        self.line().starts_with(b"#TS:")
    }
}

/// `#TS:` value by redis-check-aof's rule: `strtol` without overflow, then `\r`.
fn parse_ts(line: &[u8]) -> Option<i64> {
    let digits = line.strip_prefix(b"#TS:")?;
    let n = strtol(digits);
    (!n.overflow && digits.get(n.end) == Some(&b'\r')).then_some(n.value)
}

/// One parsed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RespItem<'a> {
    /// A RESP array of bulk strings.
    Command(RawCommand<'a>),
    /// A `#` line.
    Annotation(Annotation<'a>),
}

/// Result of C `strtol(s, &end, 10)` on `s` seen as a NUL-terminated string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Strtol {
    pub value: i64,
    /// Index of `end` in `s` (0 when no digits were found).
    pub end: usize,
    pub overflow: bool,
}

/// C whitespace (`isspace` in the C locale).
pub(crate) fn is_c_space(b: u8) -> bool {
    b == b' ' || (0x09..=0x0d).contains(&b)
}

/// `strtol` base 10, clamping on overflow like glibc.
pub(crate) fn strtol(s: &[u8]) -> Strtol {
    let mut i = s.iter().take_while(|&&b| is_c_space(b)).count();
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits_start = i;
    let limit: u64 = if negative {
        1u64 << 63
    } else {
        i64::MAX.unsigned_abs()
    };
    let mut magnitude: u64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).filter(|b| b.is_ascii_digit()) {
        let next = magnitude
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(d - b'0')));
        match next {
            Some(m) if m <= limit => magnitude = m,
            _ => overflow = true,
        }
        i += 1;
    }
    if i == digits_start {
        return Strtol {
            value: 0,
            end: 0,
            overflow: false,
        };
    }
    let value = if overflow {
        if negative {
            i64::MIN
        } else {
            i64::MAX
        }
    } else if negative {
        0i64.wrapping_sub_unsigned(magnitude)
    } else {
        // magnitude <= i64::MAX here.
        i64::try_from(magnitude).unwrap_or(i64::MAX)
    };
    Strtol {
        value,
        end: i,
        overflow,
    }
}

/// Length of the chunk `fgets(buf, max + 1)` returns, if the input holds all
/// of it: through the first LF, or `max` bytes. `None` means more input is
/// needed to know.
pub(crate) fn fgets_len(input: &[u8], max: usize) -> Option<usize> {
    let window = &input[..input.len().min(max)];
    match memchr::memchr(b'\n', window) {
        Some(i) => Some(i + 1),
        None if input.len() >= max => Some(max),
        None => None,
    }
}

/// Evaluates one header chunk like `readLong()`. On failure returns the
/// kind and the index of the first bad byte.
pub(crate) fn eval_header(chunk: &[u8], prefix: u8) -> Result<i64, (RespErrorKind, usize)> {
    let Some(&first) = chunk.first() else {
        return Err((
            RespErrorKind::ExpectedCrlf {
                got: [0, 0],
                second_known: false,
            },
            0,
        ));
    };
    if first != prefix {
        return Err((
            RespErrorKind::ExpectedPrefix {
                expected: prefix,
                got: first,
            },
            0,
        ));
    }
    let n = strtol(&chunk[1..]);
    let e = 1 + n.end;
    // The chunk is a C string: a NUL follows it, and beyond that the
    // buffer holds bytes that never came from the file.
    let b0 = chunk.get(e).copied().unwrap_or(0);
    let (b1, second_known) = match chunk.get(e + 1) {
        Some(&b) => (b, true),
        None => (0, e < chunk.len()),
    };
    if b0 == b'\r' && b1 == b'\n' && second_known {
        Ok(n.value)
    } else {
        Err((
            RespErrorKind::ExpectedCrlf {
                got: [b0, b1],
                second_known,
            },
            e,
        ))
    }
}

/// Whether a header chunk cut by end of file could still have become a
/// valid header: prefix, C whitespace, optional sign, digits, optional `\r`.
pub(crate) fn header_prefix_valid(chunk: &[u8], prefix: u8) -> bool {
    let Some(rest) = chunk.strip_prefix(&[prefix]) else {
        return chunk.is_empty();
    };
    let mut i = rest.iter().take_while(|&&b| is_c_space(b)).count();
    if matches!(rest.get(i), Some(b'+' | b'-')) {
        i += 1;
    }
    i += rest[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    matches!(&rest[i..], [] | [b'\r'])
}

/// A header line `<prefix><number>\r\n`, returning the number.
pub fn header(prefix: u8) -> impl Fn(&[u8]) -> IResult<&[u8], i64, RespError> {
    move |input: &[u8]| {
        let Some(n) = fgets_len(input, HEADER_LINE_MAX) else {
            return Err(Err::Incomplete(Needed::new(1)));
        };
        match eval_header(&input[..n], prefix) {
            Ok(v) => Ok((&input[n..], v)),
            Err((kind, bad)) => Err(Err::Error(RespError::new(
                kind,
                input.len(),
                input.len() - bad,
            ))),
        }
    }
}

/// A bulk string `$<len>\r\n<len bytes>\r\n`, returning the payload.
pub fn bulk(input: &[u8]) -> IResult<&[u8], &[u8], RespError> {
    let (rest, len) = header(b'$')(input)?;
    if !(0..=i64::MAX - 2).contains(&len) {
        return Err(Err::Error(RespError::new(
            RespErrorKind::LengthOutOfRange(len),
            input.len(),
            input.len().saturating_sub(1),
        )));
    }
    // Checked against what is there before anything is sliced or allocated.
    let total = len.unsigned_abs() + 2;
    let have = rest.len() as u64;
    if have < total {
        let missing = usize::try_from(total - have).unwrap_or(usize::MAX);
        return Err(Err::Incomplete(Needed::new(missing)));
    }
    let Ok(total) = usize::try_from(total) else {
        return Err(Err::Incomplete(Needed::Unknown));
    };
    let (after, with_crlf) = nom::bytes::streaming::take::<usize, &[u8], RespError>(total)(rest)?;
    let (payload, crlf) = with_crlf.split_at(total - 2);
    if crlf != b"\r\n" {
        let bad = if crlf[0] == b'\r' { 1 } else { 0 };
        return Err(Err::Error(RespError::new(
            RespErrorKind::ExpectedCrlf {
                got: [crlf[0], crlf[1]],
                second_known: true,
            },
            rest.len(),
            rest.len() - (total - 2) - bad,
        )));
    }
    Ok((after, payload))
}

/// A whole record `*<argc>\r\n` followed by `argc` bulk strings.
pub fn record(input: &[u8]) -> IResult<&[u8], RawCommand<'_>, RespError> {
    let (mut rest, argc) = header(b'*')(input)?;
    // argc comes from the file: never pre-allocate from it beyond a little.
    let mut args = Vec::with_capacity(usize::try_from(argc.clamp(0, 16)).unwrap_or(0));
    let mut i = 0;
    while i < argc {
        let (r, arg) = bulk(rest)?;
        args.push(arg);
        rest = r;
        i += 1;
    }
    Ok((rest, RawCommand { args }))
}

/// A `#` annotation chunk (see the module docs for the 1023-byte rule).
pub fn annotation(input: &[u8]) -> IResult<&[u8], Annotation<'_>, RespError> {
    let _ = nom::bytes::streaming::tag::<&[u8], &[u8], RespError>(b"#".as_slice())(input)?;
    let Some(n) = fgets_len(input, ANNOTATION_LINE_MAX) else {
        return Err(Err::Incomplete(Needed::new(1)));
    };
    Ok((&input[n..], Annotation::classify(&input[..n])))
}

/// The annotation an input that ends without LF yields at end of file:
/// `fgets` returns the partial line, so both Redis tools accept it.
pub fn annotation_at_eof(input: &[u8]) -> Option<Annotation<'_>> {
    input
        .starts_with(b"#")
        .then(|| Annotation::classify(&input[..input.len().min(ANNOTATION_LINE_MAX)]))
}

/// One item: a record or an annotation.
pub fn item(input: &[u8]) -> IResult<&[u8], RespItem<'_>, RespError> {
    match input.first() {
        None => Err(Err::Incomplete(Needed::new(1))),
        Some(b'*') => record(input).map(|(r, c)| (r, RespItem::Command(c))),
        Some(b'#') => annotation(input).map(|(r, a)| (r, RespItem::Annotation(a))),
        Some(&b) => Err(Err::Error(RespError::new(
            RespErrorKind::UnexpectedByte(b),
            input.len(),
            input.len(),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok_item(input: &[u8]) -> (usize, RespItem<'_>) {
        match item(input) {
            Ok((rest, it)) => (input.len() - rest.len(), it),
            Err(e) => panic!("expected an item, got {e:?}"),
        }
    }

    fn err_kind(input: &[u8]) -> (RespErrorKind, (usize, usize)) {
        match item(input) {
            Err(Err::Error(e)) => (e.kind, e.offsets(input.len())),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    fn incomplete(input: &[u8]) -> bool {
        matches!(item(input), Err(Err::Incomplete(_)))
    }

    #[test]
    fn strtol_matches_c() {
        let t = |s: &[u8]| {
            let r = strtol(s);
            (r.value, r.end, r.overflow)
        };
        assert_eq!(t(b"12\r\n"), (12, 2, false));
        assert_eq!(t(b"  -7x"), (-7, 4, false));
        assert_eq!(t(b"+007"), (7, 4, false));
        assert_eq!(t(b"abc"), (0, 0, false));
        assert_eq!(t(b"-"), (0, 0, false));
        assert_eq!(t(b"\r\n5"), (5, 3, false));
        assert_eq!(t(b"99999999999999999999"), (i64::MAX, 20, true));
        assert_eq!(t(b"-9223372036854775808"), (i64::MIN, 20, false));
        assert_eq!(t(b"-9223372036854775809"), (i64::MIN, 20, true));
        assert_eq!(t(b"9223372036854775807"), (i64::MAX, 19, false));
    }

    #[test]
    fn record_of_bulks() {
        let input = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\nrest";
        let (n, it) = ok_item(input);
        assert_eq!(n, input.len() - 4);
        assert_eq!(
            it,
            RespItem::Command(RawCommand {
                args: vec![b"SET".as_slice(), b"k", b""]
            })
        );
    }

    #[test]
    fn binary_payload_is_raw() {
        let input = b"*1\r\n$4\r\n\r\n\0\xff\r\n";
        let (_, it) = ok_item(input);
        assert_eq!(
            it,
            RespItem::Command(RawCommand {
                args: vec![b"\r\n\0\xff".as_slice()]
            })
        );
    }

    #[test]
    fn lenient_numbers_like_redis_check_aof() {
        // Leading zeros, a sign and leading whitespace all pass strtol.
        assert!(
            matches!(ok_item(b"*+01\r\n$ 1\r\nx\r\n").1, RespItem::Command(c) if c.args == [b"x"])
        );
        // No digits reads as 0: an empty record.
        assert_eq!(ok_item(b"*\r\n").0, 3);
        assert_eq!(ok_item(b"*0\r\n").0, 4);
        assert_eq!(ok_item(b"*-1\r\n").0, 5);
        // `$` with no digits is a zero-length payload.
        assert_eq!(ok_item(b"*1\r\n$\r\n\r\n").0, 9);
    }

    #[test]
    fn header_errors() {
        assert_eq!(
            err_kind(b"*3x\r\n").0,
            RespErrorKind::ExpectedCrlf {
                got: [b'x', b'\r'],
                second_known: true
            }
        );
        assert_eq!(err_kind(b"*3x\r\n").1, (0, 2));
        assert_eq!(
            err_kind(b"*1\r\n#3\r\n").0,
            RespErrorKind::ExpectedPrefix {
                expected: b'$',
                got: b'#'
            }
        );
        assert_eq!(err_kind(b"*1\r\n#3\r\n").1, (4, 4));
        // LF alone is not CRLF.
        assert_eq!(
            err_kind(b"*1\n").0,
            RespErrorKind::ExpectedCrlf {
                got: [b'\n', 0],
                second_known: true
            }
        );
        // strtol skips the CR as whitespace, then finds no digits: eptr is
        // back at the CR, so `*\r\n` passes but `* \r\n` does not.
        assert_eq!(
            err_kind(b"* \r\n").0,
            RespErrorKind::ExpectedCrlf {
                got: [b' ', b'\r'],
                second_known: true
            }
        );
    }

    #[test]
    fn header_line_longer_than_127_bytes_fails() {
        let mut long = b"*".to_vec();
        long.extend(std::iter::repeat_n(b'0', 124));
        long.extend(b"0\r\n"); // 128 bytes with the LF
        assert!(matches!(
            err_kind(&long).0,
            RespErrorKind::ExpectedCrlf {
                got: [b'\r', 0],
                ..
            }
        ));
        long.remove(1); // 127 bytes: fits
        assert!(matches!(ok_item(&long).1, RespItem::Command(_)));
    }

    #[test]
    fn bulk_errors() {
        assert_eq!(
            err_kind(b"*1\r\n$-1\r\n").0,
            RespErrorKind::LengthOutOfRange(-1)
        );
        assert_eq!(err_kind(b"*1\r\n$-1\r\n").1, (4, 5));
        assert_eq!(
            err_kind(b"*1\r\n$9223372036854775806\r\n").0,
            RespErrorKind::LengthOutOfRange(9223372036854775806)
        );
        assert_eq!(
            err_kind(b"*1\r\n$1\r\nkXY").0,
            RespErrorKind::ExpectedCrlf {
                got: *b"XY",
                second_known: true
            }
        );
        assert_eq!(err_kind(b"*1\r\n$1\r\nkXY").1, (8, 9));
        assert_eq!(err_kind(b"*1\r\n$1\r\nk\rY").1, (8, 10));
    }

    #[test]
    fn huge_length_is_incomplete_without_allocating() {
        let input = b"*1\r\n$1152921504606846976\r\nabc";
        match item(input) {
            Err(Err::Incomplete(Needed::Size(n))) => {
                assert_eq!(n.get() as u64, (1u64 << 60) + 2 - 3)
            }
            other => panic!("{other:?}"),
        }
        // i64::MAX - 2 is in range; it just never arrives.
        assert!(incomplete(b"*1\r\n$9223372036854775805\r\n"));
        // Overflow clamps to LONG_MAX, which is out of range.
        assert_eq!(
            err_kind(b"*1\r\n$99999999999999999999\r\n").0,
            RespErrorKind::LengthOutOfRange(i64::MAX)
        );
    }

    #[test]
    fn every_prefix_of_a_record_is_incomplete() {
        let input = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n";
        for cut in 0..input.len() {
            assert!(incomplete(&input[..cut]), "cut at {cut}");
        }
        assert!(!incomplete(input));
    }

    #[test]
    fn annotations() {
        let (n, it) = ok_item(b"#TS:1700000000\r\n*1\r\n");
        assert_eq!(n, 16);
        assert!(matches!(
            it,
            RespItem::Annotation(Annotation::Timestamp {
                secs: 1700000000,
                ..
            })
        ));
        // LF-only and garbage are kept opaque; so is any other `#` line.
        for line in [&b"#TS:17\n"[..], b"#TS:x\r\n", b"#HDR:v1;len:3\r\n", b"#\n"] {
            let (n, it) = ok_item(line);
            assert_eq!(n, line.len());
            assert_eq!(it, RespItem::Annotation(Annotation::Other(line)));
        }
        // `#TS:` then CR reads as 0, as strtol does.
        assert!(matches!(
            ok_item(b"#TS:\r\n").1,
            RespItem::Annotation(Annotation::Timestamp { secs: 0, .. })
        ));
        assert!(incomplete(b"#TS:17"));
        assert!(matches!(
            annotation_at_eof(b"#TS:17\r"),
            Some(Annotation::Timestamp { secs: 17, .. })
        ));
    }

    #[test]
    fn long_annotation_is_cut_at_1023_bytes() {
        let mut line = b"#".to_vec();
        line.extend(std::iter::repeat_n(b'a', 1100));
        line.extend(b"\r\n");
        let (n, _) = ok_item(&line);
        assert_eq!(n, ANNOTATION_LINE_MAX);
        // The rest is then a format error, as in redis-check-aof.
        assert_eq!(err_kind(&line[n..]).0, RespErrorKind::UnexpectedByte(b'a'));
    }

    #[test]
    fn garbage_first_byte() {
        assert_eq!(err_kind(b"!!!").0, RespErrorKind::UnexpectedByte(b'!'));
        assert_eq!(err_kind(b"SET a b\r\n").1, (0, 0));
    }

    #[test]
    fn header_prefix_validity() {
        assert!(header_prefix_valid(b"*", b'*'));
        assert!(header_prefix_valid(b"*12", b'*'));
        assert!(header_prefix_valid(b"$-", b'$'));
        assert!(header_prefix_valid(b"$3\r", b'$'));
        assert!(!header_prefix_valid(b"$3x", b'$'));
        assert!(!header_prefix_valid(b"#3", b'$'));
    }

    #[test]
    fn byte_flips_never_panic() {
        let base = b"*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$5\r\nhello\r\n#TS:12\r\n";
        for i in 0..base.len() {
            for v in [0u8, b'*', b'$', b'#', b'\r', b'\n', b'9', b'-', 0xff] {
                let mut m = base.to_vec();
                m[i] = v;
                let mut rest: &[u8] = &m;
                while let Ok((r, _)) = item(rest) {
                    if r.len() == rest.len() {
                        break;
                    }
                    rest = r;
                }
            }
        }
    }
}
