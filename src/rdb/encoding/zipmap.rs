//! Zipmaps (`zipmap.c`), the small-hash encoding written by RDB 2–3
//! servers (spec §10.4).
//!
//! Layout: `u8 zmlen`, then `len key len free value <free bytes>` per pair,
//! then `0xFF`. A length is one byte 0–253, or `0xFE` and a `u32le`.

use super::{read_array, BlobError, BlobKind, BlobProblem, Depth};

const KIND: BlobKind = BlobKind::Zipmap;

/// `zmlen` value that means "254 or more pairs, walk to count".
pub const UNKNOWN_LEN: u8 = 254;

const END: u8 = 0xFF;

/// Smallest zipmap Redis will look at: `zmlen` and the terminator.
const MIN_SIZE: usize = 2;

fn err(offset: usize, problem: BlobProblem) -> BlobError {
    BlobError::new(KIND, offset, problem)
}

/// Checks what must hold before any pair can be read.
fn check_frame(blob: &[u8]) -> Result<(), BlobError> {
    if blob.len() < MIN_SIZE {
        return Err(err(
            0,
            BlobProblem::TooShort {
                need: MIN_SIZE,
                have: blob.len(),
            },
        ));
    }
    let last = blob.len() - 1;
    if blob.get(last) != Some(&END) {
        return Err(err(last, BlobProblem::MissingTerminator));
    }
    Ok(())
}

/// Walks the key/value pairs of a zipmap, skipping each value's free space.
#[derive(Debug, Clone)]
pub struct ZipmapIter<'a> {
    blob: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> ZipmapIter<'a> {
    /// Byte offset of the next pair (of the terminator once exhausted).
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Reads a length at `at`; returns it and the offset after it. Like
    /// `zipmapDecodeLength`, any first byte of 254 or more announces a
    /// 4-byte little-endian length (255 only ends the map where a key
    /// would start, which the caller checks first).
    fn length(&self, at: usize) -> Option<(usize, usize)> {
        let b = *self.blob.get(at)?;
        if b < UNKNOWN_LEN {
            return Some((usize::from(b), at + 1));
        }
        let len = read_array(self.blob, at + 1).map(u32::from_le_bytes)?;
        Some((usize::try_from(len).ok()?, at + 5))
    }

    /// Decodes the pair at `self.pos`; everything, free bytes included,
    /// must end at or before the terminator, as `zipmapValidateIntegrity`
    /// requires.
    fn pair(&self) -> Option<(&'a [u8], &'a [u8], usize)> {
        let term = self.blob.len().checked_sub(1)?;
        let (klen, key_start) = self.length(self.pos)?;
        let key_end = key_start.checked_add(klen)?;
        if key_end > term {
            return None;
        }
        let (vlen, free_at) = self.length(key_end)?;
        let free = usize::from(*self.blob.get(free_at)?);
        let value_start = free_at + 1;
        let value_end = value_start.checked_add(vlen)?;
        let next = value_end.checked_add(free)?;
        if next > term {
            return None;
        }
        let key = self.blob.get(key_start..key_end)?;
        let value = self.blob.get(value_start..value_end)?;
        Some((key, value, next))
    }
}

impl<'a> Iterator for ZipmapIter<'a> {
    type Item = Result<(&'a [u8], &'a [u8]), BlobError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.blob.get(self.pos) == Some(&END) {
            self.done = true;
            return None;
        }
        match self.pair() {
            Some((key, value, next)) => {
                self.pos = next;
                Some(Ok((key, value)))
            }
            None => {
                self.done = true;
                Some(Err(err(self.pos, BlobProblem::EntryOverflow)))
            }
        }
    }
}

impl std::iter::FusedIterator for ZipmapIter<'_> {}

/// Checks the frame (at least 2 bytes, `0xFF` last), then iterates over the
/// `(key, value)` pairs.
pub fn entries(blob: &[u8]) -> Result<ZipmapIter<'_>, BlobError> {
    check_frame(blob)?;
    Ok(ZipmapIter {
        blob,
        pos: 1,
        done: false,
    })
}

