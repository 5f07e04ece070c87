//! `redfile diff`: a logical comparison of two datasets.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use redfile::diff::{diff_paths, DiffOptions};

use crate::exit::ExitStatus;
use crate::progress::ProgressArgs;

/// Compare the data two inputs hold, whatever their formats (RDB, AOF,
/// RDB-preamble AOF, multi-part AOF directory or manifest): keys only in A
/// (`-`), only in B (`+`), and keys whose type, value or TTL differs (`~`),
/// per database, then function libraries. Values are compared as their
/// type means them (sets and hashes unordered, sorted sets by member and
/// score); encodings, key order, LRU/LFU hints and AUX fields are not
/// compared. Keys are quoted as redis-cli quotes them. The last line is a
/// summary.
///
/// Exit status: 0 equal, 1 different, 2 an input could not be read.
///
/// With --json, one document: {"format_a", "format_b", "equal", "summary":
/// {...counts}, "differences": [{"kind": "missing" | "type" | "value" |
/// "ttl" | "function-missing" | "function-code", ...}]}; keys are strings,
/// or {"base64": ...} when not UTF-8 (as in `dump`).
///
/// Examples:
///   redfile diff dump.rdb appendonlydir/
///   redfile diff --ttl-tolerance 1000 --json old.rdb new.rdb
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DiffArgs {
    /// The first input (A).
    #[arg(value_name = "A")]
    pub a: PathBuf,

    /// The second input (B).
    #[arg(value_name = "B")]
    pub b: PathBuf,

    /// TTLs (of keys and hash fields) at most this many milliseconds apart
    /// are equal.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub ttl_tolerance: u64,

    /// Print one JSON document instead of the report.
    #[arg(long)]
    pub json: bool,

    /// Progress display.
    #[command(flatten)]
    pub progress: ProgressArgs,
}

/// Runs the subcommand.
pub fn run(args: DiffArgs) -> anyhow::Result<ExitStatus> {
    let opts = DiffOptions {
        ttl_tolerance_ms: args.ttl_tolerance,
    };
    let report = diff_paths(&args.a, &args.b, opts, &args.progress.bar())?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        for d in &report.differences {
            writeln!(out, "{d}")?;
        }
        writeln!(out, "{}", report.summary)?;
    }
    out.flush()?;
    Ok(if report.equal {
        ExitStatus::Ok
    } else {
        ExitStatus::Findings
    })
}
