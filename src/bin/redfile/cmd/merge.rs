//! `redfile merge`: an RDB base and an AOF tail as one loadable AOF, or a
//! compacted RDB.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use redfile::merge::{merge, MergeError, MergeFormat, MergeOptions, TailCheck};

use crate::exit::ExitStatus;
use crate::output_args::{now_secs, outcome, print_dropped, LossyArg};
use crate::progress::ProgressArgs;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MergeToArg {
    /// One file: the base's RDB bytes, then the tail verbatim.
    Hybrid,
    /// A Redis 7 directory: the base as BASE, the tail as INCR, a manifest.
    Multipart,
    /// The base with the tail applied, as an RDB.
    Rdb,
}

/// Merge an RDB base and an AOF tail (a plain RESP file of the commands
/// written after the base) into one hybrid AOF (the RDB as preamble, the
/// tail verbatim), a multi-part AOF directory, or a compacted RDB.
///
/// The tail is first replayed on top of the base through redfile's
/// engine: every command must be known and none may answer with an error.
/// What cannot be applied is listed with its offset in the tail, and the
/// merge is refused (exit 1) unless --force.
///
/// Examples:
///   redfile merge dump.rdb tail.aof -o appendonly.aof
///   redfile merge dump.rdb tail.aof -o appendonlydir --to multipart
///   redfile merge dump.rdb tail.aof -o merged.rdb --to rdb
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct MergeArgs {
    /// The base: an RDB file.
    #[arg(value_name = "BASE")]
    pub base: PathBuf,

    /// The tail: a RESP AOF file.
    #[arg(value_name = "TAIL")]
    pub tail: PathBuf,

    /// The output file (the directory itself for multipart).
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,

    /// The output format.
    #[arg(long, value_enum, default_value = "hybrid")]
    pub to: MergeToArg,

    /// Write even when part of the tail cannot be applied.
    #[arg(long)]
    pub force: bool,

    /// Replace OUT if it exists.
    #[arg(long)]
    pub overwrite: bool,

    /// For multipart: appendfilename, the prefix of the file names.
    #[arg(long, value_name = "NAME", default_value = "appendonly.aof")]
    pub aof_name: String,

    /// For rdb: the RDB version (default: the base's).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(9..=14))]
    pub rdb_version: Option<u32>,

    /// For rdb: give up data the version cannot express (repeatable).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub lossy: Vec<LossyArg>,

    /// Progress bar.
    #[command(flatten)]
    pub progress: ProgressArgs,
}

fn print_issues(out: &mut impl Write, check: &TailCheck) -> std::io::Result<()> {
    for i in &check.issues {
        writeln!(out, "offset {}: {}: {}", i.offset, i.command, i.error)?;
    }
    if check.issue_count > check.issues.len() as u64 {
        writeln!(
            out,
            "... and {} more",
            check.issue_count - check.issues.len() as u64
        )?;
    }
    Ok(())
}

/// Runs the subcommand.
pub fn run(args: MergeArgs) -> anyhow::Result<ExitStatus> {
    let opts = MergeOptions {
        to: match args.to {
            MergeToArg::Hybrid => MergeFormat::Hybrid,
            MergeToArg::Multipart => MergeFormat::MultiPart,
            MergeToArg::Rdb => MergeFormat::Rdb,
        },
        force: args.force,
        overwrite: args.overwrite,
        aof_name: args.aof_name.clone(),
        rdb_version: args.rdb_version,
        give_ups: redfile::lossy::GiveUps::of(args.lossy.iter().map(|&a| a.into())),
        ctime: now_secs(),
    };
    match merge(
        &args.base,
        &args.tail,
        &args.output,
        &opts,
        &args.progress.bar(),
    ) {
        Ok(m) => {
            let mut out = std::io::stdout().lock();
            print_issues(&mut out, &m.check)?;
            let rdb = m
                .rdb
                .as_ref()
                .map(|(v, _)| format!(" (rdb version {v})"))
                .unwrap_or_default();
            writeln!(
                out,
                "merged {} and {} ({} commands) into {}{rdb}: {} keys, {} bytes",
                args.base.display(),
                args.tail.display(),
                m.check.commands,
                args.output.display(),
                m.keys,
                m.bytes
            )?;
            if let Some((_, dropped)) = &m.rdb {
                print_dropped(&mut out, dropped)?;
            }
            Ok(ExitStatus::Ok)
        }
        Err(MergeError::Rejected(r)) => {
            let mut out = std::io::stdout().lock();
            print_issues(&mut out, &r.0)?;
            out.flush()?;
            let mut err = std::io::stderr().lock();
            writeln!(err, "redfile: refused: {r} (--force writes it anyway)")?;
            Ok(ExitStatus::Findings)
        }
        Err(MergeError::Convert(e)) => outcome(Err(e)),
        Err(e) => Err(e.into()),
    }
}
