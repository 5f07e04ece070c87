//! Converting between persistence formats offline: what users do today
//! with a live server in the middle (load the file, `SAVE` or
//! `BGREWRITEAOF`), from any input redfile reads to any output a server
//! loads.
//!
//! | from \ to | RDB | AOF (rewrite form) | hybrid AOF | multi-part dir |
//! |---|---|---|---|---|
//! | RDB | decoded, re-encoded for the target version | decoded | decoded | decoded |
//! | AOF (any layout) | replayed through the engine | replayed | replayed | replayed |
//!
//! The input is loaded whole ([`crate::replay::load_dataset_with`]), then
//! measured against the target ([`crate::lossy::settle`]: what the target
//! cannot express is refused unless given up), then written by the
//! existing writers ([`crate::rdb::writer`], [`crate::write_aof`]). Every
//! encoding is chosen by the writer for the target version: listpacks
//! become ziplists for RDB 9, stream metadata of stream v2/v3 is left out
//! below RDB 10/11 as those servers never had it.
//!
//! Outputs are created atomically (temporary file, fsync, link or rename,
//! directory fsync); the input is only read.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::aof::layout::{resolve_layout, AofLayout, FileContent};
use crate::aof::multipart::{AofNames, MultiPartError, DEFAULT_APPEND_FILENAME};
use crate::aof::rewrite::{RedisVersion, RewriteOptions};
use crate::fsutil::{create_with, sync_dir, Clobber};
use crate::lossy::{settle, GiveUps, Loss, LossTarget, Refused};
use crate::model::Dataset;
use crate::progress::{Progress, ProgressWrite};
use crate::rdb::header::{parse_header, HEADER_LEN};
use crate::rdb::writer::{inexpressible, AuxFields, MAX_WRITE_VERSION, MIN_WRITE_VERSION};
use crate::rdb::{write_dataset, Family, RdbError, RdbHeader, WriteOptions};
use crate::replay::{load_dataset_with, ReplayError, SourceFormat};
use crate::write_aof::{
    preamble_write_options, rdb_version_for, write_hybrid_aof, write_multipart_aof, write_resp_aof,
    AofWriteError, MultiPartBase, MultiPartOptions,
};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// An RDB file.
    Rdb,
    /// A RESP AOF in the form `BGREWRITEAOF` writes
    /// (`aof-use-rdb-preamble no`).
    Aof,
    /// A single AOF file: an RDB preamble and no commands
    /// (`aof-use-rdb-preamble yes`, Redis 4.0–6.2).
    Hybrid,
    /// A Redis 7+ multi-part directory: BASE, empty INCR, manifest.
    MultiPart,
}

/// What the BASE of a multi-part AOF holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BaseFormat {
    /// An RDB image (`.base.rdb`, `aof-use-rdb-preamble yes`).
    #[default]
    Rdb,
    /// RESP commands (`.base.aof`, `aof-use-rdb-preamble no`).
    Resp,
}

/// The versions an output is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    /// The RDB version of an RDB file, preamble or BASE.
    pub rdb: u32,
    /// The Redis version whose rewrite commands an AOF holds.
    pub redis: RedisVersion,
}

/// The release line that writes `rdb` (the commands its rewrite uses).
pub fn redis_version_for_rdb(rdb: u32) -> RedisVersion {
    match rdb {
        0..=9 => RedisVersion::V6_2,
        10 => RedisVersion::V7_0,
        11 => RedisVersion::V7_2,
        12 => RedisVersion::V7_4,
        13 => RedisVersion::V8_6,
        _ => RedisVersion::V8_8,
    }
}

/// True for an RDB version the writer produces.
pub fn is_writable(header: &RdbHeader) -> bool {
    header.family == Family::Redis
        && (MIN_WRITE_VERSION..=MAX_WRITE_VERSION).contains(&header.version)
}

impl Versions {
    /// Decides both versions: an explicit `rdb` wins (and gives the
    /// commands of its release unless `redis` is given too); an explicit
    /// `redis` alone gives the RDB version that release writes; otherwise
    /// the input's RDB version when the writer can write it, else
    /// `fallback`.
    pub fn resolve(
        input: Option<&RdbHeader>,
        rdb: Option<u32>,
        redis: Option<RedisVersion>,
        fallback: u32,
    ) -> Result<Versions, ConvertError> {
        let rdb = match (rdb, redis) {
            (Some(v), _) => v,
            (None, Some(r)) => rdb_version_for(r),
            (None, None) => input
                .filter(|h| is_writable(h))
                .map_or(fallback, |h| h.version),
        };
        if !(MIN_WRITE_VERSION..=MAX_WRITE_VERSION).contains(&rdb) {
            return Err(ConvertError::UnsupportedVersion(rdb));
        }
        Ok(Versions {
            rdb,
            redis: redis.unwrap_or_else(|| redis_version_for_rdb(rdb)),
        })
    }
}

