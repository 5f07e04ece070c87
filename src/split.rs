//! Splitting a dataset into per-shard files by Redis Cluster hash slot
//! (`redfile split`).
//!
//! Each key goes to the shard whose slot ranges hold `keyHashSlot(key)`
//! ([`key_hash_slot`]: CRC16 of the key or of its `{hash tag}`). Shards
//! come from explicit ranges ([`parse_slot_spec`]) or from a cluster's
//! `nodes.conf` ([`parse_nodes_conf`]: the masters and the slots they
//! serve). An RDB input is streamed in one pass with one writer per shard,
//! so memory holds one value at a time; an AOF is replayed first. Every
//! output is written to a temporary file beside it, fsynced, and renamed
//! into place only when all shards are complete.
//!
//! A cluster has only database 0: keys of any other database are refused
//! unless one database is picked ([`SplitOptions::db`]), whose keys are
//! then written as database 0. Function libraries go to every shard (each
//! node needs them).

use std::fs::File;
use std::io::{BufWriter, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bytes_json::quoted;
use crate::engine::slot::{key_hash_slot, SLOTS};
use crate::export::{DumpFormat, DumpOptions, DumpWriter};
use crate::filter::KeyFilter;
use crate::fsutil::{create_temp, sync_dir};
use crate::inspect::{
    inspect_path_with, InspectError, InspectOptions, KeyItem, KeyVisitor, ValueNeed,
};
use crate::progress::Progress;
use crate::rdb::writer::{AuxFields, RdbWriteError, RdbWriter, WriteOptions};

/// One output shard: a name and the inclusive slot ranges it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shard {
    /// File name stem (`shard-0`, or a node id).
    pub name: String,
    /// The node's address, when read from `nodes.conf`.
    pub address: Option<String>,
    /// Inclusive slot ranges.
    pub ranges: Vec<(u16, u16)>,
}

