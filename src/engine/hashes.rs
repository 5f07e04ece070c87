//! Hash commands (`t_hash.c`), including the 7.4 per-field TTL commands.

use super::args::{eq_ic, fmt_i64, parse_f64, parse_i64, Args};
use super::error::{EngineError, EngineResult};
use super::keyspace::ExpireCond;
use super::store::HField;
use super::strings::fmt_float;
use super::{Engine, Reply};

/// Largest field TTL Redis accepts (`EB_EXPIRE_TIME_MAX`, 2^48 - 1 ms).
const HFE_MAX_ABS_TIME_MSEC: i64 = (1 << 48) - 1;

fn set_fields(e: &mut Engine, a: &mut Args) -> EngineResult<i64> {
    let key = a.next_bytes()?;
    let rest = a.take_rest();
    if rest.len() % 2 != 0 {
        return Err(a.arity());
    }
    e.get_hash(key)?;
    let h = e.hash_or_create(key)?;
    let mut created = 0;
    for kv in rest.chunks_exact(2) {
        match h.get_mut(kv[0]) {
            Some(f) => {
                f.value = kv[1].to_vec();
                f.expire = None;
            }
            None => {
                h.insert(
                    kv[0].to_vec(),
                    HField {
                        value: kv[1].to_vec(),
                        expire: None,
                    },
                );
                created += 1;
            }
        }
    }
    Ok(created)
}

/// `HSET key field value [field value ...]`
pub(crate) fn hset(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    Ok(Reply::Int(set_fields(e, a)?))
}

/// `HMSET key field value [field value ...]`
pub(crate) fn hmset(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    set_fields(e, a)?;
    Ok(Reply::Ok)
}

/// `HSETNX key field value`
pub(crate) fn hsetnx(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let f = a.next_bytes()?;
    let v = a.next_bytes()?;
    e.get_hash(key)?;
    let h = e.hash_or_create(key)?;
    if h.contains_key(f) {
        return Ok(Reply::Int(0));
    }
    h.insert(
        f.to_vec(),
        HField {
            value: v.to_vec(),
            expire: None,
        },
    );
    Ok(Reply::Int(1))
}

/// `HDEL key field [field ...]`
pub(crate) fn hdel(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let Some(h) = e.get_hash(key)? else {
        return Ok(Reply::Int(0));
    };
    let mut n = 0;
    for f in a.take_rest() {
        if h.remove(*f).is_some() {
            n += 1;
        }
    }
    e.drop_if_empty(key);
    Ok(Reply::Int(n))
}

/// Stores a computed value, keeping the field's TTL.
fn store_keep_ttl(e: &mut Engine, key: &[u8], f: &[u8], v: Vec<u8>) -> EngineResult<()> {
    let h = e.hash_or_create(key)?;
    match h.get_mut(f) {
        Some(x) => x.value = v,
        None => {
            h.insert(
                f.to_vec(),
                HField {
                    value: v,
                    expire: None,
                },
            );
        }
    }
    Ok(())
}

/// `HINCRBY key field increment`
pub(crate) fn hincrby(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let f = a.next_bytes()?;
    let by = a.next_i64()?;
    let cur = match e.get_hash(key)?.and_then(|h| h.get(f)) {
        Some(x) => parse_i64(&x.value)
            .ok_or_else(|| EngineError::reply("ERR hash value is not an integer"))?,
        None => 0,
    };
    let v = cur
        .checked_add(by)
        .ok_or_else(|| EngineError::reply("ERR increment or decrement would overflow"))?;
    store_keep_ttl(e, key, f, fmt_i64(v))?;
    Ok(Reply::Int(v))
}

/// `HINCRBYFLOAT key field increment` (see [`fmt_float`] for the text of
/// the result).
pub(crate) fn hincrbyfloat(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let f = a.next_bytes()?;
    let by = a.next_f64()?;
    if !by.is_finite() {
        return Err(EngineError::reply("ERR value is NaN or Infinity"));
    }
    let cur = match e.get_hash(key)?.and_then(|h| h.get(f)) {
        Some(x) => parse_f64(&x.value)
            .ok_or_else(|| EngineError::reply("ERR hash value is not a float"))?,
        None => 0.0,
    };
    let v = cur + by;
    if !v.is_finite() {
        return Err(EngineError::reply(
            "ERR increment would produce NaN or Infinity",
        ));
    }
    let out = fmt_float(v);
    store_keep_ttl(e, key, f, out.clone())?;
    Ok(Reply::Bulk(out))
}

