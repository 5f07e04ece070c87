//! `check` for AOFs in every layout: a plain RESP file, an RDB-preamble
//! file, or a multi-part AOF given by its manifest or its directory.
//!
//! This is the operations layer over [`crate::aof`] and [`crate::rdb`]: the
//! `aof` module never parses RDB bytes (DESIGN layering), so the preamble is
//! checked here with [`check_rdb`] and the RESP tail from the offset where
//! the RDB ends. The walk mirrors `redis-check-aof.c` (spec
//! `redis-check-tools.md` §1): the BASE then the INCR files in manifest
//! order, the line counter carried from one file to the next, checking
//! stopped at the first invalid file; INCR files are always read as RESP.
//!
//! What a path holds is decided by content, never by name: a directory must
//! hold one manifest; a file is a manifest if its first non-`#` line starts
//! with `file`; an RDB if it starts with `REDIS`/`VALKEY`; RESP otherwise.
//! An RDB followed by RESP (or whose aux fields say `aof-preamble`/`aof-base`)
//! is an RDB-preamble AOF; any other RDB is reported as an RDB.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::aof::{
    self, check_resp, AofCheckReport, AofError, AofErrorKind, AofFileType, FileContent, Manifest,
    ManifestError,
};
use crate::check::{check_rdb, CheckOptions, RdbReport};
use crate::input::{self, Compression};
use crate::rdb::RdbReader;

/// Knobs of an AOF check.
#[derive(Debug, Clone, Copy)]
pub struct AofCheckOptions {
    /// How the RDB part of a preamble file or RDB BASE is checked.
    pub rdb: CheckOptions,
    /// `--truncate-to-timestamp T`: stop at the first `#TS:` later than `T`.
    pub truncate_to_timestamp: Option<i64>,
    /// Largest RESP payload held in memory (see
    /// [`aof::CheckOptions::max_record_len`]).
    pub max_record_len: u64,
}

impl Default for AofCheckOptions {
    fn default() -> Self {
        AofCheckOptions {
            rdb: CheckOptions::default(),
            truncate_to_timestamp: None,
            max_record_len: aof::CheckOptions::default().max_record_len,
        }
    }
}

/// The role of a file in the AOF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartRole {
    /// A legacy single-file AOF (or one part given on its own).
    Single,
    /// The BASE of a multi-part AOF.
    Base,
    /// An INCR file of a multi-part AOF.
    Incr,
}

/// What one file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartFormat {
    /// Zero bytes.
    Empty,
    /// RESP records and annotations.
    Resp,
    /// An RDB image, then (possibly no) RESP records.
    RdbPreamble,
}

impl PartFormat {
    /// A short human name.
    pub fn describe(self) -> &'static str {
        match self {
            PartFormat::Empty => "empty",
            PartFormat::Resp => "RESP",
            PartFormat::RdbPreamble => "RDB preamble + RESP tail",
        }
    }
}

/// An RDB part whose header could not even be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RdbHeaderError {
    /// Where the problem is.
    pub offset: u64,
    /// What is wrong.
    pub message: String,
}

/// The check of one file.
#[derive(Debug, Clone, Serialize)]
pub struct PartReport {
    /// Where the file is.
    pub path: PathBuf,
    /// What redis-check-aof calls it: the path as given for a single file,
    /// the manifest entry for a part.
    pub name: String,
    /// Its role.
    pub role: PartRole,
    /// What it holds.
    pub format: PartFormat,
    /// How it was compressed (only single files may be).
    pub compression: Compression,
    /// Its size (decompressed).
    pub size: u64,
    /// The check of the RDB part, if any.
    pub rdb: Option<Box<RdbReport>>,
    /// Set when the RDB part's header is unreadable.
    pub rdb_header_error: Option<RdbHeaderError>,
    /// The check of the RESP part; `None` for an empty file or when the RDB
    /// part is damaged (the tail cannot be located).
    pub resp: Option<AofCheckReport>,
    /// redis-check-aof's line counter after this file.
    pub line_after: u64,
}

