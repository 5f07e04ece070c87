//! A logical comparison of two datasets, whatever their files look like: an
//! RDB against the AOF a server rewrote, a multi-part directory against a
//! hybrid file, two RDB versions.
//!
//! What counts is what a server holds after loading each input: per
//! database, which keys exist, their types, their values compared as the
//! type means them (a list in order, a set or hash as an unordered
//! collection, a sorted set as member → score), their absolute TTLs, and the
//! function libraries. Encodings, key order, LRU/LFU hints and AUX fields
//! are not compared: they change when a server rewrites the same data.
//!
//! Each [`Difference`] says briefly *what* differs (a length, the first
//! differing element, a field) rather than printing both values: `dump`
//! shows values, `diff` tells where to look.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use foldhash::{HashMap, HashMapExt, HashSet};
use serde::Serialize;

use crate::bytes_json::{self, quoted};
use crate::model::{Dataset, Entry, HashField, Stream, StreamGroup, Value, ValueType};
use crate::progress::Progress;
use crate::replay::{load_dataset_with, ReplayError, SourceFormat};

/// How to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DiffOptions {
    /// TTLs (of keys and of hash fields) this many milliseconds apart or
    /// less are equal: a server rewriting relative TTLs (`EXPIRE` in an
    /// old AOF) shifts them by the time it took.
    pub ttl_tolerance_ms: u64,
}

/// Which side of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The first input.
    A,
    /// The second input.
    B,
}

/// One difference between the two datasets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Difference {
    /// A key exists on one side only.
    Missing {
        /// The side that has the key.
        only_in: Side,
        /// Database.
        db: u64,
        /// Key.
        #[serde(serialize_with = "bytes_json::serialize")]
        key: Vec<u8>,
        /// Its type.
        #[serde(rename = "type")]
        value_type: ValueType,
    },
    /// The key has a different type on each side.
    Type {
        /// Database.
        db: u64,
        /// Key.
        #[serde(serialize_with = "bytes_json::serialize")]
        key: Vec<u8>,
        /// Type in A.
        a: ValueType,
        /// Type in B.
        b: ValueType,
    },
    /// Same type, different content.
    Value {
        /// Database.
        db: u64,
        /// Key.
        #[serde(serialize_with = "bytes_json::serialize")]
        key: Vec<u8>,
        /// The type.
        #[serde(rename = "type")]
        value_type: ValueType,
        /// What differs, briefly (`list length 3 -> 4`).
        detail: String,
    },
    /// The key's absolute expiry (Unix ms) differs.
    Ttl {
        /// Database.
        db: u64,
        /// Key.
        #[serde(serialize_with = "bytes_json::serialize")]
        key: Vec<u8>,
        /// Expiry in A (`None`: persistent).
        a: Option<i64>,
        /// Expiry in B.
        b: Option<i64>,
    },
    /// A function library exists on one side only.
    FunctionMissing {
        /// The side that has it.
        only_in: Side,
        /// Library name.
        #[serde(serialize_with = "bytes_json::serialize")]
        library: Vec<u8>,
    },
    /// A function library's code differs.
    FunctionCode {
        /// Library name.
        #[serde(serialize_with = "bytes_json::serialize")]
        library: Vec<u8>,
    },
}

impl Difference {
    /// The database the difference is in (`None` for functions).
    pub fn db(&self) -> Option<u64> {
        match self {
            Difference::Missing { db, .. }
            | Difference::Type { db, .. }
            | Difference::Value { db, .. }
            | Difference::Ttl { db, .. } => Some(*db),
            Difference::FunctionMissing { .. } | Difference::FunctionCode { .. } => None,
        }
    }

    /// The key, for a key difference.
    pub fn key(&self) -> Option<&[u8]> {
        match self {
            Difference::Missing { key, .. }
            | Difference::Type { key, .. }
            | Difference::Value { key, .. }
            | Difference::Ttl { key, .. } => Some(key),
            Difference::FunctionMissing { .. } | Difference::FunctionCode { .. } => None,
        }
    }
}

