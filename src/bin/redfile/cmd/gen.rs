//! `redfile gen`: a deterministic fixture set.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use redfile::gen::fixtures::write_fixture_set;

use crate::exit::ExitStatus;

/// Write a deterministic set of fixture files made by redfile's own writers
/// from a seeded dataset: an RDB per version (9 to 14), a plain, a hybrid
/// and a multi-part AOF, damaged copies of them, and MANIFEST.json saying
/// what every file holds (keys per database, DEBUG DIGEST) and how each
/// damaged copy was damaged. The same seed and size always give the same
/// bytes: the repository's fixtures/gen is `redfile gen --seed 1 --keys 60`.
///
/// Examples:
///   redfile gen --seed 1 --keys 60 --out fixtures/gen
///   redfile gen --seed 7 --keys 100000 --out /tmp/big
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct GenArgs {
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// About how many keys each dataset holds.
    #[arg(long, default_value_t = 60)]
    pub keys: usize,

    /// Directory to write (created; must be empty unless --force).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Replace the contents of a non-empty output directory.
    #[arg(long)]
    pub force: bool,
}

/// Runs the subcommand.
pub fn run(args: GenArgs) -> anyhow::Result<ExitStatus> {
    let dir = &args.out;
    let non_empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if non_empty {
        if !args.force {
            anyhow::bail!(
                "{} is not empty; pass --force to replace its contents",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    let manifest = write_fixture_set(dir, args.seed, args.keys)
        .with_context(|| format!("cannot write the fixture set into {}", dir.display()))?;
    let mut out = std::io::stdout().lock();
    for f in &manifest.files {
        writeln!(out, "{}\t{}\t{}", f.digest, f.format, f.path)?;
    }
    out.flush()?;
    Ok(ExitStatus::Ok)
}
