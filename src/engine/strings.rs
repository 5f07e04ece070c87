//! String commands (`t_string.c`).

use super::args::{eq_ic, fmt_i64, parse_f64, parse_i64, Args};
use super::error::{EngineError, EngineResult};
use super::store::{Obj, Slot};
use super::{Engine, Reply};

/// `proto-max-bulk-len`: Redis's default limit for a string value.
pub(crate) const MAX_STRING: u64 = 512 * 1024 * 1024;

pub(crate) fn too_big() -> EngineError {
    EngineError::reply("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
}

/// `checkStringLength`: `offset + len` must stay within 512 MB.
pub(crate) fn check_len(offset: u64, len: u64) -> EngineResult<()> {
    match offset.checked_add(len) {
        Some(t) if t <= MAX_STRING => Ok(()),
        _ => Err(too_big()),
    }
}

impl Engine {
    /// Stores a string, keeping the TTL when `keep_ttl`.
    pub(crate) fn set_string(&mut self, key: &[u8], v: Vec<u8>, keep_ttl: bool) {
        let i = self.selected;
        self.expire_if_needed(i, key);
        let map = &mut self.dbs[i].map;
        if let Some(s) = map.get_mut(key) {
            s.obj = Obj::Str(v);
            if !keep_ttl {
                s.expire = None;
                s.idle = None;
                s.freq = None;
            }
            return;
        }
        map.insert(key.to_vec(), Slot::new(Obj::Str(v)));
    }

    /// The string at `key` (cloned), `WRONGTYPE` for other types.
    pub(crate) fn read_string(&mut self, key: &[u8]) -> EngineResult<Option<Vec<u8>>> {
        Ok(self.get_str(key)?.map(|s| s.clone()))
    }

    /// Applies an absolute TTL in ms to an existing key, deleting it in
    /// live mode when the time is already past.
    pub(crate) fn apply_expire(&mut self, key: &[u8], when: i64) {
        if !self.loading && when <= self.now_ms {
            self.remove_key(key);
        } else if let Some(s) = self.slot_mut(key) {
            s.expire = Some(when);
        }
    }
}

/// What the expire options of SET / GETEX asked for.
#[derive(Clone, Copy, PartialEq)]
enum ExpireOpt {
    None,
    KeepTtl,
    Persist,
    At(i64),
}

/// `getExpireMillisecondsOrReply`: the value of EX / PX / EXAT / PXAT as
/// an absolute time in ms.
fn expire_value(
    e: &Engine,
    cmd: &str,
    raw: &[u8],
    seconds: bool,
    relative: bool,
) -> EngineResult<i64> {
    let v = parse_i64(raw).ok_or(EngineError::NotInteger)?;
    let bad = || EngineError::reply(format!("ERR invalid expire time in '{cmd}' command"));
    if v <= 0 || (seconds && v > i64::MAX / 1000) {
        return Err(bad());
    }
    let ms = if seconds { v * 1000 } else { v };
    if relative {
        ms.checked_add(e.now_ms).ok_or_else(bad)
    } else {
        Ok(ms)
    }
}

/// Parses the SET / GETEX flags (`parseExtendedStringArgumentsOrReply`).
fn parse_ext(
    e: &Engine,
    a: &mut Args,
    is_set: bool,
) -> EngineResult<(bool, bool, bool, ExpireOpt)> {
    let (mut nx, mut xx, mut get) = (false, false, false);
    let mut exp = ExpireOpt::None;
    let mut have_exp = false;
    while let Some(o) = a.peek() {
        a.next_bytes()?;
        let timed = |kw: &str| eq_ic(o, kw);
        if is_set && eq_ic(o, "nx") && !xx {
            nx = true;
        } else if is_set && eq_ic(o, "xx") && !nx {
            xx = true;
        } else if is_set && eq_ic(o, "get") {
            get = true;
        } else if is_set && eq_ic(o, "keepttl") && !have_exp {
            exp = ExpireOpt::KeepTtl;
            have_exp = true;
        } else if !is_set && eq_ic(o, "persist") && !have_exp {
            exp = ExpireOpt::Persist;
            have_exp = true;
        } else if (timed("ex") || timed("px") || timed("exat") || timed("pxat"))
            && !have_exp
            && !a.is_empty()
        {
            let raw = a.next_bytes()?;
            let seconds = timed("ex") || timed("exat");
            let relative = timed("ex") || timed("px");
            let cmd = if is_set { "set" } else { "getex" };
            exp = ExpireOpt::At(expire_value(e, cmd, raw, seconds, relative)?);
            have_exp = true;
        } else {
            return Err(EngineError::Syntax);
        }
    }
    Ok((nx, xx, get, exp))
}

/// `GET key`
pub(crate) fn get(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let k = a.next_bytes()?;
    Ok(Reply::opt_bulk(e.read_string(k)?))
}

/// `SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
/// EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]`
pub(crate) fn set(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let val = a.next_bytes()?;
    let (nx, xx, get, exp) = parse_ext(e, a, true)?;
    let old = if get { e.read_string(key)? } else { None };
    if (nx || xx) && (e.key_exists(key) == nx) {
        return Ok(if get {
            Reply::opt_bulk(old)
        } else {
            Reply::Nil
        });
    }
    e.set_string(key, val.to_vec(), exp == ExpireOpt::KeepTtl);
    if let ExpireOpt::At(when) = exp {
        e.apply_expire(key, when);
    }
    Ok(if get { Reply::opt_bulk(old) } else { Reply::Ok })
}

/// `SETNX key value`
pub(crate) fn setnx(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let val = a.next_bytes()?;
    if e.key_exists(key) {
        return Ok(Reply::Int(0));
    }
    e.set_string(key, val.to_vec(), false);
    Ok(Reply::Int(1))
}

fn setex_generic(e: &mut Engine, a: &mut Args, seconds: bool) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let raw = a.next_bytes()?;
    let val = a.next_bytes()?;
    let when = expire_value(e, a.name(), raw, seconds, true)?;
    e.set_string(key, val.to_vec(), false);
    e.apply_expire(key, when);
    Ok(Reply::Ok)
}