/// Parses `FIELDS numfields field [field ...]` (the keyword at the
/// cursor); `numfields_msg` is the command's error for a bad count.
fn fields<'a>(a: &mut Args<'a>, numfields_msg: &str) -> EngineResult<&'a [&'a [u8]]> {
    let kw = a.next_bytes()?;
    if !eq_ic(kw, "fields") {
        return Err(EngineError::reply(
            "ERR Mandatory argument FIELDS is missing or not at the right position",
        ));
    }
    let n = match parse_i64(a.next_bytes()?) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(EngineError::reply(format!("ERR {numfields_msg}"))),
    };
    let rest = a.take_rest();
    if n != rest.len() as u64 {
        return Err(EngineError::reply(
            "ERR The `numfields` parameter must match the number of arguments",
        ));
    }
    Ok(rest)
}

fn hexpire_generic(
    e: &mut Engine,
    a: &mut Args,
    relative: bool,
    seconds: bool,
) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    e.get_hash(key)?;
    let mut when = a.next_i64()?;
    let bad = || EngineError::reply(format!("ERR invalid expire time in '{}' command", a.name()));
    if when < 0 {
        return Err(EngineError::reply("ERR invalid expire time, must be >= 0"));
    }
    if seconds {
        if when > HFE_MAX_ABS_TIME_MSEC / 1000 {
            return Err(bad());
        }
        when *= 1000;
    }
    let base = if relative { e.now_ms } else { 0 };
    if when > HFE_MAX_ABS_TIME_MSEC - base {
        return Err(bad());
    }
    when += base;
    let mut cond = ExpireCond::default();
    if let Some(o) = a.peek() {
        if cond.parse(o) {
            a.next_bytes()?;
        }
    }
    let fs = fields(a, "Parameter `numFields` should be greater than 0")?;
    let (loading, now) = (e.loading, e.now_ms);
    let Some(h) = e.get_hash(key)? else {
        return Ok(Reply::Array(fs.iter().map(|_| Reply::Int(-2)).collect()));
    };
    let mut out = Vec::with_capacity(fs.len());
    for f in fs {
        let r = match h.get_mut(*f) {
            None => -2,
            Some(x) if !cond.allows(x.expire, when) => 0,
            Some(_) if !loading && when <= now => {
                h.remove(*f);
                2
            }
            Some(x) => {
                x.expire = Some(when);
                1
            }
        };
        out.push(Reply::Int(r));
    }
    e.drop_if_empty(key);
    Ok(Reply::Array(out))
}

/// `HEXPIRE key seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]`
pub(crate) fn hexpire(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    hexpire_generic(e, a, true, true)
}

/// `HPEXPIRE key milliseconds [NX | XX | GT | LT] FIELDS numfields field
/// [field ...]`
pub(crate) fn hpexpire(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    hexpire_generic(e, a, true, false)
}

/// `HEXPIREAT key unix-time-seconds [NX | XX | GT | LT] FIELDS numfields
/// field [field ...]`
pub(crate) fn hexpireat(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    hexpire_generic(e, a, false, true)
}

/// `HPEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] FIELDS
/// numfields field [field ...]`
pub(crate) fn hpexpireat(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    hexpire_generic(e, a, false, false)
}

/// `HPERSIST key FIELDS numfields field [field ...]`
pub(crate) fn hpersist(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    e.get_hash(key)?;
    let fs = fields(a, "Number of fields must be a positive integer")?;
    let Some(h) = e.get_hash(key)? else {
        return Ok(Reply::Array(fs.iter().map(|_| Reply::Int(-2)).collect()));
    };
    Ok(Reply::Array(
        fs.iter()
            .map(|f| {
                Reply::Int(match h.get_mut(*f) {
                    None => -2,
                    Some(x) if x.expire.is_none() => -1,
                    Some(x) => {
                        x.expire = None;
                        1
                    }
                })
            })
            .collect(),
    ))
}

