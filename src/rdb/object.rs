//! Decoding a value's bytes (as delimited by `frame.rs`) into a
//! [`model::Value`](crate::model::Value), checking it on the way
//! (`rdb.c` `rdbLoadObject`; spec §9–§12, §19).
//!
//! Two depths, as in Redis's `sanitize-dump-payload`: [`Depth::Header`]
//! checks what a server checks on every load; [`Depth::Deep`] validates
//! every blob entry by entry and rejects duplicates, NaN scores and the
//! stream invariants, like `redis-check-rdb`.

use std::borrow::Cow;
use std::collections::HashSet;

use super::consts::*;
use super::encoding::{self, BlobEntry, BlobError, BlobKind, Depth};
use super::error::{PError, RdbErrorKind};
use super::frame::array_tag;
use super::kind::{ObjectKind, StreamVersion};
use super::module::{module_encver, module_name, skip_module_items};
use super::primitives::{
    bytes, double_bin, double_str, len, ms64, rdb_str, stream_id128, stream_id_lens, PResult,
    RdbStr,
};
use crate::model::{
    ArrayValue, HashField, ModuleValue, Stream, StreamConsumer, StreamEntry, StreamGroup, StreamId,
    StreamIdmp, StreamIdmpEntry, StreamIdmpProducer, StreamPendingEntry, Value,
};

/// A value that could not be decoded, at `offset` bytes from the start of
/// its body.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectError {
    /// Offset inside the value's body.
    pub offset: usize,
    /// What is wrong.
    pub kind: RdbErrorKind,
}

impl std::fmt::Display for ObjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.kind.fmt(f)
    }
}

/// What `check` and `info` need of a value without keeping it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueSummary {
    /// Elements (string length for strings, entries for streams), when
    /// known at this depth.
    pub elements: Option<u64>,
    /// Hash fields with a TTL.
    pub volatile_fields: u64,
    /// The collection holds nothing (Redis skips such keys on load).
    pub empty: bool,
}

type R<T> = Result<T, ObjectError>;

/// Tracks the body so errors can say where in it they happened.
pub(crate) struct Body<'a> {
    pub(crate) all: &'a [u8],
}

impl<'a> Body<'a> {
    pub(crate) fn at(&self, rest: &[u8]) -> usize {
        self.all.len() - rest.len()
    }

    pub(crate) fn err(&self, rest: &[u8], kind: RdbErrorKind) -> ObjectError {
        ObjectError {
            offset: self.at(rest),
            kind,
        }
    }

    /// Runs a primitive parser on the complete body: running out of input
    /// here means the value is shorter than its own framing said.
    pub(crate) fn run<T>(&self, r: PResult<'a, T>, at: &'a [u8]) -> R<(&'a [u8], T)> {
        r.map_err(|e| match e {
            nom::Err::Incomplete(_) => self.err(
                &[],
                RdbErrorKind::Invalid("value ends before its last element".into()),
            ),
            nom::Err::Error(PError { remaining, kind })
            | nom::Err::Failure(PError { remaining, kind }) => ObjectError {
                offset: self.all.len().saturating_sub(remaining),
                kind,
            },
        })
        .map_err(|mut e| {
            if e.offset > self.all.len() {
                e.offset = self.at(at);
            }
            e
        })
    }

    pub(crate) fn len(&self, i: &'a [u8]) -> R<(&'a [u8], u64)> {
        self.run(len(i), i)
    }

    pub(crate) fn str(&self, i: &'a [u8]) -> R<(&'a [u8], RdbStr<'a>)> {
        self.run(rdb_str(i), i)
    }

    pub(crate) fn bytes_of(&self, i: &'a [u8]) -> R<(&'a [u8], Cow<'a, [u8]>)> {
        let (rest, s) = self.str(i)?;
        let b = s.to_bytes().map_err(|k| self.err(i, k))?;
        Ok((rest, b))
    }

    pub(crate) fn vec(&self, i: &'a [u8]) -> R<(&'a [u8], Vec<u8>)> {
        self.bytes_of(i).map(|(r, b)| (r, b.into_owned()))
    }
}

