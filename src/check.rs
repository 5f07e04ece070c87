//! `check` for RDB files: walks every record, verifies the checksum, and
//! collects findings without stopping at the first problem wherever the
//! framing allows going on (a corrupt value inside an intact record, a bad
//! checksum, an expired key). Damage that breaks the framing ends the walk
//! and says so. The same walk gathers the statistics `info` shows.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Serialize;

use crate::model::ValueType;
use crate::rdb::encoding::Depth;
use crate::rdb::error::show_bytes;
use crate::rdb::object::inspect_value;
use crate::rdb::{Checksum, RdbError, RdbErrorKind, RdbReader, Record};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, nothing wrong.
    Note,
    /// A server would load the file, but something is off.
    Warning,
    /// The file is damaged or a server would refuse it.
    Error,
}

impl Severity {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem or observation, with where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// How serious.
    pub severity: Severity,
    /// Byte offset in the file.
    pub offset: u64,
    /// A stable identifier tests and scripts can match on.
    pub code: &'static str,
    /// What was expected and what was found.
    pub message: String,
    /// The key concerned, escaped, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Options of a check.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    /// How deep to validate values.
    pub depth: Depth,
    /// "Now" for already-expired keys, Unix ms.
    pub now_ms: i64,
    /// Findings kept in the report; more are only counted.
    pub max_findings: usize,
}

/// At [`Depth::Header`], values larger than this are verified piece by piece
/// instead of being held, so that `check` runs in flat memory.
pub const HEADER_CHECK_MAX_HELD_VALUE: usize = 8 << 20;

impl CheckOptions {
    /// Reader options suited to this check.
    pub fn reader_options(&self, size_hint: Option<u64>) -> crate::rdb::ReaderOptions {
        crate::rdb::ReaderOptions {
            size_hint,
            max_held_value: match self.depth {
                Depth::Header => Some(HEADER_CHECK_MAX_HELD_VALUE),
                Depth::Deep => None,
            },
            large: crate::rdb::LargeValues::Walk,
        }
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            depth: Depth::Header,
            now_ms: 0,
            max_findings: 1000,
        }
    }
}

/// Key count and serialized bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Keys.
    pub keys: u64,
    /// Bytes of key names and values as stored.
    pub bytes: u64,
}

impl Tally {
    fn add(&mut self, bytes: u64) {
        self.keys += 1;
        self.bytes += bytes;
    }
}

/// Statistics of one database.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DbStats {
    /// Keys read.
    pub keys: u64,
    /// Keys with an expire.
    pub expires: u64,
    /// Keys whose expire is before "now".
    pub already_expired: u64,
    /// Hashes with at least one field TTL.
    pub subexpires: u64,
    /// Bytes of key names.
    pub key_bytes: u64,
    /// Bytes of values as stored.
    pub value_bytes: u64,
    /// The `RESIZEDB` hint (keys, expires), when present.
    pub resize_hint: Option<(u64, u64)>,
    /// Per logical type.
    pub types: BTreeMap<ValueType, Tally>,
    /// Per on-disk encoding (the names `redis-check-rdb` uses).
    pub encodings: BTreeMap<&'static str, Tally>,
}

/// An AUX field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuxField {
    /// Field name (escaped if not printable).
    pub key: String,
    /// Field value (escaped if not printable).
    pub value: String,
    /// Offset just after the record (as `redis-check-rdb` prints it).
    pub end_offset: u64,
}

/// A function library.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionLib {
    /// Engine from the shebang (`lua`).
    pub engine: String,
    /// Library name from `name=`.
    pub name: String,
    /// Offset of the record.
    pub offset: u64,
}

/// A module aux record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleAux {
    /// Module type name.
    pub module: String,
    /// 1 = before the keyspace, 2 = after.
    pub when: u64,
    /// Offset just after the record.
    pub end_offset: u64,
}

