//! A whole dataset in file order: what an RDB holds, what an AOF replays
//! to, and what the writers and the digest take.

use std::collections::BTreeMap;

use super::Value;

/// One key with its value and metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Key name.
    pub key: Vec<u8>,
    /// Value.
    pub value: Value,
    /// Absolute expiry, Unix ms.
    pub expire_ms: Option<i64>,
    /// LRU idle seconds, when recorded.
    pub idle: Option<u64>,
    /// LFU counter, when recorded.
    pub freq: Option<u8>,
}

impl Entry {
    /// A key without expiry or eviction metadata.
    pub fn new(key: impl Into<Vec<u8>>, value: Value) -> Self {
        Entry {
            key: key.into(),
            value,
            expire_ms: None,
            idle: None,
            freq: None,
        }
    }
}

/// One database.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Db {
    /// Keys, in file order.
    pub entries: Vec<Entry>,
}

/// Module auxiliary data kept opaque.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleAuxData {
    /// Module id.
    pub module_id: u64,
    /// 1 = before the keyspace, 2 = after.
    pub when: u64,
    /// The items as stored (ending with the EOF item).
    pub raw: Vec<u8>,
}

/// A dataset.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    /// AUX fields, in order.
    pub aux: Vec<(Vec<u8>, Vec<u8>)>,
    /// Function libraries' source code, in order.
    pub functions: Vec<Vec<u8>>,
    /// Module aux records.
    pub module_aux: Vec<ModuleAuxData>,
    /// Databases by number.
    pub dbs: BTreeMap<u64, Db>,
}

impl Dataset {
    /// Total number of keys.
    pub fn len(&self) -> usize {
        self.dbs.values().map(|d| d.entries.len()).sum()
    }

    /// True when no database holds a key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
