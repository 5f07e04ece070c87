//! `SORT` (`sort.c`): sorting lists, sets and sorted sets, numerically or
//! bytewise, by the elements themselves or by external keys (`BY`), with
//! `GET` lookups, `LIMIT`, and `STORE` into a list.
//!
//! Differences from Redis, all about the order of elements that compare
//! equal (which Redis leaves to its sort routine):
//!
//! * The engine sorts stably. Redis uses glibc's `qsort` (a stable merge
//!   sort on the glibc versions Redis 7 ships with) without `LIMIT`, but
//!   its own unstable partial quicksort (`pqsort`) when `BY` is combined
//!   with a `LIMIT` that cuts the result; then `ALPHA` ties (equal or
//!   missing `BY` values) may come out in another order.
//! * Sets and sorted sets are read in the engine's order, not Redis's hash
//!   table order, which again only matters for `ALPHA` + `BY` ties and for
//!   a set sorted `BY` a constant without `STORE` (Redis gives its
//!   internal order there too).
//!
//! With `STORE`, Redis 7 compares `ALPHA` values bytewise (`memcmp`), not
//! with `strcoll`; the engine always compares bytewise.

use std::cmp::Ordering;
use std::collections::VecDeque;

use super::args::{eq_ic, parse_f64, parse_i64, Args};
use super::error::{EngineError, EngineResult};
use super::store::{Obj, Slot};
use super::{Engine, Reply};

/// The C string view of an argument: the bytes before the first NUL
/// (`strchr`/`strstr` in `sort.c` stop there).
fn c_str(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    }
}

