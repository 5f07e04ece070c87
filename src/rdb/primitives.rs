//! The RDB container's primitive encodings (spec §6): lengths, strings,
//! doubles, times. `rdb.c` `rdbLoadLenByRef`, `rdbGenericLoadStringObject`,
//! `rdbLoadDoubleValue`, `rdbLoadBinaryDoubleValue`, `rdbLoadMillisecondTime`.
//!
//! ```text
//! length:  00xxxxxx                 6-bit
//!          01xxxxxx yyyyyyyy        14-bit, big-endian
//!          0x80 + u32be | 0x81 + u64be
//!          11xxxxxx                 string encoding marker (INT8/16/32, LZF)
//! string:  length + bytes | 0xC0 i8 | 0xC1 i16le | 0xC2 i32le
//!          | 0xC3 length(clen) length(ulen) clen bytes of LZF
//! ```
//!
//! All parsers are `nom` streaming parsers: running out of input is
//! `Incomplete` (the reader fetches more), never an error.

use std::borrow::Cow;

use nom::bytes::streaming::take;
use nom::number::streaming::{be_u32, be_u64, le_f32, le_f64, le_i16, le_i32, le_i64, le_u8};
use nom::{IResult, Parser};

use super::consts::*;
use super::error::{PError, RdbErrorKind};

/// Result of the parsers in this module.
pub type PResult<'a, T> = IResult<&'a [u8], T, PError>;

/// Fails at the start of `input` with `kind`.
pub fn fail<T>(input: &[u8], kind: RdbErrorKind) -> PResult<'_, T> {
    Err(nom::Err::Error(PError::at(input, kind)))
}

/// One byte.
#[inline]
pub fn byte(i: &[u8]) -> PResult<'_, u8> {
    le_u8(i)
}

/// `n` raw bytes.
#[inline]
pub fn bytes(i: &[u8], n: u64) -> PResult<'_, &[u8]> {
    // A length larger than usize cannot be in memory: it is incomplete
    // input as far as the parser can tell, and the reader turns that into
    // a "length exceeds input" error when the input has ended.
    match usize::try_from(n) {
        Ok(n) => take(n).parse(i),
        Err(_) => Err(nom::Err::Incomplete(nom::Needed::Unknown)),
    }
}

/// A length or a string-encoding marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LenOrEnc {
    /// A plain length.
    Len(u64),
    /// The `11xxxxxx` marker with its 6-bit encoding kind.
    Encoded(u8),
}

/// A length or an encoding marker (`rdbLoadLenByRef`).
#[inline]
pub fn len_or_enc(i: &[u8]) -> PResult<'_, LenOrEnc> {
    let (rest, b) = le_u8(i)?;
    match b >> 6 {
        0 => Ok((rest, LenOrEnc::Len(u64::from(b & 0x3f)))),
        1 => {
            let (rest, b2) = le_u8(rest)?;
            Ok((
                rest,
                LenOrEnc::Len((u64::from(b & 0x3f) << 8) | u64::from(b2)),
            ))
        }
        3 => Ok((rest, LenOrEnc::Encoded(b & 0x3f))),
        _ => match b {
            RDB_32BITLEN => {
                let (rest, v) = be_u32(rest)?;
                Ok((rest, LenOrEnc::Len(u64::from(v))))
            }
            RDB_64BITLEN => {
                let (rest, v) = be_u64(rest)?;
                Ok((rest, LenOrEnc::Len(v)))
            }
            _ => fail(i, RdbErrorKind::BadLength(b)),
        },
    }
}

/// A plain length; an encoding marker here is corruption.
#[inline]
pub fn len(i: &[u8]) -> PResult<'_, u64> {
    match len_or_enc(i)? {
        (rest, LenOrEnc::Len(n)) => Ok((rest, n)),
        (_, LenOrEnc::Encoded(_)) => fail(i, RdbErrorKind::EncodedWhereLength(i[0])),
    }
}

/// A string as stored: borrowed raw bytes, an integer, or LZF data that has
/// not been decompressed yet (decompression is an explicit, costly step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdbStr<'a> {
    /// Raw bytes.
    Raw(&'a [u8]),
    /// INT8/16/32 encoded; the string is its decimal text.
    Int(i64),
    /// LZF compressed.
    Lzf {
        /// The compressed bytes.
        data: &'a [u8],
        /// The declared uncompressed length.
        ulen: u64,
    },
}

