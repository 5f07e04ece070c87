//! `redfile keys`: the key names, one per line.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use redfile::inspect::{
    inspect_path_with, InspectError, InspectOptions, KeyItem, KeyVisitor, ValueNeed,
};

use crate::exit::ExitStatus;
use crate::filter_args::FilterArgs;
use crate::progress::ProgressArgs;

/// Print the key names of an RDB or AOF, one per line, as raw bytes (a
/// name holding a newline is printed as it is: use `dump --format jsonl`
/// when that matters). Values are not decoded, so this is fast; the key
/// selection options apply as in `dump`.
///
/// Examples:
///   redfile keys dump.rdb | wc -l
///   redfile keys --db 0 --match 'session:*' --expired only dump.rdb
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct KeysArgs {
    /// The RDB file, AOF file, manifest or AOF directory (`-`: an RDB on
    /// standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Which keys.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Progress display.
    #[command(flatten)]
    pub progress: ProgressArgs,
}

struct Names<W> {
    out: W,
}

impl<W: Write> KeyVisitor for Names<W> {
    fn key(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError> {
        self.out.write_all(item.key)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
}

/// Runs the subcommand.
pub fn run(args: KeysArgs) -> anyhow::Result<ExitStatus> {
    let filter = args.filter.to_filter()?;
    let stdout = std::io::stdout().lock();
    let mut names = Names {
        out: std::io::BufWriter::with_capacity(1 << 16, stdout),
    };
    inspect_path_with(
        &args.file,
        &filter,
        InspectOptions {
            values: ValueNeed::None,
        },
        &mut names,
        &args.progress.bar(),
    )
    .with_context(|| format!("cannot list the keys of {}", args.file.display()))?;
    names.out.flush()?;
    Ok(ExitStatus::Ok)
}
