//! Conversions between the engine's store and the model's [`Dataset`].

use std::collections::{BTreeMap, BTreeSet};

use super::byte_sort::{sorted_by_bytes, sorted_by_bytes_map};
use super::error::{EngineError, EngineResult};
use super::store::{Consumer, Group, HField, Nack, Obj, Slot, StreamObj, ZSet};
use super::{Engine, DEFAULT_DBS, MAX_DBS};
use crate::model::{
    Dataset, Db, Entry, HashField, Stream, StreamConsumer, StreamEntry, StreamGroup, StreamId,
    StreamPendingEntry, Value,
};

/// A model value as the engine stores it.
pub(crate) fn value_to_obj(v: Value) -> Obj {
    match v {
        Value::String(s) => Obj::Str(s),
        Value::List(l) => Obj::List(l.into()),
        Value::Set(s) => Obj::Set(s.into_iter().collect()),
        Value::SortedSet(z) => {
            let mut out = ZSet::default();
            for (m, s) in z {
                out.insert(&m, s);
            }
            Obj::Zset(out)
        }
        Value::Hash(h) => Obj::Hash(
            h.into_iter()
                .map(|f| {
                    (
                        f.field,
                        HField {
                            value: f.value,
                            expire: f.expire_ms,
                        },
                    )
                })
                .collect(),
        ),
        Value::Stream(s) => Obj::Stream(Box::new(stream_to_obj(*s))),
        other @ (Value::Module(_) | Value::Array(_)) => Obj::Opaque(Box::new(other)),
    }
}

fn stream_to_obj(s: Stream) -> StreamObj {
    let groups = s
        .groups
        .into_iter()
        .map(|g| {
            let mut pel: BTreeMap<StreamId, Nack> = g
                .pending
                .into_iter()
                .map(|p| {
                    (
                        p.id,
                        Nack {
                            delivery_time: p.delivery_time,
                            delivery_count: p.delivery_count,
                            consumer: None,
                        },
                    )
                })
                .collect();
            let consumers = g
                .consumers
                .into_iter()
                .map(|c| {
                    let mut pending = BTreeSet::new();
                    for id in c.pending {
                        if let Some(n) = pel.get_mut(&id) {
                            n.consumer = Some(c.name.clone());
                            pending.insert(id);
                        }
                    }
                    (
                        c.name,
                        Consumer {
                            seen_time: c.seen_time,
                            active_time: c.active_time,
                            pending,
                        },
                    )
                })
                .collect();
            (
                g.name,
                Group {
                    last_id: g.last_id,
                    entries_read: g.entries_read,
                    pel,
                    consumers,
                    nacked: g.nacked,
                },
            )
        })
        .collect();
    StreamObj {
        entries: s.entries.into_iter().map(|e| (e.id, e.fields)).collect(),
        last_id: s.last_id,
        max_deleted: s.max_deleted_id,
        entries_added: s.entries_added,
        groups,
        idmp: s.idmp,
    }
}

fn stream_to_model(s: &StreamObj) -> Stream {
    Stream {
        entries: s
            .entries
            .iter()
            .map(|(id, f)| StreamEntry {
                id: *id,
                fields: f.clone(),
            })
            .collect(),
        length: s.entries.len() as u64,
        last_id: s.last_id,
        first_id: s.entries.keys().next().copied().unwrap_or_default(),
        max_deleted_id: s.max_deleted,
        entries_added: s.entries_added,
        groups: s
            .groups
            .iter()
            .map(|(name, g)| StreamGroup {
                name: name.clone(),
                last_id: g.last_id,
                entries_read: g.entries_read,
                pending: g
                    .pel
                    .iter()
                    .map(|(id, n)| StreamPendingEntry {
                        id: *id,
                        delivery_time: n.delivery_time,
                        delivery_count: n.delivery_count,
                    })
                    .collect(),
                consumers: g
                    .consumers
                    .iter()
                    .map(|(cname, c)| StreamConsumer {
                        name: cname.clone(),
                        seen_time: c.seen_time,
                        active_time: c.active_time,
                        pending: c.pending.iter().copied().collect(),
                    })
                    .collect(),
                nacked: g.nacked.clone(),
            })
            .collect(),
        idmp: s.idmp.clone(),
    }
}

