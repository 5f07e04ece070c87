//! The per-key estimate: what Redis 7.0's `MEMORY USAGE key SAMPLES 0`
//! reports for a key once a server has loaded it, computed from element
//! counts and lengths (see the module docs of [`crate::memory`]).

use super::alloc::{self, jemalloc};
use crate::rdb::encoding::parse_canonical_i64;

/// Redis 7.0's defaults for the compact encodings.
mod limits {
    /// `set-max-intset-entries`.
    pub const SET_INTSET_ENTRIES: u64 = 512;
    /// `set-max-listpack-entries` (7.2+).
    pub const SET_LISTPACK_ENTRIES: u64 = 128;
    /// `hash-max-listpack-entries`: 512 built in (the sample redis.conf
    /// says 128, but a server started without it uses 512).
    pub const HASH_LISTPACK_ENTRIES: u64 = 512;
    /// `zset-max-listpack-entries`.
    pub const ZSET_LISTPACK_ENTRIES: u64 = 128;
    /// `hash-max-listpack-value`, `zset-max-listpack-value`,
    /// `set-max-listpack-value`.
    pub const LISTPACK_VALUE: u64 = 64;
    /// `list-max-listpack-size -2`: 8 KiB per quicklist node.
    pub const LIST_NODE_BYTES: u64 = 8192;
    /// Quicklist's per-insert overestimate (`SIZE_ESTIMATE_OVERHEAD`).
    pub const LIST_INSERT_OVERHEAD: u64 = 8;
    /// Elements this large get a plain node of their own
    /// (`packed_threshold`).
    pub const LIST_PLAIN: u64 = 1 << 30;
    /// `stream-node-max-entries`.
    pub const STREAM_NODE_ENTRIES: u64 = 100;
    /// `stream-node-max-bytes`, also what a new node is allocated with.
    pub const STREAM_NODE_BYTES: u64 = 4096;
}

/// The in-memory encoding of a key, named as `OBJECT ENCODING` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Encoding {
    /// An integer held in the object itself.
    Int,
    /// A short string allocated with its object (44 bytes or less).
    Embstr,
    /// A string in its own sds allocation.
    Raw,
    /// A list: linked listpack nodes.
    Quicklist,
    /// A compact hash, sorted set or (7.2+) set.
    Listpack,
    /// A small set of integers.
    Intset,
    /// A hash or set in a dict.
    Hashtable,
    /// A sorted set in a skiplist plus a dict.
    Skiplist,
    /// A stream (radix tree of listpacks).
    Stream,
    /// A module value (estimated from its serialized size).
    Module,
    /// A Redis 8.8 array (estimated).
    Array,
}

impl Encoding {
    /// The name `OBJECT ENCODING` prints.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Int => "int",
            Encoding::Embstr => "embstr",
            Encoding::Raw => "raw",
            Encoding::Quicklist => "quicklist",
            Encoding::Listpack => "listpack",
            Encoding::Intset => "intset",
            Encoding::Hashtable => "hashtable",
            Encoding::Skiplist => "skiplist",
            Encoding::Stream => "stream",
            Encoding::Module => "module",
            Encoding::Array => "array",
        }
    }
}

/// One element as a walk meets it, without copying or decompressing it.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    /// Stored as an integer (RDB int string, ziplist/listpack/intset int).
    Int(i64),
    /// Stored as bytes.
    Bytes(&'a [u8]),
    /// A string of this many bytes, not looked at (LZF-compressed data,
    /// which Redis only writes for strings of more than 20 bytes, so it
    /// cannot be an integer).
    Long(u64),
}

impl Item<'_> {
    /// Length of the string Redis sees, and its integer value when Redis
    /// would treat it as one (`string2ll`: canonical decimal).
    fn facts(self) -> (u64, Option<i64>) {
        match self {
            Item::Int(i) => (decimal_len(i), Some(i)),
            Item::Bytes(b) => (
                b.len() as u64,
                if b.len() <= 20 {
                    parse_canonical_i64(b)
                } else {
                    None
                },
            ),
            Item::Long(n) => (n, None),
        }
    }

    /// rdbtools' `element_length`: 8 (a C long) for an integer-encoded
    /// element, else the string's length.
    fn rdbtools_len(self) -> u64 {
        match self {
            Item::Int(_) => 8,
            Item::Bytes(b) => b.len() as u64,
            Item::Long(n) => n,
        }
    }
}

