//! Walking the keys of any input for the inspect commands (`dump`, `keys`),
//! with a [`KeyFilter`] applied.
//!
//! An RDB (a file, gzip or zstd, or standard input) is streamed record by
//! record: memory holds one record at a time, so it is bounded by the
//! largest value, never by the file. A value is decoded only when the
//! visitor asks for it ([`KeyItem::value`]), so listing names costs no
//! decoding. An AOF (plain, with an RDB preamble, or a multi-part
//! directory) is replayed through the engine first ([`load_dataset_with`]), as a
//! server loads it, and its keys are then visited in dataset order.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::aof::layout::{resolve_layout, AofLayout};
use crate::filter::{KeyFacts, KeyFilter};
use crate::model::{Entry, Value, ValueType};
use crate::progress::{NoProgress, Progress};
use crate::rdb::elements::{
    has_elements, visit_elements, Element, ElementPieces, ElementSink, QuicklistNode,
};
use crate::rdb::encoding::BlobEntry;
use crate::rdb::encoding::Depth;
use crate::rdb::frame::Piece;
use crate::rdb::header::{Dialect, Family, RdbHeader};
use crate::rdb::object::decode_value;
use crate::rdb::writer::{encode_value, WriteOptions};
use crate::rdb::{
    LargeValues, ObjectKind, PieceSink, RdbError, RdbReader, ReaderOptions, Record, WalkedKey,
};
use crate::replay::{load_dataset_with, ReplayError, SourceFormat};

/// Values larger than this are walked, not held, when no value is needed
/// (`keys`): the same limit `check` uses.
const WALK_ABOVE: usize = 8 << 20;

/// Why an input could not be inspected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InspectError {
    /// The RDB is damaged.
    #[error(transparent)]
    Rdb(#[from] RdbError),
    /// An AOF could not be loaded.
    #[error(transparent)]
    Replay(#[from] ReplayError),
    /// Opening or reading failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A visitor's own failure (writing the output, a value it cannot
    /// express).
    #[error("{0}")]
    Visitor(Box<dyn std::error::Error + Send + Sync>),
    /// The RDB is followed by bytes that are not part of it (an AOF tail
    /// without the `aof-preamble`/`aof-base` aux field that would have sent
    /// the file to replay), found after its keys were visited.
    #[error("{file}: {trailing} bytes follow the RDB (an AOF tail without the aof-preamble or aof-base aux field?)")]
    Trailing {
        /// The input.
        file: PathBuf,
        /// Bytes after the RDB trailer.
        trailing: u64,
    },
}

/// Where a key's value comes from.
#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    /// An RDB record, still encoded.
    Rdb {
        kind: ObjectKind,
        body: &'a [u8],
        body_offset: u64,
        held: bool,
    },
    /// A replayed (or decoded) dataset entry.
    Model(&'a Entry),
}

/// One selected key, handed to a [`KeyVisitor`].
#[derive(Debug, Clone, Copy)]
pub struct KeyItem<'a> {
    /// Database number.
    pub db: u64,
    /// Key name.
    pub key: &'a [u8],
    /// Logical type.
    pub value_type: ValueType,
    /// The encoding name (as `redis-check-rdb` names the type byte, see
    /// [`ObjectKind::name`]): as stored for an RDB; for a replayed AOF, the
    /// encoding redfile's RDB writer would choose (`None` if it cannot).
    pub encoding: Option<&'static str>,
    /// Absolute expiry, Unix ms.
    pub expire_ms: Option<i64>,
    /// LRU idle seconds, when stored.
    pub idle: Option<u64>,
    /// LFU counter, when stored.
    pub freq: Option<u8>,
    /// The value's size in bytes as stored in an RDB.
    pub size: u64,
    src: Source<'a>,
}

/// A key's metadata without its name and value: what a copy of an RDB
/// record needs to become a [`KeyItem`] again (on another thread).
#[derive(Debug, Clone, Copy)]
pub struct KeyMeta {
    /// Database number.
    pub db: u64,
    /// Absolute expiry, Unix ms.
    pub expire_ms: Option<i64>,
    /// LRU idle seconds, when stored.
    pub idle: Option<u64>,
    /// LFU counter, when stored.
    pub freq: Option<u8>,
    /// The value's size in bytes as stored.
    pub size: u64,
}