/// The model value of a stored object. Sets and hashes come out sorted
/// bytewise, sorted sets by (score, member), so that equal data always
/// gives equal values.
pub(crate) fn obj_to_value(o: &Obj) -> Value {
    match o {
        Obj::Str(s) => Value::String(s.clone()),
        Obj::List(l) => Value::List(l.iter().cloned().collect()),
        Obj::Set(s) => {
            let mut v: Vec<Vec<u8>> = s.iter().cloned().collect();
            v.sort_unstable();
            Value::Set(v)
        }
        Obj::Zset(z) => Value::SortedSet(z.iter().map(|k| (k.member.clone(), k.score)).collect()),
        Obj::Hash(h) => {
            let mut v: Vec<HashField> = h
                .iter()
                .map(|(k, f)| HashField {
                    field: k.clone(),
                    value: f.value.clone(),
                    expire_ms: f.expire,
                })
                .collect();
            v.sort_unstable_by(|a, b| a.field.cmp(&b.field));
            Value::Hash(v)
        }
        Obj::Stream(s) => Value::Stream(Box::new(stream_to_model(s))),
        Obj::Opaque(v) => (**v).clone(),
    }
}

/// [`obj_to_value`] by moving: no element is copied, so turning a large
/// keyspace into a dataset needs no second copy of its bytes.
fn obj_into_value(o: Obj) -> Value {
    match o {
        Obj::Str(s) => Value::String(s),
        Obj::List(l) => Value::List(l.into()),
        Obj::Set(s) => Value::Set(sorted_by_bytes(s.into_iter().collect(), |m| m.as_slice())),
        Obj::Zset(z) => {
            let ZSet { dict, tree } = z;
            drop(dict);
            Value::SortedSet(tree.into_iter().map(|k| (k.member, k.score)).collect())
        }
        Obj::Hash(h) => {
            let v: Vec<HashField> = h
                .into_iter()
                .map(|(k, f)| HashField {
                    field: k,
                    value: f.value,
                    expire_ms: f.expire,
                })
                .collect();
            Value::Hash(sorted_by_bytes(v, |f| f.field.as_slice()))
        }
        Obj::Stream(s) => Value::Stream(Box::new(stream_into_model(*s))),
        Obj::Opaque(v) => *v,
    }
}

fn stream_into_model(s: StreamObj) -> Stream {
    let mut m = stream_to_model(&StreamObj {
        entries: BTreeMap::new(),
        ..s.clone_without_entries()
    });
    m.first_id = s.entries.keys().next().copied().unwrap_or_default();
    m.length = s.entries.len() as u64;
    m.entries = s
        .entries
        .into_iter()
        .map(|(id, fields)| StreamEntry { id, fields })
        .collect();
    m
}

impl StreamObj {
    /// Everything but the entries (which are the bulk of a stream).
    fn clone_without_entries(&self) -> StreamObj {
        StreamObj {
            entries: BTreeMap::new(),
            last_id: self.last_id,
            max_deleted: self.max_deleted,
            entries_added: self.entries_added,
            groups: self.groups.clone(),
            idmp: self.idmp.clone(),
        }
    }
}

impl Engine {
    /// Like [`Engine::to_dataset`], consuming the engine: values are moved,
    /// not copied, so memory does not double at the end of a replay.
    pub fn into_dataset(self) -> Dataset {
        let mut dbs = BTreeMap::new();
        for (i, db) in self.dbs.into_iter().enumerate() {
            if db.map.is_empty() {
                continue;
            }
            let entries = sorted_by_bytes_map(
                db.map.into_iter().collect(),
                |(k, _): &(Vec<u8>, Slot)| k.as_slice(),
                |(k, s)| Entry {
                    key: k,
                    value: obj_into_value(s.obj),
                    expire_ms: s.expire,
                    idle: s.idle,
                    freq: s.freq,
                },
            );
            dbs.insert(i as u64, Db { entries });
        }
        Dataset {
            aux: self.aux,
            functions: self.functions.into_values().collect(),
            module_aux: self.module_aux,
            dbs,
        }
    }

