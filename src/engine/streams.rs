//! Stream commands (`t_stream.c`): entries, trimming, consumer groups.

use std::collections::BTreeSet;

use super::args::{eq_ic, parse_i64, Args};
use super::error::{EngineError, EngineResult};
use super::store::{Consumer, Fields, Group, Nack, StreamObj};
use super::{Engine, Reply};
use crate::model::StreamId;

const MAX_ID: StreamId = StreamId::new(u64::MAX, u64::MAX);

fn invalid_id() -> EngineError {
    EngineError::reply("ERR Invalid stream ID specified as stream command argument")
}

fn id_bytes(id: StreamId) -> Vec<u8> {
    id.to_string().into_bytes()
}

/// `string2ull`: decimal digits only, fits u64 (leading `+` or zeros
/// tolerated as `strtoull` does).
fn parse_u64(b: &[u8]) -> Option<u64> {
    let b = b.strip_prefix(b"+").unwrap_or(b);
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// `streamGenericParseIDOrReply`: `ms[-seq]`, `-`/`+` unless `strict`,
/// `ms-*` when `allow_star_seq` (then the bool is false: sequence not
/// given).
fn parse_id(
    b: &[u8],
    missing_seq: u64,
    strict: bool,
    allow_star_seq: bool,
) -> EngineResult<(StreamId, bool)> {
    if b.len() > 127 {
        return Err(invalid_id());
    }
    if b == b"-" || b == b"+" {
        if strict {
            return Err(invalid_id());
        }
        return Ok((
            if b == b"-" {
                StreamId::new(0, 0)
            } else {
                MAX_ID
            },
            true,
        ));
    }
    let (ms, seq) = match b.iter().position(|&c| c == b'-') {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let ms = parse_u64(ms).ok_or_else(invalid_id)?;
    match seq {
        None => Ok((StreamId::new(ms, missing_seq), true)),
        Some(b"*") if allow_star_seq => Ok((StreamId::new(ms, 0), false)),
        Some(s) => Ok((
            StreamId::new(ms, parse_u64(s).ok_or_else(invalid_id)?),
            true,
        )),
    }
}

fn strict_id(b: &[u8]) -> EngineResult<StreamId> {
    Ok(parse_id(b, 0, true, false)?.0)
}

fn incr_id(id: StreamId) -> Option<StreamId> {
    if id.seq == u64::MAX {
        if id.ms == u64::MAX {
            None
        } else {
            Some(StreamId::new(id.ms + 1, 0))
        }
    } else {
        Some(StreamId::new(id.ms, id.seq + 1))
    }
}

#[derive(Clone, Copy)]
enum Trim {
    None,
    MaxLen(u64),
    MinId(StreamId),
}

/// Parsed XADD / XTRIM options: trim strategy, NOMKSTREAM, and the id
/// (`None` for `*`; the bool is false for `ms-*`).
type AddTrim = (Trim, bool, Option<(StreamId, bool)>);

/// `streamParseAddOrTrimArgsOrReply`. Returns the trim strategy and, for
/// XADD, the NOMKSTREAM flag and the id argument (`None` for `*`). `~`
/// trims exactly (Redis would remove whole nodes only; 7.x rewrites it to
/// `=` when propagating), and `LIMIT` is accepted and ignored, as for the
/// AOF client.
fn parse_add_trim(a: &mut Args<'_>, xadd: bool) -> EngineResult<AddTrim> {
    let mut trim = Trim::None;
    let mut nomk = false;
    let mut id = None;
    let mut limit = 0i64;
    while let Some(o) = a.peek() {
        let more = a.remaining() - 1;
        if xadd && o == b"*" {
            a.next_bytes()?;
            break;
        } else if (eq_ic(o, "maxlen") || eq_ic(o, "minid")) && more > 0 {
            a.next_bytes()?;
            if !matches!(trim, Trim::None) {
                return Err(EngineError::reply(
                    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            if more >= 2 && matches!(a.peek(), Some(b"~" | b"=")) {
                a.next_bytes()?;
            }
            let v = a.next_bytes()?;
            trim = if eq_ic(o, "maxlen") {
                let n = parse_i64(v).ok_or(EngineError::NotInteger)?;
                if n < 0 {
                    return Err(EngineError::reply("ERR The MAXLEN argument must be >= 0."));
                }
                Trim::MaxLen(n as u64)
            } else {
                Trim::MinId(strict_id(v)?)
            };
        } else if eq_ic(o, "limit") && more > 0 {
            a.next_bytes()?;
            limit = a.next_i64()?;
            if limit < 0 {
                return Err(EngineError::reply("ERR The LIMIT argument must be >= 0."));
            }
        } else if xadd && eq_ic(o, "nomkstream") {
            a.next_bytes()?;
            nomk = true;
        } else if xadd {
            a.next_bytes()?;
            id = Some(parse_id(o, 0, true, true)?);
            break;
        } else {
            return Err(EngineError::Syntax);
        }
    }
    if limit != 0 && matches!(trim, Trim::None) {
        return Err(EngineError::reply(
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && matches!(trim, Trim::None) {
        return Err(EngineError::reply(
            "ERR syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    Ok((trim, nomk, id))
}

fn do_trim(s: &mut StreamObj, trim: Trim) -> i64 {
    let mut n = 0;
    match trim {
        Trim::None => {}
        Trim::MaxLen(max) => {
            while s.entries.len() as u64 > max {
                if s.entries.pop_first().is_none() {
                    break;
                }
                n += 1;
            }
        }
        Trim::MinId(min) => {
            while s.entries.first_key_value().is_some_and(|(k, _)| *k < min) {
                s.entries.pop_first();
                n += 1;
            }
        }
    }
    n
}

/// `XADD key [NOMKSTREAM] [<MAXLEN | MINID> [= | ~] threshold [LIMIT count]]
/// <* | id> field value [field value ...]`
pub(crate) fn xadd(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let (trim, nomk, given) = parse_add_trim(a, true)?;
    let rest = a.take_rest();
    if rest.len() < 2 || rest.len() % 2 != 0 {
        return Err(a.arity());
    }
    if let Some((id, true)) = given {
        if id == StreamId::new(0, 0) {
            return Err(EngineError::reply(
                "ERR The ID specified in XADD must be greater than 0-0",
            ));
        }
    }
    let now = e.now_ms;
    let existing = e.get_stream(key)?;
    if existing.is_none() && nomk {
        return Ok(Reply::Nil);
    }
    let last = existing.map_or(StreamId::default(), |s| s.last_id);
    if last == MAX_ID {
        return Err(EngineError::reply(
            "ERR The stream has exhausted the last possible ID, unable to add more items",
        ));
    }
    let too_small = || {
        EngineError::reply(
            "ERR The ID specified in XADD is equal or smaller than the target stream top item",
        )
    };
    let id = match given {
        Some((id, true)) => id,
        Some((id, false)) => {
            if id.ms == last.ms {
                if last.seq == u64::MAX {
                    return Err(too_small());
                }
                StreamId::new(last.ms, last.seq + 1)
            } else {
                id
            }
        }
        None => {
            let ms = u64::try_from(now).unwrap_or(0);
            if ms > last.ms {
                StreamId::new(ms, 0)
            } else {
                incr_id(last).ok_or_else(too_small)?
            }
        }
    };
    if id <= last {
        return Err(too_small());
    }
    let s = e.stream_or_create(key)?;
    let fields = rest
        .chunks_exact(2)
        .map(|p| (p[0].to_vec(), p[1].to_vec()))
        .collect();
    s.entries.insert(id, fields);
    s.last_id = id;
    s.entries_added += 1;
    do_trim(s, trim);
    Ok(Reply::Bulk(id_bytes(id)))
}

/// `XTRIM key <MAXLEN | MINID> [= | ~] threshold [LIMIT count]`
pub(crate) fn xtrim(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    if e.get_stream(key)?.is_none() {
        return Ok(Reply::Int(0));
    }
    let (trim, _, _) = parse_add_trim(a, false)?;
    let Some(s) = e.get_stream(key)? else {
        return Ok(Reply::Int(0));
    };
    Ok(Reply::Int(do_trim(s, trim)))
}

/// `XDEL key id [id ...]`
pub(crate) fn xdel(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    if e.get_stream(key)?.is_none() {
        return Ok(Reply::Int(0));
    }
    let ids = a
        .take_rest()
        .iter()
        .map(|b| strict_id(b))
        .collect::<EngineResult<Vec<_>>>()?;
    let Some(s) = e.get_stream(key)? else {
        return Ok(Reply::Int(0));
    };
    let mut n = 0;
    for id in ids {
        if s.entries.remove(&id).is_some() {
            if id > s.max_deleted {
                s.max_deleted = id;
            }
            n += 1;
        }
    }
    Ok(Reply::Int(n))
}

/// `XLEN key`
pub(crate) fn xlen(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    Ok(Reply::Int(
        e.get_stream(key)?.map_or(0, |s| s.entries.len() as i64),
    ))
}

fn new_consumer(now: i64) -> Consumer {
    Consumer {
        seen_time: now,
        active_time: -1,
        pending: BTreeSet::new(),
    }
}

fn xgroup_syntax(sub: &[u8]) -> EngineError {
    EngineError::reply(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try XGROUP HELP.",
        String::from_utf8_lossy(sub)
    ))
}

/// `XGROUP CREATE key group <id | $> [MKSTREAM] [ENTRIESREAD entries-read]`,
/// `XGROUP SETID key group <id | $> [ENTRIESREAD entries-read]`,
/// `XGROUP DESTROY key group`,
/// `XGROUP CREATECONSUMER key group consumer`,
/// `XGROUP DELCONSUMER key group consumer`
pub(crate) fn xgroup(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let sub = a.next_bytes()?;
    let argc = a.remaining() + 2;
    let (name, arity): (&str, i64) = if eq_ic(sub, "create") {
        ("xgroup|create", -5)
    } else if eq_ic(sub, "setid") {
        ("xgroup|setid", -5)
    } else if eq_ic(sub, "destroy") {
        ("xgroup|destroy", 4)
    } else if eq_ic(sub, "createconsumer") {
        ("xgroup|createconsumer", 5)
    } else if eq_ic(sub, "delconsumer") {
        ("xgroup|delconsumer", 5)
    } else if eq_ic(sub, "help") {
        return Ok(Reply::Array(Vec::new()));
    } else {
        return Err(EngineError::reply(format!(
            "ERR unknown subcommand '{}'. Try XGROUP HELP.",
            String::from_utf8_lossy(sub)
        )));
    };
    if (arity > 0 && argc as i64 != arity) || (argc as i64) < -arity {
        return Err(EngineError::WrongArity {
            name: name.to_string(),
        });
    }
    let create = eq_ic(sub, "create");
    let setid = eq_ic(sub, "setid");
    let key = a.next_bytes()?;
    let group = a.next_bytes()?;
    let third: &[u8] = if eq_ic(sub, "destroy") {
        b""
    } else {
        a.next_bytes()?
    };
    let mut mkstream = false;
    let mut entries_read: i64 = -1;
    while let Some(o) = a.peek() {
        a.next_bytes()?;
        if create && eq_ic(o, "mkstream") {
            mkstream = true;
        } else if (create || setid) && eq_ic(o, "entriesread") && !a.is_empty() {
            entries_read = a.next_i64()?;
            if entries_read < 0 && entries_read != -1 {
                return Err(EngineError::reply(
                    "ERR value for ENTRIESREAD must be positive or -1",
                ));
            }
        } else {
            return Err(xgroup_syntax(sub));
        }
    }
    let exists = e.get_stream(key)?.is_some();
    if !mkstream && !exists {
        return Err(EngineError::reply(
            "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
        ));
    }
    let no_group = || {
        EngineError::reply(format!(
            "NOGROUP No such consumer group '{}' for key name '{}'",
            String::from_utf8_lossy(group),
            String::from_utf8_lossy(key)
        ))
    };
    let now = e.now_ms;
    let er = u64::try_from(entries_read).ok();
    if create {
        if argc > 8 {
            return Err(xgroup_syntax(sub));
        }
        let id = if third == b"$" {
            e.get_stream(key)?
                .map_or(StreamId::default(), |s| s.last_id)
        } else {
            strict_id(third)?
        };
        let s = e.stream_or_create(key)?;
        if s.groups.contains_key(group) {
            return Err(EngineError::reply(
                "BUSYGROUP Consumer Group name already exists",
            ));
        }
        s.groups.insert(
            group.to_vec(),
            Group {
                last_id: id,
                entries_read: er,
                pel: Default::default(),
                consumers: Default::default(),
                nacked: Vec::new(),
            },
        );
        return Ok(Reply::Ok);
    }
    let Some(s) = e.get_stream(key)? else {
        return Err(no_group());
    };
    let last_id = s.last_id;
    if setid {
        if argc != 5 && argc != 7 {
            return Err(xgroup_syntax(sub));
        }
        let id = if third == b"$" {
            last_id
        } else {
            parse_id(third, 0, false, false)?.0
        };
        let g = s.groups.get_mut(group).ok_or_else(no_group)?;
        g.last_id = id;
        g.entries_read = er;
        return Ok(Reply::Ok);
    }
    if eq_ic(sub, "destroy") {
        return Ok(Reply::Int(i64::from(s.groups.remove(group).is_some())));
    }
    let g = s.groups.get_mut(group).ok_or_else(no_group)?;
    if eq_ic(sub, "createconsumer") {
        if g.consumers.contains_key(third) {
            return Ok(Reply::Int(0));
        }
        g.consumers.insert(third.to_vec(), new_consumer(now));
        return Ok(Reply::Int(1));
    }
    // DELCONSUMER
    let Some(c) = g.consumers.remove(third) else {
        return Ok(Reply::Int(0));
    };
    for id in &c.pending {
        g.pel.remove(id);
    }
    Ok(Reply::Int(c.pending.len() as i64))
}

/// `XACK key group id [id ...]`
pub(crate) fn xack(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let group = a.next_bytes()?;
    let has = match e.get_stream(key)? {
        None => false,
        Some(s) => s.groups.contains_key(group),
    };
    if !has {
        return Ok(Reply::Int(0));
    }
    let ids = a
        .take_rest()
        .iter()
        .map(|b| strict_id(b))
        .collect::<EngineResult<Vec<_>>>()?;
    let Some(g) = e.get_stream(key)?.and_then(|s| s.groups.get_mut(group)) else {
        return Ok(Reply::Int(0));
    };
    let mut n = 0;
    for id in ids {
        if let Some(nack) = g.pel.remove(&id) {
            if let Some(c) = nack.consumer.and_then(|c| g.consumers.get_mut(&c)) {
                c.pending.remove(&id);
            }
            n += 1;
        }
    }
    Ok(Reply::Int(n))
}

fn no_key_or_group(key: &[u8], group: &[u8]) -> EngineError {
    EngineError::reply(format!(
        "NOGROUP No such key '{}' or consumer group '{}'",
        String::from_utf8_lossy(key),
        String::from_utf8_lossy(group)
    ))
}

fn entry_reply(
    entries: &std::collections::BTreeMap<StreamId, Fields>,
    id: StreamId,
    justid: bool,
) -> Reply {
    if justid {
        return Reply::Bulk(id_bytes(id));
    }
    let fields = entries.get(&id).map_or_else(Vec::new, |f| {
        f.iter()
            .flat_map(|(k, v)| [Reply::bulk(k.clone()), Reply::bulk(v.clone())])
            .collect()
    });
    Reply::Array(vec![Reply::Bulk(id_bytes(id)), Reply::Array(fields)])
}

/// Moves the PEL entry `id` of `g` to `consumer`.
fn transfer(g: &mut Group, id: StreamId, consumer: &[u8]) {
    let Some(nack) = g.pel.get_mut(&id) else {
        return;
    };
    if nack.consumer.as_deref() != Some(consumer) {
        if let Some(old) = nack.consumer.take() {
            if let Some(c) = g.consumers.get_mut(&old) {
                c.pending.remove(&id);
            }
        }
        nack.consumer = Some(consumer.to_vec());
        if let Some(c) = g.consumers.get_mut(consumer) {
            c.pending.insert(id);
        }
    }
}

/// Drops the PEL entry `id` of `g` (its entry no longer exists).
fn drop_nack(g: &mut Group, id: StreamId) {
    if let Some(n) = g.pel.remove(&id) {
        if let Some(c) = n.consumer.and_then(|c| g.consumers.get_mut(&c)) {
            c.pending.remove(&id);
        }
    }
}

/// `XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
/// [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID]
/// [LASTID lastid]`
pub(crate) fn xclaim(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let group = a.next_bytes()?;
    let consumer = a.next_bytes()?;
    let minidle_arg = a.next_bytes()?;
    let has = match e.get_stream(key)? {
        None => false,
        Some(s) => s.groups.contains_key(group),
    };
    if !has {
        return Err(no_key_or_group(key, group));
    }
    let minidle = parse_i64(minidle_arg)
        .ok_or_else(|| EngineError::reply("ERR Invalid min-idle-time argument for XCLAIM"))?
        .max(0);
    let mut ids = Vec::new();
    while let Some(b) = a.peek() {
        match strict_id(b) {
            Ok(id) => {
                ids.push(id);
                a.next_bytes()?;
            }
            Err(_) => break,
        }
    }
    let now = e.now_ms;
    let (mut force, mut justid) = (false, false);
    let mut retry: i64 = -1;
    let mut delivery: i64 = -1;
    let mut lastid = StreamId::default();
    while let Some(o) = a.peek() {
        a.next_bytes()?;
        let more = !a.is_empty();
        let int_opt = |a: &mut Args, what: &str| -> EngineResult<i64> {
            parse_i64(a.next_bytes()?).ok_or_else(|| {
                EngineError::reply(format!("ERR Invalid {what} option argument for XCLAIM"))
            })
        };
        if eq_ic(o, "force") {
            force = true;
        } else if eq_ic(o, "justid") {
            justid = true;
        } else if eq_ic(o, "idle") && more {
            delivery = now.saturating_sub(int_opt(a, "IDLE")?);
        } else if eq_ic(o, "time") && more {
            delivery = int_opt(a, "TIME")?;
        } else if eq_ic(o, "retrycount") && more {
            retry = int_opt(a, "RETRYCOUNT")?;
        } else if eq_ic(o, "lastid") && more {
            lastid = strict_id(a.next_bytes()?)?;
        } else {
            return Err(EngineError::reply(format!(
                "ERR Unrecognized XCLAIM option '{}'",
                String::from_utf8_lossy(o)
            )));
        }
    }
    let Some(s) = e.get_stream(key)? else {
        return Err(no_key_or_group(key, group));
    };
    let s: &mut StreamObj = s;
    let Some(g) = s.groups.get_mut(group) else {
        return Err(no_key_or_group(key, group));
    };
    if lastid > g.last_id {
        g.last_id = lastid;
    }
    if delivery == -1 || delivery < 0 || delivery > now {
        delivery = now;
    }
    let c = g
        .consumers
        .entry(consumer.to_vec())
        .or_insert_with(|| new_consumer(now));
    c.seen_time = now;
    let mut out = Vec::new();
    for id in ids {
        if !s.entries.contains_key(&id) {
            drop_nack(g, id);
            continue;
        }
        if force && !g.pel.contains_key(&id) {
            g.pel.insert(
                id,
                Nack {
                    delivery_time: now,
                    delivery_count: 0,
                    consumer: None,
                },
            );
        }
        let Some(nack) = g.pel.get_mut(&id) else {
            continue;
        };
        if nack.consumer.is_some()
            && minidle != 0
            && now.saturating_sub(nack.delivery_time) < minidle
        {
            continue;
        }
        nack.delivery_time = delivery;
        if retry >= 0 {
            nack.delivery_count = retry as u64;
        } else if !justid {
            nack.delivery_count += 1;
        }
        transfer(g, id, consumer);
        if let Some(c) = g.consumers.get_mut(consumer) {
            c.active_time = now;
        }
        out.push(entry_reply(&s.entries, id, justid));
    }
    Ok(Reply::Array(out))
}

/// `XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]`
pub(crate) fn xautoclaim(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let group = a.next_bytes()?;
    let consumer = a.next_bytes()?;
    let minidle = parse_i64(a.next_bytes()?)
        .ok_or_else(|| EngineError::reply("ERR Invalid min-idle-time argument for XAUTOCLAIM"))?
        .max(0);
    let start_arg = a.next_bytes()?;
    let (mut start, exclusive) = match start_arg.strip_prefix(b"(") {
        Some(rest) => (parse_id(rest, 0, false, false)?.0, true),
        None => (parse_id(start_arg, 0, false, false)?.0, false),
    };
    if exclusive {
        start = incr_id(start)
            .ok_or_else(|| EngineError::reply("ERR invalid start ID for the interval"))?;
    }
    let mut count: u64 = 100;
    let mut justid = false;
    while let Some(o) = a.peek() {
        a.next_bytes()?;
        if eq_ic(o, "count") && !a.is_empty() {
            count = match parse_i64(a.next_bytes()?) {
                Some(c) if (1..=i64::MAX / 16).contains(&c) => c as u64,
                _ => return Err(EngineError::reply("ERR COUNT must be > 0")),
            };
        } else if eq_ic(o, "justid") {
            justid = true;
        } else {
            return Err(EngineError::Syntax);
        }
    }
    let now = e.now_ms;
    let Some(s) = e.get_stream(key)? else {
        return Err(no_key_or_group(key, group));
    };
    let s: &mut StreamObj = s;
    let Some(g) = s.groups.get_mut(group) else {
        return Err(no_key_or_group(key, group));
    };
    let c = g
        .consumers
        .entry(consumer.to_vec())
        .or_insert_with(|| new_consumer(now));
    c.seen_time = now;
    let mut attempts = count.saturating_mul(10);
    let mut claimed = Vec::new();
    let mut deleted = Vec::new();
    let mut cursor = start;
    let mut next: Option<StreamId> = None;
    while let Some(id) = g.pel.range(cursor..).next().map(|(k, _)| *k) {
        if attempts == 0 || count == 0 {
            next = Some(id);
            break;
        }
        attempts -= 1;
        cursor = match incr_id(id) {
            Some(n) => n,
            None => MAX_ID,
        };
        if !s.entries.contains_key(&id) {
            drop_nack(g, id);
            deleted.push(Reply::Bulk(id_bytes(id)));
            count -= 1;
            if id == MAX_ID {
                break;
            }
            continue;
        }
        let Some(nack) = g.pel.get_mut(&id) else {
            continue;
        };
        if minidle != 0 && now.saturating_sub(nack.delivery_time) < minidle {
            if id == MAX_ID {
                break;
            }
            continue;
        }
        nack.delivery_time = now;
        if !justid {
            nack.delivery_count += 1;
        }
        transfer(g, id, consumer);
        if let Some(c) = g.consumers.get_mut(consumer) {
            c.active_time = now;
        }
        claimed.push(entry_reply(&s.entries, id, justid));
        count -= 1;
        if id == MAX_ID {
            break;
        }
    }
    let next = next.unwrap_or_default();
    Ok(Reply::Array(vec![
        Reply::Bulk(id_bytes(next)),
        Reply::Array(claimed),
        Reply::Array(deleted),
    ]))
}

/// `XSETID key last-id [ENTRIESADDED entries-added]
/// [MAXDELETEDID max-deleted-id]`
pub(crate) fn xsetid(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let id = strict_id(a.next_bytes()?)?;
    let mut added: i64 = -1;
    let mut maxdel = StreamId::default();
    while let Some(o) = a.peek() {
        a.next_bytes()?;
        if eq_ic(o, "entriesadded") && !a.is_empty() {
            added = a.next_i64()?;
            if added < 0 {
                return Err(EngineError::reply("ERR entries_added must be positive"));
            }
        } else if eq_ic(o, "maxdeletedid") && !a.is_empty() {
            maxdel = strict_id(a.next_bytes()?)?;
            if id < maxdel {
                return Err(EngineError::reply(
                    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                ));
            }
        } else {
            return Err(EngineError::Syntax);
        }
    }
    let Some(s) = e.get_stream(key)? else {
        return Err(EngineError::reply("ERR no such key"));
    };
    if id < s.max_deleted {
        return Err(EngineError::reply(
            "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id",
        ));
    }
    if let Some((top, _)) = s.entries.last_key_value() {
        if id < *top {
            return Err(EngineError::reply(
                "ERR The ID specified in XSETID is smaller than the target stream top item",
            ));
        }
        if added != -1 && (s.entries.len() as u64) > added as u64 {
            return Err(EngineError::reply(
                "ERR The entries_added specified in XSETID is smaller than the target stream length",
            ));
        }
    }
    s.last_id = id;
    if added != -1 {
        s.entries_added = added as u64;
    }
    if maxdel != StreamId::default() {
        s.max_deleted = maxdel;
    }
    Ok(Reply::Ok)
}

/// `XREADGROUP`: Redis never writes it to an AOF (it propagates `XCLAIM`
/// and `XGROUP SETID` instead).
pub(crate) fn xreadgroup(_e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    Err(EngineError::unsupported(
        a.name(),
        "Redis propagates XREADGROUP as XCLAIM / XGROUP SETID; the command itself is not replayed",
    ))
}
