//! Memory and key counts per key prefix, at every level up to a depth.
//!
//! A level-d prefix is a key's first d separator-delimited segments with
//! the separator that follows them (`user:` then `user:1:` for
//! `user:1:name`); a key counts under each prefix it strictly starts
//! with, so a unique last segment (an id) never becomes a prefix of its
//! own. Memory grows with the number of distinct prefixes, not keys.

use std::collections::HashMap;

use memchr::memmem;

/// One prefix and what is under it.
#[derive(Debug, Clone, Default)]
struct Node {
    bytes: u64,
    keys: u64,
    children: HashMap<Vec<u8>, Node>,
}

/// One prefix as [`PrefixTree::visit`] hands it out.
#[derive(Debug, Clone, Copy)]
pub struct PrefixVisit<'a> {
    /// 0 for all keys, then 1 ..= depth.
    pub level: usize,
    /// The prefix, separator included (empty at level 0).
    pub prefix: &'a [u8],
    /// Their estimated bytes.
    pub bytes: u64,
    /// Keys under it.
    pub keys: u64,
    /// Bytes of the siblings visited before it, plus its parent's offset:
    /// where it starts in a flame graph.
    pub offset: u64,
}

/// The prefix tree of the keys added so far.
#[derive(Debug, Clone)]
pub struct PrefixTree {
    separator: Vec<u8>,
    depth: usize,
    root: Node,
}

/// One line of the aggregated report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixRow {
    /// 0 for all keys, then 1 ..= depth.
    pub level: usize,
    /// The prefix, separator included (empty at level 0).
    pub prefix: Vec<u8>,
    /// Keys under it.
    pub keys: u64,
    /// Their estimated bytes.
    pub bytes: u64,
}

impl PrefixTree {
    /// An empty tree; `separator` must not be empty.
    pub fn new(separator: &[u8], depth: usize) -> Self {
        PrefixTree {
            separator: separator.to_vec(),
            depth,
            root: Node::default(),
        }
    }

    /// Counts a key of `bytes`.
    pub fn add(&mut self, key: &[u8], bytes: u64) {
        let mut node = &mut self.root;
        node.bytes += bytes;
        node.keys += 1;
        if self.separator.is_empty() {
            return;
        }
        let mut start = 0;
        for end in memmem::find_iter(key, &self.separator).take(self.depth) {
            let seg = &key[start..end + self.separator.len()];
            start = end + self.separator.len();
            node = node.children.entry(seg.to_vec()).or_default();
            node.bytes += bytes;
            node.keys += 1;
        }
    }

    /// Total bytes and keys.
    pub fn total(&self) -> (u64, u64) {
        (self.root.bytes, self.root.keys)
    }

    /// Every prefix, depth first from the root (level 0, all keys), the
    /// children of each by bytes (largest first, then by name).
    pub fn rows(&self) -> Vec<PrefixRow> {
        let mut out = Vec::new();
        self.visit(|v| {
            out.push(PrefixRow {
                level: v.level,
                prefix: v.prefix.to_vec(),
                keys: v.keys,
                bytes: v.bytes,
            })
        });
        out
    }

    /// Calls `f` for every prefix, depth first, the way
    /// [`PrefixTree::rows`] orders them.
    pub fn visit(&self, mut f: impl FnMut(&PrefixVisit<'_>)) {
        fn walk(
            n: &Node,
            level: usize,
            prefix: &mut Vec<u8>,
            offset: u64,
            f: &mut dyn FnMut(&PrefixVisit<'_>),
        ) {
            f(&PrefixVisit {
                level,
                prefix,
                bytes: n.bytes,
                keys: n.keys,
                offset,
            });
            let mut kids: Vec<(&Vec<u8>, &Node)> = n.children.iter().collect();
            kids.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then_with(|| a.0.cmp(b.0)));
            let mut off = offset;
            for (seg, child) in kids {
                let len = prefix.len();
                prefix.extend_from_slice(seg);
                walk(child, level + 1, prefix, off, f);
                prefix.truncate(len);
                off += child.bytes;
            }
        }
        walk(&self.root, 0, &mut Vec::new(), 0, &mut f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_sums() {
        let mut t = PrefixTree::new(b":", 2);
        t.add(b"user:1:name", 100);
        t.add(b"user:1:age", 50);
        t.add(b"user:2", 30);
        t.add(b"plain", 5);
        let rows: Vec<(usize, String, u64, u64)> = t
            .rows()
            .into_iter()
            .map(|r| {
                (
                    r.level,
                    String::from_utf8(r.prefix).unwrap(),
                    r.keys,
                    r.bytes,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (0, "".into(), 4, 185),
                (1, "user:".into(), 3, 180),
                (2, "user:1:".into(), 2, 150),
            ]
        );
    }
}
