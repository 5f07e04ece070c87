//! Sorted-set commands (`t_zset.c`) and `GEOADD` (`geo.c`, `geohash.c`);
//! the geo searches are in [`super::geo`].

use super::args::{eq_ic, parse_f64, parse_i64, Args};
use super::error::{EngineError, EngineResult};
use super::lists::{mpop_args, range};
use super::store::{Obj, ZKey, ZSet};
use super::{Engine, Reply};

/// Formats a score for replies (shortest round-trip form, as Redis 7.2+'s
/// `fpconv_dtoa`).
pub(crate) fn fmt_score(v: f64) -> Vec<u8> {
    if v.is_infinite() {
        return if v > 0.0 {
            b"inf".to_vec()
        } else {
            b"-inf".to_vec()
        };
    }
    if v.fract() == 0.0 && v.abs() < 1e17 {
        return format!("{}", v as i64).into_bytes();
    }
    format!("{v}").into_bytes()
}

fn nan_err() -> EngineError {
    EngineError::reply("ERR resulting score is not a number (NaN)")
}

#[derive(Default, Clone, Copy)]
struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// `ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]`
pub(crate) fn zadd(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let mut f = AddFlags::default();
    while let Some(o) = a.peek() {
        if eq_ic(o, "nx") {
            f.nx = true;
        } else if eq_ic(o, "xx") {
            f.xx = true;
        } else if eq_ic(o, "gt") {
            f.gt = true;
        } else if eq_ic(o, "lt") {
            f.lt = true;
        } else if eq_ic(o, "ch") {
            f.ch = true;
        } else if eq_ic(o, "incr") {
            f.incr = true;
        } else {
            break;
        }
        a.next_bytes()?;
    }
    let rest = a.take_rest();
    if rest.is_empty() || rest.len() % 2 != 0 {
        return Err(EngineError::Syntax);
    }
    if f.nx && f.xx {
        return Err(EngineError::reply(
            "ERR XX and NX options at the same time are not compatible",
        ));
    }
    if (f.nx && (f.gt || f.lt)) || (f.gt && f.lt) {
        return Err(EngineError::reply(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if f.incr && rest.len() > 2 {
        return Err(EngineError::reply(
            "ERR INCR option supports a single increment-element pair",
        ));
    }
    let mut pairs = Vec::with_capacity(rest.len() / 2);
    for p in rest.chunks_exact(2) {
        pairs.push((parse_f64(p[0]).ok_or(EngineError::NotFloat)?, p[1]));
    }
    zadd_pairs(e, key, f, &pairs)
}

fn zadd_pairs(
    e: &mut Engine,
    key: &[u8],
    f: AddFlags,
    pairs: &[(f64, &[u8])],
) -> EngineResult<Reply> {
    if e.get_zset(key)?.is_none() && f.xx {
        return Ok(if f.incr { Reply::Nil } else { Reply::Int(0) });
    }
    let z = e.zset_or_create(key)?;
    let (mut added, mut updated, mut processed) = (0, 0, 0);
    let mut last = None;
    let mut err = None;
    for &(score, m) in pairs {
        match z.score(m) {
            Some(cur) => {
                if f.nx {
                    continue;
                }
                let mut s = score;
                if f.incr {
                    s += cur;
                    if s.is_nan() {
                        err = Some(nan_err());
                        break;
                    }
                }
                if (f.lt && s >= cur) || (f.gt && s <= cur) {
                    continue;
                }
                last = Some(s);
                processed += 1;
                if s != cur {
                    z.insert(m, s);
                    updated += 1;
                }
            }
            None => {
                if f.xx {
                    continue;
                }
                z.insert(m, score);
                last = Some(score);
                added += 1;
                processed += 1;
            }
        }
    }
    e.drop_if_empty(key);
    if let Some(err) = err {
        return Err(err);
    }
    if f.incr {
        return Ok(match (processed, last) {
            (1.., Some(s)) => Reply::Bulk(fmt_score(s)),
            _ => Reply::Nil,
        });
    }
    Ok(Reply::Int(if f.ch { added + updated } else { added }))
}

/// `ZINCRBY key increment member`
pub(crate) fn zincrby(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let by = a.next_f64()?;
    let m = a.next_bytes()?;
    let f = AddFlags {
        incr: true,
        ..AddFlags::default()
    };
    zadd_pairs(e, key, f, &[(by, m)])
}

/// `ZREM key member [member ...]`
pub(crate) fn zrem(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let Some(z) = e.get_zset(key)? else {
        return Ok(Reply::Int(0));
    };
    let mut n = 0;
    for m in a.take_rest() {
        if z.remove(m).is_some() {
            n += 1;
        }
    }
    e.drop_if_empty(key);
    Ok(Reply::Int(n))
}

/// A score interval (`zslParseRange`).
#[derive(Clone, Copy)]
pub(crate) struct ScoreRange {
    min: f64,
    max: f64,
    minex: bool,
    maxex: bool,
}

impl ScoreRange {
    fn parse(min: &[u8], max: &[u8]) -> EngineResult<Self> {
        let one = |b: &[u8]| -> Option<(f64, bool)> {
            match b.first() {
                Some(b'(') => parse_f64(&b[1..]).map(|v| (v, true)),
                _ => parse_f64(b).map(|v| (v, false)),
            }
        };
        let err = || EngineError::reply("ERR min or max is not a float");
        let (min, minex) = one(min).ok_or_else(err)?;
        let (max, maxex) = one(max).ok_or_else(err)?;
        Ok(ScoreRange {
            min,
            max,
            minex,
            maxex,
        })
    }
    fn gte_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }
    fn lte_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }
}

/// One end of a lex interval.
#[derive(Clone)]
enum LexBound {
    NegInf,
    PosInf,
    Incl(Vec<u8>),
    Excl(Vec<u8>),
}

/// A lex interval (`zslParseLexRange`).
#[derive(Clone)]
pub(crate) struct LexRange {
    min: LexBound,
    max: LexBound,
}

impl LexRange {
    fn parse(min: &[u8], max: &[u8]) -> EngineResult<Self> {
        let one = |b: &[u8]| -> Option<LexBound> {
            match b.first()? {
                b'-' if b.len() == 1 => Some(LexBound::NegInf),
                b'+' if b.len() == 1 => Some(LexBound::PosInf),
                b'[' => Some(LexBound::Incl(b[1..].to_vec())),
                b'(' => Some(LexBound::Excl(b[1..].to_vec())),
                _ => None,
            }
        };
        let err = || EngineError::reply("ERR min or max not valid string range item");
        Ok(LexRange {
            min: one(min).ok_or_else(err)?,
            max: one(max).ok_or_else(err)?,
        })
    }
    fn gte_min(&self, m: &[u8]) -> bool {
        match &self.min {
            LexBound::NegInf => true,
            LexBound::PosInf => false,
            LexBound::Incl(v) => m >= v.as_slice(),
            LexBound::Excl(v) => m > v.as_slice(),
        }
    }
    fn lte_max(&self, m: &[u8]) -> bool {
        match &self.max {
            LexBound::NegInf => false,
            LexBound::PosInf => true,
            LexBound::Incl(v) => m <= v.as_slice(),
            LexBound::Excl(v) => m < v.as_slice(),
        }
    }
}

/// Members of `z` in a score range, ascending.
fn by_score(z: &ZSet, r: ScoreRange) -> Vec<ZKey> {
    z.iter()
        .skip_while(|k| !r.gte_min(k.score))
        .take_while(|k| r.lte_max(k.score))
        .cloned()
        .collect()
}

/// Members of `z` in a lex range, ascending (meaningful when all scores
/// are equal, as in Redis).
fn by_lex(z: &ZSet, r: &LexRange) -> Vec<ZKey> {
    z.iter()
        .skip_while(|k| !r.gte_min(&k.member))
        .take_while(|k| r.lte_max(&k.member))
        .cloned()
        .collect()
}

fn remove_all(e: &mut Engine, key: &[u8], victims: Vec<ZKey>) -> EngineResult<Reply> {
    let n = victims.len();
    if let Some(z) = e.get_zset(key)? {
        for k in victims {
            z.remove(&k.member);
        }
    }
    e.drop_if_empty(key);
    Ok(Reply::Int(n as i64))
}

/// `ZREMRANGEBYSCORE key min max`
pub(crate) fn zremrangebyscore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let r = ScoreRange::parse(a.next_bytes()?, a.next_bytes()?)?;
    let Some(z) = e.get_zset(key)? else {
        return Ok(Reply::Int(0));
    };
    let v = by_score(z, r);
    remove_all(e, key, v)
}

