//! Can a given server load this file? (`redfile compat`.)
//!
//! A loader refuses a file for a reason it checks at a known point
//! (`rdb.c` `rdbLoadRioWithLoadingCtx`, Valkey's `rdbIsVersionAccepted`;
//! spec `rdb-dialects.md` §2.1, §3.6, §3.7):
//!
//! * the signature: Redis reads only `REDIS`; Valkey 9 also `VALKEY080`;
//! * the RDB version: above the server's own, or (Valkey) in the "foreign"
//!   range 12–79;
//! * a type byte the server does not know (set listpack before 7.2, hash
//!   field TTL layouts before 7.4, stream v4 before 8.6, arrays before
//!   8.8, Valkey's `HASH_2` anywhere but Valkey 9);
//! * function libraries before 7.0, module values and module aux data of a
//!   module the server may not have, key metadata classes, vendor opcodes;
//! * for an AOF: the multi-part layout before 7.0, and commands the server
//!   does not have (`HPEXPIREAT` before 7.4, `HSETEX` before 8.0 ...).
//!
//! The file is scanned once into [`FileFacts`] (key records are not decoded,
//! except the few layouts that may carry data an older version cannot
//! express), then [`assess`] weighs the facts against each [`Target`].

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::aof::layout::{resolve_layout, AofLayout, FileContent};
use crate::aof::resp::RespItem;
use crate::aof::scan::AofScanner;
use crate::aof::AofError;
use crate::bytes_json::{self, quoted};
use crate::model::Value;
use crate::rdb::encoding::Depth;
use crate::rdb::header::Family;
use crate::rdb::module::module_name;
use crate::rdb::object::decode_value;
use crate::rdb::{ObjectKind, RdbError, RdbReader, ReaderOptions, Record};

/// How many sample keys a blocker keeps.
pub const SAMPLES: usize = 5;

/// Which server line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Server {
    /// Redis (open source).
    Redis,
    /// Valkey.
    Valkey,
}

/// A server release line that may load the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Target {
    /// `redis-7.2`, `valkey-9.0` ...
    pub name: &'static str,
    /// Which server.
    pub server: Server,
    /// Its version (major, minor).
    pub version: (u8, u8),
    /// The newest `REDIS` RDB version it loads.
    pub max_rdb: u32,
    /// The newest `VALKEY` RDB version it loads (0: it refuses the magic).
    pub max_valkey_rdb: u32,
}

const fn redis(name: &'static str, version: (u8, u8), max_rdb: u32) -> Target {
    Target {
        name,
        server: Server::Redis,
        version,
        max_rdb,
        max_valkey_rdb: 0,
    }
}

const fn valkey(name: &'static str, version: (u8, u8), max_valkey_rdb: u32) -> Target {
    Target {
        name,
        server: Server::Valkey,
        version,
        // Valkey reads Redis files up to RDB 11 (12–79 are "foreign").
        max_rdb: 11,
        max_valkey_rdb,
    }
}

/// Every target, oldest first per server (spec `rdb-dialects.md` §1).
pub const TARGETS: &[Target] = &[
    redis("redis-6.0", (6, 0), 9),
    redis("redis-6.2", (6, 2), 9),
    redis("redis-7.0", (7, 0), 10),
    redis("redis-7.2", (7, 2), 11),
    redis("redis-7.4", (7, 4), 12),
    redis("redis-8.0", (8, 0), 12),
    redis("redis-8.2", (8, 2), 12),
    redis("redis-8.4", (8, 4), 12),
    redis("redis-8.6", (8, 6), 13),
    redis("redis-8.8", (8, 8), 14),
    valkey("valkey-7.2", (7, 2), 0),
    valkey("valkey-8.0", (8, 0), 0),
    valkey("valkey-8.1", (8, 1), 0),
    valkey("valkey-9.0", (9, 0), 80),
    valkey("valkey-9.1", (9, 1), 80),
];

