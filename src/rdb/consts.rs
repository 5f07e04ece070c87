//! Byte values of the RDB format, named as in Redis's `rdb.h` so that a
//! grep of the Redis sources finds them.

/// Newest RDB version redfile knows in full (Redis 8.8).
pub const RDB_VERSION_REDIS_MAX: u32 = 14;
/// Valkey 9.0/9.1 (`VALKEY080`).
pub const RDB_VERSION_VALKEY_9: u32 = 80;

/// String value.
pub const RDB_TYPE_STRING: u8 = 0;
/// Linked list (RDB 1+).
pub const RDB_TYPE_LIST: u8 = 1;
/// Hashtable set.
pub const RDB_TYPE_SET: u8 = 2;
/// Sorted set with string scores.
pub const RDB_TYPE_ZSET: u8 = 3;
/// Hashtable hash.
pub const RDB_TYPE_HASH: u8 = 4;
/// Sorted set with binary scores (RDB 8+).
pub const RDB_TYPE_ZSET_2: u8 = 5;
/// Module value of the 4.0 release candidates.
pub const RDB_TYPE_MODULE_PRE_GA: u8 = 6;
/// Self-describing module value.
pub const RDB_TYPE_MODULE_2: u8 = 7;
/// Zipmap hash (RDB 2+).
pub const RDB_TYPE_HASH_ZIPMAP: u8 = 9;
/// Ziplist list.
pub const RDB_TYPE_LIST_ZIPLIST: u8 = 10;
/// Intset set.
pub const RDB_TYPE_SET_INTSET: u8 = 11;
/// Ziplist sorted set.
pub const RDB_TYPE_ZSET_ZIPLIST: u8 = 12;
/// Ziplist hash (RDB 4+).
pub const RDB_TYPE_HASH_ZIPLIST: u8 = 13;
/// Quicklist of ziplists (RDB 7+).
pub const RDB_TYPE_LIST_QUICKLIST: u8 = 14;
/// Stream, first layout (RDB 9+).
pub const RDB_TYPE_STREAM_LISTPACKS: u8 = 15;
/// Listpack hash (RDB 10+).
pub const RDB_TYPE_HASH_LISTPACK: u8 = 16;
/// Listpack sorted set (RDB 10+).
pub const RDB_TYPE_ZSET_LISTPACK: u8 = 17;
/// Quicklist of listpacks or plain nodes (RDB 10+).
pub const RDB_TYPE_LIST_QUICKLIST_2: u8 = 18;
/// Stream with first id, max deleted id, entries added (RDB 10+).
pub const RDB_TYPE_STREAM_LISTPACKS_2: u8 = 19;
/// Listpack set (RDB 11+).
pub const RDB_TYPE_SET_LISTPACK: u8 = 20;
/// Stream with consumer active time (RDB 11+).
pub const RDB_TYPE_STREAM_LISTPACKS_3: u8 = 21;
/// Redis 7.4-rc hash with field TTLs; Valkey 9 `HASH_2`.
pub const RDB_TYPE_HASH_METADATA_PRE_GA: u8 = 22;
/// Redis 7.4-rc listpack hash with field TTLs; Valkey 9.2 `PATH_HASH`.
pub const RDB_TYPE_HASH_LISTPACK_EX_PRE_GA: u8 = 23;
/// Hashtable hash with field TTLs (RDB 12+).
pub const RDB_TYPE_HASH_METADATA: u8 = 24;
/// Listpack hash with field TTLs (RDB 12+).
pub const RDB_TYPE_HASH_LISTPACK_EX: u8 = 25;
/// Stream with idempotent producers (RDB 13+).
pub const RDB_TYPE_STREAM_LISTPACKS_4: u8 = 26;
/// Stream with NACK zones (RDB 14+).
pub const RDB_TYPE_STREAM_LISTPACKS_5: u8 = 27;
/// Sparse array (RDB 14+).
pub const RDB_TYPE_ARRAY: u8 = 28;
/// KeyDB's cron job value.
pub const KEYDB_TYPE_CRON: u8 = 64;