/// Largest expansion LZF can achieve: a 3-byte back-reference emits at most
/// 264 bytes. A declared length beyond this is corrupt, and refusing it
/// before allocating keeps a bad header from asking for terabytes.
const LZF_MAX_RATIO: u64 = 89;

impl<'a> RdbStr<'a> {
    /// The string's bytes, decompressing if needed.
    pub fn to_bytes(&self) -> Result<Cow<'a, [u8]>, RdbErrorKind> {
        match *self {
            RdbStr::Raw(b) => Ok(Cow::Borrowed(b)),
            RdbStr::Int(i) => Ok(Cow::Owned(i.to_string().into_bytes())),
            RdbStr::Lzf { data, ulen } => lzf_decompress(data, ulen).map(Cow::Owned),
        }
    }

    /// Length of the string (decompressed length for LZF).
    pub fn len(&self) -> u64 {
        match *self {
            RdbStr::Raw(b) => b.len() as u64,
            RdbStr::Int(i) => i.to_string().len() as u64,
            RdbStr::Lzf { ulen, .. } => ulen,
        }
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The integer value when the string is INT-encoded.
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            RdbStr::Int(i) => Some(i),
            _ => None,
        }
    }
}

/// Decompresses an LZF payload that must expand to exactly `ulen` bytes.
pub fn lzf_decompress(data: &[u8], ulen: u64) -> Result<Vec<u8>, RdbErrorKind> {
    let err = |reason: &str| RdbErrorKind::Lzf {
        compressed: data.len() as u64,
        expanded: ulen,
        reason: reason.to_string(),
    };
    if ulen > (data.len() as u64).saturating_mul(LZF_MAX_RATIO) + 64 {
        return Err(err("declared length is beyond what LZF can expand to"));
    }
    if ulen == 0 {
        return Err(err("zero uncompressed length"));
    }
    let ulen = usize::try_from(ulen).map_err(|_| err("length too large"))?;
    crate::codec::lzf::decompress(data, ulen).map_err(|e| err(&e.to_string()))
}

/// An RDB string (`rdbGenericLoadStringObject`), borrowed.
#[inline]
pub fn rdb_str(i: &[u8]) -> PResult<'_, RdbStr<'_>> {
    match len_or_enc(i)? {
        (rest, LenOrEnc::Len(n)) => {
            let (rest, b) = bytes(rest, n)?;
            Ok((rest, RdbStr::Raw(b)))
        }
        (rest, LenOrEnc::Encoded(enc)) => match enc {
            RDB_ENC_INT8 => {
                let (rest, v) = nom::number::streaming::le_i8(rest)?;
                Ok((rest, RdbStr::Int(i64::from(v))))
            }
            RDB_ENC_INT16 => {
                let (rest, v) = le_i16(rest)?;
                Ok((rest, RdbStr::Int(i64::from(v))))
            }
            RDB_ENC_INT32 => {
                let (rest, v) = le_i32(rest)?;
                Ok((rest, RdbStr::Int(i64::from(v))))
            }
            RDB_ENC_LZF => {
                let (rest, clen) = len(rest)?;
                let (rest, ulen) = len(rest)?;
                let (rest, data) = bytes(rest, clen)?;
                Ok((rest, RdbStr::Lzf { data, ulen }))
            }
            _ => fail(i, RdbErrorKind::BadStringEncoding(i[0])),
        },
    }
}

/// An RDB string, decoded into bytes (LZF expanded). Corrupt LZF data is a
/// failure at the string's start.
pub fn rdb_bytes(i: &[u8]) -> PResult<'_, Cow<'_, [u8]>> {
    let (rest, s) = rdb_str(i)?;
    match s.to_bytes() {
        Ok(b) => Ok((rest, b)),
        Err(kind) => fail(i, kind),
    }
}

/// Old string-form double (`rdbLoadDoubleValue`): length byte, 253/254/255
/// for NaN/+inf/-inf, else that many ASCII bytes.
pub fn double_str(i: &[u8]) -> PResult<'_, f64> {
    let (rest, n) = le_u8(i)?;
    match n {
        253 => Ok((rest, f64::NAN)),
        254 => Ok((rest, f64::INFINITY)),
        255 => Ok((rest, f64::NEG_INFINITY)),
        _ => {
            let (rest, b) = take(usize::from(n)).parse(rest)?;
            match super::encoding::parse_score(b) {
                Some(v) => Ok((rest, v)),
                None => fail(
                    i,
                    RdbErrorKind::Invalid(format!(
                        "invalid double {}",
                        super::error::show_bytes(b)
                    )),
                ),
            }
        }
    }
}

