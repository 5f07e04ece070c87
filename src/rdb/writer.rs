//! Writing RDB files: a [`Dataset`] (or a stream of records) as the bytes a
//! Redis server of the chosen version would save (`rdb.c` `rdbSaveRio`,
//! `rdbSaveKeyValuePair`, `rdbSaveObjectType`, `rdbSaveObject`).
//!
//! ```text
//! "REDIS00NN"                                 header
//! AUX*  MODULE_AUX(before)*  FUNCTION2*        (functions: RDB 10+)
//! per db: SELECTDB RESIZEDB
//!         [EXPIRETIME_MS] [IDLE] [FREQ] TYPE STR(key) value
//! MODULE_AUX(after)*  EOF  u64le CRC-64 (0 with checksum off)
//! ```
//!
//! Writing is two steps (DESIGN rule 7): each value is first normalized
//! (encoding chosen from the target version and the thresholds in
//! [`EncodingConfig`], members sorted as the server keeps them, lengths
//! derived) into its bytes, then emitted. Encodings per version, as the
//! server of that version saves them (spec §9.2):
//!
//! | value | RDB 9 (6.x) | RDB 10 (7.0) | RDB 11 (7.2) | RDB 12 (7.4–8.4) | 13 / 14 |
//! |---|---|---|---|---|---|
//! | list | 14 quicklist of ziplists | 18 quicklist of listpacks (PLAIN nodes for large elements) | 18 | 18 | 18 |
//! | set | 11 intset / 2 | 11 / 2 | 11 / 20 listpack / 2 | 11 / 20 / 2 | same |
//! | zset | 12 ziplist / 5 | 17 listpack / 5 | 17 / 5 | 17 / 5 | same |
//! | hash | 13 ziplist / 4 | 16 listpack / 4 | 16 / 4 | 16 / 4; with field TTLs 25 / 24 | same |
//! | stream | 15 | 19 | 21 | 21 | 26 / 27 |
//! | module | 7 | 7 | 7 | 7 | 7 |
//! | array | — | — | — | — | 14: 28 |
//!
//! What a version cannot express (field TTLs below 12, stream idempotency
//! state below 13, NACK zones and arrays below 14, functions below 10) is
//! refused with [`RdbWriteError::Inexpressible`], which lists every key
//! concerned.

use std::collections::HashSet;
use std::io::Write;

use super::consts::*;
use super::module::skip_module_items;
use super::write::listpack::{self as lpw, ListpackBuilder};
use super::write::stream::{encode_nodes, NodeLimits};
use super::write::ziplist::ZiplistBuilder;
use super::write::{
    intset as intset_w, lzf, put_double_bin, put_len, put_lzf_str, put_ms64, put_plain_str,
    put_str, put_stream_id_lens, BlobTooLarge, ScoreText,
};
use crate::codec::crc64::Crc64;
use crate::model::{
    ArrayValue, Dataset, Entry, HashField, ModuleAuxData, ModuleValue, Stream, StreamId, Value,
};
use crate::rdb::encoding::parse_canonical_i64;

#[cfg(test)]
mod interop;
mod parallel;
#[cfg(test)]
mod tests;

/// Lowest RDB version the writer produces (Redis 5.0).
pub const MIN_WRITE_VERSION: u32 = 9;
/// Highest RDB version the writer produces (Redis 8.8).
pub const MAX_WRITE_VERSION: u32 = 14;