/// A `SELECTDB`, for the redis-check-rdb transcript.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DbSelect {
    /// Database.
    pub db: u64,
    /// Offset just after the record.
    pub end_offset: u64,
}

/// The checksum verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChecksumStatus {
    /// Stored and computed agree.
    Ok,
    /// They differ.
    Mismatch,
    /// Stored as zero (`rdbchecksum no`).
    Disabled,
    /// RDB version < 5 has none.
    Absent,
    /// The walk ended before the trailer.
    NotReached,
}

/// Everything a check learned about an RDB file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RdbReport {
    /// The 9-byte signature, e.g. `REDIS0011`.
    pub signature: String,
    /// `redis` or `valkey`.
    pub family: crate::rdb::Family,
    /// RDB version.
    pub version: u32,
    /// Producer guess.
    pub producer: crate::rdb::Producer,
    /// AUX fields in file order.
    pub aux: Vec<AuxField>,
    /// Databases.
    pub dbs: BTreeMap<u64, DbStats>,
    /// `SELECTDB` records in order.
    pub selects: Vec<DbSelect>,
    /// Function libraries.
    pub functions: Vec<FunctionLib>,
    /// Module aux records.
    pub module_aux: Vec<ModuleAux>,
    /// Module types used by values, with key counts.
    pub module_types: BTreeMap<String, u64>,
    /// Valkey slot import jobs.
    pub slot_imports: u64,
    /// Keys read (expired or not).
    pub keys_read: u64,
    /// Keys with an expire.
    pub expires: u64,
    /// Keys whose expire is before "now".
    pub already_expired: u64,
    /// Hashes with at least one field TTL.
    pub subexpires: u64,
    /// The checksum verdict.
    pub checksum: ChecksumStatus,
    /// Stored checksum (hex), when read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum_stored: Option<String>,
    /// Computed checksum (hex), when compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum_computed: Option<String>,
    /// True when the walk reached the EOF opcode (and trailer).
    pub complete: bool,
    /// Offset where the walk ended (file size for a complete file without
    /// trailing data).
    pub end_offset: u64,
    /// Bytes after the trailer.
    pub trailing_bytes: u64,
    /// Findings, in file order (at most `max_findings`).
    pub findings: Vec<Finding>,
    /// Findings beyond `max_findings`, counted only.
    pub findings_suppressed: u64,
    /// Largest read buffer used, bytes.
    pub peak_buffer: u64,
}

impl RdbReport {
    /// Number of error findings.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
            + self.findings_suppressed as usize
    }

    /// The first error, if any.
    pub fn first_error(&self) -> Option<&Finding> {
        self.findings.iter().find(|f| f.severity == Severity::Error)
    }

    /// The value of an AUX field.
    pub fn aux_value(&self, key: &str) -> Option<&str> {
        self.aux
            .iter()
            .find(|a| a.key == key)
            .map(|a| a.value.as_str())
    }
}

/// Escapes bytes for reports: printable ASCII as is, the rest `\xNN`.
pub fn printable(b: &[u8]) -> String {
    if b.iter().all(|c| (0x20..0x7f).contains(c)) {
        String::from_utf8_lossy(b).into_owned()
    } else {
        let s = show_bytes(b);
        s[1..s.len() - 1].to_string()
    }
}

struct Collector {
    report: RdbReport,
    max: usize,
}

impl Collector {
    fn push(&mut self, f: Finding) {
        if self.report.findings.len() < self.max {
            self.report.findings.push(f);
        } else {
            self.report.findings_suppressed += 1;
        }
    }
}