fn ttl_text(t: Option<i64>) -> String {
    t.map_or_else(|| "none".to_string(), |ms| ms.to_string())
}

/// One line: `-` only in A, `+` only in B, `~` changed; keys quoted as
/// `redis-cli` quotes them.
impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Missing {
                only_in,
                db,
                key,
                value_type,
            } => {
                let sign = if *only_in == Side::A { '-' } else { '+' };
                write!(f, "{sign} db{db} {} ({value_type})", quoted(key))
            }
            Difference::Type { db, key, a, b } => {
                write!(f, "~ db{db} {} type: {a} -> {b}", quoted(key))
            }
            Difference::Value {
                db, key, detail, ..
            } => write!(f, "~ db{db} {} value: {detail}", quoted(key)),
            Difference::Ttl { db, key, a, b } => write!(
                f,
                "~ db{db} {} ttl: {} -> {}",
                quoted(key),
                ttl_text(*a),
                ttl_text(*b)
            ),
            Difference::FunctionMissing { only_in, library } => {
                let sign = if *only_in == Side::A { '-' } else { '+' };
                write!(f, "{sign} function library {}", quoted(library))
            }
            Difference::FunctionCode { library } => {
                write!(f, "~ function library {} code differs", quoted(library))
            }
        }
    }
}

/// Counts per kind of difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DiffSummary {
    /// Keys in A.
    pub keys_a: u64,
    /// Keys in B.
    pub keys_b: u64,
    /// Keys only in A.
    pub only_in_a: u64,
    /// Keys only in B.
    pub only_in_b: u64,
    /// Keys whose type differs.
    pub type_changed: u64,
    /// Keys whose value differs.
    pub value_changed: u64,
    /// Keys whose TTL differs.
    pub ttl_changed: u64,
    /// Function libraries added, removed or changed.
    pub functions_changed: u64,
}

impl DiffSummary {
    /// True when nothing differs.
    pub fn equal(&self) -> bool {
        self.only_in_a
            + self.only_in_b
            + self.type_changed
            + self.value_changed
            + self.ttl_changed
            + self.functions_changed
            == 0
    }
}

impl fmt::Display for DiffSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} keys in A, {} keys in B: ", self.keys_a, self.keys_b)?;
        if self.equal() {
            return f.write_str("equal");
        }
        write!(
            f,
            "{} only in A, {} only in B, {} type, {} value, {} ttl, {} function differences",
            self.only_in_a,
            self.only_in_b,
            self.type_changed,
            self.value_changed,
            self.ttl_changed,
            self.functions_changed
        )
    }
}

/// The result of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    /// What A was.
    pub format_a: SourceFormat,
    /// What B was.
    pub format_b: SourceFormat,
    /// True when nothing differs.
    pub equal: bool,
    /// The counts.
    pub summary: DiffSummary,
    /// Every difference: function libraries first, then keys by database
    /// and key bytes.
    pub differences: Vec<Difference>,
}

/// Why a comparison could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// An input could not be loaded.
    #[error("cannot read input {side:?}")]
    Load {
        /// Which input.
        side: Side,
        /// Why.
        #[source]
        source: ReplayError,
    },
}

/// Loads both inputs (any format `load_dataset` reads) and compares them.
pub fn diff_paths(
    a: &Path,
    b: &Path,
    opts: DiffOptions,
    progress: &dyn Progress,
) -> Result<DiffReport, DiffError> {
    let la = load_dataset_with(a, progress).map_err(|source| DiffError::Load {
        side: Side::A,
        source,
    })?;
    let lb = load_dataset_with(b, progress).map_err(|source| DiffError::Load {
        side: Side::B,
        source,
    })?;
    let (summary, differences) = diff_datasets(&la.dataset, &lb.dataset, opts);
    Ok(DiffReport {
        format_a: la.format,
        format_b: lb.format,
        equal: summary.equal(),
        summary,
        differences,
    })
}