    /// Like [`Engine::from_dataset`], consuming the dataset so that values
    /// are moved into the engine instead of copied.
    pub fn from_dataset_owned(ds: Dataset) -> EngineResult<Engine> {
        let top = ds.dbs.keys().next_back().copied().unwrap_or(0);
        if top >= MAX_DBS as u64 {
            return Err(EngineError::reply("ERR DB index is out of range"));
        }
        let mut e = Engine::with_dbs(DEFAULT_DBS.max(top as usize + 1));
        for code in &ds.functions {
            if let Ok(name) = super::functions::library_name(code) {
                e.functions.insert(name, code.clone());
            }
        }
        e.aux = ds.aux;
        e.module_aux = ds.module_aux;
        for (i, db) in ds.dbs {
            let map = &mut e.dbs[i as usize].map;
            map.reserve(db.entries.len());
            for ent in db.entries {
                map.insert(
                    ent.key,
                    Slot {
                        obj: value_to_obj(ent.value),
                        expire: ent.expire_ms,
                        idle: ent.idle,
                        freq: ent.freq,
                    },
                );
            }
        }
        Ok(e)
    }

    /// An engine holding a dataset's keys, function libraries and AUX
    /// fields (kept for [`Engine::to_dataset`]). It has
    /// `max(16, highest db + 1)` databases; a later key with the same name
    /// in the same db replaces an earlier one.
    pub fn from_dataset(ds: &Dataset) -> EngineResult<Engine> {
        let top = ds.dbs.keys().next_back().copied().unwrap_or(0);
        if top >= MAX_DBS as u64 {
            return Err(EngineError::reply("ERR DB index is out of range"));
        }
        let mut e = Engine::with_dbs(DEFAULT_DBS.max(top as usize + 1));
        for (&i, db) in &ds.dbs {
            let map = &mut e.dbs[i as usize].map;
            map.reserve(db.entries.len());
            for ent in &db.entries {
                map.insert(
                    ent.key.clone(),
                    Slot {
                        obj: value_to_obj(ent.value.clone()),
                        expire: ent.expire_ms,
                        idle: ent.idle,
                        freq: ent.freq,
                    },
                );
            }
        }
        for code in &ds.functions {
            if let Ok(name) = super::functions::library_name(code) {
                e.functions.insert(name, code.clone());
            }
        }
        e.aux = ds.aux.clone();
        e.module_aux = ds.module_aux.clone();
        Ok(e)
    }

    /// The keyspace as a dataset: non-empty databases only, keys sorted
    /// bytewise within each, set members and hash fields sorted bytewise,
    /// function libraries sorted by name. Identical data therefore always
    /// gives an identical dataset (and identical bytes from the writers).
    /// Expired keys are included; call [`Engine::purge_expired`] first to
    /// drop them.
    pub fn to_dataset(&self) -> Dataset {
        let mut dbs = BTreeMap::new();
        for (i, db) in self.dbs.iter().enumerate() {
            if db.map.is_empty() {
                continue;
            }
            let mut keys: Vec<(&Vec<u8>, &Slot)> = db.map.iter().collect();
            keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let entries = keys
                .into_iter()
                .map(|(k, s)| Entry {
                    key: k.clone(),
                    value: obj_to_value(&s.obj),
                    expire_ms: s.expire,
                    idle: s.idle,
                    freq: s.freq,
                })
                .collect();
            dbs.insert(i as u64, Db { entries });
        }
        Dataset {
            aux: self.aux.clone(),
            functions: self.functions.values().cloned().collect(),
            module_aux: self.module_aux.clone(),
            dbs,
        }
    }
}