impl PartReport {
    /// True when the RDB part (if any) is sane: complete, no error finding.
    pub fn rdb_ok(&self) -> bool {
        self.rdb_header_error.is_none()
            && self
                .rdb
                .as_ref()
                .is_none_or(|r| r.complete && r.errors() == 0)
    }

    /// True when redis-check-aof would call the file valid (a pending
    /// `--truncate-to-timestamp` cut counts as not valid).
    pub fn is_valid(&self) -> bool {
        self.rdb_ok()
            && self
                .resp
                .as_ref()
                .is_none_or(|r| r.is_valid() && r.timestamp.is_none())
    }

    /// Complete RESP records read (the RDB part's keys are not commands).
    pub fn commands(&self) -> u64 {
        self.resp.as_ref().map_or(0, |r| r.commands)
    }

    /// The last valid offset (`ok_up_to`); 0 for an empty file or when the
    /// RDB part is damaged.
    pub fn ok_up_to(&self) -> u64 {
        self.resp.as_ref().map_or(0, |r| r.ok_up_to)
    }

    /// Bytes a truncating fix would remove (`diff`).
    pub fn diff(&self) -> u64 {
        self.resp.as_ref().map_or(0, |r| r.diff)
    }
}

/// A problem with the layout itself rather than with one file's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AofProblem {
    /// The manifest does not parse (Redis refuses to start).
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// 1-based line, when a line was being parsed.
        line: Option<usize>,
        /// The offending line, trimmed, escaped.
        text: Option<String>,
        /// Redis's own message.
        message: String,
    },
    /// A file the manifest lists is missing (Redis refuses to start).
    MissingFile {
        /// The path looked up.
        path: PathBuf,
        /// Its role.
        role: PartRole,
    },
    /// A listed file exists but cannot be read.
    Unreadable {
        /// The path.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

impl std::fmt::Display for AofProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AofProblem::Manifest {
                path,
                line,
                text,
                message,
            } => {
                write!(f, "manifest {}", path.display())?;
                if let Some(l) = line {
                    write!(f, " line {l}")?;
                }
                if let Some(t) = text {
                    write!(f, " ('{t}')")?;
                }
                write!(f, ": {message}")
            }
            AofProblem::MissingFile { path, role } => {
                let role = match role {
                    PartRole::Base => "BASE ",
                    PartRole::Incr => "INCR ",
                    PartRole::Single => "",
                };
                write!(
                    f,
                    "{role}file {} listed in the manifest is missing",
                    path.display()
                )
            }
            AofProblem::Unreadable { path, message } => {
                write!(f, "cannot read {}: {message}", path.display())
            }
        }
    }
}

/// How the AOF is laid out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AofLayoutKind {
    /// One file.
    Single,
    /// A manifest and its files.
    MultiPart {
        /// The manifest file.
        manifest: PathBuf,
        /// Files Redis loads, in order (BASE first), as listed.
        load_order: Vec<String>,
        /// HISTORY entries (never loaded, never checked).
        history: usize,
    },
}

/// The check of a whole AOF.
#[derive(Debug, Clone, Serialize)]
pub struct AofReport {
    /// The layout.
    pub layout: AofLayoutKind,
    /// The files checked, in load order; checking stops after the first
    /// invalid one, as redis-check-aof does.
    pub parts: Vec<PartReport>,
    /// Files not checked because an earlier one is invalid or missing.
    pub unchecked: Vec<String>,
    /// A layout problem (bad manifest, missing file), if any.
    pub problem: Option<AofProblem>,
}

impl AofReport {
    /// True when every file is valid and the layout is sound.
    pub fn is_valid(&self) -> bool {
        self.problem.is_none()
            && self.unchecked.is_empty()
            && self.parts.iter().all(|p| p.is_valid())
    }

