//! `redfile split`: per-shard files by Redis Cluster hash slot.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use redfile::split::{parse_nodes_conf, parse_slot_spec, split_path, SplitFormat, SplitOptions};

use crate::exit::ExitStatus;
use crate::progress::ProgressArgs;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// RDB files.
    Rdb,
    /// RESP AOFs (the commands of an AOF rewrite).
    Resp,
}

/// Split an RDB or AOF into one file per shard of a Redis Cluster: each key
/// goes to the shard serving its hash slot (CRC16 of the key, or of its
/// {hash tag}, modulo 16384). Shards come from --slots (shards separated by
/// `,`, several ranges of one shard joined by `+`; outputs shard-0,
/// shard-1 ...) or from a cluster's nodes.conf (every master serving slots;
/// outputs named by node id, migration markers ignored). A cluster has
/// only db 0: keys in other databases are refused unless --db picks one,
/// which is written as db 0. Function libraries go to every shard. An RDB
/// is streamed in one pass; each output is written to a temporary file,
/// fsynced, and renamed into place once every shard is complete.
///
/// Examples:
///   redfile split --slots 0-5460,5461-10922,10923-16383 -o shards/ dump.rdb
///   redfile split --nodes nodes.conf --format resp -o shards/ appendonlydir/
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SplitArgs {
    /// The RDB file, AOF file, manifest or AOF directory.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Slot ranges per shard: `0-5460,5461-10922,10923-16383`.
    #[arg(
        long,
        value_name = "RANGES",
        conflicts_with = "nodes",
        required_unless_present = "nodes"
    )]
    pub slots: Option<String>,

    /// A cluster's nodes.conf: one shard per master serving slots.
    #[arg(long, value_name = "NODES_CONF")]
    pub nodes: Option<PathBuf>,

    /// Output directory (created if missing).
    #[arg(short = 'o', long = "out-dir", value_name = "DIR")]
    pub out_dir: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value = "rdb")]
    pub format: FormatArg,

    /// RDB version of the outputs (9 to 14; default: the input's, else 11).
    #[arg(long, value_name = "N")]
    pub rdb_version: Option<u32>,

    /// Split this database (written as db 0) and ignore the others.
    #[arg(long, value_name = "N")]
    pub db: Option<u64>,

    /// Print the shards as one JSON document.
    #[arg(long)]
    pub json: bool,

    /// Progress display.
    #[command(flatten)]
    pub progress: ProgressArgs,
}

/// Runs the subcommand.
pub fn run(args: SplitArgs) -> anyhow::Result<ExitStatus> {
    let shards = match (&args.slots, &args.nodes) {
        (Some(spec), _) => parse_slot_spec(spec)?,
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            parse_nodes_conf(path, &text)?
        }
        (None, None) => anyhow::bail!("give --slots or --nodes"),
    };
    let opts = SplitOptions {
        format: match args.format {
            FormatArg::Rdb => SplitFormat::Rdb,
            FormatArg::Resp => SplitFormat::Resp,
        },
        rdb_version: args.rdb_version,
        db: args.db,
        ctime: crate::cmd::wall_clock_ms() / 1000,
    };
    let reports = split_path(
        &args.file,
        &shards,
        &args.out_dir,
        &opts,
        &args.progress.bar(),
    )
    .with_context(|| format!("cannot split {}", args.file.display()))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &serde_json::json!({ "shards": reports }))?;
        writeln!(out)?;
    } else {
        for r in &reports {
            let ranges: Vec<String> = r
                .shard
                .ranges
                .iter()
                .map(|&(lo, hi)| {
                    if lo == hi {
                        lo.to_string()
                    } else {
                        format!("{lo}-{hi}")
                    }
                })
                .collect();
            let addr = r
                .shard
                .address
                .as_ref()
                .map_or_else(String::new, |a| format!(" ({a})"));
            writeln!(
                out,
                "{}{addr}: slots {}: {} keys -> {}",
                r.shard.name,
                ranges.join(","),
                r.keys,
                r.file.display()
            )?;
        }
    }
    out.flush()?;
    Ok(ExitStatus::Ok)
}
