//! `DEBUG DIGEST` and `DEBUG DIGEST-VALUE`, computed offline.
//!
//! A live Redis answers `DEBUG DIGEST` with a SHA-1 based fingerprint of its
//! whole keyspace and `DEBUG DIGEST-VALUE key` with one of a single value.
//! This module computes the same 20 bytes from a [`Dataset`], so a file can
//! be compared with the server that wrote it or will load it, without
//! starting one. The algorithm (`src/debug.c`) in short:
//!
//! * `xor(D, s)`: `D ^= SHA1(s)` (order-free, for sets, hashes, keys);
//!   `mix(D, s)`: `D = SHA1(D ^ SHA1(s))` (ordered, for lists, streams).
//! * A value: `mix(type code)`, then per type: string bytes; list elements
//!   in order; set members xor-ed; zset and hash pairs each digested on
//!   their own and xor-ed in; stream entries `"<ms>.<seq>"` and their
//!   fields in order (groups and metadata are not part of it). Then
//!   `xor("!!expire!!")` when the key has a TTL (its value is not hashed).
//! * The dataset: for each non-empty DB in ascending order
//!   `mix(F, be32(db))`, then for each key `xor(F, mix(0, key) + value)`.
//!
//! What differs between servers is captured by [`DigestRules`]: sorted-set
//! scores are hashed as text, `%.17g` up to 7.0 and Grisu2
//! ([`score::fpconv_dtoa`]) from 7.2; 7.4 adds `"!!hexpire!!"` for hash
//! fields with a TTL; and 7.0+ store integral scores of small sorted sets as
//! integers, so a `-0` score becomes `0` when a small zset is loaded.
//!
//! Not reproducible offline:
//! * **module values**: their digest is whatever the module's `digest`
//!   callback feeds in, so it needs the module. [`dataset_digest`] treats
//!   them as a module without a callback (only the type code and TTL marker
//!   count); [`DigestOptions::try_dataset_digest`] refuses them instead.
//! * **Redis 8.8 arrays**: no released rules known; same treatment.
//! * what the server does with the data *after* loading (active expiry of
//!   past-TTL keys and fields): compare with `DEBUG SET-ACTIVE-EXPIRE 0`.
//!
//! ```
//! use redfile::digest::{dataset_digest, to_hex, DigestRules};
//! use redfile::model::{Dataset, Entry, Value};
//!
//! let mut ds = Dataset::default();
//! ds.dbs.entry(0).or_default().entries.push(Entry::new("foo", Value::String(b"bar".to_vec())));
//! let d = dataset_digest(&ds, DigestRules::for_version("7.0.15"));
//! assert_eq!(to_hex(&d), "d2ab4820c1be0580ea28efbfe8bfa1dc05bb802a");
//! ```

pub mod score;

mod rdb;

pub use rdb::{rdb_digest, rdb_digest_per_key, RdbDigestError};

#[cfg(test)]
mod interop;

use sha1::{Digest as _, Sha1};

use crate::model::{Dataset, Entry, Value};

/// A 20-byte digest, as `DEBUG DIGEST` prints it in hex.
pub type Digest = [u8; 20];

/// The all-zero digest: an empty dataset, a missing key.
pub const ZERO: Digest = [0; 20];

/// Type codes hashed first into every value digest (`OBJ_*`).
const OBJ_STRING: u32 = 0;
const OBJ_LIST: u32 = 1;
const OBJ_SET: u32 = 2;
const OBJ_ZSET: u32 = 3;
const OBJ_HASH: u32 = 4;
const OBJ_MODULE: u32 = 5;
const OBJ_STREAM: u32 = 6;

/// Marker xor-ed into a value digest when the key has a TTL.
const EXPIRE_MARKER: &[u8] = b"!!expire!!";
/// Marker xor-ed into a hash field's digest when the field has a TTL (7.4+).
const HEXPIRE_MARKER: &[u8] = b"!!hexpire!!";

/// `D ^= SHA1(data)`: adds `data` to `D` regardless of order.
pub fn xor_digest(d: &mut Digest, data: &[u8]) {
    let h = Sha1::digest(data);
    for (a, b) in d.iter_mut().zip(h.iter()) {
        *a ^= b;
    }
}

/// `D = SHA1(D ^ SHA1(data))`: adds `data` to `D` in sequence.
pub fn mix_digest(d: &mut Digest, data: &[u8]) {
    xor_digest(d, data);
    let h = Sha1::digest(&d[..]);
    d.copy_from_slice(&h);
}

/// Lower-case hex, 40 characters, as the server prints digests.
pub fn to_hex(d: &Digest) -> String {
    hex::encode(d)
}