    /// Number of files Redis loads.
    pub fn file_count(&self) -> usize {
        match &self.layout {
            AofLayoutKind::Single => 1,
            AofLayoutKind::MultiPart { load_order, .. } => load_order.len(),
        }
    }

    /// True when part `index` is the last file Redis loads: the only one a
    /// fix may shorten.
    pub fn is_last(&self, index: usize) -> bool {
        index + 1 == self.file_count()
    }

    /// Complete RESP records read in all files.
    pub fn commands(&self) -> u64 {
        self.parts.iter().map(PartReport::commands).sum()
    }
}

/// What a path turned out to be.
#[derive(Debug, Clone)]
pub enum Checked {
    /// An RDB file (no AOF tail, no AOF aux field).
    Rdb(Box<RdbReport>),
    /// An AOF in any layout.
    Aof(Box<AofReport>),
    /// Starts like an RDB but its header is unreadable.
    Unrecognized {
        /// Where the problem is.
        offset: u64,
        /// What is wrong.
        message: String,
    },
}

fn io_err(e: io::Error) -> AofError {
    AofError::io(0, e)
}

/// Checks whatever `path` holds (`-` is standard input: an RDB or a RESP
/// stream; an AOF tail after an RDB on standard input is reported by the
/// RDB check as trailing data, since it cannot be re-read). Errors are only
/// those that stop the check from starting (missing path, a directory
/// without exactly one manifest, I/O); damage and layout problems are
/// reported.
pub fn check_path(path: &Path, opts: &AofCheckOptions) -> Result<Checked, AofError> {
    if path.as_os_str() == "-" {
        return check_stdin(opts);
    }
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        let manifest = aof::layout::find_manifest(path)?;
        return Ok(Checked::Aof(Box::new(check_manifest(&manifest, opts)?)));
    }
    if aof::sniff_file(path)? == FileContent::Manifest {
        return Ok(Checked::Aof(Box::new(check_manifest(path, opts)?)));
    }
    let name = path.display().to_string();
    if let FileContent::Rdb(_) = aof::sniff_file(path)? {
        // One pass over the RDB; only when what follows it is an AOF tail
        // (a preamble file) is the file checked again as an AOF.
        let inp = input::open(path).map_err(io_err)?;
        let reader =
            match RdbReader::with_options(inp.reader, opts.rdb.reader_options(inp.size_hint)) {
                Ok(r) => r,
                Err(e) => {
                    return Ok(Checked::Unrecognized {
                        offset: e.offset,
                        message: e.kind.to_string(),
                    })
                }
            };
        let rdb = check_rdb(reader, opts.rdb);
        let aof_aux = ["aof-preamble", "aof-base"]
            .iter()
            .any(|k| rdb.aux_value(k) == Some("1"));
        if rdb.trailing_bytes == 0 || !(aof_aux || resp_follows(path, rdb.end_offset)) {
            return Ok(Checked::Rdb(Box::new(rdb)));
        }
    }
    let part = check_part(path, &name, PartRole::Single, 1, opts).map_err(io_err)?;
    if let Some(e) = &part.rdb_header_error {
        return Ok(Checked::Unrecognized {
            offset: e.offset,
            message: e.message.clone(),
        });
    }
    Ok(Checked::Aof(Box::new(AofReport {
        layout: AofLayoutKind::Single,
        parts: vec![part],
        unchecked: Vec::new(),
        problem: None,
    })))
}

/// Whether the byte at `offset` starts a RESP record or annotation.
fn resp_follows(path: &Path, offset: u64) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let mut b = [0u8; 1];
    std::fs::File::open(path)
        .and_then(|mut f| {
            f.seek(SeekFrom::Start(offset))?;
            f.read_exact(&mut b)
        })
        .is_ok_and(|()| matches!(b[0], b'*' | b'#'))
}