/// Why a split could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// A slot range is malformed or out of bounds.
    #[error("invalid slot range {0:?} (expected N or N-M with 0 <= N <= M <= 16383)")]
    BadRange(String),
    /// Two shards claim a slot.
    #[error("slot {slot} is assigned to both {first} and {second}")]
    Overlap {
        /// The slot.
        slot: u16,
        /// One shard.
        first: String,
        /// The other.
        second: String,
    },
    /// A `nodes.conf` line could not be read.
    #[error("{file}: line {line}: {what}")]
    NodesConf {
        /// The file.
        file: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// No shard serves any slot.
    #[error("no shard serves any slot")]
    NoShards,
    /// A key's slot belongs to no shard.
    #[error("key {key} (db {db}) hashes to slot {slot}, which no shard serves")]
    Unassigned {
        /// Database.
        db: u64,
        /// The key, quoted.
        key: String,
        /// Its slot.
        slot: u16,
    },
    /// A key is outside database 0 and no database was picked.
    #[error("key {key} is in db {db}, but a cluster has only db 0: pick one database with --db")]
    NotDbZero {
        /// Database.
        db: u64,
        /// The key, quoted.
        key: String,
    },
    /// The input could not be read.
    #[error(transparent)]
    Input(#[from] InspectError),
    /// A shard could not be written.
    #[error("cannot write {file}: {source}")]
    Write {
        /// The output file.
        file: PathBuf,
        /// Why.
        source: RdbWriteError,
    },
    /// Creating, syncing or renaming an output failed.
    #[error("cannot write {file}: {source}")]
    Io {
        /// The output file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn parse_range(s: &str) -> Result<(u16, u16), SplitError> {
    let bad = || SplitError::BadRange(s.to_string());
    let num = |t: &str| t.trim().parse::<u16>().ok().filter(|&n| n < SLOTS);
    let (lo, hi) = match s.split_once('-') {
        Some((a, b)) => (num(a).ok_or_else(bad)?, num(b).ok_or_else(bad)?),
        None => {
            let n = num(s).ok_or_else(bad)?;
            (n, n)
        }
    };
    if lo > hi {
        return Err(bad());
    }
    Ok((lo, hi))
}

/// Shards from `--slots`: shards separated by `,`, the ranges of one shard
/// joined by `+` (`0-5460,5461-10922,10923-16383` or `0-99+200-299,100-199`).
/// Shard `i` is named `shard-i`.
pub fn parse_slot_spec(spec: &str) -> Result<Vec<Shard>, SplitError> {
    let mut shards = Vec::new();
    for (i, part) in spec.split(',').enumerate() {
        let ranges = part
            .split('+')
            .map(parse_range)
            .collect::<Result<Vec<_>, _>>()?;
        shards.push(Shard {
            name: format!("shard-{i}"),
            address: None,
            ranges,
        });
    }
    slot_table(&shards)?;
    Ok(shards)
}

/// Shards from a cluster's `nodes.conf` (`clusterLoadConfig`): one per
/// master serving slots, named by node id. Each node line is `id
/// ip:port@cport[,hostname] flags master ping pong epoch link slot...`;
/// migration markers (`[slot->-id]`, `[slot-<-id]`) and the `vars` line are
/// ignored.
pub fn parse_nodes_conf(path: &Path, text: &str) -> Result<Vec<Shard>, SplitError> {
    let mut shards = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let err = |what: String| SplitError::NodesConf {
            file: path.to_path_buf(),
            line: n + 1,
            what,
        };
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() || fields[0] == "vars" {
            continue;
        }
        if fields.len() < 8 {
            return Err(err(format!(
                "a node line has at least 8 fields, found {}",
                fields.len()
            )));
        }
        if !fields[2].split(',').any(|f| f == "master") {
            continue;
        }
        let mut ranges = Vec::new();
        for slot in &fields[8..] {
            if slot.starts_with('[') {
                continue;
            }
            ranges.push(parse_range(slot).map_err(|e| err(e.to_string()))?);
        }
        if ranges.is_empty() {
            continue;
        }
        let address = fields[1].split(['@', ',']).next().unwrap_or(fields[1]);
        shards.push(Shard {
            name: fields[0].to_string(),
            address: Some(address.to_string()),
            ranges,
        });
    }
    slot_table(&shards)?;
    Ok(shards)
}

/// Shard index per slot (`u16::MAX`: none), refusing overlaps.
fn slot_table(shards: &[Shard]) -> Result<Vec<u16>, SplitError> {
    if shards.is_empty() {
        return Err(SplitError::NoShards);
    }
    let mut table = vec![u16::MAX; usize::from(SLOTS)];
    for (i, s) in shards.iter().enumerate() {
        for &(lo, hi) in &s.ranges {
            for slot in lo..=hi {
                let owner = &mut table[usize::from(slot)];
                if *owner != u16::MAX && usize::from(*owner) != i {
                    return Err(SplitError::Overlap {
                        slot,
                        first: shards[usize::from(*owner)].name.clone(),
                        second: s.name.clone(),
                    });
                }
                *owner = i as u16;
            }
        }
    }
    Ok(table)
}

/// The output format of a split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitFormat {
    /// RDB files of [`SplitOptions::rdb_version`].
    Rdb,
    /// RESP AOFs (`FUNCTION LOAD`, then the commands of an AOF rewrite).
    Resp,
}

/// How to split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitOptions {
    /// Output format.
    pub format: SplitFormat,
    /// RDB version of the outputs (`None`: the input's, if redfile writes
    /// it, else 11).
    pub rdb_version: Option<u32>,
    /// The database to split (written as db 0); `None` refuses keys
    /// outside db 0.
    pub db: Option<u64>,
    /// `ctime` of the outputs' AUX fields, Unix seconds.
    pub ctime: i64,
}

/// What one shard received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShardReport {
    /// The shard.
    #[serde(flatten)]
    pub shard: Shard,
    /// The file written.
    pub file: PathBuf,
    /// Keys written.
    pub keys: u64,
}

/// Where a shard's bytes go.
enum Sink {
    Rdb {
        w: Box<RdbWriter<BufWriter<File>>>,
        selected: bool,
    },
    Resp(DumpWriter<BufWriter<File>>),
}

struct Output {
    tmp: PathBuf,
    path: PathBuf,
    sink: Sink,
    keys: u64,
}

