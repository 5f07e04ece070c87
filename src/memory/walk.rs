//! Reducing a value to its [`Shape`]: from an RDB record's encoded body,
//! element by element without building the value (blobs compressed with
//! LZF are expanded one at a time), or from a replayed value.

use std::borrow::Cow;

use super::model::{
    Elements, Encoding, GroupShape, Item, ListNodes, Shape, Stored, StreamNodes, StreamShape,
};
use crate::model::{Stream, Value};
use crate::rdb::encoding::{self, BlobEntry, BlobError, Depth};
use crate::rdb::object::{decode_value, Body, ObjectError};
use crate::rdb::primitives::{double_bin, double_str, RdbStr};
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

/// The blob of a packed encoding: the string at `i`, expanded.
fn blob<'a>(b: &Body<'a>, i: &'a [u8]) -> R<Cow<'a, [u8]>> {
    let (_, s) = b.str(i)?;
    s.to_bytes().map_err(|k| b.err(i, k))
}

/// The shape of an RDB value body of type `kind`.
pub fn rdb_shape(kind: ObjectKind, body: &[u8]) -> R<Shape> {
    use ObjectKind::*;
    let b = Body { all: body };
    let blob_err = |e: BlobError| ObjectError {
        offset: 0,
        kind: RdbErrorKind::Blob(e),
    };
    let blob = |i| blob(&b, i);
    match kind {
        String => {
            let (_, s) = b.str(body)?;
            Ok(Shape::string(item(&s)))
        }
        ListLinked | SetHashtable => {
            let (mut r, n) = b.len(body)?;
            let mut e = Elements::default();
            let mut nodes = ListNodes::default();
            for _ in 0..n {
                let (rest, s) = b.str(r)?;
                e.push(item(&s));
                if kind == ListLinked {
                    nodes.push(item(&s));
                }
                r = rest;
            }
            Ok(if kind == ListLinked {
                Shape::List(e, nodes)
            } else {
                Shape::Set(e, Stored::Elements)
            })
        }
        ZsetV1 | ZsetV2 => {
            let (mut r, n) = b.len(body)?;
            let mut e = Elements::default();
            for _ in 0..n {
                let (rest, s) = b.str(r)?;
                e.push(item(&s));
                let (rest, score) = if kind == ZsetV2 {
                    b.run(double_bin(rest), rest)?
                } else {
                    b.run(double_str(rest), rest)?
                };
                e.push_score(score);
                r = rest;
            }
            Ok(Shape::Zset(e, Stored::Elements))
        }
        HashHashtable => {
            let (mut r, n) = b.len(body)?;
            let mut e = Elements::default();
            for _ in 0..n {
                let (rest, f) = b.str(r)?;
                let (rest, v) = b.str(rest)?;
                e.push(item(&f));
                e.push(item(&v));
                r = rest;
            }
            Ok(Shape::Hash(e, Stored::Elements))
        }
        ListZiplist => {
            let zl = blob(body)?;
            let mut e = Elements::default();
            let mut nodes = ListNodes::default();
            for x in encoding::ziplist::entries(&zl).map_err(blob_err)? {
                let x = Item::from(x.map_err(blob_err)?);
                e.push(x);
                nodes.push(x);
            }
            Ok(Shape::List(e, nodes))
        }
        ZsetZiplist | HashZiplist | ZsetListpack | HashListpack => {
            let lp = blob(body)?;
            let mut e = Elements::default();
            let (entries, stored): (Box<dyn Iterator<Item = _>>, _) = match kind {
                ZsetZiplist | HashZiplist => (
                    Box::new(encoding::ziplist::entries(&lp).map_err(blob_err)?),
                    Stored::Ziplist,
                ),
                _ => (
                    Box::new(encoding::listpack::entries(&lp).map_err(blob_err)?),
                    Stored::Listpack(lp.len() as u64),
                ),
            };
            for (i, x) in entries.enumerate() {
                let x = Item::from(x.map_err(blob_err)?);
                if i % 2 == 1 && matches!(kind, ZsetZiplist | ZsetListpack) {
                    e.push_score_text(x);
                } else {
                    e.push(x);
                }
            }
            Ok(match kind {
                ZsetZiplist | ZsetListpack => Shape::Zset(e, stored),
                _ => Shape::Hash(e, stored),
            })
        }
        SetListpack => {
            let lp = blob(body)?;
            let mut e = Elements::default();
            for x in encoding::listpack::entries(&lp).map_err(blob_err)? {
                e.push(Item::from(x.map_err(blob_err)?));
            }
            Ok(Shape::Set(e, Stored::Listpack(lp.len() as u64)))
        }
        SetIntset => {
            let is = blob(body)?;
            let mut e = Elements::default();
            for v in encoding::intset::iter(&is).map_err(blob_err)? {
                e.push(Item::Int(v));
            }
            Ok(Shape::Set(e, Stored::Elements))
        }
        HashZipmap => {
            let zm = blob(body)?;
            let mut e = Elements::default();
            for x in encoding::zipmap::entries(&zm).map_err(blob_err)? {
                let (f, v) = x.map_err(blob_err)?;
                e.push(Item::Bytes(f));
                // rdbtools reads a zipmap value Python's int() accepts as
                // an integer (8 bytes).
                let as_int = std::str::from_utf8(v).ok().map(str::trim).is_some_and(|t| {
                    let d = t.strip_prefix(['+', '-']).unwrap_or(t);
                    !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())
                });
                e.push_counted(Item::Bytes(v), if as_int { 8 } else { v.len() as u64 });
            }
            // A 7.0 loader converts a zipmap through a listpack, checking
            // both limits, as for elements.
            Ok(Shape::Hash(e, Stored::Elements))
        }
        ListQuicklist | ListQuicklist2 => {
            let (mut r, n) = b.len(body)?;
            let mut e = Elements::default();
            let mut nodes = ListNodes::default();
            for _ in 0..n {
                let mut container = 2;
                if kind == ListQuicklist2 {
                    let (rest, c) = b.len(r)?;
                    container = c;
                    r = rest;
                }
                let node = blob(r)?;
                r = b.str(r)?.0;
                if container == 1 {
                    // A plain node: one element, its own allocation.
                    e.push(Item::Bytes(&node));
                    nodes.add_node(node.len() as u64);
                } else if kind == ListQuicklist2 {
                    for x in encoding::listpack::entries(&node).map_err(blob_err)? {
                        e.push(Item::from(x.map_err(blob_err)?));
                    }
                    nodes.add_node(node.len() as u64);
                } else {
                    // A ziplist node, converted into a listpack of its own.
                    let mut lp = Elements::default();
                    for x in encoding::ziplist::entries(&node).map_err(blob_err)? {
                        let x = Item::from(x.map_err(blob_err)?);
                        e.push(x);
                        lp.push(x);
                    }
                    if lp.count > 0 {
                        nodes.add_node(super::alloc::LISTPACK_EMPTY + lp.listpack);
                    }
                }
            }
            Ok(Shape::List(e, nodes))
        }
        Stream(_) => {
            // The nodes as stored, then the groups from the decoded value.
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
            if let Value::Stream(s) = decode_value(kind, body, Depth::Header)? {
                shape.length = s.length;
                shape.groups = groups(&s);
            }
            Ok(Shape::Stream(shape))
        }
        _ => {
            let v = decode_value(kind, body, Depth::Header)?;
            Ok(value_shape_sized(&v, body.len() as u64))
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

/// The shape of a replayed (or decoded) value, as a server that built it
/// with commands holds it.
pub fn value_shape(v: &Value) -> Shape {
    value_shape_sized(v, 0)
}

/// [`value_shape`], with the serialized size to charge for what redfile
/// does not model (module values, arrays).
fn value_shape_sized(v: &Value, serialized: u64) -> Shape {
    match v {
        Value::String(s) => Shape::string(Item::Bytes(s)),
        Value::List(items) => {
            let mut e = Elements::default();
            let mut nodes = ListNodes::default();
            for x in items {
                e.push(Item::Bytes(x));
                nodes.push(Item::Bytes(x));
            }
            Shape::List(e, nodes)
        }
        Value::Set(items) => {
            let mut e = Elements::default();
            for x in items {
                e.push(Item::Bytes(x));
            }
            Shape::Set(e, Stored::Elements)
        }
        Value::SortedSet(items) => {
            let mut e = Elements::default();
            for (m, score) in items {
                e.push(Item::Bytes(m));
                e.push_score(*score);
            }
            Shape::Zset(e, Stored::Elements)
        }
        Value::Hash(fields) => {
            let mut e = Elements::default();
            for f in fields {
                e.push(Item::Bytes(&f.field));
                e.push(Item::Bytes(&f.value));
            }
            Shape::Hash(e, Stored::Elements)
        }
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
    }
}