/// Fails at the first key seen twice, at the offset in `starts` of its
/// element. Checked once the elements are built, borrowing them, so no key
/// is copied for the check.
fn unique<'x>(
    b: &Body<'_>,
    keys: impl Iterator<Item = &'x [u8]>,
    starts: &[usize],
    what: &str,
) -> R<()> {
    let mut seen =
        HashSet::with_capacity_and_hasher(starts.len(), foldhash::fast::RandomState::default());
    for (i, k) in keys.enumerate() {
        if !seen.insert(k) {
            return Err(ObjectError {
                offset: starts.get(i).copied().unwrap_or(0).min(b.all.len()),
                kind: RdbErrorKind::Invalid(what.to_string()),
            });
        }
    }
    Ok(())
}

fn min_cap(n: u64, input: &[u8]) -> usize {
    (n as usize).min(input.len())
}

pub(crate) fn nan_score(b: &Body<'_>, at: &[u8]) -> ObjectError {
    b.err(
        at,
        RdbErrorKind::Invalid("Zset with NAN score detected".into()),
    )
}

/// Decodes a whole value.
pub fn decode_value(kind: ObjectKind, body: &[u8], depth: Depth) -> R<Value> {
    let b = Body { all: body };
    let i = body;
    use ObjectKind::*;
    Ok(match kind {
        String => Value::String(b.vec(i)?.1),
        ListLinked => {
            let (mut i, n) = b.len(i)?;
            let mut out = Vec::with_capacity(min_cap(n, i));
            for _ in 0..n {
                let (r, v) = b.vec(i)?;
                out.push(v);
                i = r;
            }
            Value::List(out)
        }
        SetHashtable => {
            let (mut i, n) = b.len(i)?;
            let mut out = Vec::with_capacity(min_cap(n, i));
            let mut starts = Vec::new();
            for _ in 0..n {
                let at = i;
                let (r, v) = b.vec(i)?;
                starts.push(b.at(at));
                out.push(v);
                i = r;
            }
            if depth == Depth::Deep {
                unique(
                    &b,
                    out.iter().map(Vec::as_slice),
                    &starts,
                    "Duplicate set members detected",
                )?;
            }
            Value::Set(out)
        }
        ZsetV1 | ZsetV2 => {
            let (mut i, n) = b.len(i)?;
            let mut out = Vec::with_capacity(min_cap(n, i));
            let mut starts = Vec::new();
            for _ in 0..n {
                let at = i;
                let (r, m) = b.vec(i)?;
                let (r, score) = if kind == ZsetV1 {
                    b.run(double_str(r), r)?
                } else {
                    b.run(double_bin(r), r)?
                };
                if score.is_nan() {
                    return Err(nan_score(&b, at));
                }
                starts.push(b.at(at));
                out.push((m, score));
                i = r;
            }
            if depth == Depth::Deep {
                unique(
                    &b,
                    out.iter().map(|(m, _)| m.as_slice()),
                    &starts,
                    "Duplicate zset fields detected",
                )?;
            }
            Value::SortedSet(out)
        }
        HashHashtable => {
            let (mut i, n) = b.len(i)?;
            let mut out = Vec::with_capacity(min_cap(n, i));
            let mut starts = Vec::new();
            for _ in 0..n {
                let at = i;
                let (r, field) = b.vec(i)?;
                let (r, value) = b.vec(r)?;
                starts.push(b.at(at));
                out.push(HashField {
                    field,
                    value,
                    expire_ms: None,
                });
                i = r;
            }
            if depth == Depth::Deep {
                unique(
                    &b,
                    out.iter().map(|f| f.field.as_slice()),
                    &starts,
                    "Duplicate hash fields detected",
                )?;
            }
            Value::Hash(out)
        }
        ModulePreGa => {
            return Err(b.err(
                i,
                RdbErrorKind::Unsupported {
                    ty: RDB_TYPE_MODULE_PRE_GA,
                    what: "pre-release module value format",
                },
            ))
        }
        Module2 => {
            let (items, id) = b.len(i)?;
            let (rest, ()) = b.run(skip_module_items(items), items)?;
            Value::Module(ModuleValue {
                module_id: id,
                name: module_name(id),
                encver: module_encver(id),
                raw: items[..items.len() - rest.len()].to_vec(),
            })
        }
        HashZipmap => {
            let (blob, at, s) = blob_of(&b, i)?;
            let e = |err| blob_error_at(&b, at, &s, err);
            encoding::zipmap::validate(&blob, depth).map_err(e)?;
            let mut out = Vec::new();
            for pair in encoding::zipmap::entries(&blob).map_err(e)? {
                let (f, v) = pair.map_err(e)?;
                out.push(HashField {
                    field: f.to_vec(),
                    value: v.to_vec(),
                    expire_ms: None,
                });
            }
            Value::Hash(out)
        }
        ListZiplist => {
            let (blob, at, s) = blob_of(&b, i)?;
            Value::List(list_elements(&b, at, &s, &blob, BlobKind::Ziplist, depth)?)
        }
        ListQuicklist => {
            let (mut i, n) = b.len(i)?;
            let mut out = Vec::new();
            for _ in 0..n {
                let (blob, at, s) = blob_of(&b, i)?;
                out.extend(list_elements(&b, at, &s, &blob, BlobKind::Ziplist, depth)?);
                i = b.str(i)?.0;
            }
            Value::List(out)
        }
        ListQuicklist2 => {
            let (mut i, n) = b.len(i)?;
            let mut out = Vec::new();
            for _ in 0..n {
                let (r, container) = b.len(i)?;
                let (blob, at, s) = blob_of(&b, r)?;
                if blob.is_empty() {
                    return Err(b.err(r, RdbErrorKind::Invalid("empty quicklist node".into())));
                }
                match container {
                    QUICKLIST_NODE_CONTAINER_PLAIN => out.push(blob.into_owned()),
                    QUICKLIST_NODE_CONTAINER_PACKED => {
                        out.extend(list_elements(&b, at, &s, &blob, BlobKind::Listpack, depth)?)
                    }
                    other => {
                        return Err(b.err(
                            i,
                            RdbErrorKind::Invalid(format!(
                                "quicklist node container {other}, expected 1 (plain) or 2 (packed)"
                            )),
                        ))
                    }
                }
                i = b.str(r)?.0;
            }
            Value::List(out)
        }
        SetIntset => {
            let (blob, at, s) = blob_of(&b, i)?;
            let e = |err| blob_error_at(&b, at, &s, err);
            encoding::intset::validate(&blob, depth).map_err(e)?;
            let it = encoding::intset::iter(&blob).map_err(e)?;
            Value::Set(it.map(|v| v.to_string().into_bytes()).collect())
        }
        SetListpack => {
            let (blob, at, s) = blob_of(&b, i)?;
            let els = blob_entries(&b, at, &s, &blob, BlobKind::Listpack, depth, Some(1))?;
            Value::Set(els.into_iter().map(BlobEntry::to_vec).collect())
        }
        ZsetZiplist | ZsetListpack => {
            let (blob, at, s) = blob_of(&b, i)?;
            let els = if kind == ZsetZiplist {
                blob_entries(&b, at, &s, &blob, BlobKind::Ziplist, depth, Some(2))?
            } else {
                blob_entries(&b, at, &s, &blob, BlobKind::Listpack, depth, Some(2))?
            };
            let mut out = Vec::with_capacity(els.len() / 2);
            for pair in els.chunks_exact(2) {
                let score = pair[1].as_f64().ok_or_else(|| {
                    b.err(
                        at,
                        RdbErrorKind::Invalid("zset score is not a number".into()),
                    )
                })?;
                if score.is_nan() {
                    return Err(nan_score(&b, at));
                }
                out.push((pair[0].to_vec(), score));
            }
            Value::SortedSet(out)
        }
        HashZiplist | HashListpack => {
            let (blob, at, s) = blob_of(&b, i)?;
            let els = if kind == HashZiplist {
                blob_entries(&b, at, &s, &blob, BlobKind::Ziplist, depth, Some(2))?
            } else {
                blob_entries(&b, at, &s, &blob, BlobKind::Listpack, depth, Some(2))?
            };
            Value::Hash(
                els.chunks_exact(2)
                    .map(|p| HashField {
                        field: p[0].to_vec(),
                        value: p[1].to_vec(),
                        expire_ms: None,
                    })
                    .collect(),
            )
        }
        HashListpackEx | HashListpackExPreGa => {
            let i = if kind == HashListpackEx {
                b.run(ms64(i), i)?.0
            } else {
                i
            };
            let (blob, at, s) = blob_of(&b, i)?;
            let els = blob_entries(&b, at, &s, &blob, BlobKind::Listpack, depth, Some(3))?;
            let mut out = Vec::with_capacity(els.len() / 3);
            for t in els.chunks_exact(3) {
                let ttl = match t[2] {
                    BlobEntry::Int(v) => v,
                    BlobEntry::Bytes(_) => {
                        return Err(b.err(
                            at,
                            RdbErrorKind::Invalid("hash field TTL is not an integer".into()),
                        ))
                    }
                };
                if ttl < 0 || ttl as u64 > EB_EXPIRE_TIME_MAX {
                    return Err(b.err(
                        at,
                        RdbErrorKind::Invalid(format!("invalid expireAt time: {ttl}")),
                    ));
                }
                out.push(HashField {
                    field: t[0].to_vec(),
                    value: t[1].to_vec(),
                    expire_ms: (ttl != 0).then_some(ttl),
                });
            }
            Value::Hash(out)
        }
        HashMetadata | HashMetadataPreGa => {
            let (i, min_expire) = if kind == HashMetadata {
                let (r, m) = b.run(ms64(i), i)?;
                if m as u64 > EB_EXPIRE_TIME_MAX + 1 {
                    return Err(b.err(
                        i,
                        RdbErrorKind::Invalid(format!("Hash read invalid minExpire value {m}")),
                    ));
                }
                (r, Some(m))
            } else {
                (i, None)
            };
            let (mut i, n) = b.len(i)?;
            let mut out = Vec::with_capacity(min_cap(n, i));
            let mut starts = Vec::new();
            for _ in 0..n {
                let at = i;
                let (r, ttl) = b.len(i)?;
                let (r, field) = b.vec(r)?;
                let (r, value) = b.vec(r)?;
                let expire = match (ttl, min_expire) {
                    (0, _) => None,
                    (t, Some(min)) => Some((t as i64).wrapping_add(min).wrapping_sub(1)),
                    (t, None) => Some(t as i64),
                };
                if let Some(e) = expire {
                    if e < 0 || e as u64 > EB_EXPIRE_TIME_MAX {
                        return Err(b.err(
                            at,
                            RdbErrorKind::Invalid(format!("invalid expireAt time: {e}")),
                        ));
                    }
                }
                starts.push(b.at(at));
                out.push(HashField {
                    field,
                    value,
                    expire_ms: expire,
                });
                i = r;
            }
            unique(
                &b,
                out.iter().map(|f| f.field.as_slice()),
                &starts,
                "Duplicate hash fields detected",
            )?;
            Value::Hash(out)
        }
        ValkeyHash2 => {
            let (mut i, n) = b.len(i)?;
            let mut out = Vec::with_capacity(min_cap(n, i));
            let mut starts = Vec::new();
            for _ in 0..n {
                let at = i;
                let (r, field) = b.vec(i)?;
                let (r, value) = b.vec(r)?;
                let (r, expire) = b.run(ms64(r), r)?;
                if expire < -1 {
                    return Err(b.err(
                        at,
                        RdbErrorKind::Invalid(format!("invalid field expiry {expire}")),
                    ));
                }
                starts.push(b.at(at));
                out.push(HashField {
                    field,
                    value,
                    expire_ms: (expire != -1).then_some(expire),
                });
                i = r;
            }
            unique(
                &b,
                out.iter().map(|f| f.field.as_slice()),
                &starts,
                "Duplicate hash fields detected",
            )?;
            Value::Hash(out)
        }
        Stream(v) => Value::Stream(Box::new(decode_stream(
            &b,
            v,
            i,
            depth,
            StreamEntries::Collect,
        )?)),
        Array => Value::Array(decode_array(&b, i)?),
    })
}

