//! Listpack encoder (`listpack.c` `lpInsert`, `lpEncodeGetType`,
//! `lpEncodeBacklen`).
//!
//! ```text
//! u32le total_bytes  u16le num_elements (65535 = unknown)  element*  0xFF
//! element := encoding+data backlen
//!   0xxxxxxx              7-bit uint        110xxxxx yyyyyyyy   13-bit int
//!   0xF1 i16 | 0xF2 i24 | 0xF3 i32 | 0xF4 i64
//!   10xxxxxx              6-bit-len string  1110xxxx yyyyyyyy   12-bit-len string
//!   0xF0 u32le len        32-bit-len string
//! backlen := size of encoding+data, 7 bits a byte, most significant first,
//!            every byte but the first flagged 0x80
//! ```
//!
//! A string that is a canonical decimal `i64` (`lpStringToInt64`) is stored
//! as an integer, as Redis does for every element it appends.

use super::BlobTooLarge;
use crate::rdb::encoding::parse_canonical_i64;

/// Bytes of the header before the first element.
pub const HEADER_SIZE: usize = 6;

/// Builds a listpack element by element.
#[derive(Debug, Clone)]
pub struct ListpackBuilder {
    buf: Vec<u8>,
    count: usize,
}

impl Default for ListpackBuilder {
    fn default() -> Self {
        ListpackBuilder::new()
    }
}

/// Size of an element's encoding plus data, before the back-length.
fn int_size(v: i64) -> usize {
    if (0..=127).contains(&v) {
        1
    } else if (-4096..=4095).contains(&v) {
        2
    } else if i16::try_from(v).is_ok() {
        3
    } else if (-(1 << 23)..(1 << 23)).contains(&v) {
        4
    } else if i32::try_from(v).is_ok() {
        5
    } else {
        9
    }
}

fn str_size(len: usize) -> usize {
    if len < 64 {
        1 + len
    } else if len < 4096 {
        2 + len
    } else {
        5 + len
    }
}

/// Bytes a back-length for an element of `l` bytes takes.
fn backlen_len(l: usize) -> usize {
    crate::rdb::encoding::listpack::backlen_size(l as u64)
}

/// Bytes `s` takes as a listpack element, back-length included.
pub fn element_size(s: &[u8]) -> usize {
    let l = match parse_canonical_i64(s) {
        Some(v) => int_size(v),
        None => str_size(s.len()),
    };
    l + backlen_len(l)
}

impl ListpackBuilder {
    /// An empty listpack.
    pub fn new() -> Self {
        let mut buf = Vec::with_capacity(64);
        buf.extend_from_slice(&[0; HEADER_SIZE]);
        ListpackBuilder { buf, count: 0 }
    }

    /// Elements so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Size the finished listpack would have now (terminator included).
    pub fn bytes(&self) -> usize {
        self.buf.len() + 1
    }

    /// Appends a string, as an integer when it is a canonical decimal.
    pub fn push(&mut self, s: &[u8]) {
        match parse_canonical_i64(s) {
            Some(v) => self.push_int(v),
            None => self.push_str(s),
        }
    }

    /// Appends a string element as a string (no integer conversion).
    pub fn push_str(&mut self, s: &[u8]) {
        let start = self.buf.len();
        let len = s.len();
        if len < 64 {
            self.buf.push(0x80 | len as u8);
        } else if len < 4096 {
            self.buf.push(0xE0 | (len >> 8) as u8);
            self.buf.push(len as u8);
        } else {
            self.buf.push(0xF0);
            self.buf.extend_from_slice(&(len as u32).to_le_bytes());
        }
        self.buf.extend_from_slice(s);
        self.finish_element(start);
    }

    /// Appends an integer element in its narrowest encoding.
    pub fn push_int(&mut self, v: i64) {
        let start = self.buf.len();
        let le = v.to_le_bytes();
        match int_size(v) {
            1 => self.buf.push(v as u8),
            2 => {
                let u = (v as u16) & 0x1FFF;
                self.buf.push(0xC0 | (u >> 8) as u8);
                self.buf.push(u as u8);
            }
            3 => {
                self.buf.push(0xF1);
                self.buf.extend_from_slice(&le[..2]);
            }
            4 => {
                self.buf.push(0xF2);
                self.buf.extend_from_slice(&le[..3]);
            }
            5 => {
                self.buf.push(0xF3);
                self.buf.extend_from_slice(&le[..4]);
            }
            _ => {
                self.buf.push(0xF4);
                self.buf.extend_from_slice(&le);
            }
        }
        self.finish_element(start);
    }

