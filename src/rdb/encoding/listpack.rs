//! Listpacks (`listpack.c`), the packed encoding of small hashes, zsets,
//! sets and quicklist v2 nodes since RDB 10, and of stream nodes (spec
//! §10.2, §19.3).
//!
//! Layout: `u32le total_bytes`, `u16le num_elements`, elements, `0xFF`.
//! Each element is an encoding with its data, then a back-length of 1–5
//! bytes holding the size of encoding + data so the list can be walked
//! backwards.

use super::{le_signed, read_array, BlobEntry, BlobError, BlobKind, BlobProblem, Depth};

const KIND: BlobKind = BlobKind::Listpack;

/// Bytes before the first element (`total_bytes`, `num_elements`).
pub const HEADER_SIZE: usize = 6;

/// The `num_elements` value that means "too many to count, walk".
pub const UNKNOWN_LEN: u16 = u16::MAX;

const END: u8 = 0xFF;

/// Offset of `num_elements`, where count mismatches are reported.
const NUM_ELEMENTS_OFFSET: usize = 4;

/// The fixed listpack header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListpackHeader {
    /// Total blob size the writer recorded.
    pub total_bytes: u32,
    /// Element count, or [`UNKNOWN_LEN`].
    pub num_elements: u16,
}

/// Size in bytes of the back-length that follows an element whose encoding
/// plus data take `element_len` bytes; needed to step forward over it.
pub fn backlen_size(element_len: u64) -> usize {
    match element_len {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

/// Header checks Redis makes on every load, reported as `kind` so stream
/// node listpacks name themselves in errors.
pub(crate) fn header_as(blob: &[u8], kind: BlobKind) -> Result<ListpackHeader, BlobError> {
    let have = blob.len();
    let too_short = || {
        BlobError::new(
            kind,
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
    let total_bytes = read_array(blob, 0)
        .map(u32::from_le_bytes)
        .ok_or_else(too_short)?;
    let num_elements = read_array(blob, NUM_ELEMENTS_OFFSET)
        .map(u16::from_le_bytes)
        .ok_or_else(too_short)?;
    if u64::from(total_bytes) != have as u64 {
        return Err(BlobError::new(
            kind,
            0,
            BlobProblem::SizeMismatch {
                header: u64::from(total_bytes),
                actual: have,
            },
        ));
    }
    if blob.get(have - 1) != Some(&END) {
        return Err(BlobError::new(
            kind,
            have - 1,
            BlobProblem::MissingTerminator,
        ));
    }
    Ok(ListpackHeader {
        total_bytes,
        num_elements,
    })
}

/// Reads the header and applies the checks Redis makes on every load:
/// at least 7 bytes, `total_bytes` equal to the blob size, `0xFF` last.
pub fn header(blob: &[u8]) -> Result<ListpackHeader, BlobError> {
    header_as(blob, KIND)
}

/// How the data of an element is to be read.
#[derive(Clone, Copy)]
enum Form {
    /// Integer held in the encoding bytes themselves.
    Inline(i64),
    /// String of the given header size.
    Str(usize),
    /// Little-endian signed integer of the given width after one byte.
    Int(usize),
}

/// Decodes the element at `pos` (not the terminator). Returns the value,
/// the size of encoding + data, and the offset of the next element. The
/// element and its back-length must end at or before the terminator, as
/// `lpValidateNext` requires. With `check_backlen` the back-length is
/// decoded backwards and must equal the element size.
fn decode(
    blob: &[u8],
    pos: usize,
    kind: BlobKind,
    check_backlen: bool,
) -> Result<(BlobEntry<'_>, usize), BlobError> {
    let overflow = || BlobError::new(kind, pos, BlobProblem::EntryOverflow);
    let term = blob.len().saturating_sub(1);
    let b = *blob.get(pos).ok_or_else(overflow)?;
    let second = || blob.get(pos + 1).copied().ok_or_else(overflow);
    let (size, form) = if b & 0x80 == 0 {
        (1, Form::Inline(i64::from(b)))
    } else if b & 0xC0 == 0x80 {
        (1 + usize::from(b & 0x3F), Form::Str(1))
    } else if b & 0xE0 == 0xC0 {
        let v = i64::from(b & 0x1F) << 8 | i64::from(second()?);
        // Two's complement in 13 bits: the top half of the range is negative.
        let v = if v >= 1 << 12 { v - (1 << 13) } else { v };
        (2, Form::Inline(v))
    } else if b & 0xF0 == 0xE0 {
        let len = usize::from(b & 0x0F) << 8 | usize::from(second()?);
        (2 + len, Form::Str(2))
    } else {
        match b {
            0xF0 => {
                let len = read_array(blob, pos + 1)
                    .map(u32::from_le_bytes)
                    .ok_or_else(overflow)?;
                let len = usize::try_from(len).map_err(|_| overflow())?;
                (len.checked_add(5).ok_or_else(overflow)?, Form::Str(5))
            }
            0xF1 => (3, Form::Int(2)),
            0xF2 => (4, Form::Int(3)),
            0xF3 => (5, Form::Int(4)),
            0xF4 => (9, Form::Int(8)),
            _ => return Err(BlobError::new(kind, pos, BlobProblem::BadEncoding(b))),
        }
    };
    let backlen = backlen_size(size as u64);
    let elem_end = pos.checked_add(size).ok_or_else(overflow)?;
    let next = elem_end.checked_add(backlen).ok_or_else(overflow)?;
    if next > term {
        return Err(overflow());
    }
    let elem = blob.get(pos..elem_end).ok_or_else(overflow)?;
    let value = match form {
        Form::Inline(v) => BlobEntry::Int(v),
        Form::Str(hdr) => BlobEntry::Bytes(elem.get(hdr..).ok_or_else(overflow)?),
        Form::Int(width) => BlobEntry::Int(le_signed(elem.get(1..).ok_or_else(overflow)?, width)),
    };
    if check_backlen {
        let found = decode_backlen(blob, next - 1);
        if found != Some(size as u64) {
            return Err(BlobError::new(
                kind,
                elem_end,
                BlobProblem::BacklenMismatch {
                    expected: size as u64,
                    found: found.unwrap_or(u64::MAX),
                },
            ));
        }
    }
    Ok((value, next))
}

/// Decodes a back-length whose last byte is at `last`, reading backwards
/// like `lpDecodeBacklen`: 7 bits per byte, continuing while the high bit
/// is set, at most 5 bytes. `None` when it runs longer or off the blob.
fn decode_backlen(blob: &[u8], last: usize) -> Option<u64> {
    let mut val = 0u64;
    let mut shift = 0u32;
    let mut i = last;
    loop {
        let b = *blob.get(i)?;
        val |= u64::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            return Some(val);
        }
        shift += 7;
        if shift > 28 {
            return None;
        }
        i = i.checked_sub(1)?;
    }
}

/// Walks a listpack's elements front to back. Bounds are always checked;
/// back-lengths only when the iterator comes from [`validate`]'s deep walk.
#[derive(Debug, Clone)]
pub struct ListpackIter<'a> {
    blob: &'a [u8],
    pos: usize,
    done: bool,
    kind: BlobKind,
    check_backlen: bool,
}

impl<'a> ListpackIter<'a> {
    /// An iterator reporting errors as `kind`, for stream node listpacks;
    /// the header must already have been checked.
    pub(crate) fn new(blob: &'a [u8], kind: BlobKind, check_backlen: bool) -> Self {
        ListpackIter {
            blob,
            pos: HEADER_SIZE,
            done: false,
            kind,
            check_backlen,
        }
    }

    /// Byte offset of the next element (of the terminator once exhausted),
    /// so callers can point errors of their own at a position.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Whether the next element is the terminator, without decoding it.
    pub(crate) fn at_end(&self) -> bool {
        self.blob.get(self.pos) == Some(&END)
    }

    /// Bytes left before the terminator: an upper bound on what the
    /// remaining elements can hold, for sizing buffers without trusting a
    /// stored count.
    pub(crate) fn remaining_bytes(&self) -> usize {
        self.blob.len().saturating_sub(self.pos)
    }
}

impl<'a> Iterator for ListpackIter<'a> {
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
            Some(_) => match decode(self.blob, self.pos, self.kind, self.check_backlen) {
                Ok((value, next)) => {
                    self.pos = next;
                    Some(Ok(value))
                }
                Err(e) => {
                    self.done = true;
                    Some(Err(e))
                }
            },
            None => {
                self.done = true;
                Some(Err(BlobError::new(
                    self.kind,
                    self.pos,
                    BlobProblem::EntryOverflow,
                )))
            }
        }
    }
}

