//! Memory profiling: how many bytes each key would take in a Redis 7.0
//! server that loaded the file, as `MEMORY USAGE key SAMPLES 0` reports
//! it, plus the columns of rdbtools' `rdb -c memory` report.
//!
//! # The model
//!
//! `MEMORY USAGE` adds the key's sds and its `dictEntry` (24 bytes) to
//! `objectComputeSize` of the value, which sums the allocations of the
//! object: every size below is a jemalloc size class ([`alloc::jemalloc`]:
//! 8, 16-byte steps to 128, then four classes per doubling), so the model
//! rounds each allocation Redis makes, not the total.
//!
//! | type | encoding (7.0 rule) | bytes |
//! |---|---|---|
//! | string | `int`: canonical decimal of at most 20 chars | 16 (the robj) |
//! | | `embstr`: at most 44 bytes | class(16 + 3 + len + 1) |
//! | | `raw` | 16 + class(sds header + len + 1) |
//! | list | `quicklist` | 16 + 40 + per node 40 + class(listpack bytes) |
//! | set | `intset`: all integers, at most 512 | 16 + class(8 + n × width) |
//! | | `hashtable` | 16 + 56 + 8 × buckets + n × (24 + class(sds)) |
//! | zset | `listpack`: at most 128, members at most 64 bytes | 16 + class(listpack bytes) |
//! | | `skiplist` | 16 + 16 + 32 + dict + class(536) header + n × (24 + sds + mean node) |
//! | hash | `listpack`: at most 512, fields and values at most 64 bytes | 16 + class(listpack bytes) |
//! | | `hashtable` | 16 + dict + n × (24 + sds(field) + sds(value)) |
//! | stream | `stream` | 16 + 80 + rax + class(each node listpack) + groups |
//!
//! Details that matter for accuracy:
//!
//! - **Buckets**: a dict holding n entries has the next power of two ≥ n
//!   (at least 4) buckets, as the RDB loader sizes it. A live server in
//!   the middle of an incremental rehash holds both tables for a while and
//!   reports more.
//! - **sds**: 1-byte header below 32 bytes, then 3, 5, 9, 17 bytes.
//! - **Listpacks**: kept as stored when the RDB has one (the loader keeps
//!   the blob); a ziplist is converted and its listpack size computed entry
//!   by entry (integers in 1–9 bytes, strings with 1, 2 or 5 header bytes,
//!   plus the back-length); elements stored one by one are packed the same
//!   way. Lists are packed into 8 KiB nodes as `RPUSH` does
//!   (`list-max-listpack-size -2`), except quicklist nodes read from the
//!   RDB, which the loader keeps as they are.
//! - **Skiplist nodes** have a random level; the model charges the mean
//!   size class over the level distribution (about 53 bytes).
//! - **Streams**: the radix tree is charged as `streamRadixTreeMemoryUsage`
//!   does (16 bytes per id plus 244 per node), with the node count of the
//!   tree the ids actually build ([`rax`]); each group adds 40 bytes, its
//!   PEL tree and 24 bytes per pending entry, each consumer 24 bytes, its
//!   name and its PEL tree. A replayed stream's nodes are rebuilt as `XADD`
//!   fills them (100 entries or 4 KiB, allocated at 4 KiB at least).
//! - **Encodings follow the 7.0 loader**, not the stored type: a ziplist
//!   becomes a listpack, a hashtable-form set of at most 512 integers an
//!   intset, a stored hash or zset with too many entries a hashtable or
//!   skiplist, one stored element by element with a long element too. A
//!   set listpack (only Redis 7.2+ writes one) is kept as a listpack.
//! - **Not modelled**: the expires dict entry of a key with a TTL (MEMORY
//!   USAGE does not count it either), hash field TTLs (Redis 7.4), module
//!   values (charged their serialized size) and Redis 8.8 arrays (charged
//!   as a hash).
//!
//! `num_elements` and `len_largest_element` follow rdbtools: the string
//! length (8 for an integer-encoded string), the cardinality, the longest
//! element (8 for an integer-encoded one; fields and values for a hash;
//! members for a sorted set). For a stream, `num_elements` is the entry
//! count (rdbtools prints 1) and `len_largest_element` the largest node
//! listpack, as in rdbtools.

