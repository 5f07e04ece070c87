//! Sorting many byte strings bytewise, faster than comparing them whole.
//!
//! Turning a replayed keyspace into a dataset sorts millions of keys (and
//! the members of large sets and hashes) so that equal data gives equal
//! output. Comparing the strings themselves chases a pointer per side and
//! calls `memcmp` each time, and the sort moves the large items around.
//! Here the sort runs over small (16-byte prefix, index) pairs, comparing
//! whole strings only when the prefixes tie, and the items are moved once.

use std::cmp::Ordering;

/// The first 16 bytes of `s`, big-endian, zero-padded: prefixes order like
/// the strings wherever they differ (a shorter string padded with zeros
/// never sorts after a longer one it begins).
fn prefix(s: &[u8]) -> u128 {
    let mut b = [0u8; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s[..n]);
    u128::from_be_bytes(b)
}

/// `items` sorted bytewise by `key` (unstable: items with equal keys come
/// in any order, which only matters when they differ elsewhere).
pub(crate) fn sorted_by_bytes<T>(items: Vec<T>, key: impl Fn(&T) -> &[u8]) -> Vec<T> {
    sorted_by_bytes_map(items, key, |t| t)
}

/// [`sorted_by_bytes`], each item turned by `f` as it is placed: no
/// sorted copy of the items is built before the result.
pub(crate) fn sorted_by_bytes_map<T, U>(
    items: Vec<T>,
    key: impl Fn(&T) -> &[u8],
    f: impl FnMut(T) -> U,
) -> Vec<U> {
    if items.len() < 2 || u32::try_from(items.len()).is_err() {
        let mut items = items;
        items.sort_unstable_by(|a, b| key(a).cmp(key(b)));
        return items.into_iter().map(f).collect();
    }
    let mut order: Vec<(u128, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, t)| (prefix(key(t)), i as u32))
        .collect();
    order.sort_unstable_by(|a, b| match a.0.cmp(&b.0) {
        Ordering::Equal => key(&items[a.1 as usize]).cmp(key(&items[b.1 as usize])),
        o => o,
    });
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    // Sized up front: growing a vector of millions of items would copy
    // and touch its memory several times.
    let mut out = Vec::with_capacity(order.len());
    out.extend(
        order
            .into_iter()
            .filter_map(|(_, i)| slots[i as usize].take())
            .map(f),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_a_whole_string_comparison() {
        let mut words: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"a".to_vec(),
            b"a\0".to_vec(),
            b"a\0\x01".to_vec(),
            b"key:0123456789abcdef".to_vec(),
            b"key:0123456789abcdee".to_vec(),
            b"key:0123456789abcd".to_vec(),
            b"key:0123456789abcdef\xff".to_vec(),
            b"\xff\xff".to_vec(),
            b"key:1".to_vec(),
        ];
        for i in 0..500u32 {
            words.push(format!("member:{}", i.wrapping_mul(2_654_435_761) % 10_007).into_bytes());
        }
        let mut expected = words.clone();
        expected.sort();
        let got = sorted_by_bytes(words.into_iter().rev().collect(), |w| w.as_slice());
        assert_eq!(got, expected);
    }
}
