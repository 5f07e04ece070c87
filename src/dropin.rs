//! Drop-in transcripts: what `redis-check-aof` and `redis-check-rdb` (Redis
//! 7.0) print and exit with, computed from redfile's own checks so that
//! scripts written against those tools keep working (spec
//! `redis-check-tools.md` §1.6, §1.7, §2.2–2.4).
//!
//! The functions take their arguments (without `argv[0]`), write the
//! transcript to the given writer and return the exit code. The caller
//! supplies the `--fix` confirmation (redis-check-aof reads one character
//! from standard input) and the log-line prefix of manifest errors
//! (`<pid>:C <date> # `). Differences from the C tools, all deliberate:
//! no write permission is needed to check; a truncation is made by atomic
//! replacement with fsync (no backup, like the original); the `VALKEY`
//! RDB magic is recognised; paths of any length work.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::aof::{
    self, AofFileType, CheckAofMessage, FixOptions, FixPlan, FixStrategy, Manifest, TimestampStop,
};
use crate::check::{CheckOptions, ChecksumStatus, RdbReport};
use crate::check_aof::{
    check_part, entry_path, manifest_dir, AofCheckOptions, PartReport, PartRole,
};
use crate::fsutil::BackupPolicy;
use crate::rdb::encoding::Depth;

/// What the drop-in functions need from their environment.
pub struct DropInEnv<'a> {
    /// Asked after `Continue? [y/N]: ` is written and flushed: true to go on.
    pub confirm: &'a mut dyn FnMut() -> bool,
    /// The server-log prefix printed before manifest errors, e.g.
    /// `1234:C 21 Nov 2026 20:17:09.254 # `.
    pub log_prefix: String,
    /// "Now" in Unix milliseconds, for "already expired" counts.
    pub now_ms: i64,
}