/// `ZREMRANGEBYLEX key min max`
pub(crate) fn zremrangebylex(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let r = LexRange::parse(a.next_bytes()?, a.next_bytes()?)?;
    let Some(z) = e.get_zset(key)? else {
        return Ok(Reply::Int(0));
    };
    let v = by_lex(z, &r);
    remove_all(e, key, v)
}

/// `ZREMRANGEBYRANK key start stop`
pub(crate) fn zremrangebyrank(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let start = a.next_i64()?;
    let stop = a.next_i64()?;
    let Some(z) = e.get_zset(key)? else {
        return Ok(Reply::Int(0));
    };
    let v = match range(start, stop, z.len()) {
        None => Vec::new(),
        Some((s, t)) => z.iter().skip(s).take(t - s + 1).cloned().collect(),
    };
    remove_all(e, key, v)
}

/// Pops up to `count` lowest (or highest) elements.
fn pop_n(e: &mut Engine, key: &[u8], max: bool, count: usize) -> EngineResult<Option<Vec<ZKey>>> {
    let Some(z) = e.get_zset(key)? else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(count.min(z.len()));
    while out.len() < count {
        let k = if max {
            z.tree.pop_last()
        } else {
            z.tree.pop_first()
        };
        let Some(k) = k else { break };
        z.dict.remove(&k.member);
        out.push(k);
    }
    e.drop_if_empty(key);
    Ok(Some(out))
}