/// Digits (and sign) of `i` in decimal.
fn decimal_len(i: i64) -> u64 {
    let mut n = u64::from(i < 0) + 1;
    let mut v = i.unsigned_abs();
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// What every encoding of a collection needs to know of its elements,
/// gathered in one pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Elements {
    /// Elements seen (fields and values both count for a hash).
    pub count: u64,
    /// rdbtools' `len_largest_element`.
    pub largest: u64,
    /// Longest string form (what the `*-max-listpack-value` limits test).
    pub max_len: u64,
    /// Sum of the sds allocations the elements would take in a dict.
    pub sds: u64,
    /// Sum of the listpack bytes the elements (and zset scores) take.
    pub listpack: u64,
    /// Every element is an integer (intset candidate).
    pub all_int: bool,
    /// Widest intset encoding the integers need (2, 4 or 8 bytes).
    pub int_width: u64,
}

impl Default for Elements {
    fn default() -> Self {
        Elements {
            count: 0,
            largest: 0,
            max_len: 0,
            sds: 0,
            listpack: 0,
            all_int: true,
            int_width: 2,
        }
    }
}

impl Elements {
    /// Adds one element.
    pub fn push(&mut self, item: Item<'_>) {
        self.push_counted(item, item.rdbtools_len());
    }

    /// Adds one element that rdbtools measures as `rdbtools_len` bytes.
    pub fn push_counted(&mut self, item: Item<'_>, rdbtools_len: u64) {
        let (len, int) = item.facts();
        self.count += 1;
        self.largest = self.largest.max(rdbtools_len);
        self.max_len = self.max_len.max(len);
        self.sds += alloc::sds(len);
        self.listpack += alloc::listpack_entry(int, len);
        match int {
            Some(v) if i16::try_from(v).is_ok() => {}
            Some(v) if i32::try_from(v).is_ok() => self.int_width = self.int_width.max(4),
            Some(_) => self.int_width = 8,
            None => self.all_int = false,
        }
    }

    /// Adds what a zset score takes in a listpack (stored as its text, an
    /// integer element when integral).
    pub fn push_score_text(&mut self, item: Item<'_>) {
        let (len, int) = item.facts();
        self.listpack += alloc::listpack_entry(int, len);
    }

    /// Adds a binary score, as Redis 7.0 would write it into a listpack
    /// (`d2string`: `%.17g`).
    pub fn push_score(&mut self, score: f64) {
        let text = crate::rdb::write::ScoreText::Printf17g.format(score);
        self.push_score_text(Item::Bytes(text.as_bytes()));
    }
}

/// Packs list elements into quicklist nodes as `RPUSH` does with
/// `list-max-listpack-size -2`, or takes stored nodes as they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListNodes {
    nodes: u64,
    alloc: u64,
    /// Bytes of the node being filled (`node->sz`), if one is open.
    open: Option<u64>,
}

impl ListNodes {
    /// Appends one element to the tail (`quicklistPushTail`).
    pub fn push(&mut self, item: Item<'_>) {
        let (len, int) = item.facts();
        if len >= limits::LIST_PLAIN {
            self.close();
            self.add_node(len);
            return;
        }
        let entry = alloc::listpack_entry(int, len);
        match self.open {
            Some(sz) if sz + len + limits::LIST_INSERT_OVERHEAD <= limits::LIST_NODE_BYTES => {
                self.open = Some(sz + entry);
            }
            _ => {
                self.close();
                self.open = Some(alloc::LISTPACK_EMPTY + entry);
            }
        }
    }

    /// A node loaded as stored, whose buffer takes `bytes`.
    pub fn add_node(&mut self, bytes: u64) {
        self.close();
        self.nodes += 1;
        self.alloc += jemalloc(bytes);
    }

    fn close(&mut self) {
        if let Some(sz) = self.open.take() {
            self.nodes += 1;
            self.alloc += jemalloc(sz);
        }
    }

