//! A [`Dataset`] as the commands an AOF rewrite writes: what
//! `BGREWRITEAOF` with `aof-use-rdb-preamble no` puts in a RESP BASE
//! (`aof.c: rewriteAppendOnlyFileRio` and its `rewrite*Object` helpers;
//! spec `aof-format.md` §9, `rdb-dialects.md` §6.1).
//!
//! ```text
//! [#TS:<secs>]                                  aof-timestamp-enabled only
//! FUNCTION LOAD <code>                          per library, before any SELECT (7.0+)
//! SELECT <db>                                   per database that has keys
//!   SET k v
//!   RPUSH k e1 .. e64 | SADD k m1 .. m64        batches of AOF_REWRITE_ITEMS_PER_CMD
//!   ZADD k s1 m1 .. s64 m64                     %.17g scores before 7.2, fpconv_dtoa after
//!   HMSET k f1 v1 .. f64 v64                    or, with field TTLs (7.4+), per field:
//!                                               HMSET k f v [HPEXPIREAT k ms FIELDS 1 f]
//!   XADD k <id> f v ..  per entry               (empty stream: XADD k MAXLEN 0 0-1 x y)
//!   XSETID k <last> ENTRIESADDED n MAXDELETEDID <id>          (7.0+; before: XSETID k <last>)
//!   XCFGSET / XIDMPRECORD                       idempotent producers (8.6+)
//!   XGROUP CREATE k g <id> ENTRIESREAD n        per group (no ENTRIESREAD before 7.0)
//!     XCLAIM k g c 0 <id> TIME ms RETRYCOUNT n JUSTID FORCE    per owned PEL entry
//!     XGROUP CREATECONSUMER k g c               per consumer without PEL entries (6.2+)
//!     XNACK k g FAIL IDS n <id>.. RETRYCOUNT c FORCE           NACK zone (8.8)
//!   ARMSET k i1 v1 .. i32 v32 [ARSEEK k <cursor+1>]            arrays (8.8)
//!   PEXPIREAT k <ms>                            any key with a TTL
//! ```
//!
//! Keys come in dataset order (Redis walks its hash table, so its order is
//! arbitrary); consumer groups, consumers and PEL entries come sorted as
//! Redis's radix trees hold them. What a target version cannot express
//! (module values, whose `aof_rewrite` callback cannot be emulated; hash
//! field TTLs before 7.4; functions before 7.0; arrays, NACK zones and
//! idempotency state before 8.8 / 8.6) is refused up front with
//! [`RewriteError::Inexpressible`], listing every key concerned.
//!
//! Collections without elements (which Redis never holds) produce no
//! command at all, not even their `PEXPIREAT`.

use std::borrow::Cow;
use std::collections::{btree_map, VecDeque};
use std::fmt;
use std::io::{self, Write};

use super::writer::write_command;
use crate::digest::score::{format_g17, fpconv_dtoa};
use crate::model::{
    ArrayValue, Dataset, Db, Entry, HashField, Stream, StreamGroup, StreamId, Value,
};

/// Elements per variadic command (`server.h: AOF_REWRITE_ITEMS_PER_CMD`).
pub const AOF_REWRITE_ITEMS_PER_CMD: usize = 64;

/// Index/value pairs per `ARMSET` (Redis 8.8 `rewriteArrayObject`).
pub const ARRAY_REWRITE_PAIRS_PER_CMD: usize = 32;

/// Stream `IDMP-DURATION` a server starts with; `XCFGSET` is only written
/// when a stream's setting differs.
const DEFAULT_IDMP_DURATION: u64 = 100;
/// Stream `IDMP-MAXSIZE` a server starts with.
const DEFAULT_IDMP_MAX_ENTRIES: u64 = 100;

/// A Redis release line (`major.minor`), the target of a rewrite. Valkey
/// 7.2–8.x writes what Redis 7.2 writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RedisVersion {
    /// Major version.
    pub major: u16,
    /// Minor version.
    pub minor: u16,
}

