//! `redfile completions SHELL`.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::exit::ExitStatus;

/// Print a completion script for a shell to standard output.
///
/// Examples:
///   redfile completions bash > /etc/bash_completion.d/redfile
///   redfile completions zsh > "${fpath[1]}/_redfile"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the completion script for `shell` into `out`.
pub fn generate(shell: Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), "redfile", out);
}

/// Runs the subcommand.
pub fn run(args: CompletionsArgs) -> anyhow::Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    generate(args.shell, &mut out);
    out.flush()?;
    Ok(ExitStatus::Ok)
}