/// 8-byte little-endian IEEE-754 double.
#[inline]
pub fn double_bin(i: &[u8]) -> PResult<'_, f64> {
    le_f64(i)
}

/// 4-byte little-endian IEEE-754 float.
#[inline]
pub fn float_bin(i: &[u8]) -> PResult<'_, f32> {
    le_f32(i)
}

/// 8-byte little-endian signed milliseconds (MS64).
#[inline]
pub fn ms64(i: &[u8]) -> PResult<'_, i64> {
    le_i64(i)
}

/// 4-byte little-endian signed seconds (EXPIRETIME).
#[inline]
pub fn secs32(i: &[u8]) -> PResult<'_, i32> {
    le_i32(i)
}

/// A 16-byte big-endian stream id.
#[inline]
pub fn stream_id128(i: &[u8]) -> PResult<'_, crate::model::StreamId> {
    let (rest, ms) = be_u64(i)?;
    let (rest, seq) = be_u64(rest)?;
    Ok((rest, crate::model::StreamId::new(ms, seq)))
}

/// A stream id stored as two lengths.
#[inline]
pub fn stream_id_lens(i: &[u8]) -> PResult<'_, crate::model::StreamId> {
    let (rest, ms) = len(i)?;
    let (rest, seq) = len(rest)?;
    Ok((rest, crate::model::StreamId::new(ms, seq)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_all_forms() {
        assert_eq!(len(&[0x05, 0xaa]), Ok((&[0xaa][..], 5)));
        assert_eq!(len(&[0x41, 0x02]), Ok((&[][..], 0x102)));
        assert_eq!(len(&[0x80, 0, 0, 1, 0]), Ok((&[][..], 256)));
        assert_eq!(len(&[0x81, 0, 0, 0, 0, 0, 0, 0, 9]), Ok((&[][..], 9)));
        assert!(matches!(len(&[0x82]), Err(nom::Err::Error(_))));
        assert!(matches!(len(&[0x80, 0]), Err(nom::Err::Incomplete(_))));
        assert!(matches!(len(&[0xc0]), Err(nom::Err::Error(_))));
    }

    #[test]
    fn strings_int_and_raw() {
        assert_eq!(rdb_str(&[0xc0, 0xff]), Ok((&[][..], RdbStr::Int(-1))));
        assert_eq!(
            rdb_str(&[0xc1, 0x00, 0x80]),
            Ok((&[][..], RdbStr::Int(-32768)))
        );
        assert_eq!(
            rdb_str(&[0xc2, 0xd6, 0x10, 0xcb, 0x61]),
            Ok((&[][..], RdbStr::Int(1640698070)))
        );
        assert_eq!(rdb_str(b"\x02abc"), Ok((&b"c"[..], RdbStr::Raw(b"ab"))));
        assert!(matches!(rdb_str(&[0xc4]), Err(nom::Err::Error(_))));
    }

    #[test]
    fn huge_length_is_incomplete_not_allocation() {
        let input = [0x81, 0x10, 0, 0, 0, 0, 0, 0, 0, b'a'];
        assert!(matches!(rdb_str(&input), Err(nom::Err::Incomplete(_))));
    }

    #[test]
    fn lzf_rejects_impossible_expansion() {
        assert!(matches!(
            lzf_decompress(&[0, b'a'], 1 << 40),
            Err(RdbErrorKind::Lzf { .. })
        ));
        assert_eq!(lzf_decompress(&[2, b'a', b'b', b'c'], 3).unwrap(), b"abc");
        assert!(lzf_decompress(&[2, b'a', b'b', b'c'], 4).is_err());
    }

    #[test]
    fn string_doubles() {
        assert_eq!(double_str(b"\x031.5").unwrap().1, 1.5);
        assert!(double_str(&[253]).unwrap().1.is_nan());
        assert_eq!(double_str(&[254]).unwrap().1, f64::INFINITY);
        assert_eq!(double_str(&[255]).unwrap().1, f64::NEG_INFINITY);
    }
}
