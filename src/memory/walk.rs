//! Reducing a value to its [`Shape`]. A collection's elements come from
//! [`crate::rdb::elements`] ([`ShapeSink`]): from an RDB body held whole,
//! one walked in pieces, or a replayed value alike, nothing kept but the
//! counts. Strings and streams are read from their body, module values and
//! arrays from their decoded value.

use super::model::{
    Elements, Encoding, GroupShape, Item, ListNodes, Shape, Stored, StreamNodes, StreamShape,
};
use crate::model::{Stream, Value, ValueType};
use crate::rdb::elements::{Element, ElementSink, QuicklistNode};
use crate::rdb::encoding::{BlobEntry, Depth};
use crate::rdb::object::{decode_stream_without_entries, decode_value, Body, ObjectError};
use crate::rdb::primitives::RdbStr;
use crate::rdb::{ObjectKind, RdbErrorKind};

type R<T> = Result<T, ObjectError>;

impl<'a> From<BlobEntry<'a>> for Item<'a> {
    fn from(e: BlobEntry<'a>) -> Self {
        match e {
            BlobEntry::Int(i) => Item::Int(i),
            BlobEntry::Bytes(b) => Item::Bytes(b),
        }
    }
}

/// An RDB string as an element, without expanding LZF data.
fn item<'a>(s: &RdbStr<'a>) -> Item<'a> {
    match *s {
        RdbStr::Raw(b) => Item::Bytes(b),
        RdbStr::Int(i) => Item::Int(i),
        RdbStr::Lzf { ulen, .. } => Item::Long(ulen),
    }
}

/// Accumulates a list, set, sorted set or hash element by element into
/// what the model needs of it.
#[derive(Debug, Clone)]
pub struct ShapeSink {
    value_type: ValueType,
    stored: Stored,
    /// A zipmap hash: rdbtools measures integer-looking values as 8 bytes.
    zipmap: bool,
    elements: Elements,
    /// List elements packed as `RPUSH` would pack them.
    pushed: ListNodes,
    /// A quicklist's nodes as stored, once one was reported.
    nodes: Option<ListNodes>,
    /// `(count, listpack)` of `elements` when the current node began.
    node_start: (u64, u64),
}

impl ShapeSink {
    /// A sink for a value of `value_type` stored as `stored`; `None` when
    /// that type has no elements.
    pub fn new(value_type: ValueType, stored: Stored) -> Option<Self> {
        matches!(
            value_type,
            ValueType::List | ValueType::Set | ValueType::Zset | ValueType::Hash
        )
        .then(|| ShapeSink {
            value_type,
            stored,
            zipmap: false,
            elements: Elements::default(),
            pushed: ListNodes::default(),
            nodes: None,
            node_start: (0, 0),
        })
    }

    /// A sink for an RDB value of `kind` whose body is `body` (held whole).
    pub fn for_rdb(kind: ObjectKind, body: &[u8]) -> R<Option<Self>> {
        let Some(mut sink) = ShapeSink::new(kind.value_type(), stored(kind, body)?) else {
            return Ok(None);
        };
        sink.zipmap = kind == ObjectKind::HashZipmap;
        Ok(Some(sink))
    }

    /// The shape of the elements seen.
    pub fn finish(self) -> Shape {
        let e = self.elements;
        match self.value_type {
            ValueType::List => Shape::List(e, self.nodes.unwrap_or(self.pushed)),
            ValueType::Set => Shape::Set(e, self.stored),
            ValueType::Zset => Shape::Zset(e, self.stored),
            _ => Shape::Hash(e, self.stored),
        }
    }
}

impl ElementSink for ShapeSink {
    fn element(&mut self, el: Element<'_>) {
        let e = &mut self.elements;
        match el {
            Element::Member(m) => {
                e.push(m.into());
                if self.value_type == ValueType::List {
                    self.pushed.push(m.into());
                }
            }
            Element::Scored(m, score) => {
                e.push(m.into());
                e.push_score(score);
            }
            Element::Field(f, v, _) => {
                e.push(f.into());
                if self.zipmap {
                    // rdbtools reads a zipmap value Python's int() accepts
                    // as an integer (8 bytes).
                    let as_int = match v {
                        BlobEntry::Int(_) => true,
                        BlobEntry::Bytes(b) => {
                            std::str::from_utf8(b).ok().map(str::trim).is_some_and(|t| {
                                let d = t.strip_prefix(['+', '-']).unwrap_or(t);
                                !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())
                            })
                        }
                    };
                    let len = if as_int { 8 } else { v.string_len() as u64 };
                    e.push_counted(v.into(), len);
                } else {
                    e.push(v.into());
                }
            }
        }
    }

    fn quicklist_node(&mut self, node: QuicklistNode) {
        let e = &self.elements;
        let nodes = self.nodes.get_or_insert_with(ListNodes::default);
        match node {
            // The loader keeps quicklist 2 nodes as they are.
            QuicklistNode::Plain(n) | QuicklistNode::Listpack(n) => nodes.add_node(n as u64),
            // A ziplist node is converted into a listpack of its own.
            QuicklistNode::Ziplist(_) => {
                if e.count > self.node_start.0 {
                    let lp = e.listpack - self.node_start.1;
                    nodes.add_node(super::alloc::LISTPACK_EMPTY + lp);
                }
            }
        }
        self.node_start = (e.count, e.listpack);
    }
}