/// The decoded blob in the string at `i`, the string's position, and the
/// string itself (to locate blob errors).
/// A blob string: its decoded bytes, where it starts, and how it is stored.
pub(crate) type BlobAt<'a> = (Cow<'a, [u8]>, &'a [u8], RdbStr<'a>);

pub(crate) fn blob_of<'a>(b: &Body<'a>, i: &'a [u8]) -> R<BlobAt<'a>> {
    let (_, s) = b.str(i)?;
    let blob = s.to_bytes().map_err(|k| b.err(i, k))?;
    Ok((blob, i, s))
}

/// The entries of a ziplist or listpack blob, validated at `depth`, in
/// tuples of `tuple` whose first elements are unique (`None`: a list).
fn blob_entries<'x>(
    b: &Body<'_>,
    at: &[u8],
    s: &RdbStr<'_>,
    blob: &'x [u8],
    kind: BlobKind,
    depth: Depth,
    tuple: Option<usize>,
) -> R<Vec<BlobEntry<'x>>> {
    let e = |err| blob_error_at(b, at, s, err);
    let mut out = Vec::new();
    if kind == BlobKind::Ziplist {
        encoding::ziplist::validate(blob, depth).map_err(e)?;
        for entry in encoding::ziplist::entries(blob).map_err(e)? {
            out.push(entry.map_err(e)?);
        }
    } else {
        encoding::listpack::validate(blob, depth).map_err(e)?;
        for entry in encoding::listpack::entries(blob).map_err(e)? {
            out.push(entry.map_err(e)?);
        }
    }
    if let Some(tuple) = tuple {
        encoding::check_tuples(kind, out.iter().copied().map(Ok), tuple, depth).map_err(e)?;
    }
    Ok(out)
}

