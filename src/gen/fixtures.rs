//! `redfile gen`: a deterministic fixture set from a seeded dataset.
//!
//! ```text
//! rdb/gen-v9.rdb … gen-v14.rdb     one RDB per version (RDB 12+ with field TTLs)
//! aof/gen-plain.aof                RESP rewrite for Redis 7.0
//! aof/gen-hybrid.aof               RDB 10 preamble + a RESP tail
//! aof/multipart/appendonlydir/     RDB 10 base, an INCR with #TS lines, manifest
//! corrupt/…                        damaged copies, each with what was done
//! MANIFEST.json                    what every file holds and how it was damaged
//! ```
//!
//! Everything is a pure function of (seed, keys): no clock, no randomness
//! beyond the seed, so the set in the repository can be proved current by
//! regenerating it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{gen_dataset, Features};
use crate::aof::multipart::{AofNames, BaseKind};
use crate::aof::rewrite::{RedisVersion, RewriteOptions};
use crate::aof::writer::encode_command;
use crate::digest::{to_hex, DigestOptions, DigestRules};
use crate::model::Dataset;
use crate::rdb::writer::{write_dataset, AuxFields, WriteOptions};
use crate::write_aof::{preamble_write_options, write_hybrid_aof, write_resp_aof};

/// The save time written into generated files (2023-11-14).
pub const GEN_CTIME: i64 = 1_700_000_000;

/// Why a fixture set could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenError {
    /// Writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A writer refused the dataset.
    #[error("{0}")]
    Write(String),
}

/// How a damaged copy was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Damage {
    /// Cut to `len` bytes.
    Truncated {
        /// New length.
        len: u64,
    },
    /// The byte at `offset` was changed.
    FlippedByte {
        /// Offset of the byte.
        offset: u64,
    },
    /// `bytes` of garbage were written over the file at `offset`.
    Garbage {
        /// Where.
        offset: u64,
        /// How many bytes.
        bytes: u64,
    },
    /// A `MULTI` and one command were appended without `EXEC`.
    UnterminatedMulti {
        /// Offset of the `MULTI`.
        offset: u64,
    },
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneratedFile {
    /// Path relative to the output directory.
    pub path: String,
    /// `rdb`, `aof`, `hybrid-aof` or `multipart-aof`.
    pub format: &'static str,
    /// RDB version of the file or of its RDB part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rdb_version: Option<u32>,
    /// Keys per database of the dataset it holds.
    pub keys: BTreeMap<u64, usize>,
    /// `DEBUG DIGEST` of that dataset (rules of the matching Redis).
    pub digest: String,
    /// The Redis whose rules the digest follows.
    pub digest_rules: String,
    /// How it was damaged, for the copies under `corrupt/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub damage: Option<Damage>,
    /// The file it is a damaged copy of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub damaged_copy_of: Option<String>,
}

/// The manifest of a generated set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GenManifest {
    /// Seed.
    pub seed: u64,
    /// Keys requested.
    pub keys: usize,
    /// Every file.
    pub files: Vec<GeneratedFile>,
}

/// The Redis version whose digest rules and commands fit an RDB version.
fn redis_for_rdb(version: u32) -> (&'static str, RedisVersion) {
    match version {
        9 => ("6.2.0", RedisVersion::V6_2),
        10 => ("7.0.15", RedisVersion::V7_0),
        11 => ("7.2.0", RedisVersion::V7_2),
        12 => ("7.4.0", RedisVersion::V7_4),
        13 => ("8.6.0", RedisVersion::V8_6),
        _ => ("8.8.0", RedisVersion::V8_8),
    }
}

fn counts(ds: &Dataset) -> BTreeMap<u64, usize> {
    ds.dbs
        .iter()
        .filter(|(_, d)| !d.entries.is_empty())
        .map(|(db, d)| (*db, d.entries.len()))
        .collect()
}

fn digest_of(ds: &Dataset, redis: &str) -> (String, String) {
    let rules = DigestRules::for_version(redis);
    (
        to_hex(&DigestOptions::new(rules).dataset_digest(ds)),
        redis.to_string(),
    )
}

struct Out<'a> {
    root: &'a Path,
    files: Vec<GeneratedFile>,
}

impl Out<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), GenError> {
        let path = self.root.join(rel);
        let io = |source| GenError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, bytes).map_err(io)
    }

    fn record(&mut self, file: GeneratedFile) {
        self.files.push(file);
    }

    /// Writes a damaged copy of `of` (already written) and records it.
    fn damaged(
        &mut self,
        of: &GeneratedFile,
        rel: &str,
        bytes: &[u8],
        damage: Damage,
    ) -> Result<(), GenError> {
        self.write(rel, bytes)?;
        self.record(GeneratedFile {
            path: rel.to_string(),
            damage: Some(damage),
            damaged_copy_of: Some(of.path.clone()),
            ..of.clone()
        });
        Ok(())
    }
}

