//! Stream node listpacks (`t_stream.c` `streamAppendItem`): entries are
//! packed into nodes of at most `stream-node-max-entries` entries and about
//! `stream-node-max-bytes` bytes, each keyed by the id of its first entry.
//!
//! ```text
//! master:  count deleted N field_1..field_N 0
//! entry:   flags ms_diff seq_diff
//!          (SAMEFIELDS: value_1..value_N | num_fields (field value)*)
//!          lp_count
//! ```
//!
//! The master fields are the fields of the node's first entry; an entry
//! with exactly those field names in the same order is written with the
//! SAMEFIELDS flag and only its values.

use super::listpack::ListpackBuilder;
use super::BlobTooLarge;
use crate::model::{StreamEntry, StreamId};
use crate::rdb::encoding::stream::FLAG_SAMEFIELDS;

/// Node size limits (`stream-node-max-bytes`, `stream-node-max-entries`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeLimits {
    /// Bytes a node may reach before a new one is started (0 = no limit
    /// other than the 1 GiB listpack cap). Redis default 4096.
    pub max_bytes: usize,
    /// Entries per node (0 = no limit). Redis default 100.
    pub max_entries: usize,
}

impl Default for NodeLimits {
    fn default() -> Self {
        NodeLimits {
            max_bytes: 4096,
            max_entries: 100,
        }
    }
}

/// `STREAM_LISTPACK_MAX_SIZE`: the hard cap on a node's size.
const STREAM_LISTPACK_MAX_SIZE: usize = 1 << 30;

/// One node: its master id and listpack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamNode {
    /// Id of the first entry, the node's key.
    pub master: StreamId,
    /// The node listpack.
    pub listpack: Vec<u8>,
}

struct Open {
    master: StreamId,
    fields: Vec<Vec<u8>>,
    entries: Vec<usize>,
}

/// Packs `entries` (ascending ids) into nodes as `streamAppendItem` would
/// when they are added one by one.
pub fn encode_nodes(
    entries: &[StreamEntry],
    limits: NodeLimits,
) -> Result<Vec<StreamNode>, BlobTooLarge> {
    let max_bytes = if limits.max_bytes == 0 || limits.max_bytes > STREAM_LISTPACK_MAX_SIZE {
        STREAM_LISTPACK_MAX_SIZE
    } else {
        limits.max_bytes
    };
    let mut nodes = Vec::new();
    let mut open: Option<(Open, ListpackBuilder)> = None;
    for (i, e) in entries.iter().enumerate() {
        let totelelen: usize = e.fields.iter().map(|(f, v)| f.len() + v.len()).sum();
        if let Some((o, lp)) = &open {
            let full = lp.bytes() + totelelen >= max_bytes
                || (limits.max_entries != 0 && o.entries.len() >= limits.max_entries);
            if full {
                if let Some((o, _)) = open.take() {
                    nodes.push(close(o, entries)?);
                }
            }
        }
        let (o, lp) = open.get_or_insert_with(|| {
            let fields: Vec<Vec<u8>> = e.fields.iter().map(|(f, _)| f.clone()).collect();
            // The master entry as built by streamAppendItem; its count is
            // patched when the node is closed.
            let mut lp = ListpackBuilder::new();
            lp.push_int(1);
            lp.push_int(0);
            lp.push_int(fields.len() as i64);
            for f in &fields {
                lp.push(f);
            }
            lp.push_int(0);
            (
                Open {
                    master: e.id,
                    fields,
                    entries: Vec::new(),
                },
                lp,
            )
        });
        append_entry(lp, o, e);
        o.entries.push(i);
    }
    if let Some((o, _)) = open.take() {
        nodes.push(close(o, entries)?);
    }
    Ok(nodes)
}

fn same_fields(master: &[Vec<u8>], e: &StreamEntry) -> bool {
    master.len() == e.fields.len() && master.iter().zip(&e.fields).all(|(m, (f, _))| m == f)
}