/// Parses 40 hex digits (either case) into a digest.
pub fn from_hex(s: &str) -> Option<Digest> {
    let mut d = ZERO;
    hex::decode_to_slice(s.trim(), &mut d).ok()?;
    Some(d)
}

/// Which server's digest to reproduce.
///
/// The variants differ only where the servers do (spec §9); every other part
/// of the algorithm is the same from 6.0 to 7.4 and in Valkey 7.2–8.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum DigestRules {
    /// Redis 6.0 and 6.2: scores as `%.17g`; small sorted sets keep a `-0`
    /// score as `-0` (the ziplist stores it as text).
    Redis60,
    /// Redis 7.0: scores as `%.17g`; integral scores of listpack sorted
    /// sets are integers, so `-0` becomes `0` there.
    Redis70,
    /// Redis 7.2, Valkey 7.2 / 8.x: scores via `fpconv_dtoa` (Grisu2).
    Redis72,
    /// Redis 7.4 and later: as 7.2, plus `"!!hexpire!!"` for hash fields
    /// with a TTL.
    #[default]
    Redis74,
}

impl DigestRules {
    /// The newest rules, used when a version is unknown.
    pub const NEWEST: DigestRules = DigestRules::Redis74;

    /// Rules for a `redis-ver` string such as `"7.2.4"`. Unparsable
    /// versions give [`DigestRules::NEWEST`]; anything below 7.0 gives
    /// [`DigestRules::Redis60`].
    pub fn for_version(version: &str) -> DigestRules {
        let mut parts = version.trim().split('.');
        let num = |p: Option<&str>| -> Option<u32> {
            let p = p?;
            let end = p.find(|c: char| !c.is_ascii_digit()).unwrap_or(p.len());
            p[..end].parse().ok()
        };
        let Some(major) = num(parts.next()) else {
            return DigestRules::NEWEST;
        };
        let minor = num(parts.next()).unwrap_or(0);
        match (major, minor) {
            (0..=6, _) => DigestRules::Redis60,
            (7, 0 | 1) => DigestRules::Redis70,
            (7, 2 | 3) => DigestRules::Redis72,
            _ => DigestRules::Redis74,
        }
    }

    /// Rules for the server that wrote a dataset, from its AUX fields: a
    /// `valkey-ver` gives [`DigestRules::Redis72`] (Valkey derives from
    /// 7.2 and, unlike Redis 7.4, adds no marker for hash fields with a TTL:
    /// checked against Valkey 9.1.2), else
    /// `redis-ver` as in [`DigestRules::for_version`], else the newest.
    pub fn for_dataset(ds: &Dataset) -> DigestRules {
        let aux = |name: &[u8]| {
            ds.aux
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        };
        if aux(b"valkey-ver").is_some() {
            return DigestRules::Redis72;
        }
        aux(b"redis-ver")
            .map(|v| DigestRules::for_version(&v))
            .unwrap_or(DigestRules::NEWEST)
    }

    /// The text a sorted-set score is hashed as.
    pub fn format_score(self, score: f64) -> String {
        match self {
            DigestRules::Redis60 | DigestRules::Redis70 => score::format_g17(score),
            DigestRules::Redis72 | DigestRules::Redis74 => score::fpconv_dtoa(score),
        }
    }

    /// Whether hash fields with a TTL add `"!!hexpire!!"`.
    pub fn marks_hash_field_ttl(self) -> bool {
        self >= DigestRules::Redis74
    }

    /// Whether listpack sorted sets store integral scores as integers (so a
    /// `-0` score reads back as `0`).
    pub fn listpack_zset_drops_zero_sign(self) -> bool {
        self >= DigestRules::Redis70
    }
}

/// The limits under which a server holds a sorted set as a listpack
/// (`zset-max-listpack-entries`, `zset-max-listpack-value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZsetListpackLimits {
    /// Most members a listpack sorted set may have.
    pub max_entries: usize,
    /// Longest member, in bytes, a listpack sorted set may have.
    pub max_value: usize,
}

impl Default for ZsetListpackLimits {
    /// The server defaults: 128 entries, 64 bytes.
    fn default() -> Self {
        ZsetListpackLimits {
            max_entries: 128,
            max_value: 64,
        }
    }
}

/// A value whose digest cannot be computed offline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// A module value: its digest comes from the module's callback.
    #[error(
        "key {key:?} in db {db} holds a value of module type {name}; its digest needs the module"
    )]
    Module {
        /// Database number (0 for a single value).
        db: u64,
        /// Key name, lossily decoded.
        key: String,
        /// Module type name.
        name: String,
    },
    /// A Redis 8.8 array: no known digest rules.
    #[error("key {key:?} in db {db} holds an array; no digest rules are known for arrays")]
    Array {
        /// Database number (0 for a single value).
        db: u64,
        /// Key name, lossily decoded.
        key: String,
    },
}