pub(crate) fn blob_error_at(b: &Body<'_>, at: &[u8], s: &RdbStr<'_>, e: BlobError) -> ObjectError {
    let start = b.at(at);
    let offset = match s {
        RdbStr::Raw(raw) => {
            // The blob's bytes follow the string's length header.
            let header = rdb_str(at)
                .map(|(rest, _)| at.len() - rest.len() - raw.len())
                .unwrap_or(0);
            start + header + e.offset
        }
        _ => start,
    };
    ObjectError {
        offset: offset.min(b.all.len()),
        kind: RdbErrorKind::Blob(e),
    }
}

fn list_elements(
    b: &Body<'_>,
    at: &[u8],
    s: &RdbStr<'_>,
    blob: &[u8],
    kind: BlobKind,
    depth: Depth,
) -> R<Vec<Vec<u8>>> {
    Ok(blob_entries(b, at, s, blob, kind, depth, None)?
        .into_iter()
        .map(BlobEntry::to_vec)
        .collect())
}

/// Whether a stream decode keeps the entries or only checks them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StreamEntries {
    Collect,
    CheckOnly,
}

/// Checks a stream deep without collecting its entries; returns `XLEN`.
pub(crate) fn decode_stream_unlisted(kind: ObjectKind, body: &[u8]) -> R<u64> {
    let ObjectKind::Stream(v) = kind else {
        return Ok(0);
    };
    let b = Body { all: body };
    decode_stream(&b, v, body, Depth::Deep, StreamEntries::CheckOnly).map(|s| s.length)
}

