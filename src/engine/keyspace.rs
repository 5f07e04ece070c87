//! Keyspace, server and transaction commands (`db.c`, `expire.c`,
//! `multi.c`, `cluster.c`'s `RESTORE`).

use super::args::{eq_ic, parse_i64, Args};
use super::convert::value_to_obj;
use super::error::{EngineError, EngineResult};
use super::store::{Db, Slot};
use super::{Engine, Reply};

fn out_of_range() -> EngineError {
    EngineError::reply("ERR DB index is out of range")
}

fn same_object() -> EngineError {
    EngineError::reply("ERR source and destination objects are the same")
}

/// `getIntFromObject`: an integer in the C `int` range.
fn parse_int(b: &[u8], err: EngineError) -> EngineResult<i64> {
    match parse_i64(b) {
        Some(v) if i32::try_from(v).is_ok() => Ok(v),
        _ => Err(err),
    }
}

/// A db index: an `int`, then `0 <= id < databases`.
fn db_index(e: &Engine, b: &[u8], err: EngineError) -> EngineResult<usize> {
    let v = parse_int(b, err)?;
    usize::try_from(v)
        .ok()
        .filter(|&i| i < e.dbs.len())
        .ok_or_else(out_of_range)
}

/// `SELECT index`
pub(crate) fn select(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let i = db_index(e, a.next_bytes()?, EngineError::NotInteger)?;
    e.selected = i;
    Ok(Reply::Ok)
}

/// `MULTI`
pub(crate) fn multi(e: &mut Engine, _a: &mut Args) -> EngineResult<Reply> {
    if e.multi.is_some() {
        return Err(EngineError::reply("ERR MULTI calls can not be nested"));
    }
    e.multi = Some(Vec::new());
    Ok(Reply::Ok)
}

/// `EXEC`
pub(crate) fn exec(e: &mut Engine, _a: &mut Args) -> EngineResult<Reply> {
    e.exec()
}

/// `DISCARD`
pub(crate) fn discard(e: &mut Engine, _a: &mut Args) -> EngineResult<Reply> {
    match e.multi.take() {
        Some(_) => Ok(Reply::Ok),
        None => Err(EngineError::reply("ERR DISCARD without MULTI")),
    }
}

/// `PING [message]`
pub(crate) fn ping(_e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    match a.remaining() {
        0 => Ok(Reply::bulk(&b"PONG"[..])),
        1 => Ok(Reply::bulk(a.next_bytes()?)),
        _ => Err(a.arity()),
    }
}

/// `PUBLISH channel message` / `SPUBLISH`: no effect on the keyspace.
pub(crate) fn publish(_e: &mut Engine, _a: &mut Args) -> EngineResult<Reply> {
    Ok(Reply::Int(0))
}

/// `SWAPDB index1 index2`
pub(crate) fn swapdb(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let i1 = parse_int(
        a.next_bytes()?,
        EngineError::reply("ERR invalid first DB index"),
    )?;
    let i2 = parse_int(
        a.next_bytes()?,
        EngineError::reply("ERR invalid second DB index"),
    )?;
    let n = e.dbs.len() as i64;
    if !(0..n).contains(&i1) || !(0..n).contains(&i2) {
        return Err(out_of_range());
    }
    e.dbs.swap(i1 as usize, i2 as usize);
    Ok(Reply::Ok)
}

/// `[ASYNC | SYNC]` of the flush commands.
fn flush_flags(a: &mut Args) -> EngineResult<()> {
    match a.remaining() {
        0 => Ok(()),
        1 => {
            let o = a.next_bytes()?;
            if eq_ic(o, "sync") || eq_ic(o, "async") {
                Ok(())
            } else {
                Err(EngineError::Syntax)
            }
        }
        _ => Err(EngineError::Syntax),
    }
}

/// `FLUSHDB [ASYNC | SYNC]`
pub(crate) fn flushdb(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    flush_flags(a)?;
    *e.db() = Db::default();
    Ok(Reply::Ok)
}

/// `FLUSHALL [ASYNC | SYNC]` (function libraries are kept, as in Redis).
pub(crate) fn flushall(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    flush_flags(a)?;
    for db in &mut e.dbs {
        *db = Db::default();
    }
    Ok(Reply::Ok)
}

