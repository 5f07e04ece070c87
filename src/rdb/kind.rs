//! What a value type byte means in a given dialect (spec §9.1, dialects
//! §4.3), and the names `redis-check-rdb` prints for each.

use super::consts::*;
use super::header::{Dialect, Family, Producer};
use crate::model::ValueType;

/// A stream layout version: v1 = type 15 … v5 = type 27.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamVersion(pub u8);

/// The on-disk layout of a value, resolved from its type byte and the
/// file's dialect. One variant per distinct layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ObjectKind {
    /// 0
    String,
    /// 1
    ListLinked,
    /// 2
    SetHashtable,
    /// 3, string-form scores
    ZsetV1,
    /// 4
    HashHashtable,
    /// 5, binary scores
    ZsetV2,
    /// 6, refused by every loader
    ModulePreGa,
    /// 7
    Module2,
    /// 9
    HashZipmap,
    /// 10
    ListZiplist,
    /// 11
    SetIntset,
    /// 12
    ZsetZiplist,
    /// 13
    HashZiplist,
    /// 14
    ListQuicklist,
    /// 15, 19, 21, 26, 27
    Stream(StreamVersion),
    /// 16
    HashListpack,
    /// 17
    ZsetListpack,
    /// 18
    ListQuicklist2,
    /// 20
    SetListpack,
    /// Redis 22 (7.4 release candidates)
    HashMetadataPreGa,
    /// Redis 23 (7.4 release candidates)
    HashListpackExPreGa,
    /// 24
    HashMetadata,
    /// 25
    HashListpackEx,
    /// Valkey 22
    ValkeyHash2,
    /// 28
    Array,
}

impl ObjectKind {
    /// Resolves a type byte; `None` when the byte is no value type in this
    /// dialect.
    pub fn resolve(ty: u8, d: &Dialect) -> Option<ObjectKind> {
        use ObjectKind::*;
        Some(match ty {
            RDB_TYPE_STRING => String,
            RDB_TYPE_LIST => ListLinked,
            RDB_TYPE_SET => SetHashtable,
            RDB_TYPE_ZSET => ZsetV1,
            RDB_TYPE_HASH => HashHashtable,
            RDB_TYPE_ZSET_2 => ZsetV2,
            RDB_TYPE_MODULE_PRE_GA => ModulePreGa,
            RDB_TYPE_MODULE_2 => Module2,
            RDB_TYPE_HASH_ZIPMAP => HashZipmap,
            RDB_TYPE_LIST_ZIPLIST => ListZiplist,
            RDB_TYPE_SET_INTSET => SetIntset,
            RDB_TYPE_ZSET_ZIPLIST => ZsetZiplist,
            RDB_TYPE_HASH_ZIPLIST => HashZiplist,
            RDB_TYPE_LIST_QUICKLIST => ListQuicklist,
            RDB_TYPE_STREAM_LISTPACKS => Stream(StreamVersion(1)),
            RDB_TYPE_HASH_LISTPACK => HashListpack,
            RDB_TYPE_ZSET_LISTPACK => ZsetListpack,
            RDB_TYPE_LIST_QUICKLIST_2 => ListQuicklist2,
            RDB_TYPE_STREAM_LISTPACKS_2 => Stream(StreamVersion(2)),
            // Dragonfly wrote JSON as 20 before it renumbered it; such files
            // say RDB 9 and carry `df-ver`.
            RDB_TYPE_SET_LISTPACK if d.producer == Producer::Dragonfly && d.version < 10 => {
                return None
            }
            RDB_TYPE_SET_LISTPACK => SetListpack,
            RDB_TYPE_STREAM_LISTPACKS_3 => Stream(StreamVersion(3)),
            RDB_TYPE_HASH_METADATA_PRE_GA => match d.family {
                Family::Valkey => ValkeyHash2,
                Family::Redis => HashMetadataPreGa,
            },
            RDB_TYPE_HASH_LISTPACK_EX_PRE_GA => match d.family {
                // Valkey 9.2's PATH_HASH has no published layout.
                Family::Valkey => return None,
                Family::Redis => HashListpackExPreGa,
            },
            RDB_TYPE_HASH_METADATA if d.family == Family::Redis => HashMetadata,
            RDB_TYPE_HASH_LISTPACK_EX if d.family == Family::Redis => HashListpackEx,
            RDB_TYPE_STREAM_LISTPACKS_4 if d.family == Family::Redis => Stream(StreamVersion(4)),
            RDB_TYPE_STREAM_LISTPACKS_5 if d.family == Family::Redis => Stream(StreamVersion(5)),
            RDB_TYPE_ARRAY if d.family == Family::Redis => Array,
            _ => return None,
        })
    }