/// How to compute a digest: the server's rules plus what loading a file
/// does to the data.
///
/// [`DigestOptions::new`] hashes the model as it is, skipping only empty
/// collections (which no server holds). That equals a live server's digest
/// when the model was read from the RDB it just saved. What a server holds
/// *after loading* a file can differ in two ways, both handled by
/// [`rdb_digest`], which sees the record encodings:
///
/// * a small sorted set saved as a skiplist (one that shrank in memory) is
///   converted to a listpack on load (7.0+), turning a `-0` score into `0`;
///   one saved as a ziplist or listpack keeps its scores as stored. A
///   [`Dataset`] does not record the encoding: set
///   [`DigestOptions::normalize_small_zsets`] to treat every sorted set as
///   a skiplist record;
/// * a master loading a plain RDB drops keys whose TTL is past: set
///   [`DigestOptions::drop_expired_before_ms`] to the load time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestOptions {
    /// The server's rules.
    pub rules: DigestRules,
    /// The loading server's `zset-max-listpack-*` settings.
    pub zset_listpack_limits: ZsetListpackLimits,
    /// Dataset digests: hash every sorted set within
    /// [`DigestOptions::zset_listpack_limits`] as the listpack a 7.0+
    /// server converts a skiplist record to (`-0` scores as `0`).
    pub normalize_small_zsets: bool,
    /// Skip keys whose TTL is before this Unix time in ms (a master loading
    /// a plain RDB drops them). Not applied to single values.
    pub drop_expired_before_ms: Option<i64>,
    /// Skip empty lists, sets, sorted sets and hashes, as the server does on
    /// load. Not applied to single values.
    pub skip_empty_collections: bool,
}

impl DigestOptions {
    /// The model as it is (empty collections skipped), default limits.
    pub fn new(rules: DigestRules) -> Self {
        DigestOptions {
            rules,
            zset_listpack_limits: ZsetListpackLimits::default(),
            normalize_small_zsets: false,
            drop_expired_before_ms: None,
            skip_empty_collections: true,
        }
    }

    /// `DEBUG DIGEST` of a dataset, or an error for a module value or
    /// array.
    pub fn try_dataset_digest(&self, ds: &Dataset) -> Result<Digest, DigestError> {
        self.dataset_inner(ds, true)
    }

    /// `DEBUG DIGEST` of a dataset; module values and arrays count as a
    /// module type without a digest callback.
    pub fn dataset_digest(&self, ds: &Dataset) -> Digest {
        // Only the strict mode fails.
        self.dataset_inner(ds, false).unwrap_or(ZERO)
    }

    /// `DEBUG DIGEST-VALUE` of one key's value (independent of the key
    /// name), or an error for a module value or array.
    pub fn try_value_digest(&self, entry: &Entry) -> Result<Digest, DigestError> {
        let mut d = ZERO;
        self.object_digest(&mut d, 0, entry, self.normalize_small_zsets, true)?;
        Ok(d)
    }

    /// `DEBUG DIGEST-VALUE` of one key's value (independent of the key
    /// name); a module value or array counts as a module type without a
    /// digest callback.
    pub fn value_digest(&self, entry: &Entry) -> Digest {
        let mut d = ZERO;
        let _ = self.object_digest(&mut d, 0, entry, self.normalize_small_zsets, false);
        d
    }

    /// The per-key digest that [`DigestOptions::dataset_digest`] xors in:
    /// `mix(0, key)` followed by the value digest.
    pub fn key_digest(&self, entry: &Entry) -> Digest {
        let mut d = ZERO;
        mix_digest(&mut d, &entry.key);
        let _ = self.object_digest(&mut d, 0, entry, self.normalize_small_zsets, false);
        d
    }

    fn keeps(&self, entry: &Entry) -> bool {
        if let (Some(now), Some(at)) = (self.drop_expired_before_ms, entry.expire_ms) {
            if at < now {
                return false;
            }
        }
        if self.skip_empty_collections {
            let empty = match &entry.value {
                Value::List(v) | Value::Set(v) => v.is_empty(),
                Value::SortedSet(v) => v.is_empty(),
                Value::Hash(v) => v.is_empty(),
                _ => false,
            };
            if empty {
                return false;
            }
        }
        true
    }

