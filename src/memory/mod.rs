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
