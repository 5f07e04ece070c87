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
    let (i, _) = counted(i, 2, "stream node count", lim, |i| str_(str_(i)?.0))?;
    skip_stream_tail(v, i, lim)
}

/// Everything of a stream after its nodes: length, ids, counters, groups
/// and (v4+) idempotent-producer state.
fn skip_stream_tail(v: StreamVersion, i: &[u8], lim: FrameLimits) -> PResult<'_, ()> {
    let version = v.0;
    let mut i = i;
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

/// An array's header: element count, insert flag and cursor.
fn array_header(i: &[u8], lim: FrameLimits) -> PResult<'_, u64> {
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
    Ok((i, count))
}

fn skip_array(i: &[u8], lim: FrameLimits) -> PResult<'_, ()> {
    let (mut i, count) = array_header(i, lim)?;
    for _ in 0..count {
        i = skip_item(Item::ArrayElement, i)?.0;
    }
    Ok((i, ()))
}

/// The shape of one element of a counted aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    /// STR
    Str,
    /// STR, DBL_S (zset v1)
    StrDblStr,
    /// STR, STR (hash, stream node)
    StrStr,
    /// STR, 8 bytes (zset v2)
    StrBin8,
    /// LEN, STR (quicklist 2 node)
    LenStr,
    /// LEN, STR, STR (hash with field TTL)
    LenStrStr,
    /// STR, STR, 8 bytes (Valkey HASH_2)
    StrStrBin8,
    /// LEN index, LEN tag, payload (array)
    ArrayElement,
}

