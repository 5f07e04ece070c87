//! `redfile convert`: any input to an RDB, AOF, hybrid AOF or multi-part
//! directory, offline.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use redfile::convert::{convert_keeping, ConvertOptions, Output, OutputFormat};

use crate::exit::ExitStatus;
use crate::output_args::{now_secs, outcome, print_dropped, BaseArg, TargetArgs};
use crate::progress::ProgressArgs;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToArg {
    /// An RDB file.
    Rdb,
    /// A RESP AOF as BGREWRITEAOF writes it (aof-use-rdb-preamble no).
    Aof,
    /// A single AOF starting with an RDB preamble (Redis 4.0-6.2).
    Hybrid,
    /// A Redis 7 multi-part AOF directory (BASE, empty INCR, manifest).
    Multipart,
}

/// Convert a persistence file offline: an RDB, an AOF, an AOF with an RDB
/// preamble or a multi-part AOF directory becomes any of them, written for
/// the chosen RDB version and Redis release. An AOF is replayed through
/// redfile's engine; every encoding is re-expressed in what the target
/// version knows.
///
/// What the target cannot express (hash field TTLs below RDB 12 / Redis
/// 7.4, functions below RDB 10 / Redis 7.0, ...) is refused with the keys
/// concerned (exit 1) unless --lossy says what to give up; what was
/// dropped is reported. OUT is created atomically and never replaces an
/// existing file unless --force; IN is only read.
///
/// Examples:
///   redfile convert appendonlydir/ dump.rdb --to rdb
///   redfile convert dump.rdb appendonly.aof --to aof --redis-version 7.0
///   redfile convert valkey9.rdb dump10.rdb --to rdb --rdb-version 10 --lossy drop-field-ttl
///   redfile convert dump.rdb appendonlydir --to multipart
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ConvertArgs {
    /// The input: RDB file, AOF file, manifest or AOF directory.
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// The output file (the directory itself for multipart).
    #[arg(value_name = "OUT")]
    pub output: PathBuf,

    /// The output format.
    #[arg(long, value_enum)]
    pub to: ToArg,

    /// Versions and give-ups.
    #[command(flatten)]
    pub target: TargetArgs,

    /// For multipart: the BASE format.
    #[arg(long, value_enum, default_value = "rdb")]
    pub base: BaseArg,

    /// For multipart: appendfilename, the prefix of the file names.
    #[arg(long, value_name = "NAME", default_value = "appendonly.aof")]
    pub aof_name: String,

    /// Replace OUT if it exists.
    #[arg(long)]
    pub force: bool,

    /// Progress bar.
    #[command(flatten)]
    pub progress: ProgressArgs,
}

/// Runs the subcommand.
pub fn run(args: ConvertArgs) -> anyhow::Result<ExitStatus> {
    let to = match args.to {
        ToArg::Rdb => OutputFormat::Rdb,
        ToArg::Aof => OutputFormat::Aof,
        ToArg::Hybrid => OutputFormat::Hybrid,
        ToArg::Multipart => OutputFormat::MultiPart,
    };
    let opts = ConvertOptions {
        rdb_version: args.target.rdb_version,
        redis_version: args.target.redis_version,
        give_ups: args.target.give_ups(),
        base: args.base.into(),
        aof_name: args.aof_name.clone(),
        overwrite: args.force,
        ctime: now_secs(),
        ..ConvertOptions::new(to)
    };
    let r = convert_keeping(&args.input, &args.output, &opts, &args.progress.bar()).map(
        |(converted, dataset)| {
            // The process exits right after this command: freeing millions
            // of keys one by one would only delay the exit by seconds (the
            // OS takes the memory back at once). CLI only, never the library.
            std::mem::forget(dataset);
            converted
        },
    );
    outcome(r.map(|c| {
        let mut out = std::io::stdout().lock();
        let target = Output::loss_target_of(to, opts.base, c.versions);
        let _ = writeln!(
            out,
            "converted {} to {} ({target}): {} keys, {} bytes",
            args.input.display(),
            args.output.display(),
            c.keys,
            c.bytes
        );
        let _ = print_dropped(&mut out, &c.dropped);
        ExitStatus::Ok
    }))
}
