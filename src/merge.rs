//! Merging an RDB base and an AOF tail into one loadable AOF (or a
//! compacted RDB): what an operator holding a `dump.rdb` and the commands
//! written after it needs to restore both at once.
//!
//! | `--to` | output |
//! |---|---|
//! | hybrid | one file: the base's RDB bytes, then the tail's bytes verbatim (an `aof-use-rdb-preamble` AOF) |
//! | multipart | a Redis 7 directory: the base as `<name>.1.base.rdb`, the tail as `<name>.1.incr.aof`, the manifest |
//! | rdb | the base with the tail applied, replayed through the engine and written as an RDB |
//!
//! Before anything is written the tail is replayed on top of the base, the
//! way a server loads a preamble AOF (one client, db 0 selected at the
//! start, nothing expiring while loading): every command must be known and
//! none may answer with an error (also inside `EXEC`), and the tail must
//! end on a complete command outside `MULTI`. What could not be applied is
//! reported with its offset in the tail, and the merge is refused unless
//! forced.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::aof::layout::{resolve_layout, sniff_file, AofLayout, FileContent};
use crate::aof::multipart::{write_multipart_with, AofNames, BaseKind};
use crate::aof::resp::RespItem;
use crate::aof::scan::AofScanner;
use crate::convert::{
    dataset_ctime, input_header, refuse_existing, replace_dir, BaseFormat, ConvertError, Output,
    OutputFormat, Versions,
};
use crate::dump::RdbDumpDecoder;
use crate::engine::{Engine, Reply};
use crate::fsutil::{create_with, Clobber};
use crate::load::read_rdb_dataset_with;
use crate::lossy::{GiveUps, Loss};
use crate::model::Dataset;
use crate::progress::Progress;
use crate::rdb::writer::MIN_WRITE_VERSION;
use crate::rdb::{RdbReader, ReaderOptions};
use crate::replay::ReplayError;
use crate::write_aof::AofWriteError;

/// Issues kept in a [`TailCheck`] (all are counted).
pub const MAX_ISSUES: usize = 1000;

/// One command of the tail that could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TailIssue {
    /// Byte offset of the command in the tail file.
    pub offset: u64,
    /// The command's name as written (or what was expected there).
    pub command: String,
    /// Why: the error reply, or what is wrong with the bytes.
    pub error: String,
}

/// What replaying the tail on the base found.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct TailCheck {
    /// Commands replayed.
    pub commands: u64,
    /// The first [`MAX_ISSUES`] issues, in file order.
    pub issues: Vec<TailIssue>,
    /// Every issue, counted.
    pub issue_count: u64,
}

impl TailCheck {
    /// True when the whole tail applies.
    pub fn is_clean(&self) -> bool {
        self.issue_count == 0
    }

    fn push(&mut self, offset: u64, command: &[u8], error: impl ToString) {
        self.issue_count += 1;
        if self.issues.len() < MAX_ISSUES {
            self.issues.push(TailIssue {
                offset,
                command: String::from_utf8_lossy(command).into_owned(),
                error: error.to_string(),
            });
        }
    }
}

/// The tail does not apply to the base.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} of {} commands of the tail cannot be applied to the base{}", .0.issue_count, .0.commands, first(.0))]
pub struct TailRejected(pub TailCheck);

fn first(c: &TailCheck) -> String {
    c.issues
        .first()
        .map(|i| {
            format!(
                " (first at offset {}: {}: {})",
                i.offset, i.command, i.error
            )
        })
        .unwrap_or_default()
}

