//! The engine's internal representations, chosen for replay speed rather
//! than for the model's interchange shape: lists are `VecDeque`s, sets and
//! hashes hash tables, sorted sets a score-ordered tree plus a member map,
//! streams `BTreeMap`s keyed by id.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use foldhash::fast::FixedState;

use super::error::{EngineError, EngineResult};
use super::Engine;
use crate::model::{StreamId, StreamIdmp, Value};

/// Hash map with a fixed seed: iteration order (and therefore `SPOP`'s
/// choice) is deterministic from run to run.
pub(crate) type Map<K, V> = std::collections::HashMap<K, V, FixedState>;
/// Hash set with a fixed seed.
pub(crate) type Set<K> = std::collections::HashSet<K, FixedState>;

/// A stored value.
#[derive(Debug, Clone)]
pub(crate) enum Obj {
    Str(Vec<u8>),
    List(VecDeque<Vec<u8>>),
    Set(Set<Vec<u8>>),
    Zset(ZSet),
    Hash(Hash),
    Stream(Box<StreamObj>),
    /// Module values and other types the engine keeps without interpreting.
    Opaque(Box<Value>),
}

impl Obj {
    /// True for a collection with no element (Redis deletes such keys).
    pub(crate) fn is_empty_collection(&self) -> bool {
        match self {
            Obj::List(l) => l.is_empty(),
            Obj::Set(s) => s.is_empty(),
            Obj::Zset(z) => z.is_empty(),
            Obj::Hash(h) => h.is_empty(),
            Obj::Str(_) | Obj::Stream(_) | Obj::Opaque(_) => false,
        }
    }

    /// `TYPE`'s answer.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Obj::Str(_) => "string",
            Obj::List(_) => "list",
            Obj::Set(_) => "set",
            Obj::Zset(_) => "zset",
            Obj::Hash(_) => "hash",
            Obj::Stream(_) => "stream",
            Obj::Opaque(v) => v.value_type().name(),
        }
    }
}

/// A key's value with its metadata.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub(crate) obj: Obj,
    /// Absolute expiry, Unix ms.
    pub(crate) expire: Option<i64>,
    /// LRU idle seconds carried over from a dataset.
    pub(crate) idle: Option<u64>,
    /// LFU counter carried over from a dataset.
    pub(crate) freq: Option<u8>,
}

impl Slot {
    pub(crate) fn new(obj: Obj) -> Self {
        Slot {
            obj,
            expire: None,
            idle: None,
            freq: None,
        }
    }
}

/// One database.
#[derive(Debug, Clone, Default)]
pub(crate) struct Db {
    pub(crate) map: Map<Vec<u8>, Slot>,
}

/// Sort key of a sorted-set element: score, then member bytes.
#[derive(Debug, Clone)]
pub(crate) struct ZKey {
    pub(crate) score: f64,
    pub(crate) member: Vec<u8>,
}

impl PartialEq for ZKey {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == std::cmp::Ordering::Equal
    }
}
impl Eq for ZKey {}
impl PartialOrd for ZKey {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for ZKey {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        // Scores are never NaN (the engine refuses them; a NaN from a file
        // compares equal, which keeps the tree consistent without panics).
        self.score
            .partial_cmp(&o.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| self.member.cmp(&o.member))
    }
}

/// A sorted set: member → score, and (score, member) in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct ZSet {
    pub(crate) dict: Map<Vec<u8>, f64>,
    pub(crate) tree: BTreeSet<ZKey>,
}

impl ZSet {
    pub(crate) fn len(&self) -> usize {
        self.dict.len()
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.dict.is_empty()
    }
    pub(crate) fn score(&self, m: &[u8]) -> Option<f64> {
        self.dict.get(m).copied()
    }
    /// Inserts or updates; returns the previous score.
    pub(crate) fn insert(&mut self, m: &[u8], score: f64) -> Option<f64> {
        match self.dict.get_mut(m) {
            Some(old) => {
                let prev = *old;
                if prev.to_bits() != score.to_bits() {
                    *old = score;
                    self.tree.remove(&ZKey {
                        score: prev,
                        member: m.to_vec(),
                    });
                    self.tree.insert(ZKey {
                        score,
                        member: m.to_vec(),
                    });
                }
                Some(prev)
            }
            None => {
                self.dict.insert(m.to_vec(), score);
                self.tree.insert(ZKey {
                    score,
                    member: m.to_vec(),
                });
                None
            }
        }
    }
    pub(crate) fn remove(&mut self, m: &[u8]) -> Option<f64> {
        let s = self.dict.remove(m)?;
        self.tree.remove(&ZKey {
            score: s,
            member: m.to_vec(),
        });
        Some(s)
    }
    /// Elements in (score, member) order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &ZKey> {
        self.tree.iter()
    }
}

/// A hash field's value and optional TTL.
#[derive(Debug, Clone)]
pub(crate) struct HField {
    pub(crate) value: Vec<u8>,
    pub(crate) expire: Option<i64>,
}

/// A hash.
pub(crate) type Hash = Map<Vec<u8>, HField>;

/// A pending entry of a group.
#[derive(Debug, Clone)]
pub(crate) struct Nack {
    pub(crate) delivery_time: i64,
    pub(crate) delivery_count: u64,
    /// Owning consumer (`None` only for PEL entries a dataset carried
    /// without an owner).
    pub(crate) consumer: Option<Vec<u8>>,
}

