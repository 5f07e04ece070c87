//! Encoders for the RDB container's primitives and for the packed blobs
//! inside values: the write side of [`primitives`](super::primitives) and
//! [`encoding`](super::encoding).
//!
//! Each encoder produces exactly the bytes Redis's own code produces for
//! the same input when Redis is deterministic (`rdb.c` `rdbSaveLen`,
//! `rdbSaveRawString`; `listpack.c` `lpInsert`; `ziplist.c`
//! `__ziplistInsert`; `intset.c` `intsetAdd`; `t_stream.c`
//! `streamAppendItem`), and every output is accepted by the matching
//! validator at [`Depth::Deep`](super::encoding::Depth::Deep) (tests).
//!
//! ```text
//! length:  00xxxxxx | 01xxxxxx yyyyyyyy | 0x80 u32be | 0x81 u64be   (shortest)
//! string:  0xC0 i8 | 0xC1 i16le | 0xC2 i32le      canonical integers, <= 11 bytes
//!          0xC3 len(clen) len(ulen) lzf            > 20 bytes, compression on,
//!                                                  only if clen <= ulen - 4
//!          len bytes                               otherwise
//! ```

pub mod intset;
pub mod listpack;
pub mod lzf;
pub mod stream;
pub mod ziplist;

use super::consts::*;
use super::encoding::parse_canonical_i64;

/// A blob that cannot be built because a size does not fit its header
/// field (a listpack or ziplist over 4 GiB, an intset over 2^32 values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{what} of {size} bytes is larger than its format allows")]
pub struct BlobTooLarge {
    /// Which blob.
    pub what: &'static str,
    /// Its size in bytes.
    pub size: u64,
}