/// Why a merge failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// The base is not a plain RDB file.
    #[error("{}: the base must be an RDB file ({what})", .file.display())]
    NotRdb {
        /// The base.
        file: PathBuf,
        /// What it is instead.
        what: &'static str,
    },
    /// The tail is not a RESP AOF.
    #[error("{}: the tail must be a RESP AOF file ({what})", .file.display())]
    NotResp {
        /// The tail.
        file: PathBuf,
        /// What it is instead.
        what: &'static str,
    },
    /// The tail does not apply, and the merge was not forced.
    #[error(transparent)]
    Rejected(#[from] TailRejected),
    /// Loading or writing failed.
    #[error(transparent)]
    Convert(#[from] ConvertError),
}

impl From<ReplayError> for MergeError {
    fn from(e: ReplayError) -> Self {
        MergeError::Convert(e.into())
    }
}

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeFormat {
    /// RDB preamble + tail in one file.
    Hybrid,
    /// A multi-part directory with the base as BASE and the tail as INCR.
    MultiPart,
    /// The compacted RDB.
    Rdb,
}

/// How to merge.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeOptions {
    /// The output format.
    pub to: MergeFormat,
    /// Write even when the tail does not apply cleanly.
    pub force: bool,
    /// Replace an existing output.
    pub overwrite: bool,
    /// `appendfilename` of a multi-part output.
    pub aof_name: String,
    /// For `Rdb`: the version (default: the base's when writable).
    pub rdb_version: Option<u32>,
    /// For `Rdb`: what may be dropped.
    pub give_ups: GiveUps,
    /// For `Rdb`: `ctime` when the base has none.
    pub ctime: i64,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The tail's replay.
    pub check: TailCheck,
    /// Keys after the tail.
    pub keys: usize,
    /// For `Rdb`: the version written and what was dropped.
    pub rdb: Option<(u32, Vec<Loss>)>,
    /// Bytes written.
    pub bytes: u64,
}

/// Replays the RESP file `tail` on top of `base`, the way a server loads
/// the tail of a preamble AOF; returns the resulting dataset (the base's
/// AUX fields kept) and what could not be applied.
pub fn apply_tail(
    base: Dataset,
    tail: &Path,
    progress: &dyn Progress,
) -> Result<(Dataset, TailCheck), MergeError> {
    let aux = base.aux.clone();
    let mut engine = Engine::from_dataset_owned(base).map_err(|source| ReplayError::Command {
        file: tail.to_path_buf(),
        offset: 0,
        command: "(load base)".into(),
        source,
    })?;
    engine.set_loading(true);
    engine.set_dump_decoder(Box::new(RdbDumpDecoder));
    let io = |source| ReplayError::Io {
        file: tail.to_path_buf(),
        source,
    };
    let f = File::open(tail).map_err(io)?;
    let total = f.metadata().map(|m| m.len()).ok();
    progress.start(&format!("replaying {}", tail.display()), total);
    let mut scanner = AofScanner::new(BufReader::with_capacity(1 << 20, f), 0);
    let mut check = TailCheck::default();
    let mut multi_at = None;
    let mut damaged = false;
    loop {
        let item = match scanner.next_item() {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(e) => {
                // The scanner names the problem (a cut record, a MULTI
                // without EXEC, bytes that are not RESP).
                check.push(e.offset, b"(file)", &e.kind);
                damaged = true;
                break;
            }
        };
        let RespItem::Command(cmd) = &item.item else {
            continue;
        };
        let Some(name) = cmd.args.first() else {
            continue;
        };
        check.commands += 1;
        if check.commands % 4096 == 0 {
            progress.at(item.offset);
        }
        if name.eq_ignore_ascii_case(b"multi") && !engine.in_multi() {
            multi_at = Some(item.offset);
        }
        match engine.apply(&cmd.args) {
            Ok(Reply::Array(replies)) if name.eq_ignore_ascii_case(b"exec") => {
                for r in replies {
                    if let Reply::Error(e) = r {
                        check.push(item.offset, name, format!("inside the transaction: {e}"));
                    }
                }
            }
            Ok(_) => {}
            Err(e) => check.push(item.offset, name, e),
        }
    }
    progress.finish();
    if engine.in_multi() && !damaged {
        check.push(
            multi_at.unwrap_or(0),
            b"MULTI",
            "the transaction never ends with EXEC (a server discards it)",
        );
        engine.discard_multi();
    }
    let mut ds = engine.into_dataset();
    ds.aux = aux;
    Ok((ds, check))
}

/// Reads the base RDB whole; returns it and where its bytes end.
fn read_base(path: &Path, progress: &dyn Progress) -> Result<(Dataset, u64), MergeError> {
    let not_rdb = |what| MergeError::NotRdb {
        file: path.to_path_buf(),
        what,
    };
    let aof = |source| ReplayError::Aof {
        file: path.to_path_buf(),
        source,
    };
    let size = match resolve_layout(path).map_err(aof)? {
        AofLayout::Rdb { size, .. } => size,
        AofLayout::MultiPart(_) => return Err(not_rdb("it is a multi-part AOF")),
        AofLayout::Resp { .. } => return Err(not_rdb("it is a RESP AOF")),
    };
    let io = |source| ReplayError::Io {
        file: path.to_path_buf(),
        source,
    };
    let rdb_err = |source| ReplayError::Rdb {
        file: path.to_path_buf(),
        source,
    };
    let f = File::open(path).map_err(io)?;
    let reader = RdbReader::with_options(
        BufReader::with_capacity(1 << 20, f),
        ReaderOptions {
            size_hint: Some(size),
            ..ReaderOptions::default()
        },
    )
    .map_err(rdb_err)?;
    progress.start(&format!("reading {}", path.display()), Some(size));
    let read = read_rdb_dataset_with(reader, progress).map_err(rdb_err);
    progress.finish();
    let (ds, end) = read?;
    if end < size {
        return Err(not_rdb("bytes follow its RDB image: it is a preamble AOF"));
    }
    Ok((ds, end))
}