fn flat(v: Vec<ZKey>) -> Vec<Reply> {
    v.into_iter()
        .flat_map(|k| [Reply::Bulk(k.member), Reply::Bulk(fmt_score(k.score))])
        .collect()
}

fn zpop_generic(e: &mut Engine, a: &mut Args, max: bool) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let count = match a.remaining() {
        0 => 1,
        1 => match parse_i64(a.next_bytes()?) {
            Some(c) if c >= 0 => usize::try_from(c).unwrap_or(usize::MAX),
            _ => {
                return Err(EngineError::reply(
                    "ERR value is out of range, must be positive",
                ))
            }
        },
        _ => return Err(EngineError::Syntax),
    };
    e.get_zset(key)?;
    if count == 0 {
        return Ok(Reply::Array(Vec::new()));
    }
    Ok(Reply::Array(flat(
        pop_n(e, key, max, count)?.unwrap_or_default(),
    )))
}

/// `ZPOPMIN key [count]`
pub(crate) fn zpopmin(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    zpop_generic(e, a, false)
}

/// `ZPOPMAX key [count]`
pub(crate) fn zpopmax(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    zpop_generic(e, a, true)
}

fn bzpop_generic(e: &mut Engine, a: &mut Args, max: bool) -> EngineResult<Reply> {
    let all = a.take_rest();
    let (keys, t) = all.split_at(all.len() - 1);
    timeout(t[0])?;
    for k in keys {
        if let Some(mut v) = pop_n(e, k, max, 1)? {
            if let Some(x) = v.pop() {
                return Ok(Reply::Array(vec![
                    Reply::bulk(*k),
                    Reply::Bulk(x.member),
                    Reply::Bulk(fmt_score(x.score)),
                ]));
            }
        }
    }
    Ok(Reply::Nil)
}

fn timeout(b: &[u8]) -> EngineResult<()> {
    let t = parse_f64(b)
        .ok_or_else(|| EngineError::reply("ERR timeout is not a float or out of range"))?;
    if t < 0.0 {
        return Err(EngineError::reply("ERR timeout is negative"));
    }
    Ok(())
}

/// `BZPOPMIN key [key ...] timeout`
pub(crate) fn bzpopmin(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    bzpop_generic(e, a, false)
}

/// `BZPOPMAX key [key ...] timeout`
pub(crate) fn bzpopmax(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    bzpop_generic(e, a, true)
}