/// A stream's metadata and groups without its entries (checked at
/// `depth`): what `memory` needs, without holding a copy of every entry.
pub(crate) fn decode_stream_without_entries(
    kind: ObjectKind,
    body: &[u8],
    depth: Depth,
) -> R<Option<Stream>> {
    let ObjectKind::Stream(v) = kind else {
        return Ok(None);
    };
    let b = Body { all: body };
    decode_stream(&b, v, body, depth, StreamEntries::CheckOnly).map(Some)
}

fn decode_stream<'a>(
    b: &Body<'a>,
    v: StreamVersion,
    i: &'a [u8],
    depth: Depth,
    keep: StreamEntries,
) -> R<Stream> {
    let version = v.0;
    let mut st = Stream::default();
    let (mut i, nodes) = b.len(i)?;
    let mut node_keys = HashSet::new();
    for _ in 0..nodes {
        let at = i;
        let (r, key) = b.bytes_of(i)?;
        if key.len() != 16 {
            return Err(b.err(
                at,
                RdbErrorKind::Invalid(
                    "Stream node key entry is not the size of a stream ID".into(),
                ),
            ));
        }
        let mut k = [0u8; 16];
        k.copy_from_slice(&key);
        let master = StreamId::from_be_bytes(&k);
        if !node_keys.insert(master) {
            return Err(b.err(
                at,
                RdbErrorKind::Invalid("Listpack re-added with existing key".into()),
            ));
        }
        let (blob, lp_at, s) = blob_of(b, r)?;
        let e = |err| blob_error_at(b, lp_at, &s, err);
        encoding::stream::validate(master, &blob, depth).map_err(e)?;
        if keep == StreamEntries::CheckOnly {
            i = b.str(r)?.0;
            continue;
        }
        for entry in encoding::stream::entries(master, &blob).map_err(e)? {
            let entry = entry.map_err(e)?;
            if entry.deleted {
                continue;
            }
            st.entries.push(StreamEntry {
                id: entry.id,
                fields: entry
                    .fields
                    .iter()
                    .map(|(f, v)| (f.to_vec(), v.to_vec()))
                    .collect(),
            });
        }
        i = b.str(r)?.0;
    }
    let (r, length) = b.len(i)?;
    st.length = length;
    let (r, last) = b.run(stream_id_lens(r), r)?;
    st.last_id = last;
    i = r;
    if version >= 2 {
        let (r, first) = b.run(stream_id_lens(i), i)?;
        let (r, maxdel) = b.run(stream_id_lens(r), r)?;
        let (r, added) = b.len(r)?;
        st.first_id = first;
        st.max_deleted_id = maxdel;
        st.entries_added = added;
        i = r;
    } else {
        st.first_id = st.entries.first().map(|e| e.id).unwrap_or_default();
        st.entries_added = length;
    }
    if length > 0 && nodes == 0 {
        return Err(b.err(
            i,
            RdbErrorKind::Invalid("Stream length inconsistent with rax entries".into()),
        ));
    }
    let (r, groups) = b.len(i)?;
    i = r;
    let mut group_names = HashSet::new();
    for _ in 0..groups {
        let at = i;
        let (r, name) = b.vec(i)?;
        if !group_names.insert(name.clone()) {
            return Err(b.err(
                at,
                RdbErrorKind::Invalid(format!(
                    "Duplicated consumer group name {}",
                    String::from_utf8_lossy(&name)
                )),
            ));
        }
        let (r, last_id) = b.run(stream_id_lens(r), r)?;
        let (r, entries_read) = if version >= 2 {
            let (r, n) = b.len(r)?;
            (r, (n != u64::MAX).then_some(n))
        } else {
            (r, None)
        };
        let (mut r, pel_n) = b.len(r)?;
        let mut pending = Vec::with_capacity(min_cap(pel_n, r));
        let mut pel_ids = HashSet::new();
        for _ in 0..pel_n {
            let at = r;
            let (r2, id) = b.run(stream_id128(r), r)?;
            let (r2, delivery_time) = b.run(ms64(r2), r2)?;
            let (r2, delivery_count) = b.len(r2)?;
            if !pel_ids.insert(id) {
                return Err(b.err(
                    at,
                    RdbErrorKind::Invalid(
                        "Duplicated global PEL entry loading stream consumer group".into(),
                    ),
                ));
            }
            pending.push(StreamPendingEntry {
                id,
                delivery_time,
                delivery_count,
            });
            r = r2;
        }
        let (mut r, cons_n) = b.len(r)?;
        let mut consumers = Vec::with_capacity(min_cap(cons_n, r));
        let mut cons_names = HashSet::new();
        let mut owned = HashSet::new();
        for _ in 0..cons_n {
            let at = r;
            let (r2, cname) = b.vec(r)?;
            if !cons_names.insert(cname.clone()) {
                return Err(b.err(
                    at,
                    RdbErrorKind::Invalid("Duplicate stream consumer detected.".into()),
                ));
            }
            let (r2, seen_time) = b.run(ms64(r2), r2)?;
            let (r2, active_time) = if version >= 3 {
                b.run(ms64(r2), r2)?
            } else {
                (r2, seen_time)
            };
            let (mut r2, n) = b.len(r2)?;
            let mut ids = Vec::with_capacity(min_cap(n, r2));
            for _ in 0..n {
                let at = r2;
                let (r3, id) = b.run(stream_id128(r2), r2)?;
                if !pel_ids.contains(&id) || !owned.insert(id) {
                    return Err(b.err(
                        at,
                        RdbErrorKind::Invalid(
                            "Consumer entry not found in group global PEL".into(),
                        ),
                    ));
                }
                ids.push(id);
                r2 = r3;
            }
            consumers.push(StreamConsumer {
                name: cname,
                seen_time,
                active_time,
                pending: ids,
            });
            r = r2;
        }
        let mut nacked = Vec::new();
        if version >= 5 {
            let (mut r2, n) = b.len(r)?;
            for _ in 0..n {
                let at = r2;
                let (r3, id) = b.run(stream_id128(r2), r2)?;
                if !pel_ids.contains(&id) {
                    return Err(b.err(
                        at,
                        RdbErrorKind::Invalid(
                            "Stream NACK zone entry not found in group global PEL".into(),
                        ),
                    ));
                }
                if owned.contains(&id) {
                    return Err(b.err(
                        at,
                        RdbErrorKind::Invalid(
                            "Stream NACK zone entry has a consumer assigned".into(),
                        ),
                    ));
                }
                nacked.push(id);
                r2 = r3;
            }
            r = r2;
        }
        if depth == Depth::Deep {
            let nack: HashSet<_> = nacked.iter().copied().collect();
            if pending
                .iter()
                .any(|p| !owned.contains(&p.id) && !nack.contains(&p.id))
            {
                return Err(b.err(
                    at,
                    RdbErrorKind::Invalid(if version >= 5 {
                        "Stream CG PEL entry without consumer outside NACK zone".into()
                    } else {
                        "Stream CG PEL entry without consumer".into()
                    }),
                ));
            }
        }
        st.groups.push(StreamGroup {
            name,
            last_id,
            entries_read,
            pending,
            consumers,
            nacked,
        });
        i = r;
    }
    if version >= 4 {
        let at = i;
        let (r, duration) = b.len(i)?;
        let (r, max_entries) = b.len(r)?;
        if depth == Depth::Deep
            && (!(1..=86400).contains(&duration) || !(1..=10000).contains(&max_entries))
        {
            return Err(b.err(
                at,
                RdbErrorKind::Invalid(format!(
                    "stream IDMP settings out of range: duration {duration} (1..86400), max entries {max_entries} (1..10000)"
                )),
            ));
        }
        let (mut r, producers) = b.len(r)?;
        let mut prods = Vec::with_capacity(min_cap(producers, r));
        for _ in 0..producers {
            let (r2, pid) = b.vec(r)?;
            let (mut r2, n) = b.len(r2)?;
            let mut entries = Vec::with_capacity(min_cap(n, r2));
            for _ in 0..n {
                let (r3, iid) = b.vec(r2)?;
                let (r3, id) = b.run(stream_id_lens(r3), r3)?;
                entries.push(StreamIdmpEntry { iid, id });
                r2 = r3;
            }
            prods.push(StreamIdmpProducer { pid, entries });
            r = r2;
        }
        let (r, iids_added) = b.len(r)?;
        let (_, iids_duplicates) = b.len(r)?;
        st.idmp = Some(StreamIdmp {
            duration,
            max_entries,
            producers: prods,
            iids_added,
            iids_duplicates,
        });
    }
    Ok(st)
}

