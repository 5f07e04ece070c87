//! Ziplists (`ziplist.c`), the packed encoding of small lists, hashes and
//! zsets in RDB 3–9 files and of quicklist v1 nodes (spec §10.1, §19.2).
//!
//! Layout: `u32le zlbytes`, `u32le zltail`, `u16le zllen`, entries, `0xFF`.
//! Each entry is `prevlen` (1 or 5 bytes), an encoding header and data.

use super::{le_signed, read_array, BlobEntry, BlobError, BlobKind, BlobProblem, Depth};

const KIND: BlobKind = BlobKind::Ziplist;

/// Bytes before the first entry (`zlbytes`, `zltail`, `zllen`); also the
/// `zltail` of an empty ziplist.
pub const HEADER_SIZE: usize = 10;

/// The `zllen` value that means "too many to count, walk the entries".
pub const UNKNOWN_LEN: u16 = u16::MAX;

const END: u8 = 0xFF;

/// Header offsets, used as error positions so a report points at the field
/// that disagrees with the entries.
const ZLTAIL_OFFSET: usize = 4;
const ZLLEN_OFFSET: usize = 8;

/// The fixed ziplist header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZiplistHeader {
    /// Total blob size the writer recorded.
    pub zlbytes: u32,
    /// Offset of the last entry, so Redis can push/pop at the tail in O(1).
    pub zltail: u32,
    /// Entry count, or [`UNKNOWN_LEN`].
    pub zllen: u16,
}

fn err(offset: usize, problem: BlobProblem) -> BlobError {
    BlobError::new(KIND, offset, problem)
}

/// Reads the header and applies the checks Redis makes on every load, so a
/// caller never walks a blob whose outer frame is already inconsistent.
pub fn header(blob: &[u8]) -> Result<ZiplistHeader, BlobError> {
    let have = blob.len();
    let too_short = || {
        err(
            0,
            BlobProblem::TooShort {
                need: HEADER_SIZE + 1,
                have,
            },
        )
    };
    if have < HEADER_SIZE + 1 {
        return Err(too_short());
    }
    let zlbytes = read_array(blob, 0)
        .map(u32::from_le_bytes)
        .ok_or_else(too_short)?;
    let zltail = read_array(blob, ZLTAIL_OFFSET)
        .map(u32::from_le_bytes)
        .ok_or_else(too_short)?;
    let zllen = read_array(blob, ZLLEN_OFFSET)
        .map(u16::from_le_bytes)
        .ok_or_else(too_short)?;
    if u64::from(zlbytes) != have as u64 {
        return Err(err(
            0,
            BlobProblem::SizeMismatch {
                header: u64::from(zlbytes),
                actual: have,
            },
        ));
    }
    let last = have - 1;
    if blob.get(last) != Some(&END) {
        return Err(err(last, BlobProblem::MissingTerminator));
    }
    if u64::from(zltail) > last as u64 {
        return Err(err(
            ZLTAIL_OFFSET,
            BlobProblem::Invalid(format!(
                "tail offset {zltail} points past the end of the {have}-byte ziplist"
            )),
        ));
    }
    Ok(ZiplistHeader {
        zlbytes,
        zltail,
        zllen,
    })
}

/// One decoded entry with the sizes a deep walk needs.
struct Raw<'a> {
    prevlen: u32,
    size: usize,
    value: BlobEntry<'a>,
}

/// How the data after an encoding header is to be read.
#[derive(Clone, Copy)]
enum Form {
    Str,
    Int(usize),
    Imm(i64),
}

