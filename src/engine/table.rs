//! The command table: lower-case name → arity and handler, grouped the way
//! Redis groups `t_*.c`. Arity follows Redis (positive: exact argc with the
//! name; negative: minimum).

use std::sync::OnceLock;

use super::args::Args;
use super::error::{EngineError, EngineResult};
use super::store::Map;
use super::{
    bits, functions, geo, hashes, hyperloglog, keyspace, lists, scripting, sets, sort, streams,
    strings, zsets,
};
use super::{Engine, Reply};

/// A command handler.
pub(crate) type Handler = fn(&mut Engine, &mut Args<'_>) -> EngineResult<Reply>;

/// One row of the table.
pub(crate) struct Spec {
    pub(crate) name: &'static str,
    pub(crate) arity: i32,
    pub(crate) handler: Handler,
}

macro_rules! table {
    ($($name:literal $arity:literal $handler:path;)*) => {
        &[$(Spec { name: $name, arity: $arity, handler: $handler },)*]
    };
}

static TABLE: &[Spec] = table! {
    // connection, transactions, server (db.c, multi.c)
    "select" 2 keyspace::select;
    "multi" 1 keyspace::multi;
    "exec" 1 keyspace::exec;
    "discard" 1 keyspace::discard;
    "ping" -1 keyspace::ping;
    "swapdb" 3 keyspace::swapdb;
    "flushdb" -1 keyspace::flushdb;
    "flushall" -1 keyspace::flushall;
    "dbsize" 1 keyspace::dbsize;
    "publish" 3 keyspace::publish;
    "spublish" 3 keyspace::publish;
    // keyspace (db.c, expire.c, cluster.c)
    "del" -2 keyspace::del;
    "unlink" -2 keyspace::del;
    "exists" -2 keyspace::exists;
    "type" 2 keyspace::type_cmd;
    "rename" 3 keyspace::rename;
    "renamenx" 3 keyspace::renamenx;
    "move" 3 keyspace::move_cmd;
    "copy" -3 keyspace::copy;
    "expire" -3 keyspace::expire;
    "pexpire" -3 keyspace::pexpire;
    "expireat" -3 keyspace::expireat;
    "pexpireat" -3 keyspace::pexpireat;
    "persist" 2 keyspace::persist;
    "ttl" 2 keyspace::ttl;
    "pttl" 2 keyspace::pttl;
    "restore" -4 keyspace::restore;
    "restore-asking" -4 keyspace::restore;
    "migrate" -6 keyspace::unsupported_network;
    "sort" -2 sort::sort;
    "eval" -3 scripting::eval;
    "evalsha" -3 scripting::evalsha;
    "eval_ro" -3 keyspace::unsupported_script;
    "evalsha_ro" -3 keyspace::unsupported_script;
    "fcall" -3 keyspace::unsupported_script;
    "fcall_ro" -3 keyspace::unsupported_script;
    "script" -2 scripting::script;
    "sflush" -3 keyspace::sflush;
    // strings (t_string.c)
    "get" 2 strings::get;
    "set" -3 strings::set;
    "setnx" 3 strings::setnx;
    "setex" 4 strings::setex;
    "psetex" 4 strings::psetex;
    "getset" 3 strings::getset;
    "getdel" 2 strings::getdel;
    "getex" -2 strings::getex;
    "mset" -3 strings::mset;
    "msetnx" -3 strings::msetnx;
    "append" 3 strings::append;
    "setrange" 4 strings::setrange;
    "getrange" 4 strings::getrange;
    "strlen" 2 strings::strlen;
    "incr" 2 strings::incr;
    "decr" 2 strings::decr;
    "incrby" 3 strings::incrby;
    "decrby" 3 strings::decrby;
    "incrbyfloat" 3 strings::incrbyfloat;
    // bitmaps (bitops.c) and HyperLogLog (hyperloglog.c)
    "setbit" 4 bits::setbit;
    "getbit" 3 bits::getbit;
    "bitop" -4 bits::bitop;
    "bitfield" -2 bits::bitfield;
    "pfadd" -2 hyperloglog::pfadd;
    "pfmerge" -2 hyperloglog::pfmerge;
    "pfcount" -2 hyperloglog::pfcount;
    "pfdebug" 3 hyperloglog::pfdebug;
    // lists (t_list.c)
    "lpush" -3 lists::lpush;
    "rpush" -3 lists::rpush;
    "lpushx" -3 lists::lpushx;
    "rpushx" -3 lists::rpushx;
    "lpop" -2 lists::lpop;
    "rpop" -2 lists::rpop;
    "blpop" -3 lists::blpop;
    "brpop" -3 lists::brpop;
    "linsert" 5 lists::linsert;
    "lset" 4 lists::lset;
    "ltrim" 4 lists::ltrim;
    "lrem" 4 lists::lrem;
    "lmove" 5 lists::lmove;
    "blmove" 6 lists::blmove;
    "rpoplpush" 3 lists::rpoplpush;
    "brpoplpush" 4 lists::brpoplpush;
    "lmpop" -4 lists::lmpop;
    "blmpop" -5 lists::blmpop;
    "llen" 2 lists::llen;
    "lrange" 4 lists::lrange;
    "lindex" 3 lists::lindex;
    // sets (t_set.c)
    "sadd" -3 sets::sadd;
    "srem" -3 sets::srem;
    "smove" 4 sets::smove;
    "spop" -2 sets::spop;
    "sinterstore" -3 sets::sinterstore;
    "sunionstore" -3 sets::sunionstore;
    "sdiffstore" -3 sets::sdiffstore;
    "scard" 2 sets::scard;
    "smembers" 2 sets::smembers;
    "sismember" 3 sets::sismember;
    // sorted sets (t_zset.c, geo.c)
    "zadd" -4 zsets::zadd;
    "zincrby" 4 zsets::zincrby;
    "zrem" -3 zsets::zrem;
    "zremrangebyscore" 4 zsets::zremrangebyscore;
    "zremrangebyrank" 4 zsets::zremrangebyrank;
    "zremrangebylex" 4 zsets::zremrangebylex;
    "zpopmin" -2 zsets::zpopmin;
    "zpopmax" -2 zsets::zpopmax;
    "bzpopmin" -3 zsets::bzpopmin;
    "bzpopmax" -3 zsets::bzpopmax;
    "zmpop" -4 zsets::zmpop;
    "bzmpop" -5 zsets::bzmpop;
    "zunionstore" -4 zsets::zunionstore;
    "zinterstore" -4 zsets::zinterstore;
    "zdiffstore" -4 zsets::zdiffstore;
    "zrangestore" -5 zsets::zrangestore;
    "zscore" 3 zsets::zscore;
    "zcard" 2 zsets::zcard;
    "geoadd" -5 zsets::geoadd;
    "georadius" -6 geo::georadius;
    "georadiusbymember" -5 geo::georadiusbymember;
    "geosearchstore" -8 geo::geosearchstore;
    // hashes (t_hash.c)
    "hset" -4 hashes::hset;
    "hmset" -4 hashes::hmset;
    "hsetnx" 4 hashes::hsetnx;
    "hdel" -3 hashes::hdel;
    "hincrby" 4 hashes::hincrby;
    "hincrbyfloat" 4 hashes::hincrbyfloat;
    "hexpire" -6 hashes::hexpire;
    "hpexpire" -6 hashes::hpexpire;
    "hexpireat" -6 hashes::hexpireat;
    "hpexpireat" -6 hashes::hpexpireat;
    "hpersist" -5 hashes::hpersist;
    "hsetex" -6 hashes::hsetex;
    "hget" 3 hashes::hget;
    "hlen" 2 hashes::hlen;
    "hgetall" 2 hashes::hgetall;
    // streams (t_stream.c)
    "xadd" -5 streams::xadd;
    "xdel" -3 streams::xdel;
    "xtrim" -4 streams::xtrim;
    "xgroup" -2 streams::xgroup;
    "xack" -4 streams::xack;
    "xclaim" -6 streams::xclaim;
    "xautoclaim" -6 streams::xautoclaim;
    "xsetid" -3 streams::xsetid;
    "xlen" 2 streams::xlen;
    "xreadgroup" -7 streams::xreadgroup;
    // functions (functions.c)
    "function" -2 functions::function;
};

fn index() -> &'static Map<&'static [u8], &'static Spec> {
    static INDEX: OnceLock<Map<&'static [u8], &'static Spec>> = OnceLock::new();
    INDEX.get_or_init(|| TABLE.iter().map(|s| (s.name.as_bytes(), s)).collect())
}

/// Looks a command name up, case-insensitively.
pub(crate) fn lookup(name: &[u8]) -> EngineResult<&'static Spec> {
    let mut buf = [0u8; 24];
    let found = if name.len() <= buf.len() {
        let lower = &mut buf[..name.len()];
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        index().get(&*lower).copied()
    } else {
        None
    };
    found.ok_or_else(|| EngineError::Unknown {
        name: String::from_utf8_lossy(&name[..name.len().min(128)]).into_owned(),
    })
}

/// Every command name the engine knows, in table order.
#[cfg(test)]
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|s| s.name)
}