/// The encoding thresholds of the target server's configuration; the
/// defaults are those of Redis 7.x's shipped `redis.conf` (the compiled-in
/// `hash-max-listpack-entries` of 7.0–7.2 is 512 instead of 128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodingConfig {
    /// `hash-max-listpack-entries` (`hash-max-ziplist-entries` before 7.0).
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value`: longest field or value of a packed hash.
    pub hash_max_listpack_value: usize,
    /// `zset-max-listpack-entries`.
    pub zset_max_listpack_entries: usize,
    /// `zset-max-listpack-value`: longest member of a packed zset.
    pub zset_max_listpack_value: usize,
    /// `set-max-intset-entries`.
    pub set_max_intset_entries: usize,
    /// `set-max-listpack-entries` (RDB 11+).
    pub set_max_listpack_entries: usize,
    /// `set-max-listpack-value` (RDB 11+).
    pub set_max_listpack_value: usize,
    /// `list-max-listpack-size`: negative = node size class (-1 4 KiB …
    /// -5 64 KiB), positive = entries per node.
    pub list_max_listpack_size: i64,
    /// `list-compress-depth`: nodes kept uncompressed at each end; inner
    /// nodes are LZF-compressed in memory and saved compressed.
    pub list_compress_depth: usize,
    /// `stream-node-max-bytes`.
    pub stream_node_max_bytes: usize,
    /// `stream-node-max-entries`.
    pub stream_node_max_entries: usize,
}

impl Default for EncodingConfig {
    fn default() -> Self {
        EncodingConfig {
            hash_max_listpack_entries: 128,
            hash_max_listpack_value: 64,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            set_max_intset_entries: 512,
            set_max_listpack_entries: 128,
            set_max_listpack_value: 64,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            stream_node_max_bytes: 4096,
            stream_node_max_entries: 100,
        }
    }
}

/// Which AUX fields to write after the header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuxFields {
    /// The dataset's own AUX fields, in order ([`write_dataset`] only; the
    /// streaming writer writes none until told).
    #[default]
    Dataset,
    /// None.
    None,
    /// The fields a server of the target version writes: `redis-ver`,
    /// `redis-bits`, `ctime`, `used-mem`, then `aof-base` (RDB 10+) or
    /// `aof-preamble` (RDB 9).
    Standard {
        /// Save time, Unix seconds.
        ctime: i64,
    },
    /// Exactly these fields, in order.
    Custom(Vec<(Vec<u8>, Vec<u8>)>),
}

/// What the writer may give up when the target version cannot express
/// it: a set of [`Feature`]s, empty by default ([`Lossy::REFUSE`]: refuse
/// to write, listing every key concerned). Each feature given up is an
/// explicit decision of the caller (`redfile convert --lossy ...`):
///
/// | feature | what is written instead |
/// |---|---|
/// | [`Feature::HashFieldTtl`] | the hash, every field persistent |
/// | [`Feature::Functions`] | no `FUNCTION2` records |
/// | [`Feature::StreamIdmp`] | the stream without producer state |
/// | [`Feature::StreamNack`] | the stream, NACKed ids out of the PEL |
/// | [`Feature::Array`] | nothing: the key is left out |
///
/// [`inexpressible`] lists only what is not given up; call it with
/// [`Lossy::REFUSE`] to learn everything that a lossy write drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Lossy {
    bits: u8,
}

impl Lossy {
    /// Give up nothing.
    pub const REFUSE: Lossy = Lossy { bits: 0 };

    /// This set plus `feature`.
    #[must_use]
    pub fn giving_up(self, feature: Feature) -> Lossy {
        Lossy {
            bits: self.bits | feature.bit(),
        }
    }

    /// Whether `feature` may be dropped.
    pub fn gives_up(self, feature: Feature) -> bool {
        self.bits & feature.bit() != 0
    }

    /// True when nothing is given up.
    pub fn is_refuse(self) -> bool {
        self.bits == 0
    }

    /// The features given up, in [`Feature::ALL`] order.
    pub fn features(self) -> impl Iterator<Item = Feature> {
        Feature::ALL.into_iter().filter(move |f| self.gives_up(*f))
    }
}

/// How to write an RDB.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteOptions {
    /// RDB version, 9 to 14.
    pub version: u32,
    /// `rdbcompression`: LZF-compress strings longer than 20 bytes.
    pub compression: bool,
    /// `rdbchecksum`: write the CRC-64 trailer (else zero).
    pub checksum: bool,
    /// Encoding thresholds.
    pub thresholds: EncodingConfig,
    /// AUX fields to write.
    pub aux: AuxFields,
    /// Whether to refuse data the version cannot express.
    pub lossy: Lossy,
    /// Skip databases without keys, as servers do. When off, a database the
    /// dataset lists without keys is written as `SELECTDB` + `RESIZEDB 0 0`.
    pub skip_empty_dbs: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            version: 11,
            compression: true,
            checksum: true,
            thresholds: EncodingConfig::default(),
            aux: AuxFields::default(),
            lossy: Lossy::default(),
            skip_empty_dbs: true,
        }
    }
}

impl WriteOptions {
    /// Default options for `version`.
    pub fn for_version(version: u32) -> Self {
        WriteOptions {
            version,
            ..WriteOptions::default()
        }
    }
}

/// A feature of the data that some RDB versions cannot express.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Feature {
    /// Hash fields with their own TTL (RDB 12+).
    HashFieldTtl,
    /// Stream idempotent-producer state (RDB 13+).
    StreamIdmp,
    /// Stream consumer-group NACK zones (RDB 14+).
    StreamNack,
    /// Sparse arrays (RDB 14+).
    Array,
    /// Function libraries (RDB 10+).
    Functions,
}

impl Feature {
    /// Every feature, in a stable order.
    pub const ALL: [Feature; 5] = [
        Feature::Functions,
        Feature::HashFieldTtl,
        Feature::StreamIdmp,
        Feature::StreamNack,
        Feature::Array,
    ];

    fn bit(self) -> u8 {
        match self {
            Feature::HashFieldTtl => 1,
            Feature::StreamIdmp => 2,
            Feature::StreamNack => 4,
            Feature::Array => 8,
            Feature::Functions => 16,
        }
    }

    /// First RDB version that expresses it.
    pub fn since_version(self) -> u32 {
        match self {
            Feature::HashFieldTtl => 12,
            Feature::StreamIdmp => 13,
            Feature::StreamNack | Feature::Array => 14,
            Feature::Functions => 10,
        }
    }

    /// Short description for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Feature::HashFieldTtl => "hash field TTLs",
            Feature::StreamIdmp => "stream idempotent-producer state",
            Feature::StreamNack => "stream NACK zones",
            Feature::Array => "arrays",
            Feature::Functions => "function libraries",
        }
    }
}

/// One thing the target version cannot express, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inexpressible {
    /// The database, for a key.
    pub db: Option<u64>,
    /// The key, or `None` for file-level data (functions).
    pub key: Option<Vec<u8>>,
    /// What cannot be expressed.
    pub feature: Feature,
}

impl std::fmt::Display for Inexpressible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.db, &self.key) {
            (Some(db), Some(k)) => write!(
                f,
                "{} (key '{}' in db {db}, needs RDB {})",
                self.feature.describe(),
                String::from_utf8_lossy(k),
                self.feature.since_version()
            ),
            _ => write!(
                f,
                "{} (needs RDB {})",
                self.feature.describe(),
                self.feature.since_version()
            ),
        }
    }
}

fn list_items(items: &[Inexpressible]) -> String {
    const SHOWN: usize = 10;
    let mut s = items
        .iter()
        .take(SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > SHOWN {
        s.push_str(&format!("; and {} more", items.len() - SHOWN));
    }
    s
}

/// Why a value cannot be encoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The version cannot express it.
    #[error("rdb version {version} cannot express {}", feature.describe())]
    Inexpressible {
        /// Target version.
        version: u32,
        /// What is missing.
        feature: Feature,
    },
    /// The value breaks a rule every loader enforces.
    #[error("{0}")]
    Invalid(String),
    /// A blob outgrows its format.
    #[error(transparent)]
    TooLarge(#[from] BlobTooLarge),
}

/// Errors of the RDB writer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RdbWriteError {
    /// The version is outside what the writer produces.
    #[error("cannot write rdb version {0}: versions {MIN_WRITE_VERSION} to {MAX_WRITE_VERSION} are supported")]
    UnsupportedVersion(u32),
    /// The dataset holds data the version cannot express.
    #[error("rdb version {version} cannot express: {}", list_items(items))]
    Inexpressible {
        /// Target version.
        version: u32,
        /// Every item concerned.
        items: Vec<Inexpressible>,
    },
    /// A key's value cannot be written.
    #[error("key '{}' in db {db}: {source}", String::from_utf8_lossy(key))]
    Value {
        /// Database.
        db: u64,
        /// Key.
        key: Vec<u8>,
        /// Why.
        source: ValueError,
    },
    /// A record other than a key is invalid (module aux data).
    #[error("{0}")]
    Invalid(String),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A streaming RDB writer: header on creation, then records in the order
/// the caller gives them, then [`RdbWriter::finish`] for `EOF` and the
/// checksum. Give it a buffered writer; it writes one record at a time.
pub struct RdbWriter<W: Write> {
    out: W,
    crc: Crc64,
    opts: WriteOptions,
    buf: Vec<u8>,
    db: Option<u64>,
}

impl<W: Write> std::fmt::Debug for RdbWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RdbWriter")
            .field("version", &self.opts.version)
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

impl<W: Write> RdbWriter<W> {
    /// Starts a file: checks the version and writes the header.
    pub fn new(out: W, opts: WriteOptions) -> Result<Self, RdbWriteError> {
        if !(MIN_WRITE_VERSION..=MAX_WRITE_VERSION).contains(&opts.version) {
            return Err(RdbWriteError::UnsupportedVersion(opts.version));
        }
        let mut w = RdbWriter {
            out,
            crc: Crc64::new(),
            buf: Vec::with_capacity(4096),
            db: None,
            opts,
        };
        let header = format!("REDIS{:04}", w.opts.version);
        w.buf.extend_from_slice(header.as_bytes());
        w.flush_record()?;
        Ok(w)
    }

    /// The options in use.
    pub fn options(&self) -> &WriteOptions {
        &self.opts
    }

    fn flush_record(&mut self) -> Result<(), RdbWriteError> {
        self.crc.update(&self.buf);
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    fn put_str(&mut self, s: &[u8]) {
        put_str(&mut self.buf, s, self.opts.compression);
    }

    /// Writes an `AUX` field.
    pub fn write_aux(&mut self, key: &[u8], value: &[u8]) -> Result<(), RdbWriteError> {
        self.buf.push(RDB_OPCODE_AUX);
        self.put_str(key);
        self.put_str(value);
        self.flush_record()
    }

    /// Writes the AUX fields a server of the target version writes.
    pub fn write_standard_aux(&mut self, ctime: i64) -> Result<(), RdbWriteError> {
        let ver = match self.opts.version {
            9 => "6.2.14",
            10 => "7.0.15",
            11 => "7.2.4",
            12 => "7.4.2",
            13 => "8.6.0",
            _ => "8.8.0",
        };
        self.write_aux(b"redis-ver", ver.as_bytes())?;
        self.write_aux(b"redis-bits", b"64")?;
        self.write_aux(b"ctime", ctime.to_string().as_bytes())?;
        self.write_aux(b"used-mem", b"0")?;
        if self.opts.version >= 10 {
            self.write_aux(b"aof-base", b"0")
        } else {
            self.write_aux(b"aof-preamble", b"0")
        }
    }

    /// Writes a `MODULE_AUX` record; its items must be well formed and end
    /// with the EOF item.
    pub fn write_module_aux(&mut self, m: &ModuleAuxData) -> Result<(), RdbWriteError> {
        check_module_items(&m.raw).map_err(RdbWriteError::Invalid)?;
        self.buf.push(RDB_OPCODE_MODULE_AUX);
        put_len(&mut self.buf, m.module_id);
        put_len(&mut self.buf, RDB_MODULE_OPCODE_UINT);
        put_len(&mut self.buf, m.when);
        self.buf.extend_from_slice(&m.raw);
        self.flush_record()
    }

    /// Writes a function library (`FUNCTION2`, RDB 10+).
    pub fn write_function(&mut self, code: &[u8]) -> Result<(), RdbWriteError> {
        if self.opts.version < Feature::Functions.since_version() {
            if self.opts.lossy.gives_up(Feature::Functions) {
                return Ok(());
            }
            return Err(RdbWriteError::Inexpressible {
                version: self.opts.version,
                items: vec![Inexpressible {
                    db: None,
                    key: None,
                    feature: Feature::Functions,
                }],
            });
        }
        self.buf.push(RDB_OPCODE_FUNCTION2);
        self.put_str(code);
        self.flush_record()
    }

    /// Starts database `db` (`SELECTDB`, then the `RESIZEDB` size hints).
    pub fn select_db(
        &mut self,
        db: u64,
        db_size: u64,
        expires_size: u64,
    ) -> Result<(), RdbWriteError> {
        self.buf.push(RDB_OPCODE_SELECTDB);
        put_len(&mut self.buf, db);
        self.buf.push(RDB_OPCODE_RESIZEDB);
        put_len(&mut self.buf, db_size);
        put_len(&mut self.buf, expires_size);
        self.db = Some(db);
        self.flush_record()
    }

    /// Writes one key with its expiry, LRU/LFU hints and value, in the
    /// database last selected (0 when none was).
    ///
    /// What the version cannot express is refused unless the options give
    /// it up ([`Lossy`]): then the value is written without it (a copy of
    /// this one value is stripped), or, for a given-up array, the key is
    /// left out.
    pub fn write_entry(&mut self, entry: &Entry) -> Result<(), RdbWriteError> {
        let db = self.db.unwrap_or(0);
        if is_dropped(&entry.value, &self.opts) {
            return Ok(());
        }
        let (ty, body) = encode_entry_value(entry, db, &self.opts)?;
        put_entry_head(&mut self.buf, entry, ty, self.opts.compression);
        self.flush_record()?;
        // The value goes straight out: it can be large.
        self.crc.update(&body);
        self.out.write_all(&body)?;
        Ok(())
    }

    /// Writes records encoded elsewhere (by [`encode_entry`]) as they are.
    fn write_encoded(&mut self, records: &[u8]) -> Result<(), RdbWriteError> {
        self.crc.update(records);
        self.out.write_all(records)?;
        Ok(())
    }

    /// Writes `EOF` and the checksum (zero when checksums are off), flushes,
    /// and gives back the output.
    pub fn finish(mut self) -> Result<W, RdbWriteError> {
        self.buf.push(RDB_OPCODE_EOF);
        self.flush_record()?;
        let crc = if self.opts.checksum {
            self.crc.value()
        } else {
            0
        };
        self.out.write_all(&crc.to_le_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The type byte and body of `entry`'s value, or the error naming its key.
fn encode_entry_value(
    entry: &Entry,
    db: u64,
    opts: &WriteOptions,
) -> Result<(u8, Vec<u8>), RdbWriteError> {
    encode_value(&entry.value, opts).map_err(|source| match source {
        ValueError::Inexpressible { version, feature } => RdbWriteError::Inexpressible {
            version,
            items: vec![Inexpressible {
                db: Some(db),
                key: Some(entry.key.clone()),
                feature,
            }],
        },
        source => RdbWriteError::Value {
            db,
            key: entry.key.clone(),
            source,
        },
    })
}

/// What precedes a key's value: its expire, idle and freq opcodes, the
/// type byte and the key.
fn put_entry_head(buf: &mut Vec<u8>, entry: &Entry, ty: u8, compression: bool) {
    if let Some(ms) = entry.expire_ms {
        buf.push(RDB_OPCODE_EXPIRETIME_MS);
        put_ms64(buf, ms);
    }
    if let Some(idle) = entry.idle {
        buf.push(RDB_OPCODE_IDLE);
        put_len(buf, idle);
    }
    if let Some(freq) = entry.freq {
        buf.push(RDB_OPCODE_FREQ);
        buf.push(freq);
    }
    buf.push(ty);
    put_str(buf, &entry.key, compression);
}

/// Appends `entry`'s whole record to `out`, the bytes
/// [`RdbWriter::write_entry`] writes (nothing for a key `opts` gives up).
fn encode_entry(
    entry: &Entry,
    db: u64,
    opts: &WriteOptions,
    out: &mut Vec<u8>,
) -> Result<(), RdbWriteError> {
    if is_dropped(&entry.value, opts) {
        return Ok(());
    }
    let (ty, body) = encode_entry_value(entry, db, opts)?;
    put_entry_head(out, entry, ty, opts.compression);
    out.extend_from_slice(&body);
    Ok(())
}

/// An empty hash set for `n` byte strings, with a fast hasher: checking
/// members for duplicates runs for every collection written.
fn fast_set<'a>(n: usize) -> HashSet<&'a [u8], foldhash::fast::RandomState> {
    HashSet::with_capacity_and_hasher(n, foldhash::fast::RandomState::default())
}

/// The first of `items` whose key equals an earlier one's. Keys in
/// strictly ascending order (as redfile's datasets hold set members and
/// hash fields) are checked pairwise, without hashing.
fn first_duplicate<T>(items: &[T], key: impl Fn(&T) -> &[u8]) -> Option<&[u8]> {
    if items.windows(2).all(|w| key(&w[0]) < key(&w[1])) {
        return None;
    }
    let mut seen = fast_set(items.len());
    items.iter().map(&key).find(|k| !seen.insert(k))
}

/// What of `ds` the version in `opts` cannot express and `opts.lossy`
/// does not give up, key by key (one item per key and feature).
pub fn inexpressible(ds: &Dataset, opts: &WriteOptions) -> Vec<Inexpressible> {
    let v = opts.version;
    let mut out = Vec::new();
    if !ds.functions.is_empty()
        && v < Feature::Functions.since_version()
        && !opts.lossy.gives_up(Feature::Functions)
    {
        out.push(Inexpressible {
            db: None,
            key: None,
            feature: Feature::Functions,
        });
    }
    for (&db, d) in &ds.dbs {
        for e in &d.entries {
            for feature in value_lacks(&e.value, v).features() {
                if !opts.lossy.gives_up(feature) {
                    out.push(Inexpressible {
                        db: Some(db),
                        key: Some(e.key.clone()),
                        feature,
                    });
                }
            }
        }
    }
    out
}

/// Every feature of `value` that `version` lacks (as a set).
fn value_lacks(value: &Value, version: u32) -> Lossy {
    let lacks = |f: Feature| version < f.since_version();
    let mut set = Lossy::REFUSE;
    match value {
        Value::Hash(h)
            if lacks(Feature::HashFieldTtl) && h.iter().any(|f| f.expire_ms.is_some()) =>
        {
            set = set.giving_up(Feature::HashFieldTtl);
        }
        Value::Stream(s) => {
            if lacks(Feature::StreamNack) && s.groups.iter().any(|g| !g.nacked.is_empty()) {
                set = set.giving_up(Feature::StreamNack);
            }
            if lacks(Feature::StreamIdmp) && s.idmp.as_ref().is_some_and(|i| !idmp_is_default(i)) {
                set = set.giving_up(Feature::StreamIdmp);
            }
        }
        Value::Array(_) if lacks(Feature::Array) => set = set.giving_up(Feature::Array),
        _ => {}
    }
    set
}

/// The first feature of `value` that `version` lacks and `lossy` does not
/// give up.
fn value_needs(value: &Value, version: u32, lossy: Lossy) -> Option<Feature> {
    value_lacks(value, version)
        .features()
        .find(|f| !lossy.gives_up(*f))
}

/// True for a key a lossy write leaves out (a given-up array).
fn is_dropped(value: &Value, opts: &WriteOptions) -> bool {
    matches!(value, Value::Array(_))
        && opts.version < Feature::Array.since_version()
        && opts.lossy.gives_up(Feature::Array)
}

/// A copy of `value` without the given-up features `version` lacks, or
/// `None` when it lacks none.
fn stripped(value: &Value, version: u32, lossy: Lossy) -> Option<Value> {
    let lacks = value_lacks(value, version);
    if lacks.is_refuse() {
        return None;
    }
    let mut v = value.clone();
    for f in lacks.features().filter(|f| lossy.gives_up(*f)) {
        match (f, &mut v) {
            (Feature::HashFieldTtl, v) => {
                v.drop_field_ttls();
            }
            (Feature::StreamIdmp, Value::Stream(s)) => {
                s.drop_idmp();
            }
            (Feature::StreamNack, Value::Stream(s)) => {
                s.drop_nack_zones();
            }
            _ => {}
        }
    }
    Some(v)
}

/// Idempotency state every RDB 13 stream carries even when unused: the
/// defaults (100 s, 100 entries), no producers, zero counters. Older
/// versions lose nothing by leaving it out.
fn idmp_is_default(i: &crate::model::StreamIdmp) -> bool {
    i.duration == DEFAULT_IDMP_DURATION
        && i.max_entries == DEFAULT_IDMP_MAX_ENTRIES
        && i.producers.is_empty()
        && i.iids_added == 0
        && i.iids_duplicates == 0
}

/// `stream-idmp-duration` default (seconds).
const DEFAULT_IDMP_DURATION: u64 = 100;
/// `stream-idmp-maxsize` default.
const DEFAULT_IDMP_MAX_ENTRIES: u64 = 100;

/// Writes a whole dataset: checks first that the version can express all
/// of it (listing every key it cannot), then AUX fields, module data
/// before the keyspace, functions, every database, module data after,
/// `EOF` and the checksum. A value that is invalid (a NaN score, a
/// duplicate member) stops the write with an error naming its key after
/// earlier records were written; write to a temporary file and rename.
pub fn write_dataset<W: Write>(
    ds: &Dataset,
    opts: &WriteOptions,
    out: W,
) -> Result<W, RdbWriteError> {
    if !(MIN_WRITE_VERSION..=MAX_WRITE_VERSION).contains(&opts.version) {
        return Err(RdbWriteError::UnsupportedVersion(opts.version));
    }
    let items = inexpressible(ds, opts);
    if !items.is_empty() {
        return Err(RdbWriteError::Inexpressible {
            version: opts.version,
            items,
        });
    }
    for m in &ds.module_aux {
        check_module_items(&m.raw).map_err(RdbWriteError::Invalid)?;
    }
    let mut w = RdbWriter::new(out, opts.clone())?;
    match &opts.aux {
        AuxFields::Dataset => {
            for (k, v) in &ds.aux {
                w.write_aux(k, v)?;
            }
        }
        AuxFields::None => {}
        AuxFields::Standard { ctime } => w.write_standard_aux(*ctime)?,
        AuxFields::Custom(fields) => {
            for (k, v) in fields {
                w.write_aux(k, v)?;
            }
        }
    }
    for m in ds.module_aux.iter().filter(|m| m.when == 1) {
        w.write_module_aux(m)?;
    }
    for f in &ds.functions {
        w.write_function(f)?;
    }
    for (&db, d) in &ds.dbs {
        if d.entries.is_empty() && opts.skip_empty_dbs {
            continue;
        }
        let kept = || d.entries.iter().filter(|e| !is_dropped(&e.value, opts));
        let expires = kept().filter(|e| e.expire_ms.is_some()).count();
        w.select_db(db, kept().count() as u64, expires as u64)?;
        parallel::write_entries(&mut w, db, &d.entries, parallel::encoders())?;
    }
    for m in ds.module_aux.iter().filter(|m| m.when != 1) {
        w.write_module_aux(m)?;
    }
    w.finish()
}

fn check_module_items(raw: &[u8]) -> Result<(), String> {
    match skip_module_items(raw) {
        Ok((&[], ())) => Ok(()),
        Ok(_) => Err("module data has bytes after its EOF item".into()),
        Err(_) => Err("module data is not a well-formed item sequence ending with EOF".into()),
    }
}

/// Encodes a value as the target version's server saves it: its type byte
/// and the bytes that follow the key (the body of a DUMP payload).
/// Features the version lacks are refused unless `opts.lossy` gives them
/// up; then they are left out of the bytes.
pub fn encode_value(value: &Value, opts: &WriteOptions) -> Result<(u8, Vec<u8>), ValueError> {
    let v = opts.version;
    if let Some(feature) = value_needs(value, v, opts.lossy) {
        return Err(ValueError::Inexpressible {
            version: v,
            feature,
        });
    }
    if is_dropped(value, opts) {
        // A whole key is given up: there are no bytes to write for it.
        return Err(ValueError::Inexpressible {
            version: v,
            feature: Feature::Array,
        });
    }
    let owned;
    let value = match stripped(value, v, opts.lossy) {
        Some(s) => {
            owned = s;
            &owned
        }
        None => value,
    };
    let mut e = Enc {
        out: Vec::new(),
        opts,
    };
    let ty = match value {
        Value::String(s) => {
            e.str(s);
            RDB_TYPE_STRING
        }
        Value::List(items) => e.list(items)?,
        Value::Set(members) => e.set(members)?,
        Value::SortedSet(pairs) => e.zset(pairs)?,
        Value::Hash(fields) => e.hash(fields)?,
        Value::Stream(s) => e.stream(s)?,
        Value::Module(m) => e.module(m)?,
        Value::Array(a) => e.array(a)?,
    };
    Ok((ty, e.out))
}

struct Enc<'o> {
    out: Vec<u8>,
    opts: &'o WriteOptions,
}

fn invalid(msg: impl Into<String>) -> ValueError {
    ValueError::Invalid(msg.into())
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `optimization_level[]` of `quicklist.c`: node byte limits for negative
/// `list-max-listpack-size` values.
const NODE_SIZE_CLASSES: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// `SIZE_SAFETY_LIMIT`: byte cap of a node under a positive (count) fill.
const SIZE_SAFETY_LIMIT: usize = 8192;
/// `packed_threshold` default: elements this large get a PLAIN node under
/// a positive fill.
const PACKED_THRESHOLD: usize = 1 << 30;
/// `MIN_COMPRESS_BYTES` and `MIN_COMPRESS_IMPROVE` of `quicklist.c`.
const MIN_COMPRESS_BYTES: usize = 48;
const MIN_COMPRESS_IMPROVE: usize = 8;

/// One quicklist node: its packed bytes or a single large element.
enum Node {
    Packed(Vec<u8>),
    Plain(Vec<u8>),
}

impl Enc<'_> {
    fn str(&mut self, s: &[u8]) {
        put_str(&mut self.out, s, self.opts.compression);
    }

    fn cfg(&self) -> &EncodingConfig {
        &self.opts.thresholds
    }

    fn list(&mut self, items: &[Vec<u8>]) -> Result<u8, ValueError> {
        let fill = self.cfg().list_max_listpack_size;
        let (size_limit, count_limit) = if fill < 0 {
            let class = usize::try_from(fill.unsigned_abs())
                .unwrap_or(5)
                .clamp(1, 5);
            (NODE_SIZE_CLASSES[class - 1], usize::MAX)
        } else {
            (
                SIZE_SAFETY_LIMIT,
                usize::try_from(fill).unwrap_or(usize::MAX).max(1),
            )
        };
        let v10 = self.opts.version >= 10;
        // RDB 10+ servers (7.2 rules) give elements beyond the node limit a
        // PLAIN node of their own.
        let plain_above = if fill < 0 {
            size_limit
        } else {
            PACKED_THRESHOLD
        };
        let mut nodes: Vec<Node> = Vec::new();
        if v10 {
            let mut cur: Option<ListpackBuilder> = None;
            for it in items {
                if it.len() > plain_above {
                    if let Some(b) = cur.take() {
                        nodes.push(Node::Packed(b.finish()?));
                    }
                    nodes.push(Node::Plain(it.clone()));
                    continue;
                }
                if let Some(b) = &cur {
                    let new_sz = b.bytes() + lpw::element_size(it);
                    if new_sz > size_limit || b.count() >= count_limit {
                        if let Some(b) = cur.take() {
                            nodes.push(Node::Packed(b.finish()?));
                        }
                    }
                }
                cur.get_or_insert_with(ListpackBuilder::new).push(it);
            }
            if let Some(b) = cur.take() {
                nodes.push(Node::Packed(b.finish()?));
            }
        } else {
            let mut cur: Option<ZiplistBuilder> = None;
            for it in items {
                if let Some(b) = &cur {
                    let new_sz = b.bytes() + b.entry_size(it);
                    if new_sz > size_limit || b.count() >= count_limit {
                        if let Some(b) = cur.take() {
                            nodes.push(Node::Packed(b.finish()?));
                        }
                    }
                }
                cur.get_or_insert_with(ZiplistBuilder::new).push(it);
            }
            if let Some(b) = cur.take() {
                nodes.push(Node::Packed(b.finish()?));
            }
        }
        put_len(&mut self.out, nodes.len() as u64);
        let depth = self.cfg().list_compress_depth;
        let n = nodes.len();
        for (i, node) in nodes.iter().enumerate() {
            let (container, data) = match node {
                Node::Packed(d) => (QUICKLIST_NODE_CONTAINER_PACKED, d),
                Node::Plain(d) => (QUICKLIST_NODE_CONTAINER_PLAIN, d),
            };
            if v10 {
                put_len(&mut self.out, container);
            }
            // Inner nodes beyond the compress depth are LZF in memory and
            // saved as such, whatever `rdbcompression` says.
            let inner = depth > 0 && i >= depth && i + depth < n;
            let compressed = if inner && data.len() >= MIN_COMPRESS_BYTES {
                lzf::compress_within(data, data.len() - MIN_COMPRESS_IMPROVE - 1)
            } else {
                None
            };
            match compressed {
                Some(c) => put_lzf_str(&mut self.out, &c, data.len() as u64),
                None => self.str(data),
            }
        }
        Ok(if v10 {
            RDB_TYPE_LIST_QUICKLIST_2
        } else {
            RDB_TYPE_LIST_QUICKLIST
        })
    }

    fn set(&mut self, members: &[Vec<u8>]) -> Result<u8, ValueError> {
        if let Some(m) = first_duplicate(members, |m| m.as_slice()) {
            return Err(invalid(format!("duplicate set member '{}'", show(m))));
        }
        let cfg = *self.cfg();
        let n = members.len();
        if n > 0 && n <= cfg.set_max_intset_entries {
            let ints: Option<Vec<i64>> = members.iter().map(|m| parse_canonical_i64(m)).collect();
            if let Some(ints) = ints {
                let blob = intset_w::encode(&ints)?;
                self.str(&blob);
                return Ok(RDB_TYPE_SET_INTSET);
            }
        }
        if self.opts.version >= 11
            && n > 0
            && n <= cfg.set_max_listpack_entries
            && members
                .iter()
                .all(|m| m.len() <= cfg.set_max_listpack_value)
        {
            let blob = lpw::encode(members.iter().map(Vec::as_slice))?;
            self.str(&blob);
            return Ok(RDB_TYPE_SET_LISTPACK);
        }
        put_len(&mut self.out, n as u64);
        for m in members {
            self.str(m);
        }
        Ok(RDB_TYPE_SET)
    }

    fn zset(&mut self, pairs: &[(Vec<u8>, f64)]) -> Result<u8, ValueError> {
        let mut seen = fast_set(pairs.len());
        for (m, s) in pairs {
            if s.is_nan() {
                return Err(invalid(format!(
                    "zset member '{}' has a NaN score",
                    show(m)
                )));
            }
            if !seen.insert(m.as_slice()) {
                return Err(invalid(format!("duplicate zset member '{}'", show(m))));
            }
        }
        // Skiplist order: score, then member bytes.
        let mut sorted: Vec<&(Vec<u8>, f64)> = pairs.iter().collect();
        sorted.sort_by(|a, b| {
            a.1.partial_cmp(&b.1)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.0.cmp(&b.0))
        });
        let cfg = *self.cfg();
        let v = self.opts.version;
        if pairs.len() <= cfg.zset_max_listpack_entries
            && pairs
                .iter()
                .all(|(m, _)| m.len() <= cfg.zset_max_listpack_value)
        {
            let text = if v >= 11 {
                ScoreText::Shortest
            } else {
                ScoreText::Printf17g
            };
            let blob = if v >= 10 {
                let mut b = ListpackBuilder::new();
                for (m, s) in &sorted {
                    b.push(m);
                    b.push(text.format(*s).as_bytes());
                }
                b.finish()?
            } else {
                let mut b = ZiplistBuilder::new();
                for (m, s) in &sorted {
                    b.push(m);
                    b.push(text.format(*s).as_bytes());
                }
                b.finish()?
            };
            self.str(&blob);
            return Ok(if v >= 10 {
                RDB_TYPE_ZSET_LISTPACK
            } else {
                RDB_TYPE_ZSET_ZIPLIST
            });
        }
        // Saved from the skiplist's tail: highest score first.
        put_len(&mut self.out, pairs.len() as u64);
        for (m, s) in sorted.iter().rev() {
            self.str(m);
            put_double_bin(&mut self.out, *s);
        }
        Ok(RDB_TYPE_ZSET_2)
    }

    fn hash(&mut self, fields: &[HashField]) -> Result<u8, ValueError> {
        if let Some(f) = first_duplicate(fields, |f| f.field.as_slice()) {
            return Err(invalid(format!("duplicate hash field '{}'", show(f))));
        }
        for f in fields {
            if let Some(t) = f.expire_ms {
                if t < 1 || t as u64 > EB_EXPIRE_TIME_MAX {
                    return Err(invalid(format!(
                        "hash field '{}' expires at {t}, outside 1..={EB_EXPIRE_TIME_MAX}",
                        show(&f.field)
                    )));
                }
            }
        }
        let cfg = *self.cfg();
        let v = self.opts.version;
        let packed = fields.len() <= cfg.hash_max_listpack_entries
            && fields.iter().all(|f| {
                f.field.len() <= cfg.hash_max_listpack_value
                    && f.value.len() <= cfg.hash_max_listpack_value
            });
        let min_expire = fields.iter().filter_map(|f| f.expire_ms).min();
        match (min_expire, packed) {
            (None, true) => {
                let items = fields
                    .iter()
                    .flat_map(|f| [f.field.as_slice(), f.value.as_slice()]);
                let blob = if v >= 10 {
                    lpw::encode(items)?
                } else {
                    let mut b = ZiplistBuilder::new();
                    for s in items {
                        b.push(s);
                    }
                    b.finish()?
                };
                self.str(&blob);
                Ok(if v >= 10 {
                    RDB_TYPE_HASH_LISTPACK
                } else {
                    RDB_TYPE_HASH_ZIPLIST
                })
            }
            (None, false) => {
                put_len(&mut self.out, fields.len() as u64);
                for f in fields {
                    self.str(&f.field);
                    self.str(&f.value);
                }
                Ok(RDB_TYPE_HASH)
            }
            (Some(min), true) => {
                // Fields with a TTL first by expiry, then the others.
                let mut order: Vec<&HashField> = fields.iter().collect();
                order.sort_by_key(|f| f.expire_ms.unwrap_or(i64::MAX));
                let mut b = ListpackBuilder::new();
                for f in order {
                    b.push(&f.field);
                    b.push(&f.value);
                    b.push_int(f.expire_ms.unwrap_or(0));
                }
                put_ms64(&mut self.out, min);
                let blob = b.finish()?;
                self.str(&blob);
                Ok(RDB_TYPE_HASH_LISTPACK_EX)
            }
            (Some(min), false) => {
                put_ms64(&mut self.out, min);
                put_len(&mut self.out, fields.len() as u64);
                for f in fields {
                    let ttl = f.expire_ms.map_or(0, |t| (t - min) as u64 + 1);
                    put_len(&mut self.out, ttl);
                    self.str(&f.field);
                    self.str(&f.value);
                }
                Ok(RDB_TYPE_HASH_METADATA)
            }
        }
    }

    fn stream(&mut self, s: &Stream) -> Result<u8, ValueError> {
        let v = self.opts.version;
        let sv: u8 = match v {
            9 => 1,
            10 => 2,
            11 | 12 => 3,
            13 => 4,
            _ => 5,
        };
        if let Some(w) = s.entries.windows(2).find(|w| w[0].id >= w[1].id) {
            return Err(invalid(format!(
                "stream entry ids are not strictly ascending ({} then {})",
                w[0].id, w[1].id
            )));
        }
        let cfg = *self.cfg();
        let nodes = encode_nodes(
            &s.entries,
            NodeLimits {
                max_bytes: cfg.stream_node_max_bytes,
                max_entries: cfg.stream_node_max_entries,
            },
        )?;
        put_len(&mut self.out, nodes.len() as u64);
        for n in &nodes {
            put_plain_str(&mut self.out, &n.master.to_be_bytes());
            self.str(&n.listpack);
        }
        put_len(&mut self.out, s.entries.len() as u64);
        put_stream_id_lens(&mut self.out, s.last_id);
        if sv >= 2 {
            put_stream_id_lens(&mut self.out, s.first_id);
            put_stream_id_lens(&mut self.out, s.max_deleted_id);
            put_len(&mut self.out, s.entries_added);
        }
        // Groups and consumers live in radix trees: saved in name order.
        let mut groups: Vec<_> = s.groups.iter().collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(w) = groups.windows(2).find(|w| w[0].name == w[1].name) {
            return Err(invalid(format!(
                "duplicate consumer group '{}'",
                show(&w[0].name)
            )));
        }
        put_len(&mut self.out, groups.len() as u64);
        for g in groups {
            self.str(&g.name);
            put_stream_id_lens(&mut self.out, g.last_id);
            if sv >= 2 {
                put_len(&mut self.out, g.entries_read.unwrap_or(u64::MAX));
            }
            let mut pel: Vec<_> = g.pending.iter().collect();
            pel.sort_by_key(|p| p.id);
            let pel_ids: HashSet<StreamId> = pel.iter().map(|p| p.id).collect();
            if pel_ids.len() != pel.len() {
                return Err(invalid(format!(
                    "group '{}' lists a pending id twice",
                    show(&g.name)
                )));
            }
            put_len(&mut self.out, pel.len() as u64);
            for p in &pel {
                self.out.extend_from_slice(&p.id.to_be_bytes());
                put_ms64(&mut self.out, p.delivery_time);
                put_len(&mut self.out, p.delivery_count);
            }
            let mut consumers: Vec<_> = g.consumers.iter().collect();
            consumers.sort_by(|a, b| a.name.cmp(&b.name));
            if let Some(w) = consumers.windows(2).find(|w| w[0].name == w[1].name) {
                return Err(invalid(format!(
                    "group '{}' has consumer '{}' twice",
                    show(&g.name),
                    show(&w[0].name)
                )));
            }
            let mut owned = HashSet::new();
            put_len(&mut self.out, consumers.len() as u64);
            for c in consumers {
                self.str(&c.name);
                put_ms64(&mut self.out, c.seen_time);
                if sv >= 3 {
                    put_ms64(&mut self.out, c.active_time);
                }
                let mut ids = c.pending.clone();
                ids.sort();
                put_len(&mut self.out, ids.len() as u64);
                for id in ids {
                    if !pel_ids.contains(&id) || !owned.insert(id) {
                        return Err(invalid(format!(
                            "consumer '{}' of group '{}' owns {id}, which is not in the group PEL or has another owner",
                            show(&c.name),
                            show(&g.name)
                        )));
                    }
                    self.out.extend_from_slice(&id.to_be_bytes());
                }
            }
            let nacked: HashSet<StreamId> = g.nacked.iter().copied().collect();
            if let Some(p) = pel
                .iter()
                .find(|p| !owned.contains(&p.id) && !nacked.contains(&p.id))
            {
                return Err(invalid(format!(
                    "pending entry {} of group '{}' has no consumer",
                    p.id,
                    show(&g.name)
                )));
            }
            if sv >= 5 {
                put_len(&mut self.out, g.nacked.len() as u64);
                for id in &g.nacked {
                    if !pel_ids.contains(id) || owned.contains(id) {
                        return Err(invalid(format!(
                            "NACKed id {id} of group '{}' is not an unowned pending entry",
                            show(&g.name)
                        )));
                    }
                    self.out.extend_from_slice(&id.to_be_bytes());
                }
            }
        }
        if sv >= 4 {
            match &s.idmp {
                Some(i) => {
                    put_len(&mut self.out, i.duration);
                    put_len(&mut self.out, i.max_entries);
                    put_len(&mut self.out, i.producers.len() as u64);
                    for p in &i.producers {
                        self.str(&p.pid);
                        put_len(&mut self.out, p.entries.len() as u64);
                        for e in &p.entries {
                            self.str(&e.iid);
                            put_stream_id_lens(&mut self.out, e.id);
                        }
                    }
                    put_len(&mut self.out, i.iids_added);
                    put_len(&mut self.out, i.iids_duplicates);
                }
                None => {
                    put_len(&mut self.out, DEFAULT_IDMP_DURATION);
                    put_len(&mut self.out, DEFAULT_IDMP_MAX_ENTRIES);
                    put_len(&mut self.out, 0);
                    put_len(&mut self.out, 0);
                    put_len(&mut self.out, 0);
                }
            }
        }
        Ok(match sv {
            1 => RDB_TYPE_STREAM_LISTPACKS,
            2 => RDB_TYPE_STREAM_LISTPACKS_2,
            3 => RDB_TYPE_STREAM_LISTPACKS_3,
            4 => RDB_TYPE_STREAM_LISTPACKS_4,
            _ => RDB_TYPE_STREAM_LISTPACKS_5,
        })
    }

    fn module(&mut self, m: &ModuleValue) -> Result<u8, ValueError> {
        check_module_items(&m.raw).map_err(ValueError::Invalid)?;
        put_len(&mut self.out, m.module_id);
        self.out.extend_from_slice(&m.raw);
        Ok(RDB_TYPE_MODULE_2)
    }

    fn array(&mut self, a: &ArrayValue) -> Result<u8, ValueError> {
        let mut els: Vec<&(u64, Vec<u8>)> = a.elements.iter().collect();
        els.sort_by_key(|e| e.0);
        if els.is_empty() {
            return Err(invalid("an array with no elements cannot be stored"));
        }
        if let Some(w) = els.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(invalid(format!("array index {} appears twice", w[0].0)));
        }
        if els.iter().any(|e| e.0 == u64::MAX) {
            return Err(invalid("array index 18446744073709551615 is reserved"));
        }
        put_len(&mut self.out, els.len() as u64);
        match a.insert_idx {
            Some(i) => {
                put_len(&mut self.out, 1);
                put_len(&mut self.out, i);
            }
            None => put_len(&mut self.out, 0),
        }
        for (idx, val) in els {
            put_len(&mut self.out, *idx);
            // Tag 0 (any string); the loader re-encodes it.
            put_len(&mut self.out, 0);
            self.str(val);
        }
        Ok(RDB_TYPE_ARRAY)
    }
}
