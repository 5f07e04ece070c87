//! A collection's elements handed one at a time to an [`ElementSink`] as
//! they are decoded, borrowed from the value's bytes.
//!
//! [`decode_value`](super::object::decode_value) builds a `model::Value`:
//! one allocation per element and memory in proportion to the value. A
//! consumer that only renders or measures elements (`dump`, `memory`)
//! takes them from here instead. The same per-item decoding serves a value
//! held whole ([`visit_elements`]) and one the reader walks in pieces
//! because it is too large to hold ([`ElementPieces`], fed by
//! [`RdbReader::next_record_with`](super::RdbReader::next_record_with)),
//! so a hash of a billion fields renders in flat memory.
//!
//! Only lists, sets, sorted sets and hashes have elements here; strings,
//! streams, module values and arrays are decoded whole.

use super::consts::{
    EB_EXPIRE_TIME_MAX, QUICKLIST_NODE_CONTAINER_PACKED, QUICKLIST_NODE_CONTAINER_PLAIN,
};
use super::encoding::{self, BlobEntry, BlobKind, Depth};
use super::error::RdbErrorKind;
use super::kind::ObjectKind;
use super::object::{blob_of, Body, ObjectError};
use super::primitives::{double_bin, double_str, ms64, RdbStr};
use crate::model::StreamId;

type R<T> = Result<T, ObjectError>;

/// One element of a collection; integers stay integers (their text is the
/// element, as Redis replies with it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Element<'a> {
    /// A list element or a set member.
    Member(BlobEntry<'a>),
    /// A sorted set member and its score.
    Scored(BlobEntry<'a>, f64),
    /// A hash field, its value, and its expiry (Unix ms) when it has one.
    Field(BlobEntry<'a>, BlobEntry<'a>, Option<i64>),
}

/// How a quicklist node was stored, reported after its elements (sizes
/// are of the node's data, LZF expanded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuicklistNode {
    /// One element in a node of its own (quicklist 2).
    Plain(usize),
    /// A listpack of this many bytes (quicklist 2).
    Listpack(usize),
    /// A ziplist of this many bytes (quicklist 1).
    Ziplist(usize),
}