pub mod alloc;
pub mod flame;
pub mod model;
pub mod prefix;
pub mod rax;
pub mod report;
pub mod top;
pub mod walk;

pub use model::{Encoding, ValueMemory};
pub use prefix::{PrefixRow, PrefixTree, PrefixVisit};
pub use top::TopKeys;

use crate::inspect::{InspectError, KeyItem};
use crate::rdb::elements::{Element, ElementSink, QuicklistNode};
use crate::rdb::object::ObjectError;
use crate::rdb::RdbError;
use model::{Shape, Stored};
use walk::ShapeSink;

/// Why a key's memory could not be estimated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MemoryError {
    /// The value's encoded body is damaged.
    #[error("key {key}: damaged value")]
    Value {
        /// The key, escaped for display.
        key: String,
        /// Where and what.
        #[source]
        source: RdbError,
    },
    /// Decoding the value failed.
    #[error("key {key}")]
    Inspect {
        /// The key, escaped for display.
        key: String,
        /// Why.
        #[source]
        source: Box<InspectError>,
    },
    /// A collection came without its elements.
    #[error("key {key}: a collection without elements")]
    NoElements {
        /// The key, escaped for display.
        key: String,
    },
}

/// The estimate for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyMemory {
    /// Bytes of the key and its value, as `MEMORY USAGE key SAMPLES 0`.
    pub bytes: u64,
    /// The value's part of it, and its encoding and rdbtools' columns.
    pub value: ValueMemory,
}

impl KeyMemory {
    fn of(key: &[u8], shape: &Shape) -> Self {
        let value = model::value_memory(shape);
        KeyMemory {
            bytes: model::key_overhead(key.len() as u64) + value.bytes,
            value,
        }
    }
}

/// Estimates what `item` takes in a Redis 7.0 server: a collection from
/// its elements (for an RDB record read from the encoded body, nothing
/// kept), other values from their body or replayed value.
pub fn estimate(item: &KeyItem<'_>) -> Result<KeyMemory, MemoryError> {
    let key = || item.key.escape_ascii().to_string();
    let damaged = |offset: u64| {
        move |e: ObjectError| MemoryError::Value {
            key: key(),
            source: RdbError::new(offset + e.offset as u64, e.kind),
        }
    };
    let inspect = |source| MemoryError::Inspect {
        key: key(),
        source: Box::new(source),
    };
    let mut sink = match item.encoded() {
        Some((kind, body, offset)) => ShapeSink::for_rdb(kind, body).map_err(damaged(offset))?,
        None => ShapeSink::new(item.value_type, Stored::Elements),
    };
    let visited = match &mut sink {
        Some(s) => item.visit_elements(s).map_err(inspect)?,
        None => false,
    };
    let shape = match sink {
        Some(sink) if visited => sink.finish(),
        _ => match item.encoded() {
            Some((kind, body, offset)) => walk::rdb_shape(kind, body).map_err(damaged(offset))?,
            None => {
                let v = item.value().map_err(inspect)?;
                walk::value_shape(&v).ok_or_else(|| MemoryError::NoElements { key: key() })?
            }
        },
    };
    Ok(KeyMemory::of(item.key, &shape))
}

/// The estimate of a collection too large to hold, gathered from its
/// elements as the reader walks them (see
/// [`ValueNeed::Elements`](crate::inspect::ValueNeed::Elements)): memory
/// stays flat however large the value.
#[derive(Debug, Clone)]
pub struct LargeEstimate(ShapeSink);

impl LargeEstimate {
    /// Starts the estimate of `item` (from
    /// [`KeyVisitor::large_key_start`](crate::inspect::KeyVisitor::large_key_start));
    /// `None` for a type without elements. Values walked in pieces are all
    /// stored element by element (count-prefixed layouts).
    pub fn start(item: &KeyItem<'_>) -> Option<Self> {
        ShapeSink::new(item.value_type, Stored::Elements).map(LargeEstimate)
    }

    /// The estimate once the value ended.
    pub fn finish(self, item: &KeyItem<'_>) -> KeyMemory {
        KeyMemory::of(item.key, &self.0.finish())
    }
}

