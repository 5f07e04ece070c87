//! Intsets (`intset.c`), the sorted array of integers behind small integer
//! sets (spec §10.3).
//!
//! Layout: `u32le encoding` (bytes per element: 2, 4 or 8), `u32le length`,
//! then `length` little-endian signed integers in strictly ascending order.

use std::slice::ChunksExact;

use super::{le_signed, read_array, BlobError, BlobKind, BlobProblem, Depth};

const KIND: BlobKind = BlobKind::Intset;

/// Bytes before the first element (`encoding`, `length`).
pub const HEADER_SIZE: usize = 8;

fn err(offset: usize, problem: BlobProblem) -> BlobError {
    BlobError::new(KIND, offset, problem)
}

/// The checks `intsetValidateIntegrity` always makes; returns the element
/// width and count. Once they pass, every element is known to be in the
/// blob, so iteration needs no further error path.
fn check_header(blob: &[u8]) -> Result<(usize, u64), BlobError> {
    let too_short = || {
        err(
            0,
            BlobProblem::TooShort {
                need: HEADER_SIZE,
                have: blob.len(),
            },
        )
    };
    let encoding = read_array(blob, 0)
        .map(u32::from_le_bytes)
        .ok_or_else(too_short)?;
    let length = read_array(blob, 4)
        .map(u32::from_le_bytes)
        .ok_or_else(too_short)?;
    let width: usize = match encoding {
        2 => 2,
        4 => 4,
        8 => 8,
        other => return Err(err(0, BlobProblem::BadIntsetEncoding(other))),
    };
    // At most 8 + (2^32 - 1) * 8, which fits in u64.
    let expected = HEADER_SIZE as u64 + u64::from(length) * width as u64;
    if expected != blob.len() as u64 {
        return Err(err(
            4,
            BlobProblem::SizeMismatch {
                header: expected,
                actual: blob.len(),
            },
        ));
    }
    if length == 0 {
        return Err(err(4, BlobProblem::Empty));
    }
    Ok((width, u64::from(length)))
}

/// Validates an intset and returns its element count.
///
/// [`Depth::Header`] is what Redis checks on every load: a known width, a
/// blob of exactly `8 + length * width` bytes and at least one element.
/// [`Depth::Deep`] also requires strictly ascending values, which is what
/// makes binary search (and so membership) work and rules out duplicates.
pub fn validate(blob: &[u8], depth: Depth) -> Result<u64, BlobError> {
    let (width, length) = check_header(blob)?;
    if depth == Depth::Deep {
        let mut prev: Option<i64> = None;
        for (i, v) in iter(blob)?.enumerate() {
            if prev.is_some_and(|p| p >= v) {
                return Err(err(HEADER_SIZE + i * width, BlobProblem::NotSorted));
            }
            prev = Some(v);
        }
    }
    Ok(length)
}

/// Checks the header (as [`validate`] with [`Depth::Header`]), then iterates
/// over the values in stored order.
pub fn iter(blob: &[u8]) -> Result<IntsetIter<'_>, BlobError> {
    let (width, _) = check_header(blob)?;
    let body = blob.get(HEADER_SIZE..).unwrap_or_default();
    Ok(IntsetIter {
        chunks: body.chunks_exact(width),
        width,
    })
}

/// The values of an intset, widened to `i64`.
#[derive(Debug, Clone)]
pub struct IntsetIter<'a> {
    chunks: ChunksExact<'a, u8>,
    width: usize,
}

impl Iterator for IntsetIter<'_> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        self.chunks.next().map(|c| le_signed(c, self.width))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }
}

impl ExactSizeIterator for IntsetIter<'_> {}

impl std::iter::FusedIterator for IntsetIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::encoding::test_support::{fixture, mutations};

    fn build(width: u32, values: &[i64]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&width.to_le_bytes());
        v.extend_from_slice(&(values.len() as u32).to_le_bytes());
        for &x in values {
            v.extend_from_slice(&x.to_le_bytes()[..width as usize]);
        }
        v
    }

    fn problem(r: Result<u64, BlobError>) -> BlobProblem {
        r.unwrap_err().problem
    }

    #[test]
    fn every_width_decodes() {
        for (width, vals) in [
            (2, vec![i64::from(i16::MIN), -1, 0, 1, i64::from(i16::MAX)]),
            (
                4,
                vec![i64::from(i32::MIN), -70000, 70000, i64::from(i32::MAX)],
            ),
            (8, vec![i64::MIN, -1, 1 << 40, i64::MAX]),
        ] {
            let blob = build(width, &vals);
            assert_eq!(iter(&blob).unwrap().collect::<Vec<_>>(), vals);
            assert_eq!(iter(&blob).unwrap().len(), vals.len());
            assert_eq!(validate(&blob, Depth::Deep), Ok(vals.len() as u64));
        }
    }

    #[test]
    fn header_problems() {
        assert_eq!(
            problem(validate(&[2, 0, 0, 0, 1, 0, 0], Depth::Header)),
            BlobProblem::TooShort { need: 8, have: 7 }
        );
        let e = validate(&build(3, &[1]), Depth::Header).unwrap_err();
        assert_eq!(
            (e.offset, e.problem),
            (0, BlobProblem::BadIntsetEncoding(3))
        );
        let mut long = build(2, &[1, 2]);
        long.push(0);
        assert_eq!(
            problem(validate(&long, Depth::Header)),
            BlobProblem::SizeMismatch {
                header: 12,
                actual: 13
            }
        );
        // A length whose size would overflow 32 bits is just a mismatch.
        let mut huge = build(8, &[1]);
        huge[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            problem(validate(&huge, Depth::Header)),
            BlobProblem::SizeMismatch { .. }
        ));
        assert_eq!(
            problem(validate(&build(4, &[]), Depth::Header)),
            BlobProblem::Empty
        );
        assert!(iter(&build(4, &[])).is_err());
    }

    #[test]
    fn order_is_checked_only_when_deep() {
        for vals in [[1, 3, 2], [1, 2, 2]] {
            let blob = build(4, &vals);
            assert_eq!(validate(&blob, Depth::Header), Ok(3));
            let e = validate(&blob, Depth::Deep).unwrap_err();
            assert_eq!((e.offset, e.problem), (16, BlobProblem::NotSorted));
        }
    }

    #[test]
    fn mutations_never_panic() {
        for blob in [build(2, &[-3, 5, 900]), build(8, &[-1, 1 << 50])] {
            mutations(
                &blob,
                |v| {
                    if v.len() >= 8 {
                        let n = ((v.len() - 8) / 2) as u32;
                        v[4..8].copy_from_slice(&n.to_le_bytes());
                    }
                },
                |b| {
                    let _ = validate(b, Depth::Deep);
                    if let Ok(it) = iter(b) {
                        it.for_each(drop);
                    }
                },
            );
        }
    }

    #[test]
    fn fixture_intset() {
        let Some(file) = fixture("redis-assets/third-party/librdb/set_is_v11.rdb") else {
            return;
        };
        let key = b"\x08myintest";
        let at = file.windows(key.len()).position(|w| w == key).unwrap() + key.len();
        assert_eq!(file[at], 32);
        let blob = &file[at + 1..at + 33];
        assert_eq!(validate(blob, Depth::Deep), Ok(6));
        assert_eq!(
            iter(blob).unwrap().collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 1234567890]
        );
    }
}
