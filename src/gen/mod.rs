//! A seeded, deterministic synthetic dataset: every type and encoding,
//! expiries, several databases, a function library. The same seed and size
//! always give the same dataset, so files written from it are reproducible
//! byte for byte (`redfile gen`, tests, benchmarks).

use crate::model::{
    Dataset, Entry, HashField, Stream, StreamConsumer, StreamEntry, StreamGroup, StreamId,
    StreamPendingEntry, Value,
};

/// SplitMix64: tiny, fast, and stable across platforms and releases (a
/// crate's generator could change its output between versions, which would
/// silently change committed fixtures).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Printable ASCII text of `len` bytes drawn from a small vocabulary, so
    /// that long strings compress with LZF as real text does.
    pub fn text(&mut self, len: usize) -> Vec<u8> {
        const WORDS: [&str; 12] = [
            "alpha", "bravo", "redis", "value", "queue", "user", "session", "cache", "event",
            "token", "stream", "order",
        ];
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            if !out.is_empty() {
                out.push(b' ');
            }
            out.extend_from_slice(WORDS[self.below(WORDS.len() as u64) as usize].as_bytes());
        }
        out.truncate(len);
        out
    }

    /// Text of a random length in `lo..=hi`.
    pub fn text_between(&mut self, lo: u64, hi: u64) -> Vec<u8> {
        let n = self.range(lo, hi) as usize;
        self.text(n)
    }

    /// Arbitrary bytes of a random length in `lo..=hi`.
    pub fn binary_between(&mut self, lo: u64, hi: u64) -> Vec<u8> {
        let n = self.range(lo, hi) as usize;
        self.binary(n)
    }

    /// `len` arbitrary bytes (any value, NUL and 0xff included).
    pub fn binary(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// What the generated data may use, by the oldest format it must fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// Hash field TTLs (RDB 12+).
    pub field_ttls: bool,
    /// Function libraries (RDB 10+).
    pub functions: bool,
}

impl Features {
    /// What RDB `version` can hold.
    pub fn for_rdb_version(version: u32) -> Self {
        Features {
            field_ttls: version >= 12,
            functions: version >= 10,
        }
    }
}

/// Far-future absolute expiry used for most TTLs (2100-01-01), so that
/// generated files do not age into "already expired".
pub const FUTURE_MS: i64 = 4_102_444_800_000;

/// The function library every generated dataset with functions holds.
pub const LIBRARY: &str =
    "#!lua name=genlib\nredis.register_function('gen_echo', function(keys, args) return args[1] end)";

/// Generates about `keys` keys from `seed`.
pub fn gen_dataset(seed: u64, keys: usize, features: Features) -> Dataset {
    let mut rng = Rng::new(seed);
    let mut ds = Dataset::default();
    if features.functions {
        ds.functions.push(LIBRARY.as_bytes().to_vec());
    }
    const DBS: [u64; 3] = [0, 1, 5];
    for n in 0..keys {
        let db = DBS[if n % 7 == 6 { 1 + (n / 7) % 2 } else { 0 }];
        let kind = n % 12;
        let big = n % 37 == 0;
        let (name, value) = match kind {
            0 => (format!("str:{n}"), Value::String(rng.text_between(1, 40))),
            1 => (
                format!("int:{n}"),
                Value::String(
                    (rng.next_u64() as i64 >> rng.below(60))
                        .to_string()
                        .into_bytes(),
                ),
            ),
            2 => (
                format!("blob:{n}"),
                Value::String(if big {
                    rng.text(3000)
                } else {
                    rng.binary_between(0, 64)
                }),
            ),
            3 => {
                let len = if big { 300 } else { rng.range(1, 20) };
                (
                    format!("list:{n}"),
                    Value::List((0..len).map(|_| rng.text_between(1, 12)).collect()),
                )
            }
            4 => {
                let len = if big { 600 } else { rng.range(1, 30) };
                let mut v: Vec<i64> = (0..len)
                    .map(|_| rng.next_u64() as i64 >> rng.below(63))
                    .collect();
                v.sort_unstable();
                v.dedup();
                (
                    format!("intset:{n}"),
                    Value::Set(v.iter().map(|i| i.to_string().into_bytes()).collect()),
                )
            }
            5 => {
                let len = if big { 200 } else { rng.range(1, 20) };
                let mut v: Vec<Vec<u8>> = (0..len)
                    .map(|i| format!("m{i}:{}", rng.below(1000)).into_bytes())
                    .collect();
                v.sort();
                v.dedup();
                (format!("set:{n}"), Value::Set(v))
            }
            6 => {
                let len = if big { 200 } else { rng.range(1, 20) };
                let mut v: Vec<(Vec<u8>, f64)> = (0..len)
                    .map(|i| {
                        let score = match rng.below(10) {
                            0 => f64::INFINITY,
                            1 => f64::NEG_INFINITY,
                            2 => rng.below(1000) as f64,
                            _ => (rng.next_u64() as i64 % 1_000_000) as f64 / 64.0,
                        };
                        (format!("member:{i}").into_bytes(), score)
                    })
                    .collect();
                v.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
                (format!("zset:{n}"), Value::SortedSet(v))
            }
            7 | 8 => {
                let len = if big { 200 } else { rng.range(1, 16) };
                let ttl = features.field_ttls && kind == 8;
                let fields = (0..len)
                    .map(|i| HashField {
                        field: format!("field:{i}").into_bytes(),
                        value: rng.text_between(0, 20),
                        expire_ms: (ttl && i % 2 == 0)
                            .then(|| FUTURE_MS + rng.below(86_400_000) as i64),
                    })
                    .collect();
                (format!("hash:{n}"), Value::Hash(fields))
            }
            9 => (
                format!("stream:{n}"),
                Value::Stream(Box::new(gen_stream(&mut rng, big))),
            ),
            10 => (
                format!("counter:{n}"),
                Value::String(rng.below(100_000).to_string().into_bytes()),
            ),
            _ => (
                format!("session:{n}"),
                Value::String(rng.text_between(8, 24)),
            ),
        };
        let mut entry = Entry::new(name.into_bytes(), value);
        if kind == 11 || n % 10 == 3 {
            entry.expire_ms = Some(FUTURE_MS + rng.below(365 * 86_400_000) as i64);
        }
        ds.dbs.entry(db).or_default().entries.push(entry);
    }
    ds
}