fn check_stdin(opts: &AofCheckOptions) -> Result<Checked, AofError> {
    let inp = input::open(Path::new("-")).map_err(io_err)?;
    let compression = inp.compression;
    let mut br = BufReader::new(inp.reader);
    let head = br.fill_buf().map_err(io_err)?.to_vec();
    if head.starts_with(b"REDIS") || head.starts_with(b"VALKEY") {
        return match RdbReader::with_options(br, opts.rdb.reader_options(None)) {
            Ok(r) => Ok(Checked::Rdb(Box::new(check_rdb(r, opts.rdb)))),
            Err(e) => Ok(Checked::Unrecognized {
                offset: e.offset,
                message: e.kind.to_string(),
            }),
        };
    }
    let copts = aof::CheckOptions {
        start_line: 1,
        truncate_to_timestamp: opts.truncate_to_timestamp,
        file_size: None,
        max_record_len: opts.max_record_len,
    };
    let resp = check_resp(br, 0, &copts)?;
    let part = PartReport {
        path: PathBuf::from("-"),
        name: "-".into(),
        role: PartRole::Single,
        format: if resp.size == 0 {
            PartFormat::Empty
        } else {
            PartFormat::Resp
        },
        compression,
        size: resp.size,
        rdb: None,
        rdb_header_error: None,
        line_after: resp.ok_up_to_line,
        resp: Some(resp),
    };
    Ok(Checked::Aof(Box::new(AofReport {
        layout: AofLayoutKind::Single,
        parts: vec![part],
        unchecked: Vec::new(),
        problem: None,
    })))
}

/// `dirname()` as redis-check-aof uses it: `.` for a bare name.
pub fn manifest_dir(manifest: &Path) -> PathBuf {
    match manifest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A manifest entry as a path component (raw bytes on Unix).
pub fn entry_path(dir: &Path, file: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        dir.join(std::ffi::OsStr::from_bytes(file))
    }
    #[cfg(not(unix))]
    {
        dir.join(String::from_utf8_lossy(file).as_ref())
    }
}

/// Parses a manifest, reporting its errors as an [`AofProblem`].
pub fn read_manifest(path: &Path) -> Result<Result<Manifest, AofProblem>, AofError> {
    let bytes = std::fs::read(path).map_err(io_err)?;
    Ok(Manifest::parse(&bytes).map_err(|e| manifest_problem(path, &e)))
}

fn manifest_problem(path: &Path, e: &ManifestError) -> AofProblem {
    AofProblem::Manifest {
        path: path.to_path_buf(),
        line: e.line,
        text: e.text.as_ref().map(|t| crate::check::printable(t)),
        message: e.kind.redis_message().to_string(),
    }
}

/// Checks a multi-part AOF from its manifest: the BASE then the INCR files
/// in order, stopping at the first invalid or missing one.
pub fn check_manifest(manifest_path: &Path, opts: &AofCheckOptions) -> Result<AofReport, AofError> {
    let manifest = match read_manifest(manifest_path)? {
        Ok(m) => m,
        Err(problem) => {
            return Ok(AofReport {
                layout: AofLayoutKind::MultiPart {
                    manifest: manifest_path.to_path_buf(),
                    load_order: Vec::new(),
                    history: 0,
                },
                parts: Vec::new(),
                unchecked: Vec::new(),
                problem: Some(problem),
            })
        }
    };
    let dir = manifest_dir(manifest_path);
    let entries: Vec<_> = manifest.load_order().cloned().collect();
    let mut report = AofReport {
        layout: AofLayoutKind::MultiPart {
            manifest: manifest_path.to_path_buf(),
            load_order: entries.iter().map(|e| e.file_name()).collect(),
            history: manifest.history.len(),
        },
        parts: Vec::new(),
        unchecked: Vec::new(),
        problem: None,
    };
    let mut line = 1;
    for (i, entry) in entries.iter().enumerate() {
        let path = entry_path(&dir, &entry.file);
        let role = if entry.file_type == AofFileType::Base {
            PartRole::Base
        } else {
            PartRole::Incr
        };
        let stop = match check_part(&path, &entry.file_name(), role, line, opts) {
            Ok(part) => {
                line = part.line_after;
                let valid = part.is_valid();
                report.parts.push(part);
                !valid
            }
            Err(e) => {
                report.problem = Some(if e.kind() == io::ErrorKind::NotFound {
                    AofProblem::MissingFile { path, role }
                } else {
                    AofProblem::Unreadable {
                        path,
                        message: e.to_string(),
                    }
                });
                true
            }
        };
        if stop {
            report.unchecked = entries[i + 1..].iter().map(|e| e.file_name()).collect();
            break;
        }
    }
    Ok(report)
}