/// Decodes the entry at `pos` (which must not be the terminator). The
/// entry, data included, must end at or before the terminator, as
/// `zipEntrySafe` requires.
fn decode(blob: &[u8], pos: usize) -> Result<Raw<'_>, BlobError> {
    let overflow = || err(pos, BlobProblem::EntryOverflow);
    let term = blob.len().saturating_sub(1);
    let first = *blob.get(pos).ok_or_else(overflow)?;
    let (prevlen, enc_pos) = if first < 0xFE {
        (u32::from(first), pos + 1)
    } else {
        let v = read_array(blob, pos + 1)
            .map(u32::from_le_bytes)
            .ok_or_else(overflow)?;
        (v, pos + 5)
    };
    let enc = *blob.get(enc_pos).ok_or_else(overflow)?;
    let (hdr, data_len, form) = match enc >> 6 {
        0 => (1, usize::from(enc & 0x3F), Form::Str),
        1 => {
            let lo = *blob.get(enc_pos + 1).ok_or_else(overflow)?;
            (2, usize::from(enc & 0x3F) << 8 | usize::from(lo), Form::Str)
        }
        2 => {
            let len = read_array(blob, enc_pos + 1)
                .map(u32::from_be_bytes)
                .ok_or_else(overflow)?;
            let len = usize::try_from(len).map_err(|_| overflow())?;
            (5, len, Form::Str)
        }
        _ => match enc {
            0xC0 => (1, 2, Form::Int(2)),
            0xD0 => (1, 4, Form::Int(4)),
            0xE0 => (1, 8, Form::Int(8)),
            0xF0 => (1, 3, Form::Int(3)),
            0xFE => (1, 1, Form::Int(1)),
            0xF1..=0xFD => (1, 0, Form::Imm(i64::from(enc & 0x0F) - 1)),
            _ => return Err(err(enc_pos, BlobProblem::BadEncoding(enc))),
        },
    };
    let data_start = enc_pos + hdr;
    let data_end = data_start.checked_add(data_len).ok_or_else(overflow)?;
    if data_end > term {
        return Err(overflow());
    }
    let data = blob.get(data_start..data_end).ok_or_else(overflow)?;
    let value = match form {
        Form::Str => BlobEntry::Bytes(data),
        Form::Imm(v) => BlobEntry::Int(v),
        Form::Int(width) => BlobEntry::Int(le_signed(data, width)),
    };
    Ok(Raw {
        prevlen,
        size: data_end - pos,
        value,
    })
}

/// Walks a ziplist's entries front to back; bounds are checked, back-links
/// are not (that is [`validate`] with [`Depth::Deep`]).
#[derive(Debug, Clone)]
pub struct ZiplistIter<'a> {
    blob: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> ZiplistIter<'a> {
    /// Byte offset of the next entry (of the terminator once exhausted), so
    /// callers can point errors of their own at a position.
    pub fn offset(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for ZiplistIter<'a> {
    type Item = Result<BlobEntry<'a>, BlobError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.blob.get(self.pos) {
            Some(&END) => {
                self.done = true;
                None
            }
            Some(_) => match decode(self.blob, self.pos) {
                Ok(raw) => {
                    self.pos += raw.size;
                    Some(Ok(raw.value))
                }
                Err(e) => {
                    self.done = true;
                    Some(Err(e))
                }
            },
            None => {
                self.done = true;
                Some(Err(err(self.pos, BlobProblem::EntryOverflow)))
            }
        }
    }
}

impl std::iter::FusedIterator for ZiplistIter<'_> {}

/// Checks the header, then iterates over the entries.
pub fn entries(blob: &[u8]) -> Result<ZiplistIter<'_>, BlobError> {
    header(blob)?;
    Ok(ZiplistIter {
        blob,
        pos: HEADER_SIZE,
        done: false,
    })
}