/// Why a conversion failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// The input could not be loaded.
    #[error(transparent)]
    Load(#[from] ReplayError),
    /// The input's RDB header is unreadable.
    #[error("{file}: {source}")]
    Header {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        source: RdbError,
    },
    /// An RDB version the writer does not produce.
    #[error("cannot write rdb version {0}: versions {MIN_WRITE_VERSION} to {MAX_WRITE_VERSION} are supported")]
    UnsupportedVersion(u32),
    /// The target cannot express part of the data, and it was not given up.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// The output exists (and overwriting was not asked for), or is the
    /// input itself.
    #[error("{} already exists (use --force to replace it)", .0.display())]
    Exists(PathBuf),
    /// The output would replace the input.
    #[error("{} is the input: refusing to overwrite it", .0.display())]
    SameAsInput(PathBuf),
    /// Writing the output failed.
    #[error("writing {file}: {source}")]
    Write {
        /// The output.
        file: PathBuf,
        /// Why.
        source: AofWriteError,
    },
}

/// How to convert.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertOptions {
    /// The output format.
    pub to: OutputFormat,
    /// The RDB version to write (default: see [`Versions::resolve`], with
    /// [`lowest_lossless`] as fallback: from 10 for a multi-part output).
    pub rdb_version: Option<u32>,
    /// The Redis version whose commands an AOF uses.
    pub redis_version: Option<RedisVersion>,
    /// What may be dropped.
    pub give_ups: GiveUps,
    /// The BASE of a multi-part output.
    pub base: BaseFormat,
    /// `appendfilename` of a multi-part output.
    pub aof_name: String,
    /// Replace an existing output.
    pub overwrite: bool,
    /// Save time (Unix seconds) written as `ctime` when the input has none.
    pub ctime: i64,
}

impl ConvertOptions {
    /// Defaults for `to`.
    pub fn new(to: OutputFormat) -> Self {
        ConvertOptions {
            to,
            rdb_version: None,
            redis_version: None,
            give_ups: GiveUps::default(),
            base: BaseFormat::Rdb,
            aof_name: DEFAULT_APPEND_FILENAME.to_string(),
            overwrite: false,
            ctime: 0,
        }
    }
}

/// What a conversion did.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// The input's format.
    pub input_format: SourceFormat,
    /// The input's RDB header (of its RDB, preamble or BASE), if any.
    pub input_header: Option<RdbHeader>,
    /// Commands replayed to load it.
    pub commands: u64,
    /// The versions written for.
    pub versions: Versions,
    /// Keys written.
    pub keys: usize,
    /// What was dropped (given up).
    pub dropped: Vec<Loss>,
    /// Bytes written (all files).
    pub bytes: u64,
}

/// The RDB header of an input's RDB, preamble or RDB BASE, if it has one.
pub fn input_header(path: &Path) -> Result<Option<RdbHeader>, ConvertError> {
    let file = match resolve_layout(path).map_err(|source| ReplayError::Aof {
        file: path.to_path_buf(),
        source,
    })? {
        AofLayout::Rdb { path, .. } => path,
        AofLayout::MultiPart(mp) => match mp.parts.first() {
            Some(p) if matches!(p.content, FileContent::Rdb(_)) => p.path.clone(),
            _ => return Ok(None),
        },
        AofLayout::Resp { .. } => return Ok(None),
    };
    let mut head = [0u8; HEADER_LEN];
    let io = |source| ReplayError::Io {
        file: file.clone(),
        source,
    };
    File::open(&file)
        .and_then(|mut f| f.read_exact(&mut head))
        .map_err(io)?;
    parse_header(&head)
        .map(Some)
        .map_err(|source| ConvertError::Header { file, source })
}

/// The `ctime` AUX field of a dataset, if it has a valid one.
pub fn dataset_ctime(ds: &Dataset) -> Option<i64> {
    ds.aux
        .iter()
        .find(|(k, _)| k == b"ctime")
        .and_then(|(_, v)| std::str::from_utf8(v).ok()?.parse().ok())
}

/// Converts `input` into `output`.
pub fn convert(
    input: &Path,
    output: &Path,
    opts: &ConvertOptions,
    progress: &dyn Progress,
) -> Result<Converted, ConvertError> {
    convert_keeping(input, output, opts, progress).map(|(c, _)| c)
}