impl<'a> KeyItem<'a> {
    /// The metadata of this key.
    pub fn meta(&self) -> KeyMeta {
        KeyMeta {
            db: self.db,
            expire_ms: self.expire_ms,
            idle: self.idle,
            freq: self.freq,
            size: self.size,
        }
    }

    /// A key of an RDB record held whole, from a copy of its parts (see
    /// [`KeyItem::encoded`]).
    pub fn from_encoded(
        meta: KeyMeta,
        key: &'a [u8],
        kind: ObjectKind,
        body: &'a [u8],
        body_offset: u64,
    ) -> Self {
        KeyItem {
            db: meta.db,
            key,
            value_type: kind.value_type(),
            encoding: Some(kind.name()),
            expire_ms: meta.expire_ms,
            idle: meta.idle,
            freq: meta.freq,
            size: meta.size,
            src: Source::Rdb {
                kind,
                body,
                body_offset,
                held: true,
            },
        }
    }

    /// The decoded value (decoded now for an RDB record).
    pub fn value(&self) -> Result<Cow<'a, Value>, InspectError> {
        match self.src {
            Source::Model(e) => Ok(Cow::Borrowed(&e.value)),
            Source::Rdb {
                kind,
                body,
                body_offset,
                held,
            } => {
                if !held {
                    return Err(RdbError::new(
                        body_offset,
                        crate::rdb::RdbErrorKind::Invalid(
                            "the value was walked, not held (inspect without values)".into(),
                        ),
                    )
                    .into());
                }
                decode_value(kind, body, Depth::Header)
                    .map(Cow::Owned)
                    .map_err(|e| RdbError::new(body_offset + e.offset as u64, e.kind).into())
            }
        }
    }

    /// Hands the elements of a list, set, sorted set or hash to `sink`, in
    /// stored order, without building the value for an RDB record;
    /// `Ok(false)` for other types (use [`KeyItem::value`]).
    pub fn visit_elements(&self, sink: &mut dyn ElementSink) -> Result<bool, InspectError> {
        match self.src {
            Source::Model(e) => Ok(model_elements(&e.value, sink)),
            Source::Rdb {
                kind,
                body,
                body_offset,
                held,
            } => {
                if !held || !has_elements(kind) {
                    return Ok(false);
                }
                visit_elements(kind, body, Depth::Header, sink)
                    .map_err(|e| RdbError::new(body_offset + e.offset as u64, e.kind).into())
            }
        }
    }

    /// The value's layout and still-encoded body with its offset in the
    /// file, when it comes from an RDB record held whole (`None` for a
    /// replayed AOF, or a value walked without being held).
    pub fn encoded(&self) -> Option<(ObjectKind, &'a [u8], u64)> {
        match self.src {
            Source::Rdb {
                kind,
                body,
                body_offset,
                held: true,
            } => Some((kind, body, body_offset)),
            _ => None,
        }
    }

    /// The key as a dataset entry (value decoded for an RDB record).
    pub fn entry(&self) -> Result<Cow<'a, Entry>, InspectError> {
        if let Source::Model(e) = self.src {
            return Ok(Cow::Borrowed(e));
        }
        Ok(Cow::Owned(Entry {
            key: self.key.to_vec(),
            value: self.value()?.into_owned(),
            expire_ms: self.expire_ms,
            idle: self.idle,
            freq: self.freq,
        }))
    }
}

