//! How many bytes a value occupies: the framing walk.
//!
//! RDB records carry no length, so the only way to find where a value ends
//! is to walk its structure. This walk touches every length but decodes
//! nothing: LZF payloads are skipped by their compressed length and blobs
//! are stepped over whole. It is the hot path of `check`, and every other
//! consumer gets the value's bytes from it to decode at leisure
//! (`object.rs`).

use super::error::RdbErrorKind;
use super::kind::{ObjectKind, StreamVersion};
use super::module::skip_module_items;
use super::primitives::{bytes, double_str, fail, len, rdb_str, PResult};

/// What the walk may assume about the input beyond the buffer.
#[derive(Debug, Clone, Copy)]
pub struct FrameLimits {
    /// Bytes left in the whole input from the start of this value, when
    /// known. A count of elements that cannot fit is refused at once rather
    /// than after buffering the rest of the input.
    pub remaining: u64,
}

impl FrameLimits {
    /// No knowledge of the input size.
    pub const UNKNOWN: FrameLimits = FrameLimits {
        remaining: u64::MAX,
    };
}

/// Refuses a count of items, each at least `min_size` bytes, that cannot fit.
#[inline]
fn check_count<'a>(
    i: &'a [u8],
    n: u64,
    min_size: u64,
    what: &'static str,
    lim: FrameLimits,
) -> PResult<'a, ()> {
    if n.saturating_mul(min_size) > lim.remaining {
        return fail(
            i,
            RdbErrorKind::LengthExceedsInput {
                what,
                len: n.saturating_mul(min_size),
                remaining: lim.remaining,
            },
        );
    }
    Ok((i, ()))
}

/// A count followed by that many items, each walked by `item`.
#[inline]
fn counted<'a>(
    i: &'a [u8],
    min_size: u64,
    what: &'static str,
    lim: FrameLimits,
    item: impl Fn(&'a [u8]) -> PResult<'a, ()>,
) -> PResult<'a, u64> {
    let at = i;
    let (mut i, n) = len(i)?;
    check_count(at, n, min_size, what, lim)?;
    for _ in 0..n {
        i = item(i)?.0;
    }
    Ok((i, n))
}

#[inline]
fn str_(i: &[u8]) -> PResult<'_, ()> {
    rdb_str(i).map(|(r, _)| (r, ()))
}

#[inline]
fn len_(i: &[u8]) -> PResult<'_, ()> {
    len(i).map(|(r, _)| (r, ()))
}

#[inline]
fn skip(i: &[u8], n: u64) -> PResult<'_, ()> {
    bytes(i, n).map(|(r, _)| (r, ()))
}

/// Walks one value of `kind`, returning the input after it.
pub fn skip_value(kind: ObjectKind, i: &[u8], lim: FrameLimits) -> PResult<'_, ()> {
    use ObjectKind::*;
    match kind {
        String | HashZipmap | ListZiplist | SetIntset | ZsetZiplist | HashZiplist
        | HashListpack | ZsetListpack | SetListpack | HashListpackExPreGa => str_(i),
        ListLinked | SetHashtable | ListQuicklist => {
            counted(i, 1, "element count", lim, str_).map(|(r, _)| (r, ()))
        }
        ZsetV1 => counted(i, 2, "sorted set size", lim, |i| {
            let (i, _) = str_(i)?;
            double_str(i).map(|(r, _)| (r, ()))
        })
        .map(|(r, _)| (r, ())),
        HashHashtable => {
            counted(i, 2, "hash size", lim, |i| str_(str_(i)?.0)).map(|(r, _)| (r, ()))
        }
        ZsetV2 => {
            counted(i, 9, "sorted set size", lim, |i| skip(str_(i)?.0, 8)).map(|(r, _)| (r, ()))
        }
        ModulePreGa => fail(
            i,
            RdbErrorKind::Unsupported {
                ty: 6,
                what: "pre-release module value format (Redis 4.0 release candidates)",
            },
        ),
        Module2 => {
            let (i, _id) = len(i)?;
            skip_module_items(i)
        }
        ListQuicklist2 => {
            counted(i, 2, "quicklist node count", lim, |i| str_(len_(i)?.0)).map(|(r, _)| (r, ()))
        }
        Stream(v) => skip_stream(v, i, lim),
        HashMetadataPreGa => {
            counted(i, 3, "hash size", lim, |i| str_(str_(len_(i)?.0)?.0)).map(|(r, _)| (r, ()))
        }
        HashMetadata => {
            let (i, _) = skip(i, 8)?;
            counted(i, 3, "hash size", lim, |i| str_(str_(len_(i)?.0)?.0)).map(|(r, _)| (r, ()))
        }
        HashListpackEx => str_(skip(i, 8)?.0),
        ValkeyHash2 => {
            counted(i, 10, "hash size", lim, |i| skip(str_(str_(i)?.0)?.0, 8)).map(|(r, _)| (r, ()))
        }
        Array => skip_array(i, lim),
    }
}