    fn finish_element(&mut self, start: usize) {
        let l = self.buf.len() - start;
        // Most significant 7 bits first; all but the first byte flagged.
        let n = backlen_len(l);
        for i in (0..n).rev() {
            let b = ((l >> (7 * i)) & 0x7F) as u8;
            self.buf.push(if i == n - 1 { b } else { b | 0x80 });
        }
        self.count += 1;
    }

    /// The finished listpack.
    pub fn finish(mut self) -> Result<Vec<u8>, BlobTooLarge> {
        self.buf.push(0xFF);
        let total = u32::try_from(self.buf.len()).map_err(|_| BlobTooLarge {
            what: "listpack",
            size: self.buf.len() as u64,
        })?;
        let n = u16::try_from(self.count)
            .ok()
            .filter(|&n| n != u16::MAX)
            .unwrap_or(u16::MAX);
        self.buf[..4].copy_from_slice(&total.to_le_bytes());
        self.buf[4..6].copy_from_slice(&n.to_le_bytes());
        Ok(self.buf)
    }
}

/// A listpack of `items`, each converted to an integer when canonical.
pub fn encode<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, BlobTooLarge> {
    let mut b = ListpackBuilder::new();
    for s in items {
        b.push(s);
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::encoding::{listpack, BlobEntry, Depth};

    fn entries(b: &[u8]) -> Vec<BlobEntry<'_>> {
        listpack::entries(b).unwrap().map(|e| e.unwrap()).collect()
    }

    #[test]
    fn every_integer_width_round_trips() {
        let vals = [
            0i64,
            127,
            128,
            -1,
            -4096,
            4095,
            4096,
            -4097,
            32767,
            -32768,
            32768,
            (1 << 23) - 1,
            -(1 << 23),
            1 << 23,
            i64::from(i32::MAX),
            i64::from(i32::MIN),
            i64::from(i32::MAX) + 1,
            i64::MAX,
            i64::MIN,
        ];
        let text: Vec<Vec<u8>> = vals.iter().map(|v| v.to_string().into_bytes()).collect();
        let lp = encode(text.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(listpack::validate(&lp, Depth::Deep), Ok(vals.len() as u64));
        let got: Vec<BlobEntry<'_>> = entries(&lp);
        assert_eq!(got, vals.map(BlobEntry::Int));
    }

    #[test]
    fn strings_of_every_length_class_round_trip() {
        let strs: Vec<Vec<u8>> = [0usize, 1, 63, 64, 127, 128, 4095, 4096, 20000]
            .iter()
            .map(|&n| vec![b'x'; n])
            .chain([b"01".to_vec(), b"-0".to_vec(), b"1.5".to_vec()])
            .collect();
        let lp = encode(strs.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(listpack::validate(&lp, Depth::Deep), Ok(strs.len() as u64));
        let got: Vec<Vec<u8>> = entries(&lp).into_iter().map(BlobEntry::to_vec).collect();
        assert_eq!(got, strs);
    }

    #[test]
    fn bytes_match_listpack_c() {
        // "a" then 1: 6-bit string with backlen 2, 7-bit uint with backlen 1.
        let lp = encode([&b"a"[..], b"1", b"-5"]).unwrap();
        assert_eq!(
            lp,
            [15, 0, 0, 0, 3, 0, 0x81, b'a', 2, 1, 1, 0xDF, 0xFB, 2, 0xFF]
        );
        // A 200-byte string: 12-bit header, 202-byte element, 2-byte backlen.
        let mut b = ListpackBuilder::new();
        b.push(&[b'z'; 200]);
        let lp = b.finish().unwrap();
        assert_eq!(&lp[6..8], &[0xE0, 200]);
        assert_eq!(&lp[208..210], &[202 >> 7, (202 & 0x7F) | 0x80]);
        assert_eq!(element_size(&[b'z'; 200]), 204);
        assert_eq!(lp.len(), 6 + 204 + 1);
    }

    #[test]
    fn many_elements_mark_the_count_unknown() {
        let mut b = ListpackBuilder::new();
        for _ in 0..70000 {
            b.push_int(1);
        }
        let lp = b.finish().unwrap();
        assert_eq!(&lp[4..6], &[0xFF, 0xFF]);
        assert_eq!(listpack::validate(&lp, Depth::Deep), Ok(70000));
    }
}
