//! List commands (`t_list.c`). Blocking variants never block: they act
//! as if the timeout expired at once when nothing can be popped, which is
//! what the AOF loader's `CLIENT_DENY_BLOCKING` client gets (spec §2.3).

use std::collections::VecDeque;

use super::args::{eq_ic, parse_f64, parse_i64, Args};
use super::error::{EngineError, EngineResult};
use super::{Engine, Reply};

#[derive(Clone, Copy, PartialEq)]
enum End {
    Left,
    Right,
}

fn end(b: &[u8]) -> EngineResult<End> {
    if eq_ic(b, "left") {
        Ok(End::Left)
    } else if eq_ic(b, "right") {
        Ok(End::Right)
    } else {
        Err(EngineError::Syntax)
    }
}

fn pop(l: &mut VecDeque<Vec<u8>>, w: End) -> Option<Vec<u8>> {
    match w {
        End::Left => l.pop_front(),
        End::Right => l.pop_back(),
    }
}

fn push(l: &mut VecDeque<Vec<u8>>, w: End, v: Vec<u8>) {
    match w {
        End::Left => l.push_front(v),
        End::Right => l.push_back(v),
    }
}

/// Blocking-command timeout: a non-negative float.
fn timeout(b: &[u8]) -> EngineResult<()> {
    let t = parse_f64(b)
        .ok_or_else(|| EngineError::reply("ERR timeout is not a float or out of range"))?;
    if t < 0.0 {
        return Err(EngineError::reply("ERR timeout is negative"));
    }
    if !t.is_finite() {
        return Err(EngineError::reply("ERR timeout is out of range"));
    }
    Ok(())
}

fn positive_count(b: &[u8]) -> EngineResult<usize> {
    match parse_i64(b) {
        Some(v) if v >= 0 => Ok(usize::try_from(v).unwrap_or(usize::MAX)),
        _ => Err(EngineError::reply(
            "ERR value is out of range, must be positive",
        )),
    }
}

fn push_generic(e: &mut Engine, a: &mut Args, w: End, only_existing: bool) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let vals = a.take_rest();
    let l = match e.get_list(key)? {
        Some(l) => l,
        None if only_existing => return Ok(Reply::Int(0)),
        None => e.list_or_create(key)?,
    };
    for v in vals {
        push(l, w, v.to_vec());
    }
    Ok(Reply::Int(l.len() as i64))
}

/// `LPUSH key element [element ...]`
pub(crate) fn lpush(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    push_generic(e, a, End::Left, false)
}

/// `RPUSH key element [element ...]`
pub(crate) fn rpush(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    push_generic(e, a, End::Right, false)
}

/// `LPUSHX key element [element ...]`
pub(crate) fn lpushx(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    push_generic(e, a, End::Left, true)
}

/// `RPUSHX key element [element ...]`
pub(crate) fn rpushx(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    push_generic(e, a, End::Right, true)
}

/// Pops up to `count` elements; deletes the key when emptied.
fn pop_n(e: &mut Engine, key: &[u8], w: End, count: usize) -> EngineResult<Option<Vec<Vec<u8>>>> {
    let Some(l) = e.get_list(key)? else {
        return Ok(None);
    };
    let n = count.min(l.len());
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        if let Some(v) = pop(l, w) {
            out.push(v);
        }
    }
    e.drop_if_empty(key);
    Ok(Some(out))
}

fn pop_generic(e: &mut Engine, a: &mut Args, w: End) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let count = match a.remaining() {
        0 => None,
        1 => Some(positive_count(a.next_bytes()?)?),
        _ => return Err(a.arity()),
    };
    match (pop_n(e, key, w, count.unwrap_or(1))?, count) {
        (None, _) => Ok(Reply::Nil),
        (Some(mut v), None) => Ok(Reply::opt_bulk(v.pop())),
        (Some(v), Some(_)) => Ok(Reply::Array(v.into_iter().map(Reply::Bulk).collect())),
    }
}

/// `LPOP key [count]`
pub(crate) fn lpop(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    pop_generic(e, a, End::Left)
}

/// `RPOP key [count]`
pub(crate) fn rpop(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    pop_generic(e, a, End::Right)
}