fn zmpop_generic(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let (keys, max, count) = mpop_args(a, |b| {
        if eq_ic(b, "min") {
            Some(false)
        } else if eq_ic(b, "max") {
            Some(true)
        } else {
            None
        }
    })?;
    for k in keys {
        if let Some(v) = pop_n(e, k, max, count)? {
            if !v.is_empty() {
                let items = v
                    .into_iter()
                    .map(|k| {
                        Reply::Array(vec![Reply::Bulk(k.member), Reply::Bulk(fmt_score(k.score))])
                    })
                    .collect();
                return Ok(Reply::Array(vec![Reply::bulk(*k), Reply::Array(items)]));
            }
        }
    }
    Ok(Reply::Nil)
}

/// `ZMPOP numkeys key [key ...] <MIN | MAX> [COUNT count]`
pub(crate) fn zmpop(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    zmpop_generic(e, a)
}

/// `BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count]`
pub(crate) fn bzmpop(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    timeout(a.next_bytes()?)?;
    zmpop_generic(e, a)
}

#[derive(Clone, Copy, PartialEq)]
enum ZOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq)]
enum Aggr {
    Sum,
    Min,
    Max,
}

fn aggregate(target: &mut f64, val: f64, ag: Aggr) {
    match ag {
        Aggr::Sum => {
            *target += val;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggr::Min => {
            if val < *target {
                *target = val;
            }
        }
        Aggr::Max => {
            if val > *target {
                *target = val;
            }
        }
    }
}

/// One input of a union/intersection: (member, score) pairs plus a map
/// for lookups. Sets count as score 1.
struct Src {
    items: Vec<(Vec<u8>, f64)>,
    weight: f64,
}

fn read_src(e: &mut Engine, key: &[u8]) -> EngineResult<Vec<(Vec<u8>, f64)>> {
    match e.slot_mut(key) {
        None => Ok(Vec::new()),
        Some(s) => match &s.obj {
            Obj::Zset(z) => Ok(z.iter().map(|k| (k.member.clone(), k.score)).collect()),
            Obj::Set(s) => Ok(s.iter().map(|m| (m.clone(), 1.0)).collect()),
            _ => Err(EngineError::WrongType),
        },
    }
}

fn zstore_generic(e: &mut Engine, a: &mut Args, op: ZOp) -> EngineResult<Reply> {
    let dst = a.next_bytes()?;
    let nk = a.next_i64()?;
    if nk < 1 {
        return Err(EngineError::reply(format!(
            "ERR at least 1 input key is needed for '{}' command",
            a.name()
        )));
    }
    if nk as u64 > a.remaining() as u64 {
        return Err(EngineError::Syntax);
    }
    let keys = &a.rest()[..nk as usize];
    let mut tail = Args::new(a.name(), &a.rest()[nk as usize..]);
    let mut srcs = Vec::with_capacity(keys.len());
    for k in keys {
        srcs.push(Src {
            items: read_src(e, k)?,
            weight: 1.0,
        });
    }
    let mut ag = Aggr::Sum;
    while let Some(o) = tail.peek() {
        tail.next_bytes()?;
        if op != ZOp::Diff && eq_ic(o, "weights") && tail.remaining() >= srcs.len() {
            for s in &mut srcs {
                s.weight = parse_f64(tail.next_bytes()?)
                    .ok_or_else(|| EngineError::reply("ERR weight value is not a float"))?;
            }
        } else if op != ZOp::Diff && eq_ic(o, "aggregate") && !tail.is_empty() {
            let v = tail.next_bytes()?;
            ag = if eq_ic(v, "sum") {
                Aggr::Sum
            } else if eq_ic(v, "min") {
                Aggr::Min
            } else if eq_ic(v, "max") {
                Aggr::Max
            } else {
                return Err(EngineError::Syntax);
            };
        } else {
            return Err(EngineError::Syntax);
        }
    }
    a.take_rest();
    if op != ZOp::Diff {
        srcs.sort_by_key(|s| s.items.len());
    }
    let mut out = ZSet::default();
    match op {
        ZOp::Inter => {
            if srcs.first().is_some_and(|s| !s.items.is_empty()) {
                let maps: Vec<super::store::Map<&[u8], f64>> = srcs
                    .iter()
                    .map(|s| s.items.iter().map(|(m, v)| (m.as_slice(), *v)).collect())
                    .collect();
                'outer: for (m, v) in &srcs[0].items {
                    let mut score = srcs[0].weight * v;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    for (j, s) in srcs.iter().enumerate().skip(1) {
                        match maps[j].get(m.as_slice()) {
                            Some(x) => aggregate(&mut score, x * s.weight, ag),
                            None => continue 'outer,
                        }
                    }
                    out.insert(m, score);
                }
            }
        }
        ZOp::Union => {
            let mut acc: super::store::Map<Vec<u8>, f64> = Default::default();
            for s in &srcs {
                for (m, v) in &s.items {
                    let mut score = s.weight * v;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    match acc.get_mut(m) {
                        Some(t) => aggregate(t, score, ag),
                        None => {
                            acc.insert(m.clone(), score);
                        }
                    }
                }
            }
            for (m, v) in acc {
                out.insert(&m, v);
            }
        }
        ZOp::Diff => {
            if let Some((first, others)) = srcs.split_first() {
                let maps: Vec<super::store::Set<&[u8]>> = others
                    .iter()
                    .map(|s| s.items.iter().map(|(m, _)| m.as_slice()).collect())
                    .collect();
                for (m, v) in &first.items {
                    if !maps.iter().any(|o| o.contains(m.as_slice())) {
                        out.insert(m, *v);
                    }
                }
            }
        }
    }
    let n = out.len() as i64;
    if out.is_empty() {
        e.remove_key(dst);
    } else {
        e.set_obj(dst, Obj::Zset(out));
    }
    Ok(Reply::Int(n))
}

