//! `redfile fix`: repair an AOF.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use redfile::aof::{FixOptions, FixPlan, FixStrategy};
use redfile::check_aof::{check_path, AofCheckOptions, Checked};
use redfile::fsutil::BackupPolicy;
use redfile::repair::{apply_repair, plan_repair};
use serde_json::json;

use crate::exit::ExitStatus;
use crate::render_aof::print_aof;

/// Repair an AOF: cut it (or the last INCR file of a multi-part AOF, never
/// the BASE or an earlier file) back to the last complete command. A file
/// that ends inside a record, or inside a MULTI whose EXEC never arrived,
/// is truncated at the start of that record or MULTI.
///
/// Damage in the middle (garbage, a corrupt length) followed by
/// well-formed commands is reported with its offset and how much good data
/// follows it, and left alone: redis-check-aof --fix would throw all of it
/// away. --salvage instead drops only the damaged byte ranges (and any
/// transaction they break) and reports exactly what was dropped.
///
/// Safety: the original is kept as <file>.bak unless --no-backup; the new
/// content is written to a temporary file, fsynced and renamed into place,
/// and the directory fsynced. Before changing anything redfile asks for
/// confirmation when standard input is a terminal; when it is not (scripts,
/// CI), it refuses unless --yes is given. --dry-run shows what would be cut
/// and changes nothing.
///
/// Exit status: 0 the AOF is fine or was fixed (or, with --dry-run, can be
/// fixed), 1 a fix is needed but was refused or declined, 2 an error.
///
/// Examples:
///   redfile fix --dry-run appendonlydir
///   redfile fix --yes appendonlydir/appendonly.aof.manifest
///   redfile fix --yes --truncate-to-timestamp 1700000000 appendonlydir
///   redfile fix --salvage --yes appendonly.aof
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct FixArgs {
    /// The AOF: a file, a manifest or an AOF directory.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// Show what would be cut; change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Do not ask for confirmation (required when standard input is not a
    /// terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Do not keep a backup of the original.
    #[arg(long)]
    pub no_backup: bool,

    /// Keep the backup here instead of <file>.bak.
    #[arg(long, value_name = "FILE", conflicts_with = "no_backup")]
    pub backup: Option<PathBuf>,

    /// Skip damage in the middle, keeping every well-formed command after it.
    #[arg(long)]
    pub salvage: bool,

    /// Cut at the first `#TS:` annotation later than this Unix time.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub truncate_to_timestamp: Option<i64>,

    /// Print a JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the subcommand.
pub fn run(args: FixArgs) -> anyhow::Result<ExitStatus> {
    let opts = AofCheckOptions {
        truncate_to_timestamp: args.truncate_to_timestamp,
        ..AofCheckOptions::default()
    };
    let name = args.path.display().to_string();
    let report =
        match check_path(&args.path, &opts).with_context(|| format!("cannot check {name}"))? {
            Checked::Aof(a) => a,
            Checked::Rdb(_) | Checked::Unrecognized { .. } => {
                anyhow::bail!("{name} is not an AOF; redfile fix repairs AOF files")
            }
        };
    let strategy = if args.salvage {
        FixStrategy::Salvage
    } else {
        FixStrategy::Truncate
    };
    let plan = plan_repair(&report, strategy);
    let mut out = std::io::stdout().lock();
    let target = plan.name.clone().unwrap_or_default();
    let describe = match &plan.plan {
        FixPlan::NothingToDo => "nothing to fix".to_string(),
        FixPlan::Truncate {
            file_size,
            offset,
            bytes_cut,
            commands_lost,
        } => format!(
            "truncate {target} from {file_size} to {offset} bytes: cut {bytes_cut} bytes{}",
            commands_lost
                .map(|n| format!(" ({n} complete commands)"))
                .unwrap_or_default()
        ),
        FixPlan::Salvage {
            file_size,
            dropped,
            bytes_dropped,
            commands_dropped,
            commands_kept_after_damage,
            ..
        } => {
            let ranges: Vec<String> = dropped
                .iter()
                .map(|r| format!("{}..{}", r.start, r.end))
                .collect();
            format!(
                "salvage {target}: drop {bytes_dropped} of {file_size} bytes at [{}] \
                 ({commands_dropped} complete commands in broken transactions), \
                 keep {commands_kept_after_damage} well-formed commands after the damage",
                ranges.join(", ")
            )
        }
        FixPlan::Refuse { reason } => format!("refusing to fix {target}: {reason}"),
    };
    let describe = match &plan.blocked {
        Some(b) => format!("cannot fix: {b}"),
        None => describe,
    };
    let fixable = plan.changes_something();
    let needs_fix = !report.is_valid();
    if !args.json {
        print_aof(&mut out, &name, &report)?;
        writeln!(out, "plan: {describe}")?;
        out.flush()?;
    }
    let finish = |out: &mut std::io::StdoutLock<'_>, applied: Option<(u64, Option<PathBuf>)>| {
        if args.json {
            let doc = json!({
                "file": name,
                "plan": plan,
                "description": describe,
                "dry_run": args.dry_run,
                "applied": applied.is_some(),
                "new_size": applied.as_ref().map(|a| a.0),
                "backup": applied.as_ref().and_then(|a| a.1.as_ref()).map(|b| b.display().to_string()),
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        anyhow::Ok(())
    };
    if !fixable {
        finish(&mut out, None)?;
        return Ok(if needs_fix {
            ExitStatus::Findings
        } else {
            ExitStatus::Ok
        });
    }
    if args.dry_run {
        if !args.json {
            writeln!(out, "dry run: nothing changed")?;
        }
        finish(&mut out, None)?;
        return Ok(ExitStatus::Ok);
    }
    if !args.yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            anyhow::bail!(
                "standard input is not a terminal: pass --yes to fix without confirmation \
                 (or --dry-run to see the plan)"
            );
        }
        let mut err = std::io::stderr().lock();
        write!(err, "Apply this fix? [y/N]: ")?;
        err.flush()?;
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES") {
            writeln!(err, "aborted, nothing changed")?;
            finish(&mut out, None)?;
            return Ok(ExitStatus::Findings);
        }
    }
    let backup = if args.no_backup {
        BackupPolicy::None
    } else if let Some(b) = &args.backup {
        BackupPolicy::At(b.clone())
    } else {
        BackupPolicy::Default
    };
    let done = apply_repair(&plan, &FixOptions { backup })
        .with_context(|| format!("cannot fix {target}"))?;
    if !args.json {
        writeln!(
            out,
            "fixed: {target} is now {} bytes{}",
            done.new_size,
            done.backup
                .as_ref()
                .map(|b| format!(", original kept as {}", b.display()))
                .unwrap_or_default()
        )?;
    }
    finish(&mut out, Some((done.new_size, done.backup)))?;
    Ok(ExitStatus::Ok)
}