struct Router<'a> {
    table: Vec<u16>,
    outputs: &'a mut [Output],
    db: Option<u64>,
}

fn visitor_err(e: impl std::error::Error + Send + Sync + 'static) -> InspectError {
    InspectError::Visitor(Box::new(e))
}

impl KeyVisitor for Router<'_> {
    fn aux(&mut self, key: &[u8], value: &[u8]) -> Result<(), InspectError> {
        for o in self.outputs.iter_mut() {
            // `dump`'s writer takes the file's version from `redis-ver`.
            if let Sink::Resp(d) = &mut o.sink {
                d.aux(key, value)?;
            }
        }
        Ok(())
    }

    fn function(&mut self, code: &[u8]) -> Result<(), InspectError> {
        for o in self.outputs.iter_mut() {
            match &mut o.sink {
                Sink::Rdb { w, .. } => w.write_function(code).map_err(|source| {
                    visitor_err(SplitError::Write {
                        file: o.path.clone(),
                        source,
                    })
                })?,
                Sink::Resp(d) => d.function(code)?,
            }
        }
        Ok(())
    }

    fn key(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError> {
        match self.db {
            // Skipped before its value is decoded.
            Some(db) if item.db != db => return Ok(()),
            None if item.db != 0 => {
                return Err(visitor_err(SplitError::NotDbZero {
                    db: item.db,
                    key: quoted(item.key),
                }))
            }
            _ => {}
        }
        let slot = key_hash_slot(item.key);
        let owner = self.table[usize::from(slot)];
        let Some(o) = self.outputs.get_mut(usize::from(owner)) else {
            return Err(visitor_err(SplitError::Unassigned {
                db: item.db,
                key: quoted(item.key),
                slot,
            }));
        };
        o.keys += 1;
        match &mut o.sink {
            Sink::Rdb { w, selected } => {
                let write = |w: &mut RdbWriter<BufWriter<File>>, selected: &mut bool| {
                    if !*selected {
                        w.select_db(0, 0, 0)?;
                        *selected = true;
                    }
                    let entry = item.entry().map_err(|e| {
                        RdbWriteError::Invalid(format!("cannot decode {}: {e}", quoted(item.key)))
                    })?;
                    w.write_entry(&entry)
                };
                write(w, selected).map_err(|source| {
                    visitor_err(SplitError::Write {
                        file: o.path.clone(),
                        source,
                    })
                })
            }
            Sink::Resp(d) => {
                let mut it = *item;
                it.db = 0;
                d.key(&it)
            }
        }
    }
}

/// The RDB version an input starts with, when it starts with a `REDIS`
/// signature redfile writes (9 to 14).
fn input_rdb_version(path: &Path) -> Option<u32> {
    let mut head = [0u8; 9];
    File::open(path).ok()?.read_exact(&mut head).ok()?;
    let h = crate::rdb::header::parse_header(&head).ok()?;
    (h.family == crate::rdb::Family::Redis && (9..=14).contains(&h.version)).then_some(h.version)
}