/// Receives the elements of a value in stored order.
pub trait ElementSink {
    /// The next element.
    fn element(&mut self, e: Element<'_>);
    /// A quicklist's node ended (quicklists only; for consumers such as
    /// `memory` that charge nodes as stored).
    fn quicklist_node(&mut self, _node: QuicklistNode) {}
}

/// Whether values of `kind` are visited by element (lists, sets, sorted
/// sets and hashes in every encoding).
pub fn has_elements(kind: ObjectKind) -> bool {
    use ObjectKind::*;
    !matches!(kind, String | Stream(_) | ModulePreGa | Module2 | Array)
}

/// Whether a value of `kind` can be walked in pieces and still be visited
/// by element: a count followed by self-contained items. Packed encodings
/// (one ziplist or listpack string) must be held whole.
pub fn has_element_pieces(kind: ObjectKind) -> bool {
    Counted::of(kind).is_some()
}

/// Visits the elements of a whole value of `kind`; `Ok(false)` (and no
/// element) when the kind has none ([`has_elements`]). Blobs are checked
/// at `depth`; duplicates are not looked for (that is `check --deep`'s).
pub fn visit_elements(
    kind: ObjectKind,
    body: &[u8],
    depth: Depth,
    sink: &mut dyn ElementSink,
) -> R<bool> {
    let b = Body { all: body };
    if let Some(counted) = Counted::of(kind) {
        let mut pieces = ElementPieces::new(counted);
        let (mut i, n) = pieces.header_in(&b, body)?;
        for _ in 0..n {
            i = pieces.item_in(&b, i, depth, sink)?;
        }
        return Ok(true);
    }
    use ObjectKind::*;
    if !has_elements(kind) {
        return Ok(false);
    }
    // The GA hash-with-TTLs blob follows an 8-byte minimum expiry.
    let start = if kind == HashListpackEx {
        b.run(ms64(body), body)?.0
    } else {
        body
    };
    let (blob, at, s) = blob_of(&b, start)?;
    let e = |err| super::object::blob_error_at(&b, at, &s, err);
    match kind {
        HashZipmap => {
            encoding::zipmap::validate(&blob, depth).map_err(e)?;
            for pair in encoding::zipmap::entries(&blob).map_err(e)? {
                let (f, v) = pair.map_err(e)?;
                sink.element(Element::Field(
                    BlobEntry::Bytes(f),
                    BlobEntry::Bytes(v),
                    None,
                ));
            }
        }
        SetIntset => {
            encoding::intset::validate(&blob, depth).map_err(e)?;
            for v in encoding::intset::iter(&blob).map_err(e)? {
                sink.element(Element::Member(BlobEntry::Int(v)));
            }
        }
        ListZiplist => blob_members(&b, at, &s, &blob, BlobKind::Ziplist, depth, sink)?,
        SetListpack => blob_members(&b, at, &s, &blob, BlobKind::Listpack, depth, sink)?,
        ZsetZiplist | ZsetListpack => {
            let blob_kind = if kind == ZsetZiplist {
                BlobKind::Ziplist
            } else {
                BlobKind::Listpack
            };
            let mut member = None;
            blob_each(&b, at, &s, &blob, blob_kind, depth, Some(2), &mut |entry| {
                match member.take() {
                    None => member = Some(entry),
                    Some(m) => {
                        let score = entry.as_f64().ok_or_else(|| {
                            b.err(
                                at,
                                RdbErrorKind::Invalid("zset score is not a number".into()),
                            )
                        })?;
                        if score.is_nan() {
                            return Err(super::object::nan_score(&b, at));
                        }
                        sink.element(Element::Scored(m, score));
                    }
                }
                Ok(())
            })?;
        }
        HashZiplist | HashListpack => {
            let blob_kind = if kind == HashZiplist {
                BlobKind::Ziplist
            } else {
                BlobKind::Listpack
            };
            let mut field = None;
            blob_each(&b, at, &s, &blob, blob_kind, depth, Some(2), &mut |entry| {
                match field.take() {
                    None => field = Some(entry),
                    Some(f) => sink.element(Element::Field(f, entry, None)),
                }
                Ok(())
            })?;
        }
        HashListpackEx | HashListpackExPreGa => {
            let mut pending: (Option<BlobEntry<'_>>, Option<BlobEntry<'_>>) = (None, None);
            blob_each(
                &b,
                at,
                &s,
                &blob,
                BlobKind::Listpack,
                depth,
                Some(3),
                &mut |entry| {
                    match pending {
                        (None, _) => pending.0 = Some(entry),
                        (Some(_), None) => pending.1 = Some(entry),
                        (Some(f), Some(v)) => {
                            pending = (None, None);
                            let BlobEntry::Int(ttl) = entry else {
                                return Err(b.err(
                                    at,
                                    RdbErrorKind::Invalid(
                                        "hash field TTL is not an integer".into(),
                                    ),
                                ));
                            };
                            if ttl < 0 || ttl as u64 > EB_EXPIRE_TIME_MAX {
                                return Err(b.err(
                                    at,
                                    RdbErrorKind::Invalid(format!("invalid expireAt time: {ttl}")),
                                ));
                            }
                            sink.element(Element::Field(f, v, (ttl != 0).then_some(ttl)));
                        }
                    }
                    Ok(())
                },
            )?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Calls `f` on each entry of a ziplist or listpack blob checked at
/// `depth`, in tuples of `tuple` checked as `decode_value` checks them
/// ([`encoding::check_tuples`], in the same pass).
#[allow(clippy::too_many_arguments)]
fn blob_each<'x>(
    b: &Body<'_>,
    at: &[u8],
    s: &RdbStr<'_>,
    blob: &'x [u8],
    kind: BlobKind,
    depth: Depth,
    tuple: Option<usize>,
    f: &mut dyn FnMut(BlobEntry<'x>) -> R<()>,
) -> R<()> {
    let e = |err| super::object::blob_error_at(b, at, s, err);
    if kind == BlobKind::Ziplist {
        encoding::ziplist::validate(blob, depth).map_err(e)?;
        each_entry(
            encoding::ziplist::entries(blob).map_err(e)?,
            kind,
            depth,
            tuple,
            f,
        )
    } else {
        encoding::listpack::validate(blob, depth).map_err(e)?;
        each_entry(
            encoding::listpack::entries(blob).map_err(e)?,
            kind,
            depth,
            tuple,
            f,
        )
    }
    .map_err(|err| match err {
        Stop::Blob(err) => e(err),
        Stop::Sink(err) => err,
    })
}

/// Why [`each_entry`] stopped.
enum Stop {
    Blob(encoding::BlobError),
    Sink(ObjectError),
}

fn each_entry<'x>(
    entries: impl Iterator<Item = Result<BlobEntry<'x>, encoding::BlobError>>,
    kind: BlobKind,
    depth: Depth,
    tuple: Option<usize>,
    f: &mut dyn FnMut(BlobEntry<'x>) -> R<()>,
) -> Result<(), Stop> {
    let mut failed = None;
    let fed = entries.inspect(|entry| {
        if let (Ok(entry), None) = (entry, &failed) {
            failed = f(*entry).err();
        }
    });
    match tuple {
        Some(t) => {
            encoding::check_tuples(kind, fed, t, depth).map_err(Stop::Blob)?;
        }
        None => {
            for entry in fed {
                entry.map_err(Stop::Blob)?;
            }
        }
    }
    failed.map_or(Ok(()), |err| Err(Stop::Sink(err)))
}

fn blob_members(
    b: &Body<'_>,
    at: &[u8],
    s: &RdbStr<'_>,
    blob: &[u8],
    kind: BlobKind,
    depth: Depth,
    sink: &mut dyn ElementSink,
) -> R<()> {
    blob_each(b, at, s, blob, kind, depth, None, &mut |entry| {
        sink.element(Element::Member(entry));
        Ok(())
    })
}

/// The layouts that are a count followed by self-contained items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    /// STR: linked list, hashtable set.
    Members,
    /// STR, DBL_S: sorted set v1.
    ZsetText,
    /// STR, 8-byte double: sorted set v2.
    ZsetBinary,
    /// STR, STR: hashtable hash.
    Fields,
    /// STR(ziplist): quicklist of ziplists.
    ZiplistNodes,
    /// LEN(container), STR: quicklist 2 nodes.
    QuicklistNodes,
    /// LEN(ttl), STR, STR; the TTL relative to a minimum (GA) or absolute.
    FieldsWithTtl { relative: bool },
    /// STR, STR, 8-byte expiry (-1: none): Valkey HASH_2.
    ValkeyFields,
}

impl Counted {
    fn of(kind: ObjectKind) -> Option<Counted> {
        use ObjectKind::*;
        Some(match kind {
            ListLinked | SetHashtable => Counted::Members,
            ZsetV1 => Counted::ZsetText,
            ZsetV2 => Counted::ZsetBinary,
            HashHashtable => Counted::Fields,
            ListQuicklist => Counted::ZiplistNodes,
            ListQuicklist2 => Counted::QuicklistNodes,
            HashMetadata => Counted::FieldsWithTtl { relative: true },
            HashMetadataPreGa => Counted::FieldsWithTtl { relative: false },
            ValkeyHash2 => Counted::ValkeyFields,
            _ => return None,
        })
    }
}

/// Decodes a count-prefixed value piece by piece: its header, then each
/// item as the reader's walk delimits it.
#[derive(Debug, Clone)]
pub struct ElementPieces {
    layout: Counted,
    /// The GA hash-with-TTL format stores TTLs relative to this.
    min_expire: i64,
}

impl ElementPieces {
    fn new(layout: Counted) -> Self {
        ElementPieces {
            layout,
            min_expire: 0,
        }
    }

    /// A decoder for a value of `kind`, `None` when it has no pieces
    /// ([`has_element_pieces`]).
    pub fn for_kind(kind: ObjectKind) -> Option<Self> {
        Counted::of(kind).map(ElementPieces::new)
    }

    /// Reads the header (`bytes` must hold all of it); returns the count.
    pub fn header(&mut self, bytes: &[u8]) -> R<u64> {
        let b = Body { all: bytes };
        self.header_in(&b, bytes).map(|(_, n)| n)
    }

    /// Decodes one item (`bytes` holds exactly one), passing its elements
    /// to `sink`.
    pub fn item(&mut self, bytes: &[u8], depth: Depth, sink: &mut dyn ElementSink) -> R<()> {
        let b = Body { all: bytes };
        self.item_in(&b, bytes, depth, sink).map(|_| ())
    }

    fn header_in<'a>(&mut self, b: &Body<'a>, i: &'a [u8]) -> R<(&'a [u8], u64)> {
        let i = if self.layout == (Counted::FieldsWithTtl { relative: true }) {
            let (rest, m) = b.run(ms64(i), i)?;
            if m as u64 > EB_EXPIRE_TIME_MAX + 1 {
                return Err(b.err(
                    i,
                    RdbErrorKind::Invalid(format!("Hash read invalid minExpire value {m}")),
                ));
            }
            self.min_expire = m;
            rest
        } else {
            i
        };
        b.len(i)
    }

    fn item_in<'a>(
        &self,
        b: &Body<'a>,
        i: &'a [u8],
        depth: Depth,
        sink: &mut dyn ElementSink,
    ) -> R<&'a [u8]> {
        let at = i;
        match self.layout {
            Counted::Members => {
                let (r, s) = b.str(i)?;
                sink.element(Element::Member(expand(b, i, s)?.get()));
                Ok(r)
            }
            Counted::ZsetText | Counted::ZsetBinary => {
                let (r, s) = b.str(i)?;
                let (r, score) = if self.layout == Counted::ZsetText {
                    b.run(double_str(r), r)?
                } else {
                    b.run(double_bin(r), r)?
                };
                if score.is_nan() {
                    return Err(super::object::nan_score(b, at));
                }
                sink.element(Element::Scored(expand(b, i, s)?.get(), score));
                Ok(r)
            }
            Counted::Fields => {
                let (r, f) = b.str(i)?;
                let (r2, v) = b.str(r)?;
                let (f, v) = (expand(b, i, f)?, expand(b, r, v)?);
                sink.element(Element::Field(f.get(), v.get(), None));
                Ok(r2)
            }
            Counted::ZiplistNodes => {
                let (r, _) = b.str(i)?;
                let (blob, at, s) = blob_of(b, i)?;
                blob_members(b, at, &s, &blob, BlobKind::Ziplist, depth, sink)?;
                sink.quicklist_node(QuicklistNode::Ziplist(blob.len()));
                Ok(r)
            }
            Counted::QuicklistNodes => {
                let (r, container) = b.len(i)?;
                let (r2, s) = b.str(r)?;
                if s.is_empty() {
                    return Err(b.err(r, RdbErrorKind::Invalid("empty quicklist node".into())));
                }
                match container {
                    QUICKLIST_NODE_CONTAINER_PLAIN => {
                        let plain = expand(b, r, s)?;
                        let entry = plain.get();
                        sink.element(Element::Member(entry));
                        sink.quicklist_node(QuicklistNode::Plain(entry.string_len()));
                    }
                    QUICKLIST_NODE_CONTAINER_PACKED => {
                        let (blob, at, s) = blob_of(b, r)?;
                        blob_members(b, at, &s, &blob, BlobKind::Listpack, depth, sink)?;
                        sink.quicklist_node(QuicklistNode::Listpack(blob.len()));
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
                Ok(r2)
            }
            Counted::FieldsWithTtl { relative } => {
                let (r, ttl) = b.len(i)?;
                let expire = match ttl {
                    0 => None,
                    t if relative => Some((t as i64).wrapping_add(self.min_expire).wrapping_sub(1)),
                    t => Some(t as i64),
                };
                if let Some(e) = expire {
                    if e < 0 || e as u64 > EB_EXPIRE_TIME_MAX {
                        return Err(b.err(
                            at,
                            RdbErrorKind::Invalid(format!("invalid expireAt time: {e}")),
                        ));
                    }
                }
                let (r2, f) = b.str(r)?;
                let (r3, v) = b.str(r2)?;
                let (f, v) = (expand(b, r, f)?, expand(b, r2, v)?);
                sink.element(Element::Field(f.get(), v.get(), expire));
                Ok(r3)
            }
            Counted::ValkeyFields => {
                let (r, f) = b.str(i)?;
                let (r2, v) = b.str(r)?;
                let (r3, expire) = b.run(ms64(r2), r2)?;
                if expire < -1 {
                    return Err(b.err(
                        at,
                        RdbErrorKind::Invalid(format!("invalid field expiry {expire}")),
                    ));
                }
                let (f, v) = (expand(b, i, f)?, expand(b, r, v)?);
                sink.element(Element::Field(
                    f.get(),
                    v.get(),
                    (expire != -1).then_some(expire),
                ));
                Ok(r3)
            }
        }
    }
}

/// A stored string as an entry: borrowed, or expanded when LZF.
enum Expanded<'a> {
    Entry(BlobEntry<'a>),
    Lzf(Vec<u8>),
}

impl Expanded<'_> {
    fn get(&self) -> BlobEntry<'_> {
        match self {
            Expanded::Entry(e) => *e,
            Expanded::Lzf(v) => BlobEntry::Bytes(v),
        }
    }
}