/// The target named `name` (`redis-7.0`, `valkey-9.0`).
pub fn find_target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name.eq_ignore_ascii_case(name))
}

/// A first release (major, minor), or `None` for never.
type Since = Option<(u8, u8)>;

/// Commands an AOF may hold that older servers lack: name, first Redis
/// version, first Valkey version (`None`: no Valkey release has it).
/// Read-only commands are left out: they never reach an AOF.
const NEWER_COMMANDS: &[(&str, Since, Since)] = &[
    ("getdel", Some((6, 2)), Some((7, 2))),
    ("getex", Some((6, 2)), Some((7, 2))),
    ("lmove", Some((6, 2)), Some((7, 2))),
    ("blmove", Some((6, 2)), Some((7, 2))),
    ("zrangestore", Some((6, 2)), Some((7, 2))),
    ("zdiffstore", Some((6, 2)), Some((7, 2))),
    ("copy", Some((6, 2)), Some((7, 2))),
    ("xautoclaim", Some((6, 2)), Some((7, 2))),
    ("function", Some((7, 0)), Some((7, 2))),
    ("lmpop", Some((7, 0)), Some((7, 2))),
    ("blmpop", Some((7, 0)), Some((7, 2))),
    ("zmpop", Some((7, 0)), Some((7, 2))),
    ("bzmpop", Some((7, 0)), Some((7, 2))),
    ("hexpire", Some((7, 4)), Some((9, 0))),
    ("hpexpire", Some((7, 4)), Some((9, 0))),
    ("hexpireat", Some((7, 4)), Some((9, 0))),
    ("hpexpireat", Some((7, 4)), Some((9, 0))),
    ("hpersist", Some((7, 4)), Some((9, 0))),
    ("hsetex", Some((8, 0)), Some((9, 0))),
    ("hgetex", Some((8, 0)), Some((9, 0))),
    ("hgetdel", Some((8, 0)), None),
    ("xdelex", Some((8, 2)), None),
    ("xackdel", Some((8, 2)), None),
    ("msetex", Some((8, 4)), None),
    ("delex", Some((8, 4)), None),
    ("xcfgset", Some((8, 6)), None),
    ("xidmprecord", Some((8, 6)), None),
    ("xnack", Some((8, 8)), None),
    ("armset", Some((8, 8)), None),
    ("arseek", Some((8, 8)), None),
    ("arset", Some((8, 8)), None),
    ("arinsert", Some((8, 8)), None),
    ("arring", Some((8, 8)), None),
    ("ardel", Some((8, 8)), None),
    ("ardelrange", Some((8, 8)), None),
    ("delifeq", None, Some((9, 0))),
];

/// How many of something, with the first few keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// How many.
    pub count: u64,
    /// The first keys (at most [`SAMPLES`]).
    #[serde(serialize_with = "bytes_json::serialize_vec")]
    pub samples: Vec<Vec<u8>>,
}

impl Tally {
    fn add(&mut self, key: &[u8]) {
        self.count += 1;
        if self.samples.len() < SAMPLES {
            self.samples.push(key.to_vec());
        }
    }
}

/// Data some RDB versions cannot express; converting to such a version
/// loses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LossyFeature {
    /// Hash fields with a TTL (RDB 12+; Valkey 80).
    HashFieldTtl,
    /// Stream idempotent-producer state (RDB 13+).
    StreamIdmp,
    /// Stream NACK zones (RDB 14+).
    StreamNack,
    /// Arrays (RDB 14+).
    Array,
}

impl LossyFeature {
    /// First Redis RDB version that holds it.
    pub fn since_rdb(self) -> u32 {
        match self {
            LossyFeature::HashFieldTtl => 12,
            LossyFeature::StreamIdmp => 13,
            LossyFeature::StreamNack | LossyFeature::Array => 14,
        }
    }