/// [`convert`], also giving back the dataset written (after give-ups).
/// Dropping a large dataset frees millions of small allocations and takes
/// seconds; a caller that exits right after can skip that.
pub fn convert_keeping(
    input: &Path,
    output: &Path,
    opts: &ConvertOptions,
    progress: &dyn Progress,
) -> Result<(Converted, Dataset), ConvertError> {
    refuse_existing(input, output, opts.overwrite)?;
    let header = input_header(input)?;
    // Explicit versions are checked before the (long) load.
    Versions::resolve(
        header.as_ref(),
        opts.rdb_version,
        opts.redis_version,
        MAX_WRITE_VERSION,
    )?;
    let loaded = load_dataset_with(input, progress)?;
    let mut ds = loaded.dataset;
    // A directory is only read by Redis 7+ (RDB 10).
    let floor = if opts.to == OutputFormat::MultiPart {
        10
    } else {
        MIN_WRITE_VERSION
    };
    let versions = Versions::resolve(
        header.as_ref(),
        opts.rdb_version,
        opts.redis_version,
        lowest_lossless(&ds, floor),
    )?;
    let out = Output {
        format: opts.to,
        base: opts.base,
        versions,
        give_ups: opts.give_ups,
        aof_name: opts.aof_name.clone(),
        overwrite: opts.overwrite,
        ctime: dataset_ctime(&ds).unwrap_or(opts.ctime),
    };
    let dropped = out.settle(&mut ds)?;
    let bytes = out.write(&ds, output, progress)?;
    let converted = Converted {
        input_format: loaded.format,
        input_header: header,
        commands: loaded.commands,
        versions,
        keys: ds.len(),
        dropped,
        bytes,
    };
    Ok((converted, ds))
}

/// The lowest RDB version from `floor` that expresses `ds` entirely: the
/// default target when neither the options nor the input name one, so
/// that the oldest server that can hold the data loads the output.
pub fn lowest_lossless(ds: &Dataset, floor: u32) -> u32 {
    let floor = floor.clamp(MIN_WRITE_VERSION, MAX_WRITE_VERSION);
    // One pass: what `floor` lacks, each feature with the version that
    // has it.
    inexpressible(ds, &WriteOptions::for_version(floor))
        .iter()
        .map(|i| i.feature.since_version())
        .fold(floor, u32::max)
        .min(MAX_WRITE_VERSION)
}

/// Refuses an output that exists (unless `overwrite`) or that is the
/// input (always).
pub fn refuse_existing(input: &Path, output: &Path, overwrite: bool) -> Result<(), ConvertError> {
    if fs::symlink_metadata(output).is_err() {
        return Ok(());
    }
    if let (Ok(i), Ok(o)) = (fs::canonicalize(input), fs::canonicalize(output)) {
        if i == o || i.starts_with(&o) {
            return Err(ConvertError::SameAsInput(output.to_path_buf()));
        }
    }
    if overwrite {
        Ok(())
    } else {
        Err(ConvertError::Exists(output.to_path_buf()))
    }
}

/// One output to write from a dataset: shared by `convert`, `merge` and
/// `rewrite`.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The format.
    pub format: OutputFormat,
    /// The BASE of a multi-part output.
    pub base: BaseFormat,
    /// The versions written for.
    pub versions: Versions,
    /// What may be dropped.
    pub give_ups: GiveUps,
    /// `appendfilename` of a multi-part output.
    pub aof_name: String,
    /// Replace an existing output.
    pub overwrite: bool,
    /// `ctime` of the RDB written.
    pub ctime: i64,
}

impl Output {
    /// What the data is measured against.
    pub fn loss_target(&self) -> LossTarget {
        Output::loss_target_of(self.format, self.base, self.versions)
    }

    /// What an output of `format` (with `base`) is measured against.
    pub fn loss_target_of(
        format: OutputFormat,
        base: BaseFormat,
        versions: Versions,
    ) -> LossTarget {
        match (format, base) {
            (OutputFormat::Aof, _) | (OutputFormat::MultiPart, BaseFormat::Resp) => {
                LossTarget::Aof(versions.redis)
            }
            _ => LossTarget::Rdb(versions.rdb),
        }
    }

    /// Refuses what the output cannot express unless given up; strips
    /// what is given up from `ds`.
    pub fn settle(&self, ds: &mut Dataset) -> Result<Vec<Loss>, Refused> {
        settle(ds, self.loss_target(), self.give_ups)
    }