/// `DBSIZE`
pub(crate) fn dbsize(e: &mut Engine, _a: &mut Args) -> EngineResult<Reply> {
    Ok(Reply::Int(e.db().map.len() as i64))
}

/// `DEL key [key ...]` and `UNLINK key [key ...]`
pub(crate) fn del(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let mut n = 0;
    for k in a.take_rest() {
        if e.remove_key(k).is_some() {
            n += 1;
        }
    }
    Ok(Reply::Int(n))
}

/// `EXISTS key [key ...]`
pub(crate) fn exists(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let mut n = 0;
    for k in a.take_rest() {
        if e.key_exists(k) {
            n += 1;
        }
    }
    Ok(Reply::Int(n))
}

/// `TYPE key`
pub(crate) fn type_cmd(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let k = a.next_bytes()?;
    let t = e.slot_mut(k).map_or("none", |s| s.obj.type_name());
    Ok(Reply::bulk(t.as_bytes()))
}

fn rename_generic(e: &mut Engine, a: &mut Args, nx: bool) -> EngineResult<Reply> {
    let src = a.next_bytes()?;
    let dst = a.next_bytes()?;
    if !e.key_exists(src) {
        return Err(EngineError::reply("ERR no such key"));
    }
    if src == dst {
        return Ok(if nx { Reply::Int(0) } else { Reply::Ok });
    }
    if nx && e.key_exists(dst) {
        return Ok(Reply::Int(0));
    }
    let Some(mut slot) = e.remove_key(src) else {
        return Err(EngineError::reply("ERR no such key"));
    };
    slot.idle = None;
    slot.freq = None;
    e.db().map.insert(dst.to_vec(), slot);
    Ok(if nx { Reply::Int(1) } else { Reply::Ok })
}

/// `RENAME key newkey`
pub(crate) fn rename(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    rename_generic(e, a, false)
}

/// `RENAMENX key newkey`
pub(crate) fn renamenx(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    rename_generic(e, a, true)
}

/// `MOVE key db`
pub(crate) fn move_cmd(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let dst = db_index(e, a.next_bytes()?, EngineError::NotInteger)?;
    if dst == e.selected {
        return Err(same_object());
    }
    if !e.key_exists(key) {
        return Ok(Reply::Int(0));
    }
    if e.slot_mut_in(dst, key).is_some() {
        return Ok(Reply::Int(0));
    }
    let Some(slot) = e.remove_key(key) else {
        return Ok(Reply::Int(0));
    };
    e.dbs[dst].map.insert(key.to_vec(), slot);
    Ok(Reply::Int(1))
}

/// `COPY source destination [DB destination-db] [REPLACE]`
pub(crate) fn copy(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let src = a.next_bytes()?;
    let dst = a.next_bytes()?;
    let mut replace = false;
    let mut dbi = e.selected;
    while let Some(o) = a.peek() {
        a.next_bytes()?;
        if eq_ic(o, "replace") {
            replace = true;
        } else if eq_ic(o, "db") && !a.is_empty() {
            dbi = db_index(e, a.next_bytes()?, EngineError::NotInteger)?;
        } else {
            return Err(EngineError::Syntax);
        }
    }
    if dbi == e.selected && src == dst {
        return Err(same_object());
    }
    let Some(slot) = e.slot_mut(src) else {
        return Ok(Reply::Int(0));
    };
    let copy = Slot {
        obj: slot.obj.clone(),
        expire: slot.expire,
        idle: None,
        freq: None,
    };
    if e.slot_mut_in(dbi, dst).is_some() {
        if !replace {
            return Ok(Reply::Int(0));
        }
        e.dbs[dbi].map.remove(dst);
    }
    e.dbs[dbi].map.insert(dst.to_vec(), copy);
    Ok(Reply::Int(1))
}

/// Condition flags of the expire commands.
#[derive(Default, Clone, Copy)]
pub(crate) struct ExpireCond {
    pub(crate) nx: bool,
    pub(crate) xx: bool,
    pub(crate) gt: bool,
    pub(crate) lt: bool,
}