    /// Short description.
    pub fn describe(self) -> &'static str {
        match self {
            LossyFeature::HashFieldTtl => "hash field TTLs",
            LossyFeature::StreamIdmp => "stream idempotent-producer state",
            LossyFeature::StreamNack => "stream NACK zones",
            LossyFeature::Array => "arrays",
        }
    }

    /// Whether a conversion for `target` keeps it: redfile writes `REDIS`
    /// files only, so a Valkey target gets RDB 11.
    fn fits(self, target: &Target) -> bool {
        target.server == Server::Redis && target.max_rdb >= self.since_rdb()
    }
}

/// What kind of input was scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// An RDB file.
    Rdb,
    /// A RESP AOF.
    Aof,
    /// An AOF with an RDB preamble.
    HybridAof,
    /// A multi-part AOF.
    MultiPartAof,
}

/// The signature and what the RDB part holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RdbFacts {
    /// The signature, e.g. `REDIS0012`.
    pub signature: String,
    /// `VALKEY` magic.
    pub valkey_magic: bool,
    /// The RDB version.
    pub version: u32,
    /// Keys per layout (named as [`ObjectKind::name`]).
    #[serde(skip)]
    pub kinds: BTreeMap<ObjectKind, Tally>,
    /// Function libraries.
    pub functions: u64,
    /// Module values per module type name.
    pub module_values: BTreeMap<String, Tally>,
    /// Module aux records per module type name.
    pub module_aux: BTreeMap<String, u64>,
    /// Keys with a key metadata block (Redis 8.6).
    pub key_meta: Tally,
    /// Vendor opcodes (Redis Enterprise) by opcode.
    pub vendor_opcodes: BTreeMap<u8, u64>,
    /// Data an older version cannot express.
    pub lossy: BTreeMap<LossyFeature, Tally>,
}

/// Everything [`assess`] needs to know about a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileFacts {
    /// The input.
    pub file: PathBuf,
    /// What it is.
    pub kind: InputKind,
    /// Its RDB, base or preamble.
    pub rdb: Option<RdbFacts>,
    /// AOF commands by lower-case name, with their first keys.
    #[serde(skip)]
    pub commands: BTreeMap<String, Tally>,
}

/// Why a file could not be scanned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompatError {
    /// The RDB (or base, or preamble) is damaged.
    #[error("{file}: {source}")]
    Rdb {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        source: RdbError,
    },
    /// The AOF or its layout is damaged.
    #[error("{file}: {source}")]
    Aof {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        source: AofError,
    },
    /// Reading failed.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Scans `path` (an RDB, an AOF of any layout) once.
pub fn scan_file(path: &Path) -> Result<FileFacts, CompatError> {
    let aof_err = |file: &Path| {
        let file = file.to_path_buf();
        move |source| CompatError::Aof { file, source }
    };
    let mut facts = FileFacts {
        file: path.to_path_buf(),
        kind: InputKind::Rdb,
        rdb: None,
        commands: BTreeMap::new(),
    };
    match resolve_layout(path).map_err(aof_err(path))? {
        AofLayout::Rdb { path: p, size, .. } => {
            let (rdb, end) = scan_rdb(&p)?;
            facts.rdb = Some(rdb);
            if end < size {
                facts.kind = InputKind::HybridAof;
                scan_resp(&p, end, &mut facts.commands)?;
            }
        }
        AofLayout::Resp { path: p, .. } => {
            facts.kind = InputKind::Aof;
            scan_resp(&p, 0, &mut facts.commands)?;
        }
        AofLayout::MultiPart(mp) => {
            facts.kind = InputKind::MultiPartAof;
            for part in &mp.parts {
                match part.content {
                    FileContent::Rdb(_) => {
                        let (rdb, end) = scan_rdb(&part.path)?;
                        facts.rdb = Some(rdb);
                        if end < part.size {
                            scan_resp(&part.path, end, &mut facts.commands)?;
                        }
                    }
                    FileContent::Empty => {}
                    _ => scan_resp(&part.path, 0, &mut facts.commands)?,
                }
            }
        }
    }
    Ok(facts)
}

