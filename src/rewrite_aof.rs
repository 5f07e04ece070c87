//! An offline `BGREWRITEAOF`: an AOF (single file, RDB-preamble file or
//! multi-part directory) replayed and written back as one compact base.
//!
//! A multi-part directory gets what a server's rewrite leaves
//! (`aof.c: rewriteAppendOnlyFileBackground` and
//! `backgroundRewriteDoneHandler`): a new BASE with the next base
//! sequence number, a new empty INCR with the next incr sequence number,
//! and a manifest naming only those two. Where Redis marks the previous
//! files HISTORY and deletes them, redfile leaves them on disk, out of
//! the manifest, and keeps the previous manifest as
//! `<manifest>.<old base seq>.bak`: renaming it back restores the
//! directory as it was. With `backup: false` the previous files are
//! deleted, as Redis does. Order of operations: new BASE (temporary file,
//! fsync, link into place), new INCR, directory fsync, and only then the
//! manifest (temporary file, fsync, rename, directory fsync): a crash at
//! any point leaves a manifest naming complete files.
//!
//! A single file is rewritten beside itself and renamed into place, the
//! original kept as `<file>.bak` unless `backup: false`
//! ([`crate::fsutil::replace_with`]).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::aof::layout::{resolve_layout, AofLayout, MultiPartAof};
use crate::aof::manifest::{AofFileType, Manifest, ManifestEntry};
use crate::aof::multipart::{AofNames, BaseKind, DEFAULT_APPEND_FILENAME};
use crate::convert::{
    dataset_ctime, input_header, lowest_lossless, BaseFormat, ConvertError, Output, OutputFormat,
    Versions,
};
use crate::fsutil::{create_with, replace_with, sync_dir, write_atomic, BackupPolicy, Clobber};
use crate::lossy::{GiveUps, Loss};
use crate::model::Dataset;
use crate::progress::{Progress, ProgressWrite};
use crate::replay::{load_dataset_with, ReplayError, SourceFormat};
use crate::write_aof::{write_hybrid_aof, write_resp_aof, AofWriteError};

/// Why a rewrite failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RewriteAofError {
    /// The input is an RDB file, not an AOF.
    #[error("{}: an RDB file, not an AOF (use `redfile convert` to write an AOF from it)", .0.display())]
    NotAof(PathBuf),
    /// A file the rewrite needs to create already exists.
    #[error("{} already exists; move it away first", .0.display())]
    Exists(PathBuf),
    /// Loading, measuring or writing failed.
    #[error(transparent)]
    Convert(#[from] ConvertError),
    /// A file system operation failed.
    #[error("{}: {source}", .file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The error.
        source: io::Error,
    },
}

impl From<ReplayError> for RewriteAofError {
    fn from(e: ReplayError) -> Self {
        RewriteAofError::Convert(e.into())
    }
}

/// How to rewrite.
#[derive(Debug, Clone, PartialEq)]
pub struct RewriteAofOptions {
    /// The new base: an RDB image (`aof-use-rdb-preamble yes`, the
    /// default) or RESP commands.
    pub base: BaseFormat,
    /// RDB version of the base (default: the input's RDB part's when
    /// writable, else the lowest that expresses the data: from 10 for a
    /// directory, which only Redis 7+ reads, from 9 for a single file).
    pub rdb_version: Option<u32>,
    /// Redis version whose commands a RESP base uses.
    pub redis_version: Option<crate::aof::rewrite::RedisVersion>,
    /// What may be dropped.
    pub give_ups: GiveUps,
    /// Keep the previous files (see the module docs).
    pub backup: bool,
    /// `ctime` when the input has none.
    pub ctime: i64,
}

impl Default for RewriteAofOptions {
    fn default() -> Self {
        RewriteAofOptions {
            base: BaseFormat::Rdb,
            rdb_version: None,
            redis_version: None,
            give_ups: GiveUps::default(),
            backup: true,
            ctime: 0,
        }
    }
}

/// What a rewrite left on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RewriteLayout {
    /// A single file replaced in place.
    SingleFile {
        /// The file.
        path: PathBuf,
        /// Where the original is kept.
        backup: Option<PathBuf>,
    },
    /// A multi-part directory with a new manifest.
    MultiPart {
        /// The manifest.
        manifest: PathBuf,
        /// The new BASE.
        base: PathBuf,
        /// The new, empty INCR.
        incr: PathBuf,
        /// The files the previous manifest named (base, history, incr).
        superseded: Vec<PathBuf>,
        /// The previous manifest, when kept (the superseded files are then
        /// still on disk).
        manifest_backup: Option<PathBuf>,
    },
}