fn skip_stream(v: StreamVersion, i: &[u8], lim: FrameLimits) -> PResult<'_, ()> {
    let version = v.0;
    let (mut i, _) = counted(i, 2, "stream node count", lim, |i| str_(str_(i)?.0))?;
    // length, last id
    for _ in 0..3 {
        i = len_(i)?.0;
    }
    if version >= 2 {
        // first id, max deleted id, entries added
        for _ in 0..5 {
            i = len_(i)?.0;
        }
    }
    let (rest, groups) = len(i)?;
    check_count(i, groups, 5, "consumer group count", lim)?;
    i = rest;
    for _ in 0..groups {
        i = str_(i)?.0;
        i = len_(len_(i)?.0)?.0;
        if version >= 2 {
            i = len_(i)?.0;
        }
        i = counted(i, 25, "group PEL size", lim, |i| len_(skip(i, 24)?.0))?.0;
        let (rest, consumers) = len(i)?;
        check_count(i, consumers, 10, "consumer count", lim)?;
        i = rest;
        for _ in 0..consumers {
            i = str_(i)?.0;
            i = skip(i, if version >= 3 { 16 } else { 8 })?.0;
            i = counted(i, 16, "consumer PEL size", lim, |i| skip(i, 16))?.0;
        }
        if version >= 5 {
            i = counted(i, 16, "NACK zone size", lim, |i| skip(i, 16))?.0;
        }
    }
    if version >= 4 {
        i = len_(len_(i)?.0)?.0;
        i = counted(i, 2, "idempotent producer count", lim, |i| {
            let i = str_(i)?.0;
            counted(i, 3, "idempotency record count", lim, |i| {
                len_(len_(str_(i)?.0)?.0)
            })
            .map(|(r, _)| (r, ()))
        })?
        .0;
        i = len_(len_(i)?.0)?.0;
    }
    Ok((i, ()))
}

/// Array element tags (`AR_RDB_TAG_*`).
pub(crate) mod array_tag {
    /// Any string, as an RDB string.
    pub const SDS: u64 = 0;
    /// i64le.
    pub const INT: u64 = 1;
    /// f64le.
    pub const FLOAT: u64 = 2;
    /// A string of at most 7 bytes.
    pub const SMALLSTR: u64 = 3;
}

fn skip_array(i: &[u8], lim: FrameLimits) -> PResult<'_, ()> {
    let at = i;
    let (i, count) = len(i)?;
    check_count(at, count, 3, "array element count", lim)?;
    let (mut i, flag) = len(i)?;
    if flag == 1 {
        i = len_(i)?.0;
    } else if flag > 1 {
        return fail(
            i,
            RdbErrorKind::Invalid(format!("array insert flag {flag}, expected 0 or 1")),
        );
    }
    for _ in 0..count {
        let start = i;
        let (rest, _idx) = len(i)?;
        let (rest, tag) = len(rest)?;
        i = match tag {
            array_tag::INT | array_tag::FLOAT => skip(rest, 8)?.0,
            array_tag::SDS | array_tag::SMALLSTR => str_(rest)?.0,
            other => {
                return fail(
                    start,
                    RdbErrorKind::Invalid(format!("array element tag {other}, expected 0..3")),
                )
            }
        };
    }
    Ok((i, ()))
}