    /// Nodes and the sum of their allocations, the open node included.
    pub fn totals(&self) -> (u64, u64) {
        match self.open {
            Some(sz) => (self.nodes + 1, self.alloc + jemalloc(sz)),
            None => (self.nodes, self.alloc),
        }
    }
}

/// How a collection was stored, which decides what a 7.0 loader keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// One element at a time (a hashtable-form RDB type, or a replayed
    /// AOF): every default limit applies.
    Elements,
    /// A ziplist the loader converts into a listpack; only the entry count
    /// limit applies.
    Ziplist,
    /// A listpack of this many bytes, loaded as is unless it holds too
    /// many entries.
    Listpack(u64),
}

/// A stream's parts that `MEMORY USAGE` counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamShape {
    /// The master id of each listpack node (the index rax keys), ascending.
    pub node_keys: Vec<[u8; 16]>,
    /// Sum of the node listpacks' allocations.
    pub listpacks: u64,
    /// Largest node listpack, in bytes (rdbtools' `len_largest_element`).
    pub largest_listpack: u64,
    /// Entries (`XLEN`).
    pub length: u64,
    /// Consumer groups.
    pub groups: Vec<GroupShape>,
}

/// A consumer group's parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupShape {
    /// Pending ids, ascending.
    pub pel: Vec<[u8; 16]>,
    /// Consumers: name length and pending ids (ascending).
    pub consumers: Vec<(u64, Vec<[u8; 16]>)>,
}

/// A value reduced to what the estimate needs.
#[derive(Debug, Clone)]
pub enum Shape {
    /// A string: its length, whether Redis holds it as an integer, and
    /// rdbtools' length for it (8 for an integer-encoded string).
    String {
        /// Bytes.
        len: u64,
        /// Held as an integer (`OBJ_ENCODING_INT`).
        int: bool,
        /// rdbtools' `element_length`.
        rdbtools_len: u64,
    },
    /// A list: its elements and its nodes.
    List(Elements, ListNodes),
    /// A set.
    Set(Elements, Stored),
    /// A sorted set (members in `Elements`; scores only add listpack bytes).
    Zset(Elements, Stored),
    /// A hash (fields and values both in `Elements`).
    Hash(Elements, Stored),
    /// A stream.
    Stream(StreamShape),
    /// What redfile does not model closely: an encoding, elements, the
    /// rdbtools largest-element length and the bytes to charge.
    Other(Encoding, u64, u64, u64),
}

impl Shape {
    /// A string value.
    pub fn string(item: Item<'_>) -> Shape {
        let (len, int) = item.facts();
        Shape::String {
            len,
            int: int.is_some(),
            rdbtools_len: item.rdbtools_len(),
        }
    }
}

/// The estimate for one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueMemory {
    /// Bytes of the value: the object and everything it owns.
    pub bytes: u64,
    /// The encoding a Redis 7.0 server gives it.
    pub encoding: Encoding,
    /// rdbtools' `num_elements`: string length, list/set/zset/hash
    /// cardinality, stream entries.
    pub num_elements: u64,
    /// rdbtools' `len_largest_element`.
    pub len_largest_element: u64,
}

/// Bytes a key name costs in the keyspace: its sds and its dict entry.
pub fn key_overhead(key_len: u64) -> u64 {
    alloc::sds(key_len) + alloc::DICT_ENTRY
}

