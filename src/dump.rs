//! `DUMP` payloads (spec rdb-format §17): a value exactly as in an RDB file
//! followed by the writer's RDB version and a CRC-64.
//!
//! ```text
//! [KEY_META block]  type  value  u16le rdb_version  u64le crc64
//! ```
//!
//! Mirrors `verifyDumpPayload` in `cluster.c`, plus the dialect choice of
//! dialects §4.3 (footer version 80+ means Valkey meanings).

use crate::codec::crc64::crc64;
use crate::engine::DumpDecoder;
use crate::model::Value;
use crate::rdb::consts::{
    RDB_OPCODE_FUNCTION2, RDB_OPCODE_KEY_META, RDB_VERSION_REDIS_MAX, RDB_VERSION_VALKEY_9,
};
use crate::rdb::encoding::Depth;
use crate::rdb::frame::{skip_value, FrameLimits};
use crate::rdb::module::skip_key_meta;
use crate::rdb::object::decode_value;
use crate::rdb::primitives::rdb_str;
use crate::rdb::{Dialect, ObjectKind};

/// Why a payload was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DumpError {
    /// Shorter than the 10-byte footer.
    #[error("DUMP payload of {0} bytes is shorter than its 10-byte footer")]
    TooShort(usize),
    /// The stored CRC does not match.
    #[error("DUMP payload version or checksum are wrong: stored crc {stored:016x}, computed {computed:016x}")]
    Checksum {
        /// Stored.
        stored: u64,
        /// Computed.
        computed: u64,
    },
    /// The value does not parse, at this offset of the payload.
    #[error("bad data format at byte {offset} of the payload: {reason}")]
    BadFormat {
        /// Offset in the payload.
        offset: usize,
        /// Why.
        reason: String,
    },
}

/// A verified payload: its footer version and the value's bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct DumpPayload<'a> {
    /// RDB version in the footer.
    pub version: u16,
    /// The value's layout.
    pub kind: ObjectKind,
    /// The value's bytes (after the type byte).
    pub body: &'a [u8],
    /// Redis 8.6 key metadata, if the payload starts with it.
    pub key_meta: Option<&'a [u8]>,
}

/// Whether the footer's CRC-64 is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumCheck {
    /// Refuse a payload whose stored CRC is neither 0 nor the computed one.
    Verify,
    /// Decode whatever the CRC says (`redfile decode --no-check`).
    Skip,
}

/// The last 10 bytes of a payload, read but not judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DumpFooter {
    /// The writer's RDB version.
    pub version: u16,
    /// The CRC-64 the payload stores (0: not computed).
    pub stored_crc: u64,
    /// The CRC-64 of the bytes before it.
    pub computed_crc: u64,
}

impl DumpFooter {
    /// Whether the stored CRC is right, or 0 ("not computed", which Redis 8
    /// accepts).
    pub fn crc_ok(&self) -> bool {
        self.stored_crc == 0 || self.stored_crc == self.computed_crc
    }

    /// Whether redfile knows the version: a Redis one (1 to
    /// [`RDB_VERSION_REDIS_MAX`]) or Valkey 9's 80.
    pub fn version_known(&self) -> bool {
        let v = u32::from(self.version);
        (1..=RDB_VERSION_REDIS_MAX).contains(&v) || v == RDB_VERSION_VALKEY_9
    }
}

/// Reads the footer of a payload (only its length can be wrong here).
pub fn dump_footer(payload: &[u8]) -> Result<DumpFooter, DumpError> {
    if payload.len() < 10 {
        return Err(DumpError::TooShort(payload.len()));
    }
    let (content, tail) = payload.split_at(payload.len() - 8);
    let mut crc = [0u8; 8];
    crc.copy_from_slice(tail);
    let ver = &content[content.len() - 2..];
    Ok(DumpFooter {
        version: u16::from_le_bytes([ver[0], ver[1]]),
        stored_crc: u64::from_le_bytes(crc),
        computed_crc: crc64(content),
    })
}

/// Splits off and verifies the footer (a stored CRC of 0 means "not
/// computed", as Redis 8 accepts); returns the version and the content.
fn footer(payload: &[u8], check: ChecksumCheck) -> Result<(u16, &[u8]), DumpError> {
    let f = dump_footer(payload)?;
    if check == ChecksumCheck::Verify && !f.crc_ok() {
        return Err(DumpError::Checksum {
            stored: f.stored_crc,
            computed: f.computed_crc,
        });
    }
    Ok((f.version, &payload[..payload.len() - 10]))
}

fn bad(offset: usize, reason: impl Into<String>) -> DumpError {
    DumpError::BadFormat {
        offset,
        reason: reason.into(),
    }
}

/// Verifies a payload and locates its value.
pub fn parse_dump(payload: &[u8]) -> Result<DumpPayload<'_>, DumpError> {
    parse_dump_with(payload, ChecksumCheck::Verify)
}

