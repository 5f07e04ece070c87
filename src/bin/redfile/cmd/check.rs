//! `redfile check`: verify files.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use redfile::check::{CheckOptions, ChecksumStatus, RdbReport, Severity};
use redfile::check_aof::{check_path, AofCheckOptions, AofReport, Checked};
use redfile::rdb::encoding::Depth;
use serde_json::json;

use crate::exit::ExitStatus;

/// Verify RDB and AOF files: every record, the CRC-64 checksum, and with
/// --deep every internal encoding (ziplist, listpack, intset, zipmap,
/// quicklist, stream listpacks) the way redis-check-rdb's deep
/// sanitization does.
///
/// An AOF may be given as a single file (RESP, or RDB preamble + RESP), a
/// multi-part manifest, or the appendonlydir directory; what a path holds
/// is decided by content, not by name. For each AOF file the report gives
/// its format, the commands read, the last valid offset and line
/// (redis-check-aof's ok_up_to / ok_up_to_line) and, when damaged, how many
/// bytes a fix would cut, or where mid-file damage is and how much
/// well-formed data follows it.
///
/// A bad checksum, an already expired key or a corrupt value inside an
/// intact record does not stop the walk: every problem is reported with
/// its byte offset. Damage that breaks the framing ends the walk, and the
/// report says so. gzip and zstd compressed inputs are read transparently;
/// `-` reads standard input.
///
/// Exit status: 0 all files OK (warnings allowed), 1 problems found,
/// 2 a file could not be read.
///
/// Examples:
///   redfile check dump.rdb
///   redfile check /var/lib/redis/appendonlydir
///   redfile check --deep --json backups/*.rdb.gz
///   cat dump.rdb | redfile check -
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// Files to check (`-` for standard input).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Also validate every internal encoding entry by entry.
    #[arg(long)]
    pub deep: bool,

    /// Print a JSON document instead of text.
    #[arg(long)]
    pub json: bool,

    /// "Now" for counting already expired keys, as Unix seconds (default:
    /// the current time).
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub now: Option<i64>,

    /// Keep at most this many findings per file (the rest are counted).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_findings: usize,
}

/// The outcome for one file.
pub enum FileOutcome {
    /// Checked as an RDB file.
    Rdb(Box<RdbReport>),
    /// Checked as an AOF (single file, preamble or multi-part).
    Aof(Box<AofReport>),
    /// Not readable as any known format; the reason, with its offset.
    Unrecognized {
        /// Offset of the problem.
        offset: u64,
        /// The reason.
        message: String,
    },
}

/// Checks one path. Errors are only those that stop the tool from reading
/// at all (missing file, permission, a directory without one manifest).
pub fn check_file(path: &std::path::Path, opts: CheckOptions) -> anyhow::Result<FileOutcome> {
    let aopts = AofCheckOptions {
        rdb: opts,
        ..AofCheckOptions::default()
    };
    let checked =
        check_path(path, &aopts).with_context(|| format!("cannot check {}", path.display()))?;
    Ok(match checked {
        Checked::Rdb(r) => FileOutcome::Rdb(r),
        Checked::Aof(a) => FileOutcome::Aof(a),
        Checked::Unrecognized { offset, message } => FileOutcome::Unrecognized { offset, message },
    })
}