/// The estimate for a shape (`objectComputeSize` with every element
/// sampled).
pub fn value_memory(shape: &Shape) -> ValueMemory {
    use alloc::*;
    let vm = |bytes, encoding, num_elements, len_largest_element| ValueMemory {
        bytes,
        encoding,
        num_elements,
        len_largest_element,
    };
    match shape {
        &Shape::String {
            len,
            int,
            rdbtools_len,
        } => {
            if int {
                vm(ROBJ, Encoding::Int, rdbtools_len, rdbtools_len)
            } else if len <= 44 {
                // robj + sdshdr8 + bytes + NUL in one allocation.
                vm(
                    jemalloc(ROBJ + 3 + len + 1),
                    Encoding::Embstr,
                    rdbtools_len,
                    rdbtools_len,
                )
            } else {
                vm(ROBJ + sds(len), Encoding::Raw, rdbtools_len, rdbtools_len)
            }
        }
        Shape::List(e, nodes) => {
            let (count, bytes) = nodes.totals();
            vm(
                ROBJ + QUICKLIST + count * QUICKLIST_NODE + bytes,
                Encoding::Quicklist,
                e.count,
                e.largest,
            )
        }
        Shape::Set(e, stored) => {
            let n = e.count;
            if e.all_int && n <= limits::SET_INTSET_ENTRIES {
                let bytes = ROBJ + jemalloc(INTSET_HEADER + n * e.int_width);
                vm(bytes, Encoding::Intset, n, e.largest)
            } else if let (Stored::Listpack(lp), true) = (stored, n <= limits::SET_LISTPACK_ENTRIES)
            {
                // Only Redis 7.2+ writes set listpacks; such a server keeps them.
                vm(ROBJ + jemalloc(*lp), Encoding::Listpack, n, e.largest)
            } else {
                let bytes = ROBJ + dict(n) + n * DICT_ENTRY + e.sds;
                vm(bytes, Encoding::Hashtable, n, e.largest)
            }
        }
        Shape::Zset(e, stored) => {
            let n = e.count;
            if let Some(lp) = packed(e, *stored, n, limits::ZSET_LISTPACK_ENTRIES) {
                return vm(ROBJ + jemalloc(lp), Encoding::Listpack, n, e.largest);
            }
            let nodes = (n as f64 * skiplist_node_mean()).round() as u64;
            let bytes = ROBJ
                + ZSET
                + ZSKIPLIST
                + dict(n)
                + skiplist_header()
                + e.sds
                + n * DICT_ENTRY
                + nodes;
            vm(bytes, Encoding::Skiplist, n, e.largest)
        }
        Shape::Hash(e, stored) => {
            let n = e.count / 2;
            if let Some(lp) = packed(e, *stored, n, limits::HASH_LISTPACK_ENTRIES) {
                return vm(ROBJ + jemalloc(lp), Encoding::Listpack, n, e.largest);
            }
            let bytes = ROBJ + dict(n) + n * DICT_ENTRY + e.sds;
            vm(bytes, Encoding::Hashtable, n, e.largest)
        }
        Shape::Stream(s) => {
            let mut bytes = ROBJ + STREAM + super::rax::stream_rax_usage(&s.node_keys);
            bytes += s.listpacks;
            for g in &s.groups {
                bytes += STREAM_CG
                    + super::rax::stream_rax_usage(&g.pel)
                    + STREAM_NACK * g.pel.len() as u64;
                for (name_len, pel) in &g.consumers {
                    bytes += STREAM_CONSUMER + name_len + super::rax::stream_rax_usage(pel);
                }
            }
            vm(bytes, Encoding::Stream, s.length, s.largest_listpack)
        }
        Shape::Other(encoding, elements, largest, bytes) => {
            vm(ROBJ + bytes, *encoding, *elements, *largest)
        }
    }
}

/// The listpack size a hash or zset of `n` entries keeps, or `None` when
/// a 7.0 loader turns it into a hashtable or skiplist.
fn packed(e: &Elements, stored: Stored, n: u64, max_entries: u64) -> Option<u64> {
    if n > max_entries {
        return None;
    }
    match stored {
        Stored::Listpack(lp) => Some(lp),
        Stored::Ziplist => Some(alloc::LISTPACK_EMPTY + e.listpack),
        Stored::Elements => {
            (e.max_len <= limits::LISTPACK_VALUE).then_some(alloc::LISTPACK_EMPTY + e.listpack)
        }
    }
}

/// Builds stream nodes from entries as `XADD` does, for a stream that
/// was replayed rather than read with its nodes.
#[derive(Debug, Default)]
pub struct StreamNodes {
    shape: StreamShape,
    /// Open node: its bytes, entries and master fields.
    open: Option<(u64, u64, Vec<Vec<u8>>)>,
}

