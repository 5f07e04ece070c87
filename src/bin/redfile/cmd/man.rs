//! `redfile man`: man pages from the CLI definition, one per subcommand.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory};

use crate::cli::Cli;
use crate::exit::ExitStatus;

/// Print the man page, or write one page per subcommand into a directory.
///
/// Examples:
///   redfile man | man -l -
///   redfile man --out-dir man/
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ManArgs {
    /// Write `redfile.1` and `redfile-<subcommand>.1` files here.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Every page as (file name, roff text), top page first.
pub fn pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    let mut top = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut top)?;
    out.push(("redfile.1".to_string(), top));
    for sub in cmd.get_subcommands() {
        let name = format!("redfile-{}", sub.get_name());
        let sub = sub.clone().name(name.clone());
        let mut page = Vec::new();
        clap_mangen::Man::new(sub).render(&mut page)?;
        out.push((format!("{name}.1"), page));
    }
    Ok(out)
}

/// Runs the subcommand.
pub fn run(args: ManArgs) -> anyhow::Result<ExitStatus> {
    let pages = pages()?;
    match args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            for (name, text) in pages {
                std::fs::write(dir.join(name), text)?;
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&pages[0].1)?;
            out.flush()?;
        }
    }
    Ok(ExitStatus::Ok)
}
