//! How many nodes a Redis radix tree (`rax.c`) holds for a set of stream
//! ids, which `MEMORY USAGE` charges per node for a stream's index and its
//! consumer-group PELs.
//!
//! In a rax built by inserts, a position where keys diverge is one node
//! holding one byte per child; a run of bytes with a single continuation
//! is one compressed node; every key ends in its own (leaf) node. So the
//! count follows from the sorted keys alone: at each branching point, one
//! node, plus a compressed node when the keys share bytes beyond the
//! point where the parent left off.

use super::alloc::{RAX_NODE, STREAM_ID};

/// Nodes of a rax holding `keys` (sorted ascending, distinct, 16 bytes
/// each); an empty rax still has its head node.
pub fn node_count(keys: &[[u8; 16]]) -> u64 {
    if keys.is_empty() {
        return 1;
    }
    count(keys, 0)
}

/// Nodes below a fresh node reached after `depth` bytes, for `keys` that
/// all share those bytes.
fn count(keys: &[[u8; 16]], depth: usize) -> u64 {
    let (Some(first), Some(last)) = (keys.first(), keys.last()) else {
        return 0;
    };
    let shared = first
        .iter()
        .zip(last)
        .skip(depth)
        .take_while(|(a, b)| a == b)
        .count();
    let at = depth + shared;
    // A compressed node for the shared run, then the node where they part
    // (or the leaf).
    let mut n = u64::from(shared > 0) + 1;
    if keys.len() == 1 || at >= 16 {
        return n;
    }
    let mut start = 0;
    while start < keys.len() {
        let byte = keys[start][at];
        let end = start + keys[start..].partition_point(|k| k[at] == byte);
        n += count(&keys[start..end], at + 1);
        start = end;
    }
    n
}

/// `streamRadixTreeMemoryUsage` of a rax holding `keys`: 16 bytes per id
/// and [`RAX_NODE`] per node (Redis overwrites the struct size it starts
/// from, so the rax struct itself is not counted).
pub fn stream_rax_usage(keys: &[[u8; 16]]) -> u64 {
    keys.len() as u64 * STREAM_ID + node_count(keys) * RAX_NODE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ms: u64, seq: u64) -> [u8; 16] {
        let mut k = [0u8; 16];
        k[..8].copy_from_slice(&ms.to_be_bytes());
        k[8..].copy_from_slice(&seq.to_be_bytes());
        k
    }

    #[test]
    fn small_trees() {
        assert_eq!(node_count(&[]), 1);
        // One key: the head compresses all 16 bytes, then the leaf.
        assert_eq!(node_count(&[id(1, 0)]), 2);
        // Two keys parting at the last byte: compressed run of 15, the
        // branching node, two leaves.
        assert_eq!(node_count(&[id(1, 0), id(1, 1)]), 4);
        // Parting at byte 7 (ms 1 vs 2): run of 7, branch, and each side a
        // compressed run of 8 bytes plus a leaf.
        assert_eq!(node_count(&[id(1, 0), id(2, 0)]), 6);
    }
}