/// What a rewrite did.
#[derive(Debug, Clone, PartialEq)]
pub struct RewriteAofOutcome {
    /// The input's layout.
    pub input_format: SourceFormat,
    /// Commands replayed.
    pub commands: u64,
    /// Keys in the new base.
    pub keys: usize,
    /// Versions written for.
    pub versions: Versions,
    /// What was dropped.
    pub dropped: Vec<Loss>,
    /// Size of the new file or BASE.
    pub bytes: u64,
    /// What is on disk now.
    pub layout: RewriteLayout,
}

/// Rewrites the AOF at `path` (file, manifest or directory).
pub fn rewrite_aof(
    path: &Path,
    opts: &RewriteAofOptions,
    progress: &dyn Progress,
) -> Result<RewriteAofOutcome, RewriteAofError> {
    let layout = resolve_layout(path).map_err(|source| ReplayError::Aof {
        file: path.to_path_buf(),
        source,
    })?;
    let header = input_header(path)?;
    let loaded = load_dataset_with(path, progress)?;
    if loaded.format == SourceFormat::Rdb {
        return Err(RewriteAofError::NotAof(path.to_path_buf()));
    }
    let mut ds = loaded.dataset;
    let multi = matches!(layout, AofLayout::MultiPart(_));
    let floor = if multi { 10 } else { 9 };
    let versions = Versions::resolve(
        header.as_ref(),
        opts.rdb_version,
        opts.redis_version,
        lowest_lossless(&ds, floor),
    )?;
    let out = Output {
        format: if multi {
            OutputFormat::MultiPart
        } else if opts.base == BaseFormat::Rdb {
            OutputFormat::Hybrid
        } else {
            OutputFormat::Aof
        },
        base: opts.base,
        versions,
        give_ups: opts.give_ups,
        aof_name: DEFAULT_APPEND_FILENAME.to_string(),
        overwrite: false,
        ctime: dataset_ctime(&ds).unwrap_or(opts.ctime),
    };
    let dropped = out.settle(&mut ds).map_err(ConvertError::from)?;
    let (bytes, layout) = match layout {
        AofLayout::MultiPart(mp) => rewrite_dir(&ds, &mp, &out, opts.backup, progress)?,
        AofLayout::Resp { path, .. } | AofLayout::Rdb { path, .. } => {
            rewrite_file(&ds, &path, &out, opts.backup, progress)?
        }
    };
    Ok(RewriteAofOutcome {
        input_format: loaded.format,
        commands: loaded.commands,
        keys: ds.len(),
        versions,
        dropped,
        bytes,
        layout,
    })
}

/// Writes the base content of `out` for `ds` into `w`.
fn fill_base<W: Write>(ds: &Dataset, out: &Output, w: W) -> Result<(), AofWriteError> {
    match out.base {
        BaseFormat::Rdb => {
            write_hybrid_aof(ds, &out.preamble_options(), &[], w)?;
        }
        BaseFormat::Resp => {
            let mut w = w;
            write_resp_aof(ds, &out.rewrite_options(), &mut w)?;
            w.flush()?;
        }
    }
    Ok(())
}

fn io_at(file: &Path) -> impl Fn(io::Error) -> RewriteAofError + '_ {
    move |source| RewriteAofError::Io {
        file: file.to_path_buf(),
        source,
    }
}

fn rewrite_file(
    ds: &Dataset,
    path: &Path,
    out: &Output,
    backup: bool,
    progress: &dyn Progress,
) -> Result<(u64, RewriteLayout), RewriteAofError> {
    let policy = if backup {
        BackupPolicy::Default
    } else {
        BackupPolicy::None
    };
    progress.start(&format!("writing {}", path.display()), None);
    let r = replace_with(path, &policy, |f| {
        let w = BufWriter::with_capacity(1 << 20, ProgressWrite::new(f, progress));
        fill_base(ds, out, w).map_err(io::Error::other)
    });
    progress.finish();
    let r = r.map_err(io_at(path))?;
    Ok((
        r.new_len,
        RewriteLayout::SingleFile {
            path: path.to_path_buf(),
            backup: r.backup,
        },
    ))
}