/// Compares two datasets: the counts, and every difference (function
/// libraries first, then keys sorted by database and key bytes).
pub fn diff_datasets(
    a: &Dataset,
    b: &Dataset,
    opts: DiffOptions,
) -> (DiffSummary, Vec<Difference>) {
    let mut out = diff_functions(&a.functions, &b.functions);
    let mut summary = DiffSummary {
        keys_a: a.len() as u64,
        keys_b: b.len() as u64,
        functions_changed: out.len() as u64,
        ..DiffSummary::default()
    };
    let dbs: BTreeSet<u64> = a.dbs.keys().chain(b.dbs.keys()).copied().collect();
    let empty = Vec::new();
    for db in dbs {
        let ea = a.dbs.get(&db).map_or(&empty, |d| &d.entries);
        let eb = b.dbs.get(&db).map_or(&empty, |d| &d.entries);
        let mut keyed = diff_db(db, ea, eb, opts, &mut summary);
        keyed.sort_by(|x, y| x.key().cmp(&y.key()));
        out.extend(keyed);
    }
    (summary, out)
}

fn diff_db(
    db: u64,
    a: &[Entry],
    b: &[Entry],
    opts: DiffOptions,
    summary: &mut DiffSummary,
) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut in_b: HashMap<&[u8], &Entry> = HashMap::with_capacity(b.len());
    for e in b {
        in_b.insert(&e.key, e);
    }
    for ea in a {
        let Some(eb) = in_b.remove(ea.key.as_slice()) else {
            summary.only_in_a += 1;
            out.push(Difference::Missing {
                only_in: Side::A,
                db,
                key: ea.key.clone(),
                value_type: ea.value.value_type(),
            });
            continue;
        };
        let (ta, tb) = (ea.value.value_type(), eb.value.value_type());
        if ta != tb {
            summary.type_changed += 1;
            out.push(Difference::Type {
                db,
                key: ea.key.clone(),
                a: ta,
                b: tb,
            });
        } else if let Some(detail) = value_difference(&ea.value, &eb.value, opts) {
            summary.value_changed += 1;
            out.push(Difference::Value {
                db,
                key: ea.key.clone(),
                value_type: ta,
                detail,
            });
        }
        if !ttl_equal(ea.expire_ms, eb.expire_ms, opts) {
            summary.ttl_changed += 1;
            out.push(Difference::Ttl {
                db,
                key: ea.key.clone(),
                a: ea.expire_ms,
                b: eb.expire_ms,
            });
        }
    }
    for eb in b {
        if in_b.contains_key(eb.key.as_slice()) {
            summary.only_in_b += 1;
            out.push(Difference::Missing {
                only_in: Side::B,
                db,
                key: eb.key.clone(),
                value_type: eb.value.value_type(),
            });
        }
    }
    out
}

fn ttl_equal(a: Option<i64>, b: Option<i64>, opts: DiffOptions) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x.abs_diff(y) <= opts.ttl_tolerance_ms,
        _ => false,
    }
}

/// The library name of a function's code (`#!lua name=mylib`), or the
/// whole first line when it has none.
fn library_name(code: &[u8]) -> &[u8] {
    let line = code.split(|&c| c == b'\n').next().unwrap_or(code);
    line.split(|c| c.is_ascii_whitespace())
        .find_map(|p| (p.len() > 5 && p[..5].eq_ignore_ascii_case(b"name=")).then(|| &p[5..]))
        .unwrap_or(line)
}