    /// The type byte this kind is written as in its own family.
    pub fn type_byte(self) -> u8 {
        use ObjectKind::*;
        match self {
            String => RDB_TYPE_STRING,
            ListLinked => RDB_TYPE_LIST,
            SetHashtable => RDB_TYPE_SET,
            ZsetV1 => RDB_TYPE_ZSET,
            HashHashtable => RDB_TYPE_HASH,
            ZsetV2 => RDB_TYPE_ZSET_2,
            ModulePreGa => RDB_TYPE_MODULE_PRE_GA,
            Module2 => RDB_TYPE_MODULE_2,
            HashZipmap => RDB_TYPE_HASH_ZIPMAP,
            ListZiplist => RDB_TYPE_LIST_ZIPLIST,
            SetIntset => RDB_TYPE_SET_INTSET,
            ZsetZiplist => RDB_TYPE_ZSET_ZIPLIST,
            HashZiplist => RDB_TYPE_HASH_ZIPLIST,
            ListQuicklist => RDB_TYPE_LIST_QUICKLIST,
            Stream(StreamVersion(1)) => RDB_TYPE_STREAM_LISTPACKS,
            Stream(StreamVersion(2)) => RDB_TYPE_STREAM_LISTPACKS_2,
            Stream(StreamVersion(3)) => RDB_TYPE_STREAM_LISTPACKS_3,
            Stream(StreamVersion(4)) => RDB_TYPE_STREAM_LISTPACKS_4,
            Stream(_) => RDB_TYPE_STREAM_LISTPACKS_5,
            HashListpack => RDB_TYPE_HASH_LISTPACK,
            ZsetListpack => RDB_TYPE_ZSET_LISTPACK,
            ListQuicklist2 => RDB_TYPE_LIST_QUICKLIST_2,
            SetListpack => RDB_TYPE_SET_LISTPACK,
            HashMetadataPreGa | ValkeyHash2 => RDB_TYPE_HASH_METADATA_PRE_GA,
            HashListpackExPreGa => RDB_TYPE_HASH_LISTPACK_EX_PRE_GA,
            HashMetadata => RDB_TYPE_HASH_METADATA,
            HashListpackEx => RDB_TYPE_HASH_LISTPACK_EX,
            Array => RDB_TYPE_ARRAY,
        }
    }

    /// The logical type.
    pub fn value_type(self) -> ValueType {
        use ObjectKind::*;
        match self {
            String => ValueType::String,
            ListLinked | ListZiplist | ListQuicklist | ListQuicklist2 => ValueType::List,
            SetHashtable | SetIntset | SetListpack => ValueType::Set,
            ZsetV1 | ZsetV2 | ZsetZiplist | ZsetListpack => ValueType::Zset,
            HashHashtable | HashZipmap | HashZiplist | HashListpack | HashMetadataPreGa
            | HashListpackExPreGa | HashMetadata | HashListpackEx | ValkeyHash2 => ValueType::Hash,
            Stream(_) => ValueType::Stream,
            ModulePreGa | Module2 => ValueType::Module,
            Array => ValueType::Array,
        }
    }

    /// The name `redis-check-rdb` prints for the type byte
    /// (`rdb_type_string[]`), used as the encoding name in reports.
    pub fn name(self) -> &'static str {
        use ObjectKind::*;
        match self {
            String => "string",
            ListLinked => "list-linked",
            SetHashtable => "set-hashtable",
            ZsetV1 => "zset-v1",
            HashHashtable => "hash-hashtable",
            ZsetV2 => "zset-v2",
            ModulePreGa => "module-pre-release",
            Module2 => "module-value",
            HashZipmap => "hash-zipmap",
            ListZiplist => "list-ziplist",
            SetIntset => "set-intset",
            ZsetZiplist => "zset-ziplist",
            HashZiplist => "hash-ziplist",
            ListQuicklist => "quicklist",
            Stream(StreamVersion(1)) => "stream",
            Stream(StreamVersion(2)) => "stream-v2",
            Stream(StreamVersion(3)) => "stream-v3",
            Stream(StreamVersion(4)) => "stream-v4",
            Stream(_) => "stream-v5",
            HashListpack => "hash-listpack",
            ZsetListpack => "zset-listpack",
            ListQuicklist2 => "quicklist-v2",
            SetListpack => "set-listpack",
            HashMetadataPreGa => "hash-hashtable-md-pre-release",
            HashListpackExPreGa => "hash-listpack-md-pre-release",
            HashMetadata => "hash-hashtable-md",
            HashListpackEx => "hash-listpack-md",
            ValkeyHash2 => "hash-volatile-items",
            Array => "array",
        }
    }

    /// The first RDB version (Redis numbering) that defines this kind; a
    /// file of an older version holding it is suspicious.
    pub fn since_version(self) -> u32 {
        use ObjectKind::*;
        match self {
            String | ListLinked | SetHashtable | ZsetV1 | HashHashtable => 1,
            HashZipmap | ListZiplist | SetIntset | ZsetZiplist => 2,
            HashZiplist => 4,
            ListQuicklist => 7,
            ZsetV2 | ModulePreGa | Module2 => 8,
            Stream(StreamVersion(1)) => 9,
            HashListpack | ZsetListpack | ListQuicklist2 | Stream(StreamVersion(2)) => 10,
            SetListpack | Stream(StreamVersion(3)) => 11,
            HashMetadataPreGa | HashListpackExPreGa | HashMetadata | HashListpackEx => 12,
            Stream(StreamVersion(4)) => 13,
            Stream(_) | Array => 14,
            ValkeyHash2 => 80,
        }
    }
}

/// The checker's name for a raw type byte (for messages about bytes that
/// did not resolve).
pub fn type_byte_name(ty: u8, d: &Dialect) -> &'static str {
    ObjectKind::resolve(ty, d).map_or("unknown", ObjectKind::name)
}
