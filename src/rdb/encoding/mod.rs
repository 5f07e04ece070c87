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

/// Reads `N` bytes at `off`, or `None` when they are not all inside `blob`.
/// Every fixed-width field of every blob goes through here so that no read
/// can slice out of bounds.
pub(crate) fn read_array<const N: usize>(blob: &[u8], off: usize) -> Option<[u8; N]> {
    let end = off.checked_add(N)?;
    let src = blob.get(off..end)?;
    let mut out = [0u8; N];
    out.iter_mut().zip(src).for_each(|(d, s)| *d = *s);
    Some(out)
}

/// Sign-extends a little-endian integer of `width` bytes (1, 2, 3, 4 or
/// 8); `data` is exactly `width` bytes long.
pub(crate) fn le_signed(data: &[u8], width: usize) -> i64 {
    let mut buf = [0u8; 8];
    buf.iter_mut().zip(data).for_each(|(d, s)| *d = *s);
    // Clamped so the shift below stays in 0..=56 whatever the caller passes.
    let width = width.clamp(1, 8) as u32;
    let shift = 64 - 8 * width;
    // Shift the value to the top and back so the sign bit spreads.
    (i64::from_le_bytes(buf) << shift) >> shift
}

/// Parses `b` the way Redis's `string2ll` does: optional `-`, no `+`, no
/// leading zeros, no spaces, no `-0`, within `i64`. Redis treats a string
/// element that passes this as the same value as an integer element, so
/// uniqueness checks and "must be an integer" checks have to as well.
pub fn parse_canonical_i64(b: &[u8]) -> Option<i64> {
    let (neg, digits) = match b.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, b),
    };
    match digits {
        [b'0'] if !neg => return Some(0),
        [b'1'..=b'9', ..] => {}
        _ => return None,
    }
    // Accumulate negatively so that i64::MIN parses without overflow.
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
    }
    if neg {
        Some(v)
    } else {
        v.checked_neg()
    }
}

/// An element as the server's dictionaries see it: integers and canonical
/// decimal strings are the same key, so `5` and `"5"` collide as they do in
/// Redis, while `"05"` stays distinct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum DupKey<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl<'a> From<BlobEntry<'a>> for DupKey<'a> {
    fn from(e: BlobEntry<'a>) -> Self {
        match e {
            BlobEntry::Int(i) => DupKey::Int(i),
            BlobEntry::Bytes(b) => match parse_canonical_i64(b) {
                Some(i) => DupKey::Int(i),
                None => DupKey::Bytes(b),
            },
        }
    }
}

