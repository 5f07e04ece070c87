//! A key's value, owned and decoded.

use super::Stream;

/// The logical type of a value, as `TYPE` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// `string`
    String,
    /// `list`
    List,
    /// `set`
    Set,
    /// `zset`
    Zset,
    /// `hash`
    Hash,
    /// `stream`
    Stream,
    /// A module type (`TYPE` prints the module's type name).
    Module,
    /// Redis 8.8's sparse array.
    Array,
}

impl ValueType {
    /// The name `TYPE` prints (modules print `module` here).
    pub fn name(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::List => "list",
            ValueType::Set => "set",
            ValueType::Zset => "zset",
            ValueType::Hash => "hash",
            ValueType::Stream => "stream",
            ValueType::Module => "module",
            ValueType::Array => "array",
        }
    }

    /// Lists, sets, sorted sets and hashes: collections of elements.
    pub fn has_elements(self) -> bool {
        matches!(
            self,
            ValueType::List | ValueType::Set | ValueType::Zset | ValueType::Hash
        )
    }

    /// Every type, in a stable order for reports.
    pub const ALL: [ValueType; 8] = [
        ValueType::String,
        ValueType::List,
        ValueType::Set,
        ValueType::Zset,
        ValueType::Hash,
        ValueType::Stream,
        ValueType::Module,
        ValueType::Array,
    ];
}

impl std::fmt::Display for ValueType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One hash field, with its optional per-field expiry (Redis 7.4 `HEXPIRE`,
/// Valkey 9 volatile fields).
#[derive(Debug, Clone, PartialEq)]
pub struct HashField {
    /// Field name.
    pub field: Vec<u8>,
    /// Field value.
    pub value: Vec<u8>,
    /// Absolute expiry in Unix milliseconds, if the field has one.
    pub expire_ms: Option<i64>,
}

/// A module value kept opaque: redfile can walk its items without the module
/// but cannot interpret them.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleValue {
    /// The 64-bit module type id as stored.
    pub module_id: u64,
    /// The 9-character module type name decoded from the id.
    pub name: String,
    /// The module's data format version (low 10 bits of the id).
    pub encver: u16,
    /// The serialized items, exactly as they appear after the id (ending
    /// with the EOF item), so the value can be written back unchanged.
    pub raw: Vec<u8>,
}

/// Redis 8.8 sparse array: (index, value) pairs in ascending index order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArrayValue {
    /// Elements by index, ascending.
    pub elements: Vec<(u64, Vec<u8>)>,
    /// The `ARINSERT` cursor, when one is set.
    pub insert_idx: Option<u64>,
}

/// A decoded value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string (also HyperLogLogs and bitmaps).
    String(Vec<u8>),
    /// A list, head first.
    List(Vec<Vec<u8>>),
    /// A set, in file order.
    Set(Vec<Vec<u8>>),
    /// A sorted set as (member, score), in file order.
    SortedSet(Vec<(Vec<u8>, f64)>),
    /// A hash, in file order.
    Hash(Vec<HashField>),
    /// A stream with its groups.
    Stream(Box<Stream>),
    /// A module value, opaque.
    Module(ModuleValue),
    /// A sparse array.
    Array(ArrayValue),
}

impl Value {
    /// The logical type.
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::String(_) => ValueType::String,
            Value::List(_) => ValueType::List,
            Value::Set(_) => ValueType::Set,
            Value::SortedSet(_) => ValueType::Zset,
            Value::Hash(_) => ValueType::Hash,
            Value::Stream(_) => ValueType::Stream,
            Value::Module(_) => ValueType::Module,
            Value::Array(_) => ValueType::Array,
        }
    }

    /// Number of elements (`STRLEN` for strings, `XLEN` for streams).
    pub fn len(&self) -> usize {
        match self {
            Value::String(s) => s.len(),
            Value::List(v) | Value::Set(v) => v.len(),
            Value::SortedSet(v) => v.len(),
            Value::Hash(v) => v.len(),
            Value::Stream(s) => s.length as usize,
            Value::Module(_) => 1,
            Value::Array(a) => a.elements.len(),
        }
    }

    /// True for an empty collection or empty string.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