/// Checks one file. `name` is how messages call it, `start_line` the line
/// counter carried from the previous file. A BASE or single file starting
/// with an RDB magic (and at least 8 bytes, as `fileIsRDB` wants) has its
/// RDB part checked first; an INCR file is always RESP. Errors are I/O
/// errors opening or reading the file (`NotFound` for a missing one).
pub fn check_part(
    path: &Path,
    name: &str,
    role: PartRole,
    start_line: u64,
    opts: &AofCheckOptions,
) -> io::Result<PartReport> {
    let inp = input::open(path)?;
    let compression = inp.compression;
    let mut br = BufReader::new(inp.reader);
    let head = br.fill_buf()?.to_vec();
    let known_size = inp.size_hint;
    let mut part = PartReport {
        path: path.to_path_buf(),
        name: name.to_string(),
        role,
        format: PartFormat::Resp,
        compression,
        size: known_size.unwrap_or(0),
        rdb: None,
        rdb_header_error: None,
        resp: None,
        line_after: start_line,
    };
    if head.is_empty() {
        part.format = PartFormat::Empty;
        part.size = 0;
        return Ok(part);
    }
    let copts = aof::CheckOptions {
        start_line,
        truncate_to_timestamp: opts.truncate_to_timestamp,
        file_size: known_size,
        max_record_len: opts.max_record_len,
    };
    let is_rdb = role != PartRole::Incr
        && known_size.is_none_or(|s| s >= 8)
        && (head.starts_with(b"REDIS") || head.starts_with(b"VALKEY"));
    if !is_rdb {
        let r = check_resp(br, 0, &copts).map_err(aof_to_io)?;
        part.size = r.size;
        part.line_after = r.ok_up_to_line;
        part.resp = Some(r);
        return Ok(part);
    }
    part.format = PartFormat::RdbPreamble;
    let reader = match RdbReader::with_options(br, opts.rdb.reader_options(known_size)) {
        Ok(r) => r,
        Err(e) => {
            part.rdb_header_error = Some(RdbHeaderError {
                offset: e.offset,
                message: e.kind.to_string(),
            });
            return Ok(part);
        }
    };
    let mut rdb = check_rdb(reader, opts.rdb);
    if !(rdb.complete && rdb.errors() == 0) {
        part.size = known_size.unwrap_or(rdb.end_offset);
        part.rdb = Some(Box::new(rdb));
        return Ok(part);
    }
    let start = rdb.end_offset;
    // The tail is read again from the file: the RDB check consumed it to
    // count trailing bytes.
    let resp = if compression == Compression::None {
        let mut f = File::open(path)?;
        f.seek(SeekFrom::Start(start))?;
        check_resp(BufReader::new(f), start, &copts)
    } else {
        let mut again = input::open(path)?.reader;
        io::copy(&mut (&mut again).take(start), &mut io::sink())?;
        check_resp(again, start, &copts)
    }
    .map_err(aof_to_io)?;
    // The tail is the AOF, not trailing garbage.
    rdb.findings.retain(|f| f.code != "trailing-data");
    part.size = resp.size;
    part.line_after = resp.ok_up_to_line;
    part.resp = Some(resp);
    part.rdb = Some(Box::new(rdb));
    Ok(part)
}

fn aof_to_io(e: AofError) -> io::Error {
    match e.kind {
        AofErrorKind::Io(io) => io,
        other => io::Error::other(format!("at offset {}: {other}", e.offset)),
    }
}