/// Walks an RDB's records; returns the facts and where the RDB ended.
fn scan_rdb(path: &Path) -> Result<(RdbFacts, u64), CompatError> {
    let rdb_err = |source| CompatError::Rdb {
        file: path.to_path_buf(),
        source,
    };
    let f = File::open(path).map_err(|source| CompatError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    let size = f.metadata().ok().map(|m| m.len());
    let mut reader = RdbReader::with_options(
        BufReader::with_capacity(1 << 20, f),
        ReaderOptions {
            size_hint: size,
            max_held_value: Some(8 << 20),
            ..ReaderOptions::default()
        },
    )
    .map_err(rdb_err)?;
    let h = reader.header().clone();
    let mut facts = RdbFacts {
        signature: h.signature(),
        valkey_magic: h.family == Family::Valkey,
        version: h.version,
        ..RdbFacts::default()
    };
    while let Some(l) = reader.next_record().map_err(rdb_err)? {
        let offset = l.offset;
        match l.record {
            Record::Function { .. } => facts.functions += 1,
            Record::ModuleAux { module_id, .. } => {
                *facts.module_aux.entry(module_name(module_id)).or_default() += 1
            }
            Record::Vendor { opcode, .. } => *facts.vendor_opcodes.entry(opcode).or_default() += 1,
            Record::Key(k) => {
                let key = k
                    .key
                    .to_bytes()
                    .map_err(|kind| rdb_err(RdbError::new(offset, kind)))?;
                facts.kinds.entry(k.kind).or_default().add(&key);
                if k.key_meta.is_some() {
                    facts.key_meta.add(&key);
                }
                if k.ram_lru.is_some() {
                    // Redis Enterprise `RAM_LRU` (107), attached to the key.
                    *facts.vendor_opcodes.entry(107).or_default() += 1;
                }
                if !k.value_held() || !may_be_lossy(k.kind) {
                    continue;
                }
                let value = decode_value(k.kind, k.body, Depth::Header)
                    .map_err(|e| rdb_err(RdbError::new(k.body_offset + e.offset as u64, e.kind)))?;
                match &value {
                    Value::Module(m) => facts
                        .module_values
                        .entry(m.name.clone())
                        .or_default()
                        .add(&key),
                    v => {
                        for feature in lossy_features(v) {
                            facts.lossy.entry(feature).or_default().add(&key);
                        }
                    }
                }
            }
            Record::End { .. } => break,
            _ => {}
        }
    }
    Ok((facts, reader.offset()))
}

/// Layouts that may hold data an older version cannot express (or a
/// module's name): only these are decoded.
fn may_be_lossy(kind: ObjectKind) -> bool {
    use crate::rdb::kind::StreamVersion;
    matches!(
        kind,
        ObjectKind::HashMetadata
            | ObjectKind::HashListpackEx
            | ObjectKind::HashMetadataPreGa
            | ObjectKind::HashListpackExPreGa
            | ObjectKind::ValkeyHash2
            | ObjectKind::Array
            | ObjectKind::Module2
    ) || matches!(kind, ObjectKind::Stream(StreamVersion(v)) if v >= 4)
}

/// What of a value older versions cannot express. The idempotency state
/// every RDB 13 stream carries is only lost when it is not the default
/// (100 s, 100 entries, no producers, zero counters).
fn lossy_features(v: &Value) -> Vec<LossyFeature> {
    let mut out = Vec::new();
    match v {
        Value::Hash(fields) if fields.iter().any(|f| f.expire_ms.is_some()) => {
            out.push(LossyFeature::HashFieldTtl)
        }
        Value::Stream(s) => {
            if s.idmp.as_ref().is_some_and(|i| {
                i.duration != 100
                    || i.max_entries != 100
                    || !i.producers.is_empty()
                    || i.iids_added != 0
                    || i.iids_duplicates != 0
            }) {
                out.push(LossyFeature::StreamIdmp);
            }
            if s.groups.iter().any(|g| !g.nacked.is_empty()) {
                out.push(LossyFeature::StreamNack);
            }
        }
        Value::Array(_) => out.push(LossyFeature::Array),
        _ => {}
    }
    out
}

/// Counts the command names of the RESP part of `path` from `start`.
fn scan_resp(
    path: &Path,
    start: u64,
    commands: &mut BTreeMap<String, Tally>,
) -> Result<(), CompatError> {
    let io = |source| CompatError::Io {
        file: path.to_path_buf(),
        source,
    };
    let mut f = File::open(path).map_err(io)?;
    std::io::copy(&mut (&mut f).take(start), &mut std::io::sink()).map_err(io)?;
    let mut scanner = AofScanner::new(BufReader::with_capacity(1 << 20, f), start);
    while let Some(item) = scanner.next_item().map_err(|source| CompatError::Aof {
        file: path.to_path_buf(),
        source,
    })? {
        let RespItem::Command(cmd) = &item.item else {
            continue;
        };
        let Some(name) = cmd.name() else { continue };
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        let t = commands.entry(name).or_default();
        match cmd.args.get(1) {
            Some(key) => t.add(key),
            None => t.count += 1,
        }
    }
    Ok(())
}

/// Why a target cannot load the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Blocker {
    /// The server does not read this signature at all.
    Signature {
        /// The signature.
        signature: String,
    },
    /// The RDB version is newer than the server's (or foreign to it).
    RdbVersion {
        /// The file's version.
        version: u32,
        /// The newest the server loads.
        max: u32,
    },
    /// Keys in a layout the server does not know.
    Type {
        /// The layout's name (`hash-listpack-md`).
        encoding: &'static str,
        /// Its type byte.
        type_byte: u8,
        /// Keys.
        #[serde(flatten)]
        keys: Tally,
    },
    /// Function libraries (Redis 7.0+).
    Functions {
        /// How many.
        count: u64,
    },
    /// Module values: the server needs the module.
    ModuleValues {
        /// The module type name.
        module: String,
        /// Keys.
        #[serde(flatten)]
        keys: Tally,
    },
    /// Module aux data: the server needs the module.
    ModuleAux {
        /// The module type name.
        module: String,
        /// Records.
        count: u64,
    },
    /// Key metadata blocks: the server needs the modules of their classes.
    KeyMetadata {
        /// Keys.
        #[serde(flatten)]
        keys: Tally,
    },
    /// Vendor opcodes no open-source server reads.
    VendorOpcode {
        /// The opcode.
        opcode: u8,
        /// Records.
        count: u64,
    },
    /// A multi-part AOF (Redis 7.0+).
    MultiPart,
    /// AOF commands the server does not have.
    Command {
        /// The command, lower case.
        command: String,
        /// The first release that has it, e.g. `redis 7.4`.
        since: String,
        /// Occurrences and first keys.
        #[serde(flatten)]
        uses: Tally,
    },
}