/// A consumer.
#[derive(Debug, Clone)]
pub(crate) struct Consumer {
    pub(crate) seen_time: i64,
    pub(crate) active_time: i64,
    pub(crate) pending: BTreeSet<StreamId>,
}

/// A consumer group.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) last_id: StreamId,
    pub(crate) entries_read: Option<u64>,
    pub(crate) pel: BTreeMap<StreamId, Nack>,
    pub(crate) consumers: BTreeMap<Vec<u8>, Consumer>,
    /// Redis 8.8 NACK zone, carried through unchanged.
    pub(crate) nacked: Vec<StreamId>,
}

/// Field/value pairs of one stream entry.
pub(crate) type Fields = Vec<(Vec<u8>, Vec<u8>)>;

/// A stream.
#[derive(Debug, Clone, Default)]
pub(crate) struct StreamObj {
    pub(crate) entries: BTreeMap<StreamId, Fields>,
    pub(crate) last_id: StreamId,
    pub(crate) max_deleted: StreamId,
    pub(crate) entries_added: u64,
    pub(crate) groups: BTreeMap<Vec<u8>, Group>,
    /// Idempotent-producer state, carried through unchanged.
    pub(crate) idmp: Option<StreamIdmp>,
}

macro_rules! typed_access {
    ($get:ident, $create:ident, $variant:ident, $t:ty) => {
        /// The value at `key` in the selected db if it has this type;
        /// `None` when missing; `WRONGTYPE` otherwise.
        pub(crate) fn $get(&mut self, key: &[u8]) -> EngineResult<Option<&mut $t>> {
            match self.slot_mut(key) {
                None => Ok(None),
                Some(Slot {
                    obj: Obj::$variant(v),
                    ..
                }) => Ok(Some(v)),
                Some(_) => Err(EngineError::WrongType),
            }
        }

        /// The value at `key`, created empty when missing. Callers must
        /// have validated every argument already (an empty collection
        /// must not survive an error).
        pub(crate) fn $create(&mut self, key: &[u8]) -> EngineResult<&mut $t> {
            if self.slot_mut(key).is_none() {
                self.db()
                    .map
                    .insert(key.to_vec(), Slot::new(Obj::$variant(Default::default())));
            }
            match self.db().map.get_mut(key) {
                Some(Slot {
                    obj: Obj::$variant(v),
                    ..
                }) => Ok(v),
                _ => Err(EngineError::WrongType),
            }
        }
    };
}

impl Engine {
    /// The selected db.
    pub(crate) fn db(&mut self) -> &mut Db {
        let i = self.selected;
        &mut self.dbs[i]
    }

    /// Deletes `key` of db `dbi` when it is logically expired and the
    /// engine is in live mode (never while loading).
    pub(crate) fn expire_if_needed(&mut self, dbi: usize, key: &[u8]) {
        if self.loading {
            return;
        }
        let now = self.now_ms;
        let db = &mut self.dbs[dbi];
        if db
            .map
            .get(key)
            .and_then(|s| s.expire)
            .is_some_and(|e| e < now)
        {
            db.map.remove(key);
        }
    }

    /// The slot at `key` in the selected db, after lazy expiry.
    pub(crate) fn slot_mut(&mut self, key: &[u8]) -> Option<&mut Slot> {
        let i = self.selected;
        self.slot_mut_in(i, key)
    }

    /// The slot at `key` in db `dbi`, after lazy expiry.
    pub(crate) fn slot_mut_in(&mut self, dbi: usize, key: &[u8]) -> Option<&mut Slot> {
        self.expire_if_needed(dbi, key);
        self.dbs[dbi].map.get_mut(key)
    }

    /// True when `key` exists in the selected db.
    pub(crate) fn key_exists(&mut self, key: &[u8]) -> bool {
        self.slot_mut(key).is_some()
    }

    /// Removes `key` from the selected db.
    pub(crate) fn remove_key(&mut self, key: &[u8]) -> Option<Slot> {
        let i = self.selected;
        self.expire_if_needed(i, key);
        self.dbs[i].map.remove(key)
    }

    /// Stores a new value at `key` (no TTL), replacing any.
    pub(crate) fn set_obj(&mut self, key: &[u8], obj: Obj) {
        let map = &mut self.db().map;
        if let Some(s) = map.get_mut(key) {
            *s = Slot::new(obj);
            return;
        }
        map.insert(key.to_vec(), Slot::new(obj));
    }

    /// Deletes `key` when it holds an empty collection.
    pub(crate) fn drop_if_empty(&mut self, key: &[u8]) {
        let db = self.db();
        if db.map.get(key).is_some_and(|s| s.obj.is_empty_collection()) {
            db.map.remove(key);
        }
    }

    typed_access!(get_str, str_or_create, Str, Vec<u8>);
    typed_access!(get_list, list_or_create, List, VecDeque<Vec<u8>>);
    typed_access!(get_set, set_or_create, Set, Set<Vec<u8>>);
    typed_access!(get_zset, zset_or_create, Zset, ZSet);
    typed_access!(get_hash, hash_or_create, Hash, Hash);
    typed_access!(get_stream, stream_or_create, Stream, Box<StreamObj>);
}