impl RedisVersion {
    /// Redis 5.0: streams appear (`XSETID k id`, `XGROUP CREATE` without
    /// `ENTRIESREAD`).
    pub const V5_0: RedisVersion = RedisVersion::new(5, 0);
    /// Redis 6.2: consumers without pending entries get
    /// `XGROUP CREATECONSUMER`.
    pub const V6_2: RedisVersion = RedisVersion::new(6, 2);
    /// Redis 7.0: functions, `XSETID ... ENTRIESADDED ... MAXDELETEDID`,
    /// `XGROUP CREATE ... ENTRIESREAD`; scores with `%.17g`.
    pub const V7_0: RedisVersion = RedisVersion::new(7, 0);
    /// Redis 7.2 (and Valkey 7.2–8.x): scores with `fpconv_dtoa`.
    pub const V7_2: RedisVersion = RedisVersion::new(7, 2);
    /// Redis 7.4: hash field TTLs (`HPEXPIREAT`).
    pub const V7_4: RedisVersion = RedisVersion::new(7, 4);
    /// Redis 8.6: stream idempotency (`XCFGSET`, `XIDMPRECORD`; 8.6.2+).
    pub const V8_6: RedisVersion = RedisVersion::new(8, 6);
    /// Redis 8.8: `XNACK` zones and arrays (`ARMSET`, `ARSEEK`).
    pub const V8_8: RedisVersion = RedisVersion::new(8, 8);

    /// Builds a version.
    pub const fn new(major: u16, minor: u16) -> Self {
        RedisVersion { major, minor }
    }

    /// Parses `"7.0"`, `"7.0.15"` or `"7"` (the patch level is ignored).
    pub fn parse(s: &str) -> Option<RedisVersion> {
        let mut parts = s.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = match parts.next() {
            Some(m) => m.parse().ok()?,
            None => 0,
        };
        Some(RedisVersion::new(major, minor))
    }
}

impl Default for RedisVersion {
    fn default() -> Self {
        RedisVersion::V7_4
    }
}

impl fmt::Display for RedisVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// How sorted-set scores are printed (`rio.c: rioWriteBulkDouble`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScoreFormat {
    /// `snprintf("%.17g")`: Redis ≤ 7.0 (`0.1` → `0.10000000000000001`).
    G17,
    /// `fpconv_dtoa` (Grisu2): Redis 7.2+ and Valkey (`0.1` → `0.1`,
    /// `1e8` → `1e+8`).
    Fpconv,
}

impl ScoreFormat {
    /// The format a server of `version` uses.
    pub fn for_version(version: RedisVersion) -> ScoreFormat {
        if version >= RedisVersion::V7_2 {
            ScoreFormat::Fpconv
        } else {
            ScoreFormat::G17
        }
    }

    /// The score's text.
    pub fn format(self, score: f64) -> String {
        match self {
            ScoreFormat::G17 => format_g17(score),
            ScoreFormat::Fpconv => fpconv_dtoa(score),
        }
    }
}

/// How to rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewriteOptions {
    /// The server the commands are for: decides which forms are written
    /// and what can be expressed at all.
    pub version: RedisVersion,
    /// Score text; [`RewriteOptions::for_version`] picks the version's own.
    pub score_format: ScoreFormat,
    /// `aof-timestamp-enabled`: the Unix time in seconds to write as the
    /// `#TS:` first line. Taken as a parameter so output is reproducible.
    pub timestamp: Option<i64>,
}

impl RewriteOptions {
    /// What a server of `version` writes, without a timestamp line.
    pub fn for_version(version: RedisVersion) -> Self {
        RewriteOptions {
            version,
            score_format: ScoreFormat::for_version(version),
            timestamp: None,
        }
    }
}