    fn dataset_inner(&self, ds: &Dataset, strict: bool) -> Result<Digest, DigestError> {
        let mut f = ZERO;
        for (&db, dbv) in &ds.dbs {
            let mut kept = dbv.entries.iter().filter(|e| self.keeps(e)).peekable();
            if kept.peek().is_none() {
                continue;
            }
            // Redis stores the DB number as `uint32_t` after `htonl`.
            mix_digest(&mut f, &(db as u32).to_be_bytes());
            for e in kept {
                let mut d = ZERO;
                mix_digest(&mut d, &e.key);
                self.object_digest(&mut d, db, e, self.normalize_small_zsets, strict)?;
                xor_digest(&mut f, &d);
            }
        }
        Ok(f)
    }

    /// `xorObjectDigest`: type code, contents, TTL marker, into `d`.
    fn object_digest(
        &self,
        d: &mut Digest,
        db: u64,
        entry: &Entry,
        skiplist_record: bool,
        strict: bool,
    ) -> Result<(), DigestError> {
        let rules = self.rules;
        match &entry.value {
            Value::String(s) => {
                mix_digest(d, &OBJ_STRING.to_be_bytes());
                mix_digest(d, s);
            }
            Value::List(items) => {
                mix_digest(d, &OBJ_LIST.to_be_bytes());
                for it in items {
                    mix_digest(d, it);
                }
            }
            Value::Set(members) => {
                mix_digest(d, &OBJ_SET.to_be_bytes());
                for m in members {
                    xor_digest(d, m);
                }
            }
            Value::SortedSet(pairs) => {
                mix_digest(d, &OBJ_ZSET.to_be_bytes());
                let l = self.zset_listpack_limits;
                let drop_zero_sign = skiplist_record
                    && rules.listpack_zset_drops_zero_sign()
                    && pairs.len() <= l.max_entries
                    && pairs.iter().all(|(m, _)| m.len() <= l.max_value);
                for (member, score) in pairs {
                    let score = if drop_zero_sign && *score == 0.0 {
                        0.0
                    } else {
                        *score
                    };
                    let mut e = ZERO;
                    mix_digest(&mut e, member);
                    mix_digest(&mut e, rules.format_score(score).as_bytes());
                    xor_digest(d, &e);
                }
            }
            Value::Hash(fields) => {
                mix_digest(d, &OBJ_HASH.to_be_bytes());
                for f in fields {
                    let mut e = ZERO;
                    mix_digest(&mut e, &f.field);
                    mix_digest(&mut e, &f.value);
                    if f.expire_ms.is_some() && rules.marks_hash_field_ttl() {
                        xor_digest(&mut e, HEXPIRE_MARKER);
                    }
                    xor_digest(d, &e);
                }
            }
            Value::Stream(s) => {
                mix_digest(d, &OBJ_STREAM.to_be_bytes());
                for entry in &s.entries {
                    mix_digest(d, format!("{}.{}", entry.id.ms, entry.id.seq).as_bytes());
                    for (field, value) in &entry.fields {
                        mix_digest(d, field);
                        mix_digest(d, value);
                    }
                }
            }
            Value::Module(m) => {
                if strict {
                    return Err(DigestError::Module {
                        db,
                        key: String::from_utf8_lossy(&entry.key).into_owned(),
                        name: m.name.clone(),
                    });
                }
                mix_digest(d, &OBJ_MODULE.to_be_bytes());
            }
            Value::Array(_) => {
                if strict {
                    return Err(DigestError::Array {
                        db,
                        key: String::from_utf8_lossy(&entry.key).into_owned(),
                    });
                }
                mix_digest(d, &OBJ_MODULE.to_be_bytes());
            }
        }
        if entry.expire_ms.is_some() {
            xor_digest(d, EXPIRE_MARKER);
        }
        Ok(())
    }
}

/// `DEBUG DIGEST` of a dataset as a server holding it reports it (see
/// [`DigestOptions::new`]); all zeros for an empty dataset. Module values
/// and arrays count as a module type without a digest callback; use
/// [`DigestOptions::try_dataset_digest`] to refuse them.
pub fn dataset_digest(ds: &Dataset, rules: DigestRules) -> Digest {
    DigestOptions::new(rules).dataset_digest(ds)
}

/// `DEBUG DIGEST-VALUE` of one key's value: includes the TTL marker when the
/// key has a TTL, not the key name nor the DB.
pub fn value_digest(entry: &Entry, rules: DigestRules) -> Digest {
    DigestOptions::new(rules).value_digest(entry)
}

/// The per-key digest xor-ed into [`dataset_digest`]: key name, then value.
pub fn key_digest(entry: &Entry, rules: DigestRules) -> Digest {
    DigestOptions::new(rules).key_digest(entry)
}

#[cfg(test)]
mod tests;