fn diff_functions(a: &[Vec<u8>], b: &[Vec<u8>]) -> Vec<Difference> {
    let by_name = |v: &[Vec<u8>]| -> BTreeMap<Vec<u8>, Vec<u8>> {
        v.iter()
            .map(|c| (library_name(c).to_vec(), c.clone()))
            .collect()
    };
    let (ma, mb) = (by_name(a), by_name(b));
    let mut out = Vec::new();
    for (name, code) in &ma {
        match mb.get(name) {
            None => out.push(Difference::FunctionMissing {
                only_in: Side::A,
                library: name.clone(),
            }),
            Some(other) if other != code => out.push(Difference::FunctionCode {
                library: name.clone(),
            }),
            Some(_) => {}
        }
    }
    for name in mb.keys().filter(|n| !ma.contains_key(*n)) {
        out.push(Difference::FunctionMissing {
            only_in: Side::B,
            library: name.clone(),
        });
    }
    out
}

/// Says briefly how two values of the same type differ, or `None` when
/// they are equal as the type means them.
pub fn value_difference(a: &Value, b: &Value, opts: DiffOptions) -> Option<String> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => string_difference(x, y),
        (Value::List(x), Value::List(y)) => sequence_difference("list", x, y),
        (Value::Set(x), Value::Set(y)) => set_difference(x, y),
        (Value::SortedSet(x), Value::SortedSet(y)) => zset_difference(x, y),
        (Value::Hash(x), Value::Hash(y)) => hash_difference(x, y, opts),
        (Value::Stream(x), Value::Stream(y)) => stream_difference(x, y),
        (Value::Module(x), Value::Module(y)) => {
            if x.module_id != y.module_id {
                Some(format!("module type {} -> {}", x.name, y.name))
            } else if x.raw != y.raw {
                Some(format!(
                    "module {} serialized data differs ({} -> {} bytes)",
                    x.name,
                    x.raw.len(),
                    y.raw.len()
                ))
            } else {
                None
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.elements.len() != y.elements.len() {
                return Some(format!(
                    "array length {} -> {}",
                    x.elements.len(),
                    y.elements.len()
                ));
            }
            if let Some(((i, va), (j, vb))) =
                x.elements.iter().zip(&y.elements).find(|(p, q)| p != q)
            {
                return Some(if i == j {
                    format!("array index {i}: {} -> {}", quoted(va), quoted(vb))
                } else {
                    format!("array indexes differ: {i} -> {j}")
                });
            }
            (x.insert_idx != y.insert_idx).then(|| {
                format!(
                    "array insert cursor {} -> {}",
                    opt_text(x.insert_idx),
                    opt_text(y.insert_idx)
                )
            })
        }
        _ => Some(format!("type {} -> {}", a.value_type(), b.value_type())),
    }
}

fn opt_text(v: Option<u64>) -> String {
    v.map_or_else(|| "none".into(), |n| n.to_string())
}

/// A short, escaped preview of a value (at most 32 bytes).
fn preview(b: &[u8]) -> String {
    const MAX: usize = 32;
    if b.len() <= MAX {
        quoted(b)
    } else {
        format!("{}...", quoted(&b[..MAX]))
    }
}

fn string_difference(a: &[u8], b: &[u8]) -> Option<String> {
    if a == b {
        return None;
    }
    let first = a.iter().zip(b).position(|(x, y)| x != y);
    Some(match (first, a.len() == b.len()) {
        (Some(at), true) => format!("string of {} bytes, first difference at byte {at}", a.len()),
        (Some(at), false) => format!(
            "string length {} -> {}, first difference at byte {at}",
            a.len(),
            b.len()
        ),
        // One is a prefix of the other.
        (None, _) => format!(
            "string length {} -> {} (one is a prefix of the other)",
            a.len(),
            b.len()
        ),
    })
}