fn expand<'a>(b: &Body<'_>, at: &[u8], s: RdbStr<'a>) -> R<Expanded<'a>> {
    Ok(match s {
        RdbStr::Raw(raw) => Expanded::Entry(BlobEntry::Bytes(raw)),
        RdbStr::Int(v) => Expanded::Entry(BlobEntry::Int(v)),
        RdbStr::Lzf { .. } => Expanded::Lzf(s.to_bytes().map_err(|k| b.err(at, k))?.into_owned()),
    })
}

/// A stream entry's `(field, value)` pairs.
pub type StreamFields<'a> = [(BlobEntry<'a>, BlobEntry<'a>)];

/// Calls `f` with each entry of a stream value (deleted entries skipped),
/// in stored order, borrowing the fields from the node listpacks, until
/// `f` returns false. The nodes' validation is `decode_value`'s (or
/// `decode_stream_without_entries`'s); this walk only reads.
pub fn visit_stream_entries(
    body: &[u8],
    f: &mut dyn FnMut(StreamId, &StreamFields<'_>) -> bool,
) -> R<()> {
    let b = Body { all: body };
    let (mut i, nodes) = b.len(body)?;
    for _ in 0..nodes {
        let at = i;
        let (r, key) = b.bytes_of(i)?;
        let Ok(k) = <[u8; 16]>::try_from(key.as_ref()) else {
            return Err(b.err(
                at,
                RdbErrorKind::Invalid(
                    "Stream node key entry is not the size of a stream ID".into(),
                ),
            ));
        };
        let master = StreamId::from_be_bytes(&k);
        let (blob, lp_at, s) = blob_of(&b, r)?;
        let e = |err| super::object::blob_error_at(&b, lp_at, &s, err);
        for entry in encoding::stream::entries(master, &blob).map_err(e)? {
            let entry = entry.map_err(e)?;
            if !entry.deleted && !f(entry.id, &entry.fields) {
                return Ok(());
            }
        }
        i = b.str(r)?.0;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Every collection of every fixture gives the same elements here as
    //! `decode_value` gives, held whole and walked in pieces.

    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::model::{HashField, Value};
    use crate::rdb::frame::Piece;
    use crate::rdb::object::decode_value;
    use crate::rdb::RdbError;
    use crate::rdb::{LargeValues, PieceSink, RdbReader, ReaderOptions, Record, WalkedKey};

    /// Rebuilds a value from its elements.
    #[derive(Default)]
    struct Collect {
        members: Vec<Vec<u8>>,
        scored: Vec<(Vec<u8>, f64)>,
        fields: Vec<HashField>,
    }

    impl ElementSink for Collect {
        fn element(&mut self, e: Element<'_>) {
            match e {
                Element::Member(m) => self.members.push(m.to_vec()),
                Element::Scored(m, s) => self.scored.push((m.to_vec(), s)),
                Element::Field(f, v, ttl) => self.fields.push(HashField {
                    field: f.to_vec(),
                    value: v.to_vec(),
                    expire_ms: ttl,
                }),
            }
        }
    }

    impl Collect {
        fn value(self, like: &Value) -> Value {
            match like {
                Value::List(_) => Value::List(self.members),
                Value::Set(_) => Value::Set(self.members),
                Value::SortedSet(_) => Value::SortedSet(self.scored),
                Value::Hash(_) => Value::Hash(self.fields),
                other => panic!("not a collection: {other:?}"),
            }
        }
    }

    /// Collects the pieces of every walked value, keyed by key name.
    #[derive(Default)]
    struct Pieces {
        current: Option<(Vec<u8>, ElementPieces, Collect)>,
        done: BTreeMap<Vec<u8>, Collect>,
    }

    impl PieceSink for Pieces {
        fn begin(&mut self, key: &WalkedKey<'_>) -> bool {
            if let Some((k, _, c)) = self.current.take() {
                self.done.insert(k, c);
            }
            let decoder = ElementPieces::for_kind(key.kind).expect("walked kinds have pieces");
            self.current = Some((key.key.to_vec(), decoder, Collect::default()));
            true
        }

        fn piece(&mut self, offset: u64, piece: Piece<'_>) -> Result<(), RdbError> {
            let (_, d, c) = self.current.as_mut().expect("begun");
            match piece {
                Piece::Header(b) => d.header(b).map(|_| ()),
                Piece::Item(b) => d.item(b, Depth::Header, c),
            }
            .map_err(|e| RdbError::new(offset + e.offset as u64, e.kind))
        }
    }

    /// Reads 5 bytes at a time, so that records are seen incomplete and
    /// the reader walks them.
    struct Trickle<'a>(&'a [u8]);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(5).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn rdb_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                rdb_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rdb") {
                out.push(p);
            }
        }
    }

    /// The whole-value decoding of every key of a file (None: unreadable).
    fn decoded(bytes: &[u8]) -> Option<BTreeMap<Vec<u8>, (ObjectKind, Value)>> {
        let mut r = RdbReader::new(bytes).ok()?;
        let mut out = BTreeMap::new();
        while let Ok(Some(l)) = r.next_record() {
            if let Record::Key(k) = l.record {
                let v = decode_value(k.kind, k.body, Depth::Header).ok()?;
                out.insert(k.key.to_bytes().ok()?.into_owned(), (k.kind, v));
            }
        }
        Some(out)
    }

    #[test]
    #[allow(clippy::print_stderr)]
    fn elements_match_decoded_values_whole_and_in_pieces() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rdb_files(&root.join("fixtures"), &mut files);
        let shared = root.join("../shared/fixtures");
        if shared.is_dir() {
            rdb_files(&shared, &mut files);
        } else {
            eprintln!("note: ../shared/fixtures is absent; only the repo's fixtures are used");
        }
        let (mut whole, mut walked) = (0, 0);
        for f in &files {
            let bytes = std::fs::read(f).expect("read fixture");
            let Some(values) = decoded(&bytes) else {
                continue;
            };
            for (key, (kind, value)) in &values {
                if !has_elements(*kind) {
                    continue;
                }
                // Held whole: re-read the body.
                let mut r = RdbReader::new(&bytes[..]).expect("header");
                while let Ok(Some(l)) = r.next_record() {
                    let Record::Key(k) = l.record else { continue };
                    if k.key.to_bytes().expect("key").as_ref() != key.as_slice() {
                        continue;
                    }
                    let mut c = Collect::default();
                    let r = visit_elements(k.kind, k.body, Depth::Header, &mut c);
                    assert_eq!(r, Ok(true), "{}: {key:?}", f.display());
                    assert_eq!(&c.value(value), value, "{}: {key:?}", f.display());
                    whole += 1;
                }
            }
            // Walked in pieces: every count-prefixed value of this file.
            let mut r = RdbReader::with_options(
                Trickle(&bytes[..]),
                ReaderOptions {
                    size_hint: Some(bytes.len() as u64),
                    max_held_value: Some(1),
                    large: LargeValues::ElementPieces,
                },
            )
            .expect("header");
            let mut sink = Pieces::default();
            while let Ok(Some(_)) = r.next_record_with(&mut sink) {}
            if let Some((k, _, c)) = sink.current.take() {
                sink.done.insert(k, c);
            }
            for (key, c) in sink.done {
                let (_, value) = &values[&key];
                assert_eq!(&c.value(value), value, "{} (pieces): {key:?}", f.display());
                walked += 1;
            }
        }
        assert!(whole > 0 && walked > 0, "{whole} whole, {walked} walked");
        eprintln!("{whole} values compared whole, {walked} in pieces");
    }
}