/// `ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight
/// ...]] [AGGREGATE <SUM | MIN | MAX>]`
pub(crate) fn zunionstore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    zstore_generic(e, a, ZOp::Union)
}

/// `ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight
/// ...]] [AGGREGATE <SUM | MIN | MAX>]`
pub(crate) fn zinterstore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    zstore_generic(e, a, ZOp::Inter)
}

/// `ZDIFFSTORE destination numkeys key [key ...]`
pub(crate) fn zdiffstore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    zstore_generic(e, a, ZOp::Diff)
}

/// `ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]`
pub(crate) fn zrangestore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let dst = a.next_bytes()?;
    let src = a.next_bytes()?;
    let mut min = a.next_bytes()?;
    let mut max = a.next_bytes()?;
    let (mut byscore, mut bylex, mut rev) = (false, false, false);
    let mut limit: Option<(i64, i64)> = None;
    while let Some(o) = a.peek() {
        a.next_bytes()?;
        if eq_ic(o, "limit") && a.remaining() >= 2 {
            let off = a.next_i64()?;
            let cnt = a.next_i64()?;
            limit = Some((off, cnt));
        } else if eq_ic(o, "byscore") {
            byscore = true;
        } else if eq_ic(o, "bylex") {
            bylex = true;
        } else if eq_ic(o, "rev") {
            rev = true;
        } else {
            return Err(EngineError::Syntax);
        }
    }
    if byscore && bylex {
        return Err(EngineError::Syntax);
    }
    if limit.is_some() && !byscore && !bylex {
        return Err(EngineError::reply(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if rev && (byscore || bylex) {
        std::mem::swap(&mut min, &mut max);
    }
    enum Sel {
        Rank(i64, i64),
        Score(ScoreRange),
        Lex(LexRange),
    }
    let sel = if byscore {
        Sel::Score(ScoreRange::parse(min, max)?)
    } else if bylex {
        Sel::Lex(LexRange::parse(min, max)?)
    } else {
        Sel::Rank(
            parse_i64(min).ok_or(EngineError::NotInteger)?,
            parse_i64(max).ok_or(EngineError::NotInteger)?,
        )
    };
    let picked: Vec<ZKey> = match e.get_zset(src)? {
        None => Vec::new(),
        Some(z) => {
            let mut v: Vec<ZKey> = match &sel {
                Sel::Rank(s, t) => match range(*s, *t, z.len()) {
                    None => Vec::new(),
                    Some((s, t)) => {
                        if rev {
                            z.iter().rev().skip(s).take(t - s + 1).cloned().collect()
                        } else {
                            z.iter().skip(s).take(t - s + 1).cloned().collect()
                        }
                    }
                },
                Sel::Score(r) => {
                    let mut v = by_score(z, *r);
                    if rev {
                        v.reverse();
                    }
                    v
                }
                Sel::Lex(r) => {
                    let mut v = by_lex(z, r);
                    if rev {
                        v.reverse();
                    }
                    v
                }
            };
            if let Some((off, cnt)) = limit {
                if off < 0 {
                    v.clear();
                } else {
                    let off = usize::try_from(off).unwrap_or(usize::MAX);
                    v = v.into_iter().skip(off).collect();
                    if cnt >= 0 {
                        v.truncate(usize::try_from(cnt).unwrap_or(usize::MAX));
                    }
                }
            }
            v
        }
    };
    let n = picked.len() as i64;
    if picked.is_empty() {
        e.remove_key(dst);
    } else {
        let mut z = ZSet::default();
        for k in picked {
            z.insert(&k.member, k.score);
        }
        e.set_obj(dst, Obj::Zset(z));
    }
    Ok(Reply::Int(n))
}

/// `ZSCORE key member`
pub(crate) fn zscore(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let m = a.next_bytes()?;
    Ok(Reply::opt_bulk(
        e.get_zset(key)?.and_then(|z| z.score(m)).map(fmt_score),
    ))
}

/// `ZCARD key`
pub(crate) fn zcard(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    Ok(Reply::Int(e.get_zset(key)?.map_or(0, |z| z.len() as i64)))
}

/// Smallest latitude a geo point may have (`GEO_LAT_MIN`).
pub(crate) const GEO_LAT_MIN: f64 = -85.05112878;
/// Largest latitude a geo point may have (`GEO_LAT_MAX`).
pub(crate) const GEO_LAT_MAX: f64 = 85.05112878;
/// Smallest longitude (`GEO_LONG_MIN`).
pub(crate) const GEO_LONG_MIN: f64 = -180.0;
/// Largest longitude (`GEO_LONG_MAX`).
pub(crate) const GEO_LONG_MAX: f64 = 180.0;
/// Bits per coordinate in a score (`GEO_STEP_MAX`).
pub(crate) const GEO_STEP: u32 = 26;

/// Spreads the 32 bits of `x` over the even bits of a u64.
pub(crate) fn spread(x: u32) -> u64 {
    let mut v = u64::from(x);
    v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF;
    v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF;
    v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    v = (v | (v << 2)) & 0x3333_3333_3333_3333;
    (v | (v << 1)) & 0x5555_5555_5555_5555
}

/// The 52-bit geohash Redis uses as the score (`geohashEncodeWGS84`):
/// latitude bits on even positions, longitude bits on odd ones.
pub(crate) fn geohash(lon: f64, lat: f64) -> u64 {
    let scale = f64::from(1u32 << GEO_STEP);
    let lat_off = (lat - GEO_LAT_MIN) / (GEO_LAT_MAX - GEO_LAT_MIN) * scale;
    let lon_off = (lon - GEO_LONG_MIN) / (GEO_LONG_MAX - GEO_LONG_MIN) * scale;
    spread(lat_off as u32) | (spread(lon_off as u32) << 1)
}

/// `GEOADD key [NX | XX] [CH] longitude latitude member [longitude
/// latitude member ...]`
pub(crate) fn geoadd(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let mut f = AddFlags::default();
    while let Some(o) = a.peek() {
        if eq_ic(o, "nx") {
            f.nx = true;
        } else if eq_ic(o, "xx") {
            f.xx = true;
        } else if eq_ic(o, "ch") {
            f.ch = true;
        } else {
            break;
        }
        a.next_bytes()?;
    }
    let rest = a.take_rest();
    if rest.len() % 3 != 0 || (f.nx && f.xx) {
        return Err(EngineError::Syntax);
    }
    let mut pairs = Vec::with_capacity(rest.len() / 3);
    for t in rest.chunks_exact(3) {
        let lon = parse_f64(t[0]).ok_or(EngineError::NotFloat)?;
        let lat = parse_f64(t[1]).ok_or(EngineError::NotFloat)?;
        if !(GEO_LONG_MIN..=GEO_LONG_MAX).contains(&lon)
            || !(GEO_LAT_MIN..=GEO_LAT_MAX).contains(&lat)
        {
            return Err(EngineError::reply(format!(
                "ERR invalid longitude,latitude pair {lon:.6},{lat:.6}"
            )));
        }
        pairs.push((geohash(lon, lat) as f64, t[2]));
    }
    if pairs.is_empty() {
        return Err(EngineError::Syntax);
    }
    zadd_pairs(e, key, f, &pairs)
}
