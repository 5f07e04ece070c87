//! Any input as a [`Dataset`]: an RDB is decoded, an AOF (plain, with an
//! RDB preamble, or a multi-part directory) is replayed through the engine
//! the way a server loads it (`loadAppendOnlyFiles`): files in manifest
//! order, a fresh client per file, nothing expiring while loading, an
//! unterminated `MULTI` at the end of the last file discarded.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::aof::layout::{resolve_layout, AofLayout, FileContent};
use crate::aof::resp::RespItem;
use crate::aof::scan::AofScanner;
use crate::aof::AofError;
use crate::dump::RdbDumpDecoder;
use crate::engine::{Engine, EngineError};
use crate::load::read_rdb_dataset_with;
use crate::model::Dataset;
use crate::progress::{NoProgress, Progress};
use crate::rdb::{RdbError, RdbReader, ReaderOptions};

/// Why an input could not be turned into a dataset.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// An RDB (file, base or preamble) is damaged.
    #[error("{file}: {source}")]
    Rdb {
        /// The file.
        file: PathBuf,
        /// What is wrong, with its offset.
        source: RdbError,
    },
    /// An AOF is damaged or its layout is broken.
    #[error("{file}: {source}")]
    Aof {
        /// The file.
        file: PathBuf,
        /// What is wrong, with its offset.
        source: AofError,
    },
    /// A command the engine cannot replay (a server would have run it).
    #[error("{file}: at offset {offset}: cannot replay {command}: {source}")]
    Command {
        /// The file.
        file: PathBuf,
        /// Offset of the command.
        offset: u64,
        /// The command's name.
        command: String,
        /// Why.
        source: EngineError,
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

/// What kind of input was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// An RDB file.
    Rdb,
    /// A single RESP AOF.
    Aof,
    /// A single AOF starting with an RDB preamble.
    HybridAof,
    /// A multi-part AOF directory or manifest.
    MultiPartAof,
}

/// A loaded dataset and how it was obtained.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The data.
    pub dataset: Dataset,
    /// The input's format.
    pub format: SourceFormat,
    /// Commands replayed (0 for an RDB).
    pub commands: u64,
    /// Commands a server would also have answered with an error (skipped,
    /// as the server skips them while loading).
    pub error_replies: u64,
}

/// Loads any input redfile reads into a dataset.
pub fn load_dataset(path: &Path) -> Result<Loaded, ReplayError> {
    load_dataset_with(path, &NoProgress)
}

/// [`load_dataset`], telling `progress` how far into each file it got.
pub fn load_dataset_with(path: &Path, progress: &dyn Progress) -> Result<Loaded, ReplayError> {
    let aof_err = |source| ReplayError::Aof {
        file: path.to_path_buf(),
        source,
    };
    match resolve_layout(path).map_err(aof_err)? {
        AofLayout::Rdb { path: p, size, .. } => {
            let (ds, end) = read_rdb(&p, Some(size), progress)?;
            if size <= end {
                // A plain RDB: no replay, the dataset in file order.
                return Ok(Loaded {
                    dataset: ds,
                    format: SourceFormat::Rdb,
                    commands: 0,
                    error_replies: 0,
                });
            }
            let mut loader = Replayer::new(progress);
            loader.load_base(&p, ds, end)?;
            loader.resp_part(&p, None)?;
            Ok(loader.finish(SourceFormat::HybridAof))
        }
        AofLayout::Resp { path: p, .. } => {
            let mut loader = Replayer::new(progress);
            loader.resp_part(&p, Some(0))?;
            Ok(loader.finish(SourceFormat::Aof))
        }
        AofLayout::MultiPart(mp) => {
            let mut loader = Replayer::new(progress);
            for part in &mp.parts {
                loader.engine.reset_client();
                match part.content {
                    FileContent::Rdb(_) => {
                        if loader.rdb_part(&part.path, Some(part.size))? {
                            loader.resp_part(&part.path, None)?;
                        }
                    }
                    FileContent::Empty => {}
                    _ => loader.resp_part(&part.path, Some(0))?,
                }
            }
            Ok(loader.finish(SourceFormat::MultiPartAof))
        }
    }
}

