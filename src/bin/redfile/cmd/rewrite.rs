//! `redfile rewrite`: an offline BGREWRITEAOF.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use redfile::rewrite_aof::{rewrite_aof, RewriteAofError, RewriteAofOptions, RewriteLayout};

use crate::exit::ExitStatus;
use crate::output_args::{now_secs, outcome, print_dropped, BaseArg, TargetArgs};
use crate::progress::ProgressArgs;

/// Rewrite an AOF offline, as BGREWRITEAOF does: replay it, then write one
/// compact base (an RDB preamble by default, like aof-use-rdb-preamble
/// yes; --base aof for commands).
///
/// A multi-part directory gets a new BASE and a new empty INCR with the
/// next sequence numbers and a manifest naming only them, written last.
/// The previous files stay on disk, out of the manifest, and the previous
/// manifest is kept as <manifest>.<old base seq>.bak (rename it back to
/// undo); --no-backup deletes them instead, as Redis deletes its history
/// files. A single file is rewritten beside itself and renamed into place,
/// the original kept as FILE.bak unless --no-backup.
///
/// Examples:
///   redfile rewrite /var/lib/redis/appendonlydir
///   redfile rewrite appendonly.aof --base aof --no-backup
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RewriteArgs {
    /// The AOF: a file, a manifest or a multi-part directory.
    #[arg(value_name = "AOF-OR-DIR")]
    pub path: PathBuf,

    /// The new base's format.
    #[arg(long, value_enum, default_value = "rdb")]
    pub base: BaseArg,

    /// Versions and give-ups.
    #[command(flatten)]
    pub target: TargetArgs,

    /// Do not keep the previous file(s).
    #[arg(long)]
    pub no_backup: bool,

    /// Progress bar.
    #[command(flatten)]
    pub progress: ProgressArgs,
}

/// Runs the subcommand.
pub fn run(args: RewriteArgs) -> anyhow::Result<ExitStatus> {
    let opts = RewriteAofOptions {
        base: args.base.into(),
        rdb_version: args.target.rdb_version,
        redis_version: args.target.redis_version,
        give_ups: args.target.give_ups(),
        backup: !args.no_backup,
        ctime: now_secs(),
    };
    let r = match rewrite_aof(&args.path, &opts, &args.progress.bar()) {
        Err(RewriteAofError::Convert(e)) => return outcome(Err(e)),
        r => r?,
    };
    let mut out = std::io::stdout().lock();
    let what = match (args.base, &r.layout) {
        (crate::output_args::BaseArg::Aof, _) => {
            format!("redis {} commands", r.versions.redis)
        }
        _ => format!("rdb version {}", r.versions.rdb),
    };
    writeln!(
        out,
        "rewrote {} ({} commands replayed): {} keys, base {what}, {} bytes",
        args.path.display(),
        r.commands,
        r.keys,
        r.bytes
    )?;
    match &r.layout {
        RewriteLayout::SingleFile { path, backup } => {
            writeln!(out, "new file: {}", path.display())?;
            if let Some(b) = backup {
                writeln!(out, "original kept as {}", b.display())?;
            }
        }
        RewriteLayout::MultiPart {
            manifest,
            base,
            incr,
            superseded,
            manifest_backup,
        } => {
            writeln!(out, "new base: {}", base.display())?;
            writeln!(out, "new incr: {}", incr.display())?;
            writeln!(out, "manifest: {}", manifest.display())?;
            let verb = if manifest_backup.is_some() {
                "kept, out of the manifest"
            } else {
                "deleted"
            };
            for p in superseded {
                writeln!(out, "previous file {verb}: {}", p.display())?;
            }
            if let Some(b) = manifest_backup {
                writeln!(out, "previous manifest kept as {}", b.display())?;
            }
        }
        _ => {}
    }
    print_dropped(&mut out, &r.dropped)?;
    Ok(ExitStatus::Ok)
}