/// How an RDB collection of `kind` is stored, which decides what a 7.0
/// loader keeps (a listpack's size is its stored string's length).
fn stored(kind: ObjectKind, body: &[u8]) -> R<Stored> {
    use ObjectKind::*;
    Ok(match kind {
        ZsetZiplist | HashZiplist => Stored::Ziplist,
        ZsetListpack | HashListpack | SetListpack => {
            let b = Body { all: body };
            Stored::Listpack(b.str(body)?.1.len())
        }
        // A 7.0 loader converts a zipmap through a listpack, checking
        // both limits, as for elements.
        _ => Stored::Elements,
    })
}

/// The shape of an RDB value of `kind` without elements (string, stream,
/// module value, array); collections are [`ShapeSink`]'s.
pub fn rdb_shape(kind: ObjectKind, body: &[u8]) -> R<Shape> {
    use ObjectKind::*;
    let b = Body { all: body };
    match kind {
        String => {
            let (_, s) = b.str(body)?;
            Ok(Shape::string(item(&s)))
        }
        Stream(_) => {
            // The nodes as stored, then the length and groups (decoded
            // without the entries).
            let (mut r, n) = b.len(body)?;
            let mut shape = StreamShape::default();
            for _ in 0..n {
                let (rest, key) = b.str(r)?;
                let key = key.to_bytes().map_err(|k| b.err(r, k))?;
                let mut id = [0u8; 16];
                if key.len() == 16 {
                    id.copy_from_slice(&key);
                }
                shape.node_keys.push(id);
                let (rest, lp) = b.str(rest)?;
                shape.listpacks += super::alloc::jemalloc(lp.len());
                shape.largest_listpack = shape.largest_listpack.max(lp.len());
                r = rest;
            }
            shape.node_keys.sort_unstable();
            if let Some(s) = decode_stream_without_entries(kind, body, Depth::Header)? {
                shape.length = s.length;
                shape.groups = groups(&s);
            }
            Ok(Shape::Stream(shape))
        }
        _ => {
            let v = decode_value(kind, body, Depth::Header)?;
            value_shape_sized(&v, body.len() as u64).ok_or_else(|| ObjectError {
                offset: 0,
                kind: RdbErrorKind::Invalid(format!("{} has elements", kind.name())),
            })
        }
    }
}

fn groups(s: &Stream) -> Vec<GroupShape> {
    let mut out = Vec::with_capacity(s.groups.len());
    for g in &s.groups {
        let mut pel: Vec<[u8; 16]> = g.pending.iter().map(|p| p.id.to_be_bytes()).collect();
        pel.sort_unstable();
        let consumers = g
            .consumers
            .iter()
            .map(|c| {
                let mut ids: Vec<[u8; 16]> = c.pending.iter().map(|id| id.to_be_bytes()).collect();
                ids.sort_unstable();
                (c.name.len() as u64, ids)
            })
            .collect();
        out.push(GroupShape { pel, consumers });
    }
    out
}

/// The shape of a replayed (or decoded) value without elements, as a
/// server that built it with commands holds it; `None` for a collection
/// ([`ShapeSink`]).
pub fn value_shape(v: &Value) -> Option<Shape> {
    value_shape_sized(v, 0)
}

/// [`value_shape`], with the serialized size to charge for what redfile
/// does not model (module values, arrays).
fn value_shape_sized(v: &Value, serialized: u64) -> Option<Shape> {
    Some(match v {
        Value::String(s) => Shape::string(Item::Bytes(s)),
        Value::List(_) | Value::Set(_) | Value::SortedSet(_) | Value::Hash(_) => return None,
        Value::Stream(s) => {
            let mut nodes = StreamNodes::default();
            for entry in &s.entries {
                nodes.push(entry.id.to_be_bytes(), &entry.fields);
            }
            let mut shape = nodes.finish();
            shape.length = s.length;
            shape.groups = groups(s);
            Shape::Stream(shape)
        }
        Value::Module(m) => {
            let bytes = serialized.max(m.raw.len() as u64);
            Shape::Other(Encoding::Module, 1, bytes, bytes)
        }
        Value::Array(a) => {
            let mut e = Elements::default();
            for (_, x) in &a.elements {
                e.push(Item::Bytes(x));
            }
            // Charged like a hash of index → value.
            let bytes =
                super::alloc::dict(e.count) + e.count * 2 * super::alloc::DICT_ENTRY + e.sds;
            Shape::Other(Encoding::Array, e.count, e.largest, bytes)
        }
    })
}