/// Reads a whole RDB (or a preamble) and where it ended.
fn read_rdb(
    path: &Path,
    size: Option<u64>,
    progress: &dyn Progress,
) -> Result<(Dataset, u64), ReplayError> {
    let io = |source| ReplayError::Io {
        file: path.to_path_buf(),
        source,
    };
    let f = File::open(path).map_err(io)?;
    let reader = RdbReader::with_options(
        std::io::BufReader::with_capacity(1 << 20, f),
        ReaderOptions {
            size_hint: size,
            ..ReaderOptions::default()
        },
    )
    .map_err(|source| ReplayError::Rdb {
        file: path.to_path_buf(),
        source,
    })?;
    progress.start(&format!("reading {}", path.display()), size);
    let read = read_rdb_dataset_with(reader, progress).map_err(|source| ReplayError::Rdb {
        file: path.to_path_buf(),
        source,
    });
    progress.finish();
    read
}

struct Replayer<'p> {
    progress: &'p dyn Progress,
    engine: Engine,
    /// AUX fields of the RDB base or preamble, kept for the result.
    base_aux: Option<Vec<(Vec<u8>, Vec<u8>)>>,
    /// Where the RESP part of the current file starts (after a preamble).
    resp_start: u64,
    commands: u64,
    error_replies: u64,
}

impl<'p> Replayer<'p> {
    fn new(progress: &'p dyn Progress) -> Self {
        let mut engine = Engine::new();
        engine.set_loading(true);
        engine.set_dump_decoder(Box::new(RdbDumpDecoder));
        Replayer {
            progress,
            engine,
            base_aux: None,
            resp_start: 0,
            commands: 0,
            error_replies: 0,
        }
    }

    /// Reads an RDB (whole file or preamble) into the engine; returns
    /// whether bytes follow it (an AOF tail to replay).
    fn rdb_part(&mut self, path: &Path, size: Option<u64>) -> Result<bool, ReplayError> {
        let (ds, end) = read_rdb(path, size, self.progress)?;
        self.load_base(path, ds, end)?;
        Ok(size.is_some_and(|s| s > end))
    }

    fn load_base(&mut self, path: &Path, ds: Dataset, end: u64) -> Result<(), ReplayError> {
        let aux = ds.aux.clone();
        let engine = Engine::from_dataset_owned(ds).map_err(|source| ReplayError::Command {
            file: path.to_path_buf(),
            offset: 0,
            command: "(load RDB)".into(),
            source,
        })?;
        let mut engine = engine;
        engine.set_loading(true);
        engine.set_dump_decoder(Box::new(RdbDumpDecoder));
        self.engine = engine;
        self.base_aux = Some(aux);
        self.resp_start = end;
        Ok(())
    }

    /// Replays the RESP records of a file from `start` (or from where its
    /// preamble ended).
    fn resp_part(&mut self, path: &Path, start: Option<u64>) -> Result<(), ReplayError> {
        let start = start.unwrap_or(self.resp_start);
        let io = |source| ReplayError::Io {
            file: path.to_path_buf(),
            source,
        };
        let mut f = File::open(path).map_err(io)?;
        std::io::copy(&mut (&mut f).take(start), &mut std::io::sink()).map_err(io)?;
        let total = f.metadata().map(|m| m.len()).ok();
        self.progress
            .start(&format!("replaying {}", path.display()), total);
        let mut scanner = AofScanner::new(std::io::BufReader::with_capacity(1 << 20, f), start);
        loop {
            let item = scanner.next_item().map_err(|source| ReplayError::Aof {
                file: path.to_path_buf(),
                source,
            })?;
            let Some(item) = item else { break };
            let RespItem::Command(cmd) = &item.item else {
                continue;
            };
            if cmd.args.is_empty() {
                continue;
            }
            self.commands += 1;
            if self.commands % 4096 == 0 {
                self.progress.at(item.offset);
            }
            match self.engine.apply(&cmd.args) {
                Ok(_) => {}
                Err(e) if e.is_redis_error() => self.error_replies += 1,
                Err(source) => {
                    return Err(ReplayError::Command {
                        file: path.to_path_buf(),
                        offset: item.offset,
                        command: String::from_utf8_lossy(cmd.args[0]).into_owned(),
                        source,
                    })
                }
            }
        }
        self.progress.finish();
        // An EXEC that never came: the server reverts the transaction.
        if self.engine.in_multi() {
            self.engine.discard_multi();
        }
        Ok(())
    }

    fn finish(self, format: SourceFormat) -> Loaded {
        let mut dataset = self.engine.into_dataset();
        if let Some(aux) = self.base_aux {
            dataset.aux = aux;
        }
        Loaded {
            dataset,
            format,
            commands: self.commands,
            error_replies: self.error_replies,
        }
    }
}
