//! Which arguments of a write command are key names: what `--key` and the
//! per-prefix statistics of `redfile log` need to know about a command.
//!
//! The engine's command table has no key positions (replay never needs
//! them), so this is a small table of its own, covering the commands an
//! AOF can hold. It follows the legacy `(first, last, step)` triples of
//! Redis's command table (`COMMAND INFO`), plus the `numkeys` forms
//! (`ZUNIONSTORE`, `EVAL`, `LMPOP` ...) and the `STORE` option of `SORT`
//! and `GEORADIUS`. A command the table does not know names no key: a
//! guess would make `--key` report commands that never touched the key.

/// Where the keys of a command are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spec {
    /// No key (`SELECT`, `FLUSHALL`, `FUNCTION LOAD`, `PUBLISH` ...).
    None,
    /// Arguments `first ..= last` every `step`; `last` negative counts from
    /// the end (`-1` is the last argument).
    Range {
        first: usize,
        last: isize,
        step: usize,
    },
    /// `dest` (when not 0), then `numkeys` at `count_at` keys right after it.
    NumKeys { dest: usize, count_at: usize },
    /// The key at 1, and the argument after a `STORE` / `STOREDIST` option.
    KeyAndStore,
    /// `XGROUP <subcommand> key ...`.
    SubcommandKey,
    /// `... STREAMS key... id...`: the first half of what follows `STREAMS`.
    Streams,
}

const fn range(first: usize, last: isize, step: usize) -> Spec {
    Spec::Range { first, last, step }
}

/// The key positions of a lower-case command name.
fn spec(name: &str) -> Spec {
    match name {
        // One key, the first argument.
        "set" | "setnx" | "setex" | "psetex" | "getset" | "getdel" | "getex" | "append"
        | "incr" | "decr" | "incrby" | "decrby" | "incrbyfloat" | "setrange" | "setbit"
        | "bitfield" | "persist" | "expire" | "pexpire" | "expireat" | "pexpireat" | "move"
        | "restore" | "restore-asking" | "lpush" | "rpush" | "lpushx" | "rpushx" | "lpop"
        | "rpop" | "linsert" | "lset" | "lrem" | "ltrim" | "sadd" | "srem" | "spop" | "hset"
        | "hsetnx" | "hmset" | "hdel" | "hincrby" | "hincrbyfloat" | "hexpire" | "hpexpire"
        | "hexpireat" | "hpexpireat" | "hpersist" | "hgetdel" | "hgetex" | "hsetex" | "zadd"
        | "zincrby" | "zrem" | "zremrangebyscore" | "zremrangebyrank" | "zremrangebylex"
        | "zpopmin" | "zpopmax" | "pfadd" | "geoadd" | "xadd" | "xdel" | "xtrim" | "xsetid"
        | "xack" | "xclaim" | "xautoclaim" | "get" | "strlen" | "type" | "ttl" | "pttl"
        | "pfcount" | "getrange" | "getbit" | "llen" | "lrange" | "lindex" | "scard"
        | "smembers" | "sismember" | "zscore" | "zcard" | "hget" | "hlen" | "hgetall" | "xlen"
        | "delex" | "xackdel" | "xdelex" | "vadd" | "vrem" | "vsetattr" => range(1, 1, 1),
        // Two keys: source and destination.
        "rename" | "renamenx" | "copy" | "smove" | "lmove" | "blmove" | "rpoplpush"
        | "brpoplpush" | "zrangestore" | "geosearchstore" => range(1, 2, 1),
        // Every argument is a key.
        "del" | "unlink" | "exists" | "touch" | "sinterstore" | "sunionstore" | "sdiffstore"
        | "pfmerge" | "watch" => range(1, -1, 1),
        "blpop" | "brpop" | "bzpopmin" | "bzpopmax" => range(1, -2, 1),
        // key value key value ...
        "mset" | "msetnx" => range(1, -1, 2),
        // BITOP op dest key...
        "bitop" => range(2, -1, 1),
        "zunionstore" | "zinterstore" | "zdiffstore" => Spec::NumKeys {
            dest: 1,
            count_at: 2,
        },
        "eval" | "evalsha" | "eval_ro" | "evalsha_ro" | "fcall" | "fcall_ro" | "blmpop"
        | "bzmpop" => Spec::NumKeys {
            dest: 0,
            count_at: 2,
        },
        "lmpop" | "zmpop" | "sintercard" | "zintercard" => Spec::NumKeys {
            dest: 0,
            count_at: 1,
        },
        "sort" | "georadius" | "georadiusbymember" => Spec::KeyAndStore,
        "xgroup" => Spec::SubcommandKey,
        // XREADGROUP ... STREAMS key... id...: the first half after STREAMS.
        "xreadgroup" | "xread" => Spec::Streams,
        _ => Spec::None,
    }
}

