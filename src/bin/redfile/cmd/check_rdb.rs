//! `redfile check-rdb`: a drop-in for redis-check-rdb.

use std::ffi::OsString;
use std::io::Write;

use clap::Args;
use redfile::dropin::redis_check_rdb;

use crate::exit::ExitStatus;

/// Behave like redis-check-rdb (Redis 7.0): `[offset N]` lines for every
/// AUX field and SELECTDB, the checksum verdict, the `[info]` counters,
/// exit 0 when the file looks OK and 1 otherwise. Also used when the binary
/// is invoked through a link named redis-check-rdb. Error reports follow
/// redis-check-rdb's layout; their wording is exact for checksum errors and
/// truncation, redfile's own otherwise. For a fuller report use
/// `redfile check`.
///
/// Usage:
///   redfile check-rdb <rdb-file-name>
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CheckRdbArgs {
    /// The arguments redis-check-rdb takes (one file name).
    #[arg(
        value_name = "ARGS",
        num_args = 0..,
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    pub args: Vec<OsString>,
}

/// Runs redis-check-rdb's logic with `argv0` as the program name.
pub fn run_as(argv0: &str, args: &[OsString]) -> anyhow::Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let code = redis_check_rdb(argv0, args, &mut out, &mut err, super::wall_clock_ms())?;
    out.flush()?;
    Ok(if code == 0 {
        ExitStatus::Ok
    } else {
        ExitStatus::Findings
    })
}

/// Runs the subcommand.
pub fn run(args: CheckRdbArgs) -> anyhow::Result<ExitStatus> {
    run_as("redis-check-rdb", &args.args)
}