impl Default for RewriteOptions {
    fn default() -> Self {
        RewriteOptions::for_version(RedisVersion::default())
    }
}

/// What a rewrite cannot express.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unsupported {
    /// A module value: only the module's `aof_rewrite` callback knows its
    /// commands.
    ModuleValue {
        /// The module type name.
        name: String,
    },
    /// Function libraries (7.0+).
    Functions,
    /// Hash fields with a TTL (7.4+).
    HashFieldTtl,
    /// A sparse array (8.8+).
    Array,
    /// Stream idempotency records or non-default settings (8.6+).
    StreamIdmp,
    /// A consumer group's NACK zone (8.8+).
    StreamNack,
    /// A NaN score, which `ZADD` refuses.
    NanScore,
    /// A stream entry without fields, which `XADD` refuses.
    EmptyStreamEntry(StreamId),
    /// A consumer owns an id missing from its group's PEL.
    UnknownPendingEntry(StreamId),
}

impl Unsupported {
    /// The first version that can express it, if any can.
    pub fn since(&self) -> Option<RedisVersion> {
        match self {
            Unsupported::Functions => Some(RedisVersion::V7_0),
            Unsupported::HashFieldTtl => Some(RedisVersion::V7_4),
            Unsupported::StreamIdmp => Some(RedisVersion::V8_6),
            Unsupported::Array | Unsupported::StreamNack => Some(RedisVersion::V8_8),
            _ => None,
        }
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsupported::ModuleValue { name } => {
                write!(
                    f,
                    "module value of type {name} (its aof_rewrite callback cannot be emulated)"
                )
            }
            Unsupported::Functions => f.write_str("function libraries"),
            Unsupported::HashFieldTtl => f.write_str("hash field TTLs"),
            Unsupported::Array => f.write_str("array value"),
            Unsupported::StreamIdmp => f.write_str("stream idempotency state"),
            Unsupported::StreamNack => f.write_str("stream NACK zone"),
            Unsupported::NanScore => f.write_str("NaN score"),
            Unsupported::EmptyStreamEntry(id) => write!(f, "stream entry {id} without fields"),
            Unsupported::UnknownPendingEntry(id) => {
                write!(f, "consumer owns {id}, which is not in its group's PEL")
            }
        }
    }
}

/// One thing a rewrite cannot express, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewriteIssue {
    /// The database, for a key.
    pub db: Option<u64>,
    /// The key, if the issue is about one.
    pub key: Option<Vec<u8>>,
    /// What cannot be expressed.
    pub problem: Unsupported,
}

impl fmt::Display for RewriteIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(db), Some(key)) = (self.db, &self.key) {
            write!(f, "db {db} key {:?}: ", String::from_utf8_lossy(key))?;
        }
        write!(f, "{}", self.problem)?;
        if let Some(v) = self.problem.since() {
            write!(f, " (needs Redis {v}+)")?;
        }
        Ok(())
    }
}

/// Why a rewrite failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RewriteError {
    /// The target version cannot express part of the dataset.
    #[error("cannot rewrite for Redis {version}: {}", list_issues(.issues))]
    Inexpressible {
        /// The target version.
        version: RedisVersion,
        /// Everything that cannot be expressed.
        issues: Vec<RewriteIssue>,
    },
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

fn list_issues(issues: &[RewriteIssue]) -> String {
    const SHOWN: usize = 5;
    let mut s: Vec<String> = issues.iter().take(SHOWN).map(|i| i.to_string()).collect();
    if issues.len() > SHOWN {
        s.push(format!("and {} more", issues.len() - SHOWN));
    }
    s.join("; ")
}

/// Counts of what [`write_rewrite`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RewriteSummary {
    /// RESP records.
    pub commands: u64,
    /// `#` annotation lines.
    pub annotations: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// Everything in `ds` that `opts.version` cannot express (empty when the