/// The indices (into `args`, the command name at 0) of the arguments that
/// are key names, in argument order. Out-of-range positions of a
/// malformed command are dropped, never an error.
pub fn key_positions(args: &[&[u8]]) -> Vec<usize> {
    let Some(name) = args.first() else {
        return Vec::new();
    };
    let mut lower = [0u8; 24];
    if name.len() > lower.len() {
        return Vec::new();
    }
    for (d, s) in lower.iter_mut().zip(name.iter()) {
        *d = s.to_ascii_lowercase();
    }
    let Ok(name) = std::str::from_utf8(&lower[..name.len()]) else {
        return Vec::new();
    };
    let n = args.len();
    match spec(name) {
        Spec::None => Vec::new(),
        Spec::Range { first, last, step } => {
            let last = if last < 0 {
                match n.checked_sub(last.unsigned_abs()) {
                    Some(l) => l,
                    None => return Vec::new(),
                }
            } else {
                (last as usize).min(n.saturating_sub(1))
            };
            (first..=last).step_by(step).filter(|&i| i < n).collect()
        }
        Spec::NumKeys { dest, count_at } => {
            let mut out = Vec::new();
            if dest > 0 && dest < n {
                out.push(dest);
            }
            let count = args
                .get(count_at)
                .and_then(|c| std::str::from_utf8(c).ok())
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(0);
            let start = count_at + 1;
            out.extend((start..start.saturating_add(count)).take_while(|&i| i < n));
            out
        }
        Spec::KeyAndStore => {
            let mut out = Vec::new();
            if n > 1 {
                out.push(1);
            }
            let mut i = 2;
            while i + 1 < n {
                if args[i].eq_ignore_ascii_case(b"store")
                    || args[i].eq_ignore_ascii_case(b"storedist")
                {
                    out.push(i + 1);
                    i += 1;
                }
                i += 1;
            }
            out
        }
        Spec::Streams => {
            let Some(at) = args.iter().position(|a| a.eq_ignore_ascii_case(b"streams")) else {
                return Vec::new();
            };
            let rest = n - at - 1;
            (at + 1..at + 1 + rest / 2).collect()
        }
        Spec::SubcommandKey => {
            if n > 2 {
                vec![2]
            } else {
                Vec::new()
            }
        }
    }
}

/// How a command reaches keys other than through its key arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbEffect {
    /// Only its key arguments.
    None,
    /// `FLUSHALL`: every key of every database.
    FlushAll,
    /// `FLUSHDB`: every key of the selected database.
    FlushDb,
    /// `SWAPDB a b`: the two databases trade their keys.
    SwapDb(u64, u64),
}

/// What a command does to whole databases.
pub fn db_effect(args: &[&[u8]]) -> DbEffect {
    let Some(name) = args.first() else {
        return DbEffect::None;
    };
    if name.eq_ignore_ascii_case(b"flushall") {
        DbEffect::FlushAll
    } else if name.eq_ignore_ascii_case(b"flushdb") {
        DbEffect::FlushDb
    } else if name.eq_ignore_ascii_case(b"swapdb") {
        let db = |i: usize| {
            args.get(i)
                .and_then(|a| std::str::from_utf8(a).ok())
                .and_then(|a| a.parse::<u64>().ok())
        };
        match (db(1), db(2)) {
            (Some(a), Some(b)) => DbEffect::SwapDb(a, b),
            _ => DbEffect::None,
        }
    } else {
        DbEffect::None
    }
}

