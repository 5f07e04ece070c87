//! Ziplist encoder (`ziplist.c` `__ziplistInsert`, `zipTryEncoding`,
//! `zipStoreEntryEncoding`, `zipStorePrevEntryLength`), for RDB 9 lists,
//! small hashes and small zsets.
//!
//! ```text
//! u32le zlbytes  u32le zltail  u16le zllen (65535 = unknown)  entry*  0xFF
//! entry := prevlen (u8 < 254 | 0xFE u32le) encoding data
//!   00pppppp | 01pppppp qqqqqqqq (BE) | 0x80 u32be      strings
//!   0xC0 i16 | 0xD0 i32 | 0xE0 i64 | 0xF0 i24 | 0xFE i8 | 0xF1..0xFD 0..12
//! ```
//!
//! Strings of 1 to 31 bytes that are canonical `i64` decimals are stored as
//! integers, as `zipTryEncoding` does.

use super::BlobTooLarge;
use crate::rdb::encoding::parse_canonical_i64;

/// Bytes of the header before the first entry.
pub const HEADER_SIZE: usize = 10;

/// Builds a ziplist entry by entry.
#[derive(Debug, Clone)]
pub struct ZiplistBuilder {
    buf: Vec<u8>,
    count: usize,
    prev_size: usize,
    tail: usize,
}

impl Default for ZiplistBuilder {
    fn default() -> Self {
        ZiplistBuilder::new()
    }
}

/// The integer a ziplist stores `s` as, if any (`zipTryEncoding`).
fn as_int(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() >= 32 {
        return None;
    }
    parse_canonical_i64(s)
}

/// Encoding header plus data size of an entry holding `s`.
fn payload_size(s: &[u8]) -> usize {
    match as_int(s) {
        Some(v) => {
            1 + if (0..=12).contains(&v) {
                0
            } else if i8::try_from(v).is_ok() {
                1
            } else if i16::try_from(v).is_ok() {
                2
            } else if (-(1 << 23)..(1 << 23)).contains(&v) {
                3
            } else if i32::try_from(v).is_ok() {
                4
            } else {
                8
            }
        }
        None => {
            let n = s.len();
            n + if n <= 0x3F {
                1
            } else if n <= 0x3FFF {
                2
            } else {
                5
            }
        }
    }
}

fn prevlen_size(prev: usize) -> usize {
    if prev < 254 {
        1
    } else {
        5
    }
}

impl ZiplistBuilder {
    /// An empty ziplist.
    pub fn new() -> Self {
        let mut buf = Vec::with_capacity(64);
        buf.extend_from_slice(&[0; HEADER_SIZE]);
        ZiplistBuilder {
            buf,
            count: 0,
            prev_size: 0,
            tail: HEADER_SIZE,
        }
    }

    /// Entries so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Size the finished ziplist would have now (terminator included).
    pub fn bytes(&self) -> usize {
        self.buf.len() + 1
    }

    /// Bytes appending `s` would add.
    pub fn entry_size(&self, s: &[u8]) -> usize {
        prevlen_size(self.prev_size) + payload_size(s)
    }

    /// Appends an entry (an integer when `s` is a short canonical decimal).
    pub fn push(&mut self, s: &[u8]) {
        let start = self.buf.len();
        if self.prev_size < 254 {
            self.buf.push(self.prev_size as u8);
        } else {
            self.buf.push(0xFE);
            self.buf
                .extend_from_slice(&(self.prev_size as u32).to_le_bytes());
        }
        match as_int(s) {
            Some(v) => {
                let le = v.to_le_bytes();
                if (0..=12).contains(&v) {
                    self.buf.push(0xF1 + v as u8);
                } else if i8::try_from(v).is_ok() {
                    self.buf.push(0xFE);
                    self.buf.push(le[0]);
                } else if i16::try_from(v).is_ok() {
                    self.buf.push(0xC0);
                    self.buf.extend_from_slice(&le[..2]);
                } else if (-(1 << 23)..(1 << 23)).contains(&v) {
                    self.buf.push(0xF0);
                    self.buf.extend_from_slice(&le[..3]);
                } else if i32::try_from(v).is_ok() {
                    self.buf.push(0xD0);
                    self.buf.extend_from_slice(&le[..4]);
                } else {
                    self.buf.push(0xE0);
                    self.buf.extend_from_slice(&le);
                }
            }
            None => {
                let n = s.len();
                if n <= 0x3F {
                    self.buf.push(n as u8);
                } else if n <= 0x3FFF {
                    self.buf.push(0x40 | (n >> 8) as u8);
                    self.buf.push(n as u8);
                } else {
                    self.buf.push(0x80);
                    self.buf.extend_from_slice(&(n as u32).to_be_bytes());
                }
                self.buf.extend_from_slice(s);
            }
        }
        self.tail = start;
        self.prev_size = self.buf.len() - start;
        self.count += 1;
    }