impl ElementSink for LargeEstimate {
    fn element(&mut self, e: Element<'_>) {
        self.0.element(e);
    }
    fn quicklist_node(&mut self, node: QuicklistNode) {
        self.0.quicklist_node(node);
    }
}

#[cfg(test)]
mod tests {
    //! A collection walked in pieces (as `inspect` walks one too large to
    //! hold) is estimated exactly as the same value held whole.

    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::model::{value_memory, ValueMemory};
    use super::*;
    use crate::rdb::elements::{visit_elements, ElementPieces};
    use crate::rdb::encoding::Depth;
    use crate::rdb::frame::Piece;
    use crate::rdb::{
        LargeValues, ObjectKind, PieceSink, RdbReader, ReaderOptions, Record, WalkedKey,
    };

    /// Reads 7 bytes at a time, so that every record is walked.
    struct Trickle<'a>(&'a [u8]);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(7).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[derive(Default)]
    struct Walked {
        current: Option<(Vec<u8>, ObjectKind, ElementPieces, ShapeSink)>,
        done: BTreeMap<Vec<u8>, (ObjectKind, ValueMemory)>,
    }

    impl Walked {
        fn close(&mut self) {
            if let Some((k, kind, _, sink)) = self.current.take() {
                self.done.insert(k, (kind, value_memory(&sink.finish())));
            }
        }
    }

    impl PieceSink for Walked {
        fn begin(&mut self, key: &WalkedKey<'_>) -> bool {
            self.close();
            let decoder = ElementPieces::for_kind(key.kind).expect("walked kinds have pieces");
            let sink = ShapeSink::new(key.kind.value_type(), Stored::Elements).expect("collection");
            self.current = Some((key.key.to_vec(), key.kind, decoder, sink));
            true
        }

        fn piece(&mut self, offset: u64, piece: Piece<'_>) -> Result<(), RdbError> {
            let (_, _, d, sink) = self.current.as_mut().expect("begun");
            match piece {
                Piece::Header(b) => d.header(b).map(|_| ()),
                Piece::Item(b) => d.item(b, Depth::Header, sink),
            }
            .map_err(|e| RdbError::new(offset + e.offset as u64, e.kind))
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

    /// The estimate of every collection of a file held whole (None:
    /// unreadable).
    fn whole(bytes: &[u8]) -> Option<BTreeMap<Vec<u8>, ValueMemory>> {
        let mut r = RdbReader::new(bytes).ok()?;
        let mut out = BTreeMap::new();
        while let Some(l) = r.next_record().ok()? {
            if let Record::Key(k) = l.record {
                let Some(mut sink) = ShapeSink::for_rdb(k.kind, k.body).ok()? else {
                    continue;
                };
                visit_elements(k.kind, k.body, Depth::Header, &mut sink).ok()?;
                let key = k.key.to_bytes().ok()?.into_owned();
                out.insert(key, value_memory(&sink.finish()));
            }
        }
        Some(out)
    }

    #[test]
    #[allow(clippy::print_stderr)]
    fn walked_collections_are_estimated_as_held_ones() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rdb_files(&root.join("fixtures"), &mut files);
        rdb_files(&root.join("../shared/fixtures"), &mut files);
        let (mut compared, mut quicklists) = (0, 0);
        for f in &files {
            let bytes = std::fs::read(f).expect("read fixture");
            let Some(held) = whole(&bytes) else { continue };
            let mut r = RdbReader::with_options(
                Trickle(&bytes),
                ReaderOptions {
                    size_hint: Some(bytes.len() as u64),
                    max_held_value: Some(1),
                    large: LargeValues::ElementPieces,
                },
            )
            .expect("header");
            let mut walked = Walked::default();
            while let Ok(Some(_)) = r.next_record_with(&mut walked) {}
            walked.close();
            for (key, (kind, m)) in &walked.done {
                assert_eq!(Some(m), held.get(key), "{}: {key:?}", f.display());
                compared += 1;
                quicklists += u32::from(matches!(
                    kind,
                    ObjectKind::ListQuicklist | ObjectKind::ListQuicklist2
                ));
            }
        }
        assert!(compared > 0 && quicklists > 0, "{compared}, {quicklists}");
        eprintln!("{compared} walked values compared, {quicklists} quicklists");
    }
}
