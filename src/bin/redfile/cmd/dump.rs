//! `redfile dump`: every selected key with its value, in one of five
//! formats.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use redfile::aof::rewrite::RedisVersion;
use redfile::export::parallel::dump_path;
use redfile::export::{DumpFormat, DumpOptions};

use crate::exit::ExitStatus;
use crate::filter_args::FilterArgs;
use crate::progress::ProgressArgs;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One JSON document: {"keys": [...], "functions": [...], "aux": {...}}.
    Json,
    /// One JSON object per key and line (for pipelines).
    Jsonl,
    /// CSV: db,key,type,encoding,expire_ms,value.
    Csv,
    /// RESP commands that recreate the data (for `redis-cli --pipe`).
    Resp,
    /// The same commands, readable, one per line (redis-cli syntax).
    Cmd,
}

/// Print every key of an RDB or AOF with its database, type, encoding,
/// expiry and value. An RDB is streamed key by key (memory stays at the
/// size of the largest value); an AOF is replayed first.
///
/// Byte strings are lossless: JSON strings when valid UTF-8, else
/// {"base64": "..."}; in CSV, `base64:` and the base64 when not UTF-8.
/// The README documents the JSON schema. `resp` and `cmd` give the
/// commands of an AOF rewrite for the file's Redis version (or
/// --redis-version); function libraries are included unless keys are
/// selected by --db, --match, --regex, --type or --min-size.
///
/// Examples:
///   redfile dump --format jsonl dump.rdb | jq -c 'select(.type == "hash")'
///   redfile dump --format resp dump.rdb | redis-cli --pipe
///   redfile dump --format cmd --match 'user:*' appendonlydir/
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DumpArgs {
    /// The RDB file, AOF file, manifest or AOF directory (`-`: an RDB on
    /// standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: FormatArg,

    /// For resp and cmd: write commands for this Redis version (e.g. 7.0;
    /// default: the file's redis-ver, else 7.4).
    #[arg(long, value_name = "X.Y")]
    pub redis_version: Option<String>,

    /// Render on this many threads (default: one per core; 1: no extra
    /// thread). The output is the same, in file order.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Which keys.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Progress display.
    #[command(flatten)]
    pub progress: ProgressArgs,
}

/// Runs the subcommand.
pub fn run(args: DumpArgs) -> anyhow::Result<ExitStatus> {
    let filter = args.filter.to_filter()?;
    let redis_version = match &args.redis_version {
        Some(v) => Some(
            RedisVersion::parse(v)
                .with_context(|| format!("invalid --redis-version {v:?} (expected X.Y)"))?,
        ),
        None => None,
    };
    let format = match args.format {
        FormatArg::Json => DumpFormat::Json,
        FormatArg::Jsonl => DumpFormat::Jsonl,
        FormatArg::Csv => DumpFormat::Csv,
        FormatArg::Resp => DumpFormat::Resp,
        FormatArg::Cmd => DumpFormat::Cmd,
    };
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(std::num::NonZeroUsize::get)
            .unwrap_or(1)
    });
    let stdout = std::io::stdout();
    dump_path(
        &args.file,
        &filter,
        DumpOptions {
            format,
            redis_version,
        },
        std::io::BufWriter::with_capacity(1 << 16, stdout),
        &args.progress.bar(),
        threads,
    )
    .with_context(|| format!("cannot dump {}", args.file.display()))?;
    Ok(ExitStatus::Ok)
}
