//! The `redfile` command line: parse, dispatch, turn the outcome into an
//! exit code. Everything else lives in `cmd/` and in the library.

mod cli;
mod cmd;
mod exit;
mod filter_args;
mod output_args;
mod progress;
mod render;
mod render_aof;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// The entry of a drop-in mode: program name, then its arguments.
type DropIn = fn(&str, &[std::ffi::OsString]) -> anyhow::Result<exit::ExitStatus>;

/// mimalloc instead of the system allocator: replaying an AOF or decoding a
/// large file allocates tens of millions of small values, and mimalloc
/// makes that (and freeing them) markedly faster; see the README's design
/// notes for the measurement.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Invoked through a link named like the Redis tools: behave like them
    // (redis-server also dispatches on a substring of argv[0]).
    let mut argv = std::env::args_os();
    let argv0 = argv
        .next()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let base = std::path::Path::new(&argv0)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dropin = if base.contains("redis-check-aof") {
        Some(cmd::check_aof::run_as as DropIn)
    } else if base.contains("redis-check-rdb") {
        Some(cmd::check_rdb::run_as as DropIn)
    } else {
        None
    };
    if let Some(run) = dropin {
        let args: Vec<_> = argv.collect();
        return match run(&argv0, &args) {
            Ok(status) => status.into(),
            Err(err) => report(err),
        };
    }
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(status) => status.into(),
        Err(err) => report(err),
    }
}

/// Prints an error with its causes, one per line; a closed pipe (`redfile
/// ... | head`) is not an error.
fn report(err: anyhow::Error) -> ExitCode {
    let broken_pipe = err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| {
                c.downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            })
            == Some(std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return exit::ExitStatus::Ok.into();
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "redfile: error: {err}");
    for cause in err.chain().skip(1) {
        let _ = writeln!(stderr, "  caused by: {cause}");
    }
    exit::ExitStatus::Failure.into()
}