/// Formats a double the way Redis's array type prints float elements:
/// shortest round-trip digits, with `.0` added to integral values.
fn array_float(v: f64) -> Vec<u8> {
    let mut s = format!("{v}");
    if !s.contains(['.', 'e', 'E', 'n', 'i']) {
        s.push_str(".0");
    }
    s.into_bytes()
}

fn decode_array<'a>(b: &Body<'a>, i: &'a [u8]) -> R<ArrayValue> {
    let at = i;
    let (i, count) = b.len(i)?;
    if count == 0 {
        return Err(b.err(
            at,
            RdbErrorKind::Invalid("Empty array (count == 0) is invalid".into()),
        ));
    }
    let (mut i, flag) = b.len(i)?;
    let mut arr = ArrayValue::default();
    if flag == 1 {
        let (r, idx) = b.len(i)?;
        arr.insert_idx = Some(idx);
        i = r;
    }
    arr.elements.reserve(min_cap(count, i));
    for _ in 0..count {
        let (r, idx) = b.len(i)?;
        let (r, tag) = b.len(r)?;
        let (r, value) = match tag {
            array_tag::INT => {
                let (r, raw) = b.run(bytes(r, 8), r)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(raw);
                (r, i64::from_le_bytes(a).to_string().into_bytes())
            }
            array_tag::FLOAT => {
                let (r, v) = b.run(double_bin(r), r)?;
                (r, array_float(v))
            }
            array_tag::SMALLSTR => {
                let at = r;
                let (r, s) = b.vec(r)?;
                if s.len() > 7 {
                    return Err(b.err(
                        at,
                        RdbErrorKind::Invalid(format!(
                            "array small string of {} bytes, at most 7",
                            s.len()
                        )),
                    ));
                }
                (r, s)
            }
            _ => b.vec(r)?,
        };
        arr.elements.push((idx, value));
        i = r;
    }
    Ok(arr)
}

