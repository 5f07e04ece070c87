//! What Redis 7.0 allocates for its building blocks on x86-64 with
//! jemalloc 5 (the allocator of the Redis and Debian builds): the size
//! classes `zmalloc_size` reports, sds strings and the fixed structs.

/// `sizeof(robj)`: type, encoding and LRU bits, refcount, pointer.
pub const ROBJ: u64 = 16;
/// `sizeof(dictEntry)` in 7.0: key, value, next.
pub const DICT_ENTRY: u64 = 24;
/// `sizeof(dict)` in 7.0 (two table pointers, two counters, rehash index,
/// pause counter and size exponents).
pub const DICT: u64 = 56;
/// Smallest hash table (`DICT_HT_INITIAL_SIZE`).
pub const DICT_MIN_SLOTS: u64 = 4;
/// `sizeof(quicklist)`.
pub const QUICKLIST: u64 = 40;
/// `sizeof(quicklistNode)`.
pub const QUICKLIST_NODE: u64 = 40;
/// `sizeof(zset)`: dict and skiplist pointers.
pub const ZSET: u64 = 16;
/// `sizeof(zskiplist)`: header, tail, length, level.
pub const ZSKIPLIST: u64 = 32;
/// `sizeof(zskiplistNode)` without its levels: ele, score, backward.
pub const ZSKIPLIST_NODE: u64 = 24;
/// One skiplist level: forward pointer and span.
pub const ZSKIPLIST_LEVEL: u64 = 16;
/// `ZSKIPLIST_MAXLEVEL`: the header node has every level.
pub const ZSKIPLIST_MAXLEVEL: u64 = 32;
/// `sizeof(stream)`: rax pointer, length, last/first/max-deleted ids,
/// entries added, groups pointer.
pub const STREAM: u64 = 80;
/// `sizeof(streamCG)`: last id, entries read, PEL and consumers pointers.
pub const STREAM_CG: u64 = 40;
/// `sizeof(streamConsumer)` in 7.0: seen time, name, PEL pointer.
pub const STREAM_CONSUMER: u64 = 24;
/// `sizeof(streamNACK)`: delivery time, count, consumer pointer.
pub const STREAM_NACK: u64 = 24;
/// `sizeof(streamID)`.
pub const STREAM_ID: u64 = 16;
/// What `streamRadixTreeMemoryUsage` charges per rax node:
/// `sizeof(raxNode)` plus 30 longs of "aux data, children" overhead.
pub const RAX_NODE: u64 = 4 + 30 * 8;
/// Listpack header (total bytes, element count) plus the end byte.
pub const LISTPACK_EMPTY: u64 = 7;
/// Intset header (encoding, length).
pub const INTSET_HEADER: u64 = 8;

/// The usable size jemalloc gives a request of `n` bytes (`zmalloc_size`):
/// 8, then multiples of 16 up to 128, then four classes per doubling.
pub fn jemalloc(n: u64) -> u64 {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return n.div_ceil(16) * 16;
    }
    // n in (2^k, 2^(k+1)]: classes are spaced 2^(k-2) apart.
    let k = 63 - (n - 1).leading_zeros() as u64;
    let step = 1u64 << (k - 2);
    n.div_ceil(step).saturating_mul(step)
}

/// Header bytes of an sds string of `len` bytes (`sdsReqType`): type 5
/// (1 byte) below 32, then 8, 16, 32 and 64-bit headers.
pub fn sds_header(len: u64) -> u64 {
    match len {
        0..=31 => 1,
        32..=255 => 3,
        256..=65535 => 5,
        65536..=0xffff_ffff => 9,
        _ => 17,
    }
}

/// `sdsZmallocSize` of an sds holding `len` bytes, allocated exactly (as
/// `sdsnewlen` does for keys, set members, hash fields and values).
pub fn sds(len: u64) -> u64 {
    jemalloc(sds_header(len) + len + 1)
}

/// Buckets of a hash table holding `n` entries, grown by inserts or sized
/// by the RDB loader (`dictExpand`): the next power of two, at least 4.
pub fn dict_slots(n: u64) -> u64 {
    n.max(DICT_MIN_SLOTS)
        .checked_next_power_of_two()
        .unwrap_or(u64::MAX)
}

/// A dict with `n` entries: the struct and its bucket array (entries and
/// what they point to are the caller's).
pub fn dict(n: u64) -> u64 {
    DICT + 8 * dict_slots(n)
}

/// The expected allocation of a skiplist node: its level is random
/// (`zslRandomLevel`, p = 1/4), so this is the mean over levels of the
/// size class of `24 + 16 * level` bytes.
pub fn skiplist_node_mean() -> f64 {
    let mut mean = 0.0;
    let mut p = 0.75;
    for level in 1..=ZSKIPLIST_MAXLEVEL {
        let size = jemalloc(ZSKIPLIST_NODE + ZSKIPLIST_LEVEL * level) as f64;
        // The last level takes the remaining probability.
        let pl = if level == ZSKIPLIST_MAXLEVEL {
            0.25f64.powi(level as i32 - 1)
        } else {
            p
        };
        mean += pl * size;
        p *= 0.25;
    }
    mean
}

/// The skiplist header node, allocated with every level.
pub fn skiplist_header() -> u64 {
    jemalloc(ZSKIPLIST_NODE + ZSKIPLIST_LEVEL * ZSKIPLIST_MAXLEVEL)
}

/// Bytes a listpack spends on one element: its encoding and data
/// (`lpEncodeGetType`: integers in 1, 2, 3, 4, 5 or 9 bytes, strings with
/// a 1, 2 or 5-byte header) plus the back-length.
pub fn listpack_entry(int: Option<i64>, len: u64) -> u64 {
    let encoded = match int {
        Some(v) => match v {
            0..=127 => 1,
            -4096..=4095 => 2,
            -32768..=32767 => 3,
            -8_388_608..=8_388_607 => 4,
            v if i32::try_from(v).is_ok() => 5,
            _ => 9,
        },
        None => match len {
            0..=63 => 1 + len,
            64..=4095 => 2 + len,
            _ => 5 + len,
        },
    };
    encoded + crate::rdb::encoding::listpack::backlen_size(encoded) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_classes() {
        let got: Vec<u64> = [
            0, 1, 8, 9, 17, 23, 48, 65, 128, 129, 160, 161, 257, 4097, 8193,
        ]
        .iter()
        .map(|&n| jemalloc(n))
        .collect();
        assert_eq!(
            got,
            [8, 8, 8, 16, 32, 32, 48, 80, 128, 160, 160, 192, 320, 5120, 10240]
        );
    }

    #[test]
    fn sds_sizes() {
        // "k": 1 + 1 + 1 bytes; 100 bytes: sdshdr8 (3) + 100 + 1 = 104.
        assert_eq!(sds(1), 8);
        assert_eq!(sds(100), 112);
        // 30 bytes fit a 32-byte class with the 1-byte header; 32 bytes
        // need the 3-byte header.
        assert_eq!(sds(30), 32);
        assert_eq!(sds(32), 48);
    }

    #[test]
    fn listpack_entries() {
        assert_eq!(listpack_entry(Some(5), 1), 2);
        assert_eq!(listpack_entry(Some(1000), 4), 3);
        assert_eq!(listpack_entry(Some(i64::MAX), 19), 10);
        assert_eq!(listpack_entry(None, 5), 7);
        assert_eq!(listpack_entry(None, 100), 103);
    }

    #[test]
    fn skiplist_mean_is_between_the_first_classes() {
        let m = skiplist_node_mean();
        assert!(m > 48.0 && m < 64.0, "{m}");
    }
}