/// The database a command moves or copies a key into: `MOVE key db`,
/// `COPY src dst DB db`.
pub fn target_db(args: &[&[u8]]) -> Option<u64> {
    let name = args.first()?;
    let parse = |a: &[u8]| std::str::from_utf8(a).ok()?.parse::<u64>().ok();
    if name.eq_ignore_ascii_case(b"move") {
        return parse(args.get(2)?);
    }
    if name.eq_ignore_ascii_case(b"copy") {
        let at = args.iter().position(|a| a.eq_ignore_ascii_case(b"db"))?;
        return parse(args.get(at + 1)?);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(cmd: &str) -> Vec<String> {
        let args: Vec<&[u8]> = cmd.split(' ').map(str::as_bytes).collect();
        key_positions(&args)
            .into_iter()
            .map(|i| String::from_utf8_lossy(args[i]).into_owned())
            .collect()
    }

    #[test]
    fn positions_of_common_write_commands() {
        assert_eq!(keys("SET k v EX 10"), ["k"]);
        assert_eq!(keys("del a b c"), ["a", "b", "c"]);
        assert_eq!(keys("RENAME src dst"), ["src", "dst"]);
        assert_eq!(keys("MSET a 1 b 2"), ["a", "b"]);
        assert_eq!(keys("SMOVE s d m"), ["s", "d"]);
        assert_eq!(keys("LMOVE s d LEFT RIGHT"), ["s", "d"]);
        assert_eq!(keys("COPY s d DB 3 REPLACE"), ["s", "d"]);
        assert_eq!(
            keys("ZUNIONSTORE out 2 z1 z2 WEIGHTS 1 2"),
            ["out", "z1", "z2"]
        );
        assert_eq!(keys("EVAL return 2 k1 k2 a1"), ["k1", "k2"]);
        assert_eq!(keys("XADD s * f v"), ["s"]);
        assert_eq!(keys("XGROUP CREATE s g $"), ["s"]);
        assert_eq!(keys("SORT l BY w STORE out"), ["l", "out"]);
        assert_eq!(keys("BITOP AND d a b"), ["d", "a", "b"]);
        assert_eq!(keys("LMPOP 2 a b LEFT"), ["a", "b"]);
        assert_eq!(keys("BLPOP a b 0"), ["a", "b"]);
        assert!(keys("SELECT 1").is_empty());
        assert!(keys("FLUSHALL").is_empty());
        assert!(keys("PUBLISH ch msg").is_empty());
    }

    #[test]
    fn malformed_commands_name_no_missing_keys() {
        assert!(keys("SET").is_empty());
        assert!(keys("DEL").is_empty());
        assert_eq!(keys("EVAL s 99 k"), ["k"]);
        assert_eq!(keys("ZUNIONSTORE d x"), ["d"]);
        assert!(key_positions(&[]).is_empty());
    }

    #[test]
    fn database_effects() {
        let a =
            |s: &'static str| -> Vec<&'static [u8]> { s.split(' ').map(str::as_bytes).collect() };
        assert_eq!(db_effect(&a("flushall ASYNC")), DbEffect::FlushAll);
        assert_eq!(db_effect(&a("FLUSHDB")), DbEffect::FlushDb);
        assert_eq!(db_effect(&a("SWAPDB 0 3")), DbEffect::SwapDb(0, 3));
        assert_eq!(db_effect(&a("SWAPDB 0 x")), DbEffect::None);
        assert_eq!(target_db(&a("MOVE k 4")), Some(4));
        assert_eq!(target_db(&a("COPY a b DB 2")), Some(2));
        assert_eq!(target_db(&a("COPY a b")), None);
    }
}