fn write_err(e: impl std::fmt::Display) -> GenError {
    GenError::Write(e.to_string())
}

fn rdb_bytes(ds: &Dataset, version: u32) -> Result<Vec<u8>, GenError> {
    let opts = WriteOptions {
        aux: AuxFields::Standard { ctime: GEN_CTIME },
        ..WriteOptions::for_version(version)
    };
    write_dataset(ds, &opts, Vec::new()).map_err(write_err)
}

/// Commands appended after a base: they change existing keys and add new
/// ones, so that replaying them is visible in the digest.
fn tail_commands() -> Vec<Vec<Vec<u8>>> {
    let cmd = |words: &[&str]| words.iter().map(|w| w.as_bytes().to_vec()).collect();
    vec![
        cmd(&["SELECT", "0"]),
        cmd(&["SET", "tail:string", "after the base"]),
        cmd(&["INCRBY", "tail:counter", "42"]),
        cmd(&["RPUSH", "tail:list", "a", "b", "c"]),
        cmd(&["MULTI"]),
        cmd(&["SADD", "tail:set", "x", "y"]),
        cmd(&["ZADD", "tail:zset", "1.5", "m"]),
        cmd(&["EXEC"]),
        cmd(&["SELECT", "1"]),
        cmd(&["HSET", "tail:hash", "f", "v"]),
    ]
}

/// The dataset plus the effect of [`tail_commands`].
fn with_tail(ds: &Dataset) -> Dataset {
    use crate::model::{Entry, HashField, Value};
    let mut ds = ds.clone();
    let db0 = &mut ds.dbs.entry(0).or_default().entries;
    db0.push(Entry::new(
        "tail:string",
        Value::String(b"after the base".to_vec()),
    ));
    db0.push(Entry::new("tail:counter", Value::String(b"42".to_vec())));
    db0.push(Entry::new(
        "tail:list",
        Value::List(vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]),
    ));
    db0.push(Entry::new(
        "tail:set",
        Value::Set(vec![b"x".to_vec(), b"y".to_vec()]),
    ));
    db0.push(Entry::new(
        "tail:zset",
        Value::SortedSet(vec![(b"m".to_vec(), 1.5)]),
    ));
    ds.dbs.entry(1).or_default().entries.push(Entry::new(
        "tail:hash",
        Value::Hash(vec![HashField {
            field: b"f".to_vec(),
            value: b"v".to_vec(),
            expire_ms: None,
        }]),
    ));
    ds
}

fn resp(cmds: &[Vec<Vec<u8>>]) -> Vec<u8> {
    cmds.iter().flat_map(|c| encode_command(c)).collect()
}

