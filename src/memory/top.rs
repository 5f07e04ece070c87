//! The N biggest keys, kept in a bounded heap: memory holds N keys,
//! whatever the file holds.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::report::MemoryRow;

/// A row ordered by size, then by file order (earlier wins a tie).
#[derive(Debug)]
struct Ranked {
    bytes: u64,
    seq: Reverse<u64>,
    row: MemoryRow,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.bytes, self.seq).cmp(&(other.bytes, other.seq))
    }
}

/// The `n` largest keys offered so far.
#[derive(Debug)]
pub struct TopKeys {
    n: usize,
    seq: u64,
    // A min-heap of the kept rows: its top is the first to go.
    heap: BinaryHeap<Reverse<Ranked>>,
}

impl TopKeys {
    /// Keeps the `n` largest.
    pub fn new(n: usize) -> Self {
        TopKeys {
            n,
            seq: 0,
            heap: BinaryHeap::with_capacity(n.min(1 << 16) + 1),
        }
    }

    /// Offers a key of `bytes`; `row` is built only when it is kept.
    pub fn offer(&mut self, bytes: u64, row: impl FnOnce() -> MemoryRow) {
        self.seq += 1;
        if self.n == 0 {
            return;
        }
        if self.heap.len() == self.n {
            match self.heap.peek() {
                Some(Reverse(min)) if min.bytes >= bytes => return,
                _ => {}
            }
            self.heap.pop();
        }
        self.heap.push(Reverse(Ranked {
            bytes,
            seq: Reverse(self.seq),
            row: row(),
        }));
    }

    /// The kept rows, largest first (file order among equals).
    pub fn into_sorted(self) -> Vec<MemoryRow> {
        let mut v: Vec<Ranked> = self.heap.into_iter().map(|Reverse(r)| r).collect();
        v.sort_by(|a, b| b.cmp(a));
        v.into_iter().map(|r| r.row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::{Encoding, KeyMemory, ValueMemory};
    use crate::model::ValueType;

    fn row(key: &str, bytes: u64) -> MemoryRow {
        MemoryRow {
            db: 0,
            key: key.as_bytes().to_vec(),
            value_type: ValueType::String,
            expire_ms: None,
            memory: KeyMemory {
                bytes,
                value: ValueMemory {
                    bytes,
                    encoding: Encoding::Raw,
                    num_elements: 0,
                    len_largest_element: 0,
                },
            },
        }
    }

    #[test]
    fn keeps_the_largest_in_order() {
        let mut t = TopKeys::new(3);
        for (k, b) in [
            ("a", 5),
            ("b", 50),
            ("c", 7),
            ("d", 50),
            ("e", 1),
            ("f", 60),
        ] {
            t.offer(b, || row(k, b));
        }
        let keys: Vec<_> = t.into_sorted().into_iter().map(|r| r.key).collect();
        assert_eq!(keys, [b"f".to_vec(), b"b".to_vec(), b"d".to_vec()]);
    }
}