impl ExpireCond {
    /// Parses one flag; false when `o` is not one.
    pub(crate) fn parse(&mut self, o: &[u8]) -> bool {
        if eq_ic(o, "nx") {
            self.nx = true;
        } else if eq_ic(o, "xx") {
            self.xx = true;
        } else if eq_ic(o, "gt") {
            self.gt = true;
        } else if eq_ic(o, "lt") {
            self.lt = true;
        } else {
            return false;
        }
        true
    }

    /// Whether a new TTL `when` may replace `current` (`None`: no TTL,
    /// i.e. infinite).
    pub(crate) fn allows(self, current: Option<i64>, when: i64) -> bool {
        if self.nx && current.is_some() {
            return false;
        }
        if self.xx && current.is_none() {
            return false;
        }
        if self.gt && current.is_none_or(|c| when <= c) {
            return false;
        }
        if self.lt && current.is_some_and(|c| when >= c) {
            return false;
        }
        true
    }
}

fn expire_generic(
    e: &mut Engine,
    a: &mut Args,
    base: Option<i64>,
    seconds: bool,
) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let param = a.next_bytes()?;
    let mut cond = ExpireCond::default();
    for o in a.take_rest() {
        if !cond.parse(o) {
            return Err(EngineError::reply(format!(
                "ERR Unsupported option {}",
                String::from_utf8_lossy(o)
            )));
        }
    }
    if cond.nx && (cond.xx || cond.gt || cond.lt) {
        return Err(EngineError::reply(
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if cond.gt && cond.lt {
        return Err(EngineError::reply(
            "ERR GT and LT options at the same time are not compatible",
        ));
    }
    let bad_time =
        || EngineError::reply(format!("ERR invalid expire time in '{}' command", a.name()));
    let mut when = parse_i64(param).ok_or(EngineError::NotInteger)?;
    if seconds {
        when = when.checked_mul(1000).ok_or_else(bad_time)?;
    }
    let base = base.map_or(0, |_| e.now_ms);
    when = when.checked_add(base).ok_or_else(bad_time)?;
    let loading = e.loading;
    let now = e.now_ms;
    let Some(slot) = e.slot_mut(key) else {
        return Ok(Reply::Int(0));
    };
    if !cond.allows(slot.expire, when) {
        return Ok(Reply::Int(0));
    }
    if !loading && when <= now {
        e.remove_key(key);
    } else {
        slot.expire = Some(when);
    }
    Ok(Reply::Int(1))
}

/// `EXPIRE key seconds [NX | XX | GT | LT]`
pub(crate) fn expire(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    expire_generic(e, a, Some(0), true)
}

/// `PEXPIRE key milliseconds [NX | XX | GT | LT]`
pub(crate) fn pexpire(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    expire_generic(e, a, Some(0), false)
}

/// `EXPIREAT key unix-time-seconds [NX | XX | GT | LT]`
pub(crate) fn expireat(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    expire_generic(e, a, None, true)
}

/// `PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]`
pub(crate) fn pexpireat(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    expire_generic(e, a, None, false)
}

/// `PERSIST key`
pub(crate) fn persist(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    match e.slot_mut(key) {
        Some(s) if s.expire.is_some() => {
            s.expire = None;
            Ok(Reply::Int(1))
        }
        _ => Ok(Reply::Int(0)),
    }
}

fn ttl_generic(e: &mut Engine, a: &mut Args, ms: bool) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let now = e.now_ms;
    Ok(Reply::Int(match e.slot_mut(key) {
        None => -2,
        Some(Slot { expire: None, .. }) => -1,
        Some(Slot {
            expire: Some(t), ..
        }) => {
            let left = t.saturating_sub(now).max(0);
            if ms {
                left
            } else {
                (left + 500) / 1000
            }
        }
    }))
}

/// `TTL key`
pub(crate) fn ttl(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    ttl_generic(e, a, false)
}

/// `PTTL key`
pub(crate) fn pttl(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    ttl_generic(e, a, true)
}

/// `RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds]
/// [FREQ frequency]` (also `RESTORE-ASKING`). The payload is decoded by
/// the caller's [`super::DumpDecoder`].
pub(crate) fn restore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let ttl_arg = a.next_bytes()?;
    let payload = a.next_bytes()?;
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq) = (None, None);
    while let Some(o) = a.peek() {
        a.next_bytes()?;
        if eq_ic(o, "replace") {
            replace = true;
        } else if eq_ic(o, "absttl") {
            absttl = true;
        } else if eq_ic(o, "idletime") && !a.is_empty() {
            let v = a.next_i64()?;
            if v < 0 {
                return Err(EngineError::reply(
                    "ERR Invalid IDLETIME value, must be >= 0",
                ));
            }
            idle = Some(v as u64);
        } else if eq_ic(o, "freq") && !a.is_empty() {
            let v = a.next_i64()?;
            if !(0..=255).contains(&v) {
                return Err(EngineError::reply(
                    "ERR Invalid FREQ value, must be >= 0 and <= 255",
                ));
            }
            freq = Some(v as u8);
        } else {
            return Err(EngineError::Syntax);
        }
    }
    if !replace && e.key_exists(key) {
        return Err(EngineError::reply(
            "BUSYKEY Target key name already exists.",
        ));
    }
    let mut ttl = parse_i64(ttl_arg).ok_or(EngineError::NotInteger)?;
    if ttl < 0 {
        return Err(EngineError::reply("ERR Invalid TTL value, must be >= 0"));
    }
    let Some(decoder) = &e.decoder else {
        return Err(EngineError::NeedsDecoder {
            command: a.name().to_string(),
        });
    };
    let value = decoder.decode_value(payload).map_err(EngineError::Reply)?;
    if ttl != 0 && !absttl {
        ttl = ttl.saturating_add(e.now_ms);
    }
    if replace {
        e.remove_key(key);
    }
    if ttl != 0 && !e.loading && ttl <= e.now_ms {
        return Ok(Reply::Ok);
    }
    let slot = Slot {
        obj: value_to_obj(value),
        expire: (ttl != 0).then_some(ttl),
        idle,
        freq,
    };
    e.db().map.insert(key.to_vec(), slot);
    Ok(Reply::Ok)
}