impl StreamNodes {
    /// Appends an entry.
    pub fn push(&mut self, id: [u8; 16], fields: &[(Vec<u8>, Vec<u8>)]) {
        let lp_int = |v: i64| alloc::listpack_entry(Some(v), decimal_len(v));
        let lp_str = |b: &[u8]| {
            let (len, int) = Item::Bytes(b).facts();
            alloc::listpack_entry(int, len)
        };
        let values: u64 = fields.iter().map(|(_, v)| lp_str(v)).sum();
        let names: u64 = fields.iter().map(|(f, _)| lp_str(f)).sum();
        let full = match &self.open {
            Some((bytes, count, _)) => {
                *bytes + values + names >= limits::STREAM_NODE_BYTES
                    || *count >= limits::STREAM_NODE_ENTRIES
            }
            None => true,
        };
        if full {
            self.close();
            // Master entry: count, deleted, field count, fields, terminator.
            let master = lp_int(1) + lp_int(0) + lp_int(fields.len() as i64) + names + lp_int(0);
            self.shape.node_keys.push(id);
            let names = fields.iter().map(|(f, _)| f.clone()).collect();
            self.open = Some((alloc::LISTPACK_EMPTY + master, 0, names));
        }
        if let Some((bytes, count, master)) = &mut self.open {
            let same =
                master.len() == fields.len() && master.iter().zip(fields).all(|(m, (f, _))| m == f);
            // flags, ms and seq deltas (small), fields or values, lp-count.
            let mut entry = 3 * lp_int(1) + values + lp_int(fields.len() as i64 * 2 + 3);
            if !same {
                entry += lp_int(fields.len() as i64) + names;
            }
            *bytes += entry;
            *count += 1;
        }
        self.shape.length += 1;
    }

    fn close(&mut self) {
        if let Some((bytes, _, _)) = self.open.take() {
            // A node is allocated with `stream-node-max-bytes` and grown.
            let alloc = jemalloc(bytes.max(limits::STREAM_NODE_BYTES));
            self.shape.listpacks += alloc;
            self.shape.largest_listpack = self.shape.largest_listpack.max(bytes);
        }
    }

    /// The finished shape (groups are the caller's to add).
    pub fn finish(mut self) -> StreamShape {
        self.close();
        self.shape
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_of(items: &[&[u8]]) -> Elements {
        let mut e = Elements::default();
        for i in items {
            e.push(Item::Bytes(i));
        }
        e
    }

    #[test]
    fn strings() {
        let s = |b: &'static [u8]| value_memory(&Shape::string(Item::Bytes(b)));
        assert_eq!(s(b"1").encoding, Encoding::Int);
        assert_eq!(s(b"1").bytes, 16);
        // Matches a live 7.0: `SET k abc` is 64 with the key's 8 + 24.
        assert_eq!(s(b"abc").bytes + key_overhead(1), 64);
        let v = value_memory(&Shape::string(Item::Long(100)));
        assert_eq!(
            (v.encoding, v.bytes + key_overhead(2)),
            (Encoding::Raw, 160)
        );
        assert_eq!(s(b"007").encoding, Encoding::Embstr);
    }

    #[test]
    fn sets() {
        // SADD s2 a..h: 8 members, hashtable in 7.0: 424 with the key "s2".
        let e = set_of(&[b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h"]);
        let v = value_memory(&Shape::Set(e, Stored::Elements));
        assert_eq!(
            (v.encoding, v.bytes + key_overhead(2)),
            (Encoding::Hashtable, 424)
        );
        let e = set_of(&[b"1000", b"1001", b"1002", b"1003", b"1004", b"1005"]);
        let v = value_memory(&Shape::Set(e, Stored::Elements));
        assert_eq!(
            (v.encoding, v.bytes + key_overhead(2)),
            (Encoding::Intset, 80)
        );
    }

    #[test]
    fn lists_pack_into_8k_nodes() {
        let mut e = Elements::default();
        let mut n = ListNodes::default();
        for _ in 0..3 {
            e.push(Item::Bytes(b"a"));
            n.push(Item::Bytes(b"a"));
        }
        // RPUSH l1 a b c: 144 with the key "l1".
        let v = value_memory(&Shape::List(e, n));
        assert_eq!(v.bytes + key_overhead(2), 144);
        let mut n = ListNodes::default();
        for _ in 0..1000 {
            n.push(Item::Bytes(&[b'x'; 100]));
        }
        // A node takes another 100-byte element while 7 + 103 k + 108
        // stays within 8192: 79 per node.
        assert_eq!(n.totals().0, 13);
    }
}