/// What the inspect walk reports, in file order: AUX fields and function
/// libraries as they come (for an RDB, before the keys), then the selected
/// keys.
pub trait KeyVisitor {
    /// An AUX field.
    fn aux(&mut self, _key: &[u8], _value: &[u8]) -> Result<(), InspectError> {
        Ok(())
    }
    /// A function library's source code.
    fn function(&mut self, _code: &[u8]) -> Result<(), InspectError> {
        Ok(())
    }
    /// A selected key.
    fn key(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError>;
    /// A selected key whose value is too large to hold (with
    /// [`ValueNeed::Elements`]): its elements follow, then
    /// [`large_key_end`](Self::large_key_end). `item.size` is a lower bound.
    fn large_key_start(&mut self, _item: &KeyItem<'_>) -> Result<(), InspectError> {
        Ok(())
    }
    /// The next element of the large key being visited.
    fn element(&mut self, _e: Element<'_>) {}
    /// A node of the large quicklist being visited ended (see
    /// [`ElementSink::quicklist_node`]).
    fn quicklist_node(&mut self, _node: QuicklistNode) {}
    /// The large key's value ended; `item.size` is its size.
    fn large_key_end(&mut self, _item: &KeyItem<'_>) -> Result<(), InspectError> {
        Ok(())
    }
}

/// The elements of a decoded value; false for types without elements.
fn model_elements(value: &Value, sink: &mut dyn ElementSink) -> bool {
    match value {
        Value::List(items) | Value::Set(items) => {
            for m in items {
                sink.element(Element::Member(BlobEntry::Bytes(m)));
            }
        }
        Value::SortedSet(pairs) => {
            for (m, score) in pairs {
                sink.element(Element::Scored(BlobEntry::Bytes(m), *score));
            }
        }
        Value::Hash(fields) => {
            for f in fields {
                sink.element(Element::Field(
                    BlobEntry::Bytes(&f.field),
                    BlobEntry::Bytes(&f.value),
                    f.expire_ms,
                ));
            }
        }
        _ => return false,
    }
    true
}

/// Forwards elements to the visitor.
struct ToVisitor<'v>(&'v mut dyn KeyVisitor);

impl ElementSink for ToVisitor<'_> {
    fn element(&mut self, e: Element<'_>) {
        self.0.element(e);
    }
    fn quicklist_node(&mut self, node: QuicklistNode) {
        self.0.quicklist_node(node);
    }
}

/// Receives the pieces of values too large to hold: selects the key, then
/// decodes the pieces into elements for the visitor.
struct LargeKeys<'v> {
    visitor: &'v mut dyn KeyVisitor,
    filter: &'v KeyFilter,
    now: i64,
    /// The lower bound of a walked value's size.
    min_size: u64,
    /// The decoder of the value being walked, when it was selected.
    decoder: Option<ElementPieces>,
    /// A visitor error raised where the reader cannot take it.
    failed: Option<InspectError>,
}

impl PieceSink for LargeKeys<'_> {
    fn begin(&mut self, key: &WalkedKey<'_>) -> bool {
        let item = KeyItem {
            db: key.db,
            key: key.key,
            value_type: key.kind.value_type(),
            encoding: Some(key.kind.name()),
            expire_ms: key.expire.map(|e| e.ms),
            idle: key.idle,
            freq: key.freq,
            size: self.min_size,
            src: Source::Rdb {
                kind: key.kind,
                body: &[],
                body_offset: key.body_offset,
                held: false,
            },
        };
        if !self.filter.accepts_db(key.db) || !self.filter.accepts(&facts(&item), self.now) {
            return false;
        }
        let Some(decoder) = ElementPieces::for_kind(key.kind) else {
            return false;
        };
        match self.visitor.large_key_start(&item) {
            Ok(()) => {
                self.decoder = Some(decoder);
                true
            }
            Err(e) => {
                self.failed = Some(e);
                false
            }
        }
    }

    fn piece(&mut self, offset: u64, piece: Piece<'_>) -> Result<(), RdbError> {
        let Some(decoder) = &mut self.decoder else {
            return Ok(());
        };
        let r = match piece {
            Piece::Header(b) => decoder.header(b).map(|_| ()),
            Piece::Item(b) => decoder.item(b, Depth::Header, &mut ToVisitor(&mut *self.visitor)),
        };
        r.map_err(|e| RdbError::new(offset + e.offset as u64, e.kind))
    }
}

/// How much of the values the visitor needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueNeed {
    /// Names and metadata only: values larger than 8 MiB are walked and
    /// dropped, keeping memory flat.
    None,
    /// [`KeyItem::value`] on every key: every value is held whole.
    Whole,
    /// Elements: a list, set, sorted set or hash larger than 8 MiB whose
    /// layout allows it is walked in pieces and its elements are handed
    /// to [`KeyVisitor::element`] between [`KeyVisitor::large_key_start`]
    /// and [`KeyVisitor::large_key_end`], keeping memory flat; other values
    /// come whole to [`KeyVisitor::key`], where
    /// [`KeyItem::visit_elements`] gives a collection's elements.
    Elements,
}

/// Options of [`inspect_path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InspectOptions {
    /// What the visitor needs of the values.
    pub values: ValueNeed,
}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions {
            values: ValueNeed::Whole,
        }
    }
}