/// `SETEX key seconds value`
pub(crate) fn setex(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    setex_generic(e, a, true)
}

/// `PSETEX key milliseconds value`
pub(crate) fn psetex(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    setex_generic(e, a, false)
}

/// `GETSET key value`
pub(crate) fn getset(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let val = a.next_bytes()?;
    let old = e.read_string(key)?;
    e.set_string(key, val.to_vec(), false);
    Ok(Reply::opt_bulk(old))
}

/// `GETDEL key`
pub(crate) fn getdel(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let old = e.read_string(key)?;
    if old.is_some() {
        e.remove_key(key);
    }
    Ok(Reply::opt_bulk(old))
}

/// `GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
/// PXAT unix-time-milliseconds | PERSIST]`
pub(crate) fn getex(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let (_, _, _, exp) = parse_ext(e, a, false)?;
    let Some(v) = e.read_string(key)? else {
        return Ok(Reply::Nil);
    };
    match exp {
        ExpireOpt::At(when) => e.apply_expire(key, when),
        ExpireOpt::Persist => {
            if let Some(s) = e.slot_mut(key) {
                s.expire = None;
            }
        }
        ExpireOpt::None | ExpireOpt::KeepTtl => {}
    }
    Ok(Reply::Bulk(v))
}

fn mset_pairs<'a>(a: &mut Args<'a>) -> EngineResult<&'a [&'a [u8]]> {
    let rest = a.take_rest();
    if rest.len() % 2 != 0 {
        return Err(a.arity());
    }
    Ok(rest)
}

/// `MSET key value [key value ...]`
pub(crate) fn mset(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    for kv in mset_pairs(a)?.chunks_exact(2) {
        e.set_string(kv[0], kv[1].to_vec(), false);
    }
    Ok(Reply::Ok)
}

/// `MSETNX key value [key value ...]`
pub(crate) fn msetnx(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let pairs = mset_pairs(a)?;
    for kv in pairs.chunks_exact(2) {
        if e.key_exists(kv[0]) {
            return Ok(Reply::Int(0));
        }
    }
    for kv in pairs.chunks_exact(2) {
        e.set_string(kv[0], kv[1].to_vec(), false);
    }
    Ok(Reply::Int(1))
}

/// `APPEND key value`
pub(crate) fn append(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let val = a.next_bytes()?;
    match e.get_str(key)? {
        Some(s) => {
            check_len(s.len() as u64, val.len() as u64)?;
            s.extend_from_slice(val);
            Ok(Reply::Int(s.len() as i64))
        }
        None => {
            e.set_obj(key, Obj::Str(val.to_vec()));
            Ok(Reply::Int(val.len() as i64))
        }
    }
}