/// [`parse_dump`], verifying the CRC or not.
pub fn parse_dump_with(payload: &[u8], check: ChecksumCheck) -> Result<DumpPayload<'_>, DumpError> {
    let (version, content) = footer(payload, check)?;
    let dialect = Dialect::for_dump(u32::from(version));
    let mut i = content;
    let mut key_meta = None;
    if i.first() == Some(&RDB_OPCODE_KEY_META) && dialect.family == crate::rdb::Family::Redis {
        match skip_key_meta(&i[1..]) {
            Ok((rest, ())) => {
                key_meta = Some(&i[1..i.len() - rest.len()]);
                i = rest;
            }
            Err(_) => return Err(bad(1, "corrupt key metadata block")),
        }
    }
    let at = content.len() - i.len();
    let Some((&ty, body)) = i.split_first() else {
        return Err(bad(at, "no value type"));
    };
    let kind = ObjectKind::resolve(ty, &dialect).ok_or_else(|| {
        bad(
            at,
            format!("unknown value type {ty} for RDB version {version}"),
        )
    })?;
    match skip_value(kind, body, FrameLimits::UNKNOWN) {
        Ok(([], ())) => {}
        Ok((rest, ())) => {
            return Err(bad(
                content.len() - rest.len(),
                format!("{} bytes after the value", rest.len()),
            ))
        }
        Err(nom::Err::Incomplete(_)) => return Err(bad(content.len(), "value ends early")),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            return Err(bad(content.len() - e.remaining, e.kind.to_string()))
        }
    }
    Ok(DumpPayload {
        version,
        kind,
        body,
        key_meta,
    })
}

/// Decodes a payload's value, validating it deep (RESTORE from a client
/// with `sanitize-dump-payload yes`).
pub fn decode_dump(payload: &[u8]) -> Result<Value, DumpError> {
    decode_dump_with(payload, ChecksumCheck::Verify).map(|(_, v)| v)
}

/// [`decode_dump`], verifying the CRC or not; also gives the located
/// payload (its version and layout).
pub fn decode_dump_with(
    payload: &[u8],
    check: ChecksumCheck,
) -> Result<(DumpPayload<'_>, Value), DumpError> {
    let p = parse_dump_with(payload, check)?;
    let body_at = payload.len() - 10 - p.body.len();
    let v = decode_value(p.kind, p.body, Depth::Deep)
        .map_err(|e| bad(body_at + e.offset, e.to_string()))?;
    Ok((p, v))
}

/// Decodes a `FUNCTION DUMP` payload: `FUNCTION2` records and the footer.
pub fn decode_function_dump(payload: &[u8]) -> Result<Vec<Vec<u8>>, DumpError> {
    let (_, content) = footer(payload, ChecksumCheck::Verify)?;
    let mut i = content;
    let mut out = Vec::new();
    while let Some((&op, rest)) = i.split_first() {
        let at = content.len() - i.len();
        if op != RDB_OPCODE_FUNCTION2 {
            return Err(bad(
                at,
                format!("expected a function record (0xf5), found 0x{op:02x}"),
            ));
        }
        let (rest, code) = rdb_str(rest).map_err(|_| bad(at + 1, "corrupt library code"))?;
        out.push(
            code.to_bytes()
                .map_err(|k| bad(at + 1, k.to_string()))?
                .into_owned(),
        );
        i = rest;
    }
    Ok(out)
}

/// The decoder the engine uses for `RESTORE` and `FUNCTION RESTORE`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RdbDumpDecoder;

impl DumpDecoder for RdbDumpDecoder {
    fn decode_value(&self, payload: &[u8]) -> Result<Value, String> {
        decode_dump(payload).map_err(|e| e.to_string())
    }

    fn decode_functions(&self, payload: &[u8]) -> Result<Vec<Vec<u8>>, String> {
        decode_function_dump(payload).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_of_bar_from_spec() {
        for p in [
            &[
                0x00, 0x03, 0x62, 0x61, 0x72, 0x09, 0x00, 0x36, 0x4c, 0x18, 0xac, 0xba, 0xe0, 0x9e,
                0xa6,
            ][..],
            &[
                0x00, 0x03, 0x62, 0x61, 0x72, 0x0c, 0x00, 0x2d, 0xc8, 0x7d, 0xa0, 0x14, 0x4c, 0x63,
                0x5e,
            ][..],
        ] {
            assert_eq!(decode_dump(p), Ok(Value::String(b"bar".to_vec())));
        }
        let mut bad_crc = [
            0x00, 0x03, 0x62, 0x61, 0x72, 0x0c, 0x00, 0x2d, 0xc8, 0x7d, 0xa0, 0x14, 0x4c, 0x63,
            0x5f,
        ];
        assert!(matches!(
            decode_dump(&bad_crc),
            Err(DumpError::Checksum { .. })
        ));
        bad_crc[1] = 0x09;
        assert!(decode_dump(&bad_crc).is_err());
        assert_eq!(decode_dump(&[0; 5]), Err(DumpError::TooShort(5)));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let p = [
            0x00, 0x03, 0x62, 0x61, 0x72, 0x0c, 0x00, 0x2d, 0xc8, 0x7d, 0xa0, 0x14, 0x4c, 0x63,
            0x5e,
        ];
        for n in 0..p.len() {
            assert!(decode_dump(&p[..n]).is_err());
        }
    }
}