fn finding_for(e: &RdbError) -> Finding {
    let code = match e.kind {
        RdbErrorKind::Truncated { .. } => "truncated",
        RdbErrorKind::BadMagic { .. } | RdbErrorKind::CompressedEnvelope => "bad-signature",
        RdbErrorKind::BadVersion(_) => "bad-version",
        RdbErrorKind::UnknownType { .. } => "unknown-type",
        RdbErrorKind::Unsupported { .. } => "unsupported",
        RdbErrorKind::Io(_) => "io-error",
        _ => "corrupt-record",
    };
    let mut message = e.kind.to_string();
    if code != "bad-signature" && code != "io-error" {
        message.push_str("; the records after this point cannot be located");
    }
    Finding {
        severity: Severity::Error,
        offset: e.offset,
        code,
        message,
        key: None,
    }
}

/// Type bytes are below this; per-kind tallies are kept in an array
/// indexed by type byte, which is much cheaper per key than a map.
const KIND_SLOTS: usize = 32;

/// Per-database counters while walking; turned into [`DbStats`] at the end.
#[derive(Default)]
struct DbAccum {
    keys: u64,
    expires: u64,
    already_expired: u64,
    subexpires: u64,
    key_bytes: u64,
    value_bytes: u64,
    resize_hint: Option<(u64, u64)>,
    kinds: [(Option<crate::rdb::ObjectKind>, Tally); KIND_SLOTS],
}

#[derive(Default)]
struct Accum {
    dbs: Vec<(u64, DbAccum)>,
    last: usize,
}

impl Accum {
    /// The accumulator of `db`; keys come in runs of one db, so the last
    /// one used is checked first.
    fn db(&mut self, db: u64) -> &mut DbAccum {
        if self.dbs.get(self.last).is_none_or(|(d, _)| *d != db) {
            self.last = match self.dbs.iter().position(|(d, _)| *d == db) {
                Some(i) => i,
                None => {
                    self.dbs.push((db, DbAccum::default()));
                    self.dbs.len() - 1
                }
            };
        }
        &mut self.dbs[self.last].1
    }

    fn finish(self) -> BTreeMap<u64, DbStats> {
        let mut out = BTreeMap::new();
        for (db, a) in self.dbs {
            let mut s = DbStats {
                keys: a.keys,
                expires: a.expires,
                already_expired: a.already_expired,
                subexpires: a.subexpires,
                key_bytes: a.key_bytes,
                value_bytes: a.value_bytes,
                resize_hint: a.resize_hint,
                ..DbStats::default()
            };
            for (kind, tally) in a.kinds {
                let Some(kind) = kind else { continue };
                let t = s.types.entry(kind.value_type()).or_default();
                t.keys += tally.keys;
                t.bytes += tally.bytes;
                let e = s.encodings.entry(kind.name()).or_default();
                e.keys += tally.keys;
                e.bytes += tally.bytes;
            }
            out.insert(db, s);
        }
        out
    }
}