fn gen_stream(rng: &mut Rng, big: bool) -> Stream {
    let count = if big { 250 } else { rng.range(1, 12) };
    let mut ms = 1_700_000_000_000 + rng.below(1_000_000);
    let mut entries = Vec::new();
    for i in 0..count {
        ms += rng.range(0, 3);
        let seq = if entries.last().is_some_and(|e: &StreamEntry| e.id.ms == ms) {
            entries.last().map_or(0, |e: &StreamEntry| e.id.seq + 1)
        } else {
            0
        };
        let fields = if i % 3 == 0 {
            vec![
                (b"kind".to_vec(), b"a".to_vec()),
                (b"n".to_vec(), i.to_string().into_bytes()),
            ]
        } else {
            vec![(b"other".to_vec(), rng.text(6))]
        };
        entries.push(StreamEntry {
            id: StreamId::new(ms, seq),
            fields,
        });
    }
    let last_id = entries.last().map_or(StreamId::default(), |e| e.id);
    let first_id = entries.first().map_or(StreamId::default(), |e| e.id);
    let mut groups = Vec::new();
    if rng.below(2) == 0 {
        let pending: Vec<StreamPendingEntry> = entries
            .iter()
            .take(2)
            .map(|e| StreamPendingEntry {
                id: e.id,
                delivery_time: 1_700_000_000_000,
                delivery_count: 1,
            })
            .collect();
        groups.push(StreamGroup {
            name: b"workers".to_vec(),
            last_id: pending.last().map_or(StreamId::default(), |p| p.id),
            entries_read: Some(pending.len() as u64),
            consumers: vec![
                StreamConsumer {
                    name: b"alice".to_vec(),
                    seen_time: 1_700_000_000_000,
                    active_time: 1_700_000_000_000,
                    pending: pending.iter().map(|p| p.id).collect(),
                },
                StreamConsumer {
                    name: b"bob".to_vec(),
                    seen_time: 1_700_000_000_500,
                    active_time: 1_700_000_000_500,
                    pending: Vec::new(),
                },
            ],
            pending,
            nacked: Vec::new(),
        });
    }
    Stream {
        length: entries.len() as u64,
        entries_added: entries.len() as u64,
        entries,
        last_id,
        first_id,
        max_deleted_id: StreamId::default(),
        groups,
        idmp: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_dataset() {
        let f = Features::for_rdb_version(12);
        assert_eq!(gen_dataset(7, 300, f), gen_dataset(7, 300, f));
        assert_ne!(gen_dataset(7, 300, f), gen_dataset(8, 300, f));
        assert_eq!(gen_dataset(7, 300, f).len(), 300);
    }

    #[test]
    fn rng_is_stable() {
        // Fixed outputs: a change here changes every generated fixture.
        let mut r = Rng::new(1);
        assert_eq!(r.next_u64(), 0x910a2dec89025cc1);
        assert_eq!(r.next_u64(), 0xbeeb8da1658eec67);
    }
}
pub mod fixtures;