fn bpop_generic(e: &mut Engine, a: &mut Args, w: End) -> EngineResult<Reply> {
    let all = a.take_rest();
    let (keys, t) = all.split_at(all.len() - 1);
    timeout(t[0])?;
    for k in keys {
        if let Some(mut v) = pop_n(e, k, w, 1)? {
            if let Some(x) = v.pop() {
                return Ok(Reply::Array(vec![Reply::bulk(*k), Reply::Bulk(x)]));
            }
        }
    }
    Ok(Reply::Nil)
}

/// `BLPOP key [key ...] timeout`
pub(crate) fn blpop(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    bpop_generic(e, a, End::Left)
}

/// `BRPOP key [key ...] timeout`
pub(crate) fn brpop(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    bpop_generic(e, a, End::Right)
}

/// `LINSERT key <BEFORE | AFTER> pivot element`
pub(crate) fn linsert(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let w = a.next_bytes()?;
    let after = if eq_ic(w, "after") {
        true
    } else if eq_ic(w, "before") {
        false
    } else {
        return Err(EngineError::Syntax);
    };
    let pivot = a.next_bytes()?;
    let elem = a.next_bytes()?;
    let Some(l) = e.get_list(key)? else {
        return Ok(Reply::Int(0));
    };
    let Some(i) = l.iter().position(|x| x == pivot) else {
        return Ok(Reply::Int(-1));
    };
    l.insert(if after { i + 1 } else { i }, elem.to_vec());
    Ok(Reply::Int(l.len() as i64))
}

/// `LSET key index element`
pub(crate) fn lset(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let idx = a.next_i64()?;
    let elem = a.next_bytes()?;
    let Some(l) = e.get_list(key)? else {
        return Err(EngineError::reply("ERR no such key"));
    };
    let len = l.len() as i64;
    let i = if idx < 0 { len + idx } else { idx };
    if !(0..len).contains(&i) {
        return Err(EngineError::reply("ERR index out of range"));
    }
    l[i as usize] = elem.to_vec();
    Ok(Reply::Ok)
}

/// Normalises a Redis `start stop` range over `len`; `None` when empty.
pub(crate) fn range(start: i64, stop: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let mut s = if start < 0 { len + start } else { start };
    let mut t = if stop < 0 { len + stop } else { stop };
    if s < 0 {
        s = 0;
    }
    if s > t || s >= len {
        return None;
    }
    if t >= len {
        t = len - 1;
    }
    Some((s as usize, t as usize))
}

/// `LTRIM key start stop`
pub(crate) fn ltrim(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let start = a.next_i64()?;
    let stop = a.next_i64()?;
    let Some(l) = e.get_list(key)? else {
        return Ok(Reply::Ok);
    };
    match range(start, stop, l.len()) {
        None => l.clear(),
        Some((s, t)) => {
            l.truncate(t + 1);
            l.drain(..s);
        }
    }
    e.drop_if_empty(key);
    Ok(Reply::Ok)
}

/// `LREM key count element`
pub(crate) fn lrem(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let count = a.next_i64()?;
    let elem = a.next_bytes()?;
    let Some(l) = e.get_list(key)? else {
        return Ok(Reply::Int(0));
    };
    let limit = if count == 0 {
        usize::MAX
    } else {
        usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX)
    };
    let mut removed = 0usize;
    let mut keep = |x: &Vec<u8>| {
        if removed < limit && x == elem {
            removed += 1;
            false
        } else {
            true
        }
    };
    if count >= 0 {
        l.retain(|x| keep(x));
    } else {
        l.make_contiguous().reverse();
        l.retain(|x| keep(x));
        l.make_contiguous().reverse();
    }
    e.drop_if_empty(key);
    Ok(Reply::Int(removed as i64))
}

fn lmove_generic(
    e: &mut Engine,
    src: &[u8],
    dst: &[u8],
    from: End,
    to: End,
) -> EngineResult<Reply> {
    if e.get_list(src)?.is_none() {
        return Ok(Reply::Nil);
    }
    e.get_list(dst)?;
    let Some(v) = pop_n(e, src, from, 1)?.and_then(|mut v| v.pop()) else {
        return Ok(Reply::Nil);
    };
    let l = e.list_or_create(dst)?;
    push(l, to, v.clone());
    Ok(Reply::Bulk(v))
}