fn sequence_difference(what: &str, a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<String> {
    if a == b {
        return None;
    }
    let first = a.iter().zip(b).position(|(x, y)| x != y);
    let mut s = if a.len() == b.len() {
        format!("{what} of {} elements", a.len())
    } else {
        format!("{what} length {} -> {}", a.len(), b.len())
    };
    match first {
        Some(i) => s.push_str(&format!(
            ", first difference at index {i}: {} -> {}",
            preview(&a[i]),
            preview(&b[i])
        )),
        None => s.push_str(" (one is a prefix of the other)"),
    }
    Some(s)
}

/// "2 only in A (first "x"), 1 only in B (first "y")" over sorted names.
fn only_counts(noun: &str, mut only_a: Vec<&[u8]>, mut only_b: Vec<&[u8]>) -> Vec<String> {
    only_a.sort_unstable();
    only_b.sort_unstable();
    let mut parts = Vec::new();
    for (side, v) in [("A", &only_a), ("B", &only_b)] {
        if let Some(first) = v.first() {
            parts.push(format!(
                "{} {noun}{} only in {side} (first {})",
                v.len(),
                if v.len() == 1 { "" } else { "s" },
                preview(first)
            ));
        }
    }
    parts
}

fn set_difference(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<String> {
    let sa: HashSet<&[u8]> = a.iter().map(Vec::as_slice).collect();
    let sb: HashSet<&[u8]> = b.iter().map(Vec::as_slice).collect();
    let only_a: Vec<&[u8]> = sa.iter().filter(|m| !sb.contains(*m)).copied().collect();
    let only_b: Vec<&[u8]> = sb.iter().filter(|m| !sa.contains(*m)).copied().collect();
    let parts = only_counts("member", only_a, only_b);
    (!parts.is_empty()).then(|| format!("set: {}", parts.join(", ")))
}

fn zset_difference(a: &[(Vec<u8>, f64)], b: &[(Vec<u8>, f64)]) -> Option<String> {
    let ma: HashMap<&[u8], f64> = a.iter().map(|(m, s)| (m.as_slice(), *s)).collect();
    let mb: HashMap<&[u8], f64> = b.iter().map(|(m, s)| (m.as_slice(), *s)).collect();
    let only_a: Vec<&[u8]> = ma
        .keys()
        .filter(|m| !mb.contains_key(*m))
        .copied()
        .collect();
    let only_b: Vec<&[u8]> = mb
        .keys()
        .filter(|m| !ma.contains_key(*m))
        .copied()
        .collect();
    let mut changed: Vec<(&[u8], f64, f64)> = ma
        .iter()
        .filter_map(|(m, sa)| {
            let sb = *mb.get(m)?;
            // `==` also makes 0 and -0 equal, as ZSCORE compares them.
            let same = *sa == sb || (sa.is_nan() && sb.is_nan());
            (!same).then_some((*m, *sa, sb))
        })
        .collect();
    changed.sort_unstable_by(|x, y| x.0.cmp(y.0));
    let mut parts = only_counts("member", only_a, only_b);
    if let Some((m, sa, sb)) = changed.first() {
        parts.push(format!(
            "{} score{} differ{} (first {}: {sa} -> {sb})",
            changed.len(),
            if changed.len() == 1 { "" } else { "s" },
            if changed.len() == 1 { "s" } else { "" },
            preview(m)
        ));
    }
    (!parts.is_empty()).then(|| format!("zset: {}", parts.join(", ")))
}

fn hash_difference(a: &[HashField], b: &[HashField], opts: DiffOptions) -> Option<String> {
    let ma: HashMap<&[u8], &HashField> = a.iter().map(|f| (f.field.as_slice(), f)).collect();
    let mb: HashMap<&[u8], &HashField> = b.iter().map(|f| (f.field.as_slice(), f)).collect();
    let only_a: Vec<&[u8]> = ma
        .keys()
        .filter(|m| !mb.contains_key(*m))
        .copied()
        .collect();
    let only_b: Vec<&[u8]> = mb
        .keys()
        .filter(|m| !ma.contains_key(*m))
        .copied()
        .collect();
    let mut values: Vec<&[u8]> = Vec::new();
    let mut ttls: Vec<(&[u8], Option<i64>, Option<i64>)> = Vec::new();
    for (name, fa) in &ma {
        let Some(fb) = mb.get(name) else { continue };
        if fa.value != fb.value {
            values.push(name);
        }
        if !ttl_equal(fa.expire_ms, fb.expire_ms, opts) {
            ttls.push((name, fa.expire_ms, fb.expire_ms));
        }
    }
    values.sort_unstable();
    ttls.sort_unstable_by(|x, y| x.0.cmp(y.0));
    let mut parts = only_counts("field", only_a, only_b);
    if let Some(first) = values.first() {
        let (fa, fb) = (ma[first], mb[first]);
        parts.push(format!(
            "{} value{} differ{} (first field {}: {} -> {})",
            values.len(),
            if values.len() == 1 { "" } else { "s" },
            if values.len() == 1 { "s" } else { "" },
            preview(first),
            preview(&fa.value),
            preview(&fb.value)
        ));
    }
    if let Some((name, ta, tb)) = ttls.first() {
        parts.push(format!(
            "{} field TTL{} differ{} (first field {}: {} -> {})",
            ttls.len(),
            if ttls.len() == 1 { "" } else { "s" },
            if ttls.len() == 1 { "s" } else { "" },
            preview(name),
            ttl_text(*ta),
            ttl_text(*tb)
        ));
    }
    (!parts.is_empty()).then(|| format!("hash: {}", parts.join(", ")))
}

/// How two consumer groups of the same name differ. Delivery, seen and
/// active times are left out: a server loading an AOF stamps its consumers
/// with the load time, so they differ between an RDB and the AOF of the
/// same data.
fn group_difference(g: &StreamGroup, h: &StreamGroup) -> Option<String> {
    if g.last_id != h.last_id {
        return Some(format!("last delivered id {} -> {}", g.last_id, h.last_id));
    }
    if g.entries_read != h.entries_read {
        let text = |v: Option<u64>| v.map_or_else(|| "unknown".into(), |n| n.to_string());
        return Some(format!(
            "entries read {} -> {}",
            text(g.entries_read),
            text(h.entries_read)
        ));
    }
    if g.pending.len() != h.pending.len() {
        return Some(format!(
            "pending entries {} -> {}",
            g.pending.len(),
            h.pending.len()
        ));
    }
    if let Some((p, q)) = g
        .pending
        .iter()
        .zip(&h.pending)
        .find(|(p, q)| p.id != q.id || p.delivery_count != q.delivery_count)
    {
        return Some(if p.id == q.id {
            format!(
                "pending entry {} delivery count {} -> {}",
                p.id, p.delivery_count, q.delivery_count
            )
        } else {
            format!("pending entry {} -> {}", p.id, q.id)
        });
    }
    let consumers = |g: &StreamGroup| -> BTreeMap<Vec<u8>, Vec<crate::model::StreamId>> {
        g.consumers
            .iter()
            .map(|c| (c.name.clone(), c.pending.clone()))
            .collect()
    };
    let (ca, cb) = (consumers(g), consumers(h));
    if ca != cb {
        let only_a: Vec<&[u8]> = ca
            .keys()
            .filter(|n| !cb.contains_key(*n))
            .map(Vec::as_slice)
            .collect();
        let only_b: Vec<&[u8]> = cb
            .keys()
            .filter(|n| !ca.contains_key(*n))
            .map(Vec::as_slice)
            .collect();
        let mut parts = only_counts("consumer", only_a, only_b);
        if let Some((name, _)) = ca.iter().find(|(n, p)| cb.get(*n).is_some_and(|q| q != *p)) {
            parts.push(format!("consumer {} owns other entries", preview(name)));
        }
        return Some(parts.join(", "));
    }
    (g.nacked != h.nacked)
        .then(|| format!("NACKed entries {} -> {}", g.nacked.len(), h.nacked.len()))
}

fn stream_difference(a: &Stream, b: &Stream) -> Option<String> {
    if a.length != b.length || a.entries.len() != b.entries.len() {
        return Some(format!("stream length {} -> {}", a.length, b.length));
    }
    if let Some((ea, eb)) = a.entries.iter().zip(&b.entries).find(|(x, y)| x != y) {
        return Some(if ea.id == eb.id {
            format!("stream entry {} fields differ", ea.id)
        } else {
            format!("stream entry ids differ: {} -> {}", ea.id, eb.id)
        });
    }
    let meta = [
        ("last id", a.last_id, b.last_id),
        ("first id", a.first_id, b.first_id),
        ("max deleted id", a.max_deleted_id, b.max_deleted_id),
    ];
    if let Some((what, x, y)) = meta.iter().find(|(_, x, y)| x != y) {
        return Some(format!("stream {what} {x} -> {y}"));
    }
    if a.entries_added != b.entries_added {
        return Some(format!(
            "stream entries added {} -> {}",
            a.entries_added, b.entries_added
        ));
    }
    let names =
        |s: &Stream| -> BTreeSet<Vec<u8>> { s.groups.iter().map(|g| g.name.clone()).collect() };
    let (ga, gb) = (names(a), names(b));
    if ga != gb {
        let only_a: Vec<&[u8]> = ga.difference(&gb).map(Vec::as_slice).collect();
        let only_b: Vec<&[u8]> = gb.difference(&ga).map(Vec::as_slice).collect();
        return Some(format!(
            "stream groups: {}",
            only_counts("group", only_a, only_b).join(", ")
        ));
    }
    for g in &a.groups {
        let Some(h) = b.groups.iter().find(|h| h.name == g.name) else {
            continue;
        };
        if let Some(what) = group_difference(g, h) {
            return Some(format!("stream group {}: {what}", preview(&g.name)));
        }
    }
    (a.idmp != b.idmp).then(|| "stream idempotent-producer state differs".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Db, Entry};

    fn ds(entries: Vec<(u64, Entry)>) -> Dataset {
        let mut d = Dataset::default();
        for (db, e) in entries {
            d.dbs.entry(db).or_insert_with(Db::default).entries.push(e);
        }
        d
    }

    fn s(v: &str) -> Value {
        Value::String(v.as_bytes().to_vec())
    }

    #[test]
    fn sets_and_hashes_compare_unordered() {
        let a = Value::Set(vec![b"x".to_vec(), b"y".to_vec()]);
        let b = Value::Set(vec![b"y".to_vec(), b"x".to_vec()]);
        assert_eq!(value_difference(&a, &b, DiffOptions::default()), None);
        let b = Value::Set(vec![b"y".to_vec(), b"z".to_vec()]);
        assert_eq!(
            value_difference(&a, &b, DiffOptions::default()).as_deref(),
            Some("set: 1 member only in A (first \"x\"), 1 member only in B (first \"z\")")
        );
    }

    #[test]
    fn ttl_tolerance() {
        let mut ea = Entry::new("k", s("v"));
        ea.expire_ms = Some(1000);
        let mut eb = ea.clone();
        eb.expire_ms = Some(1005);
        let (a, b) = (ds(vec![(0, ea)]), ds(vec![(0, eb)]));
        let (sum, d) = diff_datasets(&a, &b, DiffOptions::default());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].to_string(), "~ db0 \"k\" ttl: 1000 -> 1005");
        assert_eq!(sum.ttl_changed, 1);
        let (sum, d) = diff_datasets(
            &a,
            &b,
            DiffOptions {
                ttl_tolerance_ms: 5,
            },
        );
        assert!(d.is_empty() && sum.equal());
    }

    #[test]
    fn function_libraries_by_name() {
        let mut a = Dataset::default();
        let mut b = Dataset::default();
        a.functions = vec![
            b"#!lua name=one\nreturn 1".to_vec(),
            b"#!lua name=two\nx".to_vec(),
        ];
        b.functions = vec![
            b"#!lua name=two\ny".to_vec(),
            b"#!lua name=three\n".to_vec(),
        ];
        let (_, d) = diff_datasets(&a, &b, DiffOptions::default());
        let lines: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "- function library \"one\"",
                "~ function library \"two\" code differs",
                "+ function library \"three\""
            ]
        );
    }
}