/// rewrite will succeed).
pub fn rewrite_issues(ds: &Dataset, opts: &RewriteOptions) -> Vec<RewriteIssue> {
    let mut out = Vec::new();
    if !ds.functions.is_empty() && opts.version < RedisVersion::V7_0 {
        out.push(RewriteIssue {
            db: None,
            key: None,
            problem: Unsupported::Functions,
        });
    }
    for (&db, d) in &ds.dbs {
        for e in &d.entries {
            entry_issues(e, opts.version, |problem| {
                out.push(RewriteIssue {
                    db: Some(db),
                    key: Some(e.key.clone()),
                    problem,
                })
            });
        }
    }
    out
}

fn entry_issues(e: &Entry, v: RedisVersion, mut report: impl FnMut(Unsupported)) {
    match &e.value {
        Value::Module(m) => report(Unsupported::ModuleValue {
            name: m.name.clone(),
        }),
        Value::Hash(fields) => {
            if v < RedisVersion::V7_4 && fields.iter().any(|f| f.expire_ms.is_some()) {
                report(Unsupported::HashFieldTtl);
            }
        }
        Value::SortedSet(pairs) => {
            if pairs.iter().any(|(_, s)| s.is_nan()) {
                report(Unsupported::NanScore);
            }
        }
        Value::Array(a) => {
            if v < RedisVersion::V8_8 && !a.elements.is_empty() {
                report(Unsupported::Array);
            }
        }
        Value::Stream(s) => stream_issues(s, v, report),
        Value::String(_) | Value::List(_) | Value::Set(_) => {}
    }
}

fn stream_issues(s: &Stream, v: RedisVersion, mut report: impl FnMut(Unsupported)) {
    for en in s.entries.iter().filter(|en| en.fields.is_empty()) {
        report(Unsupported::EmptyStreamEntry(en.id));
    }
    if let Some(idmp) = &s.idmp {
        let non_default = idmp.duration != DEFAULT_IDMP_DURATION
            || idmp.max_entries != DEFAULT_IDMP_MAX_ENTRIES
            || idmp.producers.iter().any(|p| !p.entries.is_empty());
        if v < RedisVersion::V8_6 && non_default {
            report(Unsupported::StreamIdmp);
        }
    }
    for g in &s.groups {
        if v < RedisVersion::V8_8 && !g.nacked.is_empty() {
            report(Unsupported::StreamNack);
        }
        for c in &g.consumers {
            for id in &c.pending {
                if pel_entry(g, *id).is_none() {
                    report(Unsupported::UnknownPendingEntry(*id));
                }
            }
        }
    }
}

fn pel_entry(g: &StreamGroup, id: StreamId) -> Option<&crate::model::StreamPendingEntry> {
    match g.pending.binary_search_by(|p| p.id.cmp(&id)) {
        Ok(i) => g.pending.get(i),
        // Not sorted as it should be: fall back to a scan.
        Err(_) => g.pending.iter().find(|p| p.id == id),
    }
}

fn inexpressible(issues: Vec<RewriteIssue>, opts: &RewriteOptions) -> Result<(), RewriteError> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(RewriteError::Inexpressible {
            version: opts.version,
            issues,
        })
    }
}

/// The commands that rebuild one key, in the order the rewrite writes them
/// (value, then `PEXPIREAT`). Empty for a collection without elements.
pub fn key_commands(e: &Entry, opts: &RewriteOptions) -> Result<Vec<Vec<Vec<u8>>>, RewriteError> {
    let mut issues = Vec::new();
    entry_issues(e, opts.version, |problem| {
        issues.push(RewriteIssue {
            db: None,
            key: Some(e.key.clone()),
            problem,
        })
    });
    inexpressible(issues, opts)?;
    let mut out = Vec::new();
    emit_key(e, opts, &mut |args| out.push(owned(args)));
    Ok(out)
}