/// `SETRANGE key offset value`
pub(crate) fn setrange(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let off = a.next_i64()?;
    let val = a.next_bytes()?;
    if off < 0 {
        return Err(EngineError::reply("ERR offset is out of range"));
    }
    let off = off as u64;
    let cur = e.get_str(key)?;
    if val.is_empty() {
        return Ok(Reply::Int(cur.map_or(0, |s| s.len() as i64)));
    }
    check_len(off, val.len() as u64)?;
    let s = match cur {
        Some(s) => s,
        None => e.str_or_create(key)?,
    };
    let off = off as usize;
    let end = off + val.len();
    if s.len() < end {
        s.resize(end, 0);
    }
    s[off..end].copy_from_slice(val);
    Ok(Reply::Int(s.len() as i64))
}

/// `GETRANGE key start end`
pub(crate) fn getrange(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let start = a.next_i64()?;
    let end = a.next_i64()?;
    let Some(s) = e.get_str(key)? else {
        return Ok(Reply::bulk(Vec::new()));
    };
    let len = s.len() as i64;
    if len == 0 || (start < 0 && end < 0 && start > end) {
        return Ok(Reply::bulk(Vec::new()));
    }
    let fix = |v: i64| if v < 0 { (len + v).max(0) } else { v };
    let (start, end) = (fix(start), fix(end).min(len - 1));
    if start > end {
        return Ok(Reply::bulk(Vec::new()));
    }
    Ok(Reply::bulk(&s[start as usize..=end as usize]))
}

/// `STRLEN key`
pub(crate) fn strlen(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    Ok(Reply::Int(e.get_str(key)?.map_or(0, |s| s.len() as i64)))
}

fn incr_generic(e: &mut Engine, key: &[u8], by: i64) -> EngineResult<Reply> {
    let cur = match e.get_str(key)? {
        Some(s) => parse_i64(s).ok_or(EngineError::NotInteger)?,
        None => 0,
    };
    let v = cur
        .checked_add(by)
        .ok_or_else(|| EngineError::reply("ERR increment or decrement would overflow"))?;
    e.set_string(key, fmt_i64(v), true);
    Ok(Reply::Int(v))
}

/// `INCR key`
pub(crate) fn incr(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    incr_generic(e, key, 1)
}

/// `DECR key`
pub(crate) fn decr(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    incr_generic(e, key, -1)
}

/// `INCRBY key increment`
pub(crate) fn incrby(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let by = a.next_i64()?;
    incr_generic(e, key, by)
}

/// `DECRBY key decrement`
pub(crate) fn decrby(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let by = a.next_i64()?;
    if by == i64::MIN {
        return Err(EngineError::reply("ERR decrement would overflow"));
    }
    incr_generic(e, key, -by)
}

/// Formats a float result of INCRBYFLOAT / HINCRBYFLOAT.
///
/// Redis computes in `long double` and prints `%.17Lf` with trailing
/// zeros removed. The engine computes in `f64` and prints the shortest
/// representation that reads back exactly, which gives the same text for
/// the usual short decimals (`10.5 + 0.1` → `10.6`) but may differ in the
/// last digits for long ones. Both commands are propagated by Redis as
/// `SET`/`HSET` with the resulting text, so AOFs it writes do not depend
/// on this.
pub(crate) fn fmt_float(v: f64) -> Vec<u8> {
    if v == 0.0 {
        return b"0".to_vec();
    }
    if v.fract() == 0.0 && v.abs() < 1e17 {
        return format!("{}", v as i64).into_bytes();
    }
    format!("{v}").into_bytes()
}

/// Parses a stored value as Redis's `string2ld` would (no spaces, no NaN).
pub(crate) fn parse_stored_float(b: &[u8]) -> Option<f64> {
    parse_f64(b)
}

/// `INCRBYFLOAT key increment`
pub(crate) fn incrbyfloat(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let by = a.next_f64()?;
    let cur = match e.get_str(key)? {
        Some(s) => parse_stored_float(s).ok_or(EngineError::NotFloat)?,
        None => 0.0,
    };
    let v = cur + by;
    if !v.is_finite() {
        return Err(EngineError::reply(
            "ERR increment would produce NaN or Infinity",
        ));
    }
    let out = fmt_float(v);
    e.set_string(key, out.clone(), true);
    Ok(Reply::Bulk(out))
}