/// `HSETEX key [NX | XX] [FNX | FXX] [EX seconds | PX milliseconds |
/// EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL] FIELDS
/// numfields field value [field value ...]` (Redis 8, Valkey 9: Valkey's
/// AOF rewrite writes fields with a TTL this way). Without a time or
/// KEEPTTL the fields lose their TTL. 1 when the fields were set, 0 when a
/// condition failed.
pub(crate) fn hsetex(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let syntax = || EngineError::reply("ERR syntax error");
    let (mut key_nx, mut key_xx, mut fnx, mut fxx, mut keep_ttl) =
        (false, false, false, false, false);
    let mut when: Option<(i64, bool, bool)> = None;
    loop {
        let Some(o) = a.peek() else {
            return Err(EngineError::reply(
                "ERR Mandatory argument FIELDS is missing or not at the right position",
            ));
        };
        if eq_ic(o, "fields") {
            break;
        }
        a.next_bytes()?;
        let time = [
            ("ex", true, true),
            ("px", true, false),
            ("exat", false, true),
            ("pxat", false, false),
        ]
        .into_iter()
        .find(|(name, _, _)| eq_ic(o, name));
        if let Some((_, relative, seconds)) = time {
            if when.is_some() || keep_ttl {
                return Err(syntax());
            }
            when = Some((a.next_i64()?, relative, seconds));
        } else if eq_ic(o, "keepttl") && when.is_none() {
            keep_ttl = true;
        } else if eq_ic(o, "nx") && !key_xx {
            key_nx = true;
        } else if eq_ic(o, "xx") && !key_nx {
            key_xx = true;
        } else if eq_ic(o, "fnx") && !fxx {
            fnx = true;
        } else if eq_ic(o, "fxx") && !fnx {
            fxx = true;
        } else {
            return Err(syntax());
        }
    }
    a.next_bytes()?;
    let n = match parse_i64(a.next_bytes()?) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(EngineError::reply("ERR invalid number of fields")),
    };
    let rest = a.take_rest();
    if rest.len() % 2 != 0 || n != (rest.len() / 2) as u64 {
        return Err(EngineError::reply(
            "ERR The `numfields` parameter must match the number of arguments",
        ));
    }
    let at = match when {
        None => None,
        Some((mut t, relative, seconds)) => {
            let bad =
                || EngineError::reply(format!("ERR invalid expire time in '{}' command", a.name()));
            if t < 0 || (seconds && t > HFE_MAX_ABS_TIME_MSEC / 1000) {
                return Err(bad());
            }
            if seconds {
                t *= 1000;
            }
            let base = if relative { e.now_ms } else { 0 };
            if t > HFE_MAX_ABS_TIME_MSEC - base {
                return Err(bad());
            }
            Some(t + base)
        }
    };
    let (loading, now) = (e.loading, e.now_ms);
    let existing = e.get_hash(key)?;
    let exists = existing.is_some();
    if (key_nx && exists) || (key_xx && !exists) {
        return Ok(Reply::Int(0));
    }
    if let Some(h) = existing {
        let present = |kv: &[&[u8]]| h.contains_key(kv[0]);
        if (fnx && rest.chunks_exact(2).any(present)) || (fxx && !rest.chunks_exact(2).all(present))
        {
            return Ok(Reply::Int(0));
        }
    } else if fxx {
        return Ok(Reply::Int(0));
    }
    let h = e.hash_or_create(key)?;
    for kv in rest.chunks_exact(2) {
        if at.is_some_and(|t| !loading && t <= now) {
            h.remove(kv[0]);
            continue;
        }
        let keep = if keep_ttl {
            h.get(kv[0]).and_then(|f| f.expire)
        } else {
            at
        };
        h.insert(
            kv[0].to_vec(),
            HField {
                value: kv[1].to_vec(),
                expire: keep,
            },
        );
    }
    e.drop_if_empty(key);
    Ok(Reply::Int(1))
}

/// `HGET key field`
pub(crate) fn hget(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let f = a.next_bytes()?;
    Ok(Reply::opt_bulk(
        e.get_hash(key)?
            .and_then(|h| h.get(f))
            .map(|x| x.value.clone()),
    ))
}

/// `HLEN key`
pub(crate) fn hlen(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    Ok(Reply::Int(e.get_hash(key)?.map_or(0, |h| h.len() as i64)))
}

/// `HGETALL key` (fields sorted bytewise, for stable output)
pub(crate) fn hgetall(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let mut v: Vec<(Vec<u8>, Vec<u8>)> = e
        .get_hash(key)?
        .map(|h| {
            h.iter()
                .map(|(k, f)| (k.clone(), f.value.clone()))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    Ok(Reply::Array(
        v.into_iter()
            .flat_map(|(k, v)| [Reply::Bulk(k), Reply::Bulk(v)])
            .collect(),
    ))
}