/// Validates a zipmap and returns its number of pairs.
///
/// Redis converts every zipmap it loads, so it always walks it fully and
/// always rejects duplicate keys (`Hash zipmap with dup elements`); both
/// depths therefore do the same work: every pair inside the blob, at least
/// one pair, `zmlen` (unless [`UNKNOWN_LEN`]) equal to the count, nothing
/// after the terminator, unique keys.
pub fn validate(blob: &[u8], depth: Depth) -> Result<u64, BlobError> {
    // Kept for symmetry with the other blobs: a zipmap has no cheap check.
    let _ = depth;
    let mut it = entries(blob)?;
    let mut seen = std::collections::HashSet::new();
    let mut count = 0u64;
    loop {
        let at = it.offset();
        let Some(pair) = it.next() else { break };
        let (key, _) = pair?;
        if !seen.insert(key) {
            return Err(err(at, BlobProblem::Duplicate(key.to_vec())));
        }
        count += 1;
    }
    if count == 0 {
        return Err(err(0, BlobProblem::Empty));
    }
    let zmlen = blob.first().copied().unwrap_or(0);
    if zmlen != UNKNOWN_LEN && u64::from(zmlen) != count {
        return Err(err(
            0,
            BlobProblem::CountMismatch {
                header: u64::from(zmlen),
                actual: count,
            },
        ));
    }
    if it.offset() != blob.len() - 1 {
        return Err(err(it.offset(), BlobProblem::TrailingBytes));
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::encoding::test_support::{fixture, mutations};

    fn len(n: usize) -> Vec<u8> {
        if n < 254 {
            vec![n as u8]
        } else {
            let mut v = vec![0xFE];
            v.extend_from_slice(&(n as u32).to_le_bytes());
            v
        }
    }

    /// Builds a zipmap; each value gets `free` unused bytes after it.
    fn build(pairs: &[(&[u8], &[u8], u8)]) -> Vec<u8> {
        let mut v = vec![pairs.len().min(254) as u8];
        for (k, val, free) in pairs {
            v.extend(len(k.len()));
            v.extend_from_slice(k);
            v.extend(len(val.len()));
            v.push(*free);
            v.extend_from_slice(val);
            v.extend(std::iter::repeat_n(0xAA, *free as usize));
        }
        v.push(END);
        v
    }

    fn pairs(blob: &[u8]) -> Vec<(&[u8], &[u8])> {
        entries(blob).unwrap().map(|p| p.unwrap()).collect()
    }

    fn problem(r: Result<u64, BlobError>) -> BlobProblem {
        r.unwrap_err().problem
    }

    #[test]
    fn pairs_decode_and_free_space_is_skipped() {
        let big = vec![b'v'; 300];
        let zm = build(&[(b"f1", b"v1", 0), (b"f2", b"", 3), (b"big", &big, 1)]);
        assert_eq!(
            pairs(&zm),
            [(&b"f1"[..], &b"v1"[..]), (b"f2", b""), (b"big", &big[..])]
        );
        assert_eq!(validate(&zm, Depth::Header), Ok(3));
        assert_eq!(validate(&zm, Depth::Deep), Ok(3));
    }

    #[test]
    fn unknown_length_is_walked() {
        let mut zm = build(&[(b"a", b"1", 0), (b"b", b"2", 0)]);
        zm[0] = UNKNOWN_LEN;
        assert_eq!(validate(&zm, Depth::Header), Ok(2));
    }

    #[test]
    fn problems() {
        assert_eq!(
            problem(validate(&[0xFF], Depth::Header)),
            BlobProblem::TooShort { need: 2, have: 1 }
        );
        assert_eq!(
            problem(validate(&[0, 0], Depth::Header)),
            BlobProblem::MissingTerminator
        );
        assert_eq!(
            problem(validate(&[0, 0xFF], Depth::Header)),
            BlobProblem::Empty
        );
        assert!(pairs(&[0, 0xFF]).is_empty());

        let zm = build(&[(b"a", b"1", 0), (b"b", b"2", 0)]);
        let mut bad = zm.clone();
        bad[0] = 3;
        assert_eq!(
            problem(validate(&bad, Depth::Header)),
            BlobProblem::CountMismatch {
                header: 3,
                actual: 2
            }
        );
        let mut bad = zm.clone();
        bad[6] = END; // terminator where the second pair starts
        assert_eq!(bad[0], 2);
        bad[0] = 1;
        let e = validate(&bad, Depth::Header).unwrap_err();
        assert_eq!((e.offset, e.problem), (6, BlobProblem::TrailingBytes));

        let mut bad = zm.clone();
        bad[4] = 40; // free bytes past the end
        let e = validate(&bad, Depth::Header).unwrap_err();
        assert_eq!((e.offset, e.problem), (1, BlobProblem::EntryOverflow));

        let dup = build(&[(b"a", b"1", 0), (b"a", b"2", 0)]);
        let e = validate(&dup, Depth::Header).unwrap_err();
        assert_eq!(
            (e.offset, e.problem),
            (6, BlobProblem::Duplicate(b"a".to_vec()))
        );
    }

    #[test]
    fn mutations_never_panic() {
        let zm = build(&[(b"ab", b"cd", 2), (&[b'k'; 260], b"v", 0), (b"x", b"", 0)]);
        assert_eq!(validate(&zm, Depth::Deep), Ok(3));
        mutations(
            &zm,
            |v| {
                if let Some(l) = v.last_mut() {
                    *l = END;
                }
            },
            |b| {
                let _ = validate(b, Depth::Deep);
                if let Ok(it) = entries(b) {
                    it.for_each(drop);
                }
            },
        );
    }

    #[test]
    fn fixture_zipmap() {
        let Some(file) = fixture("redis-assets/hash-zipmap.rdb") else {
            return;
        };
        let key = b"\x04hash";
        let at = file.windows(key.len()).position(|w| w == key).unwrap() + key.len();
        assert_eq!(file[at], 16);
        let zm = &file[at + 1..at + 17];
        assert_eq!(validate(zm, Depth::Deep), Ok(2));
        assert_eq!(pairs(zm), [(&b"f1"[..], &b"v1"[..]), (b"f2", b"v2")]);
    }
}
