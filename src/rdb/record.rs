//! One top-level record (spec §2, §7): an opcode with its payload, or a key
//! with its value. Mirrors the loop of `rdbLoadRioWithLoadingCtx`.
//!
//! ```text
//! 0xFA AUX        STR key, STR value
//! 0xFE SELECTDB   LEN db
//! 0xFB RESIZEDB   LEN db_size, LEN expires_size
//! 0xF4 SLOT_INFO  LEN slot, LEN size, LEN expires_size
//! 0xF3 KEY_META   (Redis) LEN n, n x (u32 class, module items)   key prefix
//! 0xF3 SLOT_IMPORT (Valkey) STR job, LEN n, n x (LEN start, LEN end)
//! 0xF5 FUNCTION2  STR library code
//! 0xF7 MODULE_AUX LEN module id, LEN 2, LEN when, module items
//! 0xFC EXPIRETIME_MS MS64 | 0xFD EXPIRETIME i32 s | 0xF8 IDLE LEN | 0xF9 FREQ u8
//! type STR key value                                              key record
//! 0xFF EOF
//! ```

use super::consts::*;
use super::error::RdbErrorKind;
use super::frame::{skip_value, FrameLimits};
use super::header::{Dialect, Family};
use super::kind::ObjectKind;
use super::module::{skip_key_meta, skip_module_items};
use super::primitives::{byte, fail, len, ms64, rdb_str, secs32, PResult, RdbStr};

/// A record as it is on disk, before key prefixes are attached to keys.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawRecord<'a> {
    Aux {
        key: RdbStr<'a>,
        value: RdbStr<'a>,
    },
    SelectDb(u64),
    ResizeDb {
        db_size: u64,
        expires_size: u64,
    },
    SlotInfo {
        slot: u64,
        slot_size: u64,
        expires_size: u64,
    },
    SlotImport {
        job: RdbStr<'a>,
        ranges: Vec<(u64, u64)>,
    },
    Function(RdbStr<'a>),
    ModuleAux {
        module_id: u64,
        when: u64,
        body: &'a [u8],
    },
    ExpireSeconds(i32),
    ExpireMs(i64),
    Idle(u64),
    Freq(u8),
    KeyMeta(&'a [u8]),
    Vendor {
        opcode: u8,
        value: u64,
    },
    Key {
        type_byte: u8,
        kind: ObjectKind,
        key: RdbStr<'a>,
        /// Offset of the value body from the start of the record.
        body_start: usize,
        body: &'a [u8],
    },
    Eof,
}

/// Names a byte that a vendor defines but redfile cannot walk (dialects
/// §4.3, §5): records carry no length, so the read stops there, but the
/// message says whose construct it is.
fn vendor_construct(ty: u8, d: &Dialect) -> Option<&'static str> {
    use super::header::Producer;
    Some(match (d.producer, ty) {
        (Producer::Dragonfly, 20 | 30) => "Dragonfly JSON value",
        (Producer::Dragonfly, 31) => "Dragonfly hash with per-field expiry",
        (Producer::Dragonfly, 32) => "Dragonfly set with per-member expiry",
        (Producer::Dragonfly, 33 | 34) => "Dragonfly scalable Bloom filter",
        (Producer::Dragonfly, 35) => "Dragonfly count-min sketch",
        (Producer::Dragonfly, 36) => "Dragonfly top-k sketch",
        (Producer::Dragonfly, 37) => "Dragonfly cuckoo filter",
        (Producer::Dragonfly, 200..=224) => "Dragonfly opcode",
        (Producer::Keydb | Producer::Unknown | Producer::Redis, KEYDB_TYPE_CRON)
            if d.version <= 9 =>
        {
            "KeyDB cron job value"
        }
        (_, RDB_TYPE_HASH_LISTPACK_EX_PRE_GA) if d.family == Family::Valkey => {
            "Valkey 9.2 PATH_HASH value (unreleased format)"
        }
        (_, 242) if d.family == Family::Valkey => {
            "Valkey 9.2 UPDATE opcode (replication streams only)"
        }
        (_, 242) => "Redis 8.10 HASH_TEMPLATE opcode (unreleased format)",
        (_, 29..=33) if d.family == Family::Redis && d.version >= 15 => {
            "Redis 8.10 hash template or GCRA value (unreleased format)"
        }
        _ => return None,
    })
}

