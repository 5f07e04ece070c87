//! The commands of an AOF, one event at a time, with where each one is and
//! the context it runs in: what `redfile log` prints.
//!
//! ```text
//! plain AOF        appendonly.aof          RESP commands         -> Command...
//! preamble AOF     appendonly.aof          RDB image, RESP tail  -> Rdb, Command...
//! multi-part       appendonlydir/          BASE (RDB or RESP),   -> Rdb | Command...,
//!                                          INCR files in order      Command...
//! ```
//!
//! [`walk_log`] resolves the layout ([`resolve_layout`]), walks an RDB part
//! without decoding its values (its key count, and its key names for a
//! sink that asks), and streams the RESP parts through [`AofScanner`]:
//! memory holds one record at a time, never the file. Each command carries
//! the file it is in (its manifest name for a multi-part AOF), its byte
//! offset there, the database it applies to (`SELECT` tracked per file, as
//! the server's fake client does), the offset of the `MULTI` it belongs to,
//! and the last `#TS:` annotation before it in that file.
//!
//! | task | use |
//! |---|---|
//! | every command, as JSON Lines | [`walk_log`] → [`LogJsonl`] |
//! | only what touched some keys, dbs, commands | [`LogSelection`] around any sink |
//! | histograms and a timeline | [`LogStats`] |
//! | which arguments are keys | [`keyspec::key_positions`] |

pub mod jsonl;
pub mod keyspec;
pub mod select;
pub mod stats;

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::aof::layout::{resolve_layout, AofLayout, FileContent};
use crate::aof::resp::{Annotation, RespItem};
use crate::aof::scan::AofScanner;
use crate::aof::AofError;
use crate::progress::Progress;
use crate::rdb::{RdbError, RdbReader, ReaderOptions, Record};

pub use jsonl::LogJsonl;
pub use select::{LogSelection, SelectOptions};
pub use stats::{LogStats, StatsOptions};

/// RDB values larger than this are walked, not held: the log needs key
/// names only.
const WALK_ABOVE: usize = 1 << 20;

/// One command of the log, borrowing from the reader's buffer.
#[derive(Debug, Clone, Copy)]
pub struct LogCommand<'a> {
    /// The file it is in: the manifest's name for a part of a multi-part
    /// AOF, else the file name.
    pub file: &'a [u8],
    /// Byte offset of its `*` in that file.
    pub offset: u64,
    /// Its length in bytes.
    pub len: u64,
    /// The database it applies to (for `SELECT`, the newly selected one).
    pub db: u64,
    /// The last `#TS:` annotation before it in its file (Unix seconds).
    pub ts: Option<i64>,
    /// For `MULTI`, the commands it queues and their `EXEC`: the offset of
    /// that `MULTI`.
    pub multi: Option<u64>,
    /// The arguments, command name first.
    pub args: &'a [&'a [u8]],
}

/// An RDB image the log starts from: a multi-part AOF's BASE or a
/// preamble.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogRdb<'a> {
    /// The file, named as for [`LogCommand::file`].
    pub file: &'a [u8],
    /// Where the image ends (where a preamble's RESP tail starts).
    pub end: u64,
    /// Keys it holds.
    pub keys: u64,
    /// When keys are selected: how many of them it holds.
    pub selected_keys: Option<u64>,
}

/// What the walk hands to a [`LogSink`], in file order.
#[derive(Debug, Clone, Copy)]
pub enum LogEvent<'a> {
    /// An RDB image (always at offset 0 of its file).
    Rdb(LogRdb<'a>),
    /// A command.
    Command(LogCommand<'a>),
}

/// Whether the walk goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read on.
    Continue,
    /// Stop reading (a `--limit` was reached).
    Stop,
}

/// Receives the events of [`walk_log`].
pub trait LogSink {
    /// Whether [`LogSink::rdb_key`] should be called for every key of an
    /// RDB image (it costs reading every key name).
    fn wants_rdb_keys(&self) -> bool {
        false
    }
    /// A key of an RDB image, before that image's [`LogEvent::Rdb`].
    fn rdb_key(&mut self, _db: u64, _key: &[u8]) {}
    /// An event.
    fn event(&mut self, event: &LogEvent<'_>) -> Result<Flow, LogError>;
    /// The walk is over (also after an error in the input): a sink that
    /// holds events back writes them now.
    fn finish(&mut self) -> Result<(), LogError> {
        Ok(())
    }
}

/// Why the log could not be read (to its end).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogError {
    /// The AOF (a RESP part, the manifest or the layout) is damaged or
    /// unreadable; the events before the damage were delivered.
    #[error("{}: {source}", file.display())]
    Aof {
        /// The file.
        file: PathBuf,
        /// What is wrong, and where.
        source: AofError,
    },
    /// An RDB part is damaged.
    #[error("{}: {source}", file.display())]
    Rdb {
        /// The file.
        file: PathBuf,
        /// What is wrong, and where.
        source: RdbError,
    },
    /// A file could not be read.
    #[error("{}: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Writing the output failed.
    #[error("writing the output: {0}")]
    Output(#[from] std::io::Error),
}

impl LogError {
    /// True when the input is damaged (as opposed to unreadable, or the
    /// output failing).
    pub fn is_damage(&self) -> bool {
        match self {
            LogError::Rdb { .. } => true,
            LogError::Aof { source, .. } => !matches!(
                source.kind,
                crate::aof::AofErrorKind::Io(_)
                    | crate::aof::AofErrorKind::MissingFile { .. }
                    | crate::aof::AofErrorKind::NoManifest { .. }
                    | crate::aof::AofErrorKind::SeveralManifests { .. }
            ),
            _ => false,
        }
    }
}

/// What [`walk_log`] read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogSummary {
    /// Files read (parts of a multi-part AOF, or the one file).
    pub files: u64,
    /// Commands delivered to the sink.
    pub commands: u64,
    /// Whether the sink stopped the walk before the end.
    pub stopped: bool,
}