fn keys_text(t: &Tally) -> String {
    let mut s = format!("{} key{}", t.count, if t.count == 1 { "" } else { "s" });
    if !t.samples.is_empty() {
        let shown: Vec<String> = t.samples.iter().map(|k| quoted(k)).collect();
        s.push_str(&format!(", e.g. {}", shown.join(", ")));
    }
    s
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocker::Signature { signature } => {
                write!(f, "signature {signature}: this server does not read it")
            }
            Blocker::RdbVersion { version, max } => {
                write!(f, "RDB version {version}: this server loads up to {max}")
            }
            Blocker::Type {
                encoding,
                type_byte,
                keys,
            } => write!(
                f,
                "type {encoding} ({type_byte}) is unknown to this server: {}",
                keys_text(keys)
            ),
            Blocker::Functions { count } => write!(
                f,
                "{count} function librar{} (Redis 7.0+)",
                if *count == 1 { "y" } else { "ies" }
            ),
            Blocker::ModuleValues { module, keys } => write!(
                f,
                "module {module} values (the server must load that module): {}",
                keys_text(keys)
            ),
            Blocker::ModuleAux { module, count } => write!(
                f,
                "module {module} aux data (the server must load that module): {count} record{}",
                if *count == 1 { "" } else { "s" }
            ),
            Blocker::KeyMetadata { keys } => write!(
                f,
                "key metadata (the server must load the modules of its classes): {}",
                keys_text(keys)
            ),
            Blocker::VendorOpcode { opcode, count } => write!(
                f,
                "vendor opcode {opcode} (Redis Enterprise): {count} record{}",
                if *count == 1 { "" } else { "s" }
            ),
            Blocker::MultiPart => f.write_str("multi-part AOF (Redis 7.0+)"),
            Blocker::Command {
                command,
                since,
                uses,
            } => {
                write!(
                    f,
                    "command {} ({since}): {} use{}",
                    command.to_ascii_uppercase(),
                    uses.count,
                    if uses.count == 1 { "" } else { "s" }
                )?;
                if !uses.samples.is_empty() {
                    let shown: Vec<String> = uses.samples.iter().map(|k| quoted(k)).collect();
                    write!(f, ", e.g. on {}", shown.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

/// One blocker with its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockerReport {
    /// The blocker.
    #[serde(flatten)]
    pub blocker: Blocker,
    /// The same as one line of text.
    pub message: String,
}

/// Whether one target loads the file, and why not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The target's name.
    pub target: &'static str,
    /// True when nothing blocks.
    pub loadable: bool,
    /// What blocks, in load order.
    pub blockers: Vec<BlockerReport>,
    /// How to make the file loadable, when redfile can.
    pub fix: Option<String>,
}

fn layout_known(kind: ObjectKind, target: &Target, valkey_file: bool) -> bool {
    match kind {
        ObjectKind::ModulePreGa => false,
        ObjectKind::ValkeyHash2 => valkey_file && target.max_valkey_rdb >= 80,
        k if valkey_file => k.since_version() <= 11,
        k => k.since_version() <= target.max_rdb,
    }
}

fn version_text(v: (u8, u8)) -> String {
    format!("{}.{}", v.0, v.1)
}

/// Weighs `facts` against `target`.
pub fn assess(facts: &FileFacts, target: &Target) -> Verdict {
    let mut blockers = Vec::new();
    let mut convert_version = None;
    if let Some(r) = &facts.rdb {
        let readable = if r.valkey_magic {
            target.max_valkey_rdb >= 80
        } else {
            true
        };
        if !readable {
            blockers.push(Blocker::Signature {
                signature: r.signature.clone(),
            });
        } else {
            let max = if r.valkey_magic {
                target.max_valkey_rdb
            } else {
                target.max_rdb
            };
            if r.version > max {
                blockers.push(Blocker::RdbVersion {
                    version: r.version,
                    max,
                });
            }
        }
        for (&kind, keys) in &r.kinds {
            if !layout_known(kind, target, r.valkey_magic) {
                blockers.push(Blocker::Type {
                    encoding: kind.name(),
                    type_byte: kind.type_byte(),
                    keys: keys.clone(),
                });
            }
        }
        if r.functions > 0 && target.server == Server::Redis && target.version < (7, 0) {
            blockers.push(Blocker::Functions { count: r.functions });
        }
        if !blockers.is_empty() {
            convert_version = Some(target.max_rdb.min(14));
        }
        for (module, keys) in &r.module_values {
            blockers.push(Blocker::ModuleValues {
                module: module.clone(),
                keys: keys.clone(),
            });
        }
        for (module, &count) in &r.module_aux {
            blockers.push(Blocker::ModuleAux {
                module: module.clone(),
                count,
            });
        }
        if r.key_meta.count > 0 {
            blockers.push(Blocker::KeyMetadata {
                keys: r.key_meta.clone(),
            });
        }
        for (&opcode, &count) in &r.vendor_opcodes {
            blockers.push(Blocker::VendorOpcode { opcode, count });
        }
    }
    if facts.kind == InputKind::MultiPartAof
        && target.server == Server::Redis
        && target.version < (7, 0)
    {
        blockers.push(Blocker::MultiPart);
    }
    let mut old_commands = false;
    for (name, uses) in &facts.commands {
        let Some((_, r, v)) = NEWER_COMMANDS.iter().find(|(n, _, _)| n == name) else {
            continue;
        };
        let (since, server) = match target.server {
            Server::Redis => (*r, "redis"),
            Server::Valkey => (*v, "valkey"),
        };
        if since.is_some_and(|s| s <= target.version) {
            continue;
        }
        old_commands = true;
        blockers.push(Blocker::Command {
            command: name.clone(),
            since: since.map_or_else(
                || format!("no {server} release"),
                |s| format!("{server} {}+", version_text(s)),
            ),
            uses: uses.clone(),
        });
    }
    let fix = fix_for(facts, target, convert_version, old_commands, &blockers);
    Verdict {
        target: target.name,
        loadable: blockers.is_empty(),
        blockers: blockers
            .into_iter()
            .map(|b| BlockerReport {
                message: b.to_string(),
                blocker: b,
            })
            .collect(),
        fix,
    }
}

fn fix_for(
    facts: &FileFacts,
    target: &Target,
    convert_version: Option<u32>,
    old_commands: bool,
    blockers: &[Blocker],
) -> Option<String> {
    let mut steps = Vec::new();
    if facts.kind != InputKind::Rdb
        && (convert_version.is_some() || old_commands || blockers.contains(&Blocker::MultiPart))
    {
        // An AOF is best rewritten as the commands the target knows.
        let as_version = match target.server {
            Server::Redis => version_text(target.version),
            Server::Valkey if target.version >= (9, 0) => "7.4".to_string(),
            Server::Valkey => "7.2".to_string(),
        };
        steps.push(format!(
            "redfile dump --format resp --redis-version {as_version} FILE > appendonly.aof"
        ));
    } else if let (Some(v), Some(r)) = (convert_version, &facts.rdb) {
        let lost: Vec<String> = r
            .lossy
            .iter()
            .filter(|(f, _)| !f.fits(target))
            .map(|(f, t)| format!("{} of {}", f.describe(), keys_text(t)))
            .collect();
        let mut step = format!("redfile convert --rdb-version {v}");
        if r.functions > 0 && target.version < (7, 0) && target.server == Server::Redis {
            step.push_str(" (drops the function libraries)");
        }
        if !lost.is_empty() {
            step.push_str(&format!(" (loses {})", lost.join("; ")));
        }
        steps.push(step);
    }
    if blockers.iter().any(|b| {
        matches!(
            b,
            Blocker::ModuleValues { .. } | Blocker::ModuleAux { .. } | Blocker::KeyMetadata { .. }
        )
    }) {
        steps.push("load the modules named above into the server".to_string());
    }
    (!steps.is_empty()).then(|| steps.join("; then "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_unique_and_found() {
        for t in TARGETS {
            assert_eq!(find_target(t.name), Some(t));
        }
        assert!(find_target("redis-5.0").is_none());
        assert_eq!(find_target("REDIS-7.4").map(|t| t.max_rdb), Some(12));
    }

    #[test]
    fn layouts_per_target() {
        let t = |n| find_target(n).expect("target");
        assert!(!layout_known(
            ObjectKind::SetListpack,
            t("redis-7.0"),
            false
        ));
        assert!(layout_known(ObjectKind::SetListpack, t("redis-7.2"), false));
        assert!(!layout_known(
            ObjectKind::HashListpackEx,
            t("valkey-9.0"),
            false
        ));
        assert!(layout_known(ObjectKind::ValkeyHash2, t("valkey-9.0"), true));
        assert!(!layout_known(ObjectKind::ValkeyHash2, t("redis-8.8"), true));
    }
}