/// Parses one record. `known_len`, when given, is the record's length
/// from an earlier walk of the same bytes: the value is then sliced rather
/// than walked again.
pub(crate) fn parse_record<'a>(
    input: &'a [u8],
    d: &Dialect,
    lim: FrameLimits,
    known_len: Option<usize>,
) -> PResult<'a, RawRecord<'a>> {
    let (i, op) = byte(input)?;
    match op {
        RDB_OPCODE_EOF => Ok((i, RawRecord::Eof)),
        RDB_OPCODE_AUX => {
            let (i, key) = rdb_str(i)?;
            let (i, value) = rdb_str(i)?;
            Ok((i, RawRecord::Aux { key, value }))
        }
        RDB_OPCODE_SELECTDB => len(i).map(|(i, db)| (i, RawRecord::SelectDb(db))),
        RDB_OPCODE_RESIZEDB => {
            let (i, db_size) = len(i)?;
            let (i, expires_size) = len(i)?;
            Ok((
                i,
                RawRecord::ResizeDb {
                    db_size,
                    expires_size,
                },
            ))
        }
        RDB_OPCODE_EXPIRETIME_MS => ms64(i).map(|(i, t)| (i, RawRecord::ExpireMs(t))),
        RDB_OPCODE_EXPIRETIME => secs32(i).map(|(i, t)| (i, RawRecord::ExpireSeconds(t))),
        RDB_OPCODE_IDLE => len(i).map(|(i, t)| (i, RawRecord::Idle(t))),
        RDB_OPCODE_FREQ => byte(i).map(|(i, f)| (i, RawRecord::Freq(f))),
        RDB_OPCODE_SLOT_INFO => {
            let (i, slot) = len(i)?;
            let (i, slot_size) = len(i)?;
            let (i, expires_size) = len(i)?;
            Ok((
                i,
                RawRecord::SlotInfo {
                    slot,
                    slot_size,
                    expires_size,
                },
            ))
        }
        RDB_OPCODE_FUNCTION2 => rdb_str(i).map(|(i, s)| (i, RawRecord::Function(s))),
        RDB_OPCODE_FUNCTION_PRE_GA => fail(
            input,
            RdbErrorKind::Unsupported {
                ty: op,
                what: "pre-release function format (Redis 7.0 release candidates)",
            },
        ),
        RDB_OPCODE_MODULE_AUX => {
            let (i, module_id) = len(i)?;
            let at = i;
            let (i, when_opcode) = len(i)?;
            if when_opcode != RDB_MODULE_OPCODE_UINT {
                return fail(at, RdbErrorKind::BadWhenOpcode(when_opcode));
            }
            let (body, when) = len(i)?;
            let (rest, ()) = skip_module_items(body)?;
            let body = &body[..body.len() - rest.len()];
            Ok((
                rest,
                RawRecord::ModuleAux {
                    module_id,
                    when,
                    body,
                },
            ))
        }
        RDB_OPCODE_KEY_META => match d.family {
            Family::Redis => {
                let (rest, ()) = skip_key_meta(i)?;
                Ok((rest, RawRecord::KeyMeta(&i[..i.len() - rest.len()])))
            }
            Family::Valkey => {
                let (mut i, job) = rdb_str(i)?;
                if job.len() != 40 {
                    return fail(
                        &input[1..],
                        RdbErrorKind::Invalid(format!(
                            "invalid slot import job name length {}, expected 40",
                            job.len()
                        )),
                    );
                }
                let (rest, n) = len(i)?;
                if n > 16384 {
                    return fail(
                        i,
                        RdbErrorKind::Invalid(format!("slot import with {n} ranges")),
                    );
                }
                i = rest;
                let mut ranges = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    let (rest, start) = len(i)?;
                    let (rest, end) = len(rest)?;
                    ranges.push((start, end));
                    i = rest;
                }
                Ok((i, RawRecord::SlotImport { job, ranges }))
            }
        },
        RE_OPCODE_RAM_LRU | RE_OPCODE_SLOT_NUM if d.family == Family::Redis => {
            len(i).map(|(i, value)| (i, RawRecord::Vendor { opcode: op, value }))
        }
        RE_OPCODE_GCAS | RE_OPCODE_GFLAGS => fail(
            input,
            RdbErrorKind::Unsupported {
                ty: op,
                what: "Redis Enterprise (Garantia) opcode with an unpublished layout",
            },
        ),
        ty => {
            let Some(kind) = ObjectKind::resolve(ty, d) else {
                if let Some(what) = vendor_construct(ty, d) {
                    return fail(input, RdbErrorKind::Unsupported { ty, what });
                }
                return fail(
                    input,
                    RdbErrorKind::UnknownType {
                        ty,
                        header: format!(
                            "{}{:0width$}",
                            match d.family {
                                Family::Redis => "REDIS",
                                Family::Valkey => "VALKEY",
                            },
                            d.version,
                            width = if d.family == Family::Redis { 4 } else { 3 }
                        ),
                        producer: d.producer.name().to_string(),
                    },
                );
            };
            let (body, key) = rdb_str(i)?;
            let body_start = input.len() - body.len();
            let (rest, body) = match known_len {
                Some(n) if n >= body_start && n <= input.len() => {
                    (&input[n..], &input[body_start..n])
                }
                _ => {
                    let lim = FrameLimits {
                        remaining: lim.remaining.saturating_sub(body_start as u64),
                    };
                    let (rest, ()) = skip_value(kind, body, lim)?;
                    (rest, &body[..body.len() - rest.len()])
                }
            };
            Ok((
                rest,
                RawRecord::Key {
                    type_byte: ty,
                    kind,
                    key,
                    body_start,
                    body,
                },
            ))
        }
    }
}