/// Runs the subcommand.
pub fn run(args: CheckArgs) -> anyhow::Result<ExitStatus> {
    let opts = CheckOptions {
        depth: if args.deep {
            Depth::Deep
        } else {
            Depth::Header
        },
        now_ms: args
            .now
            .map_or_else(super::wall_clock_ms, |s| s.saturating_mul(1000)),
        max_findings: args.max_findings,
    };
    let mut out = std::io::stdout().lock();
    let mut status = ExitStatus::Ok;
    let mut json_files = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let outcome = match check_file(path, opts) {
            Ok(o) => o,
            Err(e) => {
                if args.json {
                    json_files.push(json!({"file": name, "error": format!("{e:#}")}));
                } else {
                    writeln!(out, "{name}: cannot read: {e:#}")?;
                }
                status = ExitStatus::Failure;
                continue;
            }
        };
        let ok = match &outcome {
            FileOutcome::Rdb(r) => r.errors() == 0,
            FileOutcome::Aof(a) => a.is_valid(),
            FileOutcome::Unrecognized { .. } => false,
        };
        if !ok && status == ExitStatus::Ok {
            status = ExitStatus::Findings;
        }
        if args.json {
            json_files.push(match &outcome {
                FileOutcome::Rdb(r) => {
                    let mut v = serde_json::to_value(r.as_ref())?;
                    if let Some(m) = v.as_object_mut() {
                        m.insert("file".into(), json!(name));
                        m.insert("format".into(), json!("rdb"));
                        m.insert("ok".into(), json!(ok));
                    }
                    v
                }
                FileOutcome::Aof(a) => aof_json(&name, a, ok),
                FileOutcome::Unrecognized { offset, message } => json!({
                    "file": name, "format": "unknown", "ok": false,
                    "findings": [{"severity": "error", "offset": offset, "code": "bad-signature", "message": message}],
                }),
            });
        } else {
            print_text(&mut out, &name, &outcome)?;
        }
    }
    if args.json {
        let doc = json!({"ok": status == ExitStatus::Ok, "files": json_files});
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(status)
}

use crate::render_aof::{aof_json, print_aof};

fn print_text(out: &mut impl Write, name: &str, outcome: &FileOutcome) -> anyhow::Result<()> {
    let r = match outcome {
        FileOutcome::Rdb(r) => r,
        FileOutcome::Aof(a) => return print_aof(out, name, a),
        FileOutcome::Unrecognized { offset, message } => {
            writeln!(out, "{name}: not a recognized file")?;
            writeln!(out, "  error   offset {offset}: {message}")?;
            writeln!(out, "  result  FAILED")?;
            return Ok(());
        }
    };
    let producer = r
        .aux_value("redis-ver")
        .map(|v| format!(", redis-ver {v}"))
        .or_else(|| {
            r.aux_value("valkey-ver")
                .map(|v| format!(", valkey-ver {v}"))
        })
        .unwrap_or_default();
    writeln!(
        out,
        "{name}: RDB version {} ({}), producer {}{producer}",
        r.version,
        r.signature,
        r.producer.name()
    )?;
    let dbs: Vec<String> = r
        .dbs
        .iter()
        .map(|(db, s)| format!("db{db}={}", s.keys))
        .collect();
    writeln!(
        out,
        "  keys      {} ({}), {} with expiry, {} already expired, {} with field TTLs",
        r.keys_read,
        if dbs.is_empty() {
            "no databases".to_string()
        } else {
            dbs.join(" ")
        },
        r.expires,
        r.already_expired,
        r.subexpires
    )?;
    if !r.functions.is_empty() {
        writeln!(out, "  functions {}", r.functions.len())?;
    }
    let checksum = match r.checksum {
        ChecksumStatus::Ok => format!("OK ({})", r.checksum_stored.as_deref().unwrap_or("")),
        ChecksumStatus::Mismatch => format!(
            "MISMATCH (stored {}, computed {})",
            r.checksum_stored.as_deref().unwrap_or(""),
            r.checksum_computed.as_deref().unwrap_or("")
        ),
        ChecksumStatus::Disabled => "disabled (stored as 0: saved with rdbchecksum no)".into(),
        ChecksumStatus::Absent => "none (RDB version < 5)".into(),
        ChecksumStatus::NotReached => "not reached".into(),
    };
    writeln!(out, "  checksum  {checksum}")?;
    writeln!(
        out,
        "  read      {} bytes{}",
        r.end_offset,
        if r.complete { "" } else { " (stopped early)" }
    )?;
    for f in &r.findings {
        let key = f
            .key
            .as_ref()
            .map(|k| format!(" (key '{k}')"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:<9} offset {}: [{}]{key} {}",
            f.severity.name(),
            f.offset,
            f.code,
            f.message
        )?;
    }
    if r.findings_suppressed > 0 {
        writeln!(
            out,
            "  ...       {} more findings not shown",
            r.findings_suppressed
        )?;
    }
    let errors = r.errors();
    let warnings = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    let verdict = if errors == 0 {
        "OK".to_string()
    } else {
        format!("DAMAGED ({errors} errors)")
    };
    let warn = if warnings > 0 {
        format!(", {warnings} warnings")
    } else {
        String::new()
    };
    writeln!(out, "  result    {verdict}{warn}")?;
    Ok(())
}