/// Redis `KEY_META` (RDB 13+) / Valkey `SLOT_IMPORT` (RDB 80+).
pub const RDB_OPCODE_KEY_META: u8 = 243;
/// Cluster slot size hint (RDB 12+).
pub const RDB_OPCODE_SLOT_INFO: u8 = 244;
/// A function library.
pub const RDB_OPCODE_FUNCTION2: u8 = 245;
/// 7.0-rc function format, refused by every loader.
pub const RDB_OPCODE_FUNCTION_PRE_GA: u8 = 246;
/// Module auxiliary data.
pub const RDB_OPCODE_MODULE_AUX: u8 = 247;
/// LRU idle time of the next key.
pub const RDB_OPCODE_IDLE: u8 = 248;
/// LFU counter of the next key.
pub const RDB_OPCODE_FREQ: u8 = 249;
/// Auxiliary field.
pub const RDB_OPCODE_AUX: u8 = 250;
/// Database size hint.
pub const RDB_OPCODE_RESIZEDB: u8 = 251;
/// Expire of the next key, milliseconds.
pub const RDB_OPCODE_EXPIRETIME_MS: u8 = 252;
/// Expire of the next key, seconds.
pub const RDB_OPCODE_EXPIRETIME: u8 = 253;
/// Database selector.
pub const RDB_OPCODE_SELECTDB: u8 = 254;
/// End of records.
pub const RDB_OPCODE_EOF: u8 = 255;

/// Redis Enterprise: LRU hint of the next key, one length.
pub const RE_OPCODE_RAM_LRU: u8 = 107;
/// Redis Enterprise: slot number, one length.
pub const RE_OPCODE_SLOT_NUM: u8 = 121;
/// Redis Enterprise (Garantia) opcodes whose layout is not public.
pub const RE_OPCODE_GCAS: u8 = 101;
/// See [`RE_OPCODE_GCAS`].
pub const RE_OPCODE_GFLAGS: u8 = 102;

/// 6-bit length.
pub const RDB_6BITLEN: u8 = 0;
/// 14-bit length.
pub const RDB_14BITLEN: u8 = 1;
/// 32-bit big-endian length follows.
pub const RDB_32BITLEN: u8 = 0x80;
/// 64-bit big-endian length follows.
pub const RDB_64BITLEN: u8 = 0x81;
/// Top bits `11`: an encoded string follows.
pub const RDB_ENCVAL: u8 = 3;

/// Int8 encoded string.
pub const RDB_ENC_INT8: u8 = 0;
/// Int16 encoded string.
pub const RDB_ENC_INT16: u8 = 1;
/// Int32 encoded string.
pub const RDB_ENC_INT32: u8 = 2;
/// LZF compressed string.
pub const RDB_ENC_LZF: u8 = 3;

/// Module item: end of value.
pub const RDB_MODULE_OPCODE_EOF: u64 = 0;
/// Module item: signed integer.
pub const RDB_MODULE_OPCODE_SINT: u64 = 1;
/// Module item: unsigned integer.
pub const RDB_MODULE_OPCODE_UINT: u64 = 2;
/// Module item: 4-byte float.
pub const RDB_MODULE_OPCODE_FLOAT: u64 = 3;
/// Module item: 8-byte double.
pub const RDB_MODULE_OPCODE_DOUBLE: u64 = 4;
/// Module item: string.
pub const RDB_MODULE_OPCODE_STRING: u64 = 5;

/// Quicklist 2 node holding one raw element.
pub const QUICKLIST_NODE_CONTAINER_PLAIN: u64 = 1;
/// Quicklist 2 node holding a listpack.
pub const QUICKLIST_NODE_CONTAINER_PACKED: u64 = 2;

/// Hash field expiry upper bound (`EB_EXPIRE_TIME_MAX`).
pub const EB_EXPIRE_TIME_MAX: u64 = (1 << 48) - 1;