/// The whole rewrite as an iterator of argument vectors, after checking
/// that the target version can express all of it. The `#TS:` line of
/// [`RewriteOptions::timestamp`] is not a command and is not yielded (see
/// [`write_rewrite`]).
pub fn rewrite_commands<'a>(
    ds: &'a Dataset,
    opts: &RewriteOptions,
) -> Result<RewriteCommands<'a>, RewriteError> {
    inexpressible(rewrite_issues(ds, opts), opts)?;
    Ok(RewriteCommands {
        opts: *opts,
        functions: ds.functions.iter(),
        dbs: ds.dbs.iter(),
        entries: [].iter(),
        pending: VecDeque::new(),
    })
}

/// Iterator over the commands of a rewrite (see [`rewrite_commands`]).
/// Commands are built one key at a time.
#[derive(Debug)]
pub struct RewriteCommands<'a> {
    opts: RewriteOptions,
    functions: std::slice::Iter<'a, Vec<u8>>,
    dbs: btree_map::Iter<'a, u64, Db>,
    entries: std::slice::Iter<'a, Entry>,
    pending: VecDeque<Vec<Vec<u8>>>,
}

impl Iterator for RewriteCommands<'_> {
    type Item = Vec<Vec<u8>>;

    fn next(&mut self) -> Option<Vec<Vec<u8>>> {
        if let Some(c) = self.pending.pop_front() {
            return Some(c);
        }
        if let Some(code) = self.functions.next() {
            return Some(vec![b"FUNCTION".to_vec(), b"LOAD".to_vec(), code.clone()]);
        }
        loop {
            if let Some(e) = self.entries.next() {
                let pending = &mut self.pending;
                emit_key(e, &self.opts, &mut |args| pending.push_back(owned(args)));
                if let Some(c) = self.pending.pop_front() {
                    return Some(c);
                }
                continue;
            }
            let (db, d) = self.dbs.next()?;
            if d.entries.iter().all(is_vacuous) {
                continue;
            }
            self.entries = d.entries.iter();
            return Some(vec![b"SELECT".to_vec(), db.to_string().into_bytes()]);
        }
    }
}

/// Writes the rewrite as RESP: the `#TS:` line when asked for, then every
/// command. Checks first that the target version can express everything,
/// so nothing is written when it cannot. Each argument is a separate
/// `write`: give it a buffered writer.
pub fn write_rewrite<W: Write>(
    ds: &Dataset,
    opts: &RewriteOptions,
    out: &mut W,
) -> Result<RewriteSummary, RewriteError> {
    inexpressible(rewrite_issues(ds, opts), opts)?;
    let mut w = Counting { inner: out, n: 0 };
    let mut sum = RewriteSummary::default();
    if let Some(ts) = opts.timestamp {
        write!(w, "#TS:{ts}\r\n")?;
        sum.annotations += 1;
    }
    let mut result = Ok(());
    let mut emit = |args: &[Cow<'_, [u8]>]| {
        if result.is_ok() {
            result = write_command(&mut w, args);
            sum.commands += 1;
        }
    };
    for code in &ds.functions {
        emit(&[
            Cow::Borrowed(b"FUNCTION".as_slice()),
            Cow::Borrowed(b"LOAD".as_slice()),
            Cow::Borrowed(code.as_slice()),
        ]);
    }
    for (db, d) in &ds.dbs {
        if d.entries.iter().all(is_vacuous) {
            continue;
        }
        emit(&[
            Cow::Borrowed(b"SELECT".as_slice()),
            Cow::Owned(db.to_string().into_bytes()),
        ]);
        for e in &d.entries {
            emit_key(e, opts, &mut emit);
        }
    }
    result?;
    sum.bytes = w.n;
    Ok(sum)
}

/// [`write_rewrite`] into a fresh buffer.
pub fn encode_rewrite(ds: &Dataset, opts: &RewriteOptions) -> Result<Vec<u8>, RewriteError> {
    let mut out = Vec::new();
    write_rewrite(ds, opts, &mut out)?;
    Ok(out)
}