fn rewrite_dir(
    ds: &Dataset,
    mp: &MultiPartAof,
    out: &Output,
    backup: bool,
    progress: &dyn Progress,
) -> Result<(u64, RewriteLayout), RewriteAofError> {
    let dir = &mp.dir;
    let manifest_name = mp
        .manifest_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let names = AofNames {
        filename: manifest_name
            .strip_suffix(".manifest")
            .filter(|s| !s.is_empty())
            .unwrap_or(DEFAULT_APPEND_FILENAME)
            .to_string(),
        ..AofNames::default()
    };
    let kind = match out.base {
        BaseFormat::Rdb => BaseKind::Rdb,
        BaseFormat::Resp => BaseKind::Resp,
    };
    let old = &mp.manifest;
    let old_base_seq = old.base.as_ref().map_or(0, |b| b.seq);
    let taken = |name: &str| fs::symlink_metadata(dir.join(name)).is_ok();
    let mut base_seq = old_base_seq + 1;
    while taken(&names.base_file(base_seq, kind)) {
        base_seq += 1;
    }
    let mut incr_seq = old.incr.last().map_or(0, |i| i.seq) + 1;
    while taken(&names.incr_file(incr_seq)) {
        incr_seq += 1;
    }
    let manifest_backup = backup.then(|| dir.join(format!("{manifest_name}.{old_base_seq}.bak")));
    if let Some(b) = manifest_backup.as_ref().filter(|b| b.exists()) {
        return Err(RewriteAofError::Exists(b.clone()));
    }
    let base_name = names.base_file(base_seq, kind);
    let incr_name = names.incr_file(incr_seq);
    let base_path = dir.join(&base_name);
    let incr_path = dir.join(&incr_name);

    progress.start(&format!("writing {}", base_path.display()), None);
    let written = create_with(&base_path, Clobber::Refuse, |f| {
        let w = BufWriter::with_capacity(1 << 20, ProgressWrite::new(f, progress));
        fill_base(ds, out, w)
    });
    progress.finish();
    let bytes = written.map_err(|source| ConvertError::Write {
        file: base_path.clone(),
        source,
    })?;
    let undo = |e: RewriteAofError| {
        let _ = fs::remove_file(&base_path);
        e
    };
    create_with(&incr_path, Clobber::Refuse, |_| Ok::<(), io::Error>(()))
        .map_err(io_at(&incr_path))
        .map_err(undo)?;
    sync_dir(dir).map_err(io_at(dir)).map_err(undo)?;

    let entry = |file: String, seq, file_type| ManifestEntry {
        file: file.into_bytes(),
        seq,
        file_type,
        extra: Vec::new(),
    };
    let manifest = Manifest {
        base: Some(entry(base_name, base_seq, AofFileType::Base)),
        history: Vec::new(),
        incr: vec![entry(incr_name, incr_seq, AofFileType::Incr)],
    };
    let bytes_m = manifest.to_bytes().map_err(|e| RewriteAofError::Io {
        file: mp.manifest_path.clone(),
        source: io::Error::new(io::ErrorKind::InvalidData, e.to_string()),
    })?;
    let policy = match &manifest_backup {
        Some(b) => BackupPolicy::At(b.clone()),
        None => BackupPolicy::None,
    };
    write_atomic(&mp.manifest_path, &bytes_m, &policy)
        .map_err(io_at(&mp.manifest_path))
        .map_err(|e| {
            let _ = fs::remove_file(&incr_path);
            undo(e)
        })?;

    let superseded: Vec<PathBuf> = old
        .base
        .iter()
        .chain(&old.history)
        .chain(&old.incr)
        .map(|e| dir.join(e.file_name()))
        .filter(|p| *p != base_path && *p != incr_path)
        .collect();
    if !backup {
        for p in &superseded {
            match fs::remove_file(p) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_at(p)(e)),
            }
        }
        sync_dir(dir).map_err(io_at(dir))?;
    }
    Ok((
        bytes,
        RewriteLayout::MultiPart {
            manifest: mp.manifest_path.clone(),
            base: base_path,
            incr: incr_path,
            superseded,
            manifest_backup,
        },
    ))
}