/// `LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>`
pub(crate) fn lmove(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let src = a.next_bytes()?;
    let dst = a.next_bytes()?;
    let from = end(a.next_bytes()?)?;
    let to = end(a.next_bytes()?)?;
    lmove_generic(e, src, dst, from, to)
}

/// `BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout`
pub(crate) fn blmove(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let src = a.next_bytes()?;
    let dst = a.next_bytes()?;
    let from = end(a.next_bytes()?)?;
    let to = end(a.next_bytes()?)?;
    timeout(a.next_bytes()?)?;
    lmove_generic(e, src, dst, from, to)
}

/// `RPOPLPUSH source destination`
pub(crate) fn rpoplpush(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let src = a.next_bytes()?;
    let dst = a.next_bytes()?;
    lmove_generic(e, src, dst, End::Right, End::Left)
}

/// `BRPOPLPUSH source destination timeout`
pub(crate) fn brpoplpush(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let src = a.next_bytes()?;
    let dst = a.next_bytes()?;
    timeout(a.next_bytes()?)?;
    lmove_generic(e, src, dst, End::Right, End::Left)
}

/// Parses `numkeys key [key ...] <dir> [COUNT count]` of the `*MPOP`
/// commands; `dir` is parsed by `parse_dir`.
pub(crate) fn mpop_args<'a, D>(
    a: &mut Args<'a>,
    parse_dir: impl Fn(&[u8]) -> Option<D>,
) -> EngineResult<(&'a [&'a [u8]], D, usize)> {
    let nk = match parse_i64(a.next_bytes()?) {
        Some(n) if n > 0 => n as u64,
        _ => return Err(EngineError::reply("ERR numkeys should be greater than 0")),
    };
    let rest = a.rest();
    if nk >= rest.len() as u64 {
        return Err(EngineError::Syntax);
    }
    let nk = nk as usize;
    let keys = &rest[..nk];
    let mut tail = Args::new(a.name(), &rest[nk..]);
    a.take_rest();
    let dir = parse_dir(tail.next_bytes()?).ok_or(EngineError::Syntax)?;
    let mut count = 1usize;
    let mut seen = false;
    while let Some(o) = tail.peek() {
        tail.next_bytes()?;
        if eq_ic(o, "count") && !seen && !tail.is_empty() {
            count = match parse_i64(tail.next_bytes()?) {
                Some(c) if c > 0 => usize::try_from(c).unwrap_or(usize::MAX),
                _ => return Err(EngineError::reply("ERR count should be greater than 0")),
            };
            seen = true;
        } else {
            return Err(EngineError::Syntax);
        }
    }
    Ok((keys, dir, count))
}

fn lmpop_generic(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let (keys, w, count) = mpop_args(a, |b| end(b).ok())?;
    for k in keys {
        if let Some(v) = pop_n(e, k, w, count)? {
            if !v.is_empty() {
                return Ok(Reply::Array(vec![
                    Reply::bulk(*k),
                    Reply::Array(v.into_iter().map(Reply::Bulk).collect()),
                ]));
            }
        }
    }
    Ok(Reply::Nil)
}

/// `LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]`
pub(crate) fn lmpop(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    lmpop_generic(e, a)
}

/// `BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]`
pub(crate) fn blmpop(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    timeout(a.next_bytes()?)?;
    lmpop_generic(e, a)
}

/// `LLEN key`
pub(crate) fn llen(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    Ok(Reply::Int(e.get_list(key)?.map_or(0, |l| l.len() as i64)))
}

/// `LRANGE key start stop`
pub(crate) fn lrange(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let start = a.next_i64()?;
    let stop = a.next_i64()?;
    let Some(l) = e.get_list(key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    Ok(Reply::Array(match range(start, stop, l.len()) {
        None => Vec::new(),
        Some((s, t)) => l.range(s..=t).map(|v| Reply::bulk(v.clone())).collect(),
    }))
}

/// `LINDEX key index`
pub(crate) fn lindex(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let idx = a.next_i64()?;
    let Some(l) = e.get_list(key)? else {
        return Ok(Reply::Nil);
    };
    let len = l.len() as i64;
    let i = if idx < 0 { len + idx } else { idx };
    Ok(if (0..len).contains(&i) {
        Reply::bulk(l[i as usize].clone())
    } else {
        Reply::Nil
    })
}