struct Counting<'a, W> {
    inner: &'a mut W,
    n: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// One argument, borrowed from the dataset or formatted.
type Arg<'a> = Cow<'a, [u8]>;

/// Where commands go.
type Emit<'e, 'a> = dyn FnMut(&[Arg<'a>]) + 'e;

fn owned(args: &[Cow<'_, [u8]>]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.to_vec()).collect()
}

/// True for a value that produces no command (a collection Redis would
/// have deleted when its last element went).
fn is_vacuous(e: &Entry) -> bool {
    match &e.value {
        Value::String(_) | Value::Stream(_) | Value::Module(_) => false,
        Value::List(v) | Value::Set(v) => v.is_empty(),
        Value::SortedSet(v) => v.is_empty(),
        Value::Hash(v) => v.is_empty(),
        Value::Array(a) => a.elements.is_empty(),
    }
}

fn b<'x>(s: &'static [u8]) -> Cow<'x, [u8]> {
    Cow::Borrowed(s)
}

fn num<'x, T: ToString>(n: T) -> Cow<'x, [u8]> {
    Cow::Owned(n.to_string().into_bytes())
}

fn sid<'x>(id: StreamId) -> Cow<'x, [u8]> {
    num(id)
}

/// Emits the commands of one key; the entry must have passed
/// [`entry_issues`] (whatever it reported is skipped here).
fn emit_key<'a>(e: &'a Entry, opts: &RewriteOptions, emit: &mut Emit<'_, 'a>) {
    if is_vacuous(e) {
        return;
    }
    let key: Cow<'a, [u8]> = Cow::Borrowed(&e.key);
    match &e.value {
        Value::String(s) => emit(&[b(b"SET"), key.clone(), Cow::Borrowed(s)]),
        Value::List(items) => emit_batched(b"RPUSH", &e.key, items, emit),
        Value::Set(items) => emit_batched(b"SADD", &e.key, items, emit),
        Value::SortedSet(pairs) => {
            for chunk in pairs.chunks(AOF_REWRITE_ITEMS_PER_CMD) {
                let mut args = Vec::with_capacity(2 + 2 * chunk.len());
                args.push(b(b"ZADD"));
                args.push(key.clone());
                for (m, s) in chunk {
                    args.push(Cow::Owned(opts.score_format.format(*s).into_bytes()));
                    args.push(Cow::Borrowed(m.as_slice()));
                }
                emit(&args);
            }
        }
        Value::Hash(fields) => emit_hash(&e.key, fields, emit),
        Value::Stream(s) => emit_stream(&e.key, s, opts.version, emit),
        Value::Array(a) => emit_array(&e.key, a, emit),
        // Refused by `entry_issues`.
        Value::Module(_) => return,
    }
    if let Some(ms) = e.expire_ms {
        emit(&[b(b"PEXPIREAT"), key, num(ms)]);
    }
}

fn emit_batched<'a>(
    cmd: &'static [u8],
    key: &'a [u8],
    items: &'a [Vec<u8>],
    emit: &mut Emit<'_, 'a>,
) {
    for chunk in items.chunks(AOF_REWRITE_ITEMS_PER_CMD) {
        let mut args = Vec::with_capacity(2 + chunk.len());
        args.push(b(cmd));
        args.push(Cow::Borrowed(key));
        args.extend(chunk.iter().map(|i| Cow::Borrowed(i.as_slice())));
        emit(&args);
    }
}

