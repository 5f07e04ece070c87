//! The `redfile` command line: parse, dispatch, turn the outcome into an
//! exit code. Everything else lives in `cmd/` and in the library.

mod cli;
mod cmd;
mod exit;
mod render;
mod render_aof;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(status) => status.into(),
        Err(err) => report(err),
    }
}

/// Prints an error with its causes, one per line; a closed pipe (`redfile
/// ... | head`) is not an error.
fn report(err: anyhow::Error) -> ExitCode {
    if err
        .chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    {
        return exit::ExitStatus::Ok.into();
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "redfile: error: {err}");
    for cause in err.chain().skip(1) {
        let _ = writeln!(stderr, "  caused by: {cause}");
    }
    exit::ExitStatus::Failure.into()
}