    /// The finished ziplist.
    pub fn finish(mut self) -> Result<Vec<u8>, BlobTooLarge> {
        self.buf.push(0xFF);
        let too_large = BlobTooLarge {
            what: "ziplist",
            size: self.buf.len() as u64,
        };
        let total = u32::try_from(self.buf.len()).map_err(|_| too_large)?;
        let tail = u32::try_from(self.tail).map_err(|_| too_large)?;
        let n = u16::try_from(self.count)
            .ok()
            .filter(|&n| n != u16::MAX)
            .unwrap_or(u16::MAX);
        self.buf[..4].copy_from_slice(&total.to_le_bytes());
        self.buf[4..8].copy_from_slice(&tail.to_le_bytes());
        self.buf[8..10].copy_from_slice(&n.to_le_bytes());
        Ok(self.buf)
    }
}

/// A ziplist of `items`.
pub fn encode<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, BlobTooLarge> {
    let mut b = ZiplistBuilder::new();
    for s in items {
        b.push(s);
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::encoding::{ziplist, BlobEntry, Depth};

    fn read(b: &[u8]) -> Vec<Vec<u8>> {
        ziplist::entries(b)
            .unwrap()
            .map(|e| e.unwrap().to_vec())
            .collect()
    }

    #[test]
    fn every_encoding_round_trips() {
        let mut items: Vec<Vec<u8>> = [
            0i64,
            12,
            13,
            -1,
            127,
            -128,
            128,
            32767,
            -32768,
            32768,
            (1 << 23) - 1,
            -(1 << 23),
            1 << 23,
            i64::from(i32::MIN),
            i64::from(i32::MAX) + 1,
            i64::MIN,
            i64::MAX,
        ]
        .iter()
        .map(|v| v.to_string().into_bytes())
        .collect();
        for n in [0usize, 1, 63, 64, 300, 16383, 16384, 70000] {
            items.push(vec![b'q'; n]);
        }
        items.push(b"007".to_vec());
        items.push(b"-0".to_vec());
        let zl = encode(items.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(ziplist::validate(&zl, Depth::Deep), Ok(items.len() as u64));
        assert_eq!(read(&zl), items);
    }

    #[test]
    fn bytes_match_ziplist_c() {
        let zl = encode([&b"a"[..], b"5", b"-2", b"300"]).unwrap();
        assert_eq!(
            zl,
            [
                23, 0, 0, 0, // zlbytes
                18, 0, 0, 0, // zltail
                4, 0, // zllen
                0, 1, b'a', // "a"
                3, 0xF6, // immediate 5
                2, 0xFE, 0xFE, // i8 -2
                3, 0xC0, 0x2C, 0x01, // i16 300
                0xFF
            ]
        );
        let empty = encode([]).unwrap();
        assert_eq!(empty, [11, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0xFF]);
        assert_eq!(ziplist::validate(&empty, Depth::Deep), Ok(0));
    }

    #[test]
    fn large_previous_entry_uses_five_byte_prevlen() {
        let big = vec![b'x'; 300];
        let zl = encode([big.as_slice(), b"1"]).unwrap();
        let tail = u32::from_le_bytes([zl[4], zl[5], zl[6], zl[7]]) as usize;
        assert_eq!(zl[tail], 0xFE);
        assert_eq!(ziplist::validate(&zl, Depth::Deep), Ok(2));
        assert_eq!(
            ziplist::entries(&zl).unwrap().nth(1).unwrap().unwrap(),
            BlobEntry::Int(1)
        );
    }
}