fn emit_hash<'a>(key: &'a [u8], fields: &'a [HashField], emit: &mut Emit<'_, 'a>) {
    if fields.iter().all(|f| f.expire_ms.is_none()) {
        for chunk in fields.chunks(AOF_REWRITE_ITEMS_PER_CMD) {
            let mut args = Vec::with_capacity(2 + 2 * chunk.len());
            args.push(b(b"HMSET"));
            args.push(Cow::Borrowed(key));
            for f in chunk {
                args.push(Cow::Borrowed(f.field.as_slice()));
                args.push(Cow::Borrowed(f.value.as_slice()));
            }
            emit(&args);
        }
        return;
    }
    // Redis 7.4 `rewriteHashObject` with field expiry: one HMSET per field,
    // each followed by its HPEXPIREAT when it has a TTL.
    for f in fields {
        let field = Cow::Borrowed(f.field.as_slice());
        emit(&[
            b(b"HMSET"),
            Cow::Borrowed(key),
            field.clone(),
            Cow::Borrowed(f.value.as_slice()),
        ]);
        if let Some(ms) = f.expire_ms {
            emit(&[
                b(b"HPEXPIREAT"),
                Cow::Borrowed(key),
                num(ms),
                b(b"FIELDS"),
                b(b"1"),
                field,
            ]);
        }
    }
}

fn emit_stream<'a>(key: &'a [u8], s: &'a Stream, v: RedisVersion, emit: &mut Emit<'_, 'a>) {
    if s.entries.is_empty() {
        // The MAXLEN 0 trick creates the key without keeping an entry.
        emit(&[
            b(b"XADD"),
            Cow::Borrowed(key),
            b(b"MAXLEN"),
            b(b"0"),
            b(b"0-1"),
            b(b"x"),
            b(b"y"),
        ]);
    }
    for en in &s.entries {
        let mut args = Vec::with_capacity(3 + 2 * en.fields.len());
        args.push(b(b"XADD"));
        args.push(Cow::Borrowed(key));
        args.push(sid(en.id));
        for (f, val) in &en.fields {
            args.push(Cow::Borrowed(f.as_slice()));
            args.push(Cow::Borrowed(val.as_slice()));
        }
        emit(&args);
    }
    if v >= RedisVersion::V7_0 {
        emit(&[
            b(b"XSETID"),
            Cow::Borrowed(key),
            sid(s.last_id),
            b(b"ENTRIESADDED"),
            num(s.entries_added),
            b(b"MAXDELETEDID"),
            sid(s.max_deleted_id),
        ]);
    } else {
        emit(&[b(b"XSETID"), Cow::Borrowed(key), sid(s.last_id)]);
    }
    if v >= RedisVersion::V8_6 {
        emit_idmp(key, s, emit);
    }
    let mut groups: Vec<&StreamGroup> = s.groups.iter().collect();
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    for g in groups {
        let group = Cow::Borrowed(g.name.as_slice());
        if v >= RedisVersion::V7_0 {
            let read = match g.entries_read {
                Some(n) => num(n),
                // SCG_INVALID_ENTRIES_READ
                None => b(b"-1"),
            };
            emit(&[
                b(b"XGROUP"),
                b(b"CREATE"),
                Cow::Borrowed(key),
                group.clone(),
                sid(g.last_id),
                b(b"ENTRIESREAD"),
                read,
            ]);
        } else {
            emit(&[
                b(b"XGROUP"),
                b(b"CREATE"),
                Cow::Borrowed(key),
                group.clone(),
                sid(g.last_id),
            ]);
        }
        let mut consumers: Vec<_> = g.consumers.iter().collect();
        consumers.sort_by(|a, b| a.name.cmp(&b.name));
        for c in consumers {
            let consumer = Cow::Borrowed(c.name.as_slice());
            if c.pending.is_empty() {
                if v >= RedisVersion::V6_2 {
                    emit(&[
                        b(b"XGROUP"),
                        b(b"CREATECONSUMER"),
                        Cow::Borrowed(key),
                        group.clone(),
                        consumer,
                    ]);
                }
                continue;
            }
            let mut ids = c.pending.clone();
            ids.sort();
            for id in ids {
                let Some(p) = pel_entry(g, id) else { continue };
                emit(&[
                    b(b"XCLAIM"),
                    Cow::Borrowed(key),
                    group.clone(),
                    consumer.clone(),
                    b(b"0"),
                    sid(id),
                    b(b"TIME"),
                    num(p.delivery_time),
                    b(b"RETRYCOUNT"),
                    num(p.delivery_count),
                    b(b"JUSTID"),
                    b(b"FORCE"),
                ]);
            }
        }
        if v >= RedisVersion::V8_8 {
            emit_nacks(key, &g.name, g, emit);
        }
    }
}