/// Walks every command of the AOF at `path` (a RESP file, an RDB-preamble
/// file, a manifest or a directory holding one) into `sink`.
pub fn walk_log(
    path: &Path,
    sink: &mut dyn LogSink,
    progress: &dyn Progress,
) -> Result<LogSummary, LogError> {
    let result = walk_parts(path, sink, progress);
    progress.finish();
    let finished = sink.finish();
    let summary = result?;
    finished?;
    Ok(summary)
}

fn walk_parts(
    path: &Path,
    sink: &mut dyn LogSink,
    progress: &dyn Progress,
) -> Result<LogSummary, LogError> {
    let aof_err = |source| LogError::Aof {
        file: path.to_path_buf(),
        source,
    };
    let mut summary = LogSummary::default();
    let single_name = |p: &Path| -> Vec<u8> {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned().into_bytes())
            .unwrap_or_else(|| p.to_string_lossy().into_owned().into_bytes())
    };
    let flow = match resolve_layout(path).map_err(aof_err)? {
        AofLayout::Rdb { path: p, size, .. } => {
            let name = single_name(&p);
            summary.files = 1;
            walk_file(&p, &name, size, true, sink, progress, &mut summary)?
        }
        AofLayout::Resp { path: p, size } => {
            let name = single_name(&p);
            summary.files = 1;
            walk_file(&p, &name, size, false, sink, progress, &mut summary)?
        }
        AofLayout::MultiPart(mp) => {
            let mut flow = Flow::Continue;
            for part in &mp.parts {
                summary.files += 1;
                let rdb = matches!(part.content, FileContent::Rdb(_));
                flow = walk_file(
                    &part.path,
                    &part.entry.file,
                    part.size,
                    rdb,
                    sink,
                    progress,
                    &mut summary,
                )?;
                if flow == Flow::Stop {
                    break;
                }
            }
            flow
        }
    };
    summary.stopped = flow == Flow::Stop;
    Ok(summary)
}

/// Walks one file: its RDB image first when `rdb`, then its RESP records.
fn walk_file(
    path: &Path,
    name: &[u8],
    size: u64,
    rdb: bool,
    sink: &mut dyn LogSink,
    progress: &dyn Progress,
    summary: &mut LogSummary,
) -> Result<Flow, LogError> {
    let io = |source| LogError::Io {
        file: path.to_path_buf(),
        source,
    };
    progress.start(&format!("reading {}", path.display()), Some(size));
    let mut start = 0;
    if rdb {
        let (keys, end) = walk_rdb(path, size, sink)?;
        start = end;
        let flow = sink.event(&LogEvent::Rdb(LogRdb {
            file: name,
            end,
            keys,
            selected_keys: None,
        }))?;
        if flow == Flow::Stop || end >= size {
            return Ok(flow);
        }
    }
    let mut f = File::open(path).map_err(io)?;
    std::io::copy(&mut (&mut f).take(start), &mut std::io::sink()).map_err(io)?;
    let mut scanner = AofScanner::new(BufReader::with_capacity(1 << 20, f), start);
    let mut multi: Option<u64> = None;
    let mut reported = 0u64;
    // Tracked here, not read from the scanner: the item borrows it.
    let mut ts: Option<i64> = None;
    loop {
        let item = scanner.next_item().map_err(|source| LogError::Aof {
            file: path.to_path_buf(),
            source,
        })?;
        let Some(item) = item else { break };
        let cmd = match &item.item {
            RespItem::Command(cmd) => cmd,
            RespItem::Annotation(Annotation::Timestamp { secs, .. }) => {
                ts = Some(*secs);
                continue;
            }
            RespItem::Annotation(_) => continue,
        };
        if item.offset >= reported + (1 << 20) {
            progress.at(item.offset);
            reported = item.offset;
        }
        let is_multi = cmd.is("multi");
        let is_exec = cmd.is("exec");
        if is_multi {
            multi = Some(item.offset);
        }
        let in_multi = if item.queued || is_multi || is_exec {
            multi
        } else {
            None
        };
        let event = LogEvent::Command(LogCommand {
            file: name,
            offset: item.offset,
            len: item.len,
            db: item.db,
            ts,
            multi: in_multi,
            args: &cmd.args,
        });
        summary.commands += 1;
        let flow = sink.event(&event)?;
        if is_exec {
            multi = None;
        }
        if flow == Flow::Stop {
            return Ok(Flow::Stop);
        }
    }
    Ok(Flow::Continue)
}