/// Writes the fixture set for `seed` into `dir` (which must be empty or
/// absent) and returns its manifest (also written as `MANIFEST.json`).
pub fn write_fixture_set(dir: &Path, seed: u64, keys: usize) -> Result<GenManifest, GenError> {
    let mut out = Out {
        root: dir,
        files: Vec::new(),
    };
    // One RDB per version, each holding what that version can express.
    let mut v11 = None;
    for version in 9..=14 {
        let ds = gen_dataset(seed, keys, Features::for_rdb_version(version));
        let bytes = rdb_bytes(&ds, version)?;
        let rel = format!("rdb/gen-v{version}.rdb");
        out.write(&rel, &bytes)?;
        let (redis, _) = redis_for_rdb(version);
        let (digest, digest_rules) = digest_of(&ds, redis);
        let file = GeneratedFile {
            path: rel,
            format: "rdb",
            rdb_version: Some(version),
            keys: counts(&ds),
            digest,
            digest_rules,
            damage: None,
            damaged_copy_of: None,
        };
        out.record(file.clone());
        if version == 11 {
            v11 = Some((file, bytes));
        }
    }

    // AOFs for Redis 7.0: RDB 10 features.
    let ds = gen_dataset(seed, keys, Features::for_rdb_version(10));
    let rewrite = RewriteOptions::for_version(RedisVersion::V7_0);
    let mut plain = Vec::new();
    write_resp_aof(&ds, &rewrite, &mut plain).map_err(write_err)?;
    out.write("aof/gen-plain.aof", &plain)?;
    let (digest, digest_rules) = digest_of(&ds, "7.0.15");
    let plain_file = GeneratedFile {
        path: "aof/gen-plain.aof".into(),
        format: "aof",
        rdb_version: None,
        keys: counts(&ds),
        digest,
        digest_rules,
        damage: None,
        damaged_copy_of: None,
    };
    out.record(plain_file.clone());

    let tailed = with_tail(&ds);
    let (digest, digest_rules) = digest_of(&tailed, "7.0.15");
    let hybrid = write_hybrid_aof(
        &ds,
        &preamble_write_options(10, GEN_CTIME),
        &tail_commands(),
        Vec::new(),
    )
    .map_err(write_err)?;
    out.write("aof/gen-hybrid.aof", &hybrid)?;
    out.record(GeneratedFile {
        path: "aof/gen-hybrid.aof".into(),
        format: "hybrid-aof",
        rdb_version: Some(10),
        keys: counts(&tailed),
        digest: digest.clone(),
        digest_rules: digest_rules.clone(),
        damage: None,
        damaged_copy_of: None,
    });

    // Multi-part: RDB base, an INCR with the tail and timestamp lines.
    let names = AofNames::default();
    let base = rdb_bytes_with(&ds, preamble_write_options(10, GEN_CTIME))?;
    let mut incr = format!("#TS:{GEN_CTIME}\r\n").into_bytes();
    let tail = tail_commands();
    incr.extend(resp(&tail[..4]));
    incr.extend(format!("#TS:{}\r\n", GEN_CTIME + 60).into_bytes());
    incr.extend(resp(&tail[4..]));
    let mp = "aof/multipart/appendonlydir";
    out.write(
        &format!("{mp}/{}", names.base_file(1, BaseKind::Rdb)),
        &base,
    )?;
    out.write(&format!("{mp}/{}", names.incr_file(1)), &incr)?;
    out.write(
        &format!("{mp}/{}", names.manifest_file()),
        &names
            .manifest(1, BaseKind::Rdb)
            .to_bytes()
            .map_err(write_err)?,
    )?;
    out.record(GeneratedFile {
        path: mp.into(),
        format: "multipart-aof",
        rdb_version: Some(10),
        keys: counts(&tailed),
        digest,
        digest_rules,
        damage: None,
        damaged_copy_of: None,
    });

    // Damaged copies.
    if let Some((file, bytes)) = v11 {
        let cut = bytes.len() * 2 / 3;
        out.damaged(
            &file,
            "corrupt/gen-v11-truncated.rdb",
            &bytes[..cut],
            Damage::Truncated { len: cut as u64 },
        )?;
        // A byte inside the last key's value: framing intact, CRC wrong.
        let at = bytes.len() - 8 - 1 - 2;
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x01;
        out.damaged(
            &file,
            "corrupt/gen-v11-flipped-byte.rdb",
            &flipped,
            Damage::FlippedByte { offset: at as u64 },
        )?;
    }
    let cut = plain.len() - 5;
    out.damaged(
        &plain_file,
        "corrupt/gen-plain-truncated.aof",
        &plain[..cut],
        Damage::Truncated { len: cut as u64 },
    )?;
    let mut garbage = plain.clone();
    let at = plain.len() / 2;
    // Overwrite from the start of the record at or after the middle.
    let at = plain[at..]
        .windows(3)
        .position(|w| w[0] == b'\n' && w[1] == b'*')
        .map_or(at, |p| at + p + 1);
    let junk = b"not a command\r\n";
    garbage[at..at + junk.len()].copy_from_slice(junk);
    out.damaged(
        &plain_file,
        "corrupt/gen-plain-garbage.aof",
        &garbage,
        Damage::Garbage {
            offset: at as u64,
            bytes: junk.len() as u64,
        },
    )?;
    let mut multi = plain.clone();
    let at = multi.len();
    multi.extend(resp(&[
        vec![b"MULTI".to_vec()],
        vec![
            b"SET".to_vec(),
            b"lost".to_vec(),
            b"in transaction".to_vec(),
        ],
    ]));
    out.damaged(
        &plain_file,
        "corrupt/gen-unterminated-multi.aof",
        &multi,
        Damage::UnterminatedMulti { offset: at as u64 },
    )?;

    let manifest = GenManifest {
        seed,
        keys,
        files: out.files,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(write_err)?;
    let mut json = json;
    json.push(b'\n');
    let out = Out {
        root: dir,
        files: Vec::new(),
    };
    out.write("MANIFEST.json", &json)?;
    Ok(manifest)
}

fn rdb_bytes_with(ds: &Dataset, opts: WriteOptions) -> Result<Vec<u8>, GenError> {
    write_dataset(ds, &opts, Vec::new()).map_err(write_err)
}