/// What [`inspect_path`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InspectSummary {
    /// What the input was.
    pub format: SourceFormat,
    /// Keys read (up to where the walk stopped).
    pub keys_read: u64,
    /// Keys handed to the visitor.
    pub keys_selected: u64,
}

/// Walks the keys of `path` (`-` for standard input, which must hold an
/// RDB, possibly compressed) through `filter`, calling `visitor`.
pub fn inspect_path(
    path: &Path,
    filter: &KeyFilter,
    opts: InspectOptions,
    visitor: &mut dyn KeyVisitor,
) -> Result<InspectSummary, InspectError> {
    inspect_path_with(path, filter, opts, visitor, &NoProgress)
}

/// [`inspect_path`], telling `progress` how far into the input it got.
pub fn inspect_path_with(
    path: &Path,
    filter: &KeyFilter,
    opts: InspectOptions,
    visitor: &mut dyn KeyVisitor,
    progress: &dyn Progress,
) -> Result<InspectSummary, InspectError> {
    let stdin = path.as_os_str() == "-";
    if !stdin {
        let is_file = std::fs::metadata(path)?.is_file();
        let compressed =
            is_file && crate::input::open(path)?.compression != crate::input::Compression::None;
        let plain_rdb = compressed
            || matches!(
                resolve_layout(path).map_err(|source| ReplayError::Aof {
                    file: path.to_path_buf(),
                    source,
                })?,
                AofLayout::Rdb { .. }
            );
        if !plain_rdb {
            return inspect_dataset(path, filter, visitor, progress);
        }
    }
    match inspect_rdb_stream(path, filter, opts, visitor, progress)? {
        Some(summary) => Ok(summary),
        // Its aux fields say the RDB is an AOF preamble: replay the file.
        None => inspect_dataset(path, filter, visitor, progress),
    }
}

/// Streams an RDB; `None` when its aux fields say it is an AOF preamble
/// (nothing was visited then).
fn inspect_rdb_stream(
    path: &Path,
    filter: &KeyFilter,
    opts: InspectOptions,
    visitor: &mut dyn KeyVisitor,
    progress: &dyn Progress,
) -> Result<Option<InspectSummary>, InspectError> {
    let input = crate::input::open(path)?;
    progress.start(&format!("reading {}", path.display()), input.size_hint);
    let mut reported = 0u64;
    // A value walked in pieces is at least this large: a --min-size above
    // it raises the limit, so that every walked value passes that filter.
    let walk_above =
        WALK_ABOVE.max(usize::try_from(filter.min_size.unwrap_or(0)).unwrap_or(usize::MAX));
    let mut reader = RdbReader::with_options(
        input.reader,
        ReaderOptions {
            size_hint: input.size_hint,
            max_held_value: match opts.values {
                ValueNeed::Whole => None,
                ValueNeed::None | ValueNeed::Elements => Some(walk_above),
            },
            large: match opts.values {
                ValueNeed::Elements => LargeValues::ElementPieces,
                _ => LargeValues::Walk,
            },
        },
    )?;
    let mut summary = InspectSummary {
        format: SourceFormat::Rdb,
        keys_read: 0,
        keys_selected: 0,
    };
    let mut now = filter.now(None);
    let mut keys_started = false;
    loop {
        let mut large = LargeKeys {
            visitor: &mut *visitor,
            filter,
            now,
            min_size: walk_above as u64,
            decoder: None,
            failed: None,
        };
        let next = reader.next_record_with(&mut large);
        if let Some(e) = large.failed.take() {
            return Err(e);
        }
        let walked_selected = large.decoder.is_some();
        let Some(l) = next? else { break };
        let offset = l.offset;
        if offset >= reported + (1 << 20) {
            progress.at(offset);
            reported = offset;
        }
        let bytes = |s: crate::rdb::RdbStr<'_>| -> Result<Vec<u8>, InspectError> {
            s.to_bytes()
                .map(Cow::into_owned)
                .map_err(|k| RdbError::new(offset, k).into())
        };
        match l.record {
            Record::Aux { key, value } => {
                let (k, v) = (bytes(key)?, bytes(value)?);
                let preamble = matches!(k.as_slice(), b"aof-preamble" | b"aof-base");
                if preamble && v == b"1" && !keys_started && path.as_os_str() != "-" {
                    return Ok(None);
                }
                if k == b"ctime" {
                    now = filter.now(parse_ctime(&v));
                }
                visitor.aux(&k, &v)?;
            }
            Record::Function { code } if !filter.selects_keys() => {
                visitor.function(&bytes(code)?)?;
            }
            Record::Key(k) => {
                keys_started = true;
                summary.keys_read += 1;
                if !filter.accepts_db(k.db) {
                    continue;
                }
                let key = k.key.to_bytes().map_err(|e| RdbError::new(offset, e))?;
                let item = KeyItem {
                    db: k.db,
                    key: &key,
                    value_type: k.kind.value_type(),
                    encoding: Some(k.kind.name()),
                    expire_ms: k.expire.map(|e| e.ms),
                    idle: k.idle,
                    freq: k.freq,
                    size: k.value_len,
                    src: Source::Rdb {
                        kind: k.kind,
                        body: k.body,
                        body_offset: k.body_offset,
                        held: k.value_held(),
                    },
                };
                if walked_selected {
                    visitor.large_key_end(&item)?;
                } else if filter.accepts(&facts(&item), now) {
                    visitor.key(&item)?;
                } else {
                    continue;
                }
                summary.keys_selected += 1;
                if filter.limit.is_some_and(|n| summary.keys_selected >= n) {
                    return Ok(Some(summary));
                }
            }
            Record::End { .. } => break,
            _ => {}
        }
    }
    progress.finish();
    let trailing = reader.count_trailing()?;
    if trailing > 0 {
        return Err(InspectError::Trailing {
            file: path.to_path_buf(),
            trailing,
        });
    }
    Ok(Some(summary))
}