/// Walks an RDB image without decoding values: its key count and where it
/// ends, with every key name given to a sink that wants them.
fn walk_rdb(path: &Path, size: u64, sink: &mut dyn LogSink) -> Result<(u64, u64), LogError> {
    let rdb_err = |source| LogError::Rdb {
        file: path.to_path_buf(),
        source,
    };
    let f = File::open(path).map_err(|source| LogError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    let mut reader = RdbReader::with_options(
        BufReader::with_capacity(1 << 20, f),
        ReaderOptions {
            size_hint: Some(size),
            max_held_value: Some(WALK_ABOVE),
            ..ReaderOptions::default()
        },
    )
    .map_err(rdb_err)?;
    let wants = sink.wants_rdb_keys();
    let mut keys = 0u64;
    while let Some(l) = reader.next_record().map_err(rdb_err)? {
        match l.record {
            Record::Key(k) => {
                keys += 1;
                if wants {
                    let name = k
                        .key
                        .to_bytes()
                        .map_err(|kind| rdb_err(RdbError::new(l.offset, kind)))?;
                    sink.rdb_key(k.db, &name);
                }
            }
            Record::End { .. } => break,
            _ => {}
        }
    }
    Ok((keys, reader.offset()))
}

/// `2023-11-14T22:13:20Z` from Unix seconds (proleptic Gregorian, UTC).
pub fn iso8601_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aof::writer::encode_command;
    use crate::progress::NoProgress;

    /// `(file, offset, db, ts, multi, args)`.
    type Seen = (String, u64, u64, Option<i64>, Option<u64>, Vec<String>);

    #[derive(Default)]
    struct Collect(Vec<Seen>);

    impl LogSink for Collect {
        fn event(&mut self, event: &LogEvent<'_>) -> Result<Flow, LogError> {
            match event {
                LogEvent::Rdb(r) => self.0.push((
                    String::from_utf8_lossy(r.file).into_owned(),
                    0,
                    0,
                    None,
                    None,
                    vec![format!("rdb keys={} end={}", r.keys, r.end)],
                )),
                LogEvent::Command(c) => self.0.push((
                    String::from_utf8_lossy(c.file).into_owned(),
                    c.offset,
                    c.db,
                    c.ts,
                    c.multi,
                    c.args
                        .iter()
                        .map(|a| String::from_utf8_lossy(a).into_owned())
                        .collect(),
                )),
            }
            Ok(Flow::Continue)
        }
    }

    #[test]
    fn dates() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(1_640_698_070), "2021-12-28T13:27:50Z");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn plain_file_with_db_multi_and_timestamps() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut f = encode_command(&["SET", "a", "1"]);
        f.extend(b"#TS:1700000000\r\n");
        let select_at = f.len() as u64;
        f.extend(encode_command(&["SELECT", "2"]));
        let multi_at = f.len() as u64;
        f.extend(encode_command(&["MULTI"]));
        f.extend(encode_command(&["DEL", "a"]));
        f.extend(encode_command(&["EXEC"]));
        let p = d.path().join("appendonly.aof");
        std::fs::write(&p, &f).unwrap_or_else(|e| panic!("{e}"));
        let mut c = Collect::default();
        let s = walk_log(&p, &mut c, &NoProgress).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.commands, 5);
        let got: Vec<_> = c.0.iter().map(|e| (e.1, e.2, e.3, e.4)).collect();
        let ts = Some(1_700_000_000);
        assert_eq!(
            got,
            [
                (0, 0, None, None),
                (select_at, 2, ts, None),
                (multi_at, 2, ts, Some(multi_at)),
                (multi_at + 15, 2, ts, Some(multi_at)),
                (multi_at + 15 + 20, 2, ts, Some(multi_at)),
            ]
        );
        assert_eq!(c.0[3].5, ["DEL", "a"]);
        assert_eq!(c.0[0].0, "appendonly.aof");
    }

    #[test]
    fn damage_is_reported_after_the_commands_before_it() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut f = encode_command(&["SET", "a", "1"]);
        f.extend(b"*2\r\n$3\r\nDEL");
        let p = d.path().join("cut.aof");
        std::fs::write(&p, &f).unwrap_or_else(|e| panic!("{e}"));
        let mut c = Collect::default();
        let err = walk_log(&p, &mut c, &NoProgress).err();
        assert_eq!(c.0.len(), 1);
        let err = err.map(|e| (e.is_damage(), e.to_string()));
        assert_eq!(
            err,
            Some((
                true,
                format!(
                    "{}: at offset 27: unexpected end of file inside a record",
                    p.display()
                )
            ))
        );
    }
}