/// Redis 8.6.2 (`rdb-dialects.md` §6.1): `XCFGSET` when the settings are
/// not the defaults, then one `XIDMPRECORD` per record whose entry is
/// still in the stream.
fn emit_idmp<'a>(key: &'a [u8], s: &'a Stream, emit: &mut Emit<'_, 'a>) {
    let Some(idmp) = &s.idmp else { return };
    if idmp.duration != DEFAULT_IDMP_DURATION || idmp.max_entries != DEFAULT_IDMP_MAX_ENTRIES {
        emit(&[
            b(b"XCFGSET"),
            Cow::Borrowed(key),
            b(b"IDMP-DURATION"),
            num(idmp.duration),
            b(b"IDMP-MAXSIZE"),
            num(idmp.max_entries),
        ]);
    }
    for p in &idmp.producers {
        for r in &p.entries {
            if s.entries.binary_search_by(|en| en.id.cmp(&r.id)).is_ok() {
                emit(&[
                    b(b"XIDMPRECORD"),
                    Cow::Borrowed(key),
                    Cow::Borrowed(p.pid.as_slice()),
                    Cow::Borrowed(r.iid.as_slice()),
                    sid(r.id),
                ]);
            }
        }
    }
}

/// Redis 8.8 (`rdb-dialects.md` §6.1): the NACK zone as `XNACK ... FAIL`,
/// consecutive ids sharing one delivery count batched by up to
/// [`AOF_REWRITE_ITEMS_PER_CMD`].
fn emit_nacks<'a>(key: &'a [u8], group: &'a [u8], g: &'a StreamGroup, emit: &mut Emit<'_, 'a>) {
    let mut batch: Vec<StreamId> = Vec::new();
    let mut count = 0u64;
    let mut flush = |batch: &mut Vec<StreamId>, count: u64| {
        if batch.is_empty() {
            return;
        }
        let mut args = vec![
            b(b"XNACK"),
            Cow::Borrowed(key),
            Cow::Borrowed(group),
            b(b"FAIL"),
            b(b"IDS"),
            num(batch.len()),
        ];
        args.extend(batch.drain(..).map(sid));
        args.extend([b(b"RETRYCOUNT"), num(count), b(b"FORCE")]);
        emit(&args);
    };
    for &id in &g.nacked {
        let c = pel_entry(g, id).map_or(0, |p| p.delivery_count);
        if c != count || batch.len() == AOF_REWRITE_ITEMS_PER_CMD {
            flush(&mut batch, count);
            count = c;
        }
        batch.push(id);
    }
    flush(&mut batch, count);
}

fn emit_array<'a>(key: &'a [u8], a: &'a ArrayValue, emit: &mut Emit<'_, 'a>) {
    for chunk in a.elements.chunks(ARRAY_REWRITE_PAIRS_PER_CMD) {
        let mut args = Vec::with_capacity(2 + 2 * chunk.len());
        args.push(b(b"ARMSET"));
        args.push(Cow::Borrowed(key));
        for (i, val) in chunk {
            args.push(num(*i));
            args.push(Cow::Borrowed(val.as_slice()));
        }
        emit(&args);
    }
    if let Some(next) = a.insert_idx.and_then(|i| i.checked_add(1)) {
        emit(&[b(b"ARSEEK"), Cow::Borrowed(key), num(next)]);
    }
}

#[cfg(test)]
pub(crate) mod tests;
