//! `redfile compat`: can a server version load this file?

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use redfile::compat_target::{assess, find_target, scan_file, Verdict, TARGETS};

use crate::exit::ExitStatus;

/// Tell whether a server can load a file (RDB, AOF, RDB-preamble AOF or
/// multi-part AOF), and what blocks it: the signature or RDB version, value
/// layouts the server does not know (set listpack before 7.2, hash field
/// TTLs before 7.4, stream v4 before 8.6, arrays before 8.8, Valkey's
/// HASH_2 outside Valkey 9), function libraries before 7.0, module values
/// and aux data (the server needs the module), key metadata, vendor
/// opcodes, and for an AOF the multi-part layout before 7.0 and commands
/// the server lacks (HPEXPIREAT before 7.4, HSETEX before 8.0 ...). Each
/// blocker comes with a count and sample keys, and a fix is suggested when
/// redfile can make one.
///
/// Without --target, one line per known target. Exit status: with
/// --target, 0 loadable, 1 not loadable; without, 0 when some target loads
/// it, 1 when none does; 2 the file could not be read.
///
/// Targets: redis-6.0, redis-6.2, redis-7.0, redis-7.2, redis-7.4,
/// redis-8.0, redis-8.2, redis-8.4, redis-8.6, redis-8.8, valkey-7.2,
/// valkey-8.0, valkey-8.1, valkey-9.0, valkey-9.1.
///
/// Examples:
///   redfile compat --target redis-7.2 dump.rdb
///   redfile compat --json appendonlydir/
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CompatArgs {
    /// The RDB file, AOF file, manifest or AOF directory.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The server to check against (e.g. redis-7.0, valkey-9.0).
    #[arg(long, value_name = "SERVER-X.Y")]
    pub target: Option<String>,

    /// Print one JSON document: {"file", "kind", "rdb": {...} or null,
    /// "targets": [{"target", "loadable", "blockers": [...], "fix"}]}.
    #[arg(long)]
    pub json: bool,
}

/// Runs the subcommand.
pub fn run(args: CompatArgs) -> anyhow::Result<ExitStatus> {
    let targets = match &args.target {
        Some(name) => vec![find_target(name).with_context(|| {
            let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
            format!("unknown target {name:?}; known: {}", names.join(", "))
        })?],
        None => TARGETS.iter().collect(),
    };
    let facts =
        scan_file(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let verdicts: Vec<Verdict> = targets.iter().map(|t| assess(&facts, t)).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        let doc = serde_json::json!({
            "file": facts.file,
            "kind": facts.kind,
            "rdb": facts.rdb.as_ref().map(|r| serde_json::json!({
                "signature": r.signature,
                "version": r.version,
            })),
            "targets": verdicts,
        });
        serde_json::to_writer(&mut out, &doc)?;
        writeln!(out)?;
    } else if args.target.is_some() {
        for v in &verdicts {
            if v.loadable {
                writeln!(out, "{}: loadable", v.target)?;
                continue;
            }
            writeln!(out, "{}: not loadable", v.target)?;
            for b in &v.blockers {
                writeln!(out, "  - {}", b.message)?;
            }
            if let Some(fix) = &v.fix {
                writeln!(out, "  fix: {fix}")?;
            }
        }
    } else {
        let width = TARGETS.iter().map(|t| t.name.len()).max().unwrap_or(0);
        for v in &verdicts {
            let first = v.blockers.first().map_or("", |b| b.message.as_str());
            let more = match v.blockers.len() {
                0 | 1 => String::new(),
                n => format!(" (+{} more)", n - 1),
            };
            let answer = if v.loadable { "yes" } else { "no " };
            writeln!(out, "{:width$}  {answer}  {first}{more}", v.target)?;
        }
    }
    out.flush()?;
    let loadable = verdicts.iter().any(|v| v.loadable);
    Ok(if loadable {
        ExitStatus::Ok
    } else {
        ExitStatus::Findings
    })
}