/// Checks a value and summarizes it without keeping it. At
/// [`Depth::Header`] this only looks at what is cheap (uncompressed blob
/// headers, counts); at [`Depth::Deep`] it decodes everything.
pub fn inspect_value(kind: ObjectKind, body: &[u8], depth: Depth) -> R<ValueSummary> {
    if depth == Depth::Deep {
        return super::validate::validate_value(kind, body);
    }
    let b = Body { all: body };
    use ObjectKind::*;
    let header_count = |i| -> R<ValueSummary> {
        let (_, n) = b.len(i)?;
        Ok(ValueSummary {
            elements: Some(n),
            volatile_fields: 0,
            empty: n == 0,
        })
    };
    match kind {
        String => {
            let (_, s) = b.str(body)?;
            Ok(ValueSummary {
                elements: Some(s.len()),
                ..Default::default()
            })
        }
        ListLinked | SetHashtable | ZsetV1 | ZsetV2 | HashHashtable => header_count(body),
        HashMetadataPreGa | ValkeyHash2 | HashMetadata => {
            // Field TTLs need a walk of the fields; it is cheap (no
            // decompression) and the checker reports them.
            let v = decode_value(kind, body, Depth::Header)?;
            let Value::Hash(h) = v else {
                return Ok(ValueSummary::default());
            };
            Ok(ValueSummary {
                elements: Some(h.len() as u64),
                volatile_fields: h.iter().filter(|f| f.expire_ms.is_some()).count() as u64,
                empty: h.is_empty(),
            })
        }
        HashListpackEx | HashListpackExPreGa => {
            // Every field of such a hash was written with a TTL slot; count
            // the non-zero ones only when the blob is at hand uncompressed.
            let i = if kind == HashListpackEx {
                b.run(ms64(body), body)?.0
            } else {
                body
            };
            let (_, s) = b.str(i)?;
            match s {
                RdbStr::Raw(_) => {
                    let v = decode_value(kind, body, Depth::Header)?;
                    let Value::Hash(h) = v else {
                        return Ok(ValueSummary::default());
                    };
                    Ok(ValueSummary {
                        elements: Some(h.len() as u64),
                        volatile_fields: h.iter().filter(|f| f.expire_ms.is_some()).count() as u64,
                        empty: h.is_empty(),
                    })
                }
                _ => Ok(ValueSummary {
                    elements: None,
                    volatile_fields: 1,
                    empty: false,
                }),
            }
        }
        ListZiplist | ZsetZiplist | HashZiplist => {
            let (_, s) = b.str(body)?;
            if let RdbStr::Raw(blob) = s {
                let h =
                    encoding::ziplist::header(blob).map_err(|e| blob_error_at(&b, body, &s, e))?;
                let n = u64::from(h.zllen);
                let per = if kind == ListZiplist { 1 } else { 2 };
                return Ok(ValueSummary {
                    elements: (h.zllen != u16::MAX).then_some(n / per),
                    volatile_fields: 0,
                    empty: n == 0,
                });
            }
            Ok(ValueSummary::default())
        }
        HashListpack | ZsetListpack | SetListpack => {
            let (_, s) = b.str(body)?;
            if let RdbStr::Raw(blob) = s {
                let h =
                    encoding::listpack::header(blob).map_err(|e| blob_error_at(&b, body, &s, e))?;
                let n = u64::from(h.num_elements);
                let per = if kind == SetListpack { 1 } else { 2 };
                return Ok(ValueSummary {
                    elements: (h.num_elements != u16::MAX).then_some(n / per),
                    volatile_fields: 0,
                    empty: n == 0,
                });
            }
            Ok(ValueSummary::default())
        }
        SetIntset => {
            let (_, s) = b.str(body)?;
            if let RdbStr::Raw(blob) = s {
                let n = encoding::intset::validate(blob, Depth::Header)
                    .map_err(|e| blob_error_at(&b, body, &s, e))?;
                return Ok(ValueSummary {
                    elements: Some(n),
                    ..Default::default()
                });
            }
            Ok(ValueSummary::default())
        }
        HashZipmap => {
            let (_, s) = b.str(body)?;
            if let RdbStr::Raw(blob) = s {
                let n = encoding::zipmap::validate(blob, Depth::Header)
                    .map_err(|e| blob_error_at(&b, body, &s, e))?;
                return Ok(ValueSummary {
                    elements: Some(n),
                    ..Default::default()
                });
            }
            Ok(ValueSummary::default())
        }
        ListQuicklist | ListQuicklist2 => {
            let (_, n) = b.len(body)?;
            Ok(ValueSummary {
                elements: None,
                volatile_fields: 0,
                empty: n == 0,
            })
        }
        Stream(_) | Module2 | Array | ModulePreGa => {
            // Small relative to their framing walk; decode for exact counts.
            let v = decode_value(kind, body, Depth::Header)?;
            Ok(ValueSummary {
                elements: Some(v.len() as u64),
                ..Default::default()
            })
        }
    }
}