/// Splits `input` into one file per shard in `out_dir` (created if
/// missing), named `<shard>.rdb` or `<shard>.aof`. Nothing is left in
/// `out_dir` unless every shard was written.
pub fn split_path(
    input: &Path,
    shards: &[Shard],
    out_dir: &Path,
    opts: &SplitOptions,
    progress: &dyn Progress,
) -> Result<Vec<ShardReport>, SplitError> {
    let table = slot_table(shards)?;
    let io = |file: &Path| {
        let file = file.to_path_buf();
        move |source| SplitError::Io { file, source }
    };
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let version = opts
        .rdb_version
        .or_else(|| input_rdb_version(input))
        .unwrap_or(11);
    let mut outputs: Vec<Output> = Vec::with_capacity(shards.len());
    let result = (|| {
        for s in shards {
            let ext = match opts.format {
                SplitFormat::Rdb => "rdb",
                SplitFormat::Resp => "aof",
            };
            let path = out_dir.join(format!("{}.{ext}", s.name));
            let (tmp, file) = create_temp(&path).map_err(io(&path))?;
            let out = BufWriter::with_capacity(1 << 16, file);
            let sink = match opts.format {
                SplitFormat::Rdb => {
                    let wopts = WriteOptions {
                        aux: AuxFields::None,
                        ..WriteOptions::for_version(version)
                    };
                    let write_err = |source| SplitError::Write {
                        file: path.clone(),
                        source,
                    };
                    let mut w = RdbWriter::new(out, wopts).map_err(write_err)?;
                    w.write_standard_aux(opts.ctime).map_err(write_err)?;
                    Sink::Rdb {
                        w: Box::new(w),
                        selected: false,
                    }
                }
                SplitFormat::Resp => Sink::Resp(DumpWriter::new(
                    out,
                    DumpOptions {
                        format: DumpFormat::Resp,
                        redis_version: None,
                    },
                )),
            };
            outputs.push(Output {
                tmp,
                path,
                sink,
                keys: 0,
            });
        }
        // Databases are picked by the router: a filter selecting keys
        // would leave the function libraries out.
        let filter = KeyFilter::default();
        let mut router = Router {
            table,
            outputs: &mut outputs,
            db: opts.db,
        };
        inspect_path_with(
            input,
            &filter,
            InspectOptions {
                values: ValueNeed::Whole,
            },
            &mut router,
            progress,
        )
        .map_err(|e| match e {
            InspectError::Visitor(inner) => match inner.downcast::<SplitError>() {
                Ok(split) => *split,
                Err(other) => SplitError::Input(InspectError::Visitor(other)),
            },
            e => SplitError::Input(e),
        })?;
        let mut done = Vec::with_capacity(outputs.len());
        for o in outputs.drain(..) {
            let file = match o.sink {
                Sink::Rdb { w, .. } => w.finish().map_err(|source| SplitError::Write {
                    file: o.path.clone(),
                    source,
                })?,
                Sink::Resp(d) => d.finish().map_err(io(&o.path))?,
            };
            let file = file.into_inner().map_err(|e| SplitError::Io {
                file: o.path.clone(),
                source: e.into_error(),
            })?;
            file.sync_all().map_err(io(&o.path))?;
            done.push((o.tmp, o.path, o.keys));
        }
        Ok(done)
    })();
    let done = match result {
        Ok(done) => done,
        Err(e) => {
            for o in &outputs {
                let _ = std::fs::remove_file(&o.tmp);
            }
            return Err(e);
        }
    };
    let mut reports = Vec::with_capacity(done.len());
    for ((tmp, path, keys), shard) in done.into_iter().zip(shards) {
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        reports.push(ShardReport {
            shard: shard.clone(),
            file: path,
            keys,
        });
    }
    sync_dir(out_dir).map_err(io(out_dir))?;
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_specs() {
        let s = parse_slot_spec("0-5460,5461-10922,10923-16383").expect("valid");
        assert_eq!(s.len(), 3);
        assert_eq!(s[1].ranges, vec![(5461, 10922)]);
        let s = parse_slot_spec("0-99+200-299,100-199").expect("valid");
        assert_eq!(s[0].ranges, vec![(0, 99), (200, 299)]);
        assert!(matches!(
            parse_slot_spec("0-100,100-200"),
            Err(SplitError::Overlap { slot: 100, .. })
        ));
        assert!(parse_slot_spec("0-16384").is_err());
        assert!(parse_slot_spec("9-3").is_err());
    }

    #[test]
    fn nodes_conf_masters_and_markers() {
        let text = "\
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@40001,host1 myself,master - 0 0 1 connected 0-5460 [5461->-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f]
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30002@40002 master - 0 1426238317239 2 connected 5461-10922
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30003@40003 slave 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 1426238316232 2 connected
824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:30004@40004 master - 0 1426238318243 3 connected 10923-16383
vars currentEpoch 3 lastVoteEpoch 0
";
        let s = parse_nodes_conf(Path::new("nodes.conf"), text).expect("valid");
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].address.as_deref(), Some("127.0.0.1:30001"));
        assert_eq!(s[0].ranges, vec![(0, 5460)]);
        assert_eq!(s[2].name, "824fe116063bc5fcf9f4ffd895bc17aee7731ac3");
    }
}