/// Parses a function library's shebang line (`#!lua name=mylib`).
fn function_meta(code: &[u8]) -> (String, String) {
    let line = code.split(|&c| c == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut engine = String::new();
    let mut name = String::new();
    if let Some(rest) = line.strip_prefix("#!") {
        let mut parts = rest.split_whitespace();
        engine = parts.next().unwrap_or_default().to_string();
        for p in parts {
            if let Some(n) = p.strip_prefix("name=") {
                name = n.to_string();
            }
        }
    }
    (engine, name)
}

/// Checks an RDB file from a reader whose signature was already read.
pub fn check_rdb<R: Read>(mut reader: RdbReader<R>, opts: CheckOptions) -> RdbReport {
    let h = reader.header().clone();
    let mut c = Collector {
        report: RdbReport {
            signature: h.signature(),
            family: h.family,
            version: h.version,
            producer: reader.dialect().producer,
            aux: Vec::new(),
            dbs: BTreeMap::new(),
            selects: Vec::new(),
            functions: Vec::new(),
            module_aux: Vec::new(),
            module_types: BTreeMap::new(),
            slot_imports: 0,
            keys_read: 0,
            expires: 0,
            already_expired: 0,
            subexpires: 0,
            checksum: ChecksumStatus::NotReached,
            checksum_stored: None,
            checksum_computed: None,
            complete: false,
            end_offset: 0,
            trailing_bytes: 0,
            findings: Vec::new(),
            findings_suppressed: 0,
            peak_buffer: 0,
        },
        max: opts.max_findings,
    };
    if let Some(note) = h.version_note() {
        // A version newer than any known is read best-effort and only
        // warned about (spec rdb-dialects §4.4, valkey-check-rdb's "looks
        // OK, but loading requires rdb-version-check relaxed"); a version
        // outside its family's range (REDIS >= 80, VALKEY < 80) is an error.
        let future = match h.family {
            crate::rdb::Family::Redis => {
                h.version > crate::rdb::consts::RDB_VERSION_REDIS_MAX && h.version < 80
            }
            crate::rdb::Family::Valkey => h.version > 81,
        };
        c.push(Finding {
            severity: if future {
                Severity::Warning
            } else {
                Severity::Error
            },
            offset: 9,
            code: if future {
                "future-version"
            } else {
                "unsupported-version"
            },
            message: note,
            key: None,
        });
    }
    let mut accum = Accum::default();
    loop {
        let located = match reader.next_record() {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err(e) => {
                c.push(finding_for(&e));
                break;
            }
        };
        let end = located.offset + located.len;
        match located.record {
            Record::Aux { key, value } => {
                let k = key.to_bytes().unwrap_or_default();
                let v = value.to_bytes().unwrap_or_default();
                c.report.aux.push(AuxField {
                    key: printable(&k),
                    value: printable(&v),
                    end_offset: end,
                });
            }
            Record::SelectDb { db } => {
                c.report.selects.push(DbSelect {
                    db,
                    end_offset: end,
                });
                accum.db(db);
            }
            Record::ResizeDb {
                db_size,
                expires_size,
            } => {
                let db = c.report.selects.last().map_or(0, |s| s.db);
                accum.db(db).resize_hint = Some((db_size, expires_size));
            }
            Record::Function { code } => {
                match code.to_bytes() {
                    Ok(code) => {
                        let (engine, name) = function_meta(&code);
                        if name.is_empty() {
                            c.push(Finding {
                            severity: Severity::Error,
                            offset: located.offset,
                            code: "bad-function",
                            message: "function library without a '#!<engine> name=<library>' first line".into(),
                            key: None,
                        });
                        }
                        c.report.functions.push(FunctionLib {
                            engine,
                            name,
                            offset: located.offset,
                        });
                    }
                    Err(kind) => c.push(Finding {
                        severity: Severity::Error,
                        offset: located.offset,
                        code: "corrupt-value",
                        message: format!("function library: {kind}"),
                        key: None,
                    }),
                }
            }
            Record::ModuleAux {
                module_id, when, ..
            } => c.report.module_aux.push(ModuleAux {
                module: crate::rdb::module::module_name(module_id),
                when,
                end_offset: end,
            }),
            Record::SlotImport { .. } => c.report.slot_imports += 1,
            Record::SlotInfo { .. } | Record::Vendor { .. } => {}
            Record::Key(k) => {
                let key_text = || printable(&k.key.to_bytes().unwrap_or_default());
                let value_len = k.value_len;
                let expired = k.expire.is_some_and(|e| e.ms < opts.now_ms);
                let db = accum.db(k.db);
                db.keys += 1;
                db.key_bytes += k.key.len();
                db.value_bytes += value_len;
                let slot = &mut db.kinds[usize::from(k.type_byte) % KIND_SLOTS];
                slot.0 = Some(k.kind);
                slot.1.add(k.key.len() + value_len);
                if k.expire.is_some() {
                    db.expires += 1;
                    c.report.expires += 1;
                }
                if expired {
                    db.already_expired += 1;
                    c.report.already_expired += 1;
                }
                c.report.keys_read += 1;
                if k.kind.since_version() > h.version && h.family == crate::rdb::Family::Redis {
                    c.push(Finding {
                        severity: Severity::Warning,
                        offset: located.offset,
                        code: "type-newer-than-version",
                        message: format!(
                            "value type {} ({}) first appeared in RDB {}, but the file says RDB {}",
                            k.type_byte,
                            k.kind.name(),
                            k.kind.since_version(),
                            h.version
                        ),
                        key: Some(key_text()),
                    });
                }
                if let crate::rdb::ObjectKind::Module2 = k.kind {
                    if let Ok((_, id)) = crate::rdb::primitives::len(k.body) {
                        *c.report
                            .module_types
                            .entry(crate::rdb::module::module_name(id))
                            .or_default() += 1;
                    }
                }
                if k.key.is_empty() {
                    c.push(Finding {
                        severity: Severity::Warning,
                        offset: located.offset,
                        code: "empty-key-name",
                        message: "key with an empty name".into(),
                        key: Some(String::new()),
                    });
                }
                if !k.value_held() {
                    // Walked piece by piece to keep memory flat: its
                    // framing is verified, its content is not held.
                    continue;
                }
                match inspect_value(k.kind, k.body, opts.depth) {
                    Ok(s) => {
                        if s.volatile_fields > 0 {
                            accum.db(k.db).subexpires += 1;
                            c.report.subexpires += 1;
                        }
                        if s.empty {
                            c.push(Finding {
                                severity: Severity::Warning,
                                offset: located.offset,
                                code: "empty-value",
                                message: format!(
                                    "empty {} value: Redis skips such keys on load (redis-check-rdb reports 'Unexpected EOF')",
                                    k.kind.name()
                                ),
                                key: Some(key_text()),
                            });
                        }
                    }
                    Err(e) => c.push(Finding {
                        severity: Severity::Error,
                        offset: k.body_offset + e.offset as u64,
                        code: "corrupt-value",
                        message: format!("{} value: {}", k.kind.name(), e.kind),
                        key: Some(key_text()),
                    }),
                }
            }
            Record::End { checksum } => {
                c.report.complete = true;
                match checksum {
                    Checksum::Absent => c.report.checksum = ChecksumStatus::Absent,
                    Checksum::Disabled => c.report.checksum = ChecksumStatus::Disabled,
                    Checksum::Ok(v) => {
                        c.report.checksum = ChecksumStatus::Ok;
                        c.report.checksum_stored = Some(format!("{v:016x}"));
                        c.report.checksum_computed = Some(format!("{v:016x}"));
                    }
                    Checksum::Mismatch { stored, computed } => {
                        c.report.checksum = ChecksumStatus::Mismatch;
                        c.report.checksum_stored = Some(format!("{stored:016x}"));
                        c.report.checksum_computed = Some(format!("{computed:016x}"));
                        c.push(Finding {
                            severity: Severity::Error,
                            offset: located.offset + 1,
                            code: "checksum-mismatch",
                            message: format!(
                                "RDB CRC error: stored checksum {stored:016x}, computed {computed:016x}"
                            ),
                            key: None,
                        });
                    }
                }
            }
        }
    }
    c.report.dbs = accum.finish();
    c.report.producer = reader.dialect().producer;
    c.report.end_offset = reader.offset();
    c.report.peak_buffer = reader.buffer_capacity() as u64;
    if c.report.complete {
        match reader.count_trailing() {
            Ok(0) => {}
            Ok(n) => {
                c.report.trailing_bytes = n;
                c.push(Finding {
                    severity: Severity::Warning,
                    offset: c.report.end_offset,
                    code: "trailing-data",
                    message: format!(
                        "{n} bytes after the checksum (loaders ignore them; an AOF tail or a replication EOF mark?)"
                    ),
                    key: None,
                });
            }
            Err(e) => c.push(finding_for(&e)),
        }
    }
    c.report
}