/// `strerror(errno)` of an I/O error: its text without ` (os error N)`.
pub fn strerror(e: &io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

fn lossy(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// `strtol(s, &end, 10)` with nothing left over, as redis-check-aof wants
/// for the timestamp argument.
fn parse_long(s: &str) -> Option<i64> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if t.is_empty() || t.ends_with(|c: char| !c.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

/// The check options the C tools imply: deep sanitization, the given clock.
fn options(now_ms: i64, ts: Option<i64>) -> AofCheckOptions {
    AofCheckOptions {
        rdb: CheckOptions {
            depth: Depth::Deep,
            now_ms,
            max_findings: 1000,
        },
        truncate_to_timestamp: ts.filter(|&t| t != 0),
        ..AofCheckOptions::default()
    }
}

/// Writes redis-check-rdb's report for an RDB (or RDB part) checked by
/// redfile: `[offset n]` lines in file order, then the verdict and the
/// `[info]` counters. Returns whether the RDB "looks OK".
pub fn write_rdb_transcript<W: Write>(
    out: &mut W,
    name: &str,
    report: Option<&RdbReport>,
    header_error: Option<(u64, &str)>,
    file_size: u64,
) -> io::Result<bool> {
    writeln!(out, "[offset 0] Checking RDB file {name}")?;
    let info = |out: &mut W, r: Option<&RdbReport>| -> io::Result<()> {
        let (k, e, x) = r.map_or((0, 0, 0), |r| (r.keys_read, r.expires, r.already_expired));
        writeln!(out, "[info] {k} keys read")?;
        writeln!(out, "[info] {e} expires")?;
        writeln!(out, "[info] {x} already expired")
    };
    let Some(r) = report else {
        let (offset, msg) =
            header_error.unwrap_or((0, "Wrong signature trying to load DB from file"));
        writeln!(out, "--- RDB ERROR DETECTED ---")?;
        writeln!(out, "[offset {offset}] {msg}")?;
        writeln!(out, "[additional info] While doing: start")?;
        writeln!(out, "[additional info] Reading type 0 (string)")?;
        info(out, None)?;
        return Ok(false);
    };
    // AUX, SELECTDB and MODULE_AUX lines, merged back into file order.
    let mut lines: Vec<(u64, String)> = Vec::new();
    for a in &r.aux {
        lines.push((a.end_offset, format!("AUX FIELD {} = '{}'", a.key, a.value)));
    }
    for s in &r.selects {
        lines.push((s.end_offset, format!("Selecting DB ID {}", s.db)));
    }
    for m in &r.module_aux {
        lines.push((m.end_offset, format!("MODULE AUX for: {}", m.module)));
    }
    lines.sort_by_key(|(o, _)| *o);
    let error = r.first_error();
    for (o, l) in &lines {
        if error.is_some_and(|e| *o > e.offset) {
            break;
        }
        writeln!(out, "[offset {o}] {l}")?;
    }
    match error {
        None if r.complete => {
            let end = r.end_offset;
            match r.checksum {
                ChecksumStatus::Ok => writeln!(out, "[offset {end}] Checksum OK")?,
                ChecksumStatus::Disabled => writeln!(
                    out,
                    "[offset {end}] RDB file was saved with checksum disabled: no check performed."
                )?,
                _ => {}
            }
            writeln!(out, "[offset {end}] \\o/ RDB looks OK! \\o/")?;
            info(out, Some(r))?;
            Ok(true)
        }
        e => {
            writeln!(out, "--- RDB ERROR DETECTED ---")?;
            match e {
                Some(f) if f.code == "checksum-mismatch" => {
                    writeln!(out, "[offset {}] RDB CRC error", r.end_offset)?;
                    writeln!(out, "[additional info] While doing: check-sum")?;
                }
                Some(f) if f.code == "truncated" && f.message.contains("CRC-64 checksum") => {
                    writeln!(
                        out,
                        "[offset {}] Unexpected EOF reading RDB file",
                        r.end_offset
                    )?;
                    writeln!(out, "[additional info] While doing: check-sum")?;
                }
                Some(f) if f.code == "truncated" || f.message.contains("exceeds") => {
                    writeln!(out, "[offset {file_size}] Unexpected EOF reading RDB file")?;
                    match reading_key(&f.message) {
                        Some((key, ty)) => {
                            writeln!(out, "[additional info] While doing: read-object-value")?;
                            writeln!(out, "[additional info] Reading key '{key}'")?;
                            if let Some(n) = RDB_TYPE_NAMES_7_0.iter().position(|t| *t == ty) {
                                writeln!(out, "[additional info] Reading type {n} ({ty})")?;
                            }
                            let (k, e, x) = (r.keys_read + 1, r.expires, r.already_expired);
                            writeln!(out, "[info] {k} keys read")?;
                            writeln!(out, "[info] {e} expires")?;
                            writeln!(out, "[info] {x} already expired")?;
                            return Ok(false);
                        }
                        None => writeln!(out, "[additional info] While doing: read-type")?,
                    }
                }
                Some(f) => {
                    writeln!(out, "[offset {}] {}", f.offset, f.message)?;
                    writeln!(out, "[additional info] While doing: read-object-value")?;
                    if let Some(k) = &f.key {
                        writeln!(out, "[additional info] Reading key '{k}'")?;
                    }
                }
                None => {
                    writeln!(out, "[offset {file_size}] Unexpected EOF reading RDB file")?;
                    writeln!(out, "[additional info] While doing: read-type")?;
                }
            }
            info(out, Some(r))?;
            Ok(false)
        }
    }
}

/// redis-check-rdb 7.0's `rdb_type_string`, indexed by type byte.
const RDB_TYPE_NAMES_7_0: [&str; 19] = [
    "string",
    "list-linked",
    "set-hashtable",
    "zset-v1",
    "hash-hashtable",
    "zset-v2",
    "module-value",
    "",
    "",
    "hash-zipmap",
    "list-ziplist",
    "set-intset",
    "zset-ziplist",
    "hash-ziplist",
    "quicklist",
    "stream",
    "hash-listpack",
    "zset-listpack",
    "quicklist-v2",
];

/// The key and type name in a truncation message of the RDB reader
/// (`... the value of key "k" (zset-v1) that starts ...`).
fn reading_key(message: &str) -> Option<(&str, &str)> {
    let rest = message.split_once("the value of key \"")?.1;
    let (key, rest) = rest.split_once("\" (")?;
    let (ty, _) = rest.split_once(')')?;
    Some((key, ty))
}

/// `redis-check-rdb <file>`. `err` receives the usage line.
pub fn redis_check_rdb<W: Write, E: Write>(
    argv0: &str,
    args: &[OsString],
    out: &mut W,
    err: &mut E,
    now_ms: i64,
) -> io::Result<i32> {
    let [file] = args else {
        writeln!(err, "Usage: {argv0} <rdb-file-name>")?;
        return Ok(1);
    };
    let path = PathBuf::from(file);
    let name = lossy(&path);
    let opts = options(now_ms, None);
    let inp = match crate::input::open(&path) {
        Ok(i) => i,
        Err(_) => {
            writeln!(out, "[offset 0] Checking RDB file {name}")?;
            return Ok(1);
        }
    };
    let size = inp.size_hint.unwrap_or(0);
    // Without a size hint a cut file reads as a truncation naming the key,
    // which is how redis-check-rdb reports it.
    let ok = match crate::rdb::RdbReader::with_options(inp.reader, opts.rdb.reader_options(None)) {
        Ok(reader) => {
            let mut r = crate::check::check_rdb(reader, opts.rdb);
            // Redis ignores what follows the checksum.
            r.findings.retain(|f| f.code != "trailing-data");
            write_rdb_transcript(out, &name, Some(&r), None, size)?
        }
        Err(e) => {
            let msg = match e.kind {
                crate::rdb::RdbErrorKind::BadVersion(v) => {
                    format!("Can't handle RDB format version {v}")
                }
                _ => "Wrong signature trying to load DB from file".to_string(),
            };
            write_rdb_transcript(out, &name, None, Some((e.offset, &msg)), size)?
        }
    };
    Ok(if ok { 0 } else { 1 })
}

/// The outcome of `checkSingleAof`.
enum Single {
    Valid,
    Empty,
    Truncated,
    TruncatedTs,
    /// Exit now with status 1 (the message is printed).
    Fail,
}

struct Ctx<'e, 'a> {
    env: &'e mut DropInEnv<'a>,
    fix: bool,
    ts: Option<i64>,
    line: u64,
}

impl Ctx<'_, '_> {
    /// `checkSingleAof(name, path, last_file, fix, preamble)`.
    fn single<W: Write>(
        &mut self,
        out: &mut W,
        name: &str,
        path: &Path,
        role: PartRole,
        last: bool,
    ) -> io::Result<Single> {
        let filepath = lossy(path);
        let opts = options(self.env.now_ms, self.ts);
        let part = match check_part(path, name, role, self.line, &opts) {
            Ok(p) => p,
            Err(e) => {
                writeln!(
                    out,
                    "Cannot open file {filepath}: {}, aborting...",
                    strerror(&e)
                )?;
                return Ok(Single::Fail);
            }
        };
        self.line = part.line_after;
        if part.format == crate::check_aof::PartFormat::Empty {
            return Ok(Single::Empty);
        }
        if part.rdb.is_some() || part.rdb_header_error.is_some() {
            let he = part
                .rdb_header_error
                .as_ref()
                .map(|e| (e.offset, e.message.as_str()));
            let ok = write_rdb_transcript(out, name, part.rdb.as_deref(), he, part.size)?;
            if !ok || !part.rdb_ok() {
                writeln!(out, "RDB preamble of AOF file is not sane, aborting.")?;
                return Ok(Single::Fail);
            }
            writeln!(out, "RDB preamble is OK, proceeding with AOF tail...")?;
        }
        let Some(r) = &part.resp else {
            return Ok(Single::Valid);
        };
        match r.timestamp {
            Some(TimestampStop::Invalid { .. }) => {
                writeln!(out, "Invalid timestamp annotation")?;
                return Ok(Single::Fail);
            }
            Some(TimestampStop::Cut { offset, .. }) => {
                let t = self.ts.unwrap_or(0);
                if offset == 0 {
                    writeln!(
                        out,
                        "AOF {filepath} has nothing before timestamp {t}, aborting..."
                    )?;
                    return Ok(Single::Fail);
                }
                if !last {
                    writeln!(out, "Failed to truncate AOF {filepath} to timestamp {t} to offset {offset} because it is not the last file.")?;
                    writeln!(out, "If you insist, please delete all files after this file according to the manifest file and delete the corresponding records in manifest file manually. Then re-run redis-check-aof.")?;
                    return Ok(Single::Fail);
                }
                let plan = FixPlan::Truncate {
                    file_size: r.size,
                    offset,
                    bytes_cut: r.size - offset,
                    commands_lost: None,
                };
                if truncate(path, &plan).is_err() {
                    writeln!(out, "Failed to truncate AOF {name} to timestamp {t}")?;
                    return Ok(Single::Fail);
                }
                return Ok(Single::TruncatedTs);
            }
            None => {}
        }
        if let Some(m) = &r.message {
            out.write_all(&m.render(name, &filepath))?;
            writeln!(out)?;
        }
        if self.ts.is_some() && r.diff == 0 {
            writeln!(
                out,
                "Truncate nothing in AOF {name} to timestamp {}",
                self.ts.unwrap_or(0)
            )?;
            return Ok(Single::Valid);
        }
        writeln!(
            out,
            "AOF analyzed: filename={name}, size={}, ok_up_to={}, ok_up_to_line={}, diff={}",
            r.size, r.ok_up_to, r.ok_up_to_line, r.diff
        )?;
        if r.diff == 0 && r.message.is_none() {
            return Ok(Single::Valid);
        }
        if !self.fix {
            writeln!(
                out,
                "AOF {name} is not valid. Use the --fix option to try fixing it."
            )?;
            return Ok(Single::Fail);
        }
        if !last {
            writeln!(
                out,
                "Failed to truncate AOF {name} because it is not the last file"
            )?;
            return Ok(Single::Fail);
        }
        writeln!(
            out,
            "This will shrink the AOF {name} from {} bytes, with {} bytes, to {} bytes",
            r.size, r.diff, r.ok_up_to
        )?;
        write!(out, "Continue? [y/N]: ")?;
        out.flush()?;
        if !(self.env.confirm)() {
            writeln!(out, "Aborting...")?;
            return Ok(Single::Fail);
        }
        let plan = aof::plan_fix(r, FixStrategy::TruncateAnyway);
        if truncate(path, &plan).is_err() {
            writeln!(out, "Failed to truncate AOF {name}")?;
            return Ok(Single::Fail);
        }
        Ok(Single::Truncated)
    }
}

fn truncate(path: &Path, plan: &FixPlan) -> Result<(), aof::AofError> {
    let opts = FixOptions {
        backup: BackupPolicy::None,
    };
    aof::apply_fix(path, plan, &opts).map(|_| ())
}

/// What `fileIsManifest` finds.
enum InputType {
    Manifest,
    Plain,
    /// The message is printed; exit 1.
    Fail,
}

fn input_type<W: Write>(out: &mut W, path: &Path) -> io::Result<InputType> {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            writeln!(out, "Cannot open file {}: {}", lossy(path), strerror(&e))?;
            return Ok(InputType::Fail);
        }
    };
    if f.metadata().is_ok_and(|m| m.is_dir()) {
        writeln!(out, "Cannot read file: {}", lossy(path))?;
        return Ok(InputType::Fail);
    }
    Ok(match aof::sniff_file(path) {
        Ok(aof::FileContent::Manifest) => InputType::Manifest,
        Ok(_) => InputType::Plain,
        Err(_) => {
            writeln!(out, "Cannot read file: {}", lossy(path))?;
            InputType::Fail
        }
    })
}

/// `redis-check-aof [--fix|--truncate-to-timestamp T] <file>`.
pub fn redis_check_aof<W: Write>(
    argv0: &str,
    args: &[OsString],
    out: &mut W,
    env: &mut DropInEnv<'_>,
) -> io::Result<i32> {
    let usage = |out: &mut W| -> io::Result<i32> {
        writeln!(
            out,
            "Usage: {argv0} [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>"
        )?;
        Ok(1)
    };
    let (fix, ts, file) = match args {
        [file] => (false, None, file),
        [flag, file] if flag == "--fix" => (true, None, file),
        [flag, t, file] if flag == "--truncate-to-timestamp" => {
            match t.to_str().and_then(parse_long) {
                Some(t) => (false, Some(t), file),
                None => {
                    writeln!(out, "Invalid timestamp, aborting...")?;
                    return Ok(1);
                }
            }
        }
        _ => return usage(out),
    };
    let path = PathBuf::from(file);
    let mut ctx = Ctx {
        env,
        fix,
        ts: ts.filter(|&t| t != 0),
        line: 1,
    };
    let t = ctx.ts.unwrap_or(0);
    match input_type(out, &path)? {
        InputType::Fail => Ok(1),
        InputType::Plain => {
            writeln!(out, "Start checking Old-Style AOF")?;
            let name = lossy(&path);
            Ok(
                match ctx.single(out, &name, &path, PartRole::Single, true)? {
                    Single::Valid => {
                        writeln!(out, "AOF {name} is valid")?;
                        0
                    }
                    Single::Empty => {
                        writeln!(out, "AOF {name} is empty")?;
                        0
                    }
                    Single::Truncated => {
                        writeln!(out, "Successfully truncated AOF {name}")?;
                        0
                    }
                    Single::TruncatedTs => {
                        writeln!(out, "Successfully truncated AOF {name} to timestamp {t}")?;
                        0
                    }
                    Single::Fail => 1,
                },
            )
        }
        InputType::Manifest => {
            writeln!(out, "Start checking Multi Part AOF")?;
            let manifest = match std::fs::read(&path) {
                Ok(b) => Manifest::parse(&b),
                Err(e) => {
                    writeln!(out, "Cannot open file {}: {}", lossy(&path), strerror(&e))?;
                    return Ok(1);
                }
            };
            let manifest = match manifest {
                Ok(m) => m,
                Err(e) => {
                    let p = &ctx.env.log_prefix;
                    write!(out, "{p}\n*** FATAL AOF MANIFEST FILE ERROR ***\n\n")?;
                    if let (Some(line), Some(text)) = (e.line, &e.text) {
                        write!(out, "{p}Reading the manifest file, at line {line}\n\n")?;
                        write!(out, "{p}>>> '")?;
                        out.write_all(text)?;
                        write!(out, "'\n\n")?;
                    }
                    write!(out, "{p}{}\n\n", e.kind.redis_message())?;
                    return Ok(1);
                }
            };
            let dir = manifest_dir(&path);
            let incr_count = manifest.incr.len();
            let outcome_line =
                |out: &mut W, kind: &str, name: &str, s: Single| -> io::Result<bool> {
                    match s {
                        Single::Valid => writeln!(out, "{kind} AOF {name} is valid")?,
                        Single::Empty => writeln!(out, "{kind} AOF {name} is empty")?,
                        Single::Truncated => writeln!(out, "Successfully truncated AOF {name}")?,
                        Single::TruncatedTs => {
                            writeln!(out, "Successfully truncated AOF {name} to timestamp {t}")?
                        }
                        Single::Fail => return Ok(false),
                    }
                    Ok(true)
                };
            if let Some(base) = &manifest.base {
                let name = base.file_name();
                let bpath = entry_path(&dir, &base.file);
                let kind = match std::fs::File::open(&bpath) {
                    Ok(_) => match aof::sniff_file(&bpath) {
                        Ok(aof::FileContent::Rdb(_)) => "RDB",
                        _ => "RESP",
                    },
                    Err(e) => {
                        writeln!(out, "Cannot open file {}: {}", lossy(&bpath), strerror(&e))?;
                        return Ok(1);
                    }
                };
                writeln!(out, "Start to check BASE AOF ({kind} format).")?;
                let s = ctx.single(out, &name, &bpath, PartRole::Base, incr_count == 0)?;
                if !outcome_line(out, "BASE", &name, s)? {
                    return Ok(1);
                }
            }
            if incr_count > 0 {
                writeln!(out, "Start to check INCR files.")?;
                for (i, e) in manifest.incr.iter().enumerate() {
                    let name = e.file_name();
                    let ipath = entry_path(&dir, &e.file);
                    debug_assert_eq!(e.file_type, AofFileType::Incr);
                    let s = ctx.single(out, &name, &ipath, PartRole::Incr, i + 1 == incr_count)?;
                    if !outcome_line(out, "INCR", &name, s)? {
                        return Ok(1);
                    }
                }
            }
            writeln!(out, "All AOF files and manifest are valid")?;
            Ok(0)
        }
    }
}

/// The text of one redis-check-aof message line, for reports that want
/// to show what the C tool would say about a file.
pub fn check_aof_line(part: &PartReport) -> Option<String> {
    let m: &CheckAofMessage = part.resp.as_ref()?.message.as_ref()?;
    Some(String::from_utf8_lossy(&m.render(&part.name, &lossy(&part.path))).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_argument_is_a_whole_long() {
        assert_eq!(parse_long("1700000000"), Some(1700000000));
        assert_eq!(parse_long(" -5"), Some(-5));
        assert_eq!(parse_long("12x"), None);
        assert_eq!(parse_long(""), None);
        assert_eq!(parse_long("99999999999999999999"), None);
    }

    #[test]
    fn strerror_drops_the_errno() {
        let e = io::Error::from_raw_os_error(2);
        assert_eq!(strerror(&e), "No such file or directory");
    }

    #[test]
    fn key_of_a_truncation_message() {
        assert_eq!(
            reading_key("unexpected end of file while reading the value of key \"zset\" (zset-v1) that starts at offset 11"),
            Some(("zset", "zset-v1"))
        );
        assert_eq!(reading_key("unexpected end of file"), None);
    }

    fn run_aof(args: &[&str]) -> (i32, String) {
        let mut confirm = || true;
        let mut env = DropInEnv {
            confirm: &mut confirm,
            log_prefix: "P # ".into(),
            now_ms: 0,
        };
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let mut out = Vec::new();
        let code = redis_check_aof("redis-check-aof", &args, &mut out, &mut env)
            .unwrap_or_else(|e| panic!("{e}"));
        (code, String::from_utf8_lossy(&out).into_owned())
    }

    /// spec redis-check-tools.md §2.4: the truncated legacy file, then fixed.
    #[test]
    fn truncated_legacy_file_transcript() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = d.path().join("t1.aof");
        let mut f = aof::writer::encode_command(&["set", "foo", "hello"]);
        let next = aof::writer::encode_command(&["set", "bar", "world"]);
        f.extend(&next[..next.len() - 3]);
        std::fs::write(&p, &f).unwrap_or_else(|e| panic!("{e}"));
        let path = p.to_string_lossy().into_owned();
        let (code, out) = run_aof(&[&path]);
        assert_eq!(code, 1);
        assert_eq!(
            out,
            format!(
                "Start checking Old-Style AOF\n\
                 0x              3b: Expected to read 7 bytes, got 4 bytes\n\
                 AOF analyzed: filename={path}, size=63, ok_up_to=33, ok_up_to_line=14, diff=30\n\
                 AOF {path} is not valid. Use the --fix option to try fixing it.\n"
            )
        );
        let (code, out) = run_aof(&["--fix", &path]);
        assert_eq!(code, 0);
        assert!(out.ends_with(&format!(
            "This will shrink the AOF {path} from 63 bytes, with 30 bytes, to 33 bytes\n\
             Continue? [y/N]: Successfully truncated AOF {path}\n"
        )));
        assert_eq!(std::fs::metadata(&p).map(|m| m.len()).ok(), Some(33));
        let (code, out) = run_aof(&[&path]);
        assert_eq!(code, 0);
        assert!(out.ends_with(&format!("AOF {path} is valid\n")), "{out}");
    }

    #[test]
    fn manifest_error_block() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = d.path().join("a.manifest");
        std::fs::write(&p, b"file a seq 1 type b\nfile b seq 1 type q\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let (code, out) = run_aof(&[&p.to_string_lossy()]);
        assert_eq!(code, 1);
        assert_eq!(
            out,
            "Start checking Multi Part AOF\n\
             P # \n*** FATAL AOF MANIFEST FILE ERROR ***\n\n\
             P # Reading the manifest file, at line 2\n\n\
             P # >>> 'file b seq 1 type q'\n\n\
             P # Unknown AOF file type\n\n"
        );
    }
}