impl std::iter::FusedIterator for ListpackIter<'_> {}

/// Checks the header, then iterates over the elements.
pub fn entries(blob: &[u8]) -> Result<ListpackIter<'_>, BlobError> {
    header(blob)?;
    Ok(ListpackIter::new(blob, KIND, false))
}

/// Checks the header and returns the first element, if any; enough for
/// callers that only need to know whether a listpack is empty.
pub fn first(blob: &[u8]) -> Result<Option<BlobEntry<'_>>, BlobError> {
    entries(blob)?.next().transpose()
}

/// Validates a listpack and returns its element count.
///
/// [`Depth::Header`] trusts `num_elements` unless it is [`UNKNOWN_LEN`], in
/// which case the elements are walked (bounds-checked) to count them.
/// [`Depth::Deep`] does what `lpValidateIntegrity` does: every back-length
/// equals its element's size, the walk ends exactly at the terminator and
/// `num_elements` (when known) is the count.
pub fn validate(blob: &[u8], depth: Depth) -> Result<u64, BlobError> {
    validate_as(blob, depth, KIND)
}

/// [`validate`] reporting errors as `kind`.
pub(crate) fn validate_as(blob: &[u8], depth: Depth, kind: BlobKind) -> Result<u64, BlobError> {
    let h = header_as(blob, kind)?;
    let deep = depth == Depth::Deep;
    if !deep && h.num_elements != UNKNOWN_LEN {
        return Ok(u64::from(h.num_elements));
    }
    let mut it = ListpackIter::new(blob, kind, deep);
    let mut count = 0u64;
    for e in it.by_ref() {
        e?;
        count += 1;
    }
    if deep {
        if it.offset() != blob.len() - 1 {
            return Err(BlobError::new(
                kind,
                it.offset(),
                BlobProblem::TrailingBytes,
            ));
        }
        if h.num_elements != UNKNOWN_LEN && u64::from(h.num_elements) != count {
            return Err(BlobError::new(
                kind,
                NUM_ELEMENTS_OFFSET,
                BlobProblem::CountMismatch {
                    header: u64::from(h.num_elements),
                    actual: count,
                },
            ));
        }
    }
    Ok(count)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rdb::encoding::test_support::{fix_total, fixture, mutations};

    /// Encoding + data of a string element in the narrowest form.
    pub(crate) fn s(data: &[u8]) -> Vec<u8> {
        let n = data.len();
        let mut v = if n < 64 {
            vec![0x80 | n as u8]
        } else if n < 4096 {
            vec![0xE0 | (n >> 8) as u8, n as u8]
        } else {
            let mut v = vec![0xF0];
            v.extend_from_slice(&(n as u32).to_le_bytes());
            v
        };
        v.extend_from_slice(data);
        v
    }

    /// Encoding + data of an integer element in the narrowest form.
    pub(crate) fn int(x: i64) -> Vec<u8> {
        if (0..=127).contains(&x) {
            vec![x as u8]
        } else if (-4096..=4095).contains(&x) {
            let u = (x & 0x1FFF) as u16;
            vec![0xC0 | (u >> 8) as u8, u as u8]
        } else if i16::try_from(x).is_ok() {
            let mut v = vec![0xF1];
            v.extend_from_slice(&(x as i16).to_le_bytes());
            v
        } else if (-(1 << 23)..(1 << 23)).contains(&x) {
            let mut v = vec![0xF2];
            v.extend_from_slice(&(x as i32).to_le_bytes()[..3]);
            v
        } else if i32::try_from(x).is_ok() {
            let mut v = vec![0xF3];
            v.extend_from_slice(&(x as i32).to_le_bytes());
            v
        } else {
            let mut v = vec![0xF4];
            v.extend_from_slice(&x.to_le_bytes());
            v
        }
    }

    /// Back-length bytes for an element of `l` bytes, as `lpEncodeBacklen`.
    pub(crate) fn backlen(l: usize) -> Vec<u8> {
        let n = backlen_size(l as u64);
        (0..n)
            .map(|k| {
                let shift = 7 * (n - 1 - k);
                let b = ((l >> shift) & 0x7F) as u8;
                if k == 0 {
                    b
                } else {
                    b | 0x80
                }
            })
            .collect()
    }

    /// Builds a listpack from encoded elements, adding back-lengths and
    /// the header.
    pub(crate) fn build(elems: &[Vec<u8>]) -> Vec<u8> {
        let mut v = vec![0; HEADER_SIZE];
        for e in elems {
            v.extend_from_slice(e);
            v.extend_from_slice(&backlen(e.len()));
        }
        v.push(END);
        let n = v.len() as u32;
        v[..4].copy_from_slice(&n.to_le_bytes());
        v[4..6].copy_from_slice(&(elems.len() as u16).to_le_bytes());
        v
    }

    fn values(blob: &[u8]) -> Vec<BlobEntry<'_>> {
        entries(blob).unwrap().map(|e| e.unwrap()).collect()
    }

    fn problem(r: Result<u64, BlobError>) -> BlobProblem {
        r.unwrap_err().problem
    }

    #[test]
    fn backlen_sizes() {
        assert_eq!(backlen_size(0), 1);
        assert_eq!(backlen_size(127), 1);
        assert_eq!(backlen_size(128), 2);
        assert_eq!(backlen_size(16382), 2);
        assert_eq!(backlen_size(16383), 3);
        assert_eq!(backlen_size(2097150), 3);
        assert_eq!(backlen_size(2097151), 4);
        assert_eq!(backlen_size(268435454), 4);
        assert_eq!(backlen_size(268435455), 5);
        assert_eq!(backlen(200), [0x01, 0xC8]);
        for l in [0, 1, 127, 128, 300, 16382, 16383, 20000, 2097151, 268435455] {
            let b = backlen(l);
            assert_eq!(decode_backlen(&b, b.len() - 1), Some(l as u64), "{l}");
        }
    }

    #[test]
    fn every_encoding_decodes() {
        let s12 = vec![b'm'; 200];
        let s32 = vec![b'n'; 20000];
        let ints = [
            0,
            127,
            -1,
            -4096,
            4095,
            128,
            -129,
            i16::MIN.into(),
            i16::MAX.into(),
            -8388608,
            8388607,
            -40000,
            40000,
            i32::MIN.into(),
            i32::MAX.into(),
            i64::MIN,
            i64::MAX,
        ];
        let mut elems = vec![s(b""), s(b"hi"), s(&[b'z'; 63]), s(&s12), s(&s32)];
        elems.extend(ints.iter().map(|&x| int(x)));
        let lp = build(&elems);
        let v = values(&lp);
        let mut want = vec![
            BlobEntry::Bytes(b""),
            BlobEntry::Bytes(b"hi"),
            BlobEntry::Bytes(&[b'z'; 63]),
            BlobEntry::Bytes(&s12),
            BlobEntry::Bytes(&s32),
        ];
        want.extend(ints.iter().map(|&x| BlobEntry::Int(x)));
        assert_eq!(v, want);
        assert_eq!(validate(&lp, Depth::Deep), Ok(want.len() as u64));
        assert_eq!(validate(&lp, Depth::Header), Ok(want.len() as u64));
    }

    #[test]
    fn negative_thirteen_bit_ints() {
        let lp = build(&[vec![0xDF, 0xFF], vec![0xD0, 0x00], vec![0xC0, 0x05]]);
        assert_eq!(
            values(&lp),
            [BlobEntry::Int(-1), BlobEntry::Int(-4096), BlobEntry::Int(5)]
        );
    }

    #[test]
    fn twenty_four_bit_ints_both_signs() {
        let lp = build(&[
            vec![0xF2, 0xFF, 0xFF, 0xFF],
            vec![0xF2, 0x00, 0x00, 0x80],
            vec![0xF2, 0xFF, 0xFF, 0x7F],
            vec![0xF2, 0x01, 0x00, 0x00],
        ]);
        assert_eq!(
            values(&lp),
            [
                BlobEntry::Int(-1),
                BlobEntry::Int(-8388608),
                BlobEntry::Int(8388607),
                BlobEntry::Int(1)
            ]
        );
    }

    #[test]
    fn first_and_empty() {
        let empty = build(&[]);
        assert_eq!(empty, [7, 0, 0, 0, 0, 0, 0xFF]);
        assert_eq!(first(&empty), Ok(None));
        assert_eq!(validate(&empty, Depth::Deep), Ok(0));
        let lp = build(&[s(b"a"), int(2)]);
        assert_eq!(first(&lp), Ok(Some(BlobEntry::Bytes(b"a"))));
        let h = header(&lp).unwrap();
        assert_eq!((h.total_bytes as usize, h.num_elements), (lp.len(), 2));
    }

    #[test]
    fn unknown_length_is_walked() {
        let mut lp = build(&[s(b"a"), s(b"b"), int(3)]);
        lp[4..6].copy_from_slice(&UNKNOWN_LEN.to_le_bytes());
        assert_eq!(validate(&lp, Depth::Header), Ok(3));
        assert_eq!(validate(&lp, Depth::Deep), Ok(3));
    }

    #[test]
    fn header_problems() {
        assert_eq!(
            problem(validate(&[7, 0, 0, 0, 0, 0], Depth::Header)),
            BlobProblem::TooShort { need: 7, have: 6 }
        );
        let lp = build(&[s(b"a")]);
        let mut bad = lp.clone();
        bad[0] += 1;
        assert_eq!(
            problem(validate(&bad, Depth::Header)),
            BlobProblem::SizeMismatch {
                header: lp.len() as u64 + 1,
                actual: lp.len()
            }
        );
        let mut bad = lp.clone();
        *bad.last_mut().unwrap() = 0;
        let e = validate(&bad, Depth::Header).unwrap_err();
        assert_eq!(
            (e.offset, e.problem),
            (lp.len() - 1, BlobProblem::MissingTerminator)
        );
    }

    #[test]
    fn element_problems() {
        let lp = build(&[s(b"ab"), int(300)]);
        // s("ab") is 3 bytes + 1 backlen at offset 6; int(300) at 10.
        for enc in 0xF5..=0xFE {
            let mut bad = lp.clone();
            bad[10] = enc;
            let e = validate(&bad, Depth::Deep).unwrap_err();
            assert_eq!((e.offset, e.problem), (10, BlobProblem::BadEncoding(enc)));
            assert!(entries(&bad).unwrap().any(|e| e.is_err()));
        }

        let mut bad = lp.clone();
        bad[6] = 0x80 | 20;
        let e = validate(&bad, Depth::Deep).unwrap_err();
        assert_eq!((e.offset, e.problem), (6, BlobProblem::EntryOverflow));

        let mut bad = lp.clone();
        bad[9] = 4;
        let e = validate(&bad, Depth::Deep).unwrap_err();
        assert_eq!(
            (e.offset, e.problem),
            (
                9,
                BlobProblem::BacklenMismatch {
                    expected: 3,
                    found: 4
                }
            )
        );
        assert_eq!(validate(&bad, Depth::Header), Ok(2));
        assert_eq!(values(&bad).len(), 2);

        let mut bad = lp.clone();
        bad[4] = 3;
        let e = validate(&bad, Depth::Deep).unwrap_err();
        assert_eq!(
            (e.offset, e.problem),
            (
                4,
                BlobProblem::CountMismatch {
                    header: 3,
                    actual: 2
                }
            )
        );
        assert_eq!(validate(&bad, Depth::Header), Ok(3));

        let mut bad = lp.clone();
        bad[10] = END;
        let e = validate(&bad, Depth::Deep).unwrap_err();
        assert_eq!((e.offset, e.problem), (10, BlobProblem::TrailingBytes));
    }

    #[test]
    fn multi_byte_backlen_mismatch() {
        let mut lp = build(&[s(&[b'k'; 200])]);
        // Element is 202 bytes: backlen 0x01 0xCA right after it.
        assert_eq!(&lp[6 + 202..6 + 204], [0x01, 0xCA]);
        lp[6 + 202] = 0x02;
        assert_eq!(
            problem(validate(&lp, Depth::Deep)),
            BlobProblem::BacklenMismatch {
                expected: 202,
                found: 202 + 128
            }
        );
    }

    #[test]
    fn iterator_stops_after_error() {
        let mut lp = build(&[s(b"a"), s(b"b")]);
        lp[6] = 0xF9;
        let mut it = entries(&lp).unwrap();
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }

    #[test]
    fn mutations_never_panic() {
        let lp = build(&[
            s(b"ab"),
            s(&[b'z'; 130]),
            int(5),
            int(-3000),
            int(-20000),
            int(-5_000_000),
            int(70_000_000),
            int(1 << 40),
            vec![0xF0, 2, 0, 0, 0, b'h', b'i'],
            s(b"x"),
        ]);
        assert_eq!(validate(&lp, Depth::Deep), Ok(10));
        mutations(&lp, fix_total, |b| {
            let _ = validate(b, Depth::Header);
            let _ = validate(b, Depth::Deep);
            let _ = first(b);
            if let Ok(it) = entries(b) {
                it.for_each(drop);
            }
        });
    }

    /// The stream node listpack of spec §22.3, a plain listpack too.
    pub(crate) const SPEC_STREAM_NODE: [u8; 39] = [
        0x27, 0x00, 0x00, 0x00, 0x0f, 0x00, // header
        0x02, 0x01, 0x00, 0x01, 0x01, 0x01, 0x81, 0x61, 0x02, 0x00, 0x01, // master
        0x02, 0x01, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x04, 0x01, // 1-5
        0x02, 0x01, 0x01, 0x01, 0xdf, 0xfb, 0x02, 0x02, 0x01, 0x04, 0x01, // 2-0
        0xff,
    ];

    #[test]
    fn spec_stream_node_as_plain_listpack() {
        assert_eq!(validate(&SPEC_STREAM_NODE, Depth::Deep), Ok(15));
        let v = values(&SPEC_STREAM_NODE);
        assert_eq!(v[3], BlobEntry::Bytes(b"a"));
        assert_eq!(v[12], BlobEntry::Int(-5));
    }

    /// Finds the RDB value string right after `key` (a length-prefixed key)
    /// in a fixture, decompressing it when it is LZF-compressed.
    pub(crate) fn rdb_string_after(file: &[u8], key: &[u8]) -> Vec<u8> {
        let at = file.windows(key.len()).position(|w| w == key).unwrap() + key.len();
        read_rdb_string(&file[at..])
    }

    /// Reads an RDB string (6/14-bit lengths or LZF) at the start of `b`.
    pub(crate) fn read_rdb_string(b: &[u8]) -> Vec<u8> {
        fn len(b: &[u8]) -> (usize, usize) {
            match b[0] >> 6 {
                0 => ((b[0] & 0x3F) as usize, 1),
                1 => ((((b[0] & 0x3F) as usize) << 8) | b[1] as usize, 2),
                _ => panic!("length form not needed by these fixtures"),
            }
        }
        if b[0] == 0xC3 {
            let (clen, n1) = len(&b[1..]);
            let (ulen, n2) = len(&b[1 + n1..]);
            let start = 1 + n1 + n2;
            lzf::decompress(&b[start..start + clen], ulen).unwrap()
        } else {
            let (l, n) = len(b);
            b[n..n + l].to_vec()
        }
    }

    #[test]
    fn fixture_set_listpack() {
        let Some(file) = fixture("redis-assets/third-party/librdb/set_lp_v11.rdb") else {
            return;
        };
        let lp = rdb_string_after(&file, b"\x05myset");
        assert_eq!(validate(&lp, Depth::Deep), Ok(9));
        let v: Vec<Vec<u8>> = values(&lp).into_iter().map(|e| e.to_vec()).collect();
        assert_eq!(
            v,
            [
                &b"1"[..],
                b"2",
                b"3",
                b"1.1",
                b"1.2",
                b"1.3",
                b"a",
                b"b",
                b"c"
            ]
        );
        assert_eq!(
            crate::rdb::encoding::check_tuples(KIND, entries(&lp).unwrap(), 1, Depth::Deep),
            Ok(9)
        );
    }

    #[test]
    fn fixture_zset_listpack_lzf() {
        let Some(file) = fixture("redis-assets/third-party/librdb/zset_lp_v11.rdb") else {
            return;
        };
        let lp = rdb_string_after(&file, b"\x06myzset");
        assert_eq!(validate(&lp, Depth::Deep), Ok(48));
        let v = values(&lp);
        assert!(v.contains(&BlobEntry::Bytes(b"-inf")));
        assert_eq!(
            crate::rdb::encoding::check_tuples(KIND, entries(&lp).unwrap(), 2, Depth::Deep),
            Ok(48)
        );
    }
}