fn skip_item(item: Item, i: &[u8]) -> PResult<'_, ()> {
    match item {
        Item::Str => str_(i),
        Item::StrDblStr => double_str(str_(i)?.0).map(|(r, _)| (r, ())),
        Item::StrStr => str_(str_(i)?.0),
        Item::StrBin8 => skip(str_(i)?.0, 8),
        Item::LenStr => str_(len_(i)?.0),
        Item::LenStrStr => str_(str_(len_(i)?.0)?.0),
        Item::StrStrBin8 => skip(str_(str_(i)?.0)?.0, 8),
        Item::ArrayElement => {
            let start = i;
            let (rest, _idx) = len(i)?;
            let (rest, tag) = len(rest)?;
            match tag {
                array_tag::INT | array_tag::FLOAT => skip(rest, 8),
                array_tag::SDS | array_tag::SMALLSTR => str_(rest),
                other => fail(
                    start,
                    RdbErrorKind::Invalid(format!("array element tag {other}, expected 0..3")),
                ),
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Nothing read yet.
    Start,
    /// `left` more elements of this shape.
    Items { left: u64, item: Item },
    /// `left` raw bytes of a string to pass over.
    Bytes { left: u64 },
    /// After a stream's nodes: its metadata and groups, walked whole.
    StreamTail(StreamVersion),
    /// Complete.
    Done,
}

/// A whole piece of a value walked by [`ValueWalker`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// What precedes the items: the count (and for some layouts a minimum
    /// expiry), or for a string value its length header.
    Header(&'a [u8]),
    /// One item of a count-prefixed value (an element, a field and value,
    /// a quicklist node...).
    Item(&'a [u8]),
}

/// Walks one value piece by piece, so that a value far larger than the
/// read buffer can be verified with the buffer holding one element at a
/// time (`check` of a file with a 500 MB hash stays in flat memory).
///
/// Each call to [`ValueWalker::advance`] consumes as many whole pieces as
/// the input holds; the caller discards them and calls again with more.
#[derive(Debug, Clone)]
pub struct ValueWalker {
    kind: ObjectKind,
    stage: Stage,
    walked: u64,
}

impl ValueWalker {
    /// A walker at the start of a value of `kind`.
    pub fn new(kind: ObjectKind) -> Self {
        ValueWalker {
            kind,
            stage: Stage::Start,
            walked: 0,
        }
    }

    /// True once the whole value was walked.
    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Bytes of the value walked so far.
    pub fn walked(&self) -> u64 {
        self.walked
    }

    /// Walks whole pieces of `input`; returns how many bytes were consumed.
    /// Running out of input mid-piece is not an error: the caller supplies
    /// more and calls again.
    pub fn advance<'a>(&mut self, input: &'a [u8], lim: FrameLimits) -> PResult<'a, usize> {
        self.advance_pieces(input, lim, &mut |_, _| true)
    }

    /// [`advance`](Self::advance), handing each piece to `on_piece` with its
    /// position in `input`: the header of a count-prefixed value, then each
    /// of its items (see [`Piece`]). `on_piece` returns false to stop the
    /// walk after that piece (the caller keeps the reason).
    pub fn advance_pieces<'a>(
        &mut self,
        input: &'a [u8],
        lim: FrameLimits,
        on_piece: &mut dyn FnMut(usize, Piece<'a>) -> bool,
    ) -> PResult<'a, usize> {
        let mut i = input;
        loop {
            let before = i;
            let step = self.step(i, lim);
            match step {
                Ok((rest, next)) => {
                    let used = before.len() - rest.len();
                    let at = input.len() - before.len();
                    let piece = match self.stage {
                        Stage::Start => Some(Piece::Header(&before[..used])),
                        Stage::Items { left, .. } if left > 0 => Some(Piece::Item(&before[..used])),
                        _ => None,
                    };
                    self.walked += used as u64;
                    self.stage = next;
                    i = rest;
                    if let Some(p) = piece {
                        if !on_piece(at, p) {
                            return Ok((i, input.len() - i.len()));
                        }
                    }
                    if next == Stage::Done {
                        return Ok((i, input.len() - i.len()));
                    }
                }
                Err(nom::Err::Incomplete(n)) => {
                    if i.len() == input.len() {
                        return Err(nom::Err::Incomplete(n));
                    }
                    return Ok((i, input.len() - i.len()));
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn step<'a>(&self, i: &'a [u8], lim: FrameLimits) -> PResult<'a, Stage> {
        use ObjectKind::*;
        match self.stage {
            Stage::Done => Ok((i, Stage::Done)),
            Stage::Bytes { left } => {
                let n = (i.len() as u64).min(left);
                if n == 0 {
                    return Err(nom::Err::Incomplete(nom::Needed::Unknown));
                }
                let rest = &i[n as usize..];
                Ok((
                    rest,
                    if n == left {
                        Stage::Done
                    } else {
                        Stage::Bytes { left: left - n }
                    },
                ))
            }
            Stage::Items { left: 0, .. } => Ok((i, self.after_items())),
            Stage::Items { left, item } => {
                let (rest, ()) = skip_item(item, i)?;
                Ok((
                    rest,
                    Stage::Items {
                        left: left - 1,
                        item,
                    },
                ))
            }
            Stage::StreamTail(v) => {
                let (rest, ()) = skip_stream_tail(v, i, lim)?;
                Ok((rest, Stage::Done))
            }
            Stage::Start => {
                let counted = |i: &'a [u8], item: Item, min: u64, what| -> PResult<'a, Stage> {
                    let at = i;
                    let (rest, n) = len(i)?;
                    check_count(at, n, min, what, lim)?;
                    Ok((rest, Stage::Items { left: n, item }))
                };
                match self.kind {
                    String | HashZipmap | ListZiplist | SetIntset | ZsetZiplist | HashZiplist
                    | HashListpack | ZsetListpack | SetListpack | HashListpackExPreGa => {
                        string_bytes(i)
                    }
                    HashListpackEx => string_bytes(skip(i, 8)?.0),
                    ListLinked | SetHashtable | ListQuicklist => {
                        counted(i, Item::Str, 1, "element count")
                    }
                    ZsetV1 => counted(i, Item::StrDblStr, 2, "sorted set size"),
                    HashHashtable => counted(i, Item::StrStr, 2, "hash size"),
                    ZsetV2 => counted(i, Item::StrBin8, 9, "sorted set size"),
                    ListQuicklist2 => counted(i, Item::LenStr, 2, "quicklist node count"),
                    HashMetadataPreGa => counted(i, Item::LenStrStr, 3, "hash size"),
                    HashMetadata => counted(skip(i, 8)?.0, Item::LenStrStr, 3, "hash size"),
                    ValkeyHash2 => counted(i, Item::StrStrBin8, 10, "hash size"),
                    Stream(_) => counted(i, Item::StrStr, 2, "stream node count"),
                    Array => {
                        let (i, count) = array_header(i, lim)?;
                        Ok((
                            i,
                            Stage::Items {
                                left: count,
                                item: Item::ArrayElement,
                            },
                        ))
                    }
                    ModulePreGa | Module2 => {
                        let (rest, ()) = skip_value(self.kind, i, lim)?;
                        Ok((rest, Stage::Done))
                    }
                }
            }
        }
    }

    fn after_items(&self) -> Stage {
        match self.kind {
            ObjectKind::Stream(v) => Stage::StreamTail(v),
            _ => Stage::Done,
        }
    }
}

/// The header of a string value; its bytes are then passed over in pieces.
fn string_bytes(i: &[u8]) -> PResult<'_, Stage> {
    use super::primitives::{len_or_enc, LenOrEnc};
    let (rest, l) = len_or_enc(i)?;
    match l {
        LenOrEnc::Len(0) => Ok((rest, Stage::Done)),
        LenOrEnc::Len(n) => Ok((rest, Stage::Bytes { left: n })),
        LenOrEnc::Encoded(super::consts::RDB_ENC_LZF) => {
            let (rest, clen) = len(rest)?;
            let (rest, _ulen) = len(rest)?;
            if clen == 0 {
                return Ok((rest, Stage::Done));
            }
            Ok((rest, Stage::Bytes { left: clen }))
        }
        LenOrEnc::Encoded(_) => str_(i).map(|(r, ())| (r, Stage::Done)),
    }
}