/// The `ctime` aux field: Unix seconds as decimal text.
fn parse_ctime(v: &[u8]) -> Option<i64> {
    std::str::from_utf8(v).ok()?.trim().parse().ok()
}

fn facts<'a>(item: &KeyItem<'a>) -> KeyFacts<'a> {
    KeyFacts {
        db: item.db,
        key: item.key,
        value_type: item.value_type,
        expire_ms: item.expire_ms,
        size: item.size,
    }
}

/// The encoding and size redfile's RDB writer gives a value: Redis 7.2's
/// encodings (RDB 11), or RDB 14's for what 11 cannot hold.
fn writer_encoding(value: &Value) -> (Option<&'static str>, u64) {
    for version in [11, 14] {
        let opts = WriteOptions {
            version,
            ..WriteOptions::default()
        };
        if let Ok((type_byte, bytes)) = encode_value(value, &opts) {
            let header = RdbHeader {
                family: Family::Redis,
                version,
                magic: *b"REDIS0014",
            };
            let kind = ObjectKind::resolve(type_byte, &Dialect::from_header(&header));
            return (kind.map(ObjectKind::name), bytes.len() as u64);
        }
    }
    (None, 0)
}

/// Loads any input as a dataset (AOF replay) and visits its keys.
fn inspect_dataset(
    path: &Path,
    filter: &KeyFilter,
    visitor: &mut dyn KeyVisitor,
    progress: &dyn Progress,
) -> Result<InspectSummary, InspectError> {
    let loaded = load_dataset_with(path, progress)?;
    let ds = &loaded.dataset;
    let mut ctime = None;
    for (k, v) in &ds.aux {
        if k == b"ctime" {
            ctime = parse_ctime(v);
        }
        visitor.aux(k, v)?;
    }
    let now = filter.now(ctime);
    if !filter.selects_keys() {
        for code in &ds.functions {
            visitor.function(code)?;
        }
    }
    let mut summary = InspectSummary {
        format: loaded.format,
        keys_read: 0,
        keys_selected: 0,
    };
    for (&db, d) in &ds.dbs {
        if !filter.accepts_db(db) {
            summary.keys_read += d.entries.len() as u64;
            continue;
        }
        for e in &d.entries {
            summary.keys_read += 1;
            let (encoding, size) = writer_encoding(&e.value);
            let item = KeyItem {
                db,
                key: &e.key,
                value_type: e.value.value_type(),
                encoding,
                expire_ms: e.expire_ms,
                idle: e.idle,
                freq: e.freq,
                size,
                src: Source::Model(e),
            };
            if !filter.accepts(&facts(&item), now) {
                continue;
            }
            visitor.key(&item)?;
            summary.keys_selected += 1;
            if filter.limit.is_some_and(|n| summary.keys_selected >= n) {
                return Ok(summary);
            }
        }
    }
    Ok(summary)
}