/// `MIGRATE`: needs a network.
pub(crate) fn unsupported_network(_e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    Err(EngineError::unsupported(
        a.name(),
        "needs a connection to another server",
    ))
}

/// `EVAL`, `EVALSHA`, `FCALL`, `SCRIPT`: need a Lua interpreter.
pub(crate) fn unsupported_script(_e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    Err(EngineError::unsupported(
        a.name(),
        "scripts need an embedded Lua interpreter with the Redis API",
    ))
}

/// `SFLUSH start-slot end-slot [start-slot end-slot ...] [SYNC | ASYNC]`
/// (Redis 8, cluster mode): deletes the keys of the selected database whose
/// hash slot is in one of the ranges. Offline every slot counts as owned,
/// so the reply lists the ranges as given.
pub(crate) fn sflush(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let mut args: Vec<&[u8]> = a.take_rest().to_vec();
    if args
        .last()
        .is_some_and(|o| eq_ic(o, "sync") || eq_ic(o, "async"))
    {
        args.pop();
    }
    if args.is_empty() || args.len() % 2 != 0 {
        return Err(EngineError::Syntax);
    }
    let mut ranges = Vec::with_capacity(args.len() / 2);
    for pair in args.chunks_exact(2) {
        let bound = |b: &[u8]| {
            crate::engine::args::parse_i64(b)
                .filter(|v| (0..i64::from(super::slot::SLOTS)).contains(v))
                .ok_or_else(|| EngineError::reply("ERR Invalid or out of range slot"))
        };
        let (lo, hi) = (bound(pair[0])?, bound(pair[1])?);
        if lo > hi {
            return Err(EngineError::reply(
                "ERR start slot number is greater than end slot number",
            ));
        }
        ranges.push((lo as u16, hi as u16));
    }
    e.db().map.retain(|k, _| {
        let s = super::slot::key_hash_slot(k);
        !ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&s))
    });
    Ok(Reply::Array(
        ranges
            .iter()
            .map(|&(lo, hi)| Reply::Array(vec![Reply::Int(lo.into()), Reply::Int(hi.into())]))
            .collect(),
    ))
}