    /// The options of a standalone RDB: what the target's server writes
    /// on `SAVE`.
    pub fn rdb_options(&self) -> WriteOptions {
        WriteOptions {
            aux: AuxFields::Standard { ctime: self.ctime },
            lossy: self.give_ups.rdb_lossy(),
            ..WriteOptions::for_version(self.versions.rdb)
        }
    }

    /// The options of an AOF preamble or RDB BASE.
    pub fn preamble_options(&self) -> WriteOptions {
        WriteOptions {
            lossy: self.give_ups.rdb_lossy(),
            ..preamble_write_options(self.versions.rdb, self.ctime)
        }
    }

    /// The commands of a RESP AOF or BASE.
    pub fn rewrite_options(&self) -> RewriteOptions {
        RewriteOptions::for_version(self.versions.redis)
    }

    /// Writes `ds` (already settled) to `path`; returns the bytes written.
    pub fn write(
        &self,
        ds: &Dataset,
        path: &Path,
        progress: &dyn Progress,
    ) -> Result<u64, ConvertError> {
        let clobber = if self.overwrite {
            Clobber::Replace
        } else {
            Clobber::Refuse
        };
        let werr = |source: AofWriteError| match &source {
            AofWriteError::Io(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                ConvertError::Exists(path.to_path_buf())
            }
            _ => ConvertError::Write {
                file: path.to_path_buf(),
                source,
            },
        };
        progress.start(&format!("writing {}", path.display()), None);
        let result = match self.format {
            OutputFormat::Rdb => create_with(path, clobber, |f| {
                let w = buffered(f, progress);
                write_dataset(ds, &self.rdb_options(), w)?;
                Ok::<(), AofWriteError>(())
            }),
            OutputFormat::Hybrid => create_with(path, clobber, |f| {
                write_hybrid_aof(ds, &self.preamble_options(), &[], buffered(f, progress))?;
                Ok(())
            }),
            OutputFormat::Aof => create_with(path, clobber, |f| {
                let mut w = buffered(f, progress);
                write_resp_aof(ds, &self.rewrite_options(), &mut w)?;
                w.flush()?;
                Ok(())
            }),
            OutputFormat::MultiPart => self.write_dir(ds, path),
        };
        progress.finish();
        result.map_err(werr)
    }

    fn write_dir(&self, ds: &Dataset, dir: &Path) -> Result<u64, AofWriteError> {
        let base = match self.base {
            BaseFormat::Rdb => MultiPartBase::Rdb(self.preamble_options()),
            BaseFormat::Resp => MultiPartBase::Resp(self.rewrite_options()),
        };
        let written = replace_dir(dir, self.overwrite, |parent, dirname| {
            let opts = MultiPartOptions {
                names: AofNames {
                    filename: self.aof_name.clone(),
                    dirname: dirname.to_string(),
                },
                base: base.clone(),
            };
            write_multipart_aof(ds, parent, &opts)
        })?;
        Ok(written)
    }
}

fn buffered<'a>(
    f: &'a mut File,
    progress: &'a dyn Progress,
) -> BufWriter<ProgressWrite<'a, &'a mut File>> {
    BufWriter::with_capacity(1 << 20, ProgressWrite::new(f, progress))
}

/// Creates the directory `dir` with `build(parent, name)`. When it exists
/// and `overwrite` is set, the new one is built under a temporary name,
/// the old one moved aside, the new one renamed into place, and only
/// then the old one removed. Returns the bytes of the files written.
pub fn replace_dir<F, T>(dir: &Path, overwrite: bool, build: F) -> Result<u64, AofWriteError>
where
    F: FnOnce(&Path, &str) -> Result<T, AofWriteError>,
{
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "output has no name"))?;
    let exists = fs::symlink_metadata(dir).is_ok();
    if exists && !overwrite {
        return Err(MultiPartError::Exists(dir.to_path_buf()).into());
    }
    if !exists {
        build(&parent, &name)?;
        return dir_size(dir).map_err(Into::into);
    }
    let pid = std::process::id();
    let fresh = format!(".{name}.redfile-new-{pid}");
    build(&parent, &fresh)?;
    let old = parent.join(format!(".{name}.redfile-old-{pid}"));
    fs::rename(dir, &old)?;
    fs::rename(parent.join(&fresh), dir)?;
    sync_dir(&parent)?;
    if old.is_dir() {
        fs::remove_dir_all(&old)?;
    } else {
        fs::remove_file(&old)?;
    }
    dir_size(dir).map_err(Into::into)
}

fn dir_size(dir: &Path) -> io::Result<u64> {
    let mut n = 0;
    for e in fs::read_dir(dir)? {
        n += e?.metadata()?.len();
    }
    Ok(n)
}