/// Checks the tuple shape shared by hash (2), zset (2), hash-with-TTL (3)
/// and set (1) blobs and returns the number of elements.
///
/// The count must be a multiple of `tuple` (a `tuple` of 0 is treated as 1);
/// with [`Depth::Deep`] the first element of every tuple must also be unique,
/// which costs one hash-set insert per tuple and is why it is not done at
/// [`Depth::Header`]. Errors from `entries` are passed through unchanged.
/// Duplicates are reported at offset 0 because a generic iterator has no
/// positions.
pub fn check_tuples<'a, I>(
    kind: BlobKind,
    entries: I,
    tuple: usize,
    depth: Depth,
) -> Result<u64, BlobError>
where
    I: Iterator<Item = Result<BlobEntry<'a>, BlobError>>,
{
    let tuple = tuple.max(1);
    let step = tuple as u64;
    let mut seen: Option<std::collections::HashSet<DupKey<'a>>> =
        (depth == Depth::Deep).then(std::collections::HashSet::new);
    let mut count: u64 = 0;
    for entry in entries {
        let entry = entry?;
        if let Some(seen) = seen.as_mut() {
            if count % step == 0 && !seen.insert(DupKey::from(entry)) {
                return Err(BlobError::new(
                    kind,
                    0,
                    BlobProblem::Duplicate(entry.to_vec()),
                ));
            }
        }
        count += 1;
    }
    if count % step != 0 {
        return Err(BlobError::new(
            kind,
            0,
            BlobProblem::NotMultipleOf {
                tuple,
                actual: count,
            },
        ));
    }
    Ok(count)
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Helpers shared by the blob tests: fixture loading and mutation.

    use std::path::PathBuf;

    /// Reads a fixture file (path relative to the shared fixtures folder),
    /// or prints a note and returns `None` so the test can skip.
    pub(crate) fn fixture(rel: &str) -> Option<Vec<u8>> {
        let roots = [
            std::env::var_os("REDFILE_FIXTURES").map(PathBuf::from),
            Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")),
        ];
        for root in roots.into_iter().flatten() {
            if let Ok(b) = std::fs::read(root.join(rel)) {
                return Some(b);
            }
        }
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: fixture {rel} not found, skipping");
        }
        None
    }

    /// Calls `f` on every truncation and every single-bit flip of `blob`.
    /// Truncations are passed twice: as cut, and after `fix` has patched
    /// the header so that the deeper parsing paths run too.
    pub(crate) fn mutations(blob: &[u8], fix: impl Fn(&mut [u8]), mut f: impl FnMut(&[u8])) {
        for len in 0..blob.len() {
            let mut v = blob[..len].to_vec();
            f(&v);
            fix(&mut v);
            f(&v);
        }
        for i in 0..blob.len() {
            for bit in 0..8 {
                let mut v = blob.to_vec();
                v[i] ^= 1 << bit;
                f(&v);
            }
        }
    }

    /// Patches a ziplist/listpack `u32le` total size at offset 0 and puts
    /// the `0xFF` terminator last.
    pub(crate) fn fix_total(v: &mut [u8]) {
        if v.len() >= 4 {
            let n = v.len() as u32;
            v[..4].copy_from_slice(&n.to_le_bytes());
        }
        if let Some(last) = v.last_mut() {
            *last = 0xFF;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_integers_follow_string2ll() {
        assert_eq!(parse_canonical_i64(b"0"), Some(0));
        assert_eq!(parse_canonical_i64(b"-1"), Some(-1));
        assert_eq!(parse_canonical_i64(b"123"), Some(123));
        assert_eq!(parse_canonical_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_canonical_i64(b"9223372036854775807"), Some(i64::MAX));
        for bad in [
            &b""[..],
            b"-",
            b"-0",
            b"01",
            b"+1",
            b" 1",
            b"1 ",
            b"1a",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"1.0",
        ] {
            assert_eq!(parse_canonical_i64(bad), None, "{bad:?}");
        }
    }

    fn ok<'a: 'b, 'b>(
        v: &'b [BlobEntry<'a>],
    ) -> impl Iterator<Item = Result<BlobEntry<'a>, BlobError>> + 'b {
        v.iter().copied().map(Ok)
    }

    #[test]
    fn tuples_count_and_shape() {
        let v = [
            BlobEntry::Bytes(b"f1"),
            BlobEntry::Int(1),
            BlobEntry::Bytes(b"f2"),
            BlobEntry::Int(1),
        ];
        for depth in [Depth::Header, Depth::Deep] {
            assert_eq!(check_tuples(BlobKind::Listpack, ok(&v), 2, depth), Ok(4));
            // As a set the repeated value 1 is a duplicate, seen only when deep.
            let as_set = check_tuples(BlobKind::Listpack, ok(&v), 1, depth);
            if depth == Depth::Deep {
                assert_eq!(
                    as_set.unwrap_err().problem,
                    BlobProblem::Duplicate(b"1".to_vec())
                );
            } else {
                assert_eq!(as_set, Ok(4));
            }
            let e = check_tuples(BlobKind::Listpack, ok(&v), 3, depth).unwrap_err();
            assert_eq!(
                e.problem,
                BlobProblem::NotMultipleOf {
                    tuple: 3,
                    actual: 4
                }
            );
        }
        assert_eq!(
            check_tuples(BlobKind::Listpack, ok(&[]), 0, Depth::Deep),
            Ok(0)
        );
    }

    #[test]
    fn tuples_duplicates_compare_as_strings() {
        let v = [
            BlobEntry::Int(5),
            BlobEntry::Int(0),
            BlobEntry::Bytes(b"5"),
            BlobEntry::Int(0),
        ];
        let e = check_tuples(BlobKind::Ziplist, ok(&v), 2, Depth::Deep).unwrap_err();
        assert_eq!(e.problem, BlobProblem::Duplicate(b"5".to_vec()));
        assert_eq!(
            check_tuples(BlobKind::Ziplist, ok(&v), 2, Depth::Header),
            Ok(4)
        );
        let v = [BlobEntry::Int(5), BlobEntry::Bytes(b"05")];
        assert_eq!(
            check_tuples(BlobKind::Ziplist, ok(&v), 1, Depth::Deep),
            Ok(2)
        );
    }

    #[test]
    fn tuples_pass_errors_through() {
        let err = BlobError::new(BlobKind::Listpack, 7, BlobProblem::EntryOverflow);
        let v = vec![Ok(BlobEntry::Int(1)), Err(err.clone())];
        assert_eq!(
            check_tuples(BlobKind::Listpack, v.into_iter(), 1, Depth::Deep),
            Err(err)
        );
    }
}