fn append_entry(lp: &mut ListpackBuilder, o: &Open, e: &StreamEntry) {
    let same = same_fields(&o.fields, e);
    lp.push_int(if same { FLAG_SAMEFIELDS } else { 0 });
    lp.push_int(e.id.ms.wrapping_sub(o.master.ms) as i64);
    lp.push_int(e.id.seq.wrapping_sub(o.master.seq) as i64);
    let n = e.fields.len() as i64;
    if same {
        for (_, v) in &e.fields {
            lp.push(v);
        }
        lp.push_int(n + 3);
    } else {
        lp.push_int(n);
        for (f, v) in &e.fields {
            lp.push(f);
            lp.push(v);
        }
        lp.push_int(2 * n + 4);
    }
}

/// Rebuilds the node with its final master count (the in-place
/// `lpReplaceInteger` Redis does on each append); the builder kept while
/// the node was open only measured its size for the split decision.
fn close(o: Open, entries: &[StreamEntry]) -> Result<StreamNode, BlobTooLarge> {
    let mut lp = ListpackBuilder::new();
    lp.push_int(o.entries.len() as i64);
    lp.push_int(0);
    lp.push_int(o.fields.len() as i64);
    for f in &o.fields {
        lp.push(f);
    }
    lp.push_int(0);
    for &i in &o.entries {
        if let Some(e) = entries.get(i) {
            append_entry(&mut lp, &o, e);
        }
    }
    Ok(StreamNode {
        master: o.master,
        listpack: lp.finish()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::encoding::{stream, Depth};

    fn entry(ms: u64, seq: u64, fields: &[(&str, &str)]) -> StreamEntry {
        StreamEntry {
            id: StreamId::new(ms, seq),
            fields: fields
                .iter()
                .map(|(f, v)| (f.as_bytes().to_vec(), v.as_bytes().to_vec()))
                .collect(),
        }
    }

    #[test]
    fn node_of_spec_22_3_is_byte_exact() {
        let nodes = encode_nodes(
            &[entry(1, 5, &[("a", "1")]), entry(2, 0, &[("a", "2")])],
            NodeLimits::default(),
        )
        .unwrap();
        assert_eq!(nodes.len(), 1);
        assert_eq!(nodes[0].master, StreamId::new(1, 5));
        let want: Vec<u8> = [
            &[0x27, 0, 0, 0, 0x0f, 0][..],
            &[
                0x02, 0x01, 0x00, 0x01, 0x01, 0x01, 0x81, 0x61, 0x02, 0x00, 0x01,
            ],
            &[0x02, 0x01, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x04, 0x01],
            &[
                0x02, 0x01, 0x01, 0x01, 0xdf, 0xfb, 0x02, 0x02, 0x01, 0x04, 0x01,
            ],
            &[0xff],
        ]
        .concat();
        assert_eq!(nodes[0].listpack, want);
    }

    #[test]
    fn nodes_split_by_entries_and_bytes_and_read_back() {
        let mut es = Vec::new();
        for i in 0..250u64 {
            if i % 3 == 0 {
                es.push(entry(1000 + i, 0, &[("f", "v"), ("g", "w")]));
            } else {
                es.push(entry(1000 + i, i, &[("other", "x")]));
            }
        }
        let nodes = encode_nodes(&es, NodeLimits::default()).unwrap();
        assert_eq!(nodes.len(), 3);
        let mut got = Vec::new();
        for n in &nodes {
            let s = stream::validate(n.master, &n.listpack, Depth::Deep).unwrap();
            assert_eq!(s.deleted, 0);
            for e in stream::entries(n.master, &n.listpack).unwrap() {
                let e = e.unwrap();
                got.push(StreamEntry {
                    id: e.id,
                    fields: e
                        .fields
                        .iter()
                        .map(|(f, v)| (f.to_vec(), v.to_vec()))
                        .collect(),
                });
            }
        }
        assert_eq!(got, es);
        let big: Vec<StreamEntry> = (0..10u64)
            .map(|i| StreamEntry {
                id: StreamId::new(i, 0),
                fields: vec![(b"k".to_vec(), vec![b'z'; 1500])],
            })
            .collect();
        let nodes = encode_nodes(&big, NodeLimits::default()).unwrap();
        assert_eq!(nodes.len(), 5);
        for n in &nodes {
            assert!(n.listpack.len() < 4096 + 1600);
        }
    }
}