/// `lookupKeyByPattern`: `#` is the element itself; otherwise the first
/// `*` of `pattern` is replaced by `subst` and the key read as a string,
/// or, with `->field` after the `*`, as a hash field. `None` when the
/// pattern has no `*`, the key is missing or holds another type.
pub(crate) fn lookup_by_pattern(e: &mut Engine, pattern: &[u8], subst: &[u8]) -> Option<Vec<u8>> {
    if pattern.first() == Some(&b'#') && pattern.get(1).is_none_or(|&c| c == 0) {
        return Some(subst.to_vec());
    }
    let cpat = c_str(pattern);
    let star = cpat.iter().position(|&c| c == b'*')?;
    // A `->` after the star, followed by at least one (non-NUL) byte.
    let arrow = cpat[star + 1..]
        .windows(2)
        .position(|w| w == b"->")
        .map(|i| star + 1 + i)
        .filter(|&f| f + 2 < cpat.len());
    let (postfix_end, field) = match arrow {
        Some(f) => (f, Some(&pattern[f + 2..])),
        None => (pattern.len(), None),
    };
    let mut key = Vec::with_capacity(pattern.len() + subst.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(subst);
    key.extend_from_slice(&pattern[star + 1..postfix_end]);
    let now = e.now_ms;
    let loading = e.loading;
    match (e.slot_mut(&key)?, field) {
        (
            Slot {
                obj: Obj::Hash(h), ..
            },
            Some(f),
        ) => h
            .get(f)
            .filter(|v| loading || v.expire.is_none_or(|t| t >= now))
            .map(|v| v.value.clone()),
        (
            Slot {
                obj: Obj::Str(s), ..
            },
            None,
        ) => Some(s.clone()),
        _ => None,
    }
}

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The score `SORT` reads from a value: `strtod` of the bytes before the
/// first NUL, which must all be consumed, without overflow, underflow or
/// NaN (`None` then: "One or more scores can't be converted"). An empty
/// value is 0, as `strtod` converts nothing and stops at the NUL.
pub(crate) fn sort_score(v: &[u8]) -> Option<f64> {
    let s = c_str(v);
    if s.is_empty() {
        return Some(0.0);
    }
    let start = s.iter().position(|&c| !is_c_space(c))?;
    let body = &s[start..];
    let text = std::str::from_utf8(body).ok()?;
    let x = match text.parse::<f64>() {
        Ok(x) => x,
        Err(_) => parse_f64(body)?,
    };
    if x.is_nan() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let digits = lower.trim_start_matches(['+', '-']);
    if x.is_infinite() && !digits.starts_with("inf") {
        return None; // ERANGE: overflow.
    }
    if x.is_subnormal() {
        return None; // ERANGE: underflow.
    }
    if x == 0.0 {
        // ERANGE when a nonzero mantissa underflowed to zero.
        let (mantissa, hex) = match digits.strip_prefix("0x") {
            Some(m) => (m.split('p').next().unwrap_or(""), true),
            None => (digits.split('e').next().unwrap_or(""), false),
        };
        if mantissa
            .bytes()
            .any(|c| (b'1'..=b'9').contains(&c) || (hex && c.is_ascii_hexdigit() && c > b'9'))
        {
            return None;
        }
    }
    Some(x)
}

/// One element being sorted, with its numeric score or its `BY` value.
struct Item {
    obj: Vec<u8>,
    score: f64,
    cmp: Option<Vec<u8>>,
}

/// `SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern
/// ...]] [ASC | DESC] [ALPHA] [STORE destination]`
///
/// Options in any order, repeated ones overriding (a `BY` without `*`
/// anywhere means "do not sort"). Without `STORE` the reply is the
/// sorted elements (or, with `GET`, the looked-up values, nil for missing
/// ones); with `STORE` the result (missing `GET` values as empty strings)
/// replaces `destination` as a list, or deletes it when empty, and the
/// reply is its length.
pub(crate) fn sort(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let (mut desc, mut alpha, mut dontsort) = (false, false, false);
    let (mut limit_start, mut limit_count) = (0i64, -1i64);
    let mut sortby: Option<&[u8]> = None;
    let mut store: Option<&[u8]> = None;
    let mut gets: Vec<&[u8]> = Vec::new();
    while let Some(o) = a.peek() {
        a.next_bytes()?;
        let left = a.remaining();
        if eq_ic(o, "asc") {
            desc = false;
        } else if eq_ic(o, "desc") {
            desc = true;
        } else if eq_ic(o, "alpha") {
            alpha = true;
        } else if eq_ic(o, "limit") && left >= 2 {
            limit_start = parse_i64(a.next_bytes()?).ok_or(EngineError::NotInteger)?;
            limit_count = parse_i64(a.next_bytes()?).ok_or(EngineError::NotInteger)?;
        } else if eq_ic(o, "store") && left >= 1 {
            store = Some(a.next_bytes()?);
        } else if eq_ic(o, "by") && left >= 1 {
            let p = a.next_bytes()?;
            if !c_str(p).contains(&b'*') {
                dontsort = true;
            }
            sortby = Some(p);
        } else if eq_ic(o, "get") && left >= 1 {
            gets.push(a.next_bytes()?);
        } else {
            return Err(EngineError::Syntax);
        }
    }

    #[derive(PartialEq)]
    enum Kind {
        List,
        Set,
        Zset,
    }
    // Elements in native order (list order, sorted-set order; sets in the
    // engine's order).
    let (kind, elems): (Kind, Vec<Vec<u8>>) = match e.slot_mut(key) {
        None => (Kind::List, Vec::new()),
        Some(s) => match &s.obj {
            Obj::List(l) => (Kind::List, l.iter().cloned().collect()),
            Obj::Set(st) => (Kind::Set, st.iter().cloned().collect()),
            Obj::Zset(z) => (Kind::Zset, z.iter().map(|k| k.member.clone()).collect()),
            _ => return Err(EngineError::WrongType),
        },
    };
    if dontsort && kind == Kind::Set && store.is_some() {
        // A set's order is arbitrary: Redis forces ALPHA for replication.
        dontsort = false;
        alpha = true;
        sortby = None;
    }

    let len = elems.len() as i64;
    let mut start = limit_start.clamp(0, len);
    let count = limit_count.clamp(-1, len);
    let mut end = if count < 0 {
        len - 1
    } else {
        start + count - 1
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }

    let mut items: Vec<Item> = if dontsort && kind != Kind::Set {
        // Native order (reversed for DESC), only the requested range.
        let mut v = elems;
        if desc {
            v.reverse();
        }
        let picked: Vec<Item> = if end >= start {
            v.into_iter()
                .skip(start as usize)
                .take((end - start + 1) as usize)
                .map(|obj| Item {
                    obj,
                    score: 0.0,
                    cmp: None,
                })
                .collect()
        } else {
            Vec::new()
        };
        if end >= start {
            end -= start;
            start = 0;
        }
        picked
    } else {
        elems
            .into_iter()
            .map(|obj| Item {
                obj,
                score: 0.0,
                cmp: None,
            })
            .collect()
    };

    let mut conversion_error = false;
    if !dontsort {
        for it in &mut items {
            let byval = match sortby {
                Some(p) => match lookup_by_pattern(e, p, &it.obj) {
                    Some(v) => v,
                    None => continue,
                },
                None => it.obj.clone(),
            };
            if alpha {
                if sortby.is_some() {
                    it.cmp = Some(byval);
                }
            } else {
                match sort_score(&byval) {
                    Some(s) => it.score = s,
                    None => conversion_error = true,
                }
            }
        }
        let by = sortby.is_some();
        items.sort_by(|x, y| {
            let c = if !alpha {
                x.score
                    .partial_cmp(&y.score)
                    .unwrap_or(Ordering::Equal)
                    .then_with(|| x.obj.cmp(&y.obj))
            } else if by {
                // A missing BY value sorts first.
                x.cmp.cmp(&y.cmp)
            } else {
                x.obj.cmp(&y.obj)
            };
            if desc {
                c.reverse()
            } else {
                c
            }
        });
    }
    if conversion_error {
        return Err(EngineError::reply(
            "ERR One or more scores can't be converted into double",
        ));
    }

    let range: &[Item] = if end >= start && start >= 0 {
        items
            .get(start as usize..=(end as usize).min(items.len().saturating_sub(1)))
            .unwrap_or(&[])
    } else {
        &[]
    };
    let mut out: Vec<Option<Vec<u8>>> = Vec::new();
    for it in range {
        if gets.is_empty() {
            out.push(Some(it.obj.clone()));
        }
        for g in &gets {
            out.push(lookup_by_pattern(e, g, &it.obj));
        }
    }
    match store {
        None => Ok(Reply::Array(out.into_iter().map(Reply::opt_bulk).collect())),
        Some(dst) => {
            let n = out.len() as i64;
            if out.is_empty() {
                e.remove_key(dst);
            } else {
                let list: VecDeque<Vec<u8>> =
                    out.into_iter().map(Option::unwrap_or_default).collect();
                e.set_obj(dst, Obj::List(list));
            }
            Ok(Reply::Int(n))
        }
    }
}
