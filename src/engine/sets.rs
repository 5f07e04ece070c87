//! Set commands (`t_set.c`).

use super::args::{parse_i64, Args};
use super::error::{EngineError, EngineResult};
use super::store::{Obj, Set};
use super::{Engine, Reply};

/// `SADD key member [member ...]`
pub(crate) fn sadd(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let members = a.take_rest();
    e.get_set(key)?;
    let s = e.set_or_create(key)?;
    let mut n = 0;
    for m in members {
        if !s.contains(*m) {
            s.insert(m.to_vec());
            n += 1;
        }
    }
    Ok(Reply::Int(n))
}

/// `SREM key member [member ...]`
pub(crate) fn srem(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let Some(s) = e.get_set(key)? else {
        return Ok(Reply::Int(0));
    };
    let mut n = 0;
    for m in a.take_rest() {
        if s.remove(*m) {
            n += 1;
        }
    }
    e.drop_if_empty(key);
    Ok(Reply::Int(n))
}

/// `SMOVE source destination member`
pub(crate) fn smove(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let src = a.next_bytes()?;
    let dst = a.next_bytes()?;
    let m = a.next_bytes()?;
    if !e.key_exists(src) {
        return Ok(Reply::Int(0));
    }
    e.get_set(src)?;
    e.get_set(dst)?;
    if src == dst {
        let has = e.get_set(src)?.is_some_and(|s| s.contains(m));
        return Ok(Reply::Int(i64::from(has)));
    }
    let removed = e.get_set(src)?.is_some_and(|s| s.remove(m));
    if !removed {
        return Ok(Reply::Int(0));
    }
    e.drop_if_empty(src);
    e.set_or_create(dst)?.insert(m.to_vec());
    Ok(Reply::Int(1))
}

/// `SPOP key [count]`. Redis picks members at random; the engine takes
/// them in its own (deterministic) iteration order. Redis propagates
/// `SPOP` as `SREM`, so AOFs it writes do not depend on this.
pub(crate) fn spop(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let count = match a.remaining() {
        0 => None,
        1 => match parse_i64(a.next_bytes()?) {
            Some(c) if c >= 0 => Some(usize::try_from(c).unwrap_or(usize::MAX)),
            _ => {
                return Err(EngineError::reply(
                    "ERR value is out of range, must be positive",
                ))
            }
        },
        _ => return Err(EngineError::Syntax),
    };
    let Some(s) = e.get_set(key)? else {
        return Ok(if count.is_some() {
            Reply::Array(Vec::new())
        } else {
            Reply::Nil
        });
    };
    let n = count.unwrap_or(1).min(s.len());
    let picked: Vec<Vec<u8>> = s.iter().take(n).cloned().collect();
    for m in &picked {
        s.remove(m);
    }
    e.drop_if_empty(key);
    Ok(match count {
        None => Reply::opt_bulk(picked.into_iter().next()),
        Some(_) => Reply::Array(picked.into_iter().map(Reply::Bulk).collect()),
    })
}

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Inter,
    Union,
    Diff,
}

/// Reads the source sets (a missing key is an empty set).
fn sources(e: &mut Engine, keys: &[&[u8]]) -> EngineResult<Vec<Option<Set<Vec<u8>>>>> {
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        out.push(e.get_set(k)?.map(|s| s.clone()));
    }
    Ok(out)
}

fn store_generic(e: &mut Engine, a: &mut Args, op: SetOp) -> EngineResult<Reply> {
    let dst = a.next_bytes()?;
    let keys = a.take_rest();
    let srcs = sources(e, keys)?;
    let mut result: Set<Vec<u8>> = Set::default();
    match op {
        SetOp::Inter => {
            if srcs.iter().all(Option::is_some) {
                let mut sets: Vec<&Set<Vec<u8>>> = srcs.iter().flatten().collect();
                sets.sort_by_key(|s| s.len());
                if let Some((first, others)) = sets.split_first() {
                    for m in first.iter() {
                        if others.iter().all(|o| o.contains(m)) {
                            result.insert(m.clone());
                        }
                    }
                }
            }
        }
        SetOp::Union => {
            for s in srcs.iter().flatten() {
                result.extend(s.iter().cloned());
            }
        }
        SetOp::Diff => {
            if let Some(Some(first)) = srcs.first() {
                for m in first {
                    if !srcs[1..].iter().flatten().any(|o| o.contains(m)) {
                        result.insert(m.clone());
                    }
                }
            }
        }
    }
    let n = result.len() as i64;
    if result.is_empty() {
        e.remove_key(dst);
    } else {
        e.set_obj(dst, Obj::Set(result));
    }
    Ok(Reply::Int(n))
}

/// `SINTERSTORE destination key [key ...]`
pub(crate) fn sinterstore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    store_generic(e, a, SetOp::Inter)
}

/// `SUNIONSTORE destination key [key ...]`
pub(crate) fn sunionstore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    store_generic(e, a, SetOp::Union)
}

/// `SDIFFSTORE destination key [key ...]`
pub(crate) fn sdiffstore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    store_generic(e, a, SetOp::Diff)
}

/// `SCARD key`
pub(crate) fn scard(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    Ok(Reply::Int(e.get_set(key)?.map_or(0, |s| s.len() as i64)))
}

/// `SMEMBERS key` (sorted bytewise, for stable output)
pub(crate) fn smembers(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let mut v: Vec<Vec<u8>> = e
        .get_set(key)?
        .map(|s| s.iter().cloned().collect())
        .unwrap_or_default();
    v.sort();
    Ok(Reply::Array(v.into_iter().map(Reply::Bulk).collect()))
}

/// `SISMEMBER key member`
pub(crate) fn sismember(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let m = a.next_bytes()?;
    Ok(Reply::Int(i64::from(
        e.get_set(key)?.is_some_and(|s| s.contains(m)),
    )))
}