/// Appends an RDB length in its shortest form (`rdbSaveLen`).
pub fn put_len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.push(((n >> 8) as u8) | (RDB_14BITLEN << 6));
        out.push(n as u8);
    } else if let Ok(n32) = u32::try_from(n) {
        out.push(RDB_32BITLEN);
        out.extend_from_slice(&n32.to_be_bytes());
    } else {
        out.push(RDB_64BITLEN);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// The value to INT-encode a string as (`rdbTryIntegerEncoding`): at most
/// 11 bytes, a canonical decimal (as `string2ll` and `ll2string` agree),
/// within `i32`.
pub fn int_encodable(s: &[u8]) -> Option<i32> {
    if s.len() > 11 {
        return None;
    }
    parse_canonical_i64(s).and_then(|v| i32::try_from(v).ok())
}

/// Appends an integer as the smallest of INT8/16/32 (`rdbEncodeInteger`).
pub fn put_int_str(out: &mut Vec<u8>, v: i32) {
    let enc = |e: u8| (RDB_ENCVAL << 6) | e;
    if let Ok(b) = i8::try_from(v) {
        out.push(enc(RDB_ENC_INT8));
        out.extend_from_slice(&b.to_le_bytes());
    } else if let Ok(h) = i16::try_from(v) {
        out.push(enc(RDB_ENC_INT16));
        out.extend_from_slice(&h.to_le_bytes());
    } else {
        out.push(enc(RDB_ENC_INT32));
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// Appends a string as length + bytes, never INT-encoded or compressed.
pub fn put_plain_str(out: &mut Vec<u8>, s: &[u8]) {
    put_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// Appends an LZF string holding `compressed`, which expands to `ulen`
/// bytes (`rdbSaveLzfBlob`).
pub fn put_lzf_str(out: &mut Vec<u8>, compressed: &[u8], ulen: u64) {
    out.push((RDB_ENCVAL << 6) | RDB_ENC_LZF);
    put_len(out, compressed.len() as u64);
    put_len(out, ulen);
    out.extend_from_slice(compressed);
}

/// Appends a string the way `rdbSaveRawString` does: INT-encoded when it
/// can be, else LZF-compressed when `compress` is on, the string is longer
/// than 20 bytes and compression saves at least 4 bytes, else plain.
pub fn put_str(out: &mut Vec<u8>, s: &[u8], compress: bool) {
    if let Some(v) = int_encodable(s) {
        put_int_str(out, v);
        return;
    }
    if compress && s.len() > 20 {
        let written = lzf::with_compressed(s, s.len() - 4, |c| {
            put_lzf_str(out, c, s.len() as u64);
        });
        if written.is_some() {
            return;
        }
    }
    put_plain_str(out, s);
}

/// Appends an 8-byte little-endian millisecond time (MS64).
pub fn put_ms64(out: &mut Vec<u8>, ms: i64) {
    out.extend_from_slice(&ms.to_le_bytes());
}

/// Appends an 8-byte little-endian binary double (DBL_B).
pub fn put_double_bin(out: &mut Vec<u8>, v: f64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends a stream id as two lengths.
pub fn put_stream_id_lens(out: &mut Vec<u8>, id: crate::model::StreamId) {
    put_len(out, id.ms);
    put_len(out, id.seq);
}

/// A zset score as text, the form listpack and ziplist zsets store
/// (`util.c` `d2string`); integral scores become integer elements when the
/// blob encoder sees the canonical decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreText {
    /// Redis 7.2+: integers within ±2^62, else the shortest round-trip
    /// digits (`fpconv_dtoa`).
    Shortest,
    /// Redis ≤ 7.0: integers within ±2^52, else `%.17g`.
    Printf17g,
}

impl ScoreText {
    /// The text of `v` (`nan` for NaN, which no loader accepts).
    pub fn format(self, v: f64) -> String {
        if v.is_nan() {
            return "nan".into();
        }
        if v.is_infinite() {
            return if v < 0.0 { "-inf" } else { "inf" }.into();
        }
        if v == 0.0 {
            return if v.is_sign_negative() { "-0" } else { "0" }.into();
        }
        let (lo, hi) = match self {
            ScoreText::Shortest => (-(i64::MAX / 2) as f64, (i64::MAX / 2) as f64),
            ScoreText::Printf17g => (-4503599627370495.0, 4503599627370496.0),
        };
        let in_range = match self {
            ScoreText::Shortest => v >= lo && v <= hi,
            ScoreText::Printf17g => v > lo && v < hi,
        };
        if in_range && v.trunc() == v {
            return format!("{}", v as i64);
        }
        match self {
            ScoreText::Shortest => {
                let (digits, exp10) = sci_parts(&format!("{:e}", v.abs()));
                emit_fpconv(&digits, exp10, v < 0.0)
            }
            ScoreText::Printf17g => {
                let (digits, exp10) = sci_parts(&format!("{:.16e}", v.abs()));
                emit_g17(&digits, exp10, v < 0.0)
            }
        }
    }
}

/// Splits Rust's `d.ddde±x` form into its significant digits (trailing
/// zeros dropped) and decimal exponent of the first digit.
fn sci_parts(s: &str) -> (String, i32) {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let mut digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, exp.parse().unwrap_or(0))
}

/// `%.17g` layout of significant digits whose first digit has exponent x.
fn emit_g17(digits: &str, x: i32, neg: bool) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if (-4..17).contains(&x) {
        if x < 0 {
            s.push_str("0.");
            s.extend(std::iter::repeat_n('0', (-x - 1) as usize));
            s.push_str(digits);
        } else {
            let int_len = x as usize + 1;
            if digits.len() <= int_len {
                s.push_str(digits);
                s.extend(std::iter::repeat_n('0', int_len - digits.len()));
            } else {
                s.push_str(&digits[..int_len]);
                s.push('.');
                s.push_str(&digits[int_len..]);
            }
        }
    } else {
        s.push_str(&digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push_str(&format!("e{}{:02}", if x < 0 { '-' } else { '+' }, x.abs()));
    }
    s
}

/// The layout `fpconv_dtoa`'s `emit_digits` gives shortest digits: plain
/// for moderate exponents, else `d.ddde±x`.
fn emit_fpconv(digits: &str, x: i32, neg: bool) -> String {
    let nd = digits.len() as i32;
    // K: exponent of the last digit.
    let k = x - nd + 1;
    let exp = x.abs();
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if k >= 0 && exp < nd + 7 {
        s.push_str(digits);
        s.extend(std::iter::repeat_n('0', k as usize));
    } else if k < 0 && (k > -7 || exp < 4) {
        let offset = nd + k;
        if offset <= 0 {
            s.push_str("0.");
            s.extend(std::iter::repeat_n('0', (-offset) as usize));
            s.push_str(digits);
        } else {
            s.push_str(&digits[..offset as usize]);
            s.push('.');
            s.push_str(&digits[offset as usize..]);
        }
    } else {
        s.push_str(&digits[..1]);
        if nd > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push(if x < 0 { '-' } else { '+' });
        s.push_str(&exp.to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::primitives::{len, rdb_str, RdbStr};

    #[test]
    fn lengths_use_the_shortest_form_and_read_back() {
        for (n, want) in [
            (0u64, vec![0x00]),
            (63, vec![0x3f]),
            (64, vec![0x40, 0x40]),
            (16383, vec![0x7f, 0xff]),
            (16384, vec![0x80, 0, 0, 0x40, 0]),
            (u64::from(u32::MAX), vec![0x80, 0xff, 0xff, 0xff, 0xff]),
            (1 << 32, vec![0x81, 0, 0, 0, 1, 0, 0, 0, 0]),
            (
                u64::MAX,
                vec![0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            ),
        ] {
            let mut out = Vec::new();
            put_len(&mut out, n);
            assert_eq!(out, want, "{n}");
            assert_eq!(len(&out), Ok((&[][..], n)));
        }
    }

    #[test]
    fn strings_int_encode_like_rdb_try_integer_encoding() {
        let enc = |s: &[u8]| {
            let mut out = Vec::new();
            put_str(&mut out, s, true);
            out
        };
        assert_eq!(enc(b"64"), [0xc0, 0x40]);
        assert_eq!(enc(b"-1"), [0xc0, 0xff]);
        assert_eq!(enc(b"-32768"), [0xc1, 0x00, 0x80]);
        assert_eq!(enc(b"1640698070"), [0xc2, 0xd6, 0x10, 0xcb, 0x61]);
        // Not canonical, or beyond i32: raw.
        for s in [&b"01"[..], b"+1", b"-0", b" 1", b"2147483648", b""] {
            let out = enc(s);
            assert_eq!(rdb_str(&out).unwrap().1, RdbStr::Raw(s), "{s:?}");
        }
        assert_eq!(enc(b"2147483647"), [0xc2, 0xff, 0xff, 0xff, 0x7f]);
    }

    #[test]
    fn long_repetitive_strings_compress_and_short_ones_do_not() {
        let s = vec![b'a'; 100];
        let mut out = Vec::new();
        put_str(&mut out, &s, true);
        assert_eq!(out[0], 0xc3);
        let (_, st) = rdb_str(&out).unwrap();
        assert_eq!(st.to_bytes().unwrap().as_ref(), &s[..]);
        let mut off = Vec::new();
        put_str(&mut off, &s, false);
        assert_eq!(off[..2], [0x40, 100]);
        // 20 bytes is never compressed, even when it would shrink.
        let mut short = Vec::new();
        put_str(&mut short, &[b'b'; 20], true);
        assert_eq!(short[0], 20);
        // Incompressible data stays raw.
        let noise: Vec<u8> = (0..200u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let mut n = Vec::new();
        put_str(&mut n, &noise, true);
        assert_eq!(
            rdb_str(&n).unwrap().1.to_bytes().unwrap().as_ref(),
            &noise[..]
        );
    }

    #[test]
    fn score_text_shortest_matches_d2string() {
        let f = |v| ScoreText::Shortest.format(v);
        assert_eq!(f(1.0), "1");
        assert_eq!(f(-3.0), "-3");
        assert_eq!(f(2.37), "2.37");
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(-0.0), "-0");
        assert_eq!(f(0.0), "0");
        assert_eq!(f(f64::INFINITY), "inf");
        assert_eq!(f(f64::NEG_INFINITY), "-inf");
        assert_eq!(f(1.5e-7), "1.5e-7");
        assert_eq!(f(1e300), "1e+300");
        assert_eq!(f(123456.789), "123456.789");
        assert_eq!(f(0.000123), "0.000123");
        for v in [
            1.1,
            1e-300,
            5e-324,
            f64::MAX,
            -f64::MIN_POSITIVE,
            1.0 / 3.0,
            9.3e18,
        ] {
            assert_eq!(f(v).parse::<f64>().unwrap().to_bits(), v.to_bits(), "{v}");
        }
    }

    #[test]
    fn score_text_g17_matches_printf() {
        let f = |v| ScoreText::Printf17g.format(v);
        assert_eq!(f(1.0), "1");
        assert_eq!(f(2.37), "2.3700000000000001");
        assert_eq!(f(0.5), "0.5");
        assert_eq!(f(1.5e-7), "1.4999999999999999e-07");
        assert_eq!(f(1e300), "1.0000000000000001e+300");
        assert_eq!(f(4503599627370496.0), "4503599627370496");
        assert_eq!(f(-0.25), "-0.25");
        assert_eq!(f(1e16), "10000000000000000");
        assert_eq!(f(1e17), "1e+17");
        for v in [1.1, 1e-300, 5e-324, f64::MAX, 1.0 / 3.0, 9.3e18] {
            assert_eq!(f(v).parse::<f64>().unwrap().to_bits(), v.to_bits(), "{v}");
        }
    }
}