fn check_tail_file(tail: &Path) -> Result<(), MergeError> {
    let what = match sniff_file(tail).map_err(|source| ReplayError::Aof {
        file: tail.to_path_buf(),
        source,
    })? {
        FileContent::Resp | FileContent::Empty => return Ok(()),
        FileContent::Manifest => "it is a manifest",
        FileContent::Rdb(_) => "it starts with an RDB image",
    };
    Err(MergeError::NotResp {
        file: tail.to_path_buf(),
        what,
    })
}

/// Copies the first `len` bytes of `path` (all when `None`).
fn copy_from(path: &Path, len: Option<u64>, out: &mut impl Write) -> io::Result<()> {
    let f = File::open(path)?;
    match len {
        Some(n) => {
            if io::copy(&mut f.take(n), out)? != n {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{} shrank while copying", path.display()),
                ));
            }
        }
        None => {
            io::copy(&mut { f }, out)?;
        }
    }
    out.flush()
}

/// Merges `base` and `tail` into `output`.
pub fn merge(
    base: &Path,
    tail: &Path,
    output: &Path,
    opts: &MergeOptions,
    progress: &dyn Progress,
) -> Result<Merged, MergeError> {
    refuse_existing(base, output, opts.overwrite)?;
    refuse_existing(tail, output, opts.overwrite)?;
    check_tail_file(tail)?;
    let (ds, end) = read_base(base, progress)?;
    let (mut ds, check) = apply_tail(ds, tail, progress)?;
    if !check.is_clean() && !opts.force {
        return Err(TailRejected(check).into());
    }
    let clobber = if opts.overwrite {
        Clobber::Replace
    } else {
        Clobber::Refuse
    };
    let werr = |source: AofWriteError| ConvertError::Write {
        file: output.to_path_buf(),
        source,
    };
    let exists = |e: io::Error| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            ConvertError::Exists(output.to_path_buf())
        } else {
            werr(e.into())
        }
    };
    let mut rdb = None;
    let bytes = match opts.to {
        MergeFormat::Hybrid => create_with(output, clobber, |f| {
            let mut w = BufWriter::with_capacity(1 << 20, f);
            copy_from(base, Some(end), &mut w)?;
            copy_from(tail, None, &mut w)
        })
        .map_err(exists)?,
        MergeFormat::MultiPart => replace_dir(output, opts.overwrite, |parent, dirname| {
            let names = AofNames {
                filename: opts.aof_name.clone(),
                dirname: dirname.to_string(),
            };
            Ok(write_multipart_with(
                parent,
                &names,
                BaseKind::Rdb,
                |w| copy_from(base, Some(end), w),
                |w| copy_from(tail, None, w),
            )?)
        })
        .map_err(werr)?,
        MergeFormat::Rdb => {
            let header = input_header(base)?;
            // Without a version, the base's; else the lowest that holds
            // the data, as `convert` and `rewrite` choose.
            let fallback = crate::convert::lowest_lossless(&ds, MIN_WRITE_VERSION);
            let versions = Versions::resolve(header.as_ref(), opts.rdb_version, None, fallback)?;
            let out = Output {
                format: OutputFormat::Rdb,
                base: BaseFormat::Rdb,
                versions,
                give_ups: opts.give_ups,
                aof_name: opts.aof_name.clone(),
                overwrite: opts.overwrite,
                ctime: dataset_ctime(&ds).unwrap_or(opts.ctime),
            };
            let dropped = out.settle(&mut ds).map_err(ConvertError::from)?;
            rdb = Some((versions.rdb, dropped));
            out.write(&ds, output, progress)?
        }
    };
    Ok(Merged {
        check,
        keys: ds.len(),
        rdb,
        bytes,
    })
}