/// Validates a ziplist and returns its entry count.
///
/// [`Depth::Header`] trusts `zllen` unless it is [`UNKNOWN_LEN`], in which
/// case the entries are walked (bounds-checked) to count them.
/// [`Depth::Deep`] does what `ziplistValidateIntegrity` does: every
/// `prevlen` equals the previous entry's size, the walk ends exactly at the
/// terminator, `zltail` is the last entry's start and `zllen` (when known)
/// is the count. Like Redis, `zltail` of an empty ziplist is not checked.
pub fn validate(blob: &[u8], depth: Depth) -> Result<u64, BlobError> {
    let h = header(blob)?;
    if depth == Depth::Header {
        if h.zllen != UNKNOWN_LEN {
            return Ok(u64::from(h.zllen));
        }
        let mut count = 0u64;
        for e in entries(blob)? {
            e?;
            count += 1;
        }
        return Ok(count);
    }
    let term = blob.len() - 1;
    let mut pos = HEADER_SIZE;
    let mut prev_size = 0u64;
    let mut last = None;
    let mut count = 0u64;
    loop {
        match blob.get(pos) {
            Some(&END) => break,
            Some(_) => {}
            None => return Err(err(pos, BlobProblem::EntryOverflow)),
        }
        let raw = decode(blob, pos)?;
        if u64::from(raw.prevlen) != prev_size {
            return Err(err(
                pos,
                BlobProblem::PrevlenMismatch {
                    expected: prev_size,
                    found: u64::from(raw.prevlen),
                },
            ));
        }
        prev_size = raw.size as u64;
        last = Some(pos);
        pos += raw.size;
        count += 1;
    }
    if pos != term {
        return Err(err(pos, BlobProblem::TrailingBytes));
    }
    if let Some(last) = last {
        if last as u64 != u64::from(h.zltail) {
            return Err(err(
                ZLTAIL_OFFSET,
                BlobProblem::TailMismatch {
                    expected: last as u64,
                    found: u64::from(h.zltail),
                },
            ));
        }
    }
    if h.zllen != UNKNOWN_LEN && u64::from(h.zllen) != count {
        return Err(err(
            ZLLEN_OFFSET,
            BlobProblem::CountMismatch {
                header: u64::from(h.zllen),
                actual: count,
            },
        ));
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::encoding::test_support::{fix_total, fixture, mutations};

    /// Encoding header + data of a string entry, choosing the narrowest
    /// length form as `ziplist.c` does.
    fn s(data: &[u8]) -> Vec<u8> {
        let n = data.len();
        let mut v = if n < 64 {
            vec![n as u8]
        } else if n < 16384 {
            vec![0x40 | (n >> 8) as u8, n as u8]
        } else {
            let mut v = vec![0x80];
            v.extend_from_slice(&(n as u32).to_be_bytes());
            v
        };
        v.extend_from_slice(data);
        v
    }

    /// Encoding byte followed by raw little-endian data.
    fn i(enc: u8, data: &[u8]) -> Vec<u8> {
        let mut v = vec![enc];
        v.extend_from_slice(data);
        v
    }

    /// Builds a ziplist with correct prevlens, zltail, zllen and zlbytes.
    fn build(entries: &[Vec<u8>]) -> Vec<u8> {
        let mut body = Vec::new();
        let mut prev = 0usize;
        let mut tail = HEADER_SIZE;
        for e in entries {
            tail = HEADER_SIZE + body.len();
            let start = body.len();
            if prev < 254 {
                body.push(prev as u8);
            } else {
                body.push(0xFE);
                body.extend_from_slice(&(prev as u32).to_le_bytes());
            }
            body.extend_from_slice(e);
            prev = body.len() - start;
        }
        let total = HEADER_SIZE + body.len() + 1;
        let mut v = Vec::new();
        v.extend_from_slice(&(total as u32).to_le_bytes());
        v.extend_from_slice(&(tail as u32).to_le_bytes());
        v.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        v.extend_from_slice(&body);
        v.push(END);
        v
    }

    fn values(blob: &[u8]) -> Vec<BlobEntry<'_>> {
        entries(blob).unwrap().map(|e| e.unwrap()).collect()
    }

    fn problem(r: Result<u64, BlobError>) -> BlobProblem {
        r.unwrap_err().problem
    }

    #[test]
    fn every_encoding_decodes() {
        let s14 = vec![b'x'; 300];
        let s32 = vec![b'y'; 16384];
        let zl = build(&[
            s(b""),
            s(b"abc"),
            s(&s14),
            s(b"after a 5-byte prevlen"),
            s(&s32),
            i(0xFE, &[0x80]),
            i(0xC0, &(-1234i16).to_le_bytes()),
            i(0xF0, &[0x00, 0x00, 0x80]),
            i(0xF0, &[0xFF, 0xFF, 0x7F]),
            i(0xF0, &[0xFF, 0xFF, 0xFF]),
            i(0xD0, &(-70000i32).to_le_bytes()),
            i(0xE0, &i64::MIN.to_le_bytes()),
            i(0xF1, &[]),
            i(0xFD, &[]),
        ]);
        assert_eq!(
            &zl[HEADER_SIZE + 2 + 5 + 303..][..5],
            &[0xFE, 0x2F, 0x01, 0, 0]
        );
        let v = values(&zl);
        assert_eq!(
            v,
            vec![
                BlobEntry::Bytes(b""),
                BlobEntry::Bytes(b"abc"),
                BlobEntry::Bytes(&s14),
                BlobEntry::Bytes(b"after a 5-byte prevlen"),
                BlobEntry::Bytes(&s32),
                BlobEntry::Int(-128),
                BlobEntry::Int(-1234),
                BlobEntry::Int(-8388608),
                BlobEntry::Int(8388607),
                BlobEntry::Int(-1),
                BlobEntry::Int(-70000),
                BlobEntry::Int(i64::MIN),
                BlobEntry::Int(0),
                BlobEntry::Int(12),
            ]
        );
        assert_eq!(validate(&zl, Depth::Deep), Ok(14));
        assert_eq!(validate(&zl, Depth::Header), Ok(14));
    }

    #[test]
    fn thirty_two_bit_length_ignores_low_bits_of_first_byte() {
        let mut e = vec![0x85, 0, 0, 0, 2];
        e.extend_from_slice(b"ok");
        assert_eq!(values(&build(&[e])), vec![BlobEntry::Bytes(b"ok")]);
    }

    #[test]
    fn header_fields() {
        let zl = build(&[s(b"a"), i(0xF2, &[])]);
        let h = header(&zl).unwrap();
        assert_eq!(h.zlbytes as usize, zl.len());
        assert_eq!(h.zltail, 13);
        assert_eq!(h.zllen, 2);
    }

    #[test]
    fn empty_ziplist() {
        let zl = build(&[]);
        assert_eq!(zl.len(), 11);
        assert_eq!(validate(&zl, Depth::Deep), Ok(0));
        assert!(values(&zl).is_empty());
    }

    #[test]
    fn unknown_length_is_walked() {
        let mut zl = build(&[s(b"a"), s(b"b"), s(b"c")]);
        zl[8..10].copy_from_slice(&UNKNOWN_LEN.to_le_bytes());
        assert_eq!(validate(&zl, Depth::Header), Ok(3));
        assert_eq!(validate(&zl, Depth::Deep), Ok(3));
    }

    #[test]
    fn header_problems() {
        assert_eq!(
            problem(validate(&[0xFF; 10], Depth::Header)),
            BlobProblem::TooShort { need: 11, have: 10 }
        );
        let zl = build(&[s(b"a")]);
        let mut longer = zl.clone();
        longer.push(0xFF);
        assert_eq!(
            problem(validate(&longer, Depth::Header)),
            BlobProblem::SizeMismatch {
                header: zl.len() as u64,
                actual: zl.len() + 1
            }
        );
        let mut bad = zl.clone();
        *bad.last_mut().unwrap() = 0;
        let e = validate(&bad, Depth::Header).unwrap_err();
        assert_eq!(
            (e.offset, e.problem),
            (zl.len() - 1, BlobProblem::MissingTerminator)
        );
        let mut bad = zl.clone();
        bad[4..8].copy_from_slice(&(zl.len() as u32).to_le_bytes());
        assert!(matches!(
            problem(validate(&bad, Depth::Header)),
            BlobProblem::Invalid(_)
        ));
    }

    #[test]
    fn entry_problems() {
        let zl = build(&[s(b"a"), i(0xC0, &[1, 0])]);
        let mut bad = zl.clone();
        bad[14] = 0xC1;
        let e = validate(&bad, Depth::Deep).unwrap_err();
        assert_eq!((e.offset, e.problem), (14, BlobProblem::BadEncoding(0xC1)));
        assert!(entries(&bad).unwrap().any(|e| e.is_err()));

        let mut bad = zl.clone();
        bad[11] = 9; // string length past the end
        let e = validate(&bad, Depth::Deep).unwrap_err();
        assert_eq!((e.offset, e.problem), (10, BlobProblem::EntryOverflow));

        let mut bad = zl.clone();
        bad[13] = 2;
        assert_eq!(
            problem(validate(&bad, Depth::Deep)),
            BlobProblem::PrevlenMismatch {
                expected: 3,
                found: 2
            }
        );
        assert_eq!(validate(&bad, Depth::Header), Ok(2));

        let mut bad = zl.clone();
        bad[10] = 1;
        assert_eq!(
            problem(validate(&bad, Depth::Deep)),
            BlobProblem::PrevlenMismatch {
                expected: 0,
                found: 1
            }
        );

        let mut bad = zl.clone();
        bad[4] = 10;
        let e = validate(&bad, Depth::Deep).unwrap_err();
        assert_eq!(
            (e.offset, e.problem),
            (
                4,
                BlobProblem::TailMismatch {
                    expected: 13,
                    found: 10
                }
            )
        );

        let mut bad = zl.clone();
        bad[8] = 3;
        let e = validate(&bad, Depth::Deep).unwrap_err();
        assert_eq!(
            (e.offset, e.problem),
            (
                8,
                BlobProblem::CountMismatch {
                    header: 3,
                    actual: 2
                }
            )
        );
        assert_eq!(validate(&bad, Depth::Header), Ok(3));
    }

    #[test]
    fn early_terminator_is_trailing_bytes() {
        let mut zl = build(&[s(b"a"), s(b"b")]);
        zl[13] = END;
        let e = validate(&zl, Depth::Deep).unwrap_err();
        assert_eq!((e.offset, e.problem), (13, BlobProblem::TrailingBytes));
        assert_eq!(values(&zl).len(), 1);
    }

    #[test]
    fn iterator_stops_after_error() {
        let mut zl = build(&[s(b"a"), s(b"b")]);
        zl[11] = 50;
        let mut it = entries(&zl).unwrap();
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }

    #[test]
    fn mutations_never_panic() {
        let zl = build(&[
            s(b"ab"),
            s(&[b'z'; 70]),
            i(0xFE, &[7]),
            i(0xC0, &[1, 2]),
            i(0xF0, &[1, 2, 3]),
            i(0xD0, &[1, 2, 3, 4]),
            i(0xE0, &[1, 2, 3, 4, 5, 6, 7, 8]),
            i(0xF5, &[]),
            s(&[b'q'; 260]),
            s(b"x"),
        ]);
        assert_eq!(validate(&zl, Depth::Deep), Ok(10));
        mutations(&zl, fix_total, |b| {
            let _ = validate(b, Depth::Header);
            let _ = validate(b, Depth::Deep);
            if let Ok(it) = entries(b) {
                it.for_each(drop);
            }
        });
    }

    /// Finds the RDB string of length `len` right after `key` in a fixture.
    fn blob_after<'a>(file: &'a [u8], key: &[u8], len: usize) -> &'a [u8] {
        let at = file.windows(key.len()).position(|w| w == key).unwrap() + key.len();
        assert_eq!(file[at] as usize, len);
        &file[at + 1..at + 1 + len]
    }

    #[test]
    fn fixture_hash_ziplist() {
        let Some(file) = fixture("redis-assets/hash-ziplist.rdb") else {
            return;
        };
        let zl = blob_after(&file, b"\x04hash", 27);
        assert_eq!(validate(zl, Depth::Deep), Ok(4));
        let v: Vec<Vec<u8>> = values(zl).into_iter().map(|e| e.to_vec()).collect();
        assert_eq!(v, [&b"f1"[..], b"v1", b"f2", b"v2"]);
        assert_eq!(
            crate::rdb::encoding::check_tuples(KIND, entries(zl).unwrap(), 2, Depth::Deep),
            Ok(4)
        );
    }

    #[test]
    fn fixture_zset_ziplist() {
        let Some(file) = fixture("redis-assets/zset-ziplist.rdb") else {
            return;
        };
        let zl = blob_after(&file, b"\x04zset", 25);
        assert_eq!(validate(zl, Depth::Deep), Ok(4));
        assert_eq!(
            values(zl),
            [
                BlobEntry::Bytes(b"one"),
                BlobEntry::Int(1),
                BlobEntry::Bytes(b"two"),
                BlobEntry::Int(2)
            ]
        );
    }
}
